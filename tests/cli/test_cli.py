"""The CLI's shared behaviour: error handling, exit codes, every command's --help, import cost."""

from __future__ import annotations

import errno
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import typer
from cli._support import Invoke, flat
from typer.testing import CliRunner

from planner import pipeline
from planner.cli import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_INTERNAL,
    EXIT_OUTPUT,
    app,
    guarded,
    print_input_error,
)
from planner.errors import InfeasibleError, InputError, OutputError, PlannerError, Problem
from planner.text import msg

runner = CliRunner()
DEMO = str(Path(__file__).resolve().parents[2] / "data" / "demo")


def test_a_bug_is_reported_briefly_with_the_traceback_in_a_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(pipeline, "plan_night", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    res = runner.invoke(app, ["plan", DEMO, "--date", "2026-12-01", "--out", str(tmp_path)])
    assert res.exit_code == EXIT_INTERNAL
    assert "Traceback" not in res.output
    assert "Kesalahan internal" in res.output
    logs = list(tmp_path.glob("planner-error-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "something inside broke" in text
    assert re.search(r"planner-error-\d{8}-\d{6}\.log", res.output.replace("\n", ""))


def test_bad_date_is_bad_input(tmp_path: Path) -> None:
    res = runner.invoke(app, ["plan", DEMO, "--date", "1 Desember", "--out", str(tmp_path)])
    assert res.exit_code == EXIT_BAD_INPUT
    assert "--date" in res.output and "YYYY-MM-DD" in res.output
    assert not any(tmp_path.iterdir())


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    res = runner.invoke(app, ["plan", DEMO, "--lang", "jv", "--out", str(tmp_path)])
    assert res.exit_code == EXIT_BAD_INPUT
    assert not any(tmp_path.iterdir())


# ---------------------------------------------------------------- every command's --help
# Each command's help in both languages, and Typer's own words: tests/cli/test_language.py.


def test_commands_are_listed_in_their_order(invoke: Invoke) -> None:
    """The commands as registered, then the two command groups (Typer lists groups last)."""
    text = flat(invoke("--help").output)
    order = ["validate", "plan", "score", "demo", "check", "followups", "report", "simulate",
             "sweep", "network", "visits"]  # fmt: skip
    commands = text.index("Perintah")
    at = [text.index(f"│ {name} ", commands) for name in order]
    assert at == sorted(at)


# ---------------------------------------------------------------- the shared error guard


def _guarded_raising(exc: BaseException) -> Any:
    @guarded
    def command(lang: str = "id") -> None:
        raise exc

    return command


@pytest.mark.parametrize(
    ("exc", "code", "words"),
    [
        (InputError([Problem("venues.csv", 3, "lat", "utara", msg("angka", "a number"))]),
         EXIT_BAD_INPUT, ("venues.csv", "3", "lat", "utara", "angka")),
        (InfeasibleError(msg("Tidak ada regu malam ini", "No squad tonight")), EXIT_INFEASIBLE,
         ("Tidak ada regu malam ini",)),
        (PlannerError(msg("Folder tidak kosong", "Folder not empty")), EXIT_BAD_INPUT,
         ("Folder tidak kosong",)),
        (KeyboardInterrupt(), 130, ("Dibatalkan.",)),
    ],
)  # fmt: skip
def test_guard_turns_each_error_into_its_exit_code(
    exc: BaseException, code: int, words: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit) as stop:
        _guarded_raising(exc)(lang="id")
    assert stop.value.exit_code == code
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert "Traceback" not in err


def test_guard_speaks_english_with_lang_en(capsys: pytest.CaptureFixture[str]) -> None:
    problem = Problem("venues.csv", 3, "lat", "utara", msg("angka", "a number"))
    with pytest.raises(typer.Exit):
        _guarded_raising(InputError([problem]))(lang="en")
    err = flat(capsys.readouterr().err)
    assert "1 problem(s) in the input (venues.csv)" in err
    assert all(h in err for h in ("File", "Row", "Column", "Found", "Expected", "a number"))
    with pytest.raises(typer.Exit):
        _guarded_raising(KeyboardInterrupt())(lang="en")
    assert "Cancelled." in capsys.readouterr().err


def test_input_error_table_lists_problems_by_file_row_column(
    capsys: pytest.CaptureFixture[str],
) -> None:
    expected = msg("angka", "a number")
    exc = InputError(
        [Problem("venues.csv", 9, "lon", "b", expected), Problem("desa.geojson", None, None, "c", expected),
         Problem("venues.csv", 3, "lat", "a", expected)]
    )  # fmt: skip
    print_input_error(exc, "id")
    err = capsys.readouterr().err
    assert "3 masalah pada data masukan (desa.geojson, venues.csv)" in err
    rows = [line for line in err.splitlines() if "desa.geojson" in line or "venues.csv" in line]
    assert [r.split("│")[3].strip() for r in rows[1:]] == ["", "lat", "lon"]


def test_typer_errors_pass_through_the_guard(invoke: Invoke) -> None:
    res = invoke("demo", "--venues", "0")
    assert res.exit_code == EXIT_BAD_INPUT
    assert "--venues" in res.output and "Traceback" not in res.output


# ---------------------------------------------------------------- import cost


HEAVY = ("pandas", "numpy", "ortools", "folium", "branca", "geopandas", "shapely", "pyproj",
         "networkx", "osmnx", "dask", "matplotlib")  # fmt: skip

LIGHT_PROBE = """
import sys
import planner.cli
try:
    planner.cli.app(["plan", "--help"])
except SystemExit:
    pass
print("heavy:", ",".join(sorted(m for m in HEAVY if m in sys.modules)))
"""


def test_import_and_help_stay_light() -> None:
    """`import planner.cli` and `planner plan --help` load none of the heavy libraries."""
    res = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{LIGHT_PROBE}"],
        capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert "Rencanakan rute patroli" in res.stdout
    assert res.stdout.splitlines()[-1] == "heavy: "


def test_python_dash_m_runs_the_command() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "planner.cli", "--help"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert "Perencana patroli Warkop Kamtibmas" in res.stdout


# ---------------------------------------------------------------- issue 17: errors a person can use

MARKUP = "[/red][link=https://x.test]klik[/link]:fire:[bold]"
"""Rich markup (a closing tag with nothing open raised MarkupError), a link that printed as
"klik", an emoji code and an opening tag: every one must be printed as written."""

wide = CliRunner(env={"COLUMNS": "1000"})


def _shown_as_written(output: str) -> bool:
    """No markup was interpreted: wherever the data's words appear, all of them appear."""
    return ("klik" not in output and "🔥" not in output) or MARKUP in output


def test_guard_prints_markup_from_every_part_of_a_problem_as_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner import cli

    monkeypatch.setattr(cli.err_console, "_width", 1000)  # undone to None: env width again
    problem = Problem(MARKUP, 2, MARKUP, MARKUP, msg(MARKUP, MARKUP))
    with pytest.raises(typer.Exit) as stop:
        _guarded_raising(InputError([problem], summary=msg(MARKUP, MARKUP)))(lang="id")
    assert stop.value.exit_code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count(MARKUP) == 5, err  # title, file, column, value, expected
    for exc in (PlannerError(msg(MARKUP, MARKUP)), InfeasibleError(msg(MARKUP, MARKUP))):
        with pytest.raises(typer.Exit):
            _guarded_raising(exc)(lang="id")
        assert MARKUP in capsys.readouterr().err


def test_a_bug_whose_message_holds_markup_is_still_exit_70(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from planner import cli

    monkeypatch.setattr(cli.err_console, "_width", 1000)  # undone to None: env width again
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(typer.Exit) as stop:
        _guarded_raising(RuntimeError(MARKUP))(lang="en")
    assert stop.value.exit_code == EXIT_INTERNAL
    assert MARKUP in capsys.readouterr().err


def test_safe_and_plain_keep_text_as_written() -> None:
    from rich.console import Console

    from planner.cli import console, err_console, plain, safe

    assert not console._emoji and not err_console._emoji  # ":fire:" in data stays ":fire:"

    out = Console(width=200, record=True, emoji=False, file=io.StringIO())
    out.print(f"[bold]{safe(MARKUP)}[/]")
    out.print(plain(MARKUP, "red"))
    assert out.export_text().splitlines() == [MARKUP, MARKUP]


def _many_problems(n: int) -> InputError:
    kinds = (("lat", "angka", "a number"), ("kind", "jenis tempat", "a venue kind"))
    return InputError(
        [
            Problem("venues.csv", i + 2, kinds[i % 2][0], f"=HYPERLINK({i})" if i == 7 else i,
                    msg(kinds[i % 2][1], kinds[i % 2][2]))
            for i in range(n)
        ]
    )  # fmt: skip


def test_many_problems_show_the_first_20_a_count_per_kind_and_a_csv(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import csv

    from planner import cli
    from planner._tables import restore_cell

    monkeypatch.setattr(cli.err_console, "_width", 200)  # undone to None: env width again
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    print_input_error(_many_problems(50_000), "en")
    err = capsys.readouterr().err
    assert len(err.splitlines()) < 60  # not 100,029 lines
    rows = [line for line in err.splitlines() if line.startswith("│ venues.csv")]
    assert len(rows) == 20 + 2  # the first 20, then one row per kind
    assert "│ 25,000 │" in err and "Problems by kind" in err
    (path,) = tmp_path.glob("planner-problems-*.csv")
    assert str(path) in flat(err).replace(" ", "") or str(path) in err.replace("\n", "")
    assert "49,980 more problem(s)" in flat(err)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))  # the office dialect
    assert table[0] == ["File", "Row", "Column", "Found", "Expected"]
    assert len(table) == 50_001
    assert table[8][3] == "'=HYPERLINK(7)" and restore_cell(table[8][3]) == "=HYPERLINK(7)"
    assert table[1] == ["venues.csv", "2", "lat", "0", "a number"]


def test_twenty_problems_or_fewer_write_no_csv(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    print_input_error(_many_problems(20), "id")
    err = capsys.readouterr().err
    assert "Masalah per jenis" not in err and not list(tmp_path.glob("planner-problems-*"))
    assert sum(line.startswith("│ venues.csv") for line in err.splitlines()) == 20


def test_many_problems_print_quickly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import time

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    exc = _many_problems(50_000)
    t0 = time.perf_counter()
    print_input_error(exc, "id")
    assert time.perf_counter() - t0 < 5.0
    capsys.readouterr()


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/malam/index.html"),
         ("/malam/index.html", "disk is full")),
        (OSError(errno.EROFS, "Read-only file system", "/ro/plan.json"),
         ("/ro/plan.json", "read-only")),
        (OutputError(msg("Folder keluaran tidak dapat ditulis", "The output folder is not writable")),
         ("not writable",)),
    ],
)  # fmt: skip
def test_a_full_disk_or_read_only_folder_is_exit_73_not_a_bug(
    exc: BaseException, words: tuple[str, ...], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:  # fmt: skip
    from planner import cli

    monkeypatch.setattr(cli.err_console, "_width", 300)  # undone to None: env width again
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(typer.Exit) as stop:
        _guarded_raising(exc)(lang="en")
    assert stop.value.exit_code == EXIT_OUTPUT == 73
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert "bug" not in err and not list(tmp_path.glob("planner-error-*.log"))


def test_output_error_from_an_oserror_names_path_and_reason() -> None:
    from planner.errors import output_error

    err = output_error("/malam", OSError(errno.ENOSPC, "No space left on device"))
    assert err.exit_code == EXIT_OUTPUT and err.path == "/malam"
    assert "disk penuh" in err.render("id") and "disk is full" in err.render("en")
    odd = output_error("/x", OSError(errno.EIO, "Input/output error"))
    assert "Input/output error" in odd.render("en")


def test_other_oserrors_remain_bugs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(typer.Exit) as stop:
        _guarded_raising(OSError(errno.EBADF, "Bad file descriptor"))(lang="en")
    assert stop.value.exit_code == EXIT_INTERNAL


def test_exit_codes_are_the_documented_ones() -> None:
    """docs/exit-codes.md lists every code the command uses, with the same numbers."""
    from planner import errors

    doc = (Path(__file__).resolve().parents[2] / "docs" / "exit-codes.md").read_text("utf-8")
    codes = {name: getattr(errors, name) for name in dir(errors) if name.startswith("EXIT_")}
    assert codes == {
        "EXIT_OK": 0, "EXIT_MUST_VISIT": 1, "EXIT_BAD_INPUT": 2, "EXIT_INFEASIBLE": 3,
        "EXIT_INTERNAL": 70, "EXIT_OUTPUT": 73, "EXIT_CANCELLED": 130,
    }  # fmt: skip
    for name, code in codes.items():
        assert re.search(rf"^\| `{code}` \| `{name}` \|", doc, flags=re.M), name


# ---- every field of every input file holds markup: exit 0 or 2, printed as written, no trace


def _set_csv_cell(path: Path, column: str, value: str) -> None:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _set_desa_field(path: Path, column: str, value: str) -> None:
    import geopandas as gpd

    desa = gpd.read_file(path)
    desa.loc[0, column] = value
    path.unlink()
    desa.to_file(path, driver="GeoJSON")


def _set_squad_key(path: Path, key: str, value: str) -> None:
    import json

    text = path.read_text(encoding="utf-8")
    first = text.index("[[squad]]")
    block_end = text.find("[[squad]]", first + 1)
    block = text[first:block_end]
    lines = [ln for ln in block.splitlines() if not ln.startswith(f"{key} ")]
    literal = f"[{json.dumps(value)}]" if key == "area" else json.dumps(value)
    lines.insert(1, f"{key} = {literal}")
    path.write_text(text[:first] + "\n".join(lines) + "\n" + text[block_end:], encoding="utf-8")


_SETTINGS = {
    "lang": "[general]\nlang = {v}\n",
    "metric_crs": "[general]\nmetric_crs = {v}\n",
    "unknown key": "[general]\n{v} = 1\n",
    "section": "[{v}]\nx = 1\n",
    "directive kecamatan": "[[directives]]\nfrom = 2026-12-01\nto = 2026-12-02\nkecamatan = {v}\n",
    "directive venue": "[[directives]]\nfrom = 2026-12-01\nto = 2026-12-02\nvenue_id = {v}\n",
    "directive polygon": "[[directives]]\nfrom = 2026-12-01\nto = 2026-12-02\npolygon = {v}\n",
    "directive reason": (
        '[[directives]]\nfrom = 2026-12-01\nto = 2026-12-02\nreason = {v}\nfactor = "x"\n'
    ),
    "directive category": ("[[directives]]\nfrom = 2026-12-01\nto = 2026-12-02\ncategory = {v}\n"),
    "history agency": "[history]\nagencies = [{v}, {v}]\n",
    "history store": "[history]\nstore = {v}\nvisit_window = {v}\n",
    "kerawanan level": "[kerawanan.levels]\n{v} = -1\n",
}

_CASES = (
    [("venues.csv", c) for c in ("venue_id", "name", "kind", "lat", "lon", "opens", "closes",
                                 "desa_code", "dwell_min", "active", "closed_days")]
    + [("stations.csv", c) for c in ("station_id", "name", "kind", "lat", "lon", "kecamatan")]
    + [("incidents.csv", c) for c in ("incident_id", "occurred_at", "lat", "lon", "category",
                                      "severity", "venue_id")]
    + [("squads.toml", k) for k in ("squad_id", "name", "station_id", "members", "shift",
                                    "vehicle", "area")]
    + [("desa.geojson", c) for c in ("desa_code", "desa", "kecamatan", "kerawanan")]
    + [("planner.toml", k) for k in _SETTINGS]
)  # fmt: skip


_ACCEPTED = {
    ("venues.csv", "venue_id"), ("venues.csv", "name"), ("stations.csv", "station_id"),
    ("stations.csv", "name"), ("incidents.csv", "incident_id"), ("squads.toml", "name"),
    ("desa.geojson", "desa_code"), ("desa.geojson", "desa"), ("desa.geojson", "kecamatan"),
    ("planner.toml", "directive reason"),
}  # fmt: skip
"""Fields where any text is a valid value (or where another problem is the one reported):
every other case is a problem whose table shows the markup, as written."""


@pytest.mark.parametrize(("file", "field"), _CASES, ids=[f"{f}:{k}" for f, k in _CASES])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_markup_in_every_field_is_printed_as_written(
    file: str, field: str, lang: str, dataset_copy: Path
) -> None:
    import json

    path = dataset_copy / file
    if file.endswith(".csv"):
        _set_csv_cell(path, field, MARKUP)
    elif file == "desa.geojson":
        _set_desa_field(path, field, MARKUP)
    elif file == "squads.toml":
        _set_squad_key(path, field, MARKUP)
    else:
        path.write_text(_SETTINGS[field].format(v=json.dumps(MARKUP)), encoding="utf-8")
    res = wide.invoke(app, ["validate", str(dataset_copy), "--date", "2026-12-01", "--lang", lang])
    out = res.output
    assert res.exit_code in (0, EXIT_BAD_INPUT), out
    assert "Traceback" not in out and "MarkupError" not in out
    assert _shown_as_written(out), out
    if (file, field) not in _ACCEPTED:
        assert res.exit_code == EXIT_BAD_INPUT and MARKUP in out, out


# ---- settings and directives: validate refuses exactly what plan refuses (exit 2, no files)

_DIRECTIVE = "[[directives]]\nfrom = 2026-11-25\nto = 2026-12-05\n"
_BAD_SETTINGS = {
    "rotation inf": ("[weights]\nrotation = inf\n", "weights.rotation"),
    "rotation 1e308": ("[weights]\nrotation = 1e308\n", "weights.rotation"),
    "exchange 1e300": ("[routing]\nexchange_rate_min = 1e300\n", "routing.exchange_rate_min"),
    "seed -1": ("[routing]\nseed = -1\n", "routing.seed"),
    "crs 4326": ('[general]\nmetric_crs = "EPSG:4326"\n', "general.metric_crs"),
    "crs 999999": ('[general]\nmetric_crs = "EPSG:999999"\n', "general.metric_crs"),
    "factor inf": (_DIRECTIVE + 'kecamatan = "Durenan"\nfactor = inf\n', "directives[0].factor"),
    "unknown kecamatan": (_DIRECTIVE + 'kecamatan = "Atlantis"\nfactor = 2\n',
                          "directives[0].kecamatan"),
    "unknown venue": (_DIRECTIVE + 'venue_id = "V9999"\naction = "exclude"\n',
                      "directives[0].venue_id"),
    "unknown polygon": (_DIRECTIVE + 'polygon = "areas/pasar.geojson"\n', "directives[0].polygon"),
    "clash": (_DIRECTIVE + 'venue_id = "V0001"\naction = "must_visit"\n'
              + _DIRECTIVE.replace("11-25", "12-03") + 'venue_id = "V0001"\naction = "exclude"\n',
              "directives[1], directives[0]"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(_BAD_SETTINGS))
def test_validate_and_plan_agree_on_bad_settings(
    case: str, dataset_copy: Path, tmp_path: Path
) -> None:
    text, key = _BAD_SETTINGS[case]
    (dataset_copy / "planner.toml").write_text(text, encoding="utf-8")
    out = tmp_path / "maps"
    night = ["--date", "2026-12-01", "--lang", "en"]
    checked = wide.invoke(app, ["validate", str(dataset_copy), *night])
    planned = wide.invoke(app, ["plan", str(dataset_copy), *night, "--out", str(out)])
    for res in (checked, planned):
        assert res.exit_code == EXIT_BAD_INPUT, res.output
        assert "Traceback" not in res.output and "bug" not in res.output
        assert "planner.toml" in res.output and key in res.output, res.output
    assert not out.exists() or not any(out.rglob("*.html"))


def test_validate_lists_a_venue_accepted_just_outside_its_desa(dataset_copy: Path) -> None:
    """The desa polygon of one venue shrunk so the venue lies ~200 m outside it (and far from
    every other desa): validate passes, with the venue in the warnings (screen and --json)."""
    import json

    import geopandas as gpd
    import pandas as pd

    desa = gpd.read_file(dataset_copy / "desa.geojson").to_crs(32749)
    venues = pd.read_csv(dataset_copy / "venues.csv", dtype=str, keep_default_na=False)
    points = gpd.GeoSeries(
        gpd.points_from_xy(venues["lon"].astype(float), venues["lat"].astype(float)), crs=4326
    ).to_crs(32749)
    chosen = None
    for i, code in enumerate(venues["desa_code"]):
        poly = desa.loc[desa["desa_code"] == code, "geometry"].iloc[0]
        inside = poly.exterior.distance(points[i]) if poly.geom_type == "Polygon" else 0
        if poly.contains(points[i]) and 150 < inside < 600:
            chosen = i, code, inside
            break
    assert chosen is not None
    i, code, inside = chosen
    row = desa["desa_code"] == code
    desa.loc[row, "geometry"] = desa.loc[row, "geometry"].buffer(-(inside + 200))
    (dataset_copy / "desa.geojson").unlink()
    desa.to_crs(4326).to_file(dataset_copy / "desa.geojson", driver="GeoJSON")
    res = wide.invoke(app, ["validate", str(dataset_copy), "--date", "2026-12-01", "--lang", "en"])
    assert res.exit_code == 0, res.output
    vid = venues["venue_id"][i]
    assert f"{vid}: lat=" in res.output and "accepted:" in res.output
    js = wide.invoke(app, ["validate", str(dataset_copy), "--date", "2026-12-01", "--json"])
    (w,) = [w for w in json.loads(js.stdout)["warnings"] if w["venue_id"] == vid]
    assert w["kind"] == "outside_desa" and 150 < w["distance_m"] < 260


PATH_MARKUP = "[/red][link=x.test]klik[/link]:fire:[bold]"
"""Markup that survives as a path (pathlib folds the "//" of a URL)."""


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--lang", MARKUP],
        ["plan", "--lang", MARKUP],
        ["validate", "--date", MARKUP],
        ["plan", "--date", MARKUP],
        ["validate", f"/tidak/ada/{PATH_MARKUP}"],
        ["validate", "--roster", f"/tidak/ada/{PATH_MARKUP}.toml"],
        ["network", "import", f"/tidak/ada/{PATH_MARKUP}.osm"],
        ["check", f"/tidak/ada/{PATH_MARKUP}.json"],
        ["score", f"/tidak/ada/{PATH_MARKUP}"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_markup_in_options_and_paths_is_bad_input_printed_as_written(argv: list[str]) -> None:
    """`--lang "[/red]"` crashed Rich inside the error message itself (exit 70)."""
    res = wide.invoke(app, argv)
    out = res.output
    assert res.exit_code == EXIT_BAD_INPUT, out
    assert "Traceback" not in out and "bug" not in out
    given = argv[-1].rsplit("/", 1)[-1] if argv[0] == "network" else argv[-1]
    assert given in out, out  # as written (a path's folders are not all shown by every command)
    assert "🔥" not in out


def test_a_temp_folder_that_cannot_be_written_does_not_hide_the_problems(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from planner import _atomic

    def full(path: Any, *args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(_atomic, "write_bytes", full)
    with pytest.raises(typer.Exit) as stop:
        _guarded_raising(_many_problems(100))(lang="en")
    assert stop.value.exit_code == EXIT_BAD_INPUT
    err = flat(capsys.readouterr().err)
    assert "80 more problem(s)" in err and "disk is full" in err and "Traceback" not in err


def test_a_bug_with_no_room_for_its_log_is_still_a_short_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner import _atomic

    def full(path: Any, *args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(_atomic, "write_text", full)
    with pytest.raises(typer.Exit) as stop:
        _guarded_raising(RuntimeError("rusak"))(lang="en")
    assert stop.value.exit_code == EXIT_INTERNAL
    err = flat(capsys.readouterr().err)
    assert "rusak" in err and "disk is full" in err and "Traceback" not in err
