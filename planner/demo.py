"""The synthetic Trenggalek demo dataset behind ``data/demo/``.

The facts are real: the 14 kecamatan and 157 desa/kelurahan of Kabupaten Trenggalek with their
official codes, names and a point inside each desa (package data ``planner/data/``, MIT,
Cahya DSN), and the approximate places of Polres Trenggalek and its 14 Polsek. Everything else
is generated and deterministic for a seed: desa polygons (Voronoi cells of the desa points
clipped to a regency outline), kerawanan levels, about 1,500 coffee stalls, 90 days of incidents
before :data:`REFERENCE_DATE`, a roster and an OSM-like road network that ``osmnx`` loads.

The same seed gives byte-identical files: no timestamps, fixed float formatting, stable orders.

>>> data = build_demo(seed=1, n_venues=300)  # doctest: +SKIP
>>> sorted(data.files)  # doctest: +SKIP
['README.md', 'desa.geojson', 'incidents.csv', ...]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import math
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import networkx as nx
import numpy as np
import shapely
from scipy.interpolate import CubicSpline
from scipy.spatial import Delaunay, cKDTree
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from planner import config
from planner.errors import PlannerError
from planner.text import msg

__all__ = [
    "DATASET_FILES",
    "DEFAULT_N_VENUES",
    "DEFAULT_SEED",
    "INCIDENT_DAYS",
    "MOUNTAIN_KECAMATAN",
    "REFERENCE_DATE",
    "DemoCounts",
    "DemoData",
    "DemoSummary",
    "DesaFact",
    "StationFact",
    "build_demo",
    "desa_facts",
    "station_facts",
    "write_demo",
]

REFERENCE_DATE = dt.date(2026, 12, 1)
"""The demo's "today": incidents cover the 90 days before it; tests plan the nights around it."""
INCIDENT_DAYS = 90
DEFAULT_SEED = 1
DEFAULT_N_VENUES = 1500
KINDS = ("angkringan", "warkop", "kafe")
LEVELS = ("rendah", "sedang", "tinggi", "sangat_tinggi")
TOWN_KECAMATAN = "Trenggalek"
LOWLAND_KECAMATAN = frozenset({"Trenggalek", "Pogalan", "Tugu", "Durenan"})
MOUNTAIN_KECAMATAN = frozenset(
    {"Panggul", "Munjungan", "Watulimo", "Dongko", "Pule", "Bendungan", "Kampak"}
)
"""Kecamatan whose roads are winding (1.3-1.6x the straight distance) and slower."""
DATASET_FILES = (
    "README.md",
    "desa.geojson",
    "incidents.csv",
    "planner.toml",
    "roads.graphml",
    "squads.toml",
    "stations.csv",
    "venues.csv",
)

_WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
_EARTH_R_M = 6_371_009.0  # the radius osmnx uses for great-circle lengths
_LAT0, _LON0 = -8.12, 111.62  # origin of the local metric projection (regency centre)
_KY = _EARTH_R_M * math.pi / 180.0
_KX = _KY * math.cos(math.radians(_LAT0))


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class DesaFact:
    """One real desa/kelurahan: official code and name, and a point inside its polygon."""

    desa_code: str
    desa: str
    type: str  # "desa" or "kelurahan"
    kecamatan_code: str
    kecamatan: str
    lat: float
    lon: float
    area_km2: float


@dataclass(frozen=True)
class StationFact:
    """Polres or Polsek with an approximate position (see planner/data/README.md)."""

    station_id: str
    name: str
    kind: str
    kecamatan_code: str
    kecamatan: str
    lat: float
    lon: float


