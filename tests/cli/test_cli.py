"""The CLI's shared behaviour: error handling, exit codes, every command's --help, import cost."""

from __future__ import annotations

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
    app,
    guarded,
    print_input_error,
)
from planner.errors import InfeasibleError, InputError, PlannerError, Problem
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

HELP = {
    (): ("Perencana patroli Warkop Kamtibmas Polres Trenggalek.", "use --lang en for English"),
    ("validate",): (
        "Periksa folder dataset dan tampilkan ringkasan.",
        "(Validate a dataset folder.)",
    ),
    ("plan",): (
        "Rencanakan rute patroli malam ini dan tulis peta, lembar rute dan ekspor.",
        "(Plan tonight's routes and write maps, route sheets and exports.)",
    ),
    ("score",): (
        "Prioritas tiap tempat malam ini beserta alasannya.",
        "(Tonight's venue priorities.)",
    ),
    ("check",): (
        "Periksa ulang rencana tersimpan terhadap semua aturan.",
        "(Re-verify a saved plan.)",
    ),
    ("demo",): ("Buat dataset demo Trenggalek sintetis.", "(Generate the synthetic demo dataset.)"),
    ("network",): (
        "Jaringan jalan: unduh atau impor ke GraphML.",
        "(Road network: fetch or import.)",
    ),
    ("network", "import"): (
        "Ubah berkas jalan ke GraphML dataset.",
        "(Convert a road file to the dataset's GraphML.)",
    ),
    ("network", "fetch"): (
        "Unduh jaringan jalan dari OpenStreetMap (butuh internet).",
        "(Download from OSM.)",
    ),
    ("visits",): (
        "Log kunjungan regu: impor, templat, tambah.",
        "(Visit log: import, template, add.)",
    ),
    ("visits", "import"): (
        "Impor laporan kunjungan regu, utuh atau tidak sama sekali.",
        "(Import a visit sheet.)",
    ),
    ("visits", "template"): (
        "Tulis templat laporan kunjungan kosong dengan petunjuk.",
        "(Write the visit template.)",
    ),
    ("visits", "add"): ("Catat satu kunjungan yang diketik tangan.", "(Record one visit by hand.)"),
    ("followups",): (
        "Rujukan dan tindak lanjut yang belum selesai, terlama dulu.",
        "(Open follow-ups.)",
    ),
    ("report",): (
        "Laporan kegiatan untuk Kapolres, siap cetak A4.",
        "(Printable activity report.)",
    ),
    ("simulate",): (
        "Simulasikan ulang beberapa minggu malam patroli.",
        "(Replay weeks of nights.)",
    ),
    ("sweep",): (
        "Jalankan kisi pengaturan × tanggal dengan Dask.",
        "(Run a settings sweep on Dask.)",
    ),
}
"""Each command's help: its Bahasa Indonesia sentence and its English gloss."""

GROUPS = {(), ("network",), ("visits",)}


def _commands(group: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = {path}
    for name, command in getattr(group, "commands", {}).items():
        found |= _commands(command, (*path, name))
    return found


def test_every_command_has_its_help_test() -> None:
    assert _commands(typer.main.get_command(app)) == set(HELP)


@pytest.mark.parametrize("command", sorted(HELP), ids=lambda c: " ".join(c) or "planner")
def test_help_in_both_languages(command: tuple[str, ...], invoke: Invoke) -> None:
    """--help is printed before --lang is read: it says each thing in Bahasa Indonesia first,
    with the English gloss, whichever --lang is given."""
    indonesian, english = HELP[command]
    variants = [[*command, "--help"]]
    if command not in GROUPS:
        variants.append([*command, "--lang", "en", "--help"])
    outputs = []
    for argv in variants:
        res = invoke(*argv)
        assert res.exit_code == 0, res.output
        text = flat(res.output)
        assert indonesian in text and english in text
        assert text.index(indonesian) < text.index(english)
        if command not in GROUPS:
            assert "id (Bahasa Indonesia) atau en (English)" in text
        outputs.append(res.output)
    assert all(out == outputs[0] for out in outputs)


def test_commands_are_listed_in_their_order(invoke: Invoke) -> None:
    """The commands as registered, then the two command groups (Typer lists groups last)."""
    text = flat(invoke("--help").output)
    order = ["validate", "plan", "score", "demo", "check", "followups", "report", "simulate",
             "sweep", "network", "visits"]  # fmt: skip
    commands = text.index("Commands")
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
