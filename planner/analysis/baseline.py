"""The manual planner baseline: what a person planning by hand would do, to measure against.

:func:`manual_plan` works on the compiled :class:`~planner.problem.NightProblem` like the
optimiser and returns a :class:`~planner.problem.SolveResult`, so it plugs into
``pipeline.plan_night(solver=manual_plan)``; the pipeline verifies its plan with the independent
checker exactly as it verifies the optimiser's (``simulate.run(..., method="baseline")``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from planner.config import Settings
from planner.domain import Dropped, Plan, Route, Stop
from planner.problem import NightProblem, SolveResult, SolveStatus

MUST_VISIT_BONUS = 1e12
"""Added to a must-visit venue's value, so it comes first whenever it fits."""


@dataclass
class _Taken:
    """What the squads planned so far have used up: venues, and visits per desa."""

    venue: np.ndarray
    per_desa: dict[int, int] = field(default_factory=dict)

    def free(self, problem: NightProblem, k: int) -> np.ndarray:
        """The venue nodes squad ``k`` may still take (allowed, not taken, desa not full)."""
        mask = problem.allowed[k] & ~self.venue
        if problem.max_per_desa is not None:
            for g, c in self.per_desa.items():
                if c >= problem.max_per_desa:
                    mask &= problem.desa_group != g
        return np.flatnonzero(mask)

    def take(self, problem: NightProblem, v: int) -> None:
        self.venue[v] = True
        g = int(problem.desa_group[v])
        if g >= 0:
            self.per_desa[g] = self.per_desa.get(g, 0) + 1


def manual_plan(problem: NightProblem, settings: Settings | None = None) -> SolveResult:
    """A "planner by hand": the reference the optimiser is measured against.

    Squads are planned one after another, the most restricted first (fewest venues allowed,
    then earliest shift, then roster order); venues taken by an earlier squad are gone. Each
    squad leaves its station at the start of its shift and goes to the highest-priority venue
    it can reach in time (inside the venue's window, with the visit and the way back to the
    station inside the shift); from there on it picks the best nearby venue by priority per
    minute spent getting there (``priority / (minutes of travel and waiting + 1)``), until
    nothing fits. Must-visit venues come first whenever they fit. ``max_stops`` and
    ``max_per_desa`` are respected.

    Parameters
    ----------
    problem
        Tonight's compiled problem.
    settings
        Unused; accepted so the function is a ``pipeline.plan_night(solver=...)``.

    Returns
    -------
    SolveResult
        Status ``"feasible"`` or ``"must_visit_unmet"``; the objective is computed like the
        optimiser's (travel seconds plus the penalties of the venues left out).
    """
    del settings
    t0 = time.perf_counter()
    taken = _Taken(np.zeros(problem.n_nodes, dtype=bool))
    taken.venue[: problem.n_depots] = True
    order = sorted(
        range(problem.n_squads),
        key=lambda k: (int(problem.allowed[k].sum()), int(problem.shift_start_s[k]), k),
    )
    routes = {k: _squad_route(problem, k, taken) for k in order}
    dropped = list(problem.dropped)
    unmet = list(problem.unmet_must_visit)
    travel = sum(r.travel_s for r in routes.values() if r.stops)
    penalty = 0
    for v in problem.venue_nodes:
        if taken.venue[v]:
            continue
        dropped.append(Dropped(problem.node_ids[v], "no_fit", float(problem.prize[v]), "manual"))
        penalty += int(problem.penalty[v])
        if problem.must_visit[v]:
            unmet.append((problem.node_ids[v], "no_fit"))
    wall_s = time.perf_counter() - t0
    stats = {"solver": "manual", "wall_s": round(wall_s, 3)}
    plan = Plan(
        night=problem.night,
        routes=tuple(routes[k] for k in range(problem.n_squads)),
        dropped=tuple(dropped),
        total_priority=problem.total_priority,
        unmet_must_visit=tuple(unmet),
        meta={"solver": stats},
    )
    status: SolveStatus = "must_visit_unmet" if unmet else "feasible"
    return SolveResult(status, int(travel + penalty), wall_s, plan, stats)


def _squad_route(problem: NightProblem, k: int, taken: _Taken) -> Route:
    """Squad ``k``'s greedy route over the venues still free; marks its venues taken."""
    t = problem.travel(k)
    d = problem.distance(k)
    home, end = int(problem.start_node[k]), int(problem.end_node[k])
    shift_end = int(problem.shift_end_s[k])
    clock = int(problem.shift_start_s[k])
    here = home
    stops: list[Stop] = []
    while problem.max_stops is None or len(stops) < problem.max_stops:
        cand = taken.free(problem, k)
        if len(cand) == 0:
            break
        arrival = clock + t[here, cand]
        start = np.maximum(arrival, problem.open_s[cand])
        fits = (start <= problem.latest_start_s[cand]) & (
            start + problem.dwell_s[cand] + t[cand, end] <= shift_end
        )
        if not fits.any():
            break
        cand, arrival, start = cand[fits], arrival[fits], start[fits]
        prize = problem.prize[cand]
        value = prize if not stops else prize / ((start - clock) / 60.0 + 1.0)
        value = np.where(problem.must_visit[cand], value + MUST_VISIT_BONUS, value)
        i = int(np.argmax(value))  # ties: the lowest node, deterministic
        v = int(cand[i])
        stops.append(
            Stop(
                venue_id=problem.node_ids[v],
                arrival_s=int(arrival[i]),
                start_s=int(start[i]),
                departure_s=int(start[i] + problem.dwell_s[v]),
                travel_s=int(t[here, v]),
                dist_m=float(d[here, v]),
                priority=float(problem.prize[v]),
            )
        )
        taken.take(problem, v)
        clock, here = stops[-1].departure_s, v
    back = int(t[here, end])
    return Route(
        squad_id=problem.squad_ids[k],
        station_id=problem.node_ids[home],
        depart_s=int(problem.shift_start_s[k]),
        return_s=clock + back,
        stops=tuple(stops),
        return_travel_s=back,
        return_dist_m=float(d[here, end]),
    )


__all__ = ["MUST_VISIT_BONUS", "manual_plan"]
