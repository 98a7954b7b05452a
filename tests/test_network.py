"""Tests for planner.network: loading, speeds, snapping, matrices, legs and the cache."""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import LineString, Point

from planner import network as nw
from planner.config import Settings, settings_from_dict
from planner.errors import InputError, PlannerError

GEOD = Geod(ellps="WGS84")
LON0, LAT0 = 111.70, -8.05  # Trenggalek
SHARED_OSM = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "osm"


# --------------------------------------------------------------------------- helpers


def at(east_m: float, north_m: float) -> tuple[float, float]:
    """lon/lat of a point east/north of the origin (metres)."""
    lon, lat, _ = GEOD.fwd(LON0, LAT0, 90.0, east_m)
    lon, lat, _ = GEOD.fwd(lon, lat, 0.0, north_m)
    return lon, lat


def geod_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.line_length([a[0], b[0]], [a[1], b[1]]))


def make_graph(
    nodes: dict[Any, tuple[float, float]],
    arcs: list[tuple[Any, Any, dict[str, Any]]],
    *,
    two_way: bool = False,
) -> nx.MultiDiGraph:
    """A MultiDiGraph in osmnx conventions; ``two_way`` adds the reverse of every arc."""
    G = nx.MultiDiGraph(crs="epsg:4326")
    for n, (lon, lat) in nodes.items():
        G.add_node(n, x=lon, y=lat)
    for u, v, attrs in arcs:
        data = {"highway": "residential", "oneway": not two_way, **attrs}
        data.setdefault("length", geod_m(nodes[u], nodes[v]))
        G.add_edge(u, v, **data)
        if two_way:
            G.add_edge(v, u, **{**data, "oneway": False})
    return G


def points(rows: dict[str, tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": list(rows)}, geometry=[Point(xy) for xy in rows.values()], crs="EPSG:4326"
    )


def test_settings(**profile_overrides: Any) -> Settings:
    base = {
        "motor": {
            "speeds_kph": {"tertiary": 36.0, "residential": 36.0},
            "fallback_kph": 36.0,
            "max_kph": 100.0,
            "night_factor": 1.0,
            "oneway": False,
        },
        "mobil": {
            "speeds_kph": {"tertiary": 36.0, "residential": 18.0},
            "fallback_kph": 18.0,
            "max_kph": 100.0,
            "night_factor": 1.0,
            "oneway": True,
        },
    }
    for name, over in profile_overrides.items():
        base[name] = {**base[name], **over}
    return settings_from_dict(
        {"network": {"profiles": base, "snap_max_m": 1000.0, "access_kph": 3.6}}
    )


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def town() -> dict[str, Any]:
    """A tiny town: A-B tertiary both ways, B->C residential one-way, A-D-C tertiary both ways,
    and an island E-F far east."""
    nodes = {
        "A": at(0, 0),
        "B": at(1000, 0),
        "C": at(2000, 0),
        "D": at(1000, 1000),
        "E": at(8000, 0),
        "F": at(8500, 0),
    }
    G = make_graph(nodes, [("A", "B", {"highway": "tertiary"})], two_way=True)
    G.add_edge("B", "C", highway="residential", oneway=True, length=geod_m(nodes["B"], nodes["C"]))
    for u, v in (("A", "D"), ("D", "C"), ("E", "F")):
        length = geod_m(nodes[u], nodes[v])
        G.add_edge(u, v, highway="tertiary", oneway=False, length=length)
        G.add_edge(v, u, highway="tertiary", oneway=False, length=length)
    return {"G": G, "nodes": nodes}


# --------------------------------------------------------------------------- speeds


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("40", 40.0),
        (40, 40.0),
        ("40 km/h", 40.0),
        ("30 mph", 30 * 1.609344),
        ("30mph", 30 * 1.609344),
        ("40;60", 50.0),
        (["40", "60"], 50.0),
        ("ID:urban", None),
        ("walk", None),
        ("none", None),
        (None, None),
        (float("nan"), None),
        ("0", None),
        ("[40, 'signals']", None),
    ],
)
def test_parse_maxspeed(value: Any, expected: float | None) -> None:
    got = nw.parse_maxspeed(value)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_add_travel_times_uses_maxspeed_then_highway_class_then_caps() -> None:
    nodes = {"a": at(0, 0), "b": at(1000, 0)}
    s = settings_from_dict(
        {
            "network": {
                "profiles": {
                    "mobil": {
                        "speeds_kph": {"tertiary": 40.0, "residential": 20.0},
                        "fallback_kph": 10.0,
                        "max_kph": 45.0,
                        "night_factor": 0.5,
                    }
                }
            }
        }
    )
    G = nx.MultiDiGraph(crs="epsg:4326")
    for n, (lon, lat) in nodes.items():
        G.add_node(n, x=lon, y=lat)
    cases = {
        0: ({"maxspeed": "60", "highway": "tertiary"}, 30.0),  # 60 * 0.5
        1: ({"maxspeed": "200", "highway": "tertiary"}, 45.0),  # 100 capped at 45
        2: ({"highway": "tertiary"}, 20.0),
        3: ({"highway": ["tertiary", "residential"]}, 15.0),  # mean(40, 20) * 0.5
        4: ({"highway": "tertiary_link"}, 20.0),  # a link drives like its class
        5: ({"highway": "bridleway"}, 5.0),  # unknown class: fallback
        6: ({"highway": "residential", "maxspeed": "ID:urban"}, 10.0),
    }
    for k, (attrs, _) in cases.items():
        G.add_edge("a", "b", key=k, length=1000.0, **attrs)
    G.add_edge("b", "a", key=0, highway="tertiary")  # no length: computed from coordinates
    nw.add_travel_times(G, s)
    for k, (_, kph) in cases.items():
        data = G.edges["a", "b", k]
        assert data["speed_kph_mobil"] == pytest.approx(kph)
        assert data["travel_s_mobil"] == pytest.approx(1000.0 / (kph / 3.6))
    back = G.edges["b", "a", 0]
    assert back["length"] == pytest.approx(1000.0, abs=0.5)
    assert back["travel_s_mobil"] == pytest.approx(back["length"] / (20.0 / 3.6))


