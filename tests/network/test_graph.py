"""Snapping (too far, isolated, bad points, any CRS) and chain contraction."""

from __future__ import annotations

import itertools
import math
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from network.support import (
    GEOD,
    at,
    geod_m,
    make_graph,
    points,
    test_settings,
)
from shapely.geometry import Point

from planner import network as nw
from planner.errors import InputError
from planner.network import graph as nw_graph
from planner.network import matrix as nw_matrix


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
    assert f"{dist:,.0f} m from the nearest road" in text("en")  # 3,000 in English
    assert f"berjarak {dist:,.0f} m".replace(",", ".") in text("id")  # 3.000 in Indonesian
    assert "(batas 1.000 m)" in text("id") and "(limit 1,000 m)" in text("en")
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
        whole = nw_graph.unpack(nw_matrix._point_rows(g.csr, g.n_road, rows))
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
