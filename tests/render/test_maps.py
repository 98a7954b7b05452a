"""Unit tests of planner.render.maps: render to HTML strings and assert on their content."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Mapping
from pathlib import Path

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


def _count(text: str, fragment: str) -> int:
    return text.count(fragment)


# --------------------------------------------------------------------------- overview


def test_overview_has_one_marker_per_stop_and_one_line_per_route(overview: str) -> None:
    assert _count(overview, '"className": "stop-marker"') == 5
    assert _count(overview, '"className": "route-line"') == 2
    assert _count(overview, '"className": "station-marker"') == 2
    assert _count(overview, "setText(") == 2  # direction arrows on both routes


def test_overview_popup_has_times_priority_reasons_and_navigation(overview: str) -> None:
    # V2 "Kopi Pak Min": arrival 480 min = 20:00, start 20:02, departure 20:27
    assert "Kopi Pak Min" in overview
    assert "20:00 WIB" in overview and "20:02 WIB" in overview and "20:27 WIB" in overview
    assert "alasan V2" in overview
    assert (
        "https://www.google.com/maps/dir/?api=1&amp;destination=-8.061000,111.722000"
        "&amp;travelmode=driving"
    ) in overview
    assert ">Navigasi</a>" in overview and ">Tiba<" in overview


def test_every_input_string_is_escaped(overview: str, squad1: str) -> None:
    for page in (overview, squad1):
        assert XSS_NAME not in page
        assert "onerror=alert(1)>" not in page
        assert html.escape(XSS_NAME) in page
        assert "${alert" not in page  # would run inside folium's JS template literals
        assert "`tick`" not in page
    assert "<script>alert(3)" not in overview
    assert "&lt;/script&gt;&lt;script&gt;alert(3)" in overview
    # desa names travel as GeoJSON properties (JSON-encoded &lt;b&gt;): shown as text by the tooltip
    assert "<b>Karanganyar" not in overview
    assert "\\u0026lt;b\\u0026gt;Karanganyar" in overview


def test_dropped_high_priority_is_shown_faded_with_why_low_is_not(overview: str) -> None:
    assert "Kafe Rahasia Tinggi" in overview
    assert "tidak muat dalam shift regu mana pun" in overview and "shift penuh" in overview
    assert _count(overview, '"className": "dropped-marker"') == 1
    assert "Warung Sepi Sekali" not in overview


def test_heat_layer_has_recent_incidents_only_and_starts_hidden(overview: str) -> None:
    assert "L.heatLayer" in overview
    assert "-8.05111" in overview and "-8.06222" in overview  # 3 and 12 days old
    assert "-8.13333" not in overview  # 45 days old
    group = re.search(
        r"var (feature_group_\w+) = L\.featureGroup\([^;]*\);\s*var heat_map", overview
    )
    assert group is not None
    assert f"{group.group(1)}.addTo(" not in overview  # off by default, still in the control
    assert "Kejadian 30 hari terakhir" in overview


def test_summary_panel_and_legend(overview: str, data: maps.MapData) -> None:
    assert "Regu 1 Samapta (R01)" in overview and "Regu Pule (R02)" in overview
    pct = 100 * data.plan.collected / data.plan.total_priority
    assert f"{pct:.1f}".replace(".", ",") + "%" in overview
    # R01: 2.5 + 1.8 + 2.6 + 3.1 km = 10.0 km; first arrival 19:10, last departure 21:27
    assert "10,0" in overview and "19:10" in overview and "21:27" in overview
    for level in ("Rendah", "Sedang", "Tinggi", "Sangat tinggi"):
        assert f"</span>{level}</div>" in overview
    assert "Fullscreen" in overview or "fullscreen" in overview
    assert "L.control.locate" in overview
    assert "L.control.layers" in overview


def test_routes_follow_the_legs_and_are_oriented(data: maps.MapData) -> None:
    leg = data.legs["R02"][0]  # station -> V4, a zigzag of 6 interior points ~200 m off
    page = maps.render_squad(data, "R02")
    line = re.search(r"L\.polyline\(\s*(\[\[.*?\]\])", page, re.S)
    assert line is not None
    drawn = [
        tuple(map(float, p.split(",")))
        for p in re.findall(r"\[([-\d.]+, [-\d.]+)\]", line.group(1))
    ]
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
    assert _count(page, '"className": "route-line"') == 2


def test_english(data: maps.MapData) -> None:
    page = maps.render_overview(data, lang="en")
    assert ">Navigate</a>" in page and ">Arrive<" in page and "Not visited tonight" in page
    squad = maps.render_squad(data, "R02", lang="en")
    assert "Stop list" in squad and ">Navigasi<" not in squad


# --------------------------------------------------------------------------- squad map


def test_squad_map_has_only_its_own_stops(squad1: str, squad2: str) -> None:
    assert _count(squad1, '"className": "stop-marker"') == 3
    assert _count(squad2, '"className": "stop-marker"') == 2
    assert _count(squad1, '"className": "route-line"') == 1
    assert "Angkringan Mbak Sri" not in squad1 and "Warkop Cak Dul" not in squad1
    assert "Kopi Pak Min" not in squad2 and "Regu 1 Samapta" not in squad2
    assert "Polsek Pule" in squad2 and "Polres Trenggalek" not in squad2


def test_squad_map_has_no_incidents_reasons_or_dropped(squad1: str) -> None:
    for absent in (
        "heatLayer",
        "leaflet_heat",
        "-8.05111",
        "alasan V",
        "kerawanan tinggi",
        "Kafe Rahasia Tinggi",
        "dropped-marker",
        "L.control.layers",
        "alert(3)",
    ):
        assert absent not in squad1, absent


def test_squad_panel_lists_stops_in_order_times_first(squad1: str) -> None:
    rows = re.findall(
        r'<li class="wk-stop" data-marker="(marker_\w+)".*?<div class="wk-time">(\d\d:\d\d)',
        squad1,
        re.S,
    )
    assert [t for _, t in rows] == ["19:10", "20:00", "21:00"]
    for name, _ in rows:  # the rows point at markers that exist on the map
        assert f"var {name} = L.marker(" in squad1
    assert "Shift 19:00-02:00" in squad1
    assert 'name="viewport"' in squad1
    assert "destination=-8.068000,111.701000" in squad1


def test_squad_without_stops_gets_an_empty_map(data: maps.MapData) -> None:
    squad = Squad("R03", "POLRES", 5, parse_window("21:00-01:00"), "motor", None, "Regu Cadangan")
    empty = maps.MapData(**{**data.__dict__, "squads": (*data.squads, squad)})
    page = maps.render_squad(empty, "R03")
    assert "Tidak ada kunjungan terjadwal" in page
    assert '"className": "stop-marker"' not in page and '"className": "route-line"' not in page
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
    assert files[1].stat().st_size < 1_000_000 and files[0].stat().st_size < 5_000_000
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
