"""Unit tests of planner.render.maps: render to HTML strings and assert on their content."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from planner.domain import WIB, Dropped, Night, Plan, Route, Squad, Stop, parse_window
from planner.problem import NightProblem
from planner.render import mapdata, maps
from planner.render._html import esc
from planner.testing import synthetic_problem

XSS_NAME = "<img src=x onerror=alert(1)>"
TEMPLATE_NAME = "Warkop ${alert(2)} `tick` back\\slash"
SCRIPT_REASON = "</script><script>alert(3)</script>"

NIGHT = Night(dt.date(2026, 11, 28))

# venue_id -> (name, kind, desa, kecamatan, lon, lat)
VENUES = {
    "V1": (XSS_NAME, "angkringan", "Sumbergedong", "Trenggalek", 111.712, -8.052),
    "V2": ("Kopi Pak Min", "warkop", "Ngantru", "Trenggalek", 111.722, -8.061),
    "V3": (TEMPLATE_NAME, "kafe", "Surodakan", "Trenggalek", 111.701, -8.068),
    "V4": ("Angkringan Mbak Sri", "angkringan", "Pule", "Pule", 111.602, -8.131),
    "V5": ("Warkop Cak Dul", "warkop", "Karanganyar", "Pule", 111.615, -8.142),
    "V6": ("Kafe Rahasia Tinggi", "kafe", "Ngantru", "Trenggalek", 111.731, -8.045),
    "V7": ("Warung Sepi Sekali", "warkop", "Pule", "Pule", 111.590, -8.120),
}
PRIORITY = {"V1": 6.0, "V2": 4.5, "V3": 3.0, "V4": 5.5, "V5": 2.0, "V6": 7.5, "V7": 0.4}
# desa_code -> name, as in the desa file (D4's name is hostile markup)
DESA_NAME = {"D1": "Sumbergedong", "D2": "Ngantru", "D3": "Pule", "D4": "<b>Karanganyar</b>"}
# venue_id -> desa_code (D5: Surodakan, a kelurahan missing from the desa file)
DESA_CODE = {"V1": "D1", "V2": "D2", "V3": "D5", "V4": "D3", "V5": "D4", "V6": "D2", "V7": "D3"}
# desa_code -> (days since presence before tonight, target days): overdue, within, never, due;
# D5 has no presence data (NaN).
PRESENCE = {
    "D1": (7.4, 3.0),
    "D2": (2.2, 6.0),
    "D3": (float("inf"), 2.0),
    "D4": (4.5, 4.0),
    "D5": (float("nan"), float("nan")),
}
PRESENCE_STATE = {"D1": "overdue", "D2": "within", "D3": "never", "D4": "due"}


def _stop(vid: str, arrive_min: int, travel_s: int, dist_m: float) -> Stop:
    a = arrive_min * 60
    return Stop(vid, a, a + 120, a + 120 + 1500, travel_s, dist_m, PRIORITY[vid])


def _zigzag(a: tuple[float, float], b: tuple[float, float], n: int = 6) -> LineString:
    """A leg that 'follows the roads': a zigzag between a and b with n interior points."""
    pts = [a]
    for i in range(1, n + 1):
        t = i / (n + 1)
        off = 0.002 if i % 2 else -0.002
        pts.append((a[0] + (b[0] - a[0]) * t + off, a[1] + (b[1] - a[1]) * t))
    pts.append(b)
    return LineString(pts)


STATIONS = {
    "POLRES": ("Polres Trenggalek", "polres", "Trenggalek", 111.7100, -8.0500),
    "PS_PULE": ("Polsek Pule", "polsek", "Pule", 111.6000, -8.1300),
}


def build_problem(
    venues: gpd.GeoDataFrame, *, decay: float = 0.5, n_stations: int = len(STATIONS)
) -> NightProblem:
    """The compiled night behind the plan (nodes S0, S1, V1..V7; prizes = priorities; desa by
    ``desa_code``): what the presence curve's ranks are computed from."""
    ids = list(venues["venue_id"])
    assert ids == [f"V{i}" for i in range(1, len(ids) + 1)]  # synthetic_problem's node ids
    return synthetic_problem(
        [(0.0, 0.0)] * n_stations + [(float(i), 0.0) for i in range(len(ids))],
        n_depots=n_stations,
        squads=[(0, 0, 3600), (1, 0, 3600)],
        prize=[PRIORITY[v] for v in ids],
        desa=list(venues["desa_code"]),
        desa_decay=decay,
        night=NIGHT,
    )


