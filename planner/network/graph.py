"""The road graph compiled for routing: arrays in a metric CRS, points snapped onto roads, and
the sparse graph the matrices and legs run on.

* :class:`RoadIndex`: nodes and arcs as arrays, every arc's metric geometry and travel time per
  profile;
* :func:`snap_points` -> :class:`Snapped`: stations and venues on their nearest road, with the
  points that cannot be routed named and left out (:func:`reason_msg`);
* :class:`AugmentedGraph`: one profile's arcs with every snapped point inserted as a node;
  weights pack integer milliseconds (high bits) and decimetres (low bits) into one exactly
  representable float (:func:`unpack`);
* :func:`contract_chains`: the same distances between points on a graph without dead ends and
  chain middles.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import numpy as np
import shapely
from pyproj import CRS, Transformer
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from shapely.geometry import LineString, Point

from planner import _geo
from planner.config import NetworkSettings, Settings
from planner.errors import InputError, PlannerError, Problem, ProblemCollector
from planner.network.speeds import (
    edge_length_m,
    edge_speed_kph,
    network_settings,
    require_profiles,
)
from planner.text import Msg, msg
from planner.text.network import REASONS, UNREACHABLE, distance_msg

if TYPE_CHECKING:
    import geopandas as gpd

LEN_BITS = 26  # low bits of a packed weight: length in decimetres (< 6,700 km)
LEN_SCALE = float(1 << LEN_BITS)
_SNAP_NODE_M = 0.5  # a point this close to an arc end is on that node (free to leave both ways)
_CONTRACT_MIN_SHARE = 0.1  # contract only when at least this share of road nodes may go

Reason = Literal["too_far", "isolated"]


def reason_msg(reason: str, dist_m: float, *, limit_m: float | None = None) -> Msg:
    """The bilingual message for an unreachable point (``reason`` from :attr:`Snapped.unreachable`).

    Returns
    -------
    Msg
        Call it with ``"id"`` or ``"en"``.
    """
    template = REASONS.get(reason)
    if template is None:
        return UNREACHABLE.format(reason=reason)
    return distance_msg(
        template, dist_m=dist_m, limit_m=limit_m if limit_m is not None else math.nan
    )


def transform_geoms(geoms: Any, transformer: Transformer) -> Any:
    """Shapely geometries (one or an array) with every coordinate passed through ``transformer``."""

    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


def _metric_geoms(
    datas: Sequence[dict[str, Any]],
    arc_u: np.ndarray,
    arc_v: np.ndarray,
    node_xy: np.ndarray,
    to_metric: Transformer,
) -> np.ndarray:
    """Every arc's LineString in the metric CRS, oriented from its ``u`` to its ``v``: the
    edge's ``geometry`` when it has one, else the straight line between its nodes."""
    n = len(datas)
    geoms = np.empty(n, dtype=object)
    has_geom = np.zeros(n, dtype=bool)
    for i, data in enumerate(datas):
        g = data.get("geometry")
        if isinstance(g, LineString) and not g.is_empty:
            geoms[i] = g
            has_geom[i] = True
    metric = np.empty(n, dtype=object)
    if has_geom.any():
        metric[has_geom] = transform_geoms(geoms[has_geom], to_metric)
        # orient each geometry from its arc's u to its v
        starts = shapely.get_coordinates(shapely.get_point(metric[has_geom], 0))
        du = np.hypot(*(starts - node_xy[arc_u[has_geom]]).T)
        dv = np.hypot(*(starts - node_xy[arc_v[has_geom]]).T)
        flip = np.flatnonzero(has_geom)[dv < du]
        if len(flip):
            metric[flip] = shapely.reverse(metric[flip])
    straight = ~has_geom
    if straight.any():
        pts = np.stack([node_xy[arc_u[straight]], node_xy[arc_v[straight]]], axis=1)
        metric[straight] = shapely.linestrings(pts)
    return metric


def _given_travel_s(
    data: dict[str, Any], profile: str, length_m: float, net: NetworkSettings
) -> float:
    """The edge's own ``travel_s_<profile>`` when usable, else its length at the profile's
    speed (:func:`edge_speed_kph`)."""
    given = data.get(f"travel_s_{profile}")
    value = math.nan
    if given is not None:
        with contextlib.suppress(TypeError, ValueError):
            value = float(given)
    if not (math.isfinite(value) and value >= 0):
        value = length_m / (edge_speed_kph(data, net.profiles[profile]) / 3.6)
    return value


