"""Fixtures of the road network tests: a tiny town, a street grid with an island, a tiny OSM
XML file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from network.support import TINY_OSM, at, geod_m, grid_network, make_graph, points, test_settings

from planner import network as nw


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


@pytest.fixture
def tiny_osm(tmp_path: Path) -> tuple[Path, dict[int, tuple[float, float]]]:
    coords = {1: at(0, 0), 2: at(1000, 0), 3: at(2000, 0), 4: at(1000, 800)}
    fill = {
        f"{k}{i}": v for i, (lon, lat) in coords.items() for k, v in (("lon", lon), ("lat", lat))
    }
    path = tmp_path / "tiny.osm"
    path.write_text(TINY_OSM.format(**fill), encoding="utf-8")
    return path, coords