def test_unknown_profile_is_an_input_error(town: dict[str, Any]) -> None:
    with pytest.raises(InputError) as info:
        nw.add_travel_times(town["G"], test_settings(), profiles=["truk"])
    assert info.value.problems[0].column == "network.profiles"
    assert info.value.problems[0].value == "truk"


# --------------------------------------------------------------------------- matrices


def test_hand_made_town_travel_times(town: dict[str, Any]) -> None:
    s = test_settings()
    n = town["nodes"]
    pts = points({"S": n["A"], "V1": n["B"], "V2": n["C"]})
    snapped = nw.snap_points(town["G"], pts, s, station_ids=["S"])
    assert snapped.ids == ("S", "V1", "V2")
    assert np.allclose(snapped.snap_dist_m, 0.0, atol=1e-6)
    m = nw.travel_matrices(town["G"], snapped, ["motor", "mobil"], s)
    ab, bc = geod_m(n["A"], n["B"]), geod_m(n["B"], n["C"])
    adc = geod_m(n["A"], n["D"]) + geod_m(n["D"], n["C"])
    fast, slow = 10.0, 5.0  # m/s: tertiary (both), residential (motor fast, mobil slow)
    mobil = m.travel_s["mobil"]
    expected_mobil = np.array(
        [
            [0, ab / fast, min(ab / fast + bc / slow, adc / fast)],
            [ab / fast, 0, bc / slow],
            # from C: B->C is one-way, so a car goes C-D-A-B
            [adc / fast, adc / fast + ab / fast, 0],
        ]
    )
    assert np.abs(mobil - expected_mobil).max() <= 1
    assert mobil[2, 1] > 380  # the one-way street is respected for mobil
    motor = m.travel_s["motor"]
    assert motor[2, 1] == round(bc / fast)  # motor (oneway = false) rides it backwards
    assert motor[1, 2] == round(bc / fast)
    assert motor[0, 2] == round(ab / fast + bc / fast)
    for p in ("motor", "mobil"):
        assert m.travel_s[p].dtype == np.int64
        assert m.dist_m[p].dtype == np.float64
        assert (m.travel_s[p] >= 0).all() and (np.diag(m.travel_s[p]) == 0).all()
        assert (np.diag(m.dist_m[p]) == 0).all()
    # metres follow the fastest path: mobil from A to C drives the northern detour
    assert m.dist_m["mobil"][0, 2] == pytest.approx(adc, abs=1)
    assert m.dist_m["motor"][0, 2] == pytest.approx(ab + bc, abs=1)


def test_points_on_one_road_and_access_legs(town: dict[str, Any]) -> None:
    s = test_settings()  # access at 3.6 km/h = 1 m/s
    n = town["nodes"]
    a, b = n["A"], n["B"]
    # two venues 50 m and 20 m north of the A-B road, at 30 % and 70 % of it
    p1 = GEOD.fwd(*GEOD.fwd(a[0], a[1], 90.0, 300.0)[:2], 0.0, 50.0)[:2]
    p2 = GEOD.fwd(*GEOD.fwd(a[0], a[1], 90.0, 700.0)[:2], 0.0, 20.0)[:2]
    # a venue on the one-way street B->C, half way
    p3 = GEOD.fwd(b[0], b[1], 90.0, 500.0)[:2]
    pts = points({"S": a, "P1": p1, "P2": p2, "P3": p3})
    snapped = nw.snap_points(town["G"], pts, s, station_ids=["S"])
    assert snapped.snap_dist_m == pytest.approx([0, 50, 20, 0], abs=0.5)
    m = nw.travel_matrices(town["G"], snapped, ["mobil"], s)
    t, d = m.travel_s["mobil"], m.dist_m["mobil"]
    i1, i2, i3 = m.position("P1"), m.position("P2"), m.position("P3")
    # along the road 400 m at 10 m/s, plus the two access legs at 1 m/s
    assert t[i1, i2] == pytest.approx(40 + 50 + 20, abs=1)
    assert t[i2, i1] == pytest.approx(40 + 50 + 20, abs=1)
    assert d[i1, i2] == pytest.approx(400 + 50 + 20, abs=1)
    # leaving the one-way street means driving on to C and around: 100 + C-D-A + 30 % of A-B
    adc = geod_m(n["A"], n["D"]) + geod_m(n["D"], n["C"])
    assert t[i3, i1] == pytest.approx(500 / 5 + adc / 10 + 30 + 50, abs=1)


