"""End to end: `planner plan` on the demo dataset, in a temporary folder.

One real plan of the demo night is made per test module (the matrices are computed once and
cached inside the temporary copy of the dataset); the tests then read what it wrote.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import jsonschema
import pytest
from typer.testing import CliRunner

from planner import check, pipeline
from planner.cli import app
from planner.domain import Night
from planner.planfile import plan_from_json, problem_from_json
from planner.render import outputs, sheets

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
SCHEMA = REPO / "planner" / "schemas" / "plan-v2.schema.json"
SCHEMA_V1 = REPO / "planner" / "schemas" / "plan-v1.schema.json"
NIGHT = "2026-12-01"
runner = CliRunner()

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("dataset") / "demo"
    shutil.copytree(DEMO, dst, ignore=shutil.ignore_patterns(".cache", "history.sqlite*"))
    return dst


@pytest.fixture(scope="module")
def planned(demo_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("maps")
    problem_file = out / "problem.json"
    res = runner.invoke(
        app,
        [
            "plan", str(demo_copy), "--date", NIGHT, "--out", str(out), "--time-limit", "4",
            "--seed", "0", "--export-problem", str(problem_file),
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    return {"out": out, "folder": out / NIGHT, "output": res.output, "problem": problem_file}


@pytest.fixture(scope="module")
def result(demo_copy: Path, planned: dict[str, Any]) -> pipeline.NightResult:
    """The same night planned in-process (matrices come from the cache the CLI run wrote)."""
    return pipeline.plan_night(demo_copy, Night.parse(NIGHT), time_limit_s=2, seed=0)


def _squad_ids(folder: Path) -> list[str]:
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    return [r["squad_id"] for r in plan["routes"]]


def test_every_file_is_written(planned: dict[str, Any], demo_copy: Path) -> None:
    folder = planned["folder"]
    names = {p.name for p in folder.iterdir()}
    expected = {
        "index.html", "plan.json", "routes.geojson", "routes.gpkg",
        f"rencana-patroli-{NIGHT}.csv", f"rencana-patroli-{NIGHT}.html",
        f"rencana-patroli-{NIGHT}.xlsx",
    }  # fmt: skip
    assert expected <= names
    roster = (demo_copy / "squads.toml").read_text(encoding="utf-8")
    squad_ids = re.findall(r'^squad_id\s*=\s*"([^"]+)"', roster, flags=re.M)
    assert len(squad_ids) == 16
    assert {f"regu-{s}.html" for s in squad_ids} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    # the summary table is printed in Indonesian
    assert "kunjungan" in planned["output"]


def test_plan_json_matches_its_schema_and_passes_the_checker(planned: dict[str, Any]) -> None:
    doc = json.loads((planned["folder"] / "plan.json").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    plan = plan_from_json(doc)
    problem = problem_from_json(json.loads(planned["problem"].read_text(encoding="utf-8")))
    assert check.verify(plan, problem) == []
    assert plan.visits > 50  # 16 squads for a whole night


def test_planner_check_accepts_the_saved_plan(planned: dict[str, Any]) -> None:
    res = runner.invoke(
        app, ["check", str(planned["folder"] / "plan.json"), "--problem", str(planned["problem"])]
    )
    assert res.exit_code == 0, res.output
    alone = runner.invoke(app, ["check", str(planned["folder"] / "plan.json"), "--lang", "en"])
    assert alone.exit_code == 0, alone.output  # the embedded problem checks every rule
    assert "every rule holds" in alone.output


def test_plan_json_embeds_a_compact_problem(planned: dict[str, Any]) -> None:
    path = planned["folder"] / "plan.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    embedded = doc["problem"]
    export = json.loads(planned["problem"].read_text(encoding="utf-8"))
    visited = {s["venue_id"] for r in doc["routes"] for s in r["stops"]}
    assert len(embedded["matrix_nodes"]) == embedded["n_depots"] + len(visited)
    nodes = export["nodes"]  # columns since problem format v4, a list of records before
    ids = nodes["id"] if isinstance(nodes, dict) else [n["id"] for n in nodes]
    assert embedded["nodes"]["id"] == ids  # columns
    # measured on the demo night (1,479 nodes, ~250 visits): plan.json 0.61 MB with its problem;
    # the full export 2.7 MB since the compact problem format v4 (it was 20x the plan before)
    assert path.stat().st_size < 1_000_000
    assert path.stat().st_size < planned["problem"].stat().st_size / 3


def test_the_old_schema_still_describes_version_1() -> None:
    assert json.loads(SCHEMA_V1.read_text(encoding="utf-8"))["properties"]["version"] == {
        "const": 1
    }


def test_schema_rejects_a_broken_plan(planned: dict[str, Any]) -> None:
    doc = json.loads((planned["folder"] / "plan.json").read_text(encoding="utf-8"))
    doc["routes"][0]["stops"] = [{"venue_id": "X"}]
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


def test_each_stop_is_in_the_csv_and_the_printable_sheet(planned: dict[str, Any]) -> None:
    folder = planned["folder"]
    doc = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    stops = [
        (r["squad_id"], i + 1, s["venue_id"])
        for r in doc["routes"]
        for i, s in enumerate(r["stops"])
    ]
    raw = (folder / f"rencana-patroli-{NIGHT}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [(r["regu"], int(r["urutan"]), r["venue_id"]) for r in rows] == stops
    assert list(rows[0].keys()) == list(sheets.CSV_COLUMNS)
    html = (folder / f"rencana-patroli-{NIGHT}.html").read_text(encoding="utf-8")
    pages = re.split(r'<section class="page" data-squad="', html)[1:]
    by_squad = {p.split('"', 1)[0]: re.findall(r'data-venue="([^"]+)"', p) for p in pages}
    for squad_id in {s for s, _, _ in stops}:
        assert by_squad[squad_id] == [v for s, _, v in stops if s == squad_id]
    assert "Kasat Samapta" in html and "Kanit" in html
    assert html.count('class="page"') == len(doc["routes"])


def test_geojson_loads_in_geopandas(planned: dict[str, Any]) -> None:
    frame = gpd.read_file(planned["folder"] / "routes.geojson")
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    doc = json.loads((planned["folder"] / "plan.json").read_text(encoding="utf-8"))
    routes = frame[frame["feature"] == "route"]
    stops = frame[frame["feature"] == "stop"]
    assert len(routes) == len(doc["routes"])
    assert len(stops) == sum(len(r["stops"]) for r in doc["routes"])
    assert (frame["feature"] == "dropped").sum() == len(doc["dropped"])
    assert (frame["feature"] == "station").sum() > 0
    # ISO 8601 with the date: the demo night runs past midnight, and the times still sort
    # (GDAL reads them as datetimes with their offset)
    starts = stops["start"]
    assert all(t.utcoffset() == dt.timedelta(hours=7) for t in starts)
    assert (starts.dt.date == dt.date(2026, 12, 2)).sum() > 0  # after midnight: the next day
    assert (starts.dt.date == dt.date(2026, 12, 1)).sum() > 0
    used = routes[routes["visits"] > 0]
    assert used.geometry.notna().all()
    assert set(used.geom_type) <= {"LineString", "MultiLineString"}
    # Trenggalek: the routes stay inside the regency's bounding box
    minx, miny, maxx, maxy = used.total_bounds
    assert minx > 111.3 and maxx < 111.95 and miny > -8.45 and maxy < -7.85


def test_gpkg_has_every_layer_of_the_night(planned: dict[str, Any], demo_copy: Path) -> None:
    """The layers QGIS opens, counted against plan.json and the dataset."""
    import pyogrio

    path = planned["folder"] / "routes.gpkg"
    layers = {str(name): str(kind) for name, kind in pyogrio.list_layers(path)}
    assert layers == {"stops": "Point", "routes": "MultiLineString", "dropped": "Point",
                      "stations": "Point", "desa": "MultiPolygon"}  # fmt: skip
    counts = {name: pyogrio.read_info(path, layer=name)["features"] for name in layers}
    doc = json.loads((planned["folder"] / "plan.json").read_text(encoding="utf-8"))
    stations = (demo_copy / "stations.csv").read_text(encoding="utf-8-sig").strip().splitlines()
    assert counts["stops"] == sum(len(r["stops"]) for r in doc["routes"])
    assert counts["routes"] == len(doc["routes"]) == 16
    assert counts["dropped"] == len(doc["dropped"])
    assert counts["stations"] == len(stations) - 1
    desa = gpd.read_file(path, layer="desa")
    assert len(desa) == len(gpd.read_file(demo_copy / "desa.geojson"))
    assert desa["visits"].sum() == counts["stops"]  # every demo venue lies in a desa
    assert set(desa["kerawanan"]) <= {"rendah", "sedang", "tinggi", "sangat_tinggi"}
    dropped = gpd.read_file(path, layer="dropped")
    assert dropped["reason_text"].str.len().min() > 0 and dropped["reason"].notna().all()


def test_json_summary(demo_copy: Path, planned: dict[str, Any], tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "plan",
            str(demo_copy),
            "--date",
            NIGHT,
            "--out",
            str(tmp_path),
            "--time-limit",
            "1",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["date"] == NIGHT
    assert len(summary["squads"]) == 16
    assert summary["visits"] == sum(s["visits"] for s in summary["squads"])
    assert 0 < summary["share"] <= 1
    assert set(summary["timings_s"]) >= {"load", "score", "matrix", "solve", "check"}


def _fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_failure_while_writing_leaves_the_previous_files(
    result: pipeline.NightResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / NIGHT
    outputs.write_night(result, folder)
    before = _fingerprint(folder)

    def boom(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(sheets, "route_sheet_html", boom)
    shifted = dataclasses.replace(result, night=result.night)  # same night, re-planned
    with pytest.raises(RuntimeError, match="renderer failed"):
        outputs.write_night(shifted, folder)
    assert _fingerprint(folder) == before


def test_replanning_replaces_files_and_removes_stale_squad_maps(
    result: pipeline.NightResult, tmp_path: Path
) -> None:
    folder = tmp_path / NIGHT
    folder.mkdir()
    (folder / "regu-OLD.html").write_text("an earlier roster", encoding="utf-8")
    written = outputs.write_night(result, folder)
    assert not (folder / "regu-OLD.html").exists()
    assert set(written) == {p.name for p in folder.iterdir()}


def test_input_strings_are_escaped_in_the_sheet(result: pipeline.NightResult) -> None:
    first = result.plan.routes[0].stops[0].venue_id if result.plan.routes[0].stops else None
    first = first or next(s.venue_id for r in result.plan.routes for s in r.stops)
    venues = result.dataset.venues.copy()
    venues.loc[venues["venue_id"] == first, "name"] = "<img src=x onerror=alert(1)>"
    evil = dataclasses.replace(result, dataset=dataclasses.replace(result.dataset, venues=venues))
    html = sheets.route_sheet_html(evil)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_bad_input_exits_2_without_traceback_and_keeps_old_maps(
    demo_copy: Path, planned: dict[str, Any], tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(demo_copy, bad, ignore=shutil.ignore_patterns(".cache"))
    venues = (bad / "venues.csv").read_text(encoding="utf-8-sig").splitlines()
    header = venues[0].split(",")
    row = venues[1].split(",")
    row[header.index("lat")] = "utara"
    venues[1] = ",".join(row)
    (bad / "venues.csv").write_text("\n".join(venues) + "\n", encoding="utf-8")
    out = planned["out"]
    before = _fingerprint(planned["folder"])
    res = runner.invoke(app, ["plan", str(bad), "--date", NIGHT, "--out", str(out)])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "venues.csv" in res.output and "lat" in res.output
    assert _fingerprint(planned["folder"]) == before


@pytest.mark.browser
def test_route_sheet_prints_to_a4_pages_one_squad_per_page(
    planned: dict[str, Any], chromium: Any, tmp_path: Path
) -> None:
    """Print the route sheet to PDF in headless Chromium, as a planner would before a night."""
    sheet = planned["folder"] / f"rencana-patroli-{NIGHT}.html"
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.abort() if not route.request.url.startswith("file:") else route.continue_()
            ),
        )
        page.goto(sheet.as_uri())
        squads = page.eval_on_selector_all("section.page", "els => els.length")
        # each squad section starts on a new page when printed
        breaks = page.eval_on_selector_all(
            "section.page", "els => els.map(e => getComputedStyle(e).breakAfter)"
        )
        pdf = page.pdf(format="A4", print_background=True, path=str(tmp_path / "sheet.pdf"))
    finally:
        context.close()
    doc = json.loads((planned["folder"] / "plan.json").read_text(encoding="utf-8"))
    assert squads == len(doc["routes"])
    assert breaks[:-1] == ["page"] * (squads - 1)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    # the boxes to fill in and the code legend fit: 32 pages for 16 squads when measured
    assert squads <= pages <= 3 * squads
    # A4 portrait in PostScript points
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box is not None
    assert abs(float(box.group(1)) - 595.3) < 2 and abs(float(box.group(2)) - 841.9) < 2


def test_filled_in_route_sheet_feeds_the_next_night(
    planned: dict[str, Any], result: pipeline.NightResult, tmp_path: Path
) -> None:
    """The squads fill in the CSV; importing it makes those venues fresh in the next scores."""
    import datetime as dt

    from planner import history, risk

    raw = (planned["folder"] / f"rencana-patroli-{NIGHT}.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw), delimiter=";"))
    filled = rows[:2]
    for r in filled:
        r["tiba"] = r["rencana_mulai"]
        r["berangkat"] = r["rencana_berangkat"]
        r["jumlah_warga"] = "7"
        r["catatan"] = "Warga mengeluhkan lampu jalan mati"
    sheet = tmp_path / "kembali.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    store = history.open_store(tmp_path / "history.sqlite")
    try:
        done = history.import_file(
            store,
            sheet,
            history.Known.from_dataset(result.dataset),
            now=dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        )
        assert done.visits_new == 2
        assert done.not_visited == len(rows) - 2
        next_night = Night.parse("2026-12-02")
        scores = risk.score(
            result.dataset.venues, result.dataset.desa, result.dataset.incidents, next_night,
            result.settings,
            last_visits=history.last_visits(store, before=next_night.at(420)),
        )  # fmt: skip
    finally:
        store.close()
    rotation = dict(zip(scores["venue_id"], scores["rotation"], strict=True))
    visited = {r["venue_id"] for r in filled}
    assert all(rotation[v] == 0 for v in visited)
    others = [v for v in rotation if v not in visited]
    assert all(rotation[v] > 0 for v in others[:50])  # never visited: the cap
