"""Compile tonight's routing problem into an immutable :class:`NightProblem`.

The solver (``planner.routing``) and the checker (``planner.check``) only ever see the compiled form:
numpy arrays in integer seconds on the night clock, no geography. The builder
:func:`build_problem` turns plain inputs (venue table, scores, roster, stations, travel-time
matrices) into that form and leaves out, with a reason, every venue that no squad can serve.

This module also holds the plain result types shared by ``routing`` and ``check``
(:class:`SolveResult`) and the versioned JSON formats of a compiled problem and of a plan
(see ``docs/plan-format.md``), so that a plan can be re-checked without loading OR-Tools.

Node layout
-----------
Nodes ``0 .. n_depots-1`` are the stations (depots) that tonight's squads start from and return
to; nodes ``n_depots .. n_nodes-1`` are the candidate venues. Several squads may share a depot.
A venue's window is a window on the *start* of the visit: ``open_s <= start <= latest_start_s``
where ``latest_start_s = close - dwell`` (the visit must end by closing time).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from planner.config import Settings
from planner.domain import (
    Dropped,
    DropReason,
    Night,
    Plan,
    Squad,
    Window,
)
from planner.errors import ProblemCollector
from planner.text import msg

TakeTravel = Callable[[Sequence[str], np.ndarray, int], np.ndarray]
"""``(profiles, matrix rows, depots first) -> profiles × m × m`` int32 travel seconds."""


def _frozen(arr: Any, dtype: Any) -> np.ndarray:
    """A read-only array of ``dtype``: an array that already is one is kept (shared, not
    copied: a large night's matrices are not held twice), anything else is copied."""
    if isinstance(arr, np.ndarray) and arr.dtype == dtype and not arr.flags.writeable:
        return arr
    out = np.array(arr, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


def _int32_checked(a: np.ndarray) -> np.ndarray:
    """``a`` as int32 (no copy when it is one), refusing values int32 cannot hold rather than
    wrapping them (a night is far under 2**31 s; the network marks no road with 10**7)."""
    if a.dtype == np.int32:
        return a
    info = np.iinfo(np.int32)
    if a.size and not (np.isfinite(a).all() and info.min <= a.min() and a.max() <= info.max):
        raise ValueError("travel_s must be whole seconds that fit in int32")
    return a.astype(np.int32)


def _travel_int32(arr: Any) -> np.ndarray:
    """Travel seconds as a read-only int32 array (see :func:`_int32_checked`)."""
    a = np.asarray(arr)
    return _frozen(a if a.dtype == np.int32 else _int32_checked(a), np.int32)


def _is_compact(dist: Any) -> bool:
    """A :class:`planner.network.graph.Distances` (duck-typed: this module imports no
    network code)."""
    return hasattr(dist, "road_dm") and hasattr(dist, "access_m")


@dataclass(frozen=True)
class NightProblem:
    """Tonight's team orienteering problem with time windows, compiled.

    All times are integer seconds on the night clock (seconds after D 12:00 WIB); all arrays
    are read-only. Build one with :func:`build_problem` (or directly, for benchmarks); derive
    variants with :meth:`replace`.

    Attributes
    ----------
    night
        The night planned.
    node_ids
        Id of every node: ``n_depots`` station ids, then venue ids (all unique).
    n_depots
        Number of leading depot (station) nodes.
    open_s, latest_start_s
        Per node, the earliest and latest *start* of a visit (venue: close − dwell). Depots
        carry the whole horizon.
    dwell_s
        Per node, the time spent at a visit (0 at depots).
    prize
        Per node, tonight's priority (0 at depots).
    penalty
        Per node, the integer cost of leaving the venue out: its priority times the exchange
        rate in seconds (``exchange_rate_min * 60``), rounded. Objective units are seconds of
        driving.
    must_visit
        Per node, whether command ordered the visit.
    allowed
        ``allowed[k, node]``: squad ``k`` may visit venue ``node`` (jurisdiction *and* a
        compatible window with travel from/to its station). Always False for depots.
    desa_group, desa_codes
        Per node, the index into ``desa_codes`` of the venue's desa (−1 for depots).
    kecamatan
        Per node, the kecamatan label (for totals only).
    squad_ids, start_node, end_node, shift_start_s, shift_end_s, squad_profile
        Per squad: id, depot node it leaves from and returns to, shift, and the index of its
        vehicle profile in ``profiles``.
    travel_s
        ``travel_s[p, i, j]``: driving seconds from node i to node j with profile ``p``
        (int32, zero diagonal; int32 holds any night and halves the memory of int64).
    dist_m
        ``dist_m[p, i, j]``: metres of that leg. A float64 array, or (built from the road
        network's matrices) a :class:`planner.network.graph.Distances` that reads the same
        (``dist_m[p][i, j]``, ``np.asarray``) from int32 road decimetres shared with the
        network's matrices, so the night holds no float64 copy of them.
    max_stops
        At most this many venues per squad, or None.
    max_per_desa
        At most this many venues of one desa per night (all squads together), or None.
    desa_decay
        The presence curve: of the venues visited in one desa tonight, ranked by prize
        (highest first, ties by node), the k-th counts ``desa_decay ** (k - 1)`` of its prize
        and of its penalty (:func:`desa_ranks`, :func:`curve_weights`). 1: no curve, the
        plain sum of a team orienteering problem.
    total_priority
        Sum of priority over tonight's candidates: every active, non-excluded venue of the
        input, including those pruned as unreachable, closed or outside every area.
    dropped
        Venues pruned while building, with the reason.
    unmet_must_visit
        ``(venue_id, reason)`` for must-visit venues that were pruned (reason is a
        :data:`DROP_REASON_TEXT` key).
    exchange_rate_min
        Minutes of driving one point of priority is worth (documentation of ``penalty``).
    leg_nodes
        Per node, whether its legs (rows and columns of ``travel_s`` and ``dist_m``) are known;
        ``None``: all are. A problem read back from a ``plan.json`` holds only the legs between
        the stations and the venues the plan visits (a checking copy, never solved); the other
        legs read as no road.
    """

    night: Night
    node_ids: tuple[str, ...]
    n_depots: int
    open_s: np.ndarray
    latest_start_s: np.ndarray
    dwell_s: np.ndarray
    prize: np.ndarray
    penalty: np.ndarray
    must_visit: np.ndarray
    allowed: np.ndarray
    desa_group: np.ndarray
    desa_codes: tuple[str, ...]
    kecamatan: tuple[str, ...]
    squad_ids: tuple[str, ...]
    start_node: np.ndarray
    end_node: np.ndarray
    shift_start_s: np.ndarray
    shift_end_s: np.ndarray
    squad_profile: np.ndarray
    profiles: tuple[str, ...]
    travel_s: np.ndarray
    dist_m: Any  # np.ndarray | planner.network.graph.Distances
    max_stops: int | None = None
    max_per_desa: int | None = None
    desa_decay: float = 1.0
    total_priority: float = 0.0
    dropped: tuple[Dropped, ...] = ()
    unmet_must_visit: tuple[tuple[str, str], ...] = ()
    exchange_rate_min: float = 10.0
    leg_nodes: np.ndarray | None = field(default=None, compare=False)
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.node_ids)
        k = len(self.squad_ids)
        p = len(self.profiles)
        s = object.__setattr__
        for name, dtype in (
            ("open_s", np.int64),
            ("latest_start_s", np.int64),
            ("dwell_s", np.int64),
            ("prize", np.float64),
            ("penalty", np.int64),
            ("must_visit", bool),
            ("desa_group", np.int64),
        ):
            arr = _frozen(getattr(self, name), dtype)
            if arr.shape != (n,):
                raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
            s(self, name, arr)
        for name in ("start_node", "end_node", "shift_start_s", "shift_end_s", "squad_profile"):
            arr = _frozen(getattr(self, name), np.int64)
            if arr.shape != (k,):
                raise ValueError(f"{name} must have shape ({k},), got {arr.shape}")
            s(self, name, arr)
        if self.leg_nodes is not None:
            legs = _frozen(self.leg_nodes, bool)
            if legs.shape != (n,):
                raise ValueError(f"leg_nodes must have shape ({n},), got {legs.shape}")
            s(self, "leg_nodes", legs)
        allowed = _frozen(self.allowed, bool)
        if allowed.shape != (k, n):
            raise ValueError(f"allowed must have shape ({k}, {n}), got {allowed.shape}")
        s(self, "allowed", allowed)
        travel = _travel_int32(self.travel_s)
        dist = (
            self.dist_m.freeze() if _is_compact(self.dist_m) else _frozen(self.dist_m, np.float64)
        )
        if travel.shape != (p, n, n) or dist.shape != (p, n, n):
            raise ValueError(f"travel_s and dist_m must have shape ({p}, {n}, {n})")
        s(self, "travel_s", travel)
        s(self, "dist_m", dist)
        s(self, "node_ids", tuple(str(x) for x in self.node_ids))
        if len(set(self.node_ids)) != n:
            raise ValueError("node ids must be unique")
        if not 0 <= self.n_depots <= n:
            raise ValueError("n_depots out of range")
        if k and (
            (self.start_node >= self.n_depots).any() or (self.end_node >= self.n_depots).any()
        ):
            raise ValueError("squads must start and end at depot nodes")
        if k and ((self.squad_profile < 0).any() or (self.squad_profile >= p).any()):
            raise ValueError("squad_profile out of range")
        if (self.latest_start_s < self.open_s)[self.n_depots :].any():
            raise ValueError("a venue's latest start is before it opens")
        if travel.size and travel.min() < 0:  # no n × n temporary of booleans
            raise ValueError("travel times must be non-negative")
        if self.allowed[:, : self.n_depots].any():
            raise ValueError("depots cannot be visited")
        if not (0.0 < float(self.desa_decay) <= 1.0):
            raise ValueError("desa_decay must lie in (0, 1]")
        s(self, "desa_decay", float(self.desa_decay))
        s(self, "_index", {nid: i for i, nid in enumerate(self.node_ids)})

    # ---------------------------------------------------------------- accessors
    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_squads(self) -> int:
        return len(self.squad_ids)

    @property
    def venue_nodes(self) -> range:
        """Node numbers of the candidate venues."""
        return range(self.n_depots, self.n_nodes)

    def node_of(self, place_id: str) -> int:
        """The node of a station or venue, given its domain id (``KeyError`` if unknown)."""
        return self._index[place_id]

    def travel(self, squad: int) -> np.ndarray:
        """The travel-time matrix (seconds) of squad ``squad``'s vehicle profile."""
        return self.travel_s[self.squad_profile[squad]]

    def distance(self, squad: int) -> Any:
        """The distance matrix (metres) of squad ``squad``'s vehicle profile (``d[i, j]``)."""
        return self.dist_m[self.squad_profile[squad]]

    def replace(self, **changes: Any) -> NightProblem:
        """A copy with some fields changed (validated again): ``p.replace(max_stops=5)``."""
        return dataclasses.replace(self, **changes)


def sub_distances(problem: NightProblem, profiles: Sequence[int], nodes: np.ndarray) -> Any:
    """The distances of ``profiles`` between ``nodes`` only (a sub-problem's ``dist_m``): the
    problem's own arrays selected without a copy when compact (so a large night's rows stay
    computed only when read), else a dense copy."""
    d = problem.dist_m
    if _is_compact(d):
        return type(d).stack([d[int(p)].take(nodes) for p in profiles])
    ix = np.ix_(nodes, nodes)
    return np.stack([np.asarray(d[int(p)])[ix] for p in profiles])


# ------------------------------------------------------------------------ the presence curve


def desa_ranks(problem: NightProblem, nodes: Sequence[int] | np.ndarray) -> np.ndarray:
    """Per node of ``nodes`` (venues visited tonight), its 0-based rank inside its desa.

    Rank 0 is the desa's highest prize among ``nodes``; ties go to the lower node. The rank
    does not depend on the visiting order or on which squad visits: the curve is a value of
    the *set* of venues visited tonight (the maximum over all orders of the decaying sum).
    """
    idx = np.asarray(nodes, dtype=np.int64)
    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64)
    group = problem.desa_group[idx]
    order = np.lexsort((idx, -problem.prize[idx], group))
    sorted_group = group[order]
    first = np.ones(len(idx), dtype=bool)
    first[1:] = sorted_group[1:] != sorted_group[:-1]
    starts = np.maximum.accumulate(np.where(first, np.arange(len(idx)), 0))
    ranks = np.empty(len(idx), dtype=np.int64)
    ranks[order] = np.arange(len(idx)) - starts
    return ranks