def test_far_venue_and_island_are_reported_not_routed(town: dict[str, Any]) -> None:
    s = test_settings()
    n = town["nodes"]
    far = GEOD.fwd(n["D"][0], n["D"][1], 0.0, 3000.0)[:2]  # 3 km north of the northern road
    pts = points({"S": n["A"], "V1": n["B"], "FAR": far, "ISLE": n["E"]})
    snapped = nw.snap_points(town["G"], pts, s, station_ids=["S"])
    assert snapped.ids == ("S", "V1")
    reason, dist = snapped.unreachable["FAR"]
    assert reason == "too_far"
    assert dist == pytest.approx(3000, abs=5)
    assert snapped.unreachable["ISLE"] == ("isolated", pytest.approx(0.0, abs=1e-6))
    m = nw.travel_matrices(town["G"], snapped, ["mobil"], s)
    assert m.ids == ("S", "V1")
    assert set(m.unreachable) == {"FAR", "ISLE"}
    assert m.travel_s["mobil"].shape == (2, 2)
    text = nw.reason_msg(reason, dist, limit_m=s.network.snap_max_m)
    assert f"{dist:.0f} m from the nearest road" in text("en")
    assert "(batas 1000 m)" in text("id")
    # without stations there is no reference, so the island stays (entries unreachable)
    alone = nw.snap_points(town["G"], pts, s)
    assert "ISLE" in alone.ids
    m2 = nw.travel_matrices(town["G"], alone, ["mobil"], s)
    i, j = m2.position("S"), m2.position("ISLE")
    assert m2.travel_s["mobil"][i, j] == nw.UNREACHABLE_S
    assert math.isinf(m2.dist_m["mobil"][i, j])


def test_venue_isolated_by_one_way_streets() -> None:
    nodes = {"S": at(0, 0), "X": at(500, 0), "Y": at(1000, 0)}
    G = make_graph(nodes, [("S", "X", {})], two_way=True)
    G.add_edge("X", "Y", highway="residential", oneway=True, length=geod_m(nodes["X"], nodes["Y"]))
    s = test_settings()
    pts = points({"S": nodes["S"], "DEAD": nodes["Y"]})
    snapped = nw.snap_points(G, pts, s, station_ids=["S"])
    assert snapped.unreachable["DEAD"][0] == "isolated"  # one can drive in, never out


def test_bad_points_are_reported_together(town: dict[str, Any]) -> None:
    pts = gpd.GeoDataFrame(
        {"id": ["S", "S", "X"]},
        geometry=[Point(town["nodes"]["A"]), Point(town["nodes"]["B"]), None],
        crs="EPSG:4326",
    )
    with pytest.raises(InputError) as info:
        nw.snap_points(town["G"], pts, test_settings(), station_ids=["S"])
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {(3, "id"), (4, "geometry")}
    ok = points({"S": town["nodes"]["A"]})
    with pytest.raises(InputError) as info:
        nw.snap_points(town["G"], ok, test_settings(), station_ids=["POLRES"])
    assert info.value.problems[0].value == "POLRES"


def test_points_in_a_metric_crs_are_accepted(town: dict[str, Any]) -> None:
    s = test_settings()
    pts = points({"S": town["nodes"]["A"], "V": town["nodes"]["B"]}).to_crs("EPSG:32749")
    snapped = nw.snap_points(town["G"], pts, s, station_ids=["S"])
    assert snapped.crs == "EPSG:32749"
    assert np.allclose(snapped.snap_dist_m, 0.0, atol=1e-3)


# --------------------------------------------------------------------------- leg geometry


def test_leg_geometry_starts_and_ends_at_snapped_points(town: dict[str, Any]) -> None:
    s = test_settings()
    n = town["nodes"]
    p1 = GEOD.fwd(*GEOD.fwd(n["A"][0], n["A"][1], 90.0, 250.0)[:2], 0.0, -40.0)[:2]
    p2 = GEOD.fwd(*GEOD.fwd(n["D"][0], n["D"][1], 0.0, 0.0)[:2], 90.0, 30.0)[:2]
    pts = points({"S": n["A"], "P1": p1, "P2": p2, "P3": GEOD.fwd(*n["B"], 90.0, 400.0)[:2]})
    snapped = nw.snap_points(town["G"], pts, s, station_ids=["S"])
    m = nw.travel_matrices(town["G"], snapped, ["motor", "mobil"], s)
    for profile in ("motor", "mobil"):
        for a in m.ids:
            for b in m.ids:
                line = nw.leg_geometry(m, profile, a, b, crs="metric")
                ia, ib = snapped.position(a), snapped.position(b)
                assert line.coords[0] == pytest.approx(tuple(snapped.road_xy[ia]), abs=1e-6)
                assert line.coords[-1] == pytest.approx(tuple(snapped.road_xy[ib]), abs=1e-6)
                i, j = m.position(a), m.position(b)
                road_m = m.dist_m[profile][i, j] - (m.snap_dist_m[i] + m.snap_dist_m[j])
                if a == b:
                    road_m = 0.0
                # UTM scale (about 0.9996-1.0004) separates metric and geodesic length
                assert line.length == pytest.approx(road_m, rel=2e-3, abs=0.5)
    # the one-way leg P3 -> P1 for a car drives the northern detour, far from the A-B road
    line = nw.leg_geometry(m, "mobil", "P3", "P1")
    assert isinstance(line, LineString)
    lats = np.asarray(line.xy)[1]
    assert lats.max() > n["D"][1] - 1e-6  # passes D (north)
    assert line.coords[0] == pytest.approx(tuple(snapped.road_lonlat()[3]), abs=1e-9)


# --------------------------------------------------------------------------- hypothesis


