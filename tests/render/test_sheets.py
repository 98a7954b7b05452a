"""Tests of planner.render.sheets: the route sheet, the stops CSV, the routes GeoJSON, summaries."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path

import geopandas as gpd
import markupsafe
import pytest
from render.test_maps import SCRIPT_REASON, TEMPLATE_NAME, XSS_NAME

from planner import history as h
from planner.config import Settings
from planner.domain import WIB
from planner.pipeline import NightResult
from planner.render import sheets

EVIL_SQUAD = 'Regu <script>alert("r")</script>'


def _stops(result: NightResult) -> list[tuple[str, int, str]]:
    return [
        (r.squad_id, i, s.venue_id)
        for r in result.plan.routes
        for i, s in enumerate(r.stops, start=1)
    ]


def _csv_rows(result: NightResult) -> list[dict[str, str]]:
    raw = sheets.stops_csv(result)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


# --------------------------------------------------------------------------- route sheet


def test_route_sheet_has_one_page_per_squad_with_its_stops_in_order(
    night_result: NightResult,
) -> None:
    page = sheets.route_sheet_html(night_result)
    pages = re.split(r'<section class="page" data-squad="', page)[1:]
    by_squad = {p.split('"', 1)[0]: re.findall(r'data-venue="([^"]+)"', p) for p in pages}
    assert list(by_squad) == [s.squad_id for s in night_result.squads]
    for route in night_result.plan.routes:
        assert by_squad[route.squad_id] == [s.venue_id for s in route.stops]
    assert "Sabtu, 28 November 2026 (malam)" in page
    assert "Kasat Samapta" in page and "Ketua Regu" in page
    # R01: 3 stops, 2.5 + 1.8 + 2.6 + 3.1 km
    assert "3 kunjungan · 10.0 km · berangkat 19:00 · kembali 00:00 WIB" in page


def test_route_sheet_escapes_every_input_string(night_result: NightResult) -> None:
    squads = (
        dataclasses.replace(night_result.squads[0], name=EVIL_SQUAD),
        *night_result.squads[1:],
    )
    page = sheets.route_sheet_html(dataclasses.replace(night_result, squads=squads))
    for raw in (XSS_NAME, SCRIPT_REASON, EVIL_SQUAD):
        assert raw not in page
        assert str(markupsafe.escape(raw)) in page
    assert "<script" not in page and "<img" not in page
    assert TEMPLATE_NAME in page  # no JavaScript on the sheet: ` $ \ need no escaping


def test_route_sheet_in_english(night_result: NightResult) -> None:
    page = sheets.route_sheet_html(night_result, lang="en")
    assert 'lang="en"' in page
    assert "Saturday, 28 November 2026 (night)" in page
    assert "WARKOP KAMTIBMAS PATROL PLAN" in page and "RENCANA PATROLI" not in page


def test_night_date_text() -> None:
    assert sheets.night_date_text(dt.date(2026, 12, 1), "id") == "Selasa, 1 Desember 2026 (malam)"
    assert sheets.night_date_text(dt.date(2026, 12, 1), "en") == "Tuesday, 1 December 2026 (night)"


# --------------------------------------------------------------------------- stops CSV


def test_csv_has_one_row_per_stop_and_the_import_columns(night_result: NightResult) -> None:
    rows = _csv_rows(night_result)
    assert [(r["regu"], int(r["urutan"]), r["venue_id"]) for r in rows] == _stops(night_result)
    assert tuple(rows[0].keys()) == sheets.CSV_COLUMNS
    assert set(h.REQUIRED_COLUMNS) <= set(sheets.CSV_COLUMNS)
    assert set(h.INFO_COLUMNS) | set(h.FILL_COLUMNS) <= set(sheets.CSV_COLUMNS)
    assert {r["tanggal"] for r in rows} == {"2026-11-28"}
    for r in rows:
        assert all(r[c] == "" for c in h.FILL_COLUMNS)  # the squad fills these in
    first = rows[0]  # V1: arrival 430 min after noon = 19:10, priority 6
    assert (first["rencana_tiba"], first["prioritas"], first["nama"]) == ("19:10", "6.00", XSS_NAME)
    # the score reasons, then the desa line (Sumbergedong: 7.4 days, target 3; its only visit)
    assert first["perhatian"] == (
        f"kerawanan tinggi | {SCRIPT_REASON} | Desa Sumbergedong: target 3 hari, terakhir 7 hari lalu"
    )


def test_filled_in_csv_imports_as_visits(night_result: NightResult, tmp_path: Path) -> None:
    rows = _csv_rows(night_result)
    visited = rows[:3]
    for r in visited:
        r["tiba"] = r["rencana_tiba"]
        r["jumlah_warga"] = "5"
    path = tmp_path / "rencana-patroli-2026-11-28.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=sheets.CSV_COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    venues = night_result.dataset.venues
    known = h.Known.from_settings(Settings(), venue_ids=venues["venue_id"])
    with h.open_store(":memory:") as store:
        res = h.import_file(store, path, known, now=dt.datetime(2026, 12, 1, tzinfo=WIB))
        assert res.visits_new == len(visited)  # rows left empty were not visited
        got = h.visits_between(store, start=dt.date(2026, 11, 28), end=dt.date(2026, 11, 28))
        assert sorted(got["venue_id"]) == sorted(r["venue_id"] for r in visited)


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_has_one_feature_per_route_and_per_stop(night_result: NightResult) -> None:
    doc = json.loads(sheets.routes_geojson(night_result))
    assert doc["type"] == "FeatureCollection"
    routes = [f for f in doc["features"] if f["properties"]["feature"] == "route"]
    stops = [f for f in doc["features"] if f["properties"]["feature"] == "stop"]
    assert len(doc["features"]) == len(routes) + len(stops)
    assert [f["properties"]["squad_id"] for f in routes] == ["R01", "R02"]
    assert [f["properties"]["visits"] for f in routes] == [3, 2]
    assert [f["geometry"]["type"] for f in routes] == ["LineString", "LineString"]
    assert [(f["properties"]["squad_id"], f["properties"]["order"], f["properties"]["venue_id"])
            for f in stops] == _stops(night_result)  # fmt: skip
    v1 = stops[0]
    assert v1["geometry"] == {"type": "Point", "coordinates": [111.712, -8.052]}
    assert v1["properties"]["name"] == XSS_NAME  # data, not markup: kept as written
    assert v1["properties"]["arrival"] == "19:10"


def test_geojson_loads_in_geopandas(night_result: NightResult, tmp_path: Path) -> None:
    path = tmp_path / "routes.geojson"
    path.write_bytes(sheets.routes_geojson(night_result))
    frame = gpd.read_file(path)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert len(frame) == 2 + night_result.plan.visits
    minx, miny, maxx, maxy = frame.total_bounds
    assert minx > 111.5 and maxx < 111.8 and miny > -8.2 and maxy < -8.0


def test_route_without_road_geometry_has_no_geometry(night_result: NightResult) -> None:
    doc = json.loads(sheets.routes_geojson(dataclasses.replace(night_result, legs={})))
    routes = [f for f in doc["features"] if f["properties"]["feature"] == "route"]
    assert [f["geometry"] for f in routes] == [None, None]


# --------------------------------------------------------------------------- summaries


def test_squad_summaries_and_summary(night_result: NightResult) -> None:
    plan = night_result.plan
    rows = sheets.squad_summaries(plan, night_result.squads)
    assert [(r["squad_id"], r["visits"]) for r in rows] == [("R01", 3), ("R02", 2)]
    assert rows[0]["first_visit"] == "19:12" and rows[0]["last_visit_end"] == "21:27"
    assert rows[0]["km"] == pytest.approx(10.0)
    summary = sheets.summary(night_result, files={"index.html": Path("x/index.html")})
    assert summary["date"] == "2026-11-28" and summary["status"] == "feasible"
    assert summary["visits"] == sum(r["visits"] for r in summary["squads"]) == 5
    assert summary["dropped"] == 2
    assert summary["priority_collected"] == pytest.approx(plan.collected, abs=1e-3)
    assert summary["files"] == {"index.html": str(Path("x/index.html"))}
    json.dumps(summary)  # the --json output is plain JSON


# --------------------------------------------------------------------------- formula injection

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d*)?")


def assert_formula_safe(cells: list[str]) -> None:
    """No cell a spreadsheet would run: each starts with a harmless character or is a number."""
    for cell in cells:
        if cell.startswith(FORMULA_START):
            assert PLAIN_NUMBER.fullmatch(cell.strip()), f"unprotected formula cell {cell!r}"


def hostile_night(night_result: NightResult) -> NightResult:
    """The night with the planned venues named like formulas (and a formula in a desa)."""
    venues = night_result.dataset.venues.copy()
    planned = [s.venue_id for r in night_result.plan.routes for s in r.stops]
    for venue_id, name in zip(planned, HOSTILE, strict=False):
        venues.loc[venues["venue_id"] == venue_id, "name"] = name
    venues.loc[venues["venue_id"] == planned[0], "desa"] = "-Desa+1"
    dataset = dataclasses.replace(night_result.dataset, venues=venues)
    return dataclasses.replace(night_result, dataset=dataset)


def test_route_sheet_csv_cells_are_formula_safe(night_result: NightResult, tmp_path: Path) -> None:
    from planner._tables import restore_cell
    from planner.history.rows import read_sheet

    result = hostile_night(night_result)
    raw = sheets.stops_csv(result)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    for row in rows:
        assert_formula_safe(row)
    names = [r[rows[0].index("nama")] for r in rows[1:]]
    assert [restore_cell(n) for n in names] == list(HOSTILE[:5])
    assert names[1] == "'=1+1"  # what Excel shows as text, not 2
    # The visit importer's reader gives the original text back.
    path = tmp_path / "rencana-patroli-2026-11-28.csv"
    path.write_bytes(raw)
    sheet = read_sheet(path)
    assert not sheet.problems
    col = sheet.header.index("nama")
    assert [cells[col] for _, cells in sheet.rows] == [restore_cell(n).strip() for n in names]
    assert sheet.rows[0][1][sheet.header.index("desa")] == "-Desa+1"


# --------------------------------------------------------------------------- long names

A4_PX = 794  # 210 mm at 96 px per inch


def long_named_night(night_result: NightResult) -> NightResult:
    """A venue named with 100,000 characters and no space, a 5,000-character desa and squad."""
    venues = night_result.dataset.venues.copy()
    venues.loc[venues["venue_id"] == "V1", "name"] = "W" * 100_000
    venues.loc[venues["venue_id"] == "V2", "desa"] = "D" * 5_000
    squads = (
        dataclasses.replace(night_result.squads[0], name="R" * 5_000),
        *night_result.squads[1:],
    )
    dataset = dataclasses.replace(night_result.dataset, venues=venues)
    return dataclasses.replace(night_result, dataset=dataset, squads=squads)


def test_long_names_are_cut_on_the_printed_sheet(night_result: NightResult) -> None:
    result = long_named_night(night_result)
    page = sheets.route_sheet_html(result)
    base = len(sheets.route_sheet_html(night_result))
    assert len(page) < base + 5 * sheets.NAME_CHARS + 500
    assert "W" * (sheets.NAME_CHARS - 1) + "…" in page and "W" * sheets.NAME_CHARS not in page
    assert "overflow-wrap: anywhere" in page
    # the CSV keeps the whole name: it is data, not print
    rows = _csv_rows(result)
    assert rows[0]["nama"] == "W" * 100_000


def test_clip() -> None:
    assert sheets.clip("Warkop Pak Min") == "Warkop Pak Min"
    assert sheets.clip("abcdef", 4) == "abc…" and len(sheets.clip("x" * 500)) == sheets.NAME_CHARS


def test_long_names_keep_the_sheet_a4_wide_in_chromium(chromium, night_result) -> None:
    """The issue's figure was 81,214 px: measured in a real browser at A4 width, for print."""
    page = chromium.new_page(viewport={"width": A4_PX, "height": 1123})
    try:
        page.route("**/*", lambda route: route.abort())  # the sheet needs no network
        page.emulate_media(media="print")
        page.set_content(sheets.route_sheet_html(long_named_night(night_result)))
        width = page.evaluate("document.documentElement.scrollWidth")
        height = page.evaluate("document.documentElement.scrollHeight")
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('td, th')].map(e => e.scrollWidth"
            " - e.clientWidth))"
        )
    finally:
        page.close()
    assert width <= A4_PX
    assert widest <= 1  # no cell's content sticks out of it
    assert height < 4 * 1123  # two squads: about two A4 pages, not hundreds


def test_each_page_tells_the_office_how_the_night_comes_back(night_result: NightResult) -> None:
    page = sheets.route_sheet_html(night_result)
    pages = re.split(r'<section class="page" data-squad="', page)[1:]
    assert len(pages) == 2
    for squad, text in zip(("R01", "R02"), pages, strict=True):
        line = re.search(r'<div class="office">(.*?)</div>', text, re.S)
        assert line is not None
        assert f"regu-{squad}.html" in line[1]
        assert "Tiba dan Selesai" in line[1] and "Kirim laporan" in line[1]
        assert "planner visits import" in line[1]
    english = sheets.route_sheet_html(night_result, lang="en", map_files={"R01": "regu-x.html"})
    assert "open the squad map regu-x.html" in english and "Send report" in english
    assert "open the squad map regu-R02.html" in english  # not given: the default name