def curve_weights(problem: NightProblem, nodes: Sequence[int] | np.ndarray) -> np.ndarray:
    """Per node of ``nodes``, the share of its prize the curve counts: ``decay ** rank``."""
    return problem.desa_decay ** desa_ranks(problem, nodes).astype(np.float64)


# ------------------------------------------------------------------------ results

SolveStatus = Literal["feasible", "must_visit_unmet", "no_solution"]


@dataclass(frozen=True)
class SolveResult:
    """What a solve returns (``routing.solve``).

    Attributes
    ----------
    status
        ``"feasible"``: every route respects every rule and every must-visit is in the plan;
        ``"must_visit_unmet"``: a valid plan, but some must-visit venues could not be planned
        (listed with the reason in ``plan.unmet_must_visit``); ``"no_solution"``: the solver
        found nothing (the plan has empty routes and every venue dropped).
    objective
        The solver's objective: seconds of driving plus the penalties of dropped venues.
    wall_s
        Wall time of the solve (model building included).
    plan
        The plan as the solver built it: not verified here. The caller verifies it with
        ``check.verify`` (the pipeline does, once); a plan is never trusted from the solver.
    stats
        Solver details (status name, search settings, budget, first-solution cost...).
    """

    status: SolveStatus
    objective: int
    wall_s: float
    plan: Plan
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "feasible"


