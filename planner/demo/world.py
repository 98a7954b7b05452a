"""The generated world in local metres: desa polygons, kecamatan seats, the road network,
kerawanan levels and the stations on their roads.

:func:`make_world` draws everything before the venues, in a fixed order of random draws (the
same seed gives the same world, and so byte-identical files).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from planner.demo.facts import (
    LOWLAND_KECAMATAN,
    TOWN_KECAMATAN,
    DesaFact,
    StationFact,
    desa_facts,
    station_facts,
)
from planner.demo.geometry import to_xy, winding
from planner.demo.roads import Roads, build_roads


@dataclass
class World:
    """Everything generated so far, in local metres."""

    desa: tuple[DesaFact, ...]
    desa_xy: np.ndarray
    desa_cells: list[BaseGeometry]
    outline: BaseGeometry
    seat_of: dict[str, int]  # kecamatan -> desa index
    roads: Roads
    centre_node: list[int]
    stations: tuple[StationFact, ...] = ()
    station_node: list[int] = field(default_factory=list)
    kerawanan: list[str] = field(default_factory=list)


def make_world(rng: np.random.Generator) -> World:
    """The real desa and stations with generated polygons, roads and kerawanan levels."""
    desa = desa_facts()
    stations = station_facts()
    desa_xy = to_xy(np.array([d.lon for d in desa]), np.array([d.lat for d in desa]))
    cells, outline = desa_polygons(desa_xy)
    seat_of = kecamatan_seats(desa, desa_xy, stations)
    roads, centre = build_roads(desa, desa_xy, seat_of, rng)
    world = World(desa, desa_xy, cells, outline, seat_of, roads, centre, stations)
    world.kerawanan = kerawanan_levels(world, rng)
    link_stations(world, rng)
    return world


def kecamatan_seats(
    desa: tuple[DesaFact, ...], desa_xy: np.ndarray, stations: tuple[StationFact, ...]
) -> dict[str, int]:
    """The seat of every kecamatan: the index of its desa nearest to its Polsek."""
    seat_of: dict[str, int] = {}
    for s in stations:
        if s.kind != "polsek":
            continue
        own = [i for i, d in enumerate(desa) if d.kecamatan == s.kecamatan]
        # The town's seat is its core around the Polres, not the Polsek's kecamatan point.
        anchor = stations[0] if s.kecamatan == TOWN_KECAMATAN else s
        sxy = to_xy(anchor.lon, anchor.lat)
        seat_of[s.kecamatan] = min(own, key=lambda i: float(np.hypot(*(desa_xy[i] - sxy))))
    return seat_of


def desa_polygons(desa_xy: np.ndarray) -> tuple[list[BaseGeometry], BaseGeometry]:
    """Voronoi cells of the desa points clipped to a regency outline (a buffered concave hull);
    returns the cells in desa order and the outline."""
    points = MultiPoint([tuple(p) for p in desa_xy])
    hull = shapely.concave_hull(points, ratio=0.3)
    outline = hull.buffer(3200.0, quad_segs=6).simplify(150.0)
    cells = shapely.voronoi_polygons(points, extend_to=outline.buffer(20_000.0), ordered=True)
    parts = list(shapely.get_parts(cells))
    out: list[BaseGeometry] = []
    for i, p in enumerate(desa_xy):
        cell = parts[i]
        if not cell.contains(Point(p)):  # "ordered" should hold, but never trust it blindly
            cell = next(c for c in parts if c.contains(Point(p)))
        clipped = shapely.make_valid(cell.intersection(outline))
        if clipped.geom_type not in ("Polygon", "MultiPolygon"):
            clipped = shapely.union_all(
                [g for g in shapely.get_parts(clipped) if g.geom_type == "Polygon"]
            )
        out.append(clipped)
    return out, outline


def kerawanan_levels(world: World, rng: np.random.Generator) -> list[str]:
    """More often higher in the town, the kecamatan seats and along the arterial roads."""
    art_ids = np.array([i for i, r in enumerate(world.roads.role) if r == "arterial"])
    tree = cKDTree(np.asarray(world.roads.xy)[art_ids])
    dist, _ = tree.query(world.desa_xy)
    seats = set(world.seat_of.values())
    score = np.array(
        [
            1.3 * (d.kecamatan == TOWN_KECAMATAN)
            + 0.9 * (d.type == "kelurahan")
            + 0.9 * (i in seats)
            + 0.3 * (d.kecamatan in LOWLAND_KECAMATAN)
            + 0.9 * math.exp(-float(dist[i]) / 1500.0)
            for i, d in enumerate(world.desa)
        ]
    ) + rng.normal(0.0, 0.45, size=len(world.desa))
    order = np.argsort(-score, kind="stable")
    levels = ["rendah"] * len(score)
    cuts = ((0.10, "sangat_tinggi"), (0.30, "tinggi"), (0.65, "sedang"))
    for rank, i in enumerate(order):
        share = rank / len(score)
        levels[i] = next((lvl for cut, lvl in cuts if share < cut), "rendah")
    return levels


def link_stations(world: World, rng: np.random.Generator) -> None:
    """A local road from every station to its nearest road node (``world.station_node``)."""
    roads = world.roads
    for s in world.stations:
        x, y = to_xy(s.lon, s.lat)
        node, dist = roads.nearest(float(x), float(y))
        if dist < 1.0:
            world.station_node.append(node)
            continue
        way = roads.add_way("residential", f"Jalan {s.name}", None)
        pts = np.array([roads.xy[node], (float(x), float(y))])
        if dist > 400:
            pts = winding(pts[0], pts[1], ratio=1.05, spacing_m=250.0, rng=rng)
        world.station_node.append(roads.add_path(node, None, pts, way, "local"))