@dataclass(frozen=True, eq=False)
class RoadIndex:
    """A road graph compiled to arrays, in a metric CRS, for snapping and matrices.

    Road nodes are numbered ``0..n_nodes-1`` in the graph's node order; arcs ``0..n_arcs-1`` in
    its edge order. ``arc_travel_s[profile]`` holds each arc's travel time; ``arc_geom`` each
    arc's metric LineString oriented from ``arc_u`` to ``arc_v``.
    """

    nodes: tuple[Hashable, ...]
    node_xy: np.ndarray
    arc_u: np.ndarray
    arc_v: np.ndarray
    arc_key: tuple[Any, ...]
    arc_length_m: np.ndarray
    arc_travel_s: dict[str, np.ndarray]
    arc_geom: np.ndarray
    crs: str
    to_lonlat: Transformer
    from_lonlat: Transformer
    _tree: list[shapely.STRtree] = field(default_factory=list, repr=False)

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_arcs(self) -> int:
        return len(self.arc_u)

    @property
    def tree(self) -> shapely.STRtree:
        if not self._tree:
            self._tree.append(shapely.STRtree(self.arc_geom))
        return self._tree[0]

    @classmethod
    def from_graph(
        cls,
        G: nx.MultiDiGraph,
        settings: NetworkSettings | Settings,
        *,
        profiles: Sequence[str] | None = None,
        metric_crs: str | None = None,
    ) -> RoadIndex:
        """Compile ``G``. Edge ``travel_s_<profile>`` attributes are used where present (a
        GraphML may carry its own travel times), else computed as in :func:`add_travel_times`
        without changing ``G``."""
        general_crs = settings.general.metric_crs if isinstance(settings, Settings) else None
        net = network_settings(settings)
        names = list(profiles) if profiles is not None else list(net.profiles)
        require_profiles(names, net)
        if G.number_of_edges() == 0:
            raise PlannerError(msg("Jaringan jalan kosong.", "The road network has no roads."))
        nodes = tuple(G.nodes)
        pos = {n: i for i, n in enumerate(nodes)}
        xy_src = np.array([(G.nodes[n]["x"], G.nodes[n]["y"]) for n in nodes], dtype=float)
        src_crs = CRS.from_user_input(G.graph.get("crs", "epsg:4326"))
        to_ll = Transformer.from_crs(src_crs, "EPSG:4326", always_xy=True)
        lon, lat = to_ll.transform(xy_src[:, 0], xy_src[:, 1])
        crs = _geo.metric_crs(lon, lat, configured=metric_crs or general_crs)
        to_metric = Transformer.from_crs(src_crs, crs, always_xy=True)
        mx, my = to_metric.transform(xy_src[:, 0], xy_src[:, 1])
        node_xy = np.column_stack([mx, my])

        edges = list(G.edges(keys=True, data=True))
        arc_u = np.fromiter((pos[e[0]] for e in edges), dtype=np.int64, count=len(edges))
        arc_v = np.fromiter((pos[e[1]] for e in edges), dtype=np.int64, count=len(edges))
        length = np.empty(len(edges))
        travel = {p: np.empty(len(edges)) for p in names}
        for i, (u, v, _, data) in enumerate(edges):
            length[i] = edge_length_m(G, u, v, data)
            for p in names:
                travel[p][i] = _given_travel_s(data, p, length[i], net)
        return cls(
            nodes=nodes,
            node_xy=node_xy,
            arc_u=arc_u,
            arc_v=arc_v,
            arc_key=tuple(e[2] for e in edges),
            arc_length_m=length,
            arc_travel_s=travel,
            arc_geom=_metric_geoms([e[3] for e in edges], arc_u, arc_v, node_xy, to_metric),
            crs=crs,
            to_lonlat=_geo.transformer(crs, inverse=True),
            from_lonlat=_geo.transformer(crs),
        )

    def twins(self, arcs: np.ndarray) -> np.ndarray:
        """For each arc u→v, the arc v→u of the same road (about the same length), or -1."""
        lookup: dict[tuple[int, int], list[int]] = {}
        wanted = {(int(self.arc_v[a]), int(self.arc_u[a])) for a in arcs}
        for b, key in enumerate(zip(self.arc_u.tolist(), self.arc_v.tolist(), strict=True)):
            if key in wanted:
                lookup.setdefault(key, []).append(b)
        out = np.full(len(arcs), -1, dtype=np.int64)
        for i, a in enumerate(arcs):
            cands = lookup.get((int(self.arc_v[a]), int(self.arc_u[a])), [])
            la = self.arc_length_m[a]
            best = [b for b in cands if abs(self.arc_length_m[b] - la) <= max(1.0, 0.01 * la)]
            if best:
                out[i] = min(best, key=lambda b: abs(self.arc_length_m[b] - la))
        return out


# =========================================================================== snapping