# ------------------------------------------------------------------------ builder

NO_ROAD_S = 86_400
"""A leg of at least this many seconds (a whole day: longer than any shift) has no road: the
road network marks "no path" with a far larger number (``network.UNREACHABLE_S``, with an
``inf`` distance), so this module needs no import of the network to tell one."""


def _row(df: pd.DataFrame, pos: int) -> int:
    """The spreadsheet row of a DataFrame position (header = row 1)."""
    return pos + 2


def build_problem(
    *,
    night: Night,
    venues: pd.DataFrame,
    scores: pd.DataFrame,
    squads: Sequence[Squad],
    stations: pd.DataFrame,
    node_ids: Sequence[str],
    travel_s: Mapping[str, np.ndarray],
    dist_m: Mapping[str, Any],
    unreachable: Mapping[str, str] | None = None,
    settings: Settings,
    take_travel: TakeTravel | None = None,
) -> NightProblem:
    """Compile tonight's routing problem.

    Parameters
    ----------
    night
        The night planned (its weekday decides ``closed_days``).
    venues
        One row per venue: ``venue_id``, ``kecamatan``, ``desa_code``, ``windows`` (tuple of
        :class:`~planner.domain.Window`, night-clock minutes), ``dwell_min`` (missing → the
        default of ``settings.kinds``; never under 10), ``active`` (optional, default True),
        ``closed_days`` (optional frozenset of weekdays, Monday = 0).
    scores
        Tonight's ``venue_id``, ``priority``, ``must_visit``, ``excluded`` (``risk.score``).
    squads
        Tonight's roster.
    stations
        ``station_id``, ``kecamatan``.
    node_ids
        The order of the matrices' rows and columns (station ids and venue ids).
    travel_s, dist_m
        Per vehicle profile, the travel seconds and metres between the ``node_ids``.
    unreachable
        Venue id → why it cannot be reached (not snapped, no road); such a venue may be absent
        from ``node_ids``.
    settings
        ``routing.exchange_rate_min``, ``max_stops_per_squad``, ``max_per_desa`` and the
        default dwell are read from it.
    take_travel
        ``take_travel(profiles, rows, lead)`` gives the ``len(profiles) × m × m`` travel
        seconds between the matrix positions ``rows`` (``lead`` depots first), taking them
        over from whoever holds ``travel_s`` (:meth:`planner.network.Matrices.move_travel`:
        the night then holds one copy of them, not two). Without it they are copied.

    Returns
    -------
    NightProblem
        The squads' stations as depots, then every venue at least one squad can serve.
        Venues nobody can serve are in ``dropped`` with the first reason that applies, in
        this order: ``inactive``, ``closed`` (closed tonight by ``closed_days``), ``excluded``,
        ``unreachable`` (in ``unreachable``), ``outside_area``, ``closed`` (no opening
        piece overlaps an allowed squad's shift), ``unreachable`` (open during a shift, but no
        allowed squad can get there, stay ``dwell`` and get back in time). Pruned must-visit
        venues also appear in ``unmet_must_visit``. Of a venue's opening pieces the one
        usable by the most allowed squads (then the longest overlap with their shifts) is kept.

    Raises
    ------
    InputError
        If ids do not match between the inputs, or a matrix is malformed.
    """
    unreachable = dict(unreachable or {})
    index = _check_inputs(
        venues=venues, scores=scores, squads=squads, stations=stations, node_ids=node_ids,
        travel_s=travel_s, dist_m=dist_m, unreachable=unreachable,
    )  # fmt: skip
    triage = _triage(
        night=night,
        venues=venues.reset_index(drop=True),
        scores=scores,
        squads=squads,
        index=index,
        travel_s=travel_s,
        unreachable=unreachable,
        settings=settings,
    )
    return _assemble(
        night=night, triage=triage, squads=squads, stations=stations, index=index,
        travel_s=travel_s, dist_m=dist_m, settings=settings, take_travel=take_travel,
    )  # fmt: skip


