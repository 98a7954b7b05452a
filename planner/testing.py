"""Synthetic data that tests, notebooks and benchmarks share (no geography, no files).

:func:`synthetic_problem` builds a :class:`~planner.problem.NightProblem` on a plane, so the
solver and the checker can be exercised on tiny nights whose answer is known.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from planner.domain import Night
from planner.problem import NightProblem


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
    desa_decay: float = 1.0,
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
        desa_decay=desa_decay,
        total_priority=float(sum(prizes)),
        exchange_rate_min=exchange_rate_min,
    )


__all__ = ["synthetic_problem"]
