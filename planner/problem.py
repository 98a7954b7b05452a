"""Compile tonight's routing problem into an immutable :class:`NightProblem`.

The solver (``routing.py``) and the checker (``check.py``) only ever see the compiled form:
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
from collections.abc import Mapping, Sequence
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
    Route,
    Squad,
    Stop,
    Window,
)
from planner.errors import Msg, ProblemCollector, msg

PROBLEM_FORMAT = "warkop-night-problem"
PROBLEM_VERSION = 1
PLAN_FORMAT = "warkop-plan"
PLAN_VERSION = 1

DROP_REASON_TEXT: dict[str, Msg] = {
    "not_worth": msg(
        "prioritas tidak sebanding dengan jarak tempuh", "priority did not pay for the detour"
    ),
    "no_fit": msg(
        "tidak muat dalam shift regu mana pun bersama lokasi yang lebih penting",
        "could not fit into any squad's shift together with better venues",
    ),
    "unreachable": msg(
        "tidak terjangkau tepat waktu dari pos mana pun",
        "not reachable in time from any station",
    ),
    "outside_area": msg(
        "di luar wilayah semua regu malam ini", "outside every squad's area tonight"
    ),
    "closed": msg("tutup selama shift semua regu", "closed during every squad's shift"),
    "excluded": msg("dikecualikan oleh pimpinan malam ini", "excluded by command tonight"),
    "inactive": msg("ditandai tidak aktif", "marked inactive"),
}
"""How a person reads each drop reason (and each unmet must-visit reason)."""


def _frozen(arr: Any, dtype: Any) -> np.ndarray:
    out = np.array(arr, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


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
        (integers, zero diagonal).
    dist_m
        ``dist_m[p, i, j]``: metres of that leg.
    max_stops
        At most this many venues per squad, or None.
    max_per_desa
        At most this many venues of one desa per night (all squads together), or None.
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
    dist_m: np.ndarray
    max_stops: int | None = None
    max_per_desa: int | None = None
    total_priority: float = 0.0
    dropped: tuple[Dropped, ...] = ()
    unmet_must_visit: tuple[tuple[str, str], ...] = ()
    exchange_rate_min: float = 10.0
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
        allowed = _frozen(self.allowed, bool)
        if allowed.shape != (k, n):
            raise ValueError(f"allowed must have shape ({k}, {n}), got {allowed.shape}")
        s(self, "allowed", allowed)
        travel = _frozen(self.travel_s, np.int64)
        dist = _frozen(self.dist_m, np.float64)
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
        if (travel < 0).any():
            raise ValueError("travel times must be non-negative")
        if self.allowed[:, : self.n_depots].any():
            raise ValueError("depots cannot be visited")
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

    def node_of(self, node_id: str) -> int:
        """The node number of a station or venue id (``KeyError`` if unknown)."""
        return self._index[node_id]

    def travel(self, squad: int) -> np.ndarray:
        """The travel-time matrix (seconds) of squad ``squad``'s vehicle profile."""
        return self.travel_s[self.squad_profile[squad]]

    def distance(self, squad: int) -> np.ndarray:
        """The distance matrix (metres) of squad ``squad``'s vehicle profile."""
        return self.dist_m[self.squad_profile[squad]]

    def replace(self, **changes: Any) -> NightProblem:
        """A copy with some fields changed (validated again): ``p.replace(max_stops=5)``."""
        return dataclasses.replace(self, **changes)

    # ---------------------------------------------------------------- JSON
    def to_json(self) -> dict[str, Any]:
        """The problem as a JSON-ready dict (format ``warkop-night-problem`` v1).

        See ``docs/plan-format.md``. Matrices are nested lists of integers (travel) and
        metres rounded to 0.1 m.
        """
        return {
            "format": PROBLEM_FORMAT,
            "version": PROBLEM_VERSION,
            "night": self.night.date.isoformat(),
            "time_unit": "seconds after 12:00 WIB of the night's date",
            "n_depots": self.n_depots,
            "nodes": [
                {
                    "id": nid,
                    "kind": "depot" if i < self.n_depots else "venue",
                    "open_s": int(self.open_s[i]),
                    "latest_start_s": int(self.latest_start_s[i]),
                    "dwell_s": int(self.dwell_s[i]),
                    "prize": float(self.prize[i]),
                    "penalty": int(self.penalty[i]),
                    "must_visit": bool(self.must_visit[i]),
                    "desa": (
                        self.desa_codes[self.desa_group[i]] if self.desa_group[i] >= 0 else None
                    ),
                    "kecamatan": self.kecamatan[i],
                    "allowed_squads": [
                        self.squad_ids[k] for k in np.flatnonzero(self.allowed[:, i])
                    ],
                }
                for i, nid in enumerate(self.node_ids)
            ],
            "squads": [
                {
                    "id": sid,
                    "start": self.node_ids[self.start_node[k]],
                    "end": self.node_ids[self.end_node[k]],
                    "shift_start_s": int(self.shift_start_s[k]),
                    "shift_end_s": int(self.shift_end_s[k]),
                    "profile": self.profiles[self.squad_profile[k]],
                }
                for k, sid in enumerate(self.squad_ids)
            ],
            "profiles": list(self.profiles),
            "travel_s": {p: self.travel_s[i].tolist() for i, p in enumerate(self.profiles)},
            "dist_m": {
                p: np.round(self.dist_m[i], 1).tolist() for i, p in enumerate(self.profiles)
            },
            "max_stops": self.max_stops,
            "max_per_desa": self.max_per_desa,
            "total_priority": self.total_priority,
            "exchange_rate_min": self.exchange_rate_min,
            "dropped": [dataclasses.asdict(d) for d in self.dropped],
            "unmet_must_visit": [list(u) for u in self.unmet_must_visit],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, file: str = "problem.json") -> NightProblem:
        """Read a problem written by :meth:`to_json`.

        Raises
        ------
        InputError
            If the format, version or any field is wrong (the JSON key is the column).
        """
        bag = ProblemCollector(file)
        if not isinstance(data, Mapping) or data.get("format") != PROBLEM_FORMAT:
            bag.add(
                column="format",
                value=data.get("format") if isinstance(data, Mapping) else type(data).__name__,
                expected=msg(
                    f"'{PROBLEM_FORMAT}' (berkas dari --export-problem)",
                    f"'{PROBLEM_FORMAT}' (a file written by --export-problem)",
                ),
            )
            bag.raise_if_any()
        if data.get("version") != PROBLEM_VERSION:
            bag.add(
                column="version",
                value=data.get("version"),
                expected=msg(f"versi {PROBLEM_VERSION}", f"version {PROBLEM_VERSION}"),
            )
            bag.raise_if_any()
        try:
            nodes = data["nodes"]
            ids = [str(nd["id"]) for nd in nodes]
            squads = data["squads"]
            sq_ids = [str(sq["id"]) for sq in squads]
            profiles = [str(p) for p in data["profiles"]]
            desa_codes = sorted({nd["desa"] for nd in nodes if nd.get("desa") is not None})
            desa_ix = {d: i for i, d in enumerate(desa_codes)}
            index = {nid: i for i, nid in enumerate(ids)}
            sq_index = {sid: k for k, sid in enumerate(sq_ids)}
            allowed = np.zeros((len(sq_ids), len(ids)), dtype=bool)
            for i, nd in enumerate(nodes):
                for sid in nd.get("allowed_squads", []):
                    allowed[sq_index[sid], i] = True
            return cls(
                night=Night.parse(str(data["night"])),
                node_ids=tuple(ids),
                n_depots=int(data["n_depots"]),
                open_s=np.asarray([int(nd["open_s"]) for nd in nodes], dtype=np.int64),
                latest_start_s=np.asarray(
                    [int(nd["latest_start_s"]) for nd in nodes], dtype=np.int64
                ),
                dwell_s=np.asarray([int(nd["dwell_s"]) for nd in nodes], dtype=np.int64),
                prize=np.asarray([float(nd["prize"]) for nd in nodes], dtype=np.float64),
                penalty=np.asarray([int(nd["penalty"]) for nd in nodes], dtype=np.int64),
                must_visit=np.asarray([bool(nd["must_visit"]) for nd in nodes], dtype=bool),
                allowed=allowed,
                desa_group=np.asarray(
                    [desa_ix[nd["desa"]] if nd.get("desa") is not None else -1 for nd in nodes],
                    dtype=np.int64,
                ),
                desa_codes=tuple(desa_codes),
                kecamatan=tuple(str(nd.get("kecamatan") or "") for nd in nodes),
                squad_ids=tuple(sq_ids),
                start_node=np.asarray([index[sq["start"]] for sq in squads], dtype=np.int64),
                end_node=np.asarray([index[sq["end"]] for sq in squads], dtype=np.int64),
                shift_start_s=np.asarray(
                    [int(sq["shift_start_s"]) for sq in squads], dtype=np.int64
                ),
                shift_end_s=np.asarray([int(sq["shift_end_s"]) for sq in squads], dtype=np.int64),
                squad_profile=np.asarray(
                    [profiles.index(sq["profile"]) for sq in squads], dtype=np.int64
                ),
                profiles=tuple(profiles),
                travel_s=np.array([data["travel_s"][p] for p in profiles], dtype=np.int64),
                dist_m=np.array([data["dist_m"][p] for p in profiles], dtype=np.float64),
                max_stops=data.get("max_stops"),
                max_per_desa=data.get("max_per_desa"),
                total_priority=float(data.get("total_priority", 0.0)),
                dropped=tuple(Dropped(**d) for d in data.get("dropped", [])),
                unmet_must_visit=tuple(
                    (str(a), str(b)) for a, b in data.get("unmet_must_visit", [])
                ),
                exchange_rate_min=float(data.get("exchange_rate_min", 10.0)),
            )
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            bag.add(
                value=f"{type(exc).__name__}: {exc}",
                expected=msg(
                    "masalah malam yang lengkap dan konsisten (lihat docs/plan-format.md)",
                    "a complete, consistent night problem (see docs/plan-format.md)",
                ),
            )
            bag.raise_if_any()
            raise AssertionError("unreachable") from None


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
        The plan, already verified by ``check.verify``.
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
    dist_m: Mapping[str, np.ndarray],
    unreachable: Mapping[str, str] | None = None,
    settings: Settings,
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
    bag = ProblemCollector("venues")
    rcfg = settings.routing
    index = {str(nid): i for i, nid in enumerate(node_ids)}
    if len(index) != len(node_ids):
        bag.add(
            file="matrix",
            column="node_ids",
            value=len(node_ids) - len(index),
            expected=msg("id simpul yang unik", "unique node ids"),
        )
    n_in = len(node_ids)
    # ---- matrices
    for what, mats in (("travel_s", travel_s), ("dist_m", dist_m)):
        for prof, mat in mats.items():
            arr = np.asarray(mat)
            if arr.shape != (n_in, n_in):
                bag.add(
                    file="matrix",
                    column=f"{what}[{prof}]",
                    value=arr.shape,
                    expected=msg(f"matriks {n_in}×{n_in}", f"a {n_in}×{n_in} matrix"),
                )
            elif not np.isfinite(arr).all() or (arr < 0).any():
                bag.add(
                    file="matrix",
                    column=f"{what}[{prof}]",
                    value="NaN/negatif",
                    expected=msg("angka ≥ 0", "numbers ≥ 0"),
                )
    # ---- squads and stations
    station_kec = {str(r.station_id): str(r.kecamatan) for r in stations.itertuples(index=False)}
    for pos, sq in enumerate(squads):
        if sq.station_id not in station_kec:
            bag.add(
                file="squads.toml",
                row=pos + 1,
                column="station_id",
                value=sq.station_id,
                expected=msg("station_id dari stations.csv", "a station_id of stations.csv"),
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
    # ---- venues and scores
    venues = venues.reset_index(drop=True)
    for col in ("venue_id", "kecamatan", "desa_code", "windows"):
        if col not in venues.columns:
            bag.add(column=col, expected=msg("kolom wajib", "a required column"))
    for col in ("venue_id", "priority"):
        if col not in scores.columns:
            bag.add(file="scores", column=col, expected=msg("kolom wajib", "a required column"))
    bag.raise_if_any()
    score_by_id: dict[str, Any] = {
        str(r.venue_id): r for r in scores.reset_index(drop=True).itertuples(index=False)
    }
    for pos, vid in enumerate(venues["venue_id"].astype(str)):
        if vid not in score_by_id:
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

    profiles = tuple(sorted({sq.vehicle for sq in squads}))
    prof_ix = {p: i for i, p in enumerate(profiles)}
    depot_ids: list[str] = []
    for sq in squads:
        if sq.station_id not in depot_ids:
            depot_ids.append(sq.station_id)
    weekday = night.date.weekday()
    rate_s = rcfg.exchange_rate_min * 60.0
    default_dwell = float(settings.kinds.default_dwell_min)

    kept: list[dict[str, Any]] = []
    dropped: list[Dropped] = []
    unmet: list[tuple[str, str]] = []
    total_priority = 0.0
    shifts = [(sq.shift.start_min * 60, sq.shift.end_min * 60) for sq in squads]

    def drop(vid: str, reason: DropReason, prio: float, must: bool, detail: str = "") -> None:
        dropped.append(Dropped(vid, reason, prio, detail))
        if must:
            unmet.append((vid, reason))

    for row in venues.itertuples(index=False):
        vid = str(row.venue_id)
        sc = score_by_id[vid]
        prio = float(sc.priority)
        if not math.isfinite(prio) or prio < 0:
            prio = 0.0
        must = bool(getattr(sc, "must_visit", False))
        excluded = bool(getattr(sc, "excluded", False))
        active = getattr(row, "active", True)
        active = (
            True
            if active is None or (isinstance(active, float) and math.isnan(active))
            else bool(active)
        )
        if not active:
            drop(vid, "inactive", prio, must)
            continue
        if excluded:
            dropped.append(Dropped(vid, "excluded", prio))
            continue  # an excluded venue is not a candidate (not in the total)
        total_priority += prio
        closed_days = getattr(row, "closed_days", None) or frozenset()
        if isinstance(closed_days, float):
            closed_days = frozenset()
        if weekday in set(closed_days):
            drop(vid, "closed", prio, must, "closed_days")
            continue
        if vid in unreachable:
            drop(vid, "unreachable", prio, must, str(unreachable[vid]))
            continue
        kec = str(row.kecamatan)
        area_ok = [k for k, sq in enumerate(squads) if sq.may_visit(kec)]
        if not area_ok:
            drop(vid, "outside_area", prio, must, kec)
            continue
        dwell = getattr(row, "dwell_min", None)
        try:
            dwell_min = float(dwell) if dwell is not None else default_dwell
        except (TypeError, ValueError):
            dwell_min = default_dwell
        if not math.isfinite(dwell_min):
            dwell_min = default_dwell
        dwell_s = round(max(10.0, dwell_min) * 60)
        windows: tuple[Window, ...] = tuple(row.windows or ())
        node = index[vid]
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
            if any_overlap:
                drop(vid, "unreachable", prio, must, "in_time")
            else:
                drop(vid, "closed", prio, must, "shifts")
            continue
        kept.append(
            {
                "venue_id": vid,
                "node": node,
                "open_s": best[1][0],
                "latest_s": best[1][1],
                "dwell_s": dwell_s,
                "prize": prio,
                "penalty": round(prio * rate_s),
                "must": must,
                "allowed": best[2],
                "desa": str(row.desa_code),
                "kecamatan": kec,
            }
        )

    # ---- assemble arrays
    all_ids = depot_ids + [v["venue_id"] for v in kept]
    sel = np.array([index[i] for i in all_ids], dtype=np.int64)
    n_dep = len(depot_ids)
    n = len(all_ids)
    horizon_lo = min((s0 for s0, _ in shifts), default=0)
    horizon_hi = max((s1 for _, s1 in shifts), default=0)
    desa_codes = tuple(sorted({v["desa"] for v in kept}))
    desa_ix = {d: i for i, d in enumerate(desa_codes)}
    allowed = np.zeros((len(squads), n), dtype=bool)
    for j, v in enumerate(kept):
        allowed[v["allowed"], n_dep + j] = True
    travel = (
        np.stack([np.asarray(travel_s[p], dtype=np.int64)[np.ix_(sel, sel)] for p in profiles])
        if profiles
        else np.zeros((0, n, n), dtype=np.int64)
    )
    dist = (
        np.stack([np.asarray(dist_m[p], dtype=np.float64)[np.ix_(sel, sel)] for p in profiles])
        if profiles
        else np.zeros((0, n, n))
    )
    return NightProblem(
        night=night,
        node_ids=tuple(all_ids),
        n_depots=n_dep,
        open_s=np.asarray([horizon_lo] * n_dep + [v["open_s"] for v in kept], dtype=np.int64),
        latest_start_s=np.asarray(
            [horizon_hi] * n_dep + [v["latest_s"] for v in kept], dtype=np.int64
        ),
        dwell_s=np.asarray([0] * n_dep + [v["dwell_s"] for v in kept], dtype=np.int64),
        prize=np.asarray([0.0] * n_dep + [v["prize"] for v in kept], dtype=np.float64),
        penalty=np.asarray([0] * n_dep + [v["penalty"] for v in kept], dtype=np.int64),
        must_visit=np.asarray([False] * n_dep + [v["must"] for v in kept], dtype=bool),
        allowed=allowed,
        desa_group=np.asarray([-1] * n_dep + [desa_ix[v["desa"]] for v in kept], dtype=np.int64),
        desa_codes=desa_codes,
        kecamatan=tuple(station_kec.get(d, "") for d in depot_ids)
        + tuple(v["kecamatan"] for v in kept),
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
        total_priority=total_priority,
        dropped=tuple(dropped),
        unmet_must_visit=tuple(unmet),
        exchange_rate_min=rcfg.exchange_rate_min,
    )


# ------------------------------------------------------------------------ synthetic


def synthetic_problem(
    xy_m: Sequence[Sequence[float]] | np.ndarray,
    *,
    n_depots: int,
    squads: Sequence[tuple[int, int, int]],
    windows_s: Sequence[tuple[int, int]] | None = None,
    dwell_s: Sequence[int] | int = 600,
    prize: Sequence[float] | None = None,
    penalty: Sequence[int] | None = None,
    speed_mps: float = 10.0,
    allowed: np.ndarray | None = None,
    must_visit: Sequence[bool] | None = None,
    desa: Sequence[str] | None = None,
    max_stops: int | None = None,
    max_per_desa: int | None = None,
    exchange_rate_min: float = 10.0,
    night: Night | None = None,
) -> NightProblem:
    """A problem on a plane, for tests, notebooks and benchmarks (no road network).

    Parameters
    ----------
    xy_m
        Coordinates in metres of every node: ``n_depots`` depots first, then the venues.
    squads
        Per squad ``(depot node, shift_start_s, shift_end_s)``; it returns to the same depot.
    windows_s
        Per venue ``(open_s, latest_start_s)``; default: the whole span of the shifts.
    dwell_s
        Per venue (or one value for all).
    prize
        Per venue priority (default 1); ``penalty`` defaults to ``prize × exchange rate``.
    speed_mps
        Travel time = distance / speed, rounded *up* to whole seconds (a plan feasible in
        integers stays feasible with exact distances).
    allowed
        ``(n_squads, n_venues)`` jurisdiction mask (default: everybody everywhere).
    """
    xy = np.asarray(xy_m, dtype=np.float64)
    n = len(xy)
    nv = n - n_depots
    lo = min((s[1] for s in squads), default=0)
    hi = max((s[2] for s in squads), default=0)
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    travel = np.ceil(dist / speed_mps - 1e-9).astype(np.int64)
    windows = list(windows_s) if windows_s is not None else [(lo, hi)] * nv
    dwell = [dwell_s] * nv if isinstance(dwell_s, int) else list(dwell_s)
    prizes = [1.0] * nv if prize is None else [float(p) for p in prize]
    pens = (
        [round(p * exchange_rate_min * 60) for p in prizes]
        if penalty is None
        else [int(p) for p in penalty]
    )
    allow = np.ones((len(squads), nv), dtype=bool) if allowed is None else np.asarray(allowed)
    desa_names = list(desa) if desa is not None else [f"D{i}" for i in range(nv)]
    codes = tuple(sorted(set(desa_names)))
    return NightProblem(
        night=night or Night.parse("2025-01-01"),
        node_ids=tuple(f"S{i}" for i in range(n_depots)) + tuple(f"V{i}" for i in range(1, nv + 1)),
        n_depots=n_depots,
        open_s=np.asarray([lo] * n_depots + [w[0] for w in windows], dtype=np.int64),
        latest_start_s=np.asarray([hi] * n_depots + [w[1] for w in windows], dtype=np.int64),
        dwell_s=np.asarray([0] * n_depots + dwell, dtype=np.int64),
        prize=np.asarray([0.0] * n_depots + prizes, dtype=np.float64),
        penalty=np.asarray([0] * n_depots + pens, dtype=np.int64),
        must_visit=np.asarray(
            [False] * n_depots + (list(must_visit) if must_visit is not None else [False] * nv),
            dtype=bool,
        ),
        allowed=np.hstack([np.zeros((len(squads), n_depots), dtype=bool), allow]),
        desa_group=np.asarray(
            [-1] * n_depots + [codes.index(d) for d in desa_names], dtype=np.int64
        ),
        desa_codes=codes,
        kecamatan=("",) * n,
        squad_ids=tuple(f"R{k + 1}" for k in range(len(squads))),
        start_node=np.asarray([s[0] for s in squads], dtype=np.int64),
        end_node=np.asarray([s[0] for s in squads], dtype=np.int64),
        shift_start_s=np.asarray([s[1] for s in squads], dtype=np.int64),
        shift_end_s=np.asarray([s[2] for s in squads], dtype=np.int64),
        squad_profile=np.asarray([0] * len(squads), dtype=np.int64),
        profiles=("synthetic",),
        travel_s=travel[None],
        dist_m=dist[None],
        max_stops=max_stops,
        max_per_desa=max_per_desa,
        total_priority=float(sum(prizes)),
        exchange_rate_min=exchange_rate_min,
    )


# ------------------------------------------------------------------------ plan totals


def plan_totals(plan: Plan, problem: NightProblem) -> dict[str, Any]:
    """The totals a person reads under a plan.

    Returns a dict with ``collected`` (priority), ``total_priority``, ``share``, ``visits``,
    ``desa`` and ``kecamatan`` (how many distinct ones were visited), ``travel_s``,
    ``dist_m``, ``wait_s``, ``squads_used``.
    """
    desa: set[str] = set()
    kec: set[str] = set()
    for r in plan.routes:
        for s in r.stops:
            i = problem._index.get(s.venue_id)
            if i is None:
                continue
            if problem.desa_group[i] >= 0:
                desa.add(problem.desa_codes[problem.desa_group[i]])
            kec.add(problem.kecamatan[i])
    collected = plan.collected
    return {
        "collected": round(collected, 6),
        "total_priority": round(plan.total_priority, 6),
        "share": round(collected / plan.total_priority, 6) if plan.total_priority > 0 else 0.0,
        "visits": plan.visits,
        "desa": len(desa),
        "kecamatan": len(kec),
        "travel_s": int(sum(r.travel_s for r in plan.routes)),
        "dist_m": round(sum(r.dist_m for r in plan.routes), 1),
        "wait_s": int(sum(s.wait_s for r in plan.routes for s in r.stops)),
        "squads_used": sum(1 for r in plan.routes if r.stops),
    }


# ------------------------------------------------------------------------ plan JSON


def plan_to_json(
    plan: Plan,
    problem: NightProblem | None = None,
    result: SolveResult | None = None,
    *,
    settings: Settings | None = None,
    embed_problem: bool = False,
) -> dict[str, Any]:
    """The plan as a JSON-ready dict (format ``warkop-plan`` v1, see docs/plan-format.md).

    ``problem`` adds the totals (desa and kecamatan covered); ``result`` adds the solver
    status, objective, wall time and stats; ``settings`` records the routing settings used;
    ``embed_problem`` includes the whole compiled problem so ``planner check`` needs no
    second file.
    """
    out: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "night": plan.night.date.isoformat(),
        "time_unit": "seconds after 12:00 WIB of the night's date",
        "routes": [
            {
                "squad_id": r.squad_id,
                "station_id": r.station_id,
                "depart_s": r.depart_s,
                "return_s": r.return_s,
                "return_travel_s": r.return_travel_s,
                "return_dist_m": r.return_dist_m,
                "stops": [
                    {
                        "venue_id": s.venue_id,
                        "arrival_s": s.arrival_s,
                        "start_s": s.start_s,
                        "departure_s": s.departure_s,
                        "travel_s": s.travel_s,
                        "dist_m": s.dist_m,
                        "priority": s.priority,
                    }
                    for s in r.stops
                ],
            }
            for r in plan.routes
        ],
        "dropped": [dataclasses.asdict(d) for d in plan.dropped],
        "unmet_must_visit": [list(u) for u in plan.unmet_must_visit],
        "total_priority": plan.total_priority,
    }
    if problem is not None:
        out["totals"] = plan_totals(plan, problem)
    if result is not None:
        out["solver"] = {
            "status": result.status,
            "objective": int(result.objective),
            "wall_s": round(result.wall_s, 3),
            "stats": _jsonable(result.stats),
        }
    if settings is not None:
        out["settings"] = {"routing": settings.routing.model_dump()}
    if embed_problem and problem is not None:
        out["problem"] = problem.to_json()
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def plan_from_json(data: Mapping[str, Any], *, file: str = "plan.json") -> Plan:
    """Read a plan written by :func:`plan_to_json` (the solver section goes to ``meta``).

    Raises
    ------
    InputError
        If the format or version is wrong or a field is missing or malformed.
    """
    bag = ProblemCollector(file)
    if not isinstance(data, Mapping) or data.get("format") != PLAN_FORMAT:
        bag.add(
            column="format",
            value=data.get("format") if isinstance(data, Mapping) else type(data).__name__,
            expected=msg(f"'{PLAN_FORMAT}'", f"'{PLAN_FORMAT}'"),
        )
        bag.raise_if_any()
    if data.get("version") != PLAN_VERSION:
        bag.add(
            column="version",
            value=data.get("version"),
            expected=msg(f"versi {PLAN_VERSION}", f"version {PLAN_VERSION}"),
        )
        bag.raise_if_any()
    routes = []
    for ri, r in enumerate(data.get("routes", [])):
        try:
            stops = tuple(
                Stop(
                    venue_id=str(s["venue_id"]),
                    arrival_s=int(s["arrival_s"]),
                    start_s=int(s["start_s"]),
                    departure_s=int(s["departure_s"]),
                    travel_s=int(s["travel_s"]),
                    dist_m=float(s["dist_m"]),
                    priority=float(s["priority"]),
                )
                for s in r["stops"]
            )
            routes.append(
                Route(
                    squad_id=str(r["squad_id"]),
                    station_id=str(r["station_id"]),
                    depart_s=int(r["depart_s"]),
                    return_s=int(r["return_s"]),
                    stops=stops,
                    return_travel_s=int(r["return_travel_s"]),
                    return_dist_m=float(r["return_dist_m"]),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            bag.add(
                column=f"routes[{ri}]",
                value=f"{type(exc).__name__}: {exc}",
                expected=msg("rute yang lengkap dan konsisten", "a complete, consistent route"),
            )
    dropped = []
    for di, d in enumerate(data.get("dropped", [])):
        try:
            dropped.append(Dropped(**d))
        except TypeError as exc:
            bag.add(column=f"dropped[{di}]", value=str(exc), expected=msg("venue", "a venue"))
    try:
        night = Night.parse(str(data.get("night")))
    except ValueError:
        bag.add(column="night", value=data.get("night"), expected=msg("YYYY-MM-DD", "YYYY-MM-DD"))
    bag.raise_if_any()
    meta: dict[str, object] = {}
    for key in ("solver", "settings", "totals"):
        if key in data:
            meta[key] = data[key]
    return Plan(
        night=night,
        routes=tuple(routes),
        dropped=tuple(dropped),
        total_priority=float(data.get("total_priority", 0.0)),
        unmet_must_visit=tuple((str(a), str(b)) for a, b in data.get("unmet_must_visit", [])),
        meta=meta,
    )


__all__ = [
    "DROP_REASON_TEXT",
    "PLAN_FORMAT",
    "PLAN_VERSION",
    "PROBLEM_FORMAT",
    "PROBLEM_VERSION",
    "NightProblem",
    "SolveResult",
    "SolveStatus",
    "build_problem",
    "plan_from_json",
    "plan_to_json",
    "plan_totals",
    "synthetic_problem",
]
