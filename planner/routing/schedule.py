"""From node routes to a :class:`~planner.domain.Plan`: each route's timing and the dropped list.

A search works on node routes (one list of venue nodes per squad, depots left out); this module
gives every route its earliest schedule (leaving the station just in time for the first visit)
and says why each unvisited venue is out of the plan. Feasibility is not checked here: the
pipeline runs ``planner.check.verify`` on the plan once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.domain import Dropped, DropReason, Plan, Route, Stop
from planner.problem import NightProblem
from planner.routing import _kernel


def _prefetch_distances(problem: NightProblem, node_routes: Sequence[Sequence[int]]) -> None:
    """Distances computed when read (a large night's, see ``Distances.prefetch``): every
    route's origins in one batch per vehicle profile, before the legs are read one by one."""
    prefetch = getattr(problem.dist_m, "prefetch", None)
    if prefetch is None:
        return
    for p in range(len(problem.profiles)):
        origins = {
            int(v)
            for k, r in enumerate(node_routes)
            if int(problem.squad_profile[k]) == p and r
            for v in (problem.start_node[k], *r)
        }
        if origins:
            problem.dist_m[p].prefetch(sorted(origins))


def _schedule(problem: NightProblem, k: int, nodes: Sequence[int]) -> Route:
    """The earliest schedule of a node sequence, leaving the station just in time."""
    t = problem.travel(k)
    d = problem.distance(k)
    s0 = int(problem.start_node[k])
    s1 = int(problem.end_node[k])
    clock = int(problem.shift_start_s[k])
    prev = s0
    raw = []
    for v in nodes:
        arrival = clock + int(t[prev, v])
        start = max(arrival, int(problem.open_s[v]))
        departure = start + int(problem.dwell_s[v])
        raw.append((v, arrival, start, departure, int(t[prev, v]), float(d[prev, v])))
        clock, prev = departure, v
    # leave later by the first stop's waiting: same starts, no idle wait at the first venue
    delay = raw[0][2] - raw[0][1] if raw else 0
    stops = []
    for i, (v, arrival, start, departure, leg, dist) in enumerate(raw):
        if i == 0:
            arrival += delay
        stops.append(
            Stop(
                venue_id=problem.node_ids[v],
                arrival_s=arrival,
                start_s=start,
                departure_s=departure,
                travel_s=leg,
                dist_m=dist,
                priority=float(problem.prize[v]),
            )
        )
    back = int(t[prev, s1])
    return Route(
        squad_id=problem.squad_ids[k],
        station_id=problem.node_ids[s0],
        depart_s=int(problem.shift_start_s[k]) + delay,
        return_s=clock + back,
        stops=tuple(stops),
        return_travel_s=back,
        return_dist_m=float(d[prev, s1]),
    )


def plan_from_routes(
    problem: NightProblem,
    node_routes: Sequence[Sequence[int]],
    meta: dict[str, Any] | None = None,
) -> Plan:
    """The Plan of node routes (one list of venue nodes per squad, depots left out).

    Each route gets its earliest schedule (leaving the station just in time for the first
    visit); every unvisited venue is listed as dropped: ``not_worth`` if some allowed squad
    could still fit it in, else ``no_fit``; unvisited must-visit venues also go to
    ``unmet_must_visit``. Feasibility is not checked here (``check.verify`` does that).
    """
    meta = meta if meta is not None else {}
    _prefetch_distances(problem, node_routes)
    routes = tuple(_schedule(problem, k, nodes) for k, nodes in enumerate(node_routes))
    visited = {v for nodes in node_routes for v in nodes}
    fits = _kernel.fits(problem, [list(map(int, r)) for r in node_routes])
    dropped = list(problem.dropped)
    unmet = list(problem.unmet_must_visit)
    for v in problem.venue_nodes:
        if v in visited:
            continue
        reason: DropReason = "not_worth" if fits[v] and not problem.must_visit[v] else "no_fit"
        dropped.append(Dropped(problem.node_ids[v], reason, float(problem.prize[v])))
        if problem.must_visit[v]:
            unmet.append((problem.node_ids[v], "no_fit"))
    return Plan(
        night=problem.night,
        routes=routes,
        dropped=tuple(dropped),
        total_priority=problem.total_priority,
        unmet_must_visit=tuple(unmet),
        meta=meta,
    )


__all__ = ["plan_from_routes"]