def _check_inputs(
    *,
    venues: pd.DataFrame,
    scores: pd.DataFrame,
    squads: Sequence[Squad],
    stations: pd.DataFrame,
    node_ids: Sequence[str],
    travel_s: Mapping[str, np.ndarray],
    dist_m: Mapping[str, Any],
    unreachable: Mapping[str, str],
) -> dict[str, int]:
    """Every mismatch between the inputs at once (InputError); the matrix row of each id."""
    bag = ProblemCollector("venues")
    index = {str(nid): i for i, nid in enumerate(node_ids)}
    if len(index) != len(node_ids):
        bag.add(
            file="matrix",
            column="node_ids",
            value=len(node_ids) - len(index),
            expected=msg("id simpul yang unik", "unique node ids"),
        )
    _check_matrices(bag, len(node_ids), travel_s=travel_s, dist_m=dist_m)
    _check_squads(
        bag, squads, stations, index, travel_s=travel_s, dist_m=dist_m, unreachable=unreachable
    )
    venues = venues.reset_index(drop=True)
    for col in ("venue_id", "kecamatan", "desa_code", "windows"):
        if col not in venues.columns:
            bag.add(column=col, expected=msg("kolom wajib", "a required column"))
    for col in ("venue_id", "priority"):
        if col not in scores.columns:
            bag.add(file="scores", column=col, expected=msg("kolom wajib", "a required column"))
    bag.raise_if_any()
    scored = set(scores["venue_id"].astype(str))
    for pos, vid in enumerate(venues["venue_id"].astype(str)):
        if vid not in scored:
            bag.add(
                row=_row(venues, pos),
                column="venue_id",
                value=vid,
                expected=msg("venue yang punya skor malam ini", "a venue scored tonight"),
            )
        elif vid not in index and vid not in unreachable:
            bag.add(
                file="matrix",
                row=_row(venues, pos),
                column="venue_id",
                value=vid,
                expected=msg(
                    "venue di matriks waktu tempuh atau di daftar tak terjangkau",
                    "a venue in the travel-time matrix or in the unreachable list",
                ),
            )
    bag.raise_if_any()
    _check_station_reach(bag, squads, stations, venues, index, travel_s=travel_s)
    bag.raise_if_any()
    return index