def build_map_data(
    *,
    with_legs: bool = True,
    reversed_leg: bool = False,
    with_presence: bool = True,
    desa_of: Mapping[str, str] | None = None,
    decay: float = 0.5,
) -> maps.MapData:
    """A tiny night: two squads (3 and 2 stops), one high- and one low-priority drop.

    ``with_presence``: the scores carry the presence columns of the risk scores
    (``presence, recent_factor, desa_days, desa_target_days``, from :data:`PRESENCE`).
    ``desa_of``: venues moved to another desa (``venue_id -> desa_code`` of :data:`DESA_NAME`);
    ``decay``: the problem's ``desa_decay``.
    """
    code_of = {**DESA_CODE, **(desa_of or {})}
    desa_name = {v: DESA_NAME[desa_of[v]] if v in (desa_of or {}) else VENUES[v][2] for v in VENUES}
    squads = (
        Squad("R01", "POLRES", 6, parse_window("19:00-02:00"), "mobil", None, "Regu 1 Samapta"),
        Squad("R02", "PS_PULE", 5, parse_window("20:00-01:00"), "motor", ("Pule",), "Regu Pule"),
    )
    r1 = Route(
        "R01",
        "POLRES",
        420 * 60,
        (420 + 300) * 60,
        (_stop("V1", 430, 600, 2500.0), _stop("V2", 480, 500, 1800.0), _stop("V3", 540, 700, 2600)),
        900,
        3100.0,
    )
    r2 = Route(
        "R02",
        "PS_PULE",
        480 * 60,
        (480 + 200) * 60,
        (_stop("V4", 490, 300, 900.0), _stop("V5", 560, 400, 1700.0)),
        500,
        2200.0,
    )
    total = sum(PRIORITY.values())
    plan = Plan(
        NIGHT,
        (r1, r2),
        dropped=(
            Dropped("V6", "no_fit", PRIORITY["V6"], "shift penuh"),
            Dropped("V7", "not_worth", PRIORITY["V7"]),
        ),
        total_priority=total,
    )
    stations = gpd.GeoDataFrame(
        {
            "station_id": list(STATIONS),
            "name": [v[0] for v in STATIONS.values()],
            "kind": [v[1] for v in STATIONS.values()],
            "kecamatan": [v[2] for v in STATIONS.values()],
        },
        geometry=[Point(v[3], v[4]) for v in STATIONS.values()],
        crs="EPSG:4326",
    )
    venues = gpd.GeoDataFrame(
        {
            "venue_id": list(VENUES),
            "name": [v[0] for v in VENUES.values()],
            "kind": [v[1] for v in VENUES.values()],
            "desa_code": [code_of[v] for v in VENUES],
            "desa": [desa_name[v] for v in VENUES],
            "kecamatan": [v[3] for v in VENUES.values()],
        },
        geometry=[Point(v[4], v[5]) for v in VENUES.values()],
        crs="EPSG:4326",
    )
    scores = pd.DataFrame(
        {
            "venue_id": list(VENUES),
            "priority": [PRIORITY[v] for v in VENUES],
            "reasons": [
                ["kerawanan tinggi", SCRIPT_REASON] if v == "V1" else [f"alasan {v}"]
                for v in VENUES
            ],
        }
    )
    if with_presence:
        days = [PRESENCE[code_of[v]][0] for v in VENUES]
        targets = [PRESENCE[code_of[v]][1] for v in VENUES]
        scores = scores.assign(
            presence=0.0,  # the overdue bonus: not what the render tests look at
            recent_factor=1.0,
            desa_days=days,
            desa_target_days=targets,
        )
    desa = gpd.GeoDataFrame(
        {
            "desa_code": list(DESA_NAME),
            "desa": list(DESA_NAME.values()),
            "kecamatan": ["Trenggalek", "Trenggalek", "Pule", "Pule"],
            "kerawanan": ["tinggi", "rendah", "sangat_tinggi", "sedang"],
        },
        geometry=[
            box(111.69, -8.07, 111.715, -8.04),
            box(111.715, -8.07, 111.74, -8.04),
            box(111.58, -8.14, 111.61, -8.11),
            box(111.61, -8.15, 111.63, -8.11),
        ],
        crs="EPSG:4326",
    )
    noon = NIGHT.noon
    incidents = gpd.GeoDataFrame(
        {
            "occurred_at": pd.to_datetime(
                [
                    noon - dt.timedelta(days=3),
                    noon - dt.timedelta(days=12),
                    noon - dt.timedelta(days=45),
                ]
            ).tz_convert(WIB),
            "category": ["curanmor", "miras", "perkelahian"],
            "severity": [3.0, 1.5, 3.0],
        },
        geometry=[
            Point(111.71111, -8.05111),
            Point(111.72222, -8.06222),
            Point(111.63333, -8.13333),
        ],
        crs="EPSG:4326",
    )
    legs: dict[str, list[LineString]] = {}
    if with_legs:
        for route in (r1, r2):
            st_ = STATIONS[route.station_id]
            pts = [(st_[3], st_[4])]
            pts += [(VENUES[s.venue_id][4], VENUES[s.venue_id][5]) for s in route.stops]
            pts.append((st_[3], st_[4]))
            legs[route.squad_id] = [_zigzag(a, b) for a, b in itertools.pairwise(pts)]
        if reversed_leg:
            legs["R01"][1] = legs["R01"][1].reverse()
    return maps.MapData(
        night=NIGHT,
        plan=plan,
        squads=squads,
        stations=stations,
        venues=venues,
        scores=scores,
        desa=desa,
        incidents=incidents,
        legs=legs,
        problem=build_problem(venues, decay=decay),
    )


