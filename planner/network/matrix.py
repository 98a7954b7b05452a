"""Travel-time and distance matrices between snapped points, and the legs drawn along roads.

Every snapped point is a node of the profile's :class:`~planner.network.graph.AugmentedGraph`,
and the compiled Dijkstra of :mod:`planner.network._dijkstra` solves the origins a chunk at a
time (scipy's distances, about twice as fast). One pass gives the fastest path's time *and* its
length (packed weights; ties in time go to the shorter path). Matrices run on a contracted copy
of the graph (dead ends removed, the middles of chains bridged: exact, since packed weights are
integers) and, when large, in forked processes sharing the origins (:func:`matrix_workers`);
neither changes a value. Predecessors are recomputed lazily, per origin, only for legs that are
drawn (:meth:`Router.leg`).

:func:`build_matrices` is the pipeline's entry point: load, snap and compute, with the disk
cache of :mod:`planner.network.cache`.
"""

from __future__ import annotations

import itertools
import os
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString

from planner import _pool
from planner.config import NetworkSettings, Settings
from planner.errors import InputError, PlannerError, Problem
from planner.network import _dijkstra, cache
from planner.network.graph import (
    LEN_BITS,
    LEN_SCALE,
    AugmentedGraph,
    Distances,
    RoadIndex,
    Snapped,
    contract_chains,
    points_table,
    snap_points,
    transform_geoms,
    unpack,
)
from planner.network.load import check_exists
from planner.network.speeds import network_settings, require_profiles, unknown_profiles
from planner.text import msg

if TYPE_CHECKING:
    import geopandas as gpd

UNREACHABLE_S = 10_000_000
"""Matrix entry for a pair with no road path (only possible between points that are each tied
to a different station's piece of network). Far above any night; the problem builder must treat
it as forbidden. The matching ``dist_m`` entry is ``inf``."""

MATRIX_WORKERS_ENV = "PLANNER_MATRIX_WORKERS"
"""Environment variable overriding ``network.matrix_workers`` (``1``: one process)."""
_CHUNK_CELLS = 1_000_000  # dijkstra rows per call: rows x nodes <= this (8 MB; small is faster)
_PARALLEL_MIN_WORK = 4_000_000  # origins x arcs below which forking costs more than it saves


# =========================================================================== processes