def _station_row(stations: pd.DataFrame, station_id: str) -> int | None:
    """The row of ``station_id`` in stations.csv as a spreadsheet counts it (header = 1)."""
    ids = [str(x) for x in stations["station_id"]]
    return ids.index(station_id) + 2 if station_id in ids else None


def _check_station_reach(
    bag: ProblemCollector,
    squads: Sequence[Squad],
    stations: pd.DataFrame,
    venues: pd.DataFrame,
    index: Mapping[str, int],
    *,
    travel_s: Mapping[str, np.ndarray],
) -> None:
    """A squad whose station has no road to any venue of its area and back: the station lies
    on a piece of road of its own (or the roads around it are missing)."""
    rows = [
        (index[str(v)], str(k))
        for v, k in zip(venues["venue_id"], venues["kecamatan"], strict=True)
        if str(v) in index
    ]
    reported: set[tuple[str, str]] = set()
    for sq in squads:
        mine = np.array([node for node, kec in rows if sq.may_visit(kec)], dtype=np.int64)
        if not len(mine) or (sq.station_id, sq.vehicle) in reported:
            continue
        t = np.asarray(travel_s[sq.vehicle])
        st = index[sq.station_id]
        if ((t[st, mine] < NO_ROAD_S) & (t[mine, st] < NO_ROAD_S)).any():
            continue
        reported.add((sq.station_id, sq.vehicle))
        bag.add(
            file="stations.csv",
            row=_station_row(stations, sq.station_id),
            column="lat/lon",
            value=sq.station_id,
            expected=msg(
                f"pos yang terhubung ke jalan: dari pos ini tidak ada jalan ({sq.vehicle}) ke "
                f"satu pun dari {len(mine)} tempat di wilayah regu {sq.squad_id} dan kembali "
                "(pos berada di potongan jaringan jalan yang terpisah); perbaiki lat/lon pos "
                "atau berkas jalan",
                f"a station connected to the roads: no road ({sq.vehicle}) leads from it to "
                f"any of the {len(mine)} venues in squad {sq.squad_id}'s area and back (the "
                "station is on a piece of the road network of its own); fix the station's "
                "lat/lon or the road file",
            ),
        )


def _check_matrices(
    bag: ProblemCollector,
    n_in: int,
    *,
    travel_s: Mapping[str, np.ndarray],
    dist_m: Mapping[str, Any],
) -> None:
    for what, mats in (("travel_s", travel_s), ("dist_m", dist_m)):
        for prof, mat in mats.items():
            shape = tuple(mat.shape) if _is_compact(mat) else np.shape(mat)
            if shape != (n_in, n_in):
                bag.add(
                    file="matrix",
                    column=f"{what}[{prof}]",
                    value=shape,
                    expected=msg(f"matriks {n_in}×{n_in}", f"a {n_in}×{n_in} matrix"),
                )
                continue
            if _is_compact(mat):  # int32 road decimetres (-1: no road) and access metres
                compact: Any = mat
                access = np.asarray(compact.access_m)
                bad = bool(np.isnan(access).any() or (access < 0).any())
                if isinstance(compact.road_dm, np.ndarray):  # not rows computed when read
                    bad = bad or bool((compact.road_dm < -1).any())
            else:
                # dist_m is inf where no road leads (travel_s then says NO_ROAD_S or more)
                arr = np.asarray(mat)
                if arr.dtype.kind in "iu":  # whole seconds: no NaN or inf, and no temporary
                    bad = bool(arr.size and arr.min() < 0)  # of n × n booleans (400 MB at 20,000)
                else:
                    bad = bool(
                        np.isnan(arr).any()
                        or (arr < 0).any()
                        or (what == "travel_s" and np.isinf(arr).any())
                    )
            if bad:
                bag.add(
                    file="matrix",
                    column=f"{what}[{prof}]",
                    value="NaN / < 0" if what == "dist_m" else "NaN / inf / < 0",
                    expected=msg("angka ≥ 0", "numbers ≥ 0"),
                )