@dataclass(frozen=True, eq=False)
class Snapped:
    """Points placed on the road network.

    Attributes
    ----------
    ids
        The routable points, in input order.
    station_ids
        The ids (a subset of ``ids``) that squads start from and return to.
    point_xy, road_xy
        Each point's position and its snapped position on the road (metric CRS, ``n × 2``).
    snap_dist_m
        Straight-line distance point → road (the access leg).
    arc, frac
        The road arc (a :class:`RoadIndex` arc number) and the position along it
        (0 = its start node, 1 = its end node).
    unreachable
        ``id -> (reason, distance_m)`` for points left out: ``"too_far"`` (farther than
        ``snap_max_m`` from any road) or ``"isolated"`` (no way to and from any station);
        the distance is the snap distance.
    """

    ids: tuple[str, ...]
    station_ids: tuple[str, ...]
    point_xy: np.ndarray
    road_xy: np.ndarray
    snap_dist_m: np.ndarray
    arc: np.ndarray
    frac: np.ndarray
    unreachable: dict[str, tuple[str, float]]
    index: RoadIndex = field(repr=False)
    snap_max_m: float = 1000.0

    @property
    def crs(self) -> str:
        return self.index.crs

    def position(self, point_id: str) -> int:
        try:
            return self.ids.index(point_id)
        except ValueError:
            raise KeyError(point_id) from None

    def road_lonlat(self) -> np.ndarray:
        """Snapped positions in EPSG:4326 (``n × 2``, lon/lat)."""
        lon, lat = self.index.to_lonlat.transform(self.road_xy[:, 0], self.road_xy[:, 1])
        return np.column_stack([lon, lat])

    def signature(self) -> str:
        """A hash of everything about the snap that the matrices depend on."""
        h = hashlib.blake2b(digest_size=16)
        h.update(json.dumps([self.ids, self.station_ids, self.index.crs]).encode())
        for arr in (self.road_xy, self.snap_dist_m, self.arc, self.frac):
            h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()