@st.composite
def random_network(draw: st.DrawFn) -> tuple[nx.MultiDiGraph, list[Any]]:
    n = draw(st.integers(2, 8))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 3000, size=(n, 2))
    nodes = {i: at(float(x), float(y)) for i, (x, y) in enumerate(xy)}
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    arcs = draw(st.lists(pairs, min_size=1, max_size=16))
    classes = st.sampled_from(["tertiary", "residential", "service", "footway"])
    speeds = st.one_of(st.none(), st.sampled_from(["20", "40 km/h", "15 mph"]))
    G = nx.MultiDiGraph(crs="epsg:4326")
    for i, (lon, lat) in nodes.items():
        G.add_node(i, x=lon, y=lat)
    for u, v in arcs:
        attrs = {"highway": draw(classes), "length": geod_m(nodes[u], nodes[v])}
        if (ms := draw(speeds)) is not None:
            attrs["maxspeed"] = ms
        G.add_edge(u, v, **attrs)
    used = sorted({u for u, _ in arcs} | {v for _, v in arcs})
    return G, used


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_network(), st.sampled_from(["motor", "mobil"]))
def test_matrix_equals_networkx_dijkstra(
    case: tuple[nx.MultiDiGraph, list[Any]], profile: str
) -> None:
    G, used = case
    s = test_settings()
    pts = points({f"n{i}": (G.nodes[i]["x"], G.nodes[i]["y"]) for i in used})
    snapped = nw.snap_points(G, pts, s)
    m = nw.travel_matrices(G, snapped, [profile], s)
    assert m.ids == tuple(f"n{i}" for i in used)
    nw.add_travel_times(G, s)
    H = G.copy()
    if not s.network.profiles[profile].oneway:
        for u, v, data in G.edges(data=True):
            H.add_edge(v, u, **data)
    weight = f"travel_s_{profile}"
    # two processes give exactly what one gives (inf where no path included)
    one = m.router.road_matrix(profile, workers=1)
    two = m.router.road_matrix(profile, workers=2)
    assert all(np.array_equal(x, y) for x, y in zip(one, two, strict=True))
    t = m.travel_s[profile]
    assert (t >= 0).all() and (np.diag(t) == 0).all()
    for a, u in enumerate(used):
        lengths = nx.single_source_dijkstra_path_length(H, u, weight=weight)
        for b, v in enumerate(used):
            if a == b:
                continue
            if v in lengths:
                assert abs(t[a, b] - lengths[v]) <= 1, (u, v, t[a, b], lengths[v])
            else:
                assert t[a, b] == nw.UNREACHABLE_S


# --------------------------------------------------------------------------- parallel matrices


def grid_network(side: int = 10, *, seed: int = 0) -> nx.MultiDiGraph:
    """A street grid (200 m blocks) with a one-way street in five and mixed classes."""
    rng = np.random.default_rng(seed)
    nodes = {(i, j): at(200.0 * i, 200.0 * j) for i in range(side) for j in range(side)}
    G = nx.MultiDiGraph(crs="epsg:4326")
    for k, (lon, lat) in nodes.items():
        G.add_node(k, x=lon, y=lat)
    for i in range(side):
        for j in range(side):
            for di, dj in ((1, 0), (0, 1)):
                u, v = (i, j), (i + di, j + dj)
                if v not in nodes:
                    continue
                hw = str(rng.choice(["tertiary", "residential"]))
                length = geod_m(nodes[u], nodes[v])
                G.add_edge(u, v, highway=hw, oneway=False, length=length)
                if rng.random() > 0.2:
                    G.add_edge(v, u, highway=hw, oneway=False, length=length)
    return G


@pytest.fixture
def grid_router() -> nw.Router:
    s = test_settings()
    G = grid_network()
    island = {"I1": at(5000, 0), "I2": at(5400, 0)}  # a road of its own: no path to the grid
    for k, (lon, lat) in island.items():
        G.add_node(k, x=lon, y=lat)
    G.add_edge("I1", "I2", highway="tertiary", oneway=False, length=400.0)
    G.add_edge("I2", "I1", highway="tertiary", oneway=False, length=400.0)
    rng = np.random.default_rng(1)
    xy = rng.uniform(-50, 1850, size=(60, 2))
    xy[-1] = (5200, 10)
    pts = points({f"P{k}": at(float(x), float(y)) for k, (x, y) in enumerate(xy)})
    snapped = nw.snap_points(G, pts, s)  # no station: the island point stays in
    assert len(snapped.ids) == 60
    return nw.Router(snapped.index, snapped, s)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processes are forked on Linux")
def test_parallel_matrix_is_identical_and_forks(
    grid_router: nw.Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    for profile in ("motor", "mobil"):
        before = len(forks)
        one = grid_router.road_matrix(profile, workers=1)
        assert len(forks) == before
        two = grid_router.road_matrix(profile, workers=2)
        three = grid_router.road_matrix(profile, workers=3, origins=[5, 0, 59, 7])
        assert np.isfinite(one[0]).any() and not np.isfinite(one[0]).all()  # the island
        assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])
        assert np.array_equal(three[0], one[0][[5, 0, 59, 7]])
        assert np.array_equal(three[1], one[1][[5, 0, 59, 7]])
    assert len(forks) == 2 * (1 + 2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processes are forked on Linux")
def test_a_chunk_lost_by_a_dead_child_is_computed_by_the_parent(
    grid_router: nw.Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = nw._solve_chunks

    def dying_child(*args: Any) -> None:
        if os.getpid() != parent:  # the child claims a chunk, then dies without writing it
            claim, lock = args[6], args[7]
            with lock:
                claim[0] += 1
            os._exit(3)
        real(*args)

    monkeypatch.setattr(nw, "_solve_chunks", dying_child)
    two = grid_router.road_matrix("mobil", workers=2)
    monkeypatch.setattr(nw, "_solve_chunks", real)
    one = grid_router.road_matrix("mobil", workers=1)
    assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])