def _check_squads(
    bag: ProblemCollector,
    squads: Sequence[Squad],
    stations: pd.DataFrame,
    index: Mapping[str, int],
    *,
    travel_s: Mapping[str, np.ndarray],
    dist_m: Mapping[str, Any],
    unreachable: Mapping[str, str],
) -> None:
    known = {str(sid) for sid in stations["station_id"]}
    for pos, sq in enumerate(squads):
        if sq.station_id not in known:
            bag.add(
                file="squads.toml",
                row=pos + 1,
                column="station_id",
                value=sq.station_id,
                expected=msg("station_id dari stations.csv", "a station_id of stations.csv"),
            )
        elif sq.station_id in unreachable:
            bag.add(
                file="stations.csv",
                row=_station_row(stations, sq.station_id),
                column="lat/lon",
                value=sq.station_id,
                expected=msg(
                    f"pos di jaringan jalan (regu {sq.squad_id} berangkat dari sini), bukan "
                    f"'{unreachable[sq.station_id]}': jalan terdekat lebih jauh dari "
                    "network.snap_max_m; perbaiki lat/lon pos atau berkas jalan",
                    f"a station on the road network (squad {sq.squad_id} leaves from it), not "
                    f"'{unreachable[sq.station_id]}': the nearest road is farther than "
                    "network.snap_max_m; fix the station's lat/lon or the road file",
                ),
            )
        elif sq.station_id not in index:
            bag.add(
                file="matrix",
                row=pos + 1,
                column="station_id",
                value=sq.station_id,
                expected=msg("pos yang ada di matriks", "a station present in the matrix"),
            )
        if sq.vehicle not in travel_s or sq.vehicle not in dist_m:
            bag.add(
                file="squads.toml",
                row=pos + 1,
                column="vehicle",
                value=sq.vehicle,
                expected=msg(
                    f"profil dengan matriks: {', '.join(sorted(travel_s))}",
                    f"a profile with a matrix: {', '.join(sorted(travel_s))}",
                ),
            )


@dataclass(frozen=True)
class _Candidate:
    """A venue at least one squad can serve tonight, in the compiled problem's terms."""

    venue_id: str
    node: int  # row of the input matrices
    open_s: int
    latest_s: int
    dwell_s: int
    prize: float
    penalty: int
    must: bool
    allowed: tuple[int, ...]  # squads (positions) that can serve it
    desa: str
    kecamatan: str


@dataclass
class _Triage:
    """The venues split into candidates and dropped ones (with their reason)."""

    kept: list[_Candidate] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    unmet: list[tuple[str, str]] = field(default_factory=list)
    total_priority: float = 0.0

    def drop(self, vid: str, reason: DropReason, prio: float, must: bool, detail: str = "") -> None:
        self.dropped.append(Dropped(vid, reason, prio, detail))
        if must:
            self.unmet.append((vid, reason))