def points_table(
    points: gpd.GeoDataFrame, id_column: str
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """ids, lon, lat of the points (EPSG:4326); every problem reported at once."""
    bag = ProblemCollector("points")
    if id_column not in points.columns:
        bag.add(column=id_column, value=None, expected=msg("kolom id", "an id column"))
        bag.raise_if_any()
    gdf = points
    if gdf.crs is not None and not CRS.from_user_input(gdf.crs).equals(CRS("EPSG:4326")):
        gdf = gdf.to_crs("EPSG:4326")
    ids = [str(v) for v in gdf[id_column].tolist()]
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    seen: set[str] = set()
    for row, (pid, g) in enumerate(zip(ids, geoms, strict=True), start=2):
        if pid in seen:
            bag.add(
                row=row,
                column=id_column,
                value=pid,
                expected=msg("id yang unik", "a unique id"),
            )
        seen.add(pid)
        if g is None or not isinstance(g, Point) or g.is_empty:
            bag.add(
                row=row,
                column="geometry",
                value=None if g is None else g.geom_type,
                expected=msg("titik (Point) dengan koordinat", "a Point with coordinates"),
            )
    bag.raise_if_any()
    xy = shapely.get_coordinates(geoms)
    return ids, xy[:, 0], xy[:, 1]


def _station_ids(ids: Sequence[str], station_ids: Iterable[str]) -> tuple[str, ...]:
    stations = tuple(dict.fromkeys(str(s) for s in station_ids))
    missing = [s for s in stations if s not in set(ids)]
    if missing:
        raise InputError(
            [
                Problem(
                    "points",
                    None,
                    "station_id",
                    s,
                    msg("id stasiun yang ada di daftar titik", "a station id among the points"),
                )
                for s in missing
            ]
        )
    return stations


def snap_points(
    G: nx.MultiDiGraph | RoadIndex,
    points: gpd.GeoDataFrame,
    settings: NetworkSettings | Settings,
    *,
    station_ids: Iterable[str] = (),
    id_column: str = "id",
    profiles: Sequence[str] | None = None,
) -> Snapped:
    """Place stations and venues on the nearest road.

    Each point goes to the nearest point of the nearest road arc (metric CRS). Points farther
    than ``snap_max_m`` are reported as ``"too_far"``. With ``station_ids``, points that cannot
    drive to *and* back from any snapped station (one-way streets respected) are reported as
    ``"isolated"``. Reported points are left out of :attr:`Snapped.ids`, never silently.

    Parameters
    ----------
    G
        The road graph (or an already compiled :class:`RoadIndex`).
    points
        A GeoDataFrame with an ``id_column`` and Point geometry (any CRS; EPSG:4326 if unset).
    station_ids
        Which ids are stations (the reachability reference).
    """
    net = network_settings(settings)
    index = G if isinstance(G, RoadIndex) else RoadIndex.from_graph(G, settings, profiles=profiles)
    ids, lon, lat = points_table(points, id_column)
    stations = _station_ids(ids, station_ids)
    px, py = index.from_lonlat.transform(lon, lat)
    point_xy = np.column_stack([px, py]) if len(ids) else np.zeros((0, 2))
    pts = shapely.points(point_xy) if len(ids) else np.empty(0, dtype=object)
    if len(ids):
        (src, arc), dist = index.tree.query_nearest(pts, return_distance=True, all_matches=False)
        order = np.argsort(src)
        arc, dist = arc[order].astype(np.int64), dist[order]
        geoms = index.arc_geom[arc]
        frac = np.nan_to_num(shapely.line_locate_point(geoms, pts, normalized=True))
        road = shapely.get_coordinates(shapely.line_interpolate_point(geoms, frac, normalized=True))
    else:
        arc = np.zeros(0, dtype=np.int64)
        dist = frac = np.zeros(0)
        road = np.zeros((0, 2))

    unreachable: dict[str, tuple[str, float]] = {}
    keep = np.ones(len(ids), dtype=bool)
    for i, pid in enumerate(ids):
        if dist[i] > net.snap_max_m:
            unreachable[pid] = ("too_far", float(dist[i]))
            keep[i] = False

    def build(mask: np.ndarray) -> Snapped:
        sel = np.flatnonzero(mask)
        kept = tuple(ids[i] for i in sel)
        return Snapped(
            ids=kept,
            station_ids=tuple(s for s in stations if s in set(kept)),
            point_xy=point_xy[sel],
            road_xy=road[sel],
            snap_dist_m=np.asarray(dist, dtype=float)[sel],
            arc=arc[sel],
            frac=np.asarray(frac, dtype=float)[sel],
            unreachable=dict(unreachable),
            index=index,
            snap_max_m=net.snap_max_m,
        )

    snapped = build(keep)
    if stations:
        # strict reachability: one-way streets respected (a subset of every profile's roads)
        graph = AugmentedGraph.build(index, snapped, travel_s=None, oneway=True)
        _, labels = connected_components(graph.csr, directed=True, connection="strong")
        point_labels = labels[graph.n_road + np.arange(len(snapped.ids))]
        station_labels = {point_labels[snapped.ids.index(s)] for s in stations if s in snapped.ids}
        for i, pid in enumerate(snapped.ids):
            if pid not in stations and point_labels[i] not in station_labels:
                j = ids.index(pid)
                unreachable[pid] = ("isolated", float(dist[j]))
                keep[j] = False
        snapped = build(keep)
    return snapped


# =========================================================================== augmented graph


class _Pieces:
    """The arcs of an augmented graph, collected in order: the CSR keeps the first of equally
    light parallel arcs, so the order of :meth:`add` calls is part of the result."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.ms: list[np.ndarray] = []
        self.dm: list[np.ndarray] = []
        self.arc: list[np.ndarray] = []
        self.f_from: list[np.ndarray] = []
        self.f_to: list[np.ndarray] = []

    def add(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        ms: np.ndarray,
        dm: np.ndarray,
        arc: np.ndarray,
        f_from: np.ndarray,
        f_to: np.ndarray,
    ) -> None:
        """Arcs ``rows -> cols`` weighing ``ms`` milliseconds and ``dm`` decimetres, each the
        stretch ``f_from`` → ``f_to`` of RoadIndex arc ``arc``."""
        self.rows.append(rows)
        self.cols.append(cols)
        self.ms.append(ms)
        self.dm.append(dm)
        self.arc.append(arc)
        self.f_from.append(f_from)
        self.f_to.append(f_to)

    def compile(self, n: int) -> tuple[csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
        """The ``n × n`` CSR of packed weights (self-loops dropped, the lightest of parallel
        arcs kept) and, per CSR entry, its arc and fractions."""
        r = np.concatenate(self.rows).astype(np.int64)
        c = np.concatenate(self.cols).astype(np.int64)
        weight = np.concatenate(self.ms) * LEN_SCALE + np.concatenate(self.dm)
        pa = np.concatenate(self.arc).astype(np.int64)
        pf = np.concatenate(self.f_from)
        pt = np.concatenate(self.f_to)
        keep = r != c
        r, c, weight, pa, pf, pt = (x[keep] for x in (r, c, weight, pa, pf, pt))
        # keep the lightest of parallel arcs; sort by row then column (CSR order)
        order = np.lexsort((weight, c, r))
        r, c, weight, pa, pf, pt = (x[order] for x in (r, c, weight, pa, pf, pt))
        first = np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])]
        r, c, weight, pa, pf, pt = (x[first] for x in (r, c, weight, pa, pf, pt))
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(indptr, r + 1, 1)
        indptr = np.cumsum(indptr)
        csr = csr_matrix((weight, c.astype(np.int32), indptr.astype(np.int32)), shape=(n, n))
        return csr, pa, pf, pt


@dataclass(frozen=True)
class _Slots:
    """Where the points sit on carriers (an arc driven forwards, or backwards when one-ways are
    ignored), sorted by carrier, then position along it in its direction of travel, then point."""

    carrier: np.ndarray
    arc: np.ndarray
    point: np.ndarray
    g: np.ndarray
    rev: np.ndarray


def _slots(index: RoadIndex, snapped: Snapped, *, oneway: bool) -> _Slots:
    """Each point on its own arc, on that arc's twin, and (ignoring one-ways) on their reverses."""
    n_pts, A = len(snapped.ids), index.n_arcs
    pts = np.arange(n_pts)
    twins = index.twins(snapped.arc) if n_pts else np.zeros(0, dtype=np.int64)
    has_twin = twins >= 0
    on_arc = [snapped.arc, twins[has_twin]]
    on_pt = [pts, pts[has_twin]]
    on_f = [snapped.frac, 1.0 - snapped.frac[has_twin]]  # base fraction along that arc
    on_rev = [np.zeros(n_pts, dtype=bool), np.zeros(int(has_twin.sum()), dtype=bool)]
    if not oneway:
        on_arc += [snapped.arc, twins[has_twin]]
        on_pt += [pts, pts[has_twin]]
        on_f += [snapped.frac, 1.0 - snapped.frac[has_twin]]
        on_rev += [np.ones(n_pts, dtype=bool), np.ones(int(has_twin.sum()), dtype=bool)]
    s_arc = np.concatenate(on_arc).astype(np.int64)
    s_pt = np.concatenate(on_pt).astype(np.int64)
    s_f = np.clip(np.concatenate(on_f).astype(float), 0.0, 1.0)
    s_rev = np.concatenate(on_rev)
    s_carrier = s_arc + np.where(s_rev, A, 0)
    # drop duplicate (carrier, point) pairs (an arc that is its own twin: a loop)
    _, first = np.unique(s_carrier * max(n_pts, 1) + s_pt, return_index=True)
    s_arc, s_pt, s_f, s_rev, s_carrier = (x[first] for x in (s_arc, s_pt, s_f, s_rev, s_carrier))
    # position along the carrier in its direction of travel
    s_g = np.where(s_rev, 1.0 - s_f, s_f)
    order = np.lexsort((s_pt, s_g, s_carrier))
    return _Slots(s_carrier[order], s_arc[order], s_pt[order], s_g[order], s_rev[order])


def _add_split_pieces(
    pieces: _Pieces,
    s: _Slots,
    c_x: np.ndarray,
    c_y: np.ndarray,
    *,
    n_road: int,
    t_ms: np.ndarray,
    l_dm: np.ndarray,
    arc_length_m: np.ndarray,
) -> None:
    """The carriers that hold points, cut at every point (in order along the carrier), and
    the free moves between a point (almost) on a node and that node."""
    starts = np.r_[True, s.carrier[1:] != s.carrier[:-1]]
    ends = np.r_[s.carrier[1:] != s.carrier[:-1], True]
    vnode = n_road + s.point
    prev_node = np.where(starts, c_x[s.carrier], np.r_[0, vnode[:-1]])
    prev_g = np.where(starts, 0.0, np.r_[0.0, s.g[:-1]])
    # pieces: previous node -> point, for every point; last point -> carrier end
    g0 = np.concatenate([prev_g, s.g[ends]])
    g1 = np.concatenate([s.g, np.ones(int(ends.sum()))])
    arc = np.concatenate([s.arc, s.arc[ends]])
    rev = np.concatenate([s.rev, s.rev[ends]])
    pieces.add(
        np.concatenate([prev_node, vnode[ends]]),
        np.concatenate([vnode, c_y[s.carrier[ends]]]),
        # rounded cumulative differences: pieces add up exactly to the whole arc
        np.rint(t_ms[arc] * g1) - np.rint(t_ms[arc] * g0),
        np.rint(l_dm[arc] * g1) - np.rint(l_dm[arc] * g0),
        arc,
        np.where(rev, 1.0 - g0, g0),
        np.where(rev, 1.0 - g1, g1),
    )
    # a point (almost) on a node can leave and reach that node in every direction
    for g_lim, node in ((0.0, c_x[s.carrier]), (1.0, c_y[s.carrier])):
        sel = np.flatnonzero(np.abs(s.g - g_lim) * arc_length_m[s.arc] <= _SNAP_NODE_M)
        if len(sel) == 0:
            continue
        f = np.where(s.rev[sel], 1.0 - s.g[sel], s.g[sel])
        zero = np.zeros(len(sel))
        for a, b in ((vnode[sel], node[sel]), (node[sel], vnode[sel])):
            pieces.add(a, b, zero, zero, s.arc[sel], f, f)


@dataclass(frozen=True, eq=False)
class AugmentedGraph:
    """The road arcs of one profile, with every snapped point inserted as an extra node.

    Node ``n_road + i`` is point ``i`` of the :class:`Snapped`. Each arc of the CSR is a piece
    of a road arc: ``piece_arc`` (RoadIndex arc), and ``piece_from``/``piece_to`` (fractions
    along that arc's geometry, in the direction of travel: ``from > to`` is a reverse drive).
    Weights pack integer milliseconds (high bits) and decimetres (low bits).
    """

    csr: csr_matrix
    n_road: int
    piece_arc: np.ndarray
    piece_from: np.ndarray
    piece_to: np.ndarray

    @classmethod
    def build(
        cls,
        index: RoadIndex,
        snapped: Snapped,
        *,
        travel_s: np.ndarray | None,
        oneway: bool,
    ) -> AugmentedGraph:
        """Insert ``snapped``'s points into the arcs of ``index`` weighing ``travel_s`` seconds
        (``None``: 1 ms each, for connectivity); ``oneway=False`` adds every arc's reverse."""
        n_road, A = index.n_nodes, index.n_arcs
        base = np.arange(A)
        # carriers: every arc (fractions 0→1), plus, ignoring one-ways, its reverse (1→0)
        c_arc = base if oneway else np.concatenate([base, base])
        c_rev = np.zeros(len(c_arc), dtype=bool)
        if not oneway:
            c_rev[A:] = True
        c_x = np.where(c_rev, index.arc_v[c_arc], index.arc_u[c_arc])
        c_y = np.where(c_rev, index.arc_u[c_arc], index.arc_v[c_arc])
        # without travel times (a connectivity check) every arc weighs 1 ms
        t_ms = np.ones(A) if travel_s is None else np.asarray(travel_s, dtype=float) * 1000.0
        l_dm = index.arc_length_m * 10.0
        slots = _slots(index, snapped, oneway=oneway)

        pieces = _Pieces()
        split = np.zeros(len(c_arc), dtype=bool)
        split[slots.carrier] = True
        whole = np.flatnonzero(~split & (c_x != c_y))
        pieces.add(
            c_x[whole],
            c_y[whole],
            np.rint(t_ms[c_arc[whole]]),
            np.rint(l_dm[c_arc[whole]]),
            c_arc[whole],
            np.where(c_rev[whole], 1.0, 0.0),
            np.where(c_rev[whole], 0.0, 1.0),
        )
        if len(slots.carrier):
            _add_split_pieces(
                pieces,
                slots,
                c_x,
                c_y,
                n_road=n_road,
                t_ms=t_ms,
                l_dm=l_dm,
                arc_length_m=index.arc_length_m,
            )
        csr, pa, pf, pt = pieces.compile(n_road + len(snapped.ids))
        return cls(csr=csr, n_road=n_road, piece_arc=pa, piece_from=pf, piece_to=pt)

    def piece(self, x: int, y: int) -> int:
        """The CSR position of the arc x→y."""
        lo, hi = self.csr.indptr[x], self.csr.indptr[x + 1]
        j = lo + int(np.searchsorted(self.csr.indices[lo:hi], y))
        if j >= hi or self.csr.indices[j] != y:
            raise KeyError((x, y))
        return j


def unpack(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Packed weights -> (travel_s, dist_m); inf stays inf."""
    finite = np.isfinite(packed)
    safe = np.where(finite, packed, 0.0)
    ms = np.floor(safe / LEN_SCALE)
    dm = safe - ms * LEN_SCALE
    travel = np.where(finite, ms / 1000.0, np.inf)
    dist = np.where(finite, dm / 10.0, np.inf)
    return travel, dist


class Distances:
    """Metres between points along the fastest paths, stored compactly and exactly.

    ``dist[i, j] = road_dm[i, j] / 10 + access_m[i] + access_m[j]`` (whole road decimetres
    as int32, each point's access leg in metres), ``inf`` where ``road_dm`` is negative (no
    path) and 0 on the diagonal: the very floats :func:`unpack` and the access legs give, in
    the same operations and order, at 4 bytes a cell instead of 8. With ``nodes`` the matrix is
    the one between those rows of ``road_dm`` only (no copy: a compiled problem shares the
    network's matrix). A stack (``road_dm`` a tuple, one matrix per vehicle profile) is indexed
    by a profile first and gives that profile's ``Distances``; a matrix indexed by ``[i, j]``
    (ints, index arrays, slices, :func:`numpy.ix_`) gives float64 metres like the dense matrix
    would, and ``np.asarray`` gives the dense matrix (a copy: avoid it on large nights).
    """

    __slots__ = ("access_m", "nodes", "road_dm")

    def __init__(
        self,
        road_dm: Any,  # an int32 matrix, a RoadRows (planner.network.matrix), or a tuple of them
        access_m: np.ndarray,
        nodes: np.ndarray | None = None,
    ) -> None:
        access_m = np.asarray(access_m, dtype=np.float64)
        parts = road_dm if isinstance(road_dm, tuple) else (road_dm,)
        n = len(access_m)
        for part in parts:
            if part.dtype != np.int32 or tuple(part.shape) != (n, n):
                raise ValueError(f"road_dm must be int32 ({n}, {n}), got {part.dtype} {part.shape}")
        self.road_dm = road_dm
        self.access_m = access_m
        self.nodes = None if nodes is None else np.asarray(nodes, dtype=np.int64)

    @classmethod
    def stack(cls, parts: Sequence[Distances]) -> Distances:
        """One stack of matrices (a profile each) over the same points, without copying."""
        if not parts:
            return cls((), np.zeros(0))
        first = parts[0]
        for p in parts:
            same_points = p.access_m is first.access_m or np.array_equal(p.access_m, first.access_m)
            if isinstance(p.road_dm, tuple) or not same_points:
                raise ValueError("stack matrices of one set of points")
            if (p.nodes is None) != (first.nodes is None) or (
                p.nodes is not None
                and first.nodes is not None
                and not np.array_equal(p.nodes, first.nodes)
            ):
                raise ValueError("stack matrices of the same nodes")
        return cls(tuple(p.road_dm for p in parts), first.access_m, first.nodes)  # type: ignore[misc]

    @property
    def n(self) -> int:
        return len(self.access_m) if self.nodes is None else len(self.nodes)

    @property
    def shape(self) -> tuple[int, ...]:
        n = self.n
        return (len(self.road_dm), n, n) if isinstance(self.road_dm, tuple) else (n, n)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def dtype(self) -> np.dtype[np.float64]:
        return np.dtype(np.float64)

    @property
    def nbytes(self) -> int:
        """Bytes held (shared arrays counted in full)."""
        parts = self.road_dm if isinstance(self.road_dm, tuple) else (self.road_dm,)
        extra = 0 if self.nodes is None else self.nodes.nbytes
        return int(sum(p.nbytes for p in parts) + self.access_m.nbytes + extra)

    def __len__(self) -> int:
        return self.shape[0]

    def freeze(self) -> Distances:
        """Read-only arrays (a compiled problem's)."""
        parts = self.road_dm if isinstance(self.road_dm, tuple) else (self.road_dm,)
        for arr in (*parts, self.access_m, self.nodes):
            if isinstance(arr, np.ndarray):  # not the rows computed when read (RoadRows)
                arr.flags.writeable = False
        return self

    def take(self, nodes: np.ndarray) -> Distances:
        """The matrix (or stack) between ``nodes`` only, in that order (shares the arrays)."""
        nodes = np.asarray(nodes, dtype=np.int64)
        base = nodes if self.nodes is None else self.nodes[nodes]
        return Distances(self.road_dm, self.access_m, base)

    def prefetch(self, rows: Sequence[int] | np.ndarray) -> None:
        """Compute now, in one batch, the rows ``rows`` (of this matrix, or of every profile of a
        stack) that are read when needed (:class:`planner.network.matrix.RoadRows`): a plan's
        origins before its legs are read one by one. Nothing for kept matrices."""
        parts = self.road_dm if isinstance(self.road_dm, tuple) else (self.road_dm,)
        idx = np.unique(np.asarray(rows, dtype=np.int64))
        base = idx if self.nodes is None else self.nodes[idx]
        for part in parts:
            if not isinstance(part, np.ndarray) and hasattr(part, "rows"):
                part.rows(base)

    def road_rows(self, lo: int, hi: int) -> np.ndarray:
        """Rows ``lo:hi`` of the (one-profile) road decimetres, in this matrix's nodes."""
        if isinstance(self.road_dm, tuple):
            raise TypeError("road_rows of one profile's matrix")
        if self.nodes is None:
            return self.road_dm[lo:hi]
        return self.road_dm[np.ix_(self.nodes[lo:hi], self.nodes)]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(self.road_dm, tuple):
            if isinstance(key, int | np.integer):
                return Distances(self.road_dm[key], self.access_m, self.nodes)
            return np.asarray(self)[key]
        if isinstance(key, int | np.integer):
            key = (key, slice(None))
        if not isinstance(key, tuple) or len(key) != 2:
            return np.asarray(self)[key]
        a, b = key
        if isinstance(a, slice) or isinstance(b, slice):
            ra = np.arange(self.n)[a] if isinstance(a, slice) else np.asarray(a)
            rb = np.arange(self.n)[b] if isinstance(b, slice) else np.asarray(b)
            if ra.ndim > 1 or rb.ndim > 1:
                return np.asarray(self)[key]
            out = self[ra.reshape(-1, 1) if ra.ndim else ra, rb.reshape(1, -1) if rb.ndim else rb]
            return np.asarray(out).reshape((*ra.shape, *rb.shape))
        a, b = np.asarray(a), np.asarray(b)
        if self.nodes is not None:
            a_base, b_base = self.nodes[a], self.nodes[b]
        else:
            a_base, b_base = a, b
        dm = self.road_dm[a_base, b_base]
        metres = dm / 10.0 + self.access_m[a_base] + self.access_m[b_base]
        metres = np.where(dm < 0, np.inf, metres)
        metres = np.where(a_base == b_base, 0.0, metres)
        return metres[()] if metres.ndim == 0 else metres

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if isinstance(self.road_dm, tuple):
            n = self.n
            dense = np.stack([np.asarray(self[k]) for k in range(len(self.road_dm))])
            dense = dense.reshape((len(self.road_dm), n, n))
        else:
            n = self.n
            dense = np.empty((n, n))
            step = max(1, 1_000_000 // max(1, n))
            cols = np.arange(n)[None, :]
            for lo in range(0, n, step):
                dense[lo : lo + step] = self[np.arange(lo, min(n, lo + step))[:, None], cols]
        return dense if dtype is None else dense.astype(dtype)

    def __repr__(self) -> str:
        return f"Distances(shape={self.shape}, {self.nbytes / 2**20:.1f} MB)"


# =========================================================================== contraction


def contract_chains(csr: csr_matrix, n_road: int) -> tuple[csr_matrix, int] | None:
    """The graph without the road nodes no shortest path between points needs to stop at.

    A road node (not a point) with one distinct neighbour is a dead end and is removed; one with
    two distinct neighbours ``a`` and ``b`` is the middle of a chain and is replaced by the
    arcs ``a -> b`` and ``b -> a`` it carried (weights summed; the lighter of parallel arcs
    kept), repeatedly. Packed weights are integers, so sums are exact and the distances between
    the remaining nodes are exactly those of the whole graph. Points keep their order and stay
    the last nodes. Returns the contracted CSR and its number of road nodes, or ``None`` when
    too few nodes would go to pay for the work (a street grid).
    """
    n = csr.shape[0]
    indptr, indices, data = csr.indptr, csr.indices, csr.data
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    cols = indices.astype(np.int64)
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    pairs = np.unique(lo[lo != hi] * n + hi[lo != hi])
    degree = np.bincount(pairs // n, minlength=n) + np.bincount(pairs % n, minlength=n)
    candidates = np.flatnonzero(degree[:n_road] <= 2)
    if len(candidates) < _CONTRACT_MIN_SHARE * max(1, n_road):
        return None
    out: list[dict[int, float]] = [{} for _ in range(n)]
    into: list[dict[int, float]] = [{} for _ in range(n)]
    for u, v, w in zip(rows.tolist(), cols.tolist(), data.tolist(), strict=True):
        if u != v:
            out[u][v] = w
            into[v][u] = w
    alive = np.ones(n, dtype=bool)
    stack = candidates.tolist()
    while stack:
        x = stack.pop()
        if not alive[x]:
            continue
        around = out[x].keys() | into[x].keys()
        if len(around) > 2:
            continue
        if len(around) == 2:  # the middle of a chain: bridge it
            for p, wp in into[x].items():
                for q, wq in out[x].items():
                    if q == p:
                        continue
                    old = out[p].get(q)
                    if old is None or wp + wq < old:
                        out[p][q] = into[q][p] = wp + wq
        for p in into[x]:
            del out[p][x]
        for q in out[x]:
            del into[q][x]
        out[x], into[x] = {}, {}
        alive[x] = False
        stack.extend(y for y in around if y < n_road and alive[y])
    kept = np.flatnonzero(alive)
    new = np.full(n, -1, dtype=np.int64)
    new[kept] = np.arange(len(kept))
    r_list: list[int] = []
    c_list: list[int] = []
    w_list: list[float] = []
    for u in kept.tolist():
        for v, w in out[u].items():
            r_list.append(u)
            c_list.append(v)
            w_list.append(w)
    r = new[np.array(r_list, dtype=np.int64)]
    c = new[np.array(c_list, dtype=np.int64)]
    w = np.array(w_list, dtype=float)
    order = np.lexsort((c, r))
    r, c, w = r[order], c[order], w[order]
    m = len(kept)
    ptr = np.zeros(m + 1, dtype=np.int64)
    np.add.at(ptr, r + 1, 1)
    ptr = np.cumsum(ptr)
    core = csr_matrix((w, c.astype(np.int32), ptr.astype(np.int32)), shape=(m, m))
    return core, int(alive[:n_road].sum())


__all__ = [
    "LEN_SCALE",
    "AugmentedGraph",
    "Distances",
    "Reason",
    "RoadIndex",
    "Snapped",
    "contract_chains",
    "points_table",
    "reason_msg",
    "snap_points",
    "transform_geoms",
    "unpack",
]