def _read_package_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("planner").joinpath("data", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


def desa_facts() -> tuple[DesaFact, ...]:
    """The 157 desa/kelurahan of Kabupaten Trenggalek, ordered by code."""
    rows = _read_package_csv("trenggalek_desa.csv")
    facts = [
        DesaFact(
            desa_code=r["desa_code"],
            desa=r["desa"],
            type=r["type"],
            kecamatan_code=r["kecamatan_code"],
            kecamatan=r["kecamatan"],
            lat=float(r["inside_lat"]),
            lon=float(r["inside_lon"]),
            area_km2=float(r["area_km2"]),
        )
        for r in rows
    ]
    return tuple(sorted(facts, key=lambda f: f.desa_code))


def station_facts() -> tuple[StationFact, ...]:
    """Polres Trenggalek first, then one Polsek per kecamatan in code order."""
    rows = _read_package_csv("trenggalek_stations.csv")
    facts = [
        StationFact(
            station_id=r["station_id"],
            name=r["name"],
            kind=r["kind"],
            kecamatan_code=r["kecamatan_code"],
            kecamatan=r["kecamatan"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
        )
        for r in rows
    ]
    return tuple(sorted(facts, key=lambda f: (f.kind != "polres", f.kecamatan_code)))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DemoCounts:
    """What a generated demo holds."""

    desa: int
    kecamatan: int
    venues: int
    venues_by_kind: dict[str, int]
    incidents: int
    incidents_by_category: dict[str, int]
    kerawanan: dict[str, int]
    stations: int
    squads: int
    road_nodes: int
    road_edges: int


@dataclass(frozen=True)
class DemoData:
    """A generated dataset in memory: file name -> exact bytes, plus its counts."""

    seed: int
    files: dict[str, bytes]
    counts: DemoCounts


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`write_demo` wrote."""

    out: Path
    seed: int
    counts: DemoCounts
    file_bytes: dict[str, int]
    elapsed_s: float


# --------------------------------------------------------------------------- geometry helpers


def _xy(lon: np.ndarray | float, lat: np.ndarray | float) -> np.ndarray:
    """Degrees -> metres in a local equirectangular projection (error < 0.2 % here)."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return np.stack([(lon_a - _LON0) * _KX, (lat_a - _LAT0) * _KY], axis=-1)


def _lonlat(xy: np.ndarray) -> np.ndarray:
    """Metres -> (lon, lat) degrees, inverse of :func:`_xy`."""
    xy = np.asarray(xy, dtype=float)
    return np.stack([xy[..., 0] / _KX + _LON0, xy[..., 1] / _KY + _LAT0], axis=-1)


def _geom_to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    out = shapely.transform(geom, _lonlat)
    return shapely.set_precision(out, 1e-6)


def _haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_R_M * math.asin(min(1.0, math.sqrt(h)))


def _winding(
    a: np.ndarray,
    b: np.ndarray,
    *,
    ratio: float,
    spacing_m: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Vertices of a road from ``a`` to ``b`` (both included), about ``ratio`` times as long as
    the straight line, with vertices about ``spacing_m`` apart along the road."""
    d = b - a
    length = float(math.hypot(d[0], d[1]))
    if length < 1.0:
        return np.array([a, b])
    normal = np.array([-d[1], d[0]]) / length
    n_dense = max(64, int(length / 15))
    t = np.linspace(0.0, 1.0, n_dense)
    # Hairpins every few hundred metres in the hills, long gentle bends in the plain.
    wave_m = rng.uniform(450.0, 900.0) if ratio > 1.2 else rng.uniform(1800.0, 3500.0)
    taper = np.minimum(1.0, np.minimum(t, 1.0 - t) * length / min(wave_m / 2, length / 2))
    # A smooth random wander (a Brownian bridge through a few knots, spline-smoothed) ...
    n_knots = max(3, int(length / (wave_m / 2)) + 1)
    knots_t = np.linspace(0.0, 1.0, n_knots)
    bridge = np.cumsum(rng.normal(size=n_knots))
    bridge = bridge - bridge[0] - knots_t * (bridge[-1] - bridge[0])
    walk = CubicSpline(knots_t, bridge, bc_type="natural")(t)
    # ... plus a few wiggles of about one wavelength with random phases.
    wiggle = sum(
        np.sin(2 * np.pi * (t * length / (wave_m * rng.uniform(0.6, 1.4))) + rng.uniform(0, 6.3))
        for _ in range(3)
    )
    shape = taper * (
        walk / max(1e-9, float(np.max(np.abs(walk))))
        + (0.6 if ratio > 1.2 else 0.25) * wiggle / 3.0
    )
    peak = float(np.max(np.abs(shape)))
    shape = shape / peak if peak > 0 else np.sin(np.pi * t)
    base = a + np.outer(t, d)

    def resample(amp: float) -> np.ndarray:
        dense = base + np.outer(amp * shape, normal)
        seg = np.hypot(*np.diff(dense, axis=0).T)
        arc = np.concatenate([[0.0], np.cumsum(seg)])
        n = max(1, round(arc[-1] / spacing_m))
        s = np.linspace(0.0, arc[-1], n + 1)
        pts = np.stack([np.interp(s, arc, dense[:, 0]), np.interp(s, arc, dense[:, 1])], axis=1)
        pts[0], pts[-1] = a, b
        return pts

    def ratio_of(pts: np.ndarray) -> float:
        return float(np.hypot(*np.diff(pts, axis=0).T).sum()) / length

    if ratio <= 1.002:
        return resample(0.0)
    lo, hi = 0.0, length
    for _ in range(26):
        mid = (lo + hi) / 2
        if ratio_of(resample(mid)) < ratio:
            lo = mid
        else:
            hi = mid
    return resample((lo + hi) / 2)


# --------------------------------------------------------------------------- road network


@dataclass
class _Way:
    osmid: int
    highway: str
    name: str | None
    maxspeed: str | None
    oneway: bool = False


@dataclass
class _Roads:
    """A growing road network in local metres; node ids are list positions."""

    xy: list[tuple[float, float]] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    linked: list[bool] = field(default_factory=list)
    ways: list[_Way] = field(default_factory=list)
    edges: list[tuple[int, int, int]] = field(default_factory=list)  # (u, v, way)
    _tree: cKDTree | None = None
    _tree_ids: np.ndarray | None = None

    def add_node(self, x: float, y: float, role: str, *, linked: bool = True) -> int:
        self.xy.append((float(x), float(y)))
        self.role.append(role)
        self.linked.append(linked)
        self._tree = None
        return len(self.xy) - 1

    def add_way(
        self, highway: str, name: str | None, maxspeed: str | None, *, oneway: bool = False
    ) -> int:
        self.ways.append(_Way(len(self.ways) + 1, highway, name, maxspeed, oneway))
        return len(self.ways) - 1

    def add_path(self, start: int, end: int | None, pts: np.ndarray, way: int, role: str) -> int:
        """Add the road through ``pts`` from node ``start``; ``end`` is an existing node (or
        ``None``: a new node at the last point). Returns the last node."""
        prev = start
        inner = pts[1:-1]
        for p in inner:
            node = self.add_node(p[0], p[1], role)
            self.edges.append((prev, node, way))
            prev = node
        last = end if end is not None else self.add_node(pts[-1][0], pts[-1][1], role)
        self.linked[last] = True
        self._tree = None
        self.edges.append((prev, last, way))
        return last

    def nearest(
        self, x: float, y: float, *, roles: Iterable[str] | None = None
    ) -> tuple[int, float]:
        """The nearest linked node (optionally only of some roles) and its distance in metres."""
        if roles is not None:
            wanted = set(roles)
            ids = np.array(
                [
                    i
                    for i, (r, ok) in enumerate(zip(self.role, self.linked, strict=True))
                    if ok and r in wanted
                ]
            )
            tree = cKDTree(np.asarray(self.xy)[ids])
        else:
            nodes, dists = self.nearest_many(np.array([[x, y]]))
            return int(nodes[0]), float(dists[0])
        dist, pos = tree.query([x, y])
        return int(ids[int(pos)]), float(dist)

    def nearest_many(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each point the nearest linked node and its distance in metres."""
        if self._tree is None:
            self._tree_ids = np.flatnonzero(np.asarray(self.linked))
            self._tree = cKDTree(np.asarray(self.xy)[self._tree_ids])
        assert self._tree_ids is not None
        dist, pos = self._tree.query(pts)
        return self._tree_ids[pos], dist

    def connect(
        self,
        start: int,
        end: int,
        *,
        way: int,
        ratio: float,
        spacing_m: float,
        rng: np.random.Generator,
        role: str,
    ) -> None:
        pts = _winding(
            np.asarray(self.xy[start]),
            np.asarray(self.xy[end]),
            ratio=ratio,
            spacing_m=spacing_m,
            rng=rng,
        )
        self.add_path(start, end, pts, way, role)


def _ratio(mountain_share: float, rng: np.random.Generator, *, collector: bool = False) -> float:
    """A winding ratio: flat 1.02-1.08, mountain 1.3-1.6 (collectors a bit less)."""
    flat = rng.uniform(1.02, 1.10 if collector else 1.07)
    steep = rng.uniform(1.25, 1.5) if collector else rng.uniform(1.3, 1.6)
    return float(flat + mountain_share * (steep - flat))


# Arterial corridors: (from, to, highway, name, via points (lat, lon)). Kecamatan names stand for
# their seat; "@lat,lon" is a point at the regency border towards the neighbouring regency.
_CORRIDORS: tuple[tuple[str, str, str, str, tuple[tuple[float, float], ...]], ...] = (
    ("Trenggalek", "Pogalan", "primary", "Jalan Raya Trenggalek-Tulungagung", ()),
    ("Pogalan", "Durenan", "primary", "Jalan Raya Trenggalek-Tulungagung", ()),
    ("Durenan", "@-8.095,111.846", "primary", "Jalan Raya Trenggalek-Tulungagung", ()),
    ("Trenggalek", "Tugu", "primary", "Jalan Raya Trenggalek-Ponorogo", ()),
    ("Tugu", "@-7.935,111.585", "primary", "Jalan Raya Trenggalek-Ponorogo", ((-7.975, 111.61),)),
    ("Trenggalek", "Karangan", "primary", "Jalan Raya Trenggalek-Pacitan", ()),
    ("Karangan", "Suruh", "primary", "Jalan Raya Trenggalek-Pacitan", ()),
    ("Suruh", "Pule", "primary", "Jalan Raya Trenggalek-Pacitan", ()),
    ("Pule", "Panggul", "primary", "Jalan Raya Trenggalek-Pacitan", ((-8.17, 111.49),)),
    ("Panggul", "@-8.215,111.395", "primary", "Jalan Raya Trenggalek-Pacitan", ()),
    ("Panggul", "Munjungan", "primary", "Jalur Lintas Selatan", ((-8.300, 111.505),)),
    ("Munjungan", "Watulimo", "primary", "Jalur Lintas Selatan", ((-8.295, 111.66),)),
    ("Watulimo", "@-8.275,111.80", "primary", "Jalur Lintas Selatan", ()),
    ("Trenggalek", "Bendungan", "secondary", "Jalan Raya Bendungan", ()),
    ("Pogalan", "Gandusari", "secondary", "Jalan Raya Prigi", ()),
    ("Gandusari", "Watulimo", "secondary", "Jalan Raya Prigi", ()),
    ("Durenan", "Gandusari", "secondary", "Jalan Raya Durenan-Gandusari", ()),
    ("Gandusari", "Kampak", "secondary", "Jalan Raya Kampak", ()),
    ("Kampak", "Munjungan", "secondary", "Jalan Raya Kampak-Munjungan", ()),
    ("Pule", "Dongko", "secondary", "Jalan Raya Dongko", ()),
    ("Dongko", "Panggul", "secondary", "Jalan Raya Dongko-Panggul", ()),
    ("Suruh", "Dongko", "tertiary", "Jalan Suruh-Dongko", ()),
    ("Dongko", "Kampak", "tertiary", "Jalan Dongko-Kampak", ()),
)


def _words(text: str) -> tuple[str, ...]:
    """Split a ``|``-separated word list (keeps long name lists compact)."""
    return tuple(w.strip() for w in text.split("|") if w.strip())


_TOWN_STREETS_EW = _words(
    "Jalan Panglima Sudirman|Jalan Brigjen Sutran|Jalan Soekarno-Hatta|Jalan Kartini|"
    "Jalan Ahmad Yani|Jalan Diponegoro"
)
_TOWN_STREETS_NS = _words(
    "Jalan Mayjen Sungkono|Jalan Supriyadi|Jalan Ronggowarsito|Jalan Yos Sudarso|"
    "Jalan Dr. Sutomo|Jalan Pahlawan"
)
_DUSUN = _words(
    "Krajan|Ngrayung|Sumberejo|Kedungsari|Ngelo|Gondang|Karanganyar|Sidomulyo|Tawang|"
    "Ngemplak|Jati|Mloko|Bulu|Mbendo|Sambi|Cerme"
)


@dataclass
class _World:
    """Everything generated so far, in local metres."""

    desa: tuple[DesaFact, ...]
    desa_xy: np.ndarray
    desa_cells: list[BaseGeometry]
    outline: BaseGeometry
    seat_of: dict[str, int]  # kecamatan -> desa index
    roads: _Roads
    centre_node: list[int]
    stations: tuple[StationFact, ...] = ()
    station_node: list[int] = field(default_factory=list)
    kerawanan: list[str] = field(default_factory=list)


def _desa_polygons(desa_xy: np.ndarray) -> tuple[list[BaseGeometry], BaseGeometry]:
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


def _build_roads(
    world_desa: tuple[DesaFact, ...],
    desa_xy: np.ndarray,
    seat_of: dict[str, int],
    rng: np.random.Generator,
) -> tuple[_Roads, list[int]]:
    roads = _Roads()
    centre = [roads.add_node(x, y, "centre", linked=False) for x, y in desa_xy]
    mountain = np.array([d.kecamatan in MOUNTAIN_KECAMATAN for d in world_desa], dtype=float)

    def endpoint(label: str) -> tuple[int, float]:
        if label.startswith("@"):
            lat, lon = (float(v) for v in label[1:].split(","))
            xy = _xy(lon, lat)
            return roads.add_node(xy[0], xy[1], "arterial", linked=False), 0.0
        i = seat_of[label]
        return centre[i], float(mountain[i])

    # Arterials between the kecamatan seats, one OSM way per corridor leg.
    for frm, to, highway, name, via in _CORRIDORS:
        a, ma = endpoint(frm)
        b, mb = endpoint(to)
        share = (ma + mb) / 2
        maxspeed = None
        if rng.random() < 0.35:
            maxspeed = ("40" if share > 0 else "60") if highway == "primary" else "40"
            if share >= 1:
                maxspeed = "30" if highway != "primary" else "40"
        way = roads.add_way(highway, name, maxspeed)
        roads.linked[a] = True
        stops = [a]
        for lat, lon in via:
            xy = _xy(lon, lat)
            stops.append(roads.add_node(xy[0], xy[1], "arterial", linked=True))
        stops.append(b)
        for u, v in itertools.pairwise(stops):
            roads.connect(
                u,
                v,
                way=way,
                ratio=_ratio(share, rng),
                spacing_m=160.0 if share > 0 else 260.0,
                rng=rng,
                role="arterial",
            )

    # A small street grid in the town around the Polres, a few one-way streets among them.
    _town_grid(roads, rng)

    # Collector roads: connect every desa centre, nearest to the network first.
    todo = [i for i in range(len(world_desa)) if not roads.linked[centre[i]]]
    while todo:
        nodes, dists = roads.nearest_many(np.asarray([roads.xy[centre[i]] for i in todo]))
        k = int(np.argmin(dists))  # first of equals: stable
        best_i, best_node, best_d = todo[k], int(nodes[k]), float(dists[k])
        d = world_desa[best_i]
        share = float(mountain[best_i])
        highway = "tertiary" if (d.type == "kelurahan" or best_d > 3500) else "unclassified"
        maxspeed = ("20" if share else "30") if rng.random() < 0.2 else None
        way = roads.add_way(highway, f"Jalan Desa {d.desa}", maxspeed)
        roads.connect(
            best_node,
            centre[best_i],
            way=way,
            ratio=_ratio(share, rng, collector=True),
            spacing_m=160.0 if share else 260.0,
            rng=rng,
            role="collector",
        )
        todo.remove(best_i)

    # Extra links between neighbouring desa of one kecamatan, so the network has loops.
    tri = Delaunay(desa_xy)
    pairs = sorted(
        {
            (min(a, b), max(a, b))
            for simplex in tri.simplices
            for a, b in (
                (simplex[0], simplex[1]),
                (simplex[1], simplex[2]),
                (simplex[0], simplex[2]),
            )
        }
    )
    for a, b in pairs:
        da, db = world_desa[a], world_desa[b]
        if da.kecamatan != db.kecamatan:
            continue
        dist = float(np.hypot(*(desa_xy[a] - desa_xy[b])))
        keep = 0.9 if da.kecamatan == TOWN_KECAMATAN else 0.35
        if dist > 4500 or rng.random() > keep:
            continue
        share = float((mountain[a] + mountain[b]) / 2)
        way = roads.add_way("unclassified", f"Jalan {da.desa}-{db.desa}", None)
        roads.connect(
            centre[a],
            centre[b],
            way=way,
            ratio=_ratio(share, rng, collector=True),
            spacing_m=160.0 if share else 260.0,
            rng=rng,
            role="collector",
        )
    return roads, centre


def _town_grid(roads: _Roads, rng: np.random.Generator) -> None:
    polres = next(s for s in station_facts() if s.kind == "polres")
    origin = _xy(polres.lon, polres.lat) + np.array([-110.0, -110.0])
    n, step = 6, 230.0
    ids = np.zeros((n, n), dtype=int)
    for r in range(n):
        for c in range(n):
            jx, jy = rng.uniform(-20, 20, size=2)
            x = origin[0] + (c - (n - 1) / 2) * step + jx
            y = origin[1] + (r - (n - 1) / 2) * step + jy
            ids[r, c] = roads.add_node(x, y, "grid", linked=True)
    # Rows run west-east, columns south-north. Two rows form a one-way pair and one column
    # is one-way southbound, as in a small Javanese town centre.
    oneway_rows = {2: "east", 3: "west"}
    oneway_cols = {3: "south"}
    for r in range(n):
        ow = oneway_rows.get(r)
        way = roads.add_way(
            "secondary" if r in (2, 3) else "residential",
            _TOWN_STREETS_EW[r],
            "30" if r in (2, 3) else None,
            oneway=ow is not None,
        )
        for c in range(n - 1):
            u, v = int(ids[r, c]), int(ids[r, c + 1])
            roads.edges.append((v, u, way) if ow == "west" else (u, v, way))
    for c in range(n):
        ow = oneway_cols.get(c)
        way = roads.add_way("residential", _TOWN_STREETS_NS[c], None, oneway=ow is not None)
        for r in range(n - 1):
            u, v = int(ids[r, c]), int(ids[r + 1, c])
            roads.edges.append((v, u, way) if ow == "south" else (u, v, way))
    # Tie the grid's corners to the arterial network.
    for r, c in ((0, 0), (0, n - 1), (n - 1, 0), (n - 1, n - 1)):
        node = int(ids[r, c])
        target, _ = roads.nearest(*roads.xy[node], roles=("arterial", "centre"))
        way = roads.add_way("tertiary", None, None)
        roads.connect(node, target, way=way, ratio=1.03, spacing_m=250.0, rng=rng, role="local")


def _kerawanan(world: _World, rng: np.random.Generator) -> list[str]:
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


# --------------------------------------------------------------------------- venues

_MEN = _words(
    "Sarno|Gimin|Paijo|Tukiman|Slamet|Suparman|Wagiman|Karto|Parmin|Sutris|Jarwo|Bejo|Tarno|"
    "Warsito|Ngadimin|Kasmin|Darto|Gito|Sugeng|Kuwot|Yanto|Budi|Eko|Agus|Joko|Wahyu|Heru|"
    "Didik|Gatot|Bambang|Nanang|Mujiono|Supri|Kateno|Pardi|Rohmat|Imam|Sardi|Ponidi|Mukidi|"
    "Giyanto|Sutrisno|Wardoyo|Harno"
)
_WOMEN = _words(
    "Sainem|Marni|Tumini|Painem|Ratmi|Sumi|Sri|Yuli|Ninik|Endang|Lilik|Puji|Katmi|Tumirah|"
    "Suyati|Warsini|Jumiati|Sulastri"
)
_FEMALE_TITLES = ("Bu", "Mbok")
_WARKOP_TITLES = _words(
    "Warkop Mbah|Warkop Pak|Warkop Bu|Warkop Cak|Warkop Mas|Warung Kopi Mbok|"
    "Warung Kopi Pak|Kedai Kopi Cak|Warkop Lik"
)
_WARKOP_WORDS = _words(
    "Sumber Rejeki|Barokah|Lestari|Rukun|Podo Moro|Sederhana|Mampir|Lancar|Sido Mulyo|"
    "Cangkruk|Pojok|Joglo|Asri|Sahabat|Kawan Lama|Tombo Kangen|Mbah Kuwot|Gubuk|Ngopi Sik|"
    "Lesehan"
)
_ANGKRINGAN_TITLES = _words(
    "Angkringan Pak|Angkringan Mas|Angkringan Lik|Angkringan Mbah|Angkringan Cak|Angkringan Bu"
)
_ANGKRINGAN_WORDS = _words(
    "Lesehan|Wong Cilik|Sego Kucing|Remang|Ndeso|Kangen|Pinggir Kali|Mbois|Nyaman|Ojo Lali"
)
_KAFE_A = _words(
    "Kenangan|Senja|Rindu|Teras|Sudut|Langit|Bukit|Sawah|Lereng|Teman|Cerita|Tepi|Daun|"
    "Embun|Kabut|Pelangi|Tenang|Singgah"
)
_KAFE_B = _words("Senja|Kita|Desa|Malam|Hujan|Jingga|Biru|Kali|Djadoel|Kota")


def _person(title: str, pick: Callable[[Sequence[str]], str]) -> str:
    """A name that fits the title: "Bu"/"Mbok" take a woman's name, "Mbah" either."""
    last = title.rsplit(" ", 1)[-1]
    if last in _FEMALE_TITLES:
        return pick(_WOMEN)
    return pick(_MEN + _WOMEN) if last == "Mbah" else pick(_MEN)


def _venue_name(kind: str, desa: str, kecamatan: str, rng: np.random.Generator) -> str:
    def pick(seq: Sequence[str]) -> str:
        return seq[int(rng.integers(len(seq)))]

    if kind == "warkop":
        if rng.random() < 0.7:
            title = pick(_WARKOP_TITLES)
            return f"{title} {_person(title, pick)}"
        return f"Warkop {pick(_WARKOP_WORDS)}"
    if kind == "angkringan":
        if rng.random() < 0.75:
            title = pick(_ANGKRINGAN_TITLES)
            return f"{title} {_person(title, pick)}"
        return f"Angkringan {pick(_ANGKRINGAN_WORDS)}"
    roll = rng.random()
    if kecamatan == "Watulimo" and roll < 0.2:
        return f"Kopi Pantai {pick(('Prigi', 'Karanggongso', 'Pelang', 'Damas'))}"
    if roll < 0.35:
        name = f"Kopi {pick(_KAFE_A)} {pick(_KAFE_B)}"
    elif roll < 0.6:
        name = f"Kafe {pick(_KAFE_A)}"
    elif roll < 0.8:
        name = f"{pick(_KAFE_A)} Coffee"
    else:
        name = f"Kedai Kopi {pick(_KAFE_A)}"
    return f"{name} {desa}" if rng.random() < 0.25 else name


_HOURS: dict[str, tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]] = {
    "angkringan": (
        (("16:30", 1), ("17:00", 4), ("17:30", 2), ("18:00", 3), ("18:30", 1)),
        (("23:00", 2), ("00:00", 3), ("01:00", 4), ("02:00", 2), ("03:00", 1)),
    ),
    "warkop": (
        (("15:00", 1), ("16:00", 4), ("17:00", 2), ("18:00", 1)),
        (("23:00", 2), ("24:00", 4), ("00:00", 1), ("01:00", 2), ("02:00", 1)),
    ),
    "kafe": (
        (("10:00", 1), ("16:00", 2), ("17:00", 2), ("18:00", 3), ("19:00", 1)),
        (("22:00", 2), ("23:00", 3), ("00:00", 2), ("01:00", 1), ("02:00", 1)),
    ),
}
_CLOSED_DAYS = (("Jumat", 4), ("Senin", 1), ("Selasa", 1), ("Minggu", 1))


def _weighted(options: Sequence[tuple[str, float]], rng: np.random.Generator) -> str:
    w = np.array([o[1] for o in options], dtype=float)
    return options[int(rng.choice(len(options), p=w / w.sum()))][0]


def _hours(kind: str, rng: np.random.Generator) -> tuple[str, str]:
    if kind == "warkop":
        roll = rng.random()
        if roll < 0.16:
            return "24 jam", "24 jam"
        if roll < 0.22:
            return _weighted((("06:00", 1), ("07:00", 1)), rng), _weighted(
                (("21:00", 1), ("22:00", 2), ("23:00", 1)), rng
            )
    opens, closes = _HOURS[kind]
    return _weighted(opens, rng), _weighted(closes, rng)


def _allocate(weights: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """Integer counts proportional to ``weights`` summing exactly to ``total`` (largest
    remainder), each at least ``minimum`` (the minimum is dropped when ``total`` is too small)."""
    n = len(weights)
    if minimum * n > total:
        minimum = 0
    rest = total - minimum * n
    share = weights / weights.sum() * rest
    counts = np.floor(share).astype(int)
    left = rest - int(counts.sum())
    order = np.lexsort((np.arange(n), -(share - counts)))
    counts[order[:left]] += 1
    return minimum + counts


@dataclass(frozen=True)
class _Venue:
    venue_id: str
    name: str
    kind: str
    x: float
    y: float
    desa_index: int
    opens: str
    closes: str
    dwell_min: int | None
    active: bool
    closed_days: str


def _venues(world: _World, n_venues: int, rng: np.random.Generator) -> list[_Venue]:
    roads = world.roads
    seats = set(world.seat_of.values())
    art_ids = np.array([i for i, r in enumerate(roads.role) if r == "arterial"])
    art_d, _ = cKDTree(np.asarray(roads.xy)[art_ids]).query(world.desa_xy)
    weights = np.array(
        [
            (4.0 if d.type == "kelurahan" else 1.0)
            * (2.5 if d.kecamatan == TOWN_KECAMATAN else 1.0)
            * (2.5 if i in seats else 1.0)
            * (1.5 if art_d[i] < 1000 else 1.0)
            * (0.8 if d.kecamatan in MOUNTAIN_KECAMATAN else 1.0)
            for i, d in enumerate(world.desa)
        ]
    )
    counts = _allocate(weights, n_venues, minimum=2 if n_venues >= 4 * len(weights) else 1)
    node_xy = np.asarray(roads.xy)
    linked = np.asarray(roads.linked)
    venues: list[_Venue] = []
    for i, d in enumerate(world.desa):
        cell = world.desa_cells[i]
        inner = cell.buffer(-35.0)
        if inner.is_empty:
            inner = cell.buffer(-5.0)
        shapely.prepare(inner)
        inside = linked & shapely.contains_xy(inner, node_xy[:, 0], node_xy[:, 1])
        cand = np.flatnonzero(inside)
        if len(cand) == 0:
            cand = np.array([world.centre_node[i]])
        dist_c = np.hypot(*(node_xy[cand] - world.desa_xy[i]).T)
        w = np.exp(-dist_c / 1500.0) + np.array(
            [1.5 if roads.role[c] in ("arterial", "grid") else 0.0 for c in cand]
        )
        w = w / w.sum()
        town = d.kecamatan == TOWN_KECAMATAN
        mountain = d.kecamatan in MOUNTAIN_KECAMATAN
        if town:
            kind_p = (0.30, 0.42, 0.28)
        elif i in seats or d.kecamatan in LOWLAND_KECAMATAN:
            kind_p = (0.33, 0.52, 0.15)
        else:
            kind_p = (0.35, 0.60, 0.05)
        used_names: set[str] = set()
        for _ in range(int(counts[i])):
            anchor = int(cand[int(rng.choice(len(cand), p=w))])
            ax, ay = roads.xy[anchor]
            on_road = rng.random() < 0.4
            for attempt in range(40):
                reach = 1.0 if attempt < 25 else 0.4
                r = (
                    rng.uniform(15, 40)
                    if on_road
                    else rng.uniform(60, 200 if town else 380) * reach
                )
                theta = rng.uniform(0, 2 * math.pi)
                vx, vy = ax + r * math.cos(theta), ay + r * math.sin(theta)
                if shapely.contains_xy(inner, vx, vy):
                    break
            else:  # fall back to the anchor's surroundings along the centre
                cx, cy = world.desa_xy[i]
                vx, vy = cx + rng.uniform(-10, 10), cy + rng.uniform(-10, 10)
                anchor, r, on_road = world.centre_node[i], 12.0, True
                ax, ay = roads.xy[anchor]
            if not on_road:
                # a local road from the anchor to a point 10-40 m in front of the venue
                back = rng.uniform(10, 40)
                frac = max(0.0, (r - back) / r)
                end = np.array([ax + (vx - ax) * frac, ay + (vy - ay) * frac])
                track = mountain and rng.random() < 0.35
                way = roads.add_way(
                    "track" if track else "residential",
                    None
                    if track or rng.random() < 0.5
                    else f"Jalan Dusun {_DUSUN[int(rng.integers(len(_DUSUN)))]}",
                    None,
                )
                bend = rng.random() < 0.5 and r > 120
                pts = [np.array([ax, ay])]
                if bend:
                    mid = (np.array([ax, ay]) + end) / 2 + rng.normal(0, r * 0.15, size=2)
                    pts.append(mid)
                pts.append(end)
                roads.add_path(anchor, None, np.asarray(pts), way, "local")
            kind = KINDS[int(rng.choice(3, p=kind_p))]
            name = _venue_name(kind, d.desa, d.kecamatan, rng)
            for _ in range(5):
                if name not in used_names:
                    break
                name = _venue_name(kind, d.desa, d.kecamatan, rng)
            used_names.add(name)
            opens, closes = _hours(kind, rng)
            dwell = int(rng.choice([15, 20, 30, 45])) if rng.random() < 0.2 else None
            roll = rng.random()
            closed = ""
            if roll < 0.07:
                closed = _weighted(_CLOSED_DAYS, rng)
            elif roll < 0.08:
                closed = "Senin, Kamis"
            venues.append(
                _Venue(
                    venue_id="",
                    name=name,
                    kind=kind,
                    x=vx,
                    y=vy,
                    desa_index=i,
                    opens=opens,
                    closes=closes,
                    dwell_min=dwell,
                    active=rng.random() >= 0.02,
                    closed_days=closed,
                )
            )
    return [
        _Venue(
            f"V{k + 1:04d}",
            v.name,
            v.kind,
            v.x,
            v.y,
            v.desa_index,
            v.opens,
            v.closes,
            v.dwell_min,
            v.active,
            v.closed_days,
        )
        for k, v in enumerate(venues)
    ]


def _link_stations(world: _World, rng: np.random.Generator) -> None:
    roads = world.roads
    for s in world.stations:
        x, y = _xy(s.lon, s.lat)
        node, dist = roads.nearest(float(x), float(y))
        if dist < 1.0:
            world.station_node.append(node)
            continue
        way = roads.add_way("residential", f"Jalan {s.name}", None)
        pts = np.array([roads.xy[node], (float(x), float(y))])
        if dist > 400:
            pts = _winding(pts[0], pts[1], ratio=1.05, spacing_m=250.0, rng=rng)
        world.station_node.append(roads.add_path(node, None, pts, way, "local"))


# --------------------------------------------------------------------------- incidents

_CATEGORY_SHARE = {
    "curanmor": 0.20,
    "pencurian": 0.17,
    "perkelahian": 0.10,
    "penganiayaan": 0.07,
    "miras": 0.12,
    "judi": 0.08,
    "balap_liar": 0.09,
    "narkoba": 0.05,
    "pengeroyokan": 0.04,
    "vandalisme": 0.05,
    "lainnya": 0.03,
}
_NIGHT_HOURS = (18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28)  # 24.. = after midnight
_NIGHT_W = (1, 2, 3, 4, 5, 5, 5, 4, 3, 2, 1)


@dataclass(frozen=True)
class _Incident:
    when: dt.datetime
    x: float
    y: float
    category: str
    severity: float | None
    venue_id: str | None


def _incidents(world: _World, venues: list[_Venue], rng: np.random.Generator) -> list[_Incident]:
    """A self-exciting (near-repeat) process: background incidents where kerawanan is high,
    each of which may trigger further incidents nearby within days."""
    settings = config.Settings()
    severities = settings.incidents.categories
    cats = [c for c in _CATEGORY_SHARE if c in severities] or sorted(severities)
    p_cat = np.array([_CATEGORY_SHARE.get(c, 0.03) for c in cats])
    p_cat = p_cat / p_cat.sum()
    level_w = settings.kerawanan.levels
    start = dt.datetime.combine(
        REFERENCE_DATE - dt.timedelta(days=INCIDENT_DAYS), dt.time(0, 0), tzinfo=_WIB
    )
    end = dt.datetime.combine(REFERENCE_DATE, dt.time(0, 0), tzinfo=_WIB)
    by_desa: dict[int, list[_Venue]] = {}
    for v in venues:
        by_desa.setdefault(v.desa_index, []).append(v)
    desa_w = np.array(
        [
            level_w.get(world.kerawanan[i], 1.0) * (1.0 + len(by_desa.get(i, ())) / 6.0)
            for i in range(len(world.desa))
        ]
    )
    desa_w = desa_w / desa_w.sum()
    node_xy = np.asarray(world.roads.xy)
    outline = world.outline
    shapely.prepare(outline)

    def clock(day: dt.date, category: str) -> dt.datetime:
        if category in ("curanmor", "pencurian", "vandalisme", "lainnya") and rng.random() < 0.4:
            hour = int(rng.integers(6, 18))
        else:
            hour = int(rng.choice(_NIGHT_HOURS, p=np.array(_NIGHT_W) / sum(_NIGHT_W)))
        base = dt.datetime.combine(day, dt.time(0, 0), tzinfo=_WIB)
        return base + dt.timedelta(hours=hour, minutes=int(rng.integers(0, 60)))

    def severity(category: str) -> float | None:
        if rng.random() > 0.65:
            return None
        s = float(severities[category]) + rng.normal(0.0, 0.6)
        return round(min(5.0, max(0.5, s)), 1)

    events: list[_Incident] = []
    queue: list[_Incident] = []
    n_background = 190
    for _ in range(n_background):
        category = cats[int(rng.choice(len(cats), p=p_cat))]
        day = start.date() + dt.timedelta(days=int(rng.integers(0, INCIDENT_DAYS)))
        if category == "balap_liar" and rng.random() < 0.7:  # mostly Friday/Saturday nights
            friday = day - dt.timedelta(days=(day.weekday() - 4) % 7)
            day = max(start.date(), friday + dt.timedelta(days=int(rng.integers(0, 2))))
        when = clock(day, category)
        if not (start <= when < end):
            continue
        i = int(rng.choice(len(world.desa), p=desa_w))
        venue_id = None
        local = by_desa.get(i, [])
        if local and rng.random() < 0.3:
            v = local[int(rng.integers(len(local)))]
            x, y = v.x + rng.uniform(-25, 25), v.y + rng.uniform(-25, 25)
            venue_id = v.venue_id
        else:
            cell = world.desa_cells[i]
            inside = np.flatnonzero(shapely.contains_xy(cell, node_xy[:, 0], node_xy[:, 1]))
            base_xy = node_xy[int(rng.choice(inside))] if len(inside) else world.desa_xy[i]
            x, y = base_xy + rng.normal(0.0, 120.0, size=2)
        if not shapely.contains_xy(outline, x, y):
            continue
        queue.append(_Incident(when, float(x), float(y), category, severity(category), venue_id))
    venue_by_id = {v.venue_id: v for v in venues}
    while queue:
        parent = queue.pop(0)
        events.append(parent)
        for _ in range(int(rng.poisson(0.38))):
            when = parent.when + dt.timedelta(hours=1 + float(rng.exponential(2.5 * 24)))
            when = when.replace(second=0, microsecond=0)
            if when >= end:
                continue
            category = (
                parent.category if rng.random() < 0.6 else cats[int(rng.choice(len(cats), p=p_cat))]
            )
            venue_id = None
            if parent.venue_id and rng.random() < 0.4:
                v = venue_by_id[parent.venue_id]
                x, y = v.x + rng.uniform(-25, 25), v.y + rng.uniform(-25, 25)
                venue_id = v.venue_id
            else:
                x, y = np.array([parent.x, parent.y]) + rng.normal(0.0, 250.0, size=2)
            if not shapely.contains_xy(outline, x, y):
                continue
            queue.append(
                _Incident(when, float(x), float(y), category, severity(category), venue_id)
            )
    events.sort(key=lambda e: (e.when, e.x, e.y, e.category))
    return events


# --------------------------------------------------------------------------- writers


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _f6(v: float) -> str:
    return f"{v:.6f}"


def _geojson_bytes(features: list[dict[str, object]]) -> bytes:
    lines = ['{"type":"FeatureCollection","name":"desa","features":[']
    body = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    lines.append(",\n".join(body))
    lines.append("]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _round_coords(geom: BaseGeometry) -> object:
    mapping = shapely.geometry.mapping(geom)

    def fix(obj: object) -> object:
        if isinstance(obj, (list, tuple)):
            if obj and isinstance(obj[0], float):
                return [round(float(c), 6) for c in obj]
            return [fix(o) for o in obj]
        return obj

    return {"type": mapping["type"], "coordinates": fix(mapping["coordinates"])}


def _graphml_bytes(world: _World) -> tuple[bytes, int, int]:
    roads = world.roads
    lonlat = np.round(_lonlat(np.asarray(roads.xy)), 6)
    used = sorted({n for u, v, _ in roads.edges for n in (u, v)})
    g = nx.MultiDiGraph(crs="epsg:4326", created_with="planner.demo")
    neighbours: dict[int, set[int]] = {n: set() for n in used}
    for u, v, _ in roads.edges:
        neighbours[u].add(v)
        neighbours[v].add(u)
    for n in used:
        g.add_node(
            n + 1,
            y=_f6(lonlat[n, 1]),
            x=_f6(lonlat[n, 0]),
            street_count=str(len(neighbours[n])),
        )
    for u, v, w in roads.edges:
        way = roads.ways[w]
        length = _haversine_m(lonlat[u, 0], lonlat[u, 1], lonlat[v, 0], lonlat[v, 1])
        attrs: dict[str, str] = {"osmid": str(way.osmid), "highway": way.highway}
        if way.name:
            attrs["name"] = way.name
        if way.maxspeed:
            attrs["maxspeed"] = way.maxspeed
        attrs["oneway"] = str(way.oneway)
        attrs["length"] = f"{length:.3f}"
        g.add_edge(u + 1, v + 1, **attrs, reversed="False")
        if not way.oneway:
            g.add_edge(v + 1, u + 1, **attrs, reversed="True")
    if not nx.is_strongly_connected(g):  # a generator bug, never the user's fault
        raise RuntimeError("demo road network is not strongly connected")
    return _write_graphml(g), g.number_of_nodes(), g.number_of_edges()


def _write_graphml(g: nx.MultiDiGraph) -> bytes:
    """GraphML as osmnx saves it (every attribute a string), written directly: much faster
    than networkx's writer and byte-stable (keys in first-seen order, no timestamps)."""

    def keys_of(items: Iterable[dict[str, str]]) -> list[str]:
        seen: dict[str, None] = {}
        for data in items:
            for k in data:
                seen.setdefault(k, None)
        return list(seen)

    graph_keys = list(g.graph)
    node_keys = keys_of(d for _, d in g.nodes(data=True))
    edge_keys = keys_of(d for *_, d in g.edges(data=True))
    ids: dict[tuple[str, str], str] = {}
    out = [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for domain, names in (("graph", graph_keys), ("node", node_keys), ("edge", edge_keys)):
        for name in names:
            key = f"d{len(ids)}"
            ids[(domain, name)] = key
            out.append(f'  <key id="{key}" for="{domain}" attr.name="{name}" attr.type="string" />')
    out.append('  <graph edgedefault="directed">')
    for name in graph_keys:
        value = xml_escape(str(g.graph[name]))
        out.append(f'    <data key="{ids[("graph", name)]}">{value}</data>')

    def data_lines(domain: str, data: dict[str, str]) -> str:
        return "".join(
            f'<data key="{ids[(domain, k)]}">{xml_escape(str(v))}</data>' for k, v in data.items()
        )

    for n, data in g.nodes(data=True):
        out.append(f'    <node id="{n}">{data_lines("node", data)}</node>')
    for u, v, k, data in g.edges(keys=True, data=True):
        out.append(
            f'    <edge source="{u}" target="{v}" id="{k}">{data_lines("edge", data)}</edge>'
        )
    out.extend(["  </graph>", "</graphml>", ""])
    return "\n".join(out).encode("utf-8")


def _squads_toml(stations: Sequence[StationFact], rng: np.random.Generator) -> bytes:
    lines = [
        "# Demo roster (synthetic): two Polres squads that may go anywhere and one squad per",
        "# Polsek for its own kecamatan. Shifts are WIB night-clock windows (19:00-02:00 ends",
        "# the next morning); vehicle is a key of [network.profiles] in planner.toml.",
        "",
    ]

    def block(
        squad_id: str,
        name: str,
        station: str,
        members: int,
        shift: str,
        vehicle: str,
        area: str | None,
    ) -> None:
        lines.extend(
            [
                "[[squad]]",
                f'squad_id = "{squad_id}"',
                f'name = "{name}"',
                f'station_id = "{station}"',
                f"members = {members}",
                f'shift = "{shift}"',
                f'vehicle = "{vehicle}"',
            ]
        )
        if area is not None:
            lines.append(f'area = ["{area}"]')
        lines.append("")

    block("R01", "Regu 1 Samapta Polres", "POLRES", 6, "19:00-02:00", "mobil", None)
    block("R02", "Regu 2 Samapta Polres", "POLRES", 6, "20:00-03:00", "mobil", None)
    shifts = ("19:00-01:00", "19:00-02:00", "20:00-02:00", "20:00-03:00")
    for s in stations:
        if s.kind != "polsek":
            continue
        members = int(rng.integers(5, 7))
        shift = shifts[int(rng.integers(len(shifts)))]
        vehicle = "mobil" if rng.random() < 0.2 else "motor"
        block(
            f"{s.station_id}-1",
            f"Regu {s.name}",
            s.station_id,
            members,
            shift,
            vehicle,
            s.kecamatan,
        )
    return "\n".join(lines).rstrip("\n").encode("utf-8") + b"\n"


def _planner_toml() -> bytes:
    maker: Callable[[], str] | None = getattr(config, "default_settings_toml", None)
    if maker is not None:
        text = maker()
    else:  # pragma: no cover - only before the scoring settings existed
        text = '# Demo settings: every key has a default (see planner/config.py).\n[general]\nlang = "id"\n'
    return text.encode("utf-8")


def _readme(seed: int, counts: DemoCounts) -> bytes:
    def fmt(d: dict[str, int]) -> str:
        return ", ".join(f"{k} {v}" for k, v in d.items())

    text = f"""# Demo dataset: a synthetic Trenggalek

Generated by `planner demo --out data/demo --seed {seed}` (planner/demo.py). **Synthetic**: the
14 kecamatan and 157 desa/kelurahan with their official codes, names and a point inside each are
real; the desa polygons, kerawanan levels, venues, incidents, roster and roads are made up and
describe no real place, person or event. Station positions are approximate (kecamatan seats).

Reference date: **{REFERENCE_DATE.isoformat()}** (the demo's "today"): the incidents cover the
{INCIDENT_DAYS} days before it (WIB); plan nights around it, e.g. `planner plan --date {REFERENCE_DATE.isoformat()}`.

| file | what | count |
| --- | --- | --- |
| `desa.geojson` | desa polygons (Voronoi cells of the desa points, clipped to an outline) with kerawanan | {counts.desa} desa in {counts.kecamatan} kecamatan |
| `venues.csv` | coffee stalls | {counts.venues} ({fmt(counts.venues_by_kind)}) |
| `incidents.csv` | incidents, near-repeat clustered, `occurred_at` DD/MM/YYYY HH:MM WIB | {counts.incidents} |
| `stations.csv` | Polres Trenggalek and one Polsek per kecamatan | {counts.stations} |
| `squads.toml` | roster: 2 Polres squads (anywhere), 1 per Polsek (own kecamatan) | {counts.squads} |
| `roads.graphml` | synthetic road network in osmnx GraphML conventions | {counts.road_nodes} nodes, {counts.road_edges} edges |
| `planner.toml` | the default settings, commented | |

Kerawanan levels: {fmt(counts.kerawanan)}.
Incidents by category: {fmt(counts.incidents_by_category)}.

Roads: arterials between the kecamatan seats (to Tulungagung, Ponorogo and Pacitan, and the
coastal Jalur Lintas Selatan), collector roads to every desa centre, a local road to every venue;
roads in the mountainous south are winding (1.3-1.6x the straight line) and slower. Every venue
and station can be reached from every station.

Do not edit these files by hand: `tests/test_demo.py` checks that they equal what the generator
makes. Change `planner/demo.py` and regenerate with
`planner demo --out data/demo --seed {seed} --force`.

## Attribution

Desa codes, names and interior points are derived from **cahyadsn/wilayah_boundaries**
(GitHub), MIT License, Copyright (c) 2024 Cahya DSN; the full notice is in
`planner/data/README.md`.
"""
    return text.encode("utf-8")


# --------------------------------------------------------------------------- public API


def build_demo(*, seed: int = DEFAULT_SEED, n_venues: int = DEFAULT_N_VENUES) -> DemoData:
    """Generate the demo dataset in memory.

    Parameters
    ----------
    seed
        Seed of every random choice; the same seed gives byte-identical files.
    n_venues
        About how many coffee stalls to place (the real demo has 1,500; tests use fewer).

    Returns
    -------
    DemoData
        The files (name -> bytes, in the formats of the dataset folder) and their counts.
    """
    if n_venues < 1:
        raise PlannerError(msg("n_venues harus minimal 1", "n_venues must be at least 1"))
    rng = np.random.default_rng(seed)
    desa = desa_facts()
    stations = station_facts()
    desa_xy = _xy(np.array([d.lon for d in desa]), np.array([d.lat for d in desa]))
    cells, outline = _desa_polygons(desa_xy)
    seat_of: dict[str, int] = {}
    for s in stations:
        if s.kind != "polsek":
            continue
        own = [i for i, d in enumerate(desa) if d.kecamatan == s.kecamatan]
        # The town's seat is its core around the Polres, not the Polsek's kecamatan point.
        anchor = stations[0] if s.kecamatan == TOWN_KECAMATAN else s
        sxy = _xy(anchor.lon, anchor.lat)
        seat_of[s.kecamatan] = min(own, key=lambda i: float(np.hypot(*(desa_xy[i] - sxy))))
    roads, centre = _build_roads(desa, desa_xy, seat_of, rng)
    world = _World(desa, desa_xy, cells, outline, seat_of, roads, centre, stations)
    world.kerawanan = _kerawanan(world, rng)
    _link_stations(world, rng)
    venues = _venues(world, n_venues, rng)
    incidents = _incidents(world, venues, rng)

    files: dict[str, bytes] = {}
    features = []
    for i, d in enumerate(desa):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "desa_code": d.desa_code,
                    "desa": d.desa,
                    "kecamatan": d.kecamatan,
                    "kerawanan": world.kerawanan[i],
                },
                "geometry": _round_coords(_geom_to_lonlat(cells[i])),
            }
        )
    files["desa.geojson"] = _geojson_bytes(features)

    v_ll = np.round(_lonlat(np.array([[v.x, v.y] for v in venues])), 6)
    files["venues.csv"] = _csv_bytes(
        (
            "venue_id",
            "name",
            "kind",
            "lat",
            "lon",
            "opens",
            "closes",
            "desa_code",
            "dwell_min",
            "active",
            "closed_days",
        ),
        (
            (
                v.venue_id,
                v.name,
                v.kind,
                _f6(v_ll[k, 1]),
                _f6(v_ll[k, 0]),
                v.opens,
                v.closes,
                desa[v.desa_index].desa_code,
                "" if v.dwell_min is None else v.dwell_min,
                "true" if v.active else "false",
                v.closed_days,
            )
            for k, v in enumerate(venues)
        ),
    )
    i_ll = np.round(_lonlat(np.array([[e.x, e.y] for e in incidents])), 6)
    files["incidents.csv"] = _csv_bytes(
        ("incident_id", "occurred_at", "lat", "lon", "category", "severity", "venue_id"),
        (
            (
                f"INS-{k + 1:04d}",
                e.when.strftime("%d/%m/%Y %H:%M"),
                _f6(i_ll[k, 1]),
                _f6(i_ll[k, 0]),
                e.category,
                "" if e.severity is None else f"{e.severity:.1f}",
                e.venue_id or "",
            )
            for k, e in enumerate(incidents)
        ),
    )
    files["stations.csv"] = _csv_bytes(
        ("station_id", "name", "kind", "lat", "lon", "kecamatan"),
        ((s.station_id, s.name, s.kind, _f6(s.lat), _f6(s.lon), s.kecamatan) for s in stations),
    )
    files["squads.toml"] = _squads_toml(stations, rng)
    graphml, n_nodes, n_edges = _graphml_bytes(world)
    files["roads.graphml"] = graphml
    files["planner.toml"] = _planner_toml()
    counts = DemoCounts(
        desa=len(desa),
        kecamatan=len({d.kecamatan for d in desa}),
        venues=len(venues),
        venues_by_kind={k: sum(v.kind == k for v in venues) for k in KINDS},
        incidents=len(incidents),
        incidents_by_category=dict(
            sorted(Counter(e.category for e in incidents).items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        kerawanan={lvl: world.kerawanan.count(lvl) for lvl in LEVELS},
        stations=len(stations),
        squads=files["squads.toml"].count(b"[[squad]]"),
        road_nodes=n_nodes,
        road_edges=n_edges,
    )
    files["README.md"] = _readme(seed, counts)
    return DemoData(seed=seed, files=dict(sorted(files.items())), counts=counts)


def _looks_like_dataset(folder: Path) -> list[str]:
    """Names in ``folder`` that a demo dataset would not hold."""
    allowed = set(DATASET_FILES) | {".cache"}
    return sorted(p.name for p in folder.iterdir() if p.name not in allowed)


def write_demo(
    out: Path | str,
    *,
    seed: int = DEFAULT_SEED,
    n_venues: int = DEFAULT_N_VENUES,
    force: bool = False,
) -> DemoSummary:
    """Generate the demo dataset into the folder ``out``, atomically.

    The files are built in a temporary folder next to ``out`` and renamed into place only when
    all were written, so an error leaves ``out`` as it was.

    Parameters
    ----------
    out
        The dataset folder to create.
    seed, n_venues
        See :func:`build_demo`.
    force
        Replace ``out`` if it is not empty. Even then a folder that holds files a dataset would
        not hold is refused, so a mistyped ``--out`` cannot delete unrelated work.

    Raises
    ------
    PlannerError
        If ``out`` is a file, or a non-empty folder without ``force``.
    """
    started = time.perf_counter()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise PlannerError(
            msg(f"{out} adalah berkas, bukan folder", f"{out} is a file, not a folder")
        )
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise PlannerError(
                msg(
                    f"Folder {out} tidak kosong; pakai --force untuk menggantinya.",
                    f"Folder {out} is not empty; use --force to replace it.",
                )
            )
        strangers = _looks_like_dataset(out)
        if strangers:
            raise PlannerError(
                msg(
                    f"Folder {out} berisi berkas yang bukan bagian dataset "
                    f"({', '.join(strangers[:5])}); tidak diganti.",
                    f"Folder {out} holds files that are not part of a dataset "
                    f"({', '.join(strangers[:5])}); not replaced.",
                )
            )
    data = build_demo(seed=seed, n_venues=n_venues)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    try:
        for name, content in data.files.items():
            (tmp / name).write_bytes(content)
            os.chmod(tmp / name, 0o644)
        os.chmod(tmp, 0o755)
        old: Path | None = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=parent))
            os.rmdir(old)
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return DemoSummary(
        out=out,
        seed=seed,
        counts=data.counts,
        file_bytes={name: len(content) for name, content in data.files.items()},
        elapsed_s=time.perf_counter() - started,
    )