def _env_workers() -> int | None:
    """``PLANNER_MATRIX_WORKERS`` as an int, ``None`` when unset."""
    raw = os.environ.get(MATRIX_WORKERS_ENV, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise InputError(
            [
                Problem(
                    MATRIX_WORKERS_ENV,
                    None,
                    None,
                    raw,
                    msg("bilangan bulat ≥ 1 (1 = satu proses)", "an integer ≥ 1 (1 = one process)"),
                )
            ]
        )
    return value


def matrix_workers(
    n_origins: int,
    n_arcs: int,
    settings: NetworkSettings | Settings | None = None,
    *,
    workers: int | None = None,
) -> int:
    """How many processes a matrix of ``n_origins`` rows on ``n_arcs`` arcs will use.

    ``workers`` (explicit) wins, else the environment variable ``PLANNER_MATRIX_WORKERS``, else
    ``network.matrix_workers``. Without an explicit ``workers`` the count is capped by the CPUs
    this process may use, and a small problem (origins × arcs under about 4 million, where
    forking costs more than it saves) uses one process. Always 1 where forking is not possible
    or not allowed (:func:`planner._pool.can_fork`: not Linux; inside a daemonic process such
    as a Dask worker; inside a child of a pool).
    """
    if workers is not None:
        wanted, explicit = int(workers), True
    else:
        explicit = False
        env = _env_workers()
        if env is not None:
            wanted = env
        else:
            wanted = network_settings(settings).matrix_workers if settings is not None else 2
    if wanted <= 1 or n_origins < 2 or not _pool.can_fork():
        return 1
    if explicit:
        return min(wanted, n_origins)
    if n_origins * n_arcs < _PARALLEL_MIN_WORK:
        return 1
    return max(1, min(wanted, _pool.usable_cores(), n_origins))


_Out = np.ndarray | tuple[np.ndarray, np.ndarray | None, np.ndarray]
"""Where the rows go: packed weights (float64), or (int32 travel, int32 road decimetres or
``None`` when they are not kept, access seconds per point) for :func:`_to_ints`."""


def _solve_chunk(
    graph: _dijkstra.Graph,
    n_road: int,
    chunks: Sequence[np.ndarray],
    starts: np.ndarray,
    out: _Out,
    k: int,
) -> None:
    """Rows of chunk ``k`` of origins: the compiled Dijkstra to the points (as packed
    weights, or straight to int32 travel seconds and road decimetres)."""
    block = graph.rows(n_road + chunks[k], np.arange(n_road, graph.n))
    lo, hi = starts[k], starts[k] + len(chunks[k])
    if isinstance(out, tuple):
        _put_ints(out, lo, hi, block, chunks[k])
    else:
        out[lo:hi] = block


def _put_ints(
    out: tuple[np.ndarray, np.ndarray | None, np.ndarray],
    lo: int,
    hi: int,
    packed: np.ndarray,
    origins: np.ndarray,
) -> None:
    """Rows ``lo:hi`` of ``out`` (int32 travel, road decimetres or ``None``, access seconds)
    from the packed weights of the points ``origins`` (:func:`_to_ints`)."""
    travel, road_dm, access_s = out
    t, dm = _to_ints(packed, access_s[origins], access_s)
    travel[lo:hi] = t
    if road_dm is not None:
        road_dm[lo:hi] = dm


def _rows_array(shape: tuple[int, ...], dtype: Any, *, shared: bool) -> np.ndarray:
    """An array forked children write into (:func:`planner._pool.shared_array`), or a private
    one when no child will."""
    return _pool.shared_array(shape, dtype) if shared else np.empty(shape, dtype=dtype)


def _int_out(
    shape: tuple[int, int],
    access_s: np.ndarray,
    travel: np.ndarray | None,
    *,
    keep_dm: bool,
    parallel: bool,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Where int32 rows go: ``travel`` (checked) or a new shared matrix, the road decimetres
    (shared; ``None`` without ``keep_dm``) and the access seconds."""
    if travel is None:
        travel = _pool.shared_array(shape, np.int32)
    elif travel.shape != shape or travel.dtype != np.int32:
        raise ValueError(f"travel rows must be int32 {shape}, got {travel.dtype} {travel.shape}")
    elif parallel and not _pool.is_shared(travel):
        raise ValueError("travel rows written by forked children must be in shared memory")
    road_dm = _pool.shared_array(shape, np.int32) if keep_dm else None
    return travel, road_dm, np.asarray(access_s)


def _pool_chunk(k: int) -> None:
    """Chunk ``k`` as a pool task: the graph, the chunks and the shared output rows are the
    pool's state (inherited by the forked children, never pickled)."""
    graph, n_road, chunks, starts, out = _pool.state()
    _solve_chunk(graph, n_road, chunks, starts, out, k)


def _point_rows(
    csr: csr_matrix,
    n_road: int,
    rows: np.ndarray,
    *,
    workers: int = 1,
    access_s: np.ndarray | None = None,
    travel: np.ndarray | None = None,
    keep_dm: bool = True,
) -> Any:
    """Packed shortest-path weights from the points ``rows`` to every point (``len(rows) ×
    n_points``), by multi-source Dijkstra in chunks of origins.

    With ``workers > 1`` the chunks are tasks of a :class:`planner._pool.ForkPool` of
    ``workers`` forked children (each takes the next chunk when done: a busy core slows nobody
    down) that write their rows into shared memory. Each row is an independent Dijkstra, so the
    result is identical to one process; a chunk of a child that died (killed, crashed) is
    computed here by the pool. Forking shares the graph without copying or pickling it; the
    compiled search is compiled (or loaded from numba's cache) before the fork.

    With ``access_s`` (seconds of each point's access leg) the rows come back as int32
    travel seconds (access legs added) and int32 road decimetres (:func:`_to_ints`; ``None``
    without ``keep_dm``), converted a chunk at a time: no float64 matrix of every pair is ever
    held. They are written into :func:`planner._pool.shared_array` memory (``travel``: rows
    already allocated there, e.g. a plane of the matrices' block) and returned as they are,
    without a private copy.
    """
    n = csr.shape[0]
    n_pts = n - n_road
    step = max(1, _CHUNK_CELLS // max(1, n))
    if workers > 1:  # enough chunks to balance the work between busy and idle cores
        step = max(1, min(step, -(-len(rows) // (4 * workers))))
    chunks = [rows[lo : lo + step] for lo in range(0, len(rows), step)]
    starts = np.arange(0, len(rows), step, dtype=np.int64)
    workers = min(workers, len(chunks))
    parallel = workers > 1 and _pool.can_fork()
    shape = (len(rows), n_pts)
    out: _Out
    if access_s is None:
        out = _rows_array(shape, np.float64, shared=parallel)
    else:
        out = _int_out(shape, access_s, travel, keep_dm=keep_dm, parallel=parallel)
    graph = _dijkstra.Graph(csr)
    if not parallel:
        for k in range(len(chunks)):
            _solve_chunk(graph, n_road, chunks, starts, out, k)
    else:
        _dijkstra.warm()  # compiled here once, inherited by the children
        with _pool.ForkPool(workers, state=(graph, n_road, chunks, starts, out)) as pool:
            pool.map(_pool_chunk, range(len(chunks)))
    if isinstance(out, tuple):
        return out[:2]
    return out if not parallel else np.array(out)


_HUB_SHARE = 0.5
"""Matrices go through the hubs (:class:`_Hubs`) when there are at most this many hubs per point;
on a street grid (points spread over many short roads) there are more hubs than points, and
every point's own Dijkstra is cheaper."""
_HUB_ROWS = 256
"""Points whose rows one task combines from the hubs' rows (a few 10 MB of float64)."""


@dataclass(frozen=True)
class _Hubs:
    """How shortest paths leave and reach the points of a graph whose points mostly lie on
    chains (a point with at most two neighbours, between two junctions or other points).

    A path from a point on a chain either stays on the chain (``direct``) or leaves it at the
    first *hub* (a node that is not such a point: a junction, a point with more neighbours) it
    meets, in one of the chain's two directions (``exit``, with the packed weight up to it); a
    path into a point comes along its chain from a hub the same way (``entry``). So, exactly,
    with ``H`` the hub-to-hub shortest paths::

        d(x, y) = min(direct(x, y), min_ij exit_o[x, i] + H[exit[x, i], entry[y, j]] + entry_o[y, j])

    A night's points lie on a few thousand roads between a few thousand junctions: Dijkstra runs
    from the hubs only (3,109 at 20,000 venues instead of 20,015 points) and the rows are
    combined in numpy. Packed weights are integers below 2**53, so the sums and minima are the
    very numbers a Dijkstra from every point gives.
    """

    nodes: np.ndarray  # hub -> core graph node
    exit_h: np.ndarray  # point × 2: hub position (-1: none)
    exit_o: np.ndarray  # point × 2: packed weight from the point to that hub (inf: none)
    entry_h: np.ndarray
    entry_o: np.ndarray
    direct: tuple[np.ndarray, np.ndarray, np.ndarray]  # (from point, to point, weight)

    @classmethod
    def of(cls, csr: csr_matrix, n_road: int) -> _Hubs:
        n = csr.shape[0]
        n_pts = n - n_road
        out_g = csr.tocsr()
        in_g = csr.T.tocsr()

        def arcs(g: csr_matrix, u: int) -> dict[int, float]:
            lo, hi = g.indptr[u], g.indptr[u + 1]
            got: dict[int, float] = {}
            for v, w in zip(g.indices[lo:hi].tolist(), g.data[lo:hi].tolist(), strict=True):
                if v != u and (v not in got or w < got[v]):
                    got[v] = w
            return got

        out_arcs = [arcs(out_g, u) for u in range(n_road, n)]
        in_arcs = [arcs(in_g, u) for u in range(n_road, n)]
        simple = [len(set(a) | set(b)) <= 2 for a, b in zip(out_arcs, in_arcs, strict=True)]
        hub_of: dict[int, int] = {}

        def hub(node: int) -> int:
            return hub_of.setdefault(node, len(hub_of))

        def walk(
            x: int, side: list[dict[int, float]]
        ) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
            """From point ``x`` along ``side`` arcs: the hubs first met (with weights) and the
            chain points passed on the way."""
            ends: list[tuple[int, float]] = []
            passed: list[tuple[int, float]] = []
            for first, w in side[x].items():
                prev, cur, acc = n_road + x, first, w
                while True:
                    j = cur - n_road
                    if j < 0 or not simple[j]:
                        ends.append((hub(cur), acc))
                        break
                    if j == x:
                        break  # round a ring of points back to the start
                    passed.append((j, acc))
                    nxt = [(v, w2) for v, w2 in side[j].items() if v != prev]
                    if not nxt:
                        break  # a dead end
                    prev, (cur, w2) = cur, nxt[0]
                    acc += w2
            return ends, passed

        exit_h = np.full((n_pts, 2), -1, dtype=np.int64)
        exit_o = np.full((n_pts, 2), np.inf)
        entry_h = np.full((n_pts, 2), -1, dtype=np.int64)
        entry_o = np.full((n_pts, 2), np.inf)
        dx: list[int] = []
        dy: list[int] = []
        dw: list[float] = []
        for x in range(n_pts):
            if not simple[x]:
                h = hub(n_road + x)
                exit_h[x, 0] = entry_h[x, 0] = h
                exit_o[x, 0] = entry_o[x, 0] = 0.0
                continue
            ends, passed = walk(x, out_arcs)
            for i, (h, w) in enumerate(ends):
                exit_h[x, i], exit_o[x, i] = h, w
            for j, w in passed:
                dx.append(x)
                dy.append(j)
                dw.append(w)
            starts, _ = walk(x, in_arcs)
            for i, (h, w) in enumerate(starts):
                entry_h[x, i], entry_o[x, i] = h, w
        nodes = np.empty(len(hub_of), dtype=np.int64)
        for node, k in hub_of.items():
            nodes[k] = node
        direct = (np.array(dx, dtype=np.int64), np.array(dy, dtype=np.int64), np.array(dw))
        return cls(nodes, exit_h, exit_o, entry_h, entry_o, direct)

    def rows(self, hub_to_hub: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Packed shortest-path weights from ``points`` to every point (``len × n_points``).

        ``hub_to_hub`` carries one more row and column of ``inf`` (position -1: no hub that
        way), so every point's two ways out and in are gathered without masks."""
        n_pts = len(self.exit_h)
        ex_h, ex_o = self.exit_h[points], self.exit_o[points]
        via = hub_to_hub[ex_h[:, 0], :-1] + ex_o[:, 0, None]
        np.minimum(via, hub_to_hub[ex_h[:, 1], :-1] + ex_o[:, 1, None], out=via)
        via = np.concatenate([via, np.full((len(points), 1), np.inf)], axis=1)
        out = via[:, self.entry_h[:, 0]]
        out += self.entry_o[:, 0]
        second = via[:, self.entry_h[:, 1]]
        second += self.entry_o[:, 1]
        np.minimum(out, second, out=out)
        dx, dy, dw = self.direct
        pos = np.full(n_pts, -1, dtype=np.int64)
        pos[points] = np.arange(len(points))
        mine = pos[dx] >= 0
        if mine.any():
            np.minimum.at(out, (pos[dx[mine]], dy[mine]), dw[mine])
        out[np.arange(len(points)), points] = 0.0
        return out


def _hub_chunk(k: int) -> None:
    """Chunk ``k`` of points as a pool task: their rows combined from the hubs' rows, straight
    to int32 travel seconds and road decimetres (the pool's state, as :func:`_pool_chunk`)."""
    hubs, hub_to_hub, chunks, out = _pool.state()
    points = chunks[k]
    _put_ints(out, int(points[0]), int(points[-1]) + 1, hubs.rows(hub_to_hub, points), points)


def _hub_matrix(
    csr: csr_matrix,
    n_road: int,
    hubs: _Hubs,
    *,
    workers: int,
    access_s: np.ndarray,
    travel: np.ndarray | None,
    keep_dm: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Every point to every point through the hubs (:class:`_Hubs`): Dijkstra from the hubs to
    the hubs, then the points' rows combined a chunk at a time, in ``workers`` processes."""
    n_pts = csr.shape[0] - n_road
    n_hubs = len(hubs.nodes)
    step = max(1, _CHUNK_CELLS // max(1, csr.shape[0]))
    parallel = workers > 1 and _pool.can_fork()
    # one more row and column of inf: hub position -1 (no way out or in on that side)
    hub_to_hub = _rows_array((n_hubs + 1, n_hubs + 1), np.float64, shared=parallel)
    hub_to_hub[n_hubs, :] = np.inf
    hub_to_hub[:, n_hubs] = np.inf

    graph = _dijkstra.Graph(csr)

    def hub_rows(lo: int, hi: int) -> None:
        hub_to_hub[lo:hi, :n_hubs] = graph.rows(hubs.nodes[lo:hi], hubs.nodes)

    blocks = [(lo, min(n_hubs, lo + step)) for lo in range(0, n_hubs, step)]
    if parallel:
        _dijkstra.warm()  # compiled here once, inherited by the children
        with _pool.ForkPool(workers, state=(hub_rows, blocks)) as pool:
            pool.map(_hub_block, range(len(blocks)))
    else:
        for lo, hi in blocks:
            hub_rows(lo, hi)
    out = _int_out((n_pts, n_pts), access_s, travel, keep_dm=keep_dm, parallel=parallel)
    points = np.arange(n_pts, dtype=np.int64)
    chunks = [points[lo : lo + _HUB_ROWS] for lo in range(0, n_pts, _HUB_ROWS)]
    with _pool.ForkPool(workers if parallel else 1, state=(hubs, hub_to_hub, chunks, out)) as pool:
        pool.map(_hub_chunk, range(len(chunks)))
    return out[0], out[1]


def _hub_block(k: int) -> None:
    hub_rows, blocks = _pool.state()
    hub_rows(*blocks[k])


# =========================================================================== router


class Router:
    """Shortest paths between snapped points, per profile, in compiled code.

    Builds each profile's augmented graph on first use. :meth:`leg` recomputes predecessors
    for one origin when a leg is drawn and keeps the last ``keep_origins`` rows.
    """

    def __init__(
        self,
        index: RoadIndex,
        snapped: Snapped,
        settings: NetworkSettings | Settings,
        *,
        keep_origins: int = 256,
    ) -> None:
        self.index = index
        self.snapped = snapped
        self.network = network_settings(settings)
        self._graphs: dict[str, AugmentedGraph] = {}
        self._cores: dict[str, tuple[csr_matrix, int]] = {}
        self._hubs: dict[str, _Hubs | None] = {}
        self._preds: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        self._keep = keep_origins

    def graph(self, profile: str) -> AugmentedGraph:
        if profile not in self._graphs:
            if profile not in self.index.arc_travel_s:
                raise unknown_profiles([profile], self.network)
            self._graphs[profile] = AugmentedGraph.build(
                self.index,
                self.snapped,
                travel_s=self.index.arc_travel_s[profile],
                oneway=self.network.profiles[profile].oneway,
            )
        return self._graphs[profile]

    def road_matrix(
        self,
        profile: str,
        origins: Sequence[int] | None = None,
        *,
        workers: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Road-only travel seconds and metres between snapped points (no access legs).

        Rows are ``origins`` (point positions, default all), columns every point; ``inf``
        where no road path exists. ``workers`` processes share the work (default: see
        :func:`matrix_workers`); the result does not depend on it.
        """
        return unpack(self.packed_matrix(profile, origins, workers=workers))

    def packed_matrix(
        self,
        profile: str,
        origins: Sequence[int] | None = None,
        *,
        workers: int | None = None,
    ) -> np.ndarray:
        """:meth:`road_matrix` as packed weights (one float64 matrix instead of two; see
        :func:`~planner.network.graph.unpack`)."""
        n_pts = len(self.snapped.ids)
        rows = np.arange(n_pts) if origins is None else np.asarray(origins, dtype=np.int64)
        csr, n_road = self.core(profile)
        n = matrix_workers(len(rows), csr.nnz, self.network, workers=workers)
        return _point_rows(csr, n_road, rows, workers=n)

    def int_matrices(
        self,
        profile: str,
        access_s: np.ndarray,
        *,
        workers: int | None = None,
        travel: np.ndarray | None = None,
        keep_dm: bool = True,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Every point to every point: int32 travel seconds with the access legs
        (``access_s`` per point; written into ``travel`` when given, a shared-memory matrix)
        and int32 road decimetres (-1: no path; ``None`` without ``keep_dm``), converted from
        the Dijkstra rows a chunk at a time (see :func:`_point_rows`)."""
        n_pts = len(self.snapped.ids)
        csr, n_road = self.core(profile)
        hubs = self.hubs(profile)
        if hubs is not None:
            n = matrix_workers(len(hubs.nodes), csr.nnz, self.network, workers=workers)
            return _hub_matrix(
                csr, n_road, hubs, workers=n, access_s=access_s, travel=travel, keep_dm=keep_dm
            )
        n = matrix_workers(n_pts, csr.nnz, self.network, workers=workers)
        rows = np.arange(n_pts)
        out: tuple[np.ndarray, np.ndarray | None] = _point_rows(
            csr, n_road, rows, workers=n, access_s=access_s, travel=travel, keep_dm=keep_dm
        )
        return out

    def hubs(self, profile: str) -> _Hubs | None:
        """How the profile's points reach the junctions (:class:`_Hubs`), or ``None`` when
        there are more than :data:`_HUB_SHARE` hubs per point (each point's own Dijkstra is
        then cheaper)."""
        if profile not in self._hubs:
            csr, n_road = self.core(profile)
            n_pts = csr.shape[0] - n_road
            hubs = _Hubs.of(csr, n_road) if n_pts else None
            self._hubs[profile] = (
                hubs if hubs is not None and len(hubs.nodes) <= _HUB_SHARE * n_pts else None
            )
        return self._hubs[profile]

    def road_dm_rows(self, profile: str, origins: np.ndarray, access_s: np.ndarray) -> np.ndarray:
        """Int32 road decimetres (-1: no path) from the points ``origins`` to every point: the
        rows :meth:`int_matrices` gives, computed here in this process (see
        :class:`RoadRows`)."""
        csr, n_road = self.core(profile)
        origins = np.asarray(origins, dtype=np.int64)
        n = matrix_workers(len(origins), csr.nnz, self.network)
        out = _point_rows(csr, n_road, origins, workers=n, access_s=access_s, keep_dm=True)
        road_dm: np.ndarray = out[1]
        return road_dm

    def core(self, profile: str) -> tuple[csr_matrix, int]:
        """The profile's graph with dead ends and the middles of chains contracted away (see
        :func:`~planner.network.graph.contract_chains`; the whole graph when that would not pay) and its number of
        road nodes: the points are its last nodes. Matrices use it; legs use :meth:`graph`."""
        if profile not in self._cores:
            g = self.graph(profile)
            self._cores[profile] = contract_chains(g.csr, g.n_road) or (g.csr, g.n_road)
        return self._cores[profile]

    def _pred(self, profile: str, origin: int) -> np.ndarray:
        key = (profile, origin)
        if key in self._preds:
            self._preds.move_to_end(key)
            return self._preds[key]
        g = self.graph(profile)
        _, pred = dijkstra(
            g.csr, directed=True, indices=g.n_road + origin, return_predecessors=True
        )
        self._preds[key] = pred
        if len(self._preds) > self._keep:
            self._preds.popitem(last=False)
        return pred

    def leg(
        self,
        profile: str,
        from_id: str,
        to_id: str,
        *,
        crs: Literal["EPSG:4326", "metric"] = "EPSG:4326",
    ) -> LineString:
        """The road geometry of the fastest leg ``from_id`` → ``to_id``.

        Starts at the from-point's snapped road position, ends at the to-point's, and follows
        the roads' geometry. ``crs="metric"`` returns it in the network's metric CRS.

        Raises
        ------
        KeyError
            If an id is not a routable point.
        PlannerError
            If no road path exists.
        """
        i, j = self.snapped.position(from_id), self.snapped.position(to_id)
        g = self.graph(profile)
        start = self.snapped.road_xy[i]
        if i == j:
            line = LineString([start, start])
        else:
            pred = self._pred(profile, i)
            node, src = g.n_road + j, g.n_road + i
            path = [node]
            while node != src:
                node = int(pred[node])
                if node < 0:
                    raise PlannerError(
                        msg(
                            f"Tidak ada jalan dari {from_id} ke {to_id}.",
                            f"No road path from {from_id} to {to_id}.",
                        )
                    )
                path.append(node)
            path.reverse()
            coords: list[np.ndarray] = [start[None, :]]
            for x, y in itertools.pairwise(path):
                p = g.piece(x, y)
                coords.append(
                    _piece_coords(
                        self.index.arc_geom[g.piece_arc[p]], g.piece_from[p], g.piece_to[p]
                    )
                )
            coords.append(self.snapped.road_xy[j][None, :])
            xy = np.concatenate(coords)
            keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]
            xy = xy[keep]
            line = LineString(xy if len(xy) >= 2 else np.vstack([xy, xy]))
        if crs == "metric":
            return line
        return transform_geoms(line, self.index.to_lonlat)


def _piece_coords(geom: LineString, f0: float, f1: float) -> np.ndarray:
    lo, hi = (f0, f1) if f0 <= f1 else (f1, f0)
    if lo == 0.0 and hi == 1.0:  # a whole arc (most of a leg): no substring needed
        xy = shapely.get_coordinates(geom)
        return xy[::-1] if f0 > f1 else xy
    if hi - lo <= 0:
        pt = shapely.line_interpolate_point(geom, lo, normalized=True)
        return shapely.get_coordinates(pt)
    from shapely.ops import substring

    part = substring(geom, lo, hi, normalized=True)
    xy = shapely.get_coordinates(part)
    return xy[::-1] if f0 > f1 else xy


@dataclass(frozen=True, eq=False)
class Matrices:
    """Travel-time and distance matrices between the routable points, per vehicle profile.

    Attributes
    ----------
    ids
        Point ids; matrix row/column ``k`` is ``ids[k]`` (stations first when the caller
        passed them first).
    travel_s
        Per profile an ``n × n`` int32 matrix of seconds, access legs included (point → road
        and road → point at ``access_kph``), zero diagonal; :data:`UNREACHABLE_S` where no road
        path exists.
    dist_m
        Per profile the metres along the same paths, access legs included, ``inf`` where no
        path exists: a :class:`~planner.network.graph.Distances` (int32 road decimetres and
        the access metres, 4 bytes a cell) that reads like an ``n × n`` float64 matrix
        (``d[i, j]``, ``np.asarray(d)``); a plain float64 matrix is accepted too.
    unreachable
        ``id -> (reason, distance_m)`` for points left out (see :class:`Snapped`); a point
        that cannot reach a station and come back under *any* requested profile is left out
        with reason ``"isolated"``.
    snap_dist_m
        Per id, the access distance (metres) included at each end of its legs.
    key
        The cache key (empty when not cached).
    travel_block
        When the travel matrices are the planes of one ``profiles × n × n`` array (in the order
        of ``travel_s``), that array: :meth:`move_travel` can then hand them to a night's
        problem without a copy.
    """

    ids: tuple[str, ...]
    travel_s: dict[str, np.ndarray]
    dist_m: dict[str, Any]
    unreachable: dict[str, tuple[str, float]]
    snap_dist_m: np.ndarray
    key: str = ""
    from_cache: bool = False
    _router: list[Any] = field(default_factory=list, repr=False)
    travel_block: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # a profile without distances (``None``: a large night's, or a cache file of one)
        # reads the rows it needs through the router (RoadRows)
        for p, d in self.dist_m.items():
            if d is None:
                self.dist_m[p] = Distances(RoadRows(self._router, p, self.ids), self.snap_dist_m)

    def move_travel(self, profiles: Sequence[str], rows: np.ndarray, lead: int = 0) -> np.ndarray:
        """The travel times of ``profiles`` between the points ``rows`` (positions), as one
        ``len(profiles) × m × m`` int32 array, *taken over* from these matrices: afterwards
        :attr:`travel_s` is empty (the distances and the router stay).

        A night's problem holds the travel times between its nodes only; taking them over
        writes them into this object's own memory (:func:`planner._pool.compact_square`) when
        the travel matrices are one block, the profiles keep its order and ``rows`` are
        ``lead`` depots in any order followed by points in increasing position (how the
        pipeline compiles a night). Otherwise they are copied a profile at a time, each
        profile's matrix released once copied.
        """
        rows = np.asarray(rows, dtype=np.int64)
        names = list(self.travel_s)
        missing = [p for p in profiles if p not in self.travel_s]
        if missing:
            raise KeyError(f"no travel times for {missing} (taken over already?)")
        planes = [names.index(p) for p in profiles]
        block = self.travel_block
        out = None
        if block is not None:
            out = _pool.compact_square(block, planes, rows, lead=lead)
        if out is None:
            m = len(rows)
            out = np.empty((len(profiles), m, m), dtype=np.int32)
            step = max(1, _CHUNK_CELLS // max(1, len(self.ids)))
            for q, p in enumerate(profiles):
                full = self.travel_s[p]
                for lo in range(0, m, step):
                    out[q, lo : lo + step] = full[np.ix_(rows[lo : lo + step], rows)]
                del full
                if block is None:
                    del self.travel_s[p]
        self.travel_s.clear()
        object.__setattr__(self, "travel_block", None)
        return out

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(self.travel_s)

    def position(self, point_id: str) -> int:
        return self.ids.index(point_id)

    @property
    def router(self) -> Router:
        """The router behind these matrices (loaded from the network file on first use when
        the matrices came from the cache)."""
        return _router_in(self._router)


def _router_in(box: list[Any]) -> Router:
    """The router a :class:`Matrices` keeps in ``box`` (loaded now if it was left to load)."""
    if not box:
        raise PlannerError(
            msg(
                "Matriks ini tidak punya jaringan jalan untuk menggambar rute.",
                "These matrices have no road network to draw legs with.",
            )
        )
    item = box[0]
    if callable(item) and not isinstance(item, Router):
        box[0] = item()
    router: Router = box[0]
    return router


DENSE_DM_MAX_CELLS = 100_000_000
"""The road decimetres of every pair are kept as matrices (4 bytes a cell) while profiles ×
points² stays within this (400 MB: two profiles up to about 7,000 points); a larger night keeps
none and computes the rows its plan reads (:class:`RoadRows`)."""
_LAZY_KEEP_BYTES = 256 * 2**20
"""What the rows a :class:`RoadRows` keeps once computed may hold (the last read): 3,355 rows
at 20,000 points, more than the legs of a 64-squad night start from, so the checker reads the
rows the schedule computed."""


class RoadRows:
    """Int32 road decimetres (-1: no path) between the points of a :class:`Matrices`, a row at
    a time when read: what a large night keeps instead of a distance matrix.

    The schedule and the checker read the distances of the legs a plan drives, a few rows of
    the matrix; computing them when read (one Dijkstra per origin, the same rows
    :meth:`Router.int_matrices` would give, hence the same metres) keeps a 20,000-venue night
    from holding 1.6 GB per profile it never reads. Reads like the int32 matrix
    :class:`~planner.network.graph.Distances` needs (``rows[a, b]`` with broadcast index
    arrays, slices of rows, ``np.asarray``); the last rows read are kept. The router comes
    from ``box`` (a :class:`Matrices`' own, loaded from the road file on first use when the
    matrices came from the cache).
    """

    dtype = np.dtype(np.int32)
    ndim = 2

    def __init__(
        self,
        box: list[Any],
        profile: str,
        ids: tuple[str, ...],
        *,
        keep_rows: int | None = None,
    ) -> None:
        self._box = box
        self.profile = profile
        self._ids = ids
        self.shape = (len(ids), len(ids))
        if keep_rows is None:
            keep_rows = max(1024, _LAZY_KEEP_BYTES // (4 * max(1, len(ids))))
        self._keep = int(keep_rows)
        self._rows: OrderedDict[int, np.ndarray] = OrderedDict()
        self._sel: np.ndarray | None = None

    @property
    def nbytes(self) -> int:
        return int(sum(r.nbytes for r in self._rows.values()))

    def __len__(self) -> int:
        return self.shape[0]

    def _compute(self, origins: list[int]) -> np.ndarray:
        router = _router_in(self._box)
        if self._sel is None:
            where = {pid: i for i, pid in enumerate(router.snapped.ids)}
            self._sel = np.array([where[pid] for pid in self._ids], dtype=np.int64)
        sel = self._sel
        access_s = router.snapped.snap_dist_m / (router.network.access_kph / 3.6)
        got = router.road_dm_rows(self.profile, sel[origins], access_s)[:, sel]
        got[np.arange(len(origins)), origins] = 0
        return got

    def rows(self, index: Any, *, keep: bool = True) -> np.ndarray:
        """The rows ``index`` (positions), ``len(index) × n``; ``keep``: remember them."""
        idx = np.asarray(index, dtype=np.int64).reshape(-1)
        n = self.shape[0]
        if len(idx) and (idx.min() < -n or idx.max() >= n):
            raise IndexError("row index out of range")
        idx = np.where(idx < 0, idx + n, idx)
        missing = [i for i in dict.fromkeys(idx.tolist()) if i not in self._rows]
        fresh = dict(zip(missing, self._compute(missing), strict=True)) if missing else {}
        out = np.empty((len(idx), n), dtype=np.int32)
        for j, i in enumerate(idx.tolist()):
            row = fresh.get(i)
            if row is None:
                row = self._rows[i]
                self._rows.move_to_end(i)
            out[j] = row
        if keep:
            for i in missing[-self._keep :]:
                self._rows[i] = fresh[i].copy()
            while len(self._rows) > self._keep:
                self._rows.popitem(last=False)
        return out

    def __getitem__(self, key: Any) -> np.ndarray:
        n = self.shape[0]
        if isinstance(key, slice):
            return self.rows(np.arange(n)[key], keep=False)
        if not isinstance(key, tuple) or len(key) != 2:
            raise TypeError("RoadRows reads [rows, columns] or a slice of rows")
        a, b = (np.arange(n)[k] if isinstance(k, slice) else np.asarray(k) for k in key)
        if isinstance(key[0], slice) or isinstance(key[1], slice):
            a = a.reshape(-1, 1) if isinstance(key[0], slice) else a
            b = b.reshape(1, -1) if isinstance(key[1], slice) else b
        a, b = np.broadcast_arrays(a, b)
        uniq, inv = np.unique(a, return_inverse=True)
        block = self.rows(uniq)
        out: np.ndarray = block[inv.reshape(a.shape), b]
        return out

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        n = self.shape[0]
        out = np.empty((n, n), dtype=np.int32)
        step = max(1, _CHUNK_CELLS // max(1, n))
        for lo in range(0, n, step):
            out[lo : lo + step] = self.rows(np.arange(lo, min(n, lo + step)), keep=False)
        return out if dtype is None else out.astype(dtype)

    def __repr__(self) -> str:
        return f"RoadRows({self.profile!r}, shape={self.shape}, {len(self._rows)} rows kept)"


def _to_ints(
    packed: np.ndarray, access_rows: np.ndarray, access_cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Packed road weights of some rows to int32 travel seconds (access legs added, rounded
    once; :data:`UNREACHABLE_S` where no path) and int32 road decimetres (-1: no path):
    elementwise the same float operations as :func:`unpack` followed by the access legs, so
    the values do not depend on how the rows are cut into blocks. The split into milliseconds
    and decimetres is done on the integers themselves (the weights are whole numbers below
    2**53): the same numbers as ``unpack``'s float division by a power of two, in fewer passes.
    """
    finite = np.isfinite(packed)
    whole = np.where(finite, packed, 0.0).astype(np.int64)
    road_dm = (whole & ((1 << LEN_BITS) - 1)).astype(np.int32)
    t = (whole >> LEN_BITS) / 1000.0
    del whole
    t += access_rows[:, None]
    t += access_cols[None, :]
    np.minimum(t, UNREACHABLE_S, out=t)
    np.rint(t, out=t)
    travel = t.astype(np.int32)
    del t
    travel[~finite] = UNREACHABLE_S
    road_dm[~finite] = -1
    return travel, road_dm


def _int_rows(
    road: np.ndarray | tuple[np.ndarray, np.ndarray], access_s: np.ndarray, *, chunk: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_to_ints` of a whole matrix, a block of rows at a time. ``road``: packed weights
    (:meth:`Router.packed_matrix`) or road seconds and metres (:meth:`Router.road_matrix`)."""
    n_rows, n_cols = road[0].shape if isinstance(road, tuple) else road.shape
    travel = np.empty((n_rows, n_cols), dtype=np.int32)
    road_dm = np.empty((n_rows, n_cols), dtype=np.int32)
    for lo in range(0, n_rows, chunk):
        hi = min(n_rows, lo + chunk)
        if isinstance(road, tuple):  # back to packed weights, exactly (whole ms and dm)
            t, d = road[0][lo:hi], road[1][lo:hi]
            ok = np.isfinite(t)
            ms = np.rint(np.where(ok, t, 0) * 1000.0)
            dm = np.rint(np.where(ok, d, 0) * 10.0)
            block = np.where(ok, ms * LEN_SCALE + dm, np.inf)
        else:
            block = road[lo:hi]
        travel[lo:hi], road_dm[lo:hi] = _to_ints(block, access_s[lo:hi], access_s)
    return travel, road_dm


def matrices_from_road(
    snapped: Snapped,
    road: Mapping[str, tuple[np.ndarray, np.ndarray] | np.ndarray],
    access_kph: float,
) -> Matrices:
    """Add access legs, drop points isolated under any profile, round to int seconds.

    ``road`` holds per profile the road-only ``(travel_s, dist_m)`` of
    :meth:`Router.road_matrix` or the packed weights of :meth:`Router.packed_matrix`."""
    access_s = snapped.snap_dist_m / (access_kph / 3.6)
    return _from_ints(snapped, {p: _int_rows(r, access_s) for p, r in road.items()})


def _from_ints(
    snapped: Snapped,
    ints: dict[str, tuple[np.ndarray, np.ndarray | None]],
    *,
    block: np.ndarray | None = None,
    router_box: list[Any] | None = None,
) -> Matrices:
    """The matrices from int32 travel seconds and road decimetres of every point: isolated
    points dropped (in place where the matrices allow, so a matrix is never held twice),
    diagonals zeroed.

    ``block``: the ``profiles × n × n`` array whose planes are the travel matrices of ``ints``
    (in order), kept as :attr:`Matrices.travel_block`. A profile without road decimetres
    (``None``) reads them when needed (:class:`RoadRows`) through the router in ``router_box``.
    """
    n = len(snapped.ids)
    stations = np.array([snapped.ids.index(s) for s in snapped.station_ids], dtype=np.int64)
    unreachable = dict(snapped.unreachable)
    keep = np.ones(n, dtype=bool)
    if len(stations):
        st = np.zeros(n, dtype=bool)
        st[stations] = True
        for t, _ in ints.values():
            there = t[stations] < UNREACHABLE_S
            back = (t[:, stations] < UNREACHABLE_S).T
            keep &= np.any(there & back, axis=0) | st
        for i in np.flatnonzero(~keep):
            unreachable[snapped.ids[i]] = ("isolated", float(snapped.snap_dist_m[i]))
    sel = np.flatnonzero(keep)
    every = len(sel) == n
    profiles = list(ints)
    travel: dict[str, np.ndarray] = {}
    dist: dict[str, Any] = {}
    access_m = snapped.snap_dist_m[sel].copy()
    ids = tuple(snapped.ids[i] for i in sel)
    if block is not None and not every:
        moved = _pool.compact_square(block, range(len(profiles)), sel)
        block = moved if moved is not None else block[np.ix_(np.arange(len(profiles)), sel, sel)]
    for k, p in enumerate(profiles):
        t, dm = ints.pop(p)
        if block is not None:
            t = block[k]
        elif not every:
            t = t[np.ix_(sel, sel)]
        if dm is not None and not every:
            moved = _pool.compact_square(dm[None], [0], sel)
            dm = moved[0] if moved is not None else dm[np.ix_(sel, sel)]
        np.fill_diagonal(t, 0)
        travel[p] = t
        if dm is not None:
            np.fill_diagonal(dm, 0)
            dist[p] = Distances(dm, access_m)
        else:
            dist[p] = None  # Matrices reads them when needed
    return Matrices(
        ids=ids,
        travel_s=travel,
        dist_m=dist,
        unreachable=unreachable,
        snap_dist_m=access_m,
        travel_block=block,
        _router=[] if router_box is None else router_box,
    )


# =========================================================================== facades


def _profile_parts(net: NetworkSettings, profiles: Sequence[str]) -> dict[str, Any]:
    return {
        "profiles": {p: net.profiles[p].model_dump() for p in profiles},
        "access_kph": net.access_kph,
        "snap_max_m": net.snap_max_m,
    }


def travel_matrices(
    G: nx.MultiDiGraph | None,
    snapped: Snapped | gpd.GeoDataFrame,
    profiles: Sequence[str],
    settings: NetworkSettings | Settings | None = None,
    *,
    station_ids: Iterable[str] = (),
    id_column: str = "id",
    cache_dir: Path | str | None = None,
    network_key: str | None = None,
    network_path: Path | str | None = None,
) -> Matrices:
    """Many-to-many travel times and distances between the snapped points, per profile.

    One multi-source :func:`scipy.sparse.csgraph.dijkstra` call per profile (chunked to bound
    memory). ``travel_s`` is rounded to whole seconds once, here.

    Parameters
    ----------
    G
        The road graph. May be ``None`` when ``snapped`` came from :func:`snap_points` (it
        carries its compiled network).
    snapped
        A :class:`Snapped`, or a GeoDataFrame of points (``id_column`` + Point geometry) that
        is snapped here with ``station_ids``.
    profiles
        Vehicle profiles (keys of ``settings.network.profiles``).
    cache_dir, network_key, network_path
        With ``cache_dir`` and a network identity (``network_key``, e.g. :func:`~planner.network.cache.file_digest`
        of the road file, or ``network_path`` whose bytes are hashed), the result is cached as
        ``.npz`` keyed by the network, the profile settings and the snapped points.
    """
    settings = settings if settings is not None else Settings()
    net = network_settings(settings)
    profiles = list(dict.fromkeys(profiles))
    require_profiles(profiles, net)
    if not isinstance(snapped, Snapped):
        if G is None:
            raise PlannerError(msg("Jaringan jalan belum dimuat.", "No road network was given."))
        snapped = snap_points(
            G, snapped, settings, station_ids=station_ids, id_column=id_column, profiles=profiles
        )
    if network_key is None and network_path is not None:
        network_key = cache.file_digest(network_path)
    key = ""
    if cache_dir is not None and network_key is not None:
        key = cache.cache_key(
            {
                "network": network_key,
                "snapped": snapped.signature(),
                **_profile_parts(net, profiles),
            }
        )
        hit = cache.load_matrices(cache.matrices_path(cache_dir, key), key, Matrices)
        if hit is not None:
            hit._router.append(Router(snapped.index, snapped, net))
            return hit
    missing = [p for p in profiles if p not in snapped.index.arc_travel_s]
    index = snapped.index
    if missing:
        if G is None:
            raise unknown_profiles(missing, net)
        index = RoadIndex.from_graph(G, net, profiles=profiles, metric_crs=index.crs)
        snapped = Snapped(**{**snapped.__dict__, "index": index})
    router = Router(index, snapped, net)
    # one profile's float64 weights at a time: each is converted to int32 before the next,
    # straight into its plane of one shared block (no private copy, no stack of profiles)
    access_s = snapped.snap_dist_m / (net.access_kph / 3.6)
    n_pts = len(snapped.ids)
    block = _pool.shared_array((len(profiles), n_pts, n_pts), np.int32)
    keep_dm = len(profiles) * n_pts * n_pts <= DENSE_DM_MAX_CELLS
    ints = {
        p: router.int_matrices(p, access_s, travel=block[k], keep_dm=keep_dm)
        for k, p in enumerate(profiles)
    }
    box: list[Any] = [router]
    m = _from_ints(snapped, ints, block=block, router_box=box)
    m = Matrices(**{**m.__dict__, "key": key})
    if key:
        cache.save_matrices(cache.matrices_path(cache_dir, key), m)  # type: ignore[arg-type]
    return m


def leg_geometry(
    matrices_or_router: Matrices | Router,
    profile: str,
    from_id: str,
    to_id: str,
    *,
    crs: Literal["EPSG:4326", "metric"] = "EPSG:4326",
) -> LineString:
    """The road-following LineString of one leg (EPSG:4326 by default), from the from-point's
    snapped road position to the to-point's. See :meth:`Router.leg`."""
    router = (
        matrices_or_router.router
        if isinstance(matrices_or_router, Matrices)
        else matrices_or_router
    )
    return router.leg(profile, from_id, to_id, crs=crs)


def _points_parts(points: gpd.GeoDataFrame, id_column: str) -> dict[str, Any]:
    ids, lon, lat = points_table(points, id_column)
    return {"ids": ids, "lonlat": np.round(np.column_stack([lon, lat]), 7).tolist()}


def build_matrices(
    road_path: Path | str,
    points: gpd.GeoDataFrame,
    station_ids: Iterable[str],
    profiles: Sequence[str],
    settings: Settings | None = None,
    cache_dir: Path | str | None = None,
    *,
    id_column: str = "id",
) -> Matrices:
    """Load, snap and compute in one go, with a disk cache: the pipeline's entry point.

    The cache key hashes the road file's bytes, the points (ids and coordinates), the station
    ids, the profile and snapping settings and the metric CRS, so any change recomputes. A
    cache hit does not load the network; :attr:`Matrices.router` loads it when a leg is drawn.
    The compiled network is cached too (:func:`~planner.network.cache.load_road_index`), so new points on an unchanged
    network skip parsing the road file.

    Parameters
    ----------
    road_path
        ``.graphml``, ``.osm``, ``.osm.bz2`` or ``.osm.pbf``.
    points
        GeoDataFrame with ``id_column`` and Point geometry: stations and venues (stations
        first keeps them first in the matrices).
    station_ids
        The ids that are stations.
    cache_dir
        Folder for the ``.npz`` cache; ``None`` disables caching.
    """
    settings = settings if settings is not None else Settings()
    net = settings.network
    road_path = Path(road_path)
    check_exists(road_path)
    profiles = list(dict.fromkeys(profiles))
    require_profiles(profiles, net)
    stations = tuple(str(s) for s in station_ids)

    digest = cache.file_digest(road_path) if cache_dir is not None else None

    def compute() -> tuple[RoadIndex, Snapped]:
        index = cache.load_road_index(
            road_path, settings, profiles=profiles, cache_dir=cache_dir, digest=digest
        )
        snapped = snap_points(index, points, settings, station_ids=stations, id_column=id_column)
        return index, snapped

    key = ""
    if cache_dir is not None:
        key = cache.cache_key(
            {
                "network": digest,
                "points": _points_parts(points, id_column),
                "stations": stations,
                "metric_crs": settings.general.metric_crs,
                **_profile_parts(net, profiles),
            }
        )
        hit = cache.load_matrices(cache.matrices_path(cache_dir, key), key, Matrices)
        if hit is not None:

            def load_router() -> Router:
                index, snapped = compute()
                return Router(index, snapped, net)

            hit._router.append(load_router)
            return hit
    _, snapped = compute()
    m = travel_matrices(None, snapped, profiles, settings)
    m = Matrices(**{**m.__dict__, "key": key})
    if key:
        cache.save_matrices(cache.matrices_path(cache_dir, key), m)  # type: ignore[arg-type]
    return m


__all__ = [
    "MATRIX_WORKERS_ENV",
    "UNREACHABLE_S",
    "Matrices",
    "RoadRows",
    "Router",
    "build_matrices",
    "leg_geometry",
    "matrices_from_road",
    "matrix_workers",
    "travel_matrices",
]
