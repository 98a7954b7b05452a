"""Helpers of the road network tests: positions near Trenggalek, hand-made graphs and points,
and test settings with round speeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
from pyproj import Geod
from shapely.geometry import Point

from planner.config import Settings, settings_from_dict

GEOD = Geod(ellps="WGS84")
LON0, LAT0 = 111.70, -8.05  # Trenggalek
SHARED_OSM = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "osm"
"""Optional real OSM extracts (``../shared/data/osm`` beside the work tree)."""


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