def _is_active(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return bool(value)


def _dwell_s(value: Any, default_min: float) -> int:
    """The visit's length in seconds: the venue's ``dwell_min`` (never under 10) or the default."""
    try:
        dwell_min = float(value) if value is not None else default_min
    except (TypeError, ValueError):
        dwell_min = default_min
    if not math.isfinite(dwell_min):
        dwell_min = default_min
    return round(max(10.0, dwell_min) * 60)


def _best_window(
    windows: Sequence[Window],
    *,
    node: int,
    dwell_s: int,
    area_ok: Sequence[int],
    squads: Sequence[Squad],
    shifts: Sequence[tuple[int, int]],
    index: Mapping[str, int],
    travel_s: Mapping[str, np.ndarray],
) -> tuple[tuple[int, int], tuple[int, ...]] | DropReason:
    """The opening piece usable by the most allowed squads (then the longest overlap with their
    shifts) as ``((open_s, latest_start_s), squads)``, or why none is: ``"unreachable"`` (open
    during a shift but nobody gets there and back in time), else ``"closed"``."""
    best: tuple[tuple[int, int], tuple[int, int], list[int]] | None = None
    any_overlap = False
    for w in windows:
        w_open, w_close = w.start_min * 60, w.end_min * 60
        latest = w_close - dwell_s
        fits: list[int] = []
        overlap = 0
        for k in area_ok:
            sh0, sh1 = shifts[k]
            if min(w_close, sh1) - max(w_open, sh0) > 0:
                any_overlap = True
            if latest < w_open:
                continue
            sq = squads[k]
            t = np.asarray(travel_s[sq.vehicle])
            st = index[sq.station_id]
            start = max(w_open, sh0 + int(t[st, node]))
            if start <= latest and start + dwell_s + int(t[node, st]) <= sh1:
                fits.append(k)
                overlap += min(w_close, sh1) - max(w_open, sh0)
        key = (len(fits), overlap)
        if fits and (best is None or key > best[0]):
            best = (key, (w_open, latest), fits)
    if best is None:
        return "unreachable" if any_overlap else "closed"
    return best[1], tuple(best[2])


def _no_road(
    squad: Squad, node: int, index: Mapping[str, int], travel_s: Mapping[str, np.ndarray]
) -> bool:
    """No road from the squad's station to matrix row ``node`` or back (with its vehicle)."""
    t = np.asarray(travel_s[squad.vehicle])
    st = index[squad.station_id]
    return bool(t[st, node] >= NO_ROAD_S or t[node, st] >= NO_ROAD_S)


def _triage(
    *,
    night: Night,
    venues: pd.DataFrame,
    scores: pd.DataFrame,
    squads: Sequence[Squad],
    index: Mapping[str, int],
    travel_s: Mapping[str, np.ndarray],
    unreachable: Mapping[str, str],
    settings: Settings,
) -> _Triage:
    """Each venue kept as a candidate or dropped with the first reason that applies."""
    score_by_id: dict[str, Any] = {
        str(r.venue_id): r for r in scores.reset_index(drop=True).itertuples(index=False)
    }
    weekday = night.date.weekday()
    rate_s = settings.routing.exchange_rate_min * 60.0
    default_dwell = float(settings.kinds.default_dwell_min)
    shifts = [(sq.shift.start_min * 60, sq.shift.end_min * 60) for sq in squads]
    out = _Triage()
    for row in venues.itertuples(index=False):
        vid = str(row.venue_id)
        sc = score_by_id[vid]
        prio = float(sc.priority)
        if not math.isfinite(prio) or prio < 0:
            prio = 0.0
        must = bool(getattr(sc, "must_visit", False))
        if not _is_active(getattr(row, "active", True)):
            out.drop(vid, "inactive", prio, must)
            continue
        if bool(getattr(sc, "excluded", False)):
            out.dropped.append(Dropped(vid, "excluded", prio))
            continue  # an excluded venue is not a candidate (not in the total)
        out.total_priority += prio
        closed_days = getattr(row, "closed_days", None) or frozenset()
        if isinstance(closed_days, float):
            closed_days = frozenset()
        if weekday in set(closed_days):
            out.drop(vid, "closed", prio, must, "closed_days")
            continue
        if vid in unreachable:
            out.drop(vid, "unreachable", prio, must, str(unreachable[vid]))
            continue
        kec = str(row.kecamatan)
        area_ok = [k for k, sq in enumerate(squads) if sq.may_visit(kec)]
        if not area_ok:
            out.drop(vid, "outside_area", prio, must, kec)
            continue
        dwell_s = _dwell_s(getattr(row, "dwell_min", None), default_dwell)
        node = index[vid]
        best = _best_window(
            tuple(row.windows or ()), node=node, dwell_s=dwell_s, area_ok=area_ok,
            squads=squads, shifts=shifts, index=index, travel_s=travel_s,
        )  # fmt: skip
        if isinstance(best, str):
            detail = "shifts"
            if best == "unreachable":
                no_road = all(_no_road(squads[k], node, index, travel_s) for k in area_ok)
                detail = "no_road" if no_road else "in_time"
            out.drop(vid, best, prio, must, detail)
            continue
        (open_s, latest_s), allowed = best
        out.kept.append(
            _Candidate(
                venue_id=vid,
                node=node,
                open_s=open_s,
                latest_s=latest_s,
                dwell_s=dwell_s,
                prize=prio,
                penalty=round(prio * rate_s),
                must=must,
                allowed=allowed,
                desa=str(row.desa_code),
                kecamatan=kec,
            )
        )
    return out


def _assemble(
    *,
    night: Night,
    triage: _Triage,
    squads: Sequence[Squad],
    stations: pd.DataFrame,
    index: Mapping[str, int],
    travel_s: Mapping[str, np.ndarray],
    dist_m: Mapping[str, Any],
    settings: Settings,
    take_travel: TakeTravel | None = None,
) -> NightProblem:
    """The squads' stations as depots, then the candidates: the arrays of the problem."""
    rcfg = settings.routing
    kept = triage.kept
    station_kec = {str(r.station_id): str(r.kecamatan) for r in stations.itertuples(index=False)}
    depot_ids = list(dict.fromkeys(sq.station_id for sq in squads))
    profiles = tuple(sorted({sq.vehicle for sq in squads}))
    prof_ix = {p: i for i, p in enumerate(profiles)}
    shifts = [(sq.shift.start_min * 60, sq.shift.end_min * 60) for sq in squads]
    all_ids = depot_ids + [v.venue_id for v in kept]
    sel = np.array([index[i] for i in all_ids], dtype=np.int64)
    n_dep = len(depot_ids)
    n = len(all_ids)
    horizon_lo = min((s0 for s0, _ in shifts), default=0)
    horizon_hi = max((s1 for _, s1 in shifts), default=0)
    desa_codes = tuple(sorted({v.desa for v in kept}))
    desa_ix = {d: i for i, d in enumerate(desa_codes)}
    allowed = np.zeros((len(squads), n), dtype=bool)
    for j, v in enumerate(kept):
        allowed[list(v.allowed), n_dep + j] = True
    # the matrices between tonight's nodes: the travel seconds taken over from the network's
    # matrices, or one int32 copy (filled a profile at a time, no stack of temporaries);
    # distances shared with the network's when compact
    if take_travel is not None:
        travel = take_travel(profiles, sel, n_dep)
        if travel.shape != (len(profiles), n, n) or travel.dtype != np.int32:
            raise ValueError(f"take_travel gave {travel.dtype} {travel.shape}, not ({n}, {n})")
    else:
        travel = np.empty((len(profiles), n, n), dtype=np.int32)
        step = max(1, (1 << 22) // max(1, len(index)))  # rows per block: 16 MB of int32
        for k, p in enumerate(profiles):
            full = _int32_checked(np.asarray(travel_s[p]))
            for lo in range(0, n, step):
                travel[k, lo : lo + step] = full[np.ix_(sel[lo : lo + step], sel)]
    travel.flags.writeable = False
    dists = [dist_m[p] for p in profiles]
    if dists and all(_is_compact(d) for d in dists):
        dist: Any = type(dists[0]).stack([d.take(sel) for d in dists])
    else:
        dist = (
            np.stack([np.asarray(d, dtype=np.float64)[np.ix_(sel, sel)] for d in dists])
            if profiles
            else np.zeros((0, n, n))
        )
    return NightProblem(
        night=night,
        node_ids=tuple(all_ids),
        n_depots=n_dep,
        open_s=np.asarray([horizon_lo] * n_dep + [v.open_s for v in kept], dtype=np.int64),
        latest_start_s=np.asarray(
            [horizon_hi] * n_dep + [v.latest_s for v in kept], dtype=np.int64
        ),
        dwell_s=np.asarray([0] * n_dep + [v.dwell_s for v in kept], dtype=np.int64),
        prize=np.asarray([0.0] * n_dep + [v.prize for v in kept], dtype=np.float64),
        penalty=np.asarray([0] * n_dep + [v.penalty for v in kept], dtype=np.int64),
        must_visit=np.asarray([False] * n_dep + [v.must for v in kept], dtype=bool),
        allowed=allowed,
        desa_group=np.asarray([-1] * n_dep + [desa_ix[v.desa] for v in kept], dtype=np.int64),
        desa_codes=desa_codes,
        kecamatan=tuple(station_kec.get(d, "") for d in depot_ids)
        + tuple(v.kecamatan for v in kept),
        squad_ids=tuple(sq.squad_id for sq in squads),
        start_node=np.asarray([depot_ids.index(sq.station_id) for sq in squads], dtype=np.int64),
        end_node=np.asarray([depot_ids.index(sq.station_id) for sq in squads], dtype=np.int64),
        shift_start_s=np.asarray([s0 for s0, _ in shifts], dtype=np.int64),
        shift_end_s=np.asarray([s1 for _, s1 in shifts], dtype=np.int64),
        squad_profile=np.asarray([prof_ix[sq.vehicle] for sq in squads], dtype=np.int64),
        profiles=profiles,
        travel_s=travel,
        dist_m=dist,
        max_stops=rcfg.max_stops_per_squad,
        max_per_desa=rcfg.max_per_desa,
        desa_decay=rcfg.desa_decay,
        total_priority=triage.total_priority,
        dropped=tuple(triage.dropped),
        unmet_must_visit=tuple(triage.unmet),
        exchange_rate_min=rcfg.exchange_rate_min,
    )


__all__ = [
    "NightProblem",
    "SolveResult",
    "SolveStatus",
    "build_problem",
    "curve_weights",
    "desa_ranks",
    "sub_distances",
]