def test_contracted_chains_give_exactly_the_whole_graph_matrix() -> None:
    """Streets drawn with many shape nodes (chains) and dead-end spurs: the matrix comes from a
    much smaller graph and is bit for bit the whole graph's."""
    s = test_settings()
    rng = np.random.default_rng(3)
    G = nx.MultiDiGraph(crs="epsg:4326")
    side, cut = 5, 4  # 5 x 5 junctions, every block side cut into 4 pieces
    for i in range(side):
        for j in range(side):
            G.add_node((i, j), x=at(400.0 * i, 400.0 * j)[0], y=at(400.0 * i, 400.0 * j)[1])
    for i in range(side):
        for j in range(side):
            for di, dj in ((1, 0), (0, 1)):
                if i + di >= side or j + dj >= side:
                    continue
                chain = [(i, j)]
                for k in range(1, cut):
                    node = (i, j, di, k)
                    lon, lat = at(400.0 * i + 100.0 * k * di, 400.0 * j + 100.0 * k * dj)
                    G.add_node(node, x=lon, y=lat)
                    chain.append(node)
                chain.append((i + di, j + dj))
                one_way = rng.random() < 0.2
                for u, v in itertools.pairwise(chain):
                    length = geod_m(
                        (G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])
                    )
                    hw = "residential" if (i + j) % 2 else "tertiary"
                    G.add_edge(u, v, highway=hw, oneway=one_way, length=length)
                    if not one_way:
                        G.add_edge(v, u, highway=hw, oneway=False, length=length)
    for k in range(6):  # dead-end spurs of two pieces each
        base = (int(rng.integers(side)), int(rng.integers(side)))
        a, b = ("spur", k, 1), ("spur", k, 2)
        bx, by = G.nodes[base]["x"], G.nodes[base]["y"]
        G.add_node(a, x=bx + 0.0005, y=by + 0.0003)
        G.add_node(b, x=bx + 0.001, y=by + 0.0006)
        for u, v in ((base, a), (a, b)):
            length = geod_m((G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"]))
            G.add_edge(u, v, highway="service", oneway=False, length=length)
            G.add_edge(v, u, highway="service", oneway=False, length=length)
    xy = rng.uniform(-30, 1630, size=(40, 2))
    pts = points({f"P{k}": at(float(x), float(y)) for k, (x, y) in enumerate(xy)})
    snapped = nw.snap_points(G, pts, s)
    router = nw.Router(snapped.index, snapped, s)
    for profile in ("motor", "mobil"):
        g = router.graph(profile)
        core, n_road = router.core(profile)
        assert core.shape[0] - n_road == len(snapped.ids)  # every point kept, last
        assert n_road < g.n_road / 2  # chains and spurs went
        rows = np.arange(len(snapped.ids))
        whole = nw._unpack(nw._point_rows(g.csr, g.n_road, rows))
        fast = router.road_matrix(profile, workers=1)
        assert np.isfinite(whole[0]).all()
        assert np.array_equal(fast[0], whole[0]) and np.array_equal(fast[1], whole[1])
        # legs still follow the whole graph: the drawn length matches the matrix
        line = router.leg(profile, "P0", "P1", crs="metric")
        assert line.length == pytest.approx(whole[1][0, 1], rel=1e-3, abs=0.5)


def test_a_grid_without_chains_is_not_contracted(grid_router: nw.Router) -> None:
    g = grid_router.graph("mobil")
    core, n_road = grid_router.core("mobil")
    assert core is g.csr and n_road == g.n_road


def test_matrix_workers_setting_env_size_and_daemon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(nw.MATRIX_WORKERS_ENV, raising=False)
    s = test_settings()
    big = (1000, 100_000)
    can_fork = sys.platform.startswith("linux")
    cores = len(os.sched_getaffinity(0)) if can_fork else 1
    assert nw.matrix_workers(*big, s) == (min(2, cores) if can_fork else 1)
    assert nw.matrix_workers(50, 1000, s) == 1  # too small to pay for a process
    one = s.with_overrides(network={"matrix_workers": 1})
    assert nw.matrix_workers(*big, one) == 1
    assert nw.matrix_workers(*big, one, workers=2) == (2 if can_fork else 1)
    monkeypatch.setenv(nw.MATRIX_WORKERS_ENV, "1")
    assert nw.matrix_workers(*big, s) == 1
    monkeypatch.setenv(nw.MATRIX_WORKERS_ENV, "dua")
    with pytest.raises(InputError) as err:
        nw.matrix_workers(*big, s)
    assert nw.MATRIX_WORKERS_ENV in str(err.value) and "dua" in str(err.value)
    monkeypatch.delenv(nw.MATRIX_WORKERS_ENV)
    # a daemonic process (a Dask or multiprocessing worker) may not have children
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    assert nw.matrix_workers(*big, s) == 1
    assert nw.matrix_workers(*big, s, workers=2) == 1


# --------------------------------------------------------------------------- loading

TINY_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="{lat1}" lon="{lon1}"/>
  <node id="2" lat="{lat2}" lon="{lon2}"/>
  <node id="3" lat="{lat3}" lon="{lon3}"/>
  <node id="4" lat="{lat4}" lon="{lon4}"/>
  <way id="10">
    <nd ref="1"/><nd ref="2"/>
    <tag k="highway" v="tertiary"/><tag k="name" v="Jalan Soekarno-Hatta"/>
  </way>
  <way id="11">
    <nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="yes"/><tag k="maxspeed" v="18"/>
  </way>
  <way id="12">
    <nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="highway" v="tertiary"/>
  </way>
  <way id="13">
    <nd ref="2"/><nd ref="4"/>
    <tag k="highway" v="footway"/>
  </way>
</osm>
"""


@pytest.fixture
def tiny_osm(tmp_path: Path) -> tuple[Path, dict[int, tuple[float, float]]]:
    coords = {1: at(0, 0), 2: at(1000, 0), 3: at(2000, 0), 4: at(1000, 800)}
    fill = {
        f"{k}{i}": v for i, (lon, lat) in coords.items() for k, v in (("lon", lon), ("lat", lat))
    }
    path = tmp_path / "tiny.osm"
    path.write_text(TINY_OSM.format(**fill), encoding="utf-8")
    return path, coords


def test_tiny_osm_xml_loads_with_expected_times(
    tiny_osm: tuple[Path, dict[int, tuple[float, float]]],
) -> None:
    path, c = tiny_osm
    G = nw.load_network(path)
    # simplified: only the junctions 2 and 3 stay nodes; 1 and 4 live on in the geometry
    assert set(G.nodes) == {2, 3}
    assert all(d.get("highway") != "footway" for _, _, d in G.edges(data=True))
    residential = [(u, v) for u, v, hw in G.edges(data="highway") if hw == "residential"]
    assert residential == [(2, 3)]  # the one-way street has no arc back
    s = test_settings()
    pts = points({"S": c[1], "B": c[2], "C": c[3]})
    m = nw.travel_matrices(G, pts, ["mobil", "motor"], s, station_ids=["S"])
    ab, bc = geod_m(c[1], c[2]), geod_m(c[2], c[3])
    cda = geod_m(c[3], c[4]) + geod_m(c[4], c[1])
    t = m.travel_s["mobil"]
    # maxspeed 18 on B->C beats the residential default; night factor 1 in these settings
    assert t[1, 2] == round(bc / 5)
    assert t[0, 1] == round(ab / 10)
    assert t[2, 1] == round(cda / 10 + ab / 10)  # one-way: around through node 4
    assert m.travel_s["motor"][2, 1] == round(bc / 5)  # maxspeed also holds for motor


def test_graphml_round_trip_and_networkx_typed_graphml(
    town: dict[str, Any], tmp_path: Path
) -> None:
    G = town["G"]
    G.edges["A", "B", 0]["geometry"] = LineString([town["nodes"]["A"], town["nodes"]["B"]])
    G.edges["A", "B", 0]["maxspeed"] = ["40", "60"]
    saved = nw.save_graphml(G, tmp_path / "roads.graphml")
    H = nw.load_graphml(saved)
    assert set(H.nodes) == set(G.nodes)
    assert H.number_of_edges() == G.number_of_edges()
    ab = H.edges["A", "B", 0]
    assert isinstance(ab["geometry"], LineString)
    assert ab["maxspeed"] == ["40", "60"]
    assert H.edges["B", "C", 0]["oneway"] is True
    assert isinstance(ab["length"], float)
    # typed GraphML as networkx writes it (floats and booleans, no osmnx string conventions)
    plain = nx.MultiDiGraph(crs="epsg:4326")
    for n in ("1", "2"):
        plain.add_node(
            n, x=float(town["nodes"]["AB"[int(n) - 1]][0]), y=town["nodes"]["AB"[int(n) - 1]][1]
        )
    plain.add_edge("1", "2", length=1000.0, oneway=True, highway="tertiary", osmid=7)
    nx.write_graphml(plain, tmp_path / "typed.graphml")
    T = nw.load_network(tmp_path / "typed.graphml", test_settings())
    assert set(T.nodes) == {1, 2}
    assert T.edges[1, 2, 0]["oneway"] is True
    assert T.edges[1, 2, 0]["travel_s_mobil"] == pytest.approx(100.0)


def test_graphml_without_coordinates_is_an_input_error(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("1", x=111.7)
    G.add_node("2")
    G.add_edge("1", "2")
    nx.write_graphml(G, tmp_path / "bad.graphml")
    with pytest.raises(InputError) as info:
        nw.load_graphml(tmp_path / "bad.graphml")
    assert info.value.problems[0].column == "node x/y"
    (tmp_path / "junk.graphml").write_text("not xml", encoding="utf-8")
    with pytest.raises(InputError):
        nw.load_network(tmp_path / "junk.graphml")
    with pytest.raises(InputError):
        nw.load_network(tmp_path / "roads.shp")


def test_import_keeps_largest_strong_part(town: dict[str, Any], tmp_path: Path) -> None:
    src = nw.save_graphml(town["G"], tmp_path / "raw.graphml")
    report = nw.import_network(src, tmp_path / "out" / "roads.graphml")
    assert report.nodes_in == 6 and report.nodes_kept == 4  # the island E-F is dropped
    assert report.pieces_dropped == 1
    assert report.edges_dropped == 2
    # lengths count arcs: the 500 m two-way island road is 1 km of arcs
    assert report.length_km_dropped == pytest.approx(1.0, abs=0.01)
    kept = nw.load_graphml(report.out)
    assert set(kept.nodes) == {"A", "B", "C", "D"}


def test_pbf_without_the_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.osm.pbf"
    path.write_bytes(b"\x00")
    monkeypatch.setitem(sys.modules, "pyrosm", None)
    with pytest.raises(PlannerError) as info:
        nw.load_network(path)
    assert '".[pbf]"' in info.value.render("en")
    assert "pyrosm" in info.value.render("id")


def test_cli_network_import(
    tiny_osm: tuple[Path, dict[int, tuple[float, float]]], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from planner.cli import app

    runner = CliRunner()
    out = tmp_path / "roads.graphml"
    result = runner.invoke(app, ["network", "import", str(tiny_osm[0]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "Simpul" in result.output
    bad = runner.invoke(app, ["network", "import", str(tmp_path / "missing.osm"), "--lang", "en"])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output


# --------------------------------------------------------------------------- cache and facade


def test_build_matrices_cache_hit_and_invalidation(town: dict[str, Any], tmp_path: Path) -> None:
    s = test_settings()
    n = town["nodes"]
    road = nw.save_graphml(town["G"], tmp_path / "roads.graphml")
    pts = points({"S": n["A"], "V1": n["B"], "V2": n["C"]})
    cache = tmp_path / ".cache"
    first = nw.build_matrices(road, pts, ["S"], ["mobil"], s, cache)
    assert not first.from_cache
    assert len(list(cache.glob("matrices-*.npz"))) == 1
    assert len(list(cache.glob("roads-*.npz"))) == 1  # the compiled network
    again = nw.build_matrices(road, pts, ["S"], ["mobil"], s, cache)
    assert again.from_cache
    assert again.ids == first.ids
    assert np.array_equal(again.travel_s["mobil"], first.travel_s["mobil"])
    assert np.array_equal(again.dist_m["mobil"], first.dist_m["mobil"])
    # a cached result still draws legs (the network is loaded on demand)
    leg = nw.leg_geometry(again, "mobil", "V2", "V1")
    assert leg.length > 0
    assert not list(cache.glob("*.tmp"))  # written atomically
    # a changed setting, point or network file is a different key
    slower = s.with_overrides(network={"access_kph": 1.8})
    assert not nw.build_matrices(road, pts, ["S"], ["mobil"], slower, cache).from_cache
    assert len(list(cache.glob("roads-*.npz"))) == 1  # the network was not compiled again
    moved = points({"S": n["A"], "V1": n["D"], "V2": n["C"]})
    assert not nw.build_matrices(road, moved, ["S"], ["mobil"], s, cache).from_cache
    assert len(list(cache.glob("roads-*.npz"))) == 1
    G2 = town["G"].copy()
    G2.edges["A", "B", 0]["highway"] = "residential"
    nw.save_graphml(G2, road)
    changed = nw.build_matrices(road, pts, ["S"], ["mobil"], s, cache)
    assert not changed.from_cache
    assert len(list(cache.glob("roads-*.npz"))) == 2
    assert changed.travel_s["mobil"][0, 1] == 2 * first.travel_s["mobil"][0, 1]
    # a damaged cache file is recomputed, not trusted
    for f in cache.glob("*.npz"):
        f.write_bytes(b"garbage")
    assert not nw.build_matrices(road, pts, ["S"], ["mobil"], s, cache).from_cache


def test_road_index_cache_round_trip(
    town: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = test_settings()
    G = town["G"]
    G.edges["A", "B", 0]["geometry"] = LineString(
        [town["nodes"]["A"], at(500, 30), town["nodes"]["B"]]
    )
    road = nw.save_graphml(G, tmp_path / "roads.graphml")
    fresh = nw.load_road_index(road, s, cache_dir=tmp_path / "c")
    cached = nw.load_road_index(road, s, cache_dir=tmp_path / "c")
    assert cached.nodes == fresh.nodes and cached.crs == fresh.crs
    for attr in ("node_xy", "arc_u", "arc_v", "arc_length_m"):
        assert np.array_equal(getattr(cached, attr), getattr(fresh, attr))
    for p in ("motor", "mobil"):
        assert np.array_equal(cached.arc_travel_s[p], fresh.arc_travel_s[p])
    assert all(a.equals(b) for a, b in zip(cached.arc_geom, fresh.arc_geom, strict=True))
    assert shapely.get_num_coordinates(cached.arc_geom).max() == 3  # the curved road
    # only the newest files of a kind are kept
    monkeypatch.setattr(nw, "CACHE_KEEP", 1)
    nw.load_road_index(road, s, profiles=["motor"], cache_dir=tmp_path / "c")
    assert len(list((tmp_path / "c").glob("roads-*.npz"))) == 1


def test_travel_matrices_cache_with_network_key(town: dict[str, Any], tmp_path: Path) -> None:
    s = test_settings()
    n = town["nodes"]
    pts = points({"S": n["A"], "V1": n["B"]})
    a = nw.travel_matrices(
        town["G"], pts, ["motor"], s, station_ids=["S"], cache_dir=tmp_path, network_key="k1"
    )
    b = nw.travel_matrices(
        town["G"], pts, ["motor"], s, station_ids=["S"], cache_dir=tmp_path, network_key="k1"
    )
    c = nw.travel_matrices(
        town["G"], pts, ["motor"], s, station_ids=["S"], cache_dir=tmp_path, network_key="k2"
    )
    assert (a.from_cache, b.from_cache, c.from_cache) == (False, True, False)
    assert nw.leg_geometry(b, "motor", "S", "V1").length > 0


# --------------------------------------------------------------------------- shared OSM files


def _shared_files() -> list[Path]:
    if not SHARED_OSM.is_dir():
        return []
    return sorted(
        p
        for p in SHARED_OSM.iterdir()
        if p.name.endswith((".graphml", ".osm", ".osm.bz2", ".osm.pbf"))
    )


@pytest.mark.parametrize("path", _shared_files() or [None], ids=lambda p: p.name if p else "none")
def test_shared_osm_matrix_matches_networkx(path: Path | None) -> None:
    if path is None:
        pytest.skip("../shared/data/osm is absent (optional real OSM extracts)")
    if path.name.endswith(".pbf"):
        pytest.importorskip("pyrosm", reason='the optional extra ".[pbf]" is not installed')
    s = Settings()
    G, _ = nw.largest_strong_component(nw.load_network(path, s))
    rng = np.random.default_rng(7)
    nodes = list(G.nodes)
    chosen = [nodes[i] for i in rng.choice(len(nodes), size=min(40, len(nodes)), replace=False)]
    pts = points({f"n{k}": (G.nodes[v]["x"], G.nodes[v]["y"]) for k, v in enumerate(chosen)})
    index = nw.RoadIndex.from_graph(G, s)
    snapped = nw.snap_points(index, pts, s, station_ids=["n0"])
    assert not snapped.unreachable  # every node of the strong part is reachable
    m = nw.travel_matrices(G, snapped, ["mobil"], s)
    pos = {v: i for i, v in enumerate(index.nodes)}
    on_node = [
        pos[v] in (index.arc_u[snapped.arc[k]], index.arc_v[snapped.arc[k]])
        for k, v in enumerate(chosen)
    ]
    checked = 0
    for _ in range(50):
        a, b = rng.choice(len(chosen), size=2, replace=False)
        if not (on_node[a] and on_node[b]):
            continue  # a node lying exactly on another road: snapped there instead
        want = nx.shortest_path_length(G, chosen[a], chosen[b], weight="travel_s_mobil")
        assert abs(m.travel_s["mobil"][a, b] - want) <= 1
        checked += 1
    assert checked >= 40
    t = m.travel_s["mobil"]
    assert (t >= 0).all() and (np.diag(t) == 0).all()
    assert (t < nw.UNREACHABLE_S).all()
    leg = nw.leg_geometry(m, "mobil", "n1", "n2")
    assert shapely.get_num_coordinates(leg) >= 2


# --------------------------------------------------------------------------- compact cache


def test_cached_matrices_are_identical_and_compact(grid_router: nw.Router, tmp_path: Path) -> None:
    s = test_settings()
    snapped = grid_router.snapped
    cold = nw.travel_matrices(
        None, snapped, ["motor", "mobil"], s, cache_dir=tmp_path, network_key="grid"
    )
    warm = nw.travel_matrices(
        None, snapped, ["motor", "mobil"], s, cache_dir=tmp_path, network_key="grid"
    )
    assert (cold.from_cache, warm.from_cache) == (False, True)
    assert warm.ids == cold.ids and warm.unreachable == cold.unreachable
    for p in ("motor", "mobil"):
        assert warm.travel_s[p].dtype == np.int64 and warm.dist_m[p].dtype == np.float64
        assert np.array_equal(warm.travel_s[p], cold.travel_s[p])
        assert np.array_equal(warm.dist_m[p], cold.dist_m[p])  # bit for bit, inf included
        assert (cold.travel_s[p] == nw.UNREACHABLE_S).any()  # the island
        assert np.isinf(cold.dist_m[p]).any()
    raw_bytes = 2 * 16 * len(cold.ids) ** 2  # int64 + float64 per profile
    (file,) = tmp_path.glob("matrices-*.npz")
    assert file.stat().st_size < raw_bytes / 4


def test_cache_keeps_any_float_distances_exactly(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 7
    dist = rng.uniform(0, 5000, size=(n, n))  # not whole decimetres plus access legs
    dist[2, 3] = np.inf
    np.fill_diagonal(dist, 0.0)
    travel = rng.integers(0, 3000, size=(n, n)).astype(np.int64)
    travel[2, 3] = nw.UNREACHABLE_S
    np.fill_diagonal(travel, 0)
    m = nw.Matrices(
        ids=tuple(f"P{k}" for k in range(n)),
        travel_s={"mobil": travel},
        dist_m={"mobil": dist},
        unreachable={"Q": ("too_far", 1234.5)},
        snap_dist_m=rng.uniform(0, 30, size=n),
        key="k",
    )
    path = tmp_path / "matrices-k.npz"
    nw._save_cache(path, m)
    back = nw._load_cache(path, "k")
    assert back is not None and back.from_cache
    assert np.array_equal(back.travel_s["mobil"], travel)
    assert np.array_equal(back.dist_m["mobil"], dist)
    assert np.array_equal(back.snap_dist_m, m.snap_dist_m)
    assert back.unreachable == m.unreachable
    assert nw._load_cache(path, "other") is None
    # a file in the old raw layout (no format entry) is recomputed, not misread
    np.savez(path, key=np.array("k"), ids=np.array(m.ids), travel_s_0=travel, dist_m_0=dist)
    assert nw._load_cache(path, "k") is None


@given(
    st.integers(0, 9).flatmap(
        lambda n: st.lists(st.integers(-(2**31), 2**31 - 1), min_size=n * n, max_size=n * n).map(
            lambda v: np.array(v, dtype=np.int64).reshape(n, n) if v else np.zeros((0, 0))
        )
    )
)
def test_int_codec_round_trips(a: np.ndarray) -> None:
    a = a.astype(np.int64)
    planes = nw._encode_ints(a)
    assert planes.dtype == np.uint8 and 1 <= len(planes) <= 4
    assert np.array_equal(nw._decode_ints(planes, a.shape), a)
