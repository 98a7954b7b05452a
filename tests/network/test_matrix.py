"""Matrices and legs: known times, access legs, networkx equality, processes, real OSM."""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from network.support import (
    GEOD,
    SHARED_OSM,
    at,
    geod_m,
    points,
    test_settings,
)
from shapely.geometry import LineString

from planner import network as nw
from planner.config import Settings
from planner.errors import InputError
from planner.network import matrix as nw_matrix


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
        assert m.travel_s[p].dtype == np.int32
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
    # a pool of k workers forks k children (this process waits for their rows)
    assert len(forks) == 2 * (2 + 3)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processes are forked on Linux")
def test_a_chunk_lost_by_a_dead_child_is_computed_by_the_parent(
    grid_router: nw.Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = nw_matrix._solve_chunk

    def dying_child(*args: Any) -> None:
        if os.getpid() != parent:  # the child takes a chunk, then dies without writing it
            os._exit(3)
        real(*args)

    monkeypatch.setattr(nw_matrix, "_solve_chunk", dying_child)
    two = grid_router.road_matrix("mobil", workers=2)
    monkeypatch.setattr(nw_matrix, "_solve_chunk", real)
    one = grid_router.road_matrix("mobil", workers=1)
    assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])


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


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    random_network(),
    st.integers(0, 2**32 - 1),
    st.integers(1, 30),
    st.sampled_from(["motor", "mobil"]),
)
def test_matrices_through_hubs_equal_a_dijkstra_from_every_point(
    case: tuple[nx.MultiDiGraph, list[Any]], seed: int, n_points: int, profile: str
) -> None:
    """Points scattered along random one- and two-way roads (several on one road, chains,
    rings, dead ends): the rows combined from the hubs' Dijkstra are exactly those of a
    Dijkstra from every point, travel seconds and road decimetres alike."""
    G, _ = case
    s = test_settings()
    rng = np.random.default_rng(seed)
    lon = [G.nodes[i]["x"] for i in G.nodes]
    lat = [G.nodes[i]["y"] for i in G.nodes]
    xy = rng.uniform([min(lon), min(lat)], [max(lon) + 1e-4, max(lat) + 1e-4], size=(n_points, 2))
    pts = points({f"p{k}": (float(x), float(y)) for k, (x, y) in enumerate(xy)})
    try:
        snapped = nw.snap_points(G, pts, s.with_overrides(network={"snap_max_m": 5000.0}))
    except InputError:
        return  # no point near a road
    router = nw.Router(snapped.index, snapped, s)
    csr, n_road = router.core(profile)
    n = csr.shape[0] - n_road
    hubs = nw_matrix._Hubs.of(csr, n_road)
    access = snapped.snap_dist_m / 1.0
    got = nw_matrix._hub_matrix(
        csr, n_road, hubs, workers=1, access_s=access, travel=None, keep_dm=True
    )
    want = nw_matrix._point_rows(csr, n_road, np.arange(n), access_s=access, keep_dm=True)
    for a, b in zip(got, want, strict=True):
        np.fill_diagonal(a, 0)
        np.fill_diagonal(b, 0)
        assert np.array_equal(a, b)