@pytest.fixture(scope="module")
def data() -> maps.MapData:
    return build_map_data()


@pytest.fixture(scope="module")
def overview(data: maps.MapData) -> str:
    return maps.render_overview(data)


@pytest.fixture(scope="module")
def squad1(data: maps.MapData) -> str:
    return maps.render_squad(data, "R01")


@pytest.fixture(scope="module")
def squad2(data: maps.MapData) -> str:
    return maps.render_squad(data, "R02")


def page_data(page: str) -> dict[str, Any]:
    """The night's JSON document of a map page (what its script draws)."""
    found = re.search(r'<script type="application/json" id="wk-data">(.*?)</script>', page, re.S)
    assert found is not None
    doc: dict[str, Any] = json.loads(found.group(1))
    return doc


def _stops(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [s for r in doc["routes"] for s in r["stops"]]


def _popups(doc: Mapping[str, Any]) -> str:
    items = _stops(doc) + doc["stations"] + doc.get("dropped", {}).get("items", [])
    return "\n".join(i["popup"] for i in items)


# --------------------------------------------------------------------------- the page itself


@pytest.mark.parametrize("which", ["overview", "squad1"])
def test_a_page_loads_nothing_from_elsewhere(which: str, request: pytest.FixtureRequest) -> None:
    page: str = request.getfixturevalue(which)
    assert page.startswith("<!DOCTYPE html>")
    # No external script, stylesheet, font or image: the libraries are inlined.
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", page)
    assert not re.search(r"url\((?!data:|#)", page)  # CSS refers to no file
    assert "@import" not in page and "sourceMappingURL" not in page
    for gone in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers", "folium"):
        assert gone not in page.lower(), gone
    assert 'L.version="1.9.4"' in page.replace("t.version", "L.version")  # Leaflet inlined
    assert "setText" in page  # leaflet-textpath inlined
    # The only http(s) address the page's script may fetch is the optional OSM tile layer.
    doc = page_data(page)
    assert doc["tiles"]["url"] == maps.OSM_TILES
    assert doc["t"]["osm"].endswith("(perlu internet)")


def test_pinch_zoom_is_allowed(squad1: str) -> None:
    viewport = re.search(r'<meta name="viewport" content="([^"]*)"', squad1)
    assert viewport is not None
    assert "user-scalable" not in viewport.group(1) and "maximum-scale" not in viewport.group(1)


def test_vendored_assets_are_pinned_and_licensed(overview: str, squad1: str) -> None:
    root = Path(maps.__file__).parent / "assets"
    for name, (version, folder) in maps.VENDORED.items():
        assert folder == f"{name}-{version}"
        licence = (root / folder / "LICENSE").read_text().strip()
        assert licence
        assert f"| {name} | {version} |" in (root / "README.md").read_text()
        # Each page is a copy of what it inlines: the licence travels with it.
        assert f"/*! {name} {version}\n{licence}" in overview
    assert "/*! leaflet-textpath 1.2.3" in squad1 and "/*! leaflet.heat" not in squad1


def test_the_json_cannot_close_its_script() -> None:
    doc = {"name": "</script><script>alert(1)</script>", "line": "a\u2028b"}
    text = maps._json(doc)
    assert "<" not in text and "\u2028" not in text
    assert json.loads(text) == doc


# --------------------------------------------------------------------------- overview


def test_overview_has_one_marker_per_stop_and_one_line_per_route(overview: str) -> None:
    doc = page_data(overview)
    assert [len(r["stops"]) for r in doc["routes"]] == [3, 2]
    assert all(r["path"] for r in doc["routes"])
    assert len(doc["stations"]) == 2
    assert [s["n"] for s in doc["routes"][0]["stops"]] == [1, 2, 3]
    assert [s["venue"] for s in doc["routes"][0]["stops"]] == ["V1", "V2", "V3"]


def test_overview_popup_has_times_priority_reasons_and_navigation(overview: str) -> None:
    popups = _popups(page_data(overview))
    # V2 "Kopi Pak Min": arrival 480 min = 20:00, start 20:02, departure 20:27
    assert "Kopi Pak Min" in popups
    assert "20:00 WIB" in popups and "20:02 WIB" in popups and "20:27 WIB" in popups
    assert "alasan V2" in popups
    assert (
        "https://www.google.com/maps/dir/?api=1&amp;destination=-8.061000,111.722000"
        "&amp;travelmode=driving&amp;dir_action=navigate"
    ) in popups
    assert 'href="geo:-8.061000,111.722000?q=-8.061000,111.722000(Kopi%20Pak%20Min)"' in popups
    assert ">Navigasi</a>" in popups and ">Tiba<" in popups


def test_every_input_string_is_escaped(overview: str, squad1: str) -> None:
    for page in (overview, squad1):
        assert XSS_NAME not in page
        assert "onerror=alert(1)>" not in page
        doc = page_data(page)
        # What these pages write as HTML (the panel, the JSON's popups and tooltips) carries
        # the template-literal characters as entities too (the check-in block's own JSON
        # holds the raw names as JSON strings, which is fine).
        mine = page.split("</section>")[0] + json.dumps(doc)
        assert "${alert" not in mine and "`tick`" not in mine
        popups = _popups(doc)
        assert html.escape(XSS_NAME) in popups  # shown as text in the popup
        assert XSS_NAME not in json.dumps(doc, ensure_ascii=False)
        tips = " ".join(s["tip"] for s in _stops(doc))
        assert html.escape(XSS_NAME) in tips
    assert "<script>alert(3)" not in overview
    assert "&lt;/script&gt;&lt;script&gt;alert(3)" in _popups(page_data(overview))
    # A desa name with markup: escaped in the tooltip, plain text for the label (textContent).
    desa = {d["label"]: d for d in page_data(overview)["desa"]}
    assert "&lt;b&gt;Karanganyar&lt;/b&gt;" in desa["<b>Karanganyar</b>"]["tip"]
    assert "<b>Karanganyar" not in overview


def test_dropped_high_priority_is_shown_faded_with_why_low_is_not(overview: str) -> None:
    dropped = page_data(overview)["dropped"]
    assert len(dropped["items"]) == 1
    assert "Kafe Rahasia Tinggi" in dropped["items"][0]["popup"]
    popup = dropped["items"][0]["popup"]
    assert "tidak muat dalam shift regu mana pun" in popup and "shift penuh" in popup
    assert "Warung Sepi Sekali" not in overview


def test_heat_layer_has_recent_incidents_only(overview: str) -> None:
    heat = page_data(overview)["heat"]
    assert [p[:2] for p in heat["points"]] == [[-8.05111, 111.71111], [-8.06222, 111.72222]]
    assert heat["layer"] == "Kejadian 30 hari terakhir (peta panas)"
    assert "L.heatLayer" in overview  # leaflet.heat inlined


def test_summary_panel_and_legend(overview: str, data: maps.MapData) -> None:
    assert "Regu 1 Samapta (R01)" in overview and "Regu Pule (R02)" in overview
    pct = 100 * data.plan.collected / data.plan.total_priority
    assert f"{pct:.1f}".replace(".", ",") + "%" in overview
    # R01: 2.5 + 1.8 + 2.6 + 3.1 km = 10.0 km; first arrival 19:10, last departure 21:27
    assert "10,0" in overview and "19:10" in overview and "21:27" in overview
    for level in ("Rendah", "Sedang", "Tinggi", "Sangat tinggi"):
        assert f"</span>{level}</div>" in overview
    texts = page_data(overview)["t"]
    assert texts["locate"] == "Tunjukkan lokasi saya" and texts["fullscreen"] == "Layar penuh"


def test_summary_panel_folds_with_a_button(overview: str, data: maps.MapData) -> None:
    """The overview's summary is a panel with a fold button (its words in the page's language),
    at most a quarter of a desktop's width, its folded state kept under one storage key; the
    desa tooltips have a class the page hides while a popup is open; the scale is metric."""
    button = re.search(r"<button[^>]*class=\"wk-fold\"[^>]*>", overview)
    assert button is not None
    tag = button.group(0)
    assert 'aria-controls="wk-summary-body"' in tag and 'aria-expanded="true"' in tag
    assert 'data-fold="Lipat ringkasan"' in tag and 'data-unfold="Buka ringkasan"' in tag
    assert 'id="wk-summary-body"' in overview and "<details" not in overview
    assert "width: min(25vw, 420px)" in overview  # a quarter of a desktop at most
    doc = page_data(overview)
    assert doc["panel_key"] == "warkop-map-panel:overview" and doc["narrow_below"] == 900
    english = maps.render_overview(data, lang="en")
    assert 'data-fold="Fold the summary"' in english and "Lipat" not in english
    assert 'className: "wk-desa-tip"' in overview
    assert ".wk-popup-open .wk-desa-tip { display: none; }" in overview
    assert "L.control.scale({ imperial: false })" in overview
    squad = maps.render_squad(data, "R01")
    assert 'class="wk-fold"' not in squad and "L.control.scale({ imperial: false })" in squad


def test_the_desa_are_in_the_page_once(overview: str, data: maps.MapData) -> None:
    doc = page_data(overview)
    assert len(doc["desa"]) == len(data.desa)
    ring = doc["desa"][0]["rings"][0][0]  # D1: box(111.69, -8.07, 111.715, -8.04)
    points = mapdata.decode_line(ring)
    assert {(round(a, 5), round(b, 5)) for a, b in points} == {
        (-8.07, 111.715),
        (-8.04, 111.715),
        (-8.04, 111.69),
        (-8.07, 111.69),
    }
    assert overview.count('"rings":') == len(data.desa)
    assert doc["borders"]  # kecamatan borders
    assert doc["fills"]["kerawanan"] == "Warna desa: kerawanan"


def test_routes_follow_the_legs_and_are_oriented(data: maps.MapData) -> None:
    leg = data.legs["R02"][0]  # station -> V4, a zigzag of 6 interior points ~200 m off
    route = page_data(maps.render_squad(data, "R02"))["routes"][0]
    drawn = mapdata.decode_line(route["path"])
    drawn = [(round(a, 5), round(b, 5)) for a, b in drawn]
    for x, y in leg.coords:
        assert (round(y, 5), round(x, 5)) in drawn
    # A leg stored end to start is turned around: the path runs station -> V1 -> V2 -> V3 -> station.
    turned = build_map_data(reversed_leg=True)
    path, approx = mapdata.route_path(
        turned,
        turned.plan.routes[0],
        mapdata.venues(turned),
        mapdata.stations(turned)["POLRES"],
        simplify_m=0.1,
    )
    assert not approx
    assert path[0] == (-8.05, 111.71) and path[-1] == (-8.05, 111.71)
    order = [path.index(p) for p in [(-8.052, 111.712), (-8.061, 111.722), (-8.068, 111.701)]]
    assert order == sorted(order)
    mid_leg = [(round(y, 5), round(x, 5)) for x, y in data.legs["R01"][1].coords]
    start = path.index(mid_leg[0])
    assert path[start : start + len(mid_leg)] == mid_leg


def test_missing_legs_are_drawn_straight_and_noted() -> None:
    page = maps.render_overview(build_map_data(with_legs=False))
    assert "garis lurus" in page
    routes = page_data(page)["routes"]
    assert [r["approximate"] for r in routes] == [True, True]
    assert [len(mapdata.decode_line(r["path"])) for r in routes] == [5, 4]  # stops and back


def test_english(data: maps.MapData) -> None:
    page = maps.render_overview(data, lang="en")
    popups = _popups(page_data(page))
    assert ">Navigate</a>" in popups and ">Arrive<" in popups and "Not visited tonight" in popups
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    squad = maps.render_squad(data, "R02", lang="en")
    assert "Stop list" in squad and ">Navigasi<" not in squad
    assert page_data(squad)["t"]["osm"] == "OpenStreetMap (needs internet)"


# --------------------------------------------------------------------------- the base map


def test_encoded_lines_round_trip() -> None:
    line = [(-8.05, 111.71), (-8.05123, 111.70001), (-8.05123, 111.70001), (-7.9, 111.8)]
    code = mapdata.encode_line(line)
    assert code[:2] == [-805000, 11171000]
    assert mapdata.decode_line(code) == [line[0], line[1], line[3]]  # the repeat dropped


def test_base_roads_are_the_legs_without_a_road_file(data: maps.MapData) -> None:
    roads = mapdata.base_roads(data)
    assert len(roads) == sum(len(legs) for legs in data.legs.values())
    near = mapdata.roads_near(data, [[(-8.131, 111.602)]], buffer_m=300, simplify_m=1)
    # Only the Pule legs reach within 300 m of V4; they are clipped to that circle.
    assert near["major"] == [] and near["minor"]
    for code in near["minor"]:
        for lat, lon in mapdata.decode_line(code):
            assert abs(lat + 8.131) < 0.0035 and abs(lon - 111.602) < 0.0035


def test_roads_from_the_road_file_are_clipped_and_classed(data: maps.MapData) -> None:
    roads = gpd.GeoDataFrame(
        {"highway": ["primary", "residential", "track"]},
        geometry=[
            LineString([(111.60, -8.20), (111.60, -8.00)]),  # through Pule, north-south
            LineString([(111.59, -8.131), (111.61, -8.131)]),  # past V4
            LineString([(111.90, -8.30), (111.95, -8.30)]),  # far away
        ],
        crs="EPSG:4326",
    )
    with_roads = maps.MapData(**{**data.__dict__, "roads": roads.to_crs(32749)})
    near = mapdata.roads_near(with_roads, [[(-8.131, 111.602)]], buffer_m=500, simplify_m=1)
    assert len(near["major"]) == 1 and len(near["minor"]) == 1
    major = mapdata.decode_line(near["major"][0])
    assert max(abs(lat + 8.131) for lat, _ in major) < 0.0047  # clipped to about 500 m
    page = page_data(maps.render_squad(with_roads, "R02"))
    assert len(page["roads"]["major"]) == 1 and len(page["roads"]["minor"]) == 1


def test_road_frame_reads_a_road_file(tmp_path: Path) -> None:
    import networkx as nx

    graph = nx.MultiDiGraph(crs="EPSG:4326")
    graph.add_node(1, x=111.60, y=-8.10)
    graph.add_node(2, x=111.61, y=-8.10)
    graph.add_node(3, x=111.61, y=-8.11)
    graph.add_edge(1, 2, highway="secondary", length=1100.0, oneway=False)
    graph.add_edge(2, 1, highway="secondary", length=1100.0, oneway=False)
    graph.add_edge(2, 3, highway="residential", length=1100.0, oneway=True)
    path = tmp_path / "roads.graphml"
    nx.write_graphml(graph, path)
    frame = mapdata.road_frame(path)
    assert sorted(frame["highway"]) == ["residential", "secondary"]  # both directions once
    assert frame.crs.equals("EPSG:4326")


# --------------------------------------------------------------------------- navigation links


def test_travel_mode_of_a_vehicle() -> None:
    assert mapdata.travel_mode("mobil") == "driving"
    assert mapdata.travel_mode("motor") is None  # no documented two-wheeler mode in Maps URLs
    assert mapdata.travel_mode("Sepeda motor") is None
    assert mapdata.travel_mode("jalan kaki") == "walking"
    assert mapdata.travel_mode(None) == "driving"


def test_route_links_hold_at_most_three_waypoints() -> None:
    points = [(-8.0 - i / 100, 111.7) for i in range(9)]
    links = mapdata.google_maps_route_urls(points, mode=None)
    assert [(a, b) for a, b, _ in links] == [(1, 4), (5, 8), (9, 9)]
    first = links[0][2]
    assert first.startswith("https://www.google.com/maps/dir/?api=1&destination=-8.030000,111.7")
    assert "waypoints=-8.000000,111.700000%7C-8.010000,111.700000%7C-8.020000,111.700000" in first
    assert "travelmode" not in first and "origin=" not in first  # from where the phone is
    assert "waypoints" not in links[2][2]
    assert all(u.count("%7C") <= 2 for _, _, u in links)
    car = mapdata.google_maps_route_urls(points[:2], mode="driving")
    assert car[0][2].endswith("&travelmode=driving")


def test_geo_uri_label_is_encoded() -> None:
    uri = mapdata.geo_uri(-8.1, 111.6, "Warkop (Pak) & <b>")
    assert (
        uri == "geo:-8.100000,111.600000?q=-8.100000,111.600000(Warkop%20%20Pak%20%20%26%20%3Cb%3E)"
    )


def test_squad_page_hands_the_route_over(squad2: str, data: maps.MapData) -> None:
    # R02 rides a motorbike: no travelmode; its two stops and the way back fit in one link.
    links = re.findall(r'class="wk-nav wk-route-link" href="([^"]+)"[^>]*>([^<]+)<', squad2)
    assert len(links) == 1
    url, text = links[0]
    assert text == "Kunjungan 1 s/d kembali ke pos"
    assert "destination=-8.130000,111.600000" in url  # back at Polsek Pule
    assert "waypoints=-8.131000,111.602000%7C-8.142000,111.615000" in url
    assert "travelmode" not in url
    rows = re.findall(r'<a class="wk-nav" href="([^"]+)"', squad2)
    assert rows and all("travelmode" not in r and "dir_action=navigate" in r for r in rows)


# --------------------------------------------------------------------------- squad map


def test_squad_map_has_only_its_own_stops(squad1: str, squad2: str) -> None:
    one, two = page_data(squad1), page_data(squad2)
    assert len(one["routes"]) == 1 and len(_stops(one)) == 3 and len(_stops(two)) == 2
    assert "Angkringan Mbak Sri" not in squad1 and "Warkop Cak Dul" not in squad1
    assert "Kopi Pak Min" not in squad2 and "Regu 1 Samapta" not in squad2
    assert "Polsek Pule" in squad2 and "Polres Trenggalek" not in squad2
    assert [s["own"] for s in two["stations"]] == [True]  # Polres is out of R02's area


def test_squad_map_has_no_incidents_reasons_or_dropped(squad1: str) -> None:
    assert "simpleheat" not in squad1  # leaflet.heat is not inlined
    for absent in (
        "-8.05111",
        "alasan V",
        "kerawanan tinggi",
        "Kafe Rahasia Tinggi",
        "alert(3)",
    ):
        assert absent not in squad1, absent
    doc = page_data(squad1)
    assert "heat" not in doc and "dropped" not in doc and "fills" not in doc
    assert all(set(d) == {"rings", "at", "label"} for d in doc["desa"])  # no kerawanan either


def test_squad_panel_lists_stops_in_order_times_first(squad1: str) -> None:
    rows = re.findall(
        r'<li class="wk-stop" data-squad="R01" data-venue="(\w+)" data-order="(\d+)".*?'
        r'<div class="wk-time">(\d\d:\d\d).*?<div class="checkin-slot"></div>\s*</li>',
        squad1,
        re.S,
    )
    assert rows == [("V1", "1", "19:10"), ("V2", "2", "20:00"), ("V3", "3", "21:00")]
    assert "Shift 19:00-02:00" in squad1
    assert 'name="viewport"' in squad1
    assert "destination=-8.068000,111.701000" in squad1


def test_squad_page_appends_the_checkin_block(
    data: maps.MapData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(maps, "checkin_block", lambda d, sid, *, lang: f"<div id=ck>{sid}</div>")
    page = maps.render_squad(data, "R02")
    assert page.index("</section>") < page.index("<div id=ck>R02</div>") < page.index("wk-data")


def test_squad_without_stops_gets_an_empty_map(data: maps.MapData) -> None:
    squad = Squad("R03", "POLRES", 5, parse_window("21:00-01:00"), "motor", None, "Regu Cadangan")
    empty = maps.MapData(**{**data.__dict__, "squads": (*data.squads, squad)})
    page = maps.render_squad(empty, "R03")
    assert "Tidak ada kunjungan terjadwal" in page
    doc = page_data(page)
    assert doc["routes"][0]["stops"] == [] and doc["routes"][0]["path"] == []
    assert doc["bounds"] is None and 'wk-route-link" href' not in page
    with pytest.raises(KeyError):
        maps.render_squad(data, "NOPE")


# --------------------------------------------------------------------------- input checks


def test_inconsistent_data_is_refused(data: maps.MapData) -> None:
    with pytest.raises(ValueError, match="unknown venue"):
        maps.MapData(**{**data.__dict__, "venues": data.venues[data.venues.venue_id != "V2"]})
    with pytest.raises(ValueError, match="scores lacks column"):
        maps.MapData(**{**data.__dict__, "scores": data.scores.drop(columns=["reasons"])})


def test_projected_input_is_shown_in_wgs84(data: maps.MapData) -> None:
    utm = maps.MapData(
        **{
            **data.__dict__,
            "venues": data.venues.to_crs(32749),
            "stations": data.stations.to_crs(32749),
        }
    )
    page = maps.render_squad(utm, "R02")
    assert "destination=-8.131000,111.602000" in page


# --------------------------------------------------------------------------- files


def test_write_maps_writes_all_files_atomically(tmp_path: Path, data: maps.MapData) -> None:
    out = tmp_path / "maps" / "2026-11-28"
    files = maps.write_maps(data, out, lang="id")
    assert [p.name for p in files] == ["index.html", "regu-R01.html", "regu-R02.html"]
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "regu-R01.html", "regu-R02.html"]
    assert files[1].stat().st_size < 400_000 and files[0].stat().st_size < 1_500_000
    before = {p.name: p.read_bytes() for p in files}

    def boom(*args: object, **kwargs: object) -> str:
        raise RuntimeError("disk on fire")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(maps, "render_squad", boom)
        with pytest.raises(RuntimeError):
            maps.write_maps(data, out, lang="en")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # untouched, no temp files


def test_squad_map_filename() -> None:
    assert maps.squad_map_filename("R01") == "regu-R01.html"
    assert maps.squad_map_filename("../x y") == "regu-___x_y.html"


# --------------------------------------------------------------------------- invariants


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(min_size=1, max_size=40))
def test_any_venue_name_is_shown_as_text_only(name: str, data: maps.MapData) -> None:
    venues = data.venues.copy()
    venues.loc[venues.venue_id == "V4", "name"] = name
    page = maps.render_squad(maps.MapData(**{**data.__dict__, "venues": venues}), "R02")
    escaped = esc(name)
    assert not set("<>`$\\") & set(escaped)
    assert escaped in page
    assert html.unescape(escaped) == " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", name).split())
    # The JSON document stays one valid document whatever the name holds.
    doc = page_data(page)
    assert escaped in doc["routes"][0]["stops"][0]["popup"]


def test_route_link_labels(data: maps.MapData) -> None:
    venues = mapdata.venues(data)
    station = mapdata.stations(data)["POLRES"]
    stops = tuple(
        _stop(v, 430 + 30 * i, 300, 1000.0) for i, v in enumerate(["V1", "V2", "V3", "V6"])
    )
    four = Route("R01", "POLRES", 420 * 60, 600 * 60, stops, 1200, 4000.0)
    links = maps._route_links(four, venues, station, mode="driving", lang="id")
    assert [link["text"] for link in links] == ["Kunjungan 1–4", "Kembali ke pos"]
    assert "destination=-8.050000,111.710000" in links[1]["url"]  # Polres
    three = maps._route_links(replace(four, stops=stops[:3]), venues, station, mode=None, lang="en")
    assert [link["text"] for link in three] == ["Stops 1 to the station"]
