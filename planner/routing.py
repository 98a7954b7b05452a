"""Night routing with OR-Tools: a compiled :class:`NightProblem` in, a :class:`SolveResult` out.

This is the only module that imports ``ortools``. The model is a team orienteering problem with
time windows (TOPTW) on OR-Tools' routing library (``pywrapcp``):

* one vehicle per squad, from its station back to its station, with the travel-time matrix of
  its own vehicle profile (several squads may share a station);
* a time dimension whose transit from node i to j is ``travel_s[i, j] + dwell_s[i]``; the
  cumul at a venue is the *start* of the visit, bounded by ``[open_s, latest_start_s]``; the
  cumul at the start and end of a route by the squad's shift; slack is waiting;
* every venue is optional (a disjunction) at its integer penalty ``priority × exchange rate``;
  a must-visit venue gets a penalty larger than any possible plan cost, so an impossible
  must-visit shows up as a named dropped venue rather than an infeasible solve;
* jurisdiction via ``VehicleVar(index).SetValues([-1, *allowed])`` (``SetAllowedVehiclesForIndex``
  fails from Python in 9.15); at most ``max_stops`` venues per squad (a count dimension); at
  most ``max_per_desa`` venues per desa (a sum of ``ActiveVar`` per desa);
* arc costs are travel seconds, so the objective is *seconds of driving + penalties of the
  venues left out*: a venue is visited when its priority pays for the detour.

Search: a first solution from our own greedy insertion heuristic (priority per minute used, the
time-window "max shift" test of Vansteenwegen et al.), improved by ruin and recreate
(:func:`planner.heuristics.ruin_recreate`) for most of the time limit, handed to OR-Tools with
``ReadAssignmentFromRoutes``, then a metaheuristic (guided local search by default) under the
rest of the wall-time limit; in reproducible mode under step and solution budgets
(single-threaded OR-Tools is deterministic under a fixed budget), with the wall-time limit kept
as a safety net.

Why ruin and recreate: OR-Tools' own metaheuristics (guided local search, its iterated local
search with SISR ruins, simulated annealing, tabu) all stalled in the same local optimum on the
TOPTW benchmark's Cordeau instances, where the plan must trade many visits for others at once
(pr05 m=2: 995 of a best known 1103). Ruin and recreate makes those trades (1 077-1 091), and
OR-Tools' local search then polishes the routes (2-opt, relocate, exchange, swap-active).

Large nights (``routing.decompose``): after ruin and recreate (one run per worker, each with
its own seed, the best kept), a large-neighbourhood search whose every step is an
OR-Tools model of a few squads and the venues open to them, solved from the current routes
(:func:`_restrict`, :func:`_improve_part`), plus a phase where each squad confined to its
jurisdiction is re-optimised alone. ``routing.workers`` processes (forked; each builds its own
models, OR-Tools objects cannot be pickled) solve disjoint parts side by side, or, on small
nights, run whole searches with different seeds (the best wins).

Every result is re-verified by :func:`planner.check.verify` before it is returned.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from planner.check import verify
from planner.config import Settings
from planner.domain import Dropped, DropReason, Plan, Route, Stop
from planner.heuristics import (
    RouteState,
    greedy_routes,
    multistart_greedy,
    plan_cost,
    ruin_recreate,
)
from planner.problem import NightProblem, SolveResult, SolveStatus

_BOOL_TRUE = 3  # ortools.util.optional_boolean_pb2.BOOL_TRUE
_QUADRATIC_ACTIVE_MAX_VENUES = 300
"""Up to this many venues, also the swap-a-visit-for-an-unvisited-venue operators (whole
model; TOPTW pr05 m=2 at 10 s, one process: 995 with them, 962 without)."""
_QUADRATIC_ACTIVE_MAX_VENUES_PART = 120
"""The same for the parts of the decomposition (slower descent, worse plans above it)."""
_GREEDY_SHARE = 0.05
"""Time-limit share of the greedy multi-start (TOPTW subset: 0.37 % gap vs 0.48 % at 25 %)."""
_RR_SHARE = 0.85
"""Ruin and recreate: this share of the time the greedy leaves (whole model), ..."""
_RR_SHARE_LNS = 0.7
"""... and of the time left on decomposed nights (50 / 70 / 95 % measured alike)."""

Metaheuristic = Literal["gls", "ils", "tabu", "sa", "greedy"]

_STATUS_NAMES = dict((v, k) for k, v in routing_enums_pb2.RoutingSearchStatus.Value.items())


# ------------------------------------------------------------------ schedule and plan


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
    routes = tuple(_schedule(problem, k, nodes) for k, nodes in enumerate(node_routes))
    visited = {v for nodes in node_routes for v in nodes}
    states = [RouteState(problem, k) for k in range(problem.n_squads)]
    for k, nodes in enumerate(node_routes):
        states[k].nodes[1:1] = list(nodes)
        states[k].recompute()
    desa_count: dict[int, int] = {}
    for v in visited:
        g = int(problem.desa_group[v])
        desa_count[g] = desa_count.get(g, 0) + 1
    dropped = list(problem.dropped)
    unmet = list(problem.unmet_must_visit)
    for v in problem.venue_nodes:
        if v in visited:
            continue
        g = int(problem.desa_group[v])
        fits = False
        desa_full = (
            problem.max_per_desa is not None
            and g >= 0
            and desa_count.get(g, 0) >= problem.max_per_desa
        )
        if not desa_full:
            for kk in np.flatnonzero(problem.allowed[:, v]):
                r = states[int(kk)]
                if problem.max_stops is not None and len(r.nodes) - 2 >= problem.max_stops:
                    continue
                if r.insertion(np.array([v]))[0][0]:
                    fits = True
                    break
        reason: DropReason = "not_worth" if fits and not problem.must_visit[v] else "no_fit"
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


# ------------------------------------------------------------------ the OR-Tools model


def _search_parameters(
    *,
    metaheuristic: Metaheuristic,
    time_limit_s: float,
    solution_limit: int | None,
    n_venues: int = 0,
    quadratic_max: int = _QUADRATIC_ACTIVE_MAX_VENUES,
) -> Any:
    params = pywrapcp.DefaultRoutingSearchParameters()
    fss = routing_enums_pb2.FirstSolutionStrategy
    lsm = routing_enums_pb2.LocalSearchMetaheuristic
    params.first_solution_strategy = fss.PARALLEL_CHEAPEST_INSERTION
    # Orienteering needs moves that swap a visit for an unvisited venue in one step: with
    # plain relocate/make-active, "move a flexible visit, then insert a venue with a tight
    # window" needs a neutral move first, which descent never takes (found by the
    # brute-force test).
    # They cost (visits x unvisited x positions) per pass, though: on the demo night (1,464
    # venues, 16 squads) GLS with them never reached a local optimum in 17 s and gained 0.2 %
    # over the greedy; without them it gained 0.6 % (objective 4 802 790 -> 4 782 372 at
    # 20 s). On TOPTW pr05 (288 venues, m=2, 10 s) they help: 995 vs 962. Parts of the
    # decomposition use them up to 120 venues only.
    ops = params.local_search_operators
    if n_venues <= quadratic_max:
        ops.use_relocate_and_make_active = _BOOL_TRUE
        ops.use_exchange_and_make_active = _BOOL_TRUE
        ops.use_extended_swap_active = _BOOL_TRUE
    if metaheuristic == "ils":
        params.use_iterated_local_search = True
        rr = params.iterated_local_search_parameters.ruin_recreate_parameters
        del rr.ruin_strategies[:]
        rr.ruin_strategies.add().sisr.SetInParent()
        rs = rr.ruin_strategies[0].sisr
        rs.max_removed_sequence_size = 10
        rs.avg_num_removed_visits = 10
        rs.bypass_factor = 0.01
        params.local_search_metaheuristic = lsm.GREEDY_DESCENT
    else:
        params.local_search_metaheuristic = {
            "gls": lsm.GUIDED_LOCAL_SEARCH,
            "tabu": lsm.TABU_SEARCH,
            "sa": lsm.SIMULATED_ANNEALING,
            "greedy": lsm.GREEDY_DESCENT,
        }[metaheuristic]
    params.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    if solution_limit is not None:
        params.solution_limit = solution_limit
    params.log_search = False
    return params


def solve(
    problem: NightProblem,
    settings: Settings,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    reproducible: bool | None = None,
    metaheuristic: Metaheuristic | None = None,
    first_solution: Literal["greedy", "ortools"] | None = None,
    verify_result: bool = True,
) -> SolveResult:
    """Choose which venues each squad visits, in what order and when.

    Parameters
    ----------
    problem
        Tonight's compiled problem.
    settings
        ``settings.routing`` gives the defaults of every option below.
    time_limit_s
        Wall-time limit of the search (always applied, also in reproducible mode).
    seed
        Seeds the diversification of the greedy first solution (OR-Tools' own search is
        deterministic); seed 0 is the plain greedy.
    reproducible
        Stop after ``settings.routing.solution_limit`` solutions instead of at the time limit:
        identical plans run to run (unless the time limit is hit first, which ``stats``
        records as ``budget_hit = "time"``).
    metaheuristic
        ``"gls"`` (guided local search), ``"ils"`` (iterated local search with SISR
        ruin-and-recreate), ``"tabu"``, ``"sa"`` or ``"greedy"`` (descent only).
    first_solution
        ``"greedy"``: our insertion heuristic; ``"ortools"``: OR-Tools' parallel cheapest
        insertion.
    verify_result
        Run :func:`planner.check.verify` on the plan (on by default; a violation other than
        a missing must-visit means a bug and raises ``AssertionError``).

    Returns
    -------
    SolveResult
        ``status`` is ``"feasible"``, ``"must_visit_unmet"`` (see ``plan.unmet_must_visit``)
        or ``"no_solution"``.
    """
    t0 = time.perf_counter()
    rcfg = settings.routing
    time_limit_s = float(rcfg.time_limit_s if time_limit_s is None else time_limit_s)
    seed = int(rcfg.seed if seed is None else seed)
    reproducible = bool(rcfg.reproducible if reproducible is None else reproducible)
    metaheuristic = metaheuristic or rcfg.metaheuristic
    first_solution = first_solution or rcfg.first_solution
    stats: dict[str, Any] = {
        "metaheuristic": metaheuristic,
        "first_solution": first_solution,
        "time_limit_s": time_limit_s,
        "seed": seed,
        "reproducible": reproducible,
        "n_venues": len(problem.venue_nodes),
        "n_squads": problem.n_squads,
    }
    node_routes: list[list[int]] | None = None
    if problem.n_squads == 0 or len(problem.venue_nodes) == 0:
        node_routes = [[] for _ in range(problem.n_squads)]
        stats["solver_status"] = "TRIVIAL"
    else:
        core = {
            "time_limit_s": max(0.01, time_limit_s - (time.perf_counter() - t0)),
            "solution_limit": rcfg.solution_limit if reproducible else None,
            "metaheuristic": metaheuristic,
            "first_solution": first_solution,
            "greedy_starts": rcfg.greedy_starts,
            "rr_steps": rcfg.ruin_recreate_steps if rcfg.ruin_recreate else 0,
            "decompose": rcfg.decompose,
        }
        node_routes = _solve_portfolio(
            problem, seed=seed, workers=rcfg.workers, core=core, stats=stats
        )
    wall_s = time.perf_counter() - t0
    stats["wall_s"] = round(wall_s, 3)
    if node_routes is None:
        empty: list[list[int]] = [[] for _ in range(problem.n_squads)]
        plan = plan_from_routes(problem, empty, {"solver": stats})
        return SolveResult("no_solution", plan_cost(problem, empty), wall_s, plan, stats)
    plan = plan_from_routes(problem, node_routes, {"solver": stats})
    if verify_result:
        bad = [v for v in verify(plan, problem) if v.rule != "must_visit_missing"]
        if bad:
            raise AssertionError(
                "the solver returned a plan the checker rejects: "
                + "; ".join(v.detail for v in bad[:5])
            )
    status: SolveStatus = "must_visit_unmet" if plan.unmet_must_visit else "feasible"
    return SolveResult(status, plan_cost(problem, node_routes), wall_s, plan, stats)


def _solve_ortools(
    problem: NightProblem,
    *,
    time_limit_s: float,
    seed: int,
    solution_limit: int | None,
    metaheuristic: Metaheuristic,
    first_solution: str,
    stats: dict[str, Any],
    greedy_starts: int = 90,
    rr_steps: int = 0,
    initial_routes: Sequence[Sequence[int]] | None = None,
    desa_caps: dict[int, int] | None = None,
    quadratic_max: int = _QUADRATIC_ACTIVE_MAX_VENUES,
) -> list[list[int]] | None:
    """Build the OR-Tools model of ``problem`` and search from a first solution.

    ``initial_routes`` (node routes) replaces the greedy first solution; ``desa_caps`` gives
    per desa group the number of visits still allowed (a restricted problem, see
    :func:`_restrict`), instead of ``problem.max_per_desa`` for every group.
    """
    t_build = time.perf_counter()
    n = problem.n_nodes
    k_n = problem.n_squads
    starts = [int(x) for x in problem.start_node]
    ends = [int(x) for x in problem.end_node]
    manager = pywrapcp.RoutingIndexManager(n, k_n, starts, ends)
    model = pywrapcp.RoutingModel(manager)
    solver = model.solver()

    # per profile: arc cost = travel; time transit = travel + dwell at the from-node
    cost_cb: dict[int, int] = {}
    time_cb: dict[int, int] = {}
    for p in sorted({int(x) for x in problem.squad_profile}):
        t = problem.travel_s[p]
        cost_cb[p] = model.RegisterTransitMatrix(t.tolist())
        time_cb[p] = model.RegisterTransitMatrix((t + problem.dwell_s[:, None]).tolist())
    for k in range(k_n):
        model.SetArcCostEvaluatorOfVehicle(cost_cb[int(problem.squad_profile[k])], k)
    horizon = int(max(problem.shift_end_s.max(), problem.latest_start_s.max())) + 1
    model.AddDimensionWithVehicleTransits(
        [time_cb[int(problem.squad_profile[k])] for k in range(k_n)],
        horizon,
        horizon,
        False,
        "time",
    )
    time_dim = model.GetDimensionOrDie("time")
    for k in range(k_n):
        lo, hi = int(problem.shift_start_s[k]), int(problem.shift_end_s[k])
        time_dim.CumulVar(model.Start(k)).SetRange(lo, hi)
        time_dim.CumulVar(model.End(k)).SetRange(lo, hi)

    # optional venues, jurisdiction, windows
    big = (
        int(problem.penalty.sum())
        + int((problem.shift_end_s - problem.shift_start_s).clip(min=0).sum())
        + 1
    )
    depots_as_ends = set(starts) | set(ends)
    for node in range(n):
        if node in depots_as_ends:
            continue
        idx = manager.NodeToIndex(node)
        allowed = [int(k) for k in np.flatnonzero(problem.allowed[:, node])]
        if node < problem.n_depots or not allowed:
            model.AddDisjunction([idx], 0)
            model.ActiveVar(idx).SetValue(0)
            continue
        pen = big if problem.must_visit[node] else int(problem.penalty[node])
        model.AddDisjunction([idx], pen)
        if len(allowed) < k_n:
            model.VehicleVar(idx).SetValues([-1, *allowed])
        time_dim.CumulVar(idx).SetRange(
            int(problem.open_s[node]), int(problem.latest_start_s[node])
        )
    if problem.max_stops is not None:
        unit = [0] * problem.n_depots + [1] * (n - problem.n_depots)
        cb = model.RegisterUnaryTransitVector(unit)
        model.AddDimension(cb, 0, int(problem.max_stops), True, "stops")
    if problem.max_per_desa is not None:
        groups: dict[int, list[int]] = {}
        for node in problem.venue_nodes:
            groups.setdefault(int(problem.desa_group[node]), []).append(node)
        for g, members in groups.items():
            cap = int(problem.max_per_desa if desa_caps is None else desa_caps.get(g, 0))
            if len(members) > cap:
                active = [model.ActiveVar(manager.NodeToIndex(v)) for v in members]
                solver.Add(solver.Sum(active) <= cap)
    if solution_limit is not None and rr_steps > 0 and initial_routes is None:
        # Reproducible mode after ruin and recreate: descent to a local optimum ends by itself
        # and is deterministic; guided local search reached only about 5 solutions a second
        # on 100-300 venues, so any useful solution budget outlasted the time limit (and the
        # plan then depended on the machine's speed). It adds little after ruin and recreate
        # anyway: on the TOPTW benchmark some travel, no score. The swap-active operators
        # made one descent on 288 venues (pr05) take 20 s; they stay up to 120 venues.
        metaheuristic = "greedy"
        stats["metaheuristic"] = "greedy"
        quadratic_max = min(quadratic_max, _QUADRATIC_ACTIVE_MAX_VENUES_PART)
    params = _search_parameters(
        metaheuristic=metaheuristic,
        time_limit_s=time_limit_s,
        solution_limit=solution_limit,
        n_venues=len(problem.venue_nodes),
        quadratic_max=quadratic_max,
    )
    model.CloseModelWithParameters(params)
    stats["build_s"] = round(time.perf_counter() - t_build, 3)

    initial = None
    start_routes: list[list[int]] | None = None  # the node routes behind ``initial``
    if initial_routes is not None:
        idx_routes = [[manager.NodeToIndex(v) for v in r] for r in initial_routes]
        initial = model.ReadAssignmentFromRoutes(idx_routes, True)
        start_routes = [list(map(int, r)) for r in initial_routes]
    elif first_solution == "greedy":
        t_greedy = time.perf_counter()
        greedy, n_starts = multistart_greedy(
            problem,
            seed=seed,
            starts=greedy_starts,
            time_budget_s=None if solution_limit is not None else _GREEDY_SHARE * time_limit_s,
        )
        stats["greedy_s"] = round(time.perf_counter() - t_greedy, 3)
        stats["greedy_starts"] = n_starts
        stats["greedy_cost"] = plan_cost(problem, greedy)
        if rr_steps > 0:
            left = time_limit_s - (time.perf_counter() - t_build)
            greedy = ruin_recreate(
                problem,
                greedy,
                seed=seed,
                time_limit_s=_RR_SHARE * left if solution_limit is None else left,
                iterations=None if solution_limit is None else rr_steps,
                stats=stats,
            )
            stats["rr_cost"] = plan_cost(problem, greedy)
        idx_routes = [[manager.NodeToIndex(v) for v in r] for r in greedy]
        initial = model.ReadAssignmentFromRoutes(idx_routes, True)
        if initial is None:
            stats["greedy_rejected"] = True
        else:
            start_routes = [list(map(int, r)) for r in greedy]
    remaining = time_limit_s - (time.perf_counter() - t_build)
    params.time_limit.FromMilliseconds(max(10, round(remaining * 1000)))
    t_search = time.perf_counter()
    if initial is not None:
        solution = model.SolveFromAssignmentWithParameters(initial, params)
    else:
        solution = model.SolveWithParameters(params)
    search_s = time.perf_counter() - t_search
    stats["search_s"] = round(search_s, 3)
    stats["solver_status"] = _STATUS_NAMES.get(model.status(), str(model.status()))
    stats["budget_hit"] = "time" if search_s >= remaining * 0.98 else "solutions"
    if solution is None:
        # Out of time before the search returned (e.g. a busy machine and a short limit): the
        # first solution OR-Tools accepted is feasible, so a plan never gets lost to the clock.
        if initial is not None and start_routes is not None:
            stats["fallback"] = "first_solution"
            return start_routes
        return None
    stats["ortools_objective"] = int(solution.ObjectiveValue())
    out: list[list[int]] = []
    for k in range(k_n):
        nodes = []
        idx = solution.Value(model.NextVar(model.Start(k)))
        while not model.IsEnd(idx):
            nodes.append(manager.IndexToNode(idx))
            idx = solution.Value(model.NextVar(idx))
        out.append(nodes)
    return out


# ------------------------------------------------------------------ decomposition (LNS)


def _restrict(
    problem: NightProblem, squads: Sequence[int], venues: Sequence[int]
) -> tuple[NightProblem, np.ndarray]:
    """The problem of some squads and some venues only, and its node -> global node map.

    Every depot stays (so start and end nodes keep their numbers); venues follow in the
    order given. Desa groups keep their global numbers.
    """
    nodes = np.concatenate([np.arange(problem.n_depots), np.asarray(venues, dtype=np.int64)])
    sq = np.asarray(squads, dtype=np.int64)
    profiles = sorted({int(problem.squad_profile[k]) for k in sq})
    prof_ix = {p: i for i, p in enumerate(profiles)}
    ix = np.ix_(nodes, nodes)
    sub = problem.replace(
        node_ids=tuple(problem.node_ids[v] for v in nodes),
        open_s=problem.open_s[nodes],
        latest_start_s=problem.latest_start_s[nodes],
        dwell_s=problem.dwell_s[nodes],
        prize=problem.prize[nodes],
        penalty=problem.penalty[nodes],
        must_visit=problem.must_visit[nodes],
        allowed=problem.allowed[np.ix_(sq, nodes)],
        desa_group=problem.desa_group[nodes],
        kecamatan=tuple(problem.kecamatan[v] for v in nodes),
        squad_ids=tuple(problem.squad_ids[k] for k in sq),
        start_node=problem.start_node[sq],
        end_node=problem.end_node[sq],
        shift_start_s=problem.shift_start_s[sq],
        shift_end_s=problem.shift_end_s[sq],
        squad_profile=[prof_ix[int(problem.squad_profile[k])] for k in sq],
        profiles=tuple(problem.profiles[p] for p in profiles),
        travel_s=np.stack([problem.travel_s[p][ix] for p in profiles]),
        dist_m=np.stack([problem.dist_m[p][ix] for p in profiles]),
        dropped=(),
        unmet_must_visit=(),
    )
    return sub, nodes


def _cost_key(problem: NightProblem, routes: Sequence[Sequence[int]]) -> tuple[int, int]:
    """Lexicographic objective: unmet must-visits first, then :func:`plan_cost`."""
    visited = {v for r in routes for v in r}
    unmet = sum(1 for v in np.flatnonzero(problem.must_visit) if v not in visited)
    return unmet, plan_cost(problem, routes)


def _pick_neighbourhood(
    problem: NightProblem,
    routes: Sequence[Sequence[int]],
    rng: np.random.Generator,
    *,
    max_squads: int,
    max_candidates: int,
    taken_squads: Sequence[int] = (),
    taken_venues: np.ndarray | None = None,
) -> tuple[list[int], list[int]]:
    """Squads to re-optimise together and the venues open to them.

    A random squad, then up to ``max_squads - 1`` more drawn with probability proportional to
    the venues they may both visit (squads of one jurisdiction go together). Venues: those on
    the chosen routes, and the unvisited venues allowed to one of them, the nearest to the
    chosen routes first, at most ``max_candidates`` of those.
    """
    k_n = problem.n_squads
    taken = set(taken_squads)
    free = [k for k in range(k_n) if k not in taken]
    if not free:
        return [], []
    chosen = [free[int(rng.integers(len(free)))]]
    allowed = problem.allowed.astype(np.int64)
    overlap = allowed @ allowed.T
    while len(chosen) < min(max_squads, len(free)):
        w = overlap[chosen].sum(axis=0).astype(np.float64)
        w[chosen] = 0.0
        w[list(taken_squads)] = 0.0
        if w.sum() <= 0:
            break
        chosen.append(int(rng.choice(k_n, p=w / w.sum())))
    on_routes = [v for k in chosen for v in routes[k]]
    visited = np.zeros(problem.n_nodes, dtype=bool)
    for r in routes:
        visited[list(r)] = True
    open_ = problem.allowed[chosen].any(axis=0) & ~visited
    if taken_venues is not None:
        open_ &= ~taken_venues
    if problem.max_per_desa is not None:
        count = np.bincount(
            problem.desa_group[visited & (problem.desa_group >= 0)],
            minlength=len(problem.desa_codes),
        )
        mine = np.bincount(
            problem.desa_group[on_routes].astype(np.int64), minlength=len(problem.desa_codes)
        )
        full = (count - mine) >= problem.max_per_desa
        open_ &= ~(np.append(full, False)[problem.desa_group])
    cand = np.flatnonzero(open_)
    if len(cand) > max_candidates:
        near = np.full(len(cand), np.iinfo(np.int64).max)
        for k in chosen:
            t = problem.travel(k)
            anchors = np.array([int(problem.start_node[k]), *routes[k]], dtype=np.int64)
            near = np.minimum(near, t[np.ix_(anchors, cand)].min(axis=0))
        # nearest first, with a little noise so that repeated picks differ
        order = np.argsort(near * (1.0 + 0.25 * rng.random(len(cand))), kind="stable")
        cand = cand[order[:max_candidates]]
    return chosen, [*on_routes, *sorted(int(v) for v in cand)]


def _improve_part(
    problem: NightProblem,
    routes: Sequence[Sequence[int]],
    squads: Sequence[int],
    venues: Sequence[int],
    *,
    time_limit_s: float,
    solution_limit: int | None,
    metaheuristic: Metaheuristic,
    ruin_seed: int | None = None,
) -> list[list[int]] | None:
    """Re-optimise the routes of ``squads`` over ``venues`` with OR-Tools, from the current
    routes; the new routes of those squads (global nodes), or None.

    With ``ruin_seed``, OR-Tools starts from the routes with a random string of visits
    removed from each (ruin and recreate: the descent re-inserts them, or better ones).
    """
    sub, nodes = _restrict(problem, squads, venues)
    local = {int(v): i for i, v in enumerate(nodes)}
    caps = None
    if problem.max_per_desa is not None:
        inside = set(venues)
        used = np.zeros(len(problem.desa_codes) + 1, dtype=np.int64)
        for r in routes:
            for v in r:
                if v not in inside:
                    used[problem.desa_group[v]] += 1
        caps = {g: max(0, int(problem.max_per_desa) - int(used[g])) for g in range(len(used))}
    start = [list(routes[k]) for k in squads]
    if ruin_seed is not None:
        rng = np.random.default_rng(ruin_seed)
        for r in start:
            if r:
                size = int(rng.integers(1, max(1, len(r) // 3) + 1))
                at = int(rng.integers(0, len(r) - size + 1))
                del r[at : at + size]
    out = _solve_ortools(
        sub,
        time_limit_s=time_limit_s,
        seed=0,
        solution_limit=solution_limit,
        metaheuristic=metaheuristic,
        first_solution="greedy",
        stats={},
        initial_routes=[[local[v] for v in r] for r in start],
        desa_caps=caps,
        quadratic_max=_QUADRATIC_ACTIVE_MAX_VENUES_PART,
    )
    if out is None:
        return None
    return [[int(nodes[v]) for v in r] for r in out]


def _lns(
    problem: NightProblem,
    routes: list[list[int]],
    *,
    seed: int,
    deadline: float | None,
    iterations: int | None,
    slice_s: float,
    slice_solutions: int | None,
    metaheuristic: Metaheuristic,
    max_squads: int,
    max_candidates: int,
    stats: dict[str, Any],
    ruin_share: float = 0.5,
    pool: Any = None,
    parts: int = 1,
    single_share: float = 0.0,
    single_s: float = 1.0,
) -> list[list[int]]:
    """Decomposition LNS: re-optimise a few squads at a time with OR-Tools, keep improvements.

    Stops at ``deadline`` (perf_counter) or after ``iterations`` (reproducible mode). With a
    process ``pool``, each round solves ``parts`` disjoint parts (no squad and no venue in
    common, nor a desa under ``max_per_desa``) in parallel; their improvements add up.
    """
    rng = np.random.default_rng([seed, 7])
    # one squad alone, under guided local search: a solution budget in reproducible mode
    single_solutions = None if iterations is None else _LNS_SINGLE_SOLUTIONS
    if pool is None or parts <= 1:
        pool, parts = None, 1
    best = _cost_key(problem, routes)
    it = accepted = 0
    while iterations is None or it < iterations:
        now = time.perf_counter()
        if deadline is not None and now + 0.2 >= deadline:
            break
        limit = slice_s if deadline is None else min(slice_s, deadline - now)
        tasks = []
        taken_sq: list[int] = []
        taken_v = np.zeros(problem.n_nodes, dtype=bool)
        for _ in range(parts):
            single = rng.random() < single_share
            squads, venues = _pick_neighbourhood(
                problem,
                routes,
                rng,
                max_squads=1 if single else max_squads,
                max_candidates=max_candidates,
                taken_squads=taken_sq,
                taken_venues=taken_v,
            )
            if not squads:
                break
            taken_sq += squads
            taken_v[venues] = True
            if problem.max_per_desa is not None:
                groups = np.unique(problem.desa_group[venues])
                taken_v |= np.isin(problem.desa_group, groups[groups >= 0])
            ruin = int(rng.integers(2**31)) if rng.random() < ruin_share else None
            if single:
                task = (routes, squads, venues, min(limit, single_s), single_solutions, "gls")
            else:
                task = (routes, squads, venues, limit, slice_solutions, metaheuristic)
            tasks.append((*task, ruin))
        if not tasks:
            break
        it += len(tasks)
        found = _run_parts(problem, tasks, pool)
        # disjoint parts: each improvement alone is kept, and they add up
        trial = [list(r) for r in routes]
        for (_, squads, *_), part in zip(tasks, found, strict=True):
            if part is None:
                continue
            one = [list(r) for r in routes]
            for k, r in zip(squads, part, strict=True):
                one[k] = r
            if _cost_key(problem, one) < best:
                for k, r in zip(squads, part, strict=True):
                    trial[k] = r
                accepted += 1
        key = _cost_key(problem, trial)
        if key < best:
            routes, best = trial, key
    stats["lns_iterations"] = it
    stats["lns_accepted"] = accepted
    return routes


# ------------------------------------------------------------------ search strategy


_DECOMPOSE_MIN_VENUES = 300
"""Decompose (when ``routing.decompose`` is "auto") from this many venues and 4 squads up."""
_LNS_SQUADS = 3
_LNS_CANDIDATES = 300
_LNS_SLICE_S = 2.0
_LNS_METAHEURISTIC: Metaheuristic = "greedy"
_LNS_RUIN_SHARE = 0.0
_LNS_SINGLE_SHARE = 0.0
_LNS_SINGLE_S = 1.0
_LNS_SINGLE_SOLUTIONS = 5
"""Reproducible mode: solutions per confined squad in the polish (100 took 37 s on the demo
night and gained nothing over 5 after ruin and recreate)."""
_LNS_PARTS_PER_SOLUTIONS = 60
"""Reproducible mode: one LNS part per this many of ``routing.solution_limit``."""
_LNS_FIRST_SHARE = 0.25
"""With confined squads: LNS for this share of the time left after the greedy, ..."""
_POLISH_SHARE = 0.7
"""... then each confined squad alone for this share of the rest (the rest: LNS again)."""
_POLISH_CANDIDATES = 400
_PARALLEL_PARTS = True
"""With several workers and decomposition: disjoint parts in parallel, one search."""


def _solve_core(
    problem: NightProblem,
    *,
    seed: int,
    time_limit_s: float,
    solution_limit: int | None,
    metaheuristic: Metaheuristic,
    first_solution: str,
    greedy_starts: int,
    rr_steps: int,
    decompose: str,
    stats: dict[str, Any],
    pool: Any = None,
    parts: int = 1,
) -> list[list[int]] | None:
    """One search: the whole model under ``metaheuristic``, or the decomposition LNS.

    Decomposition (demo night 2026-12-01, 1,464 venues, 16 squads, 20 s, shared 2-core
    machine, seed 0; objective = travel seconds + penalties, lower is better):

    ====================================================  =========
    guided local search, whole model (first pass)         4 802 790
    same without the quadratic active operators           4 782 372
    LNS, 2 squads + 300 venues, descent, 1 process        4 778 420
    same, best of 2 processes (portfolio)                 4 776 867
    same, 2 disjoint parts per round in 2 processes       4 773 334
    3 squads per part                                     4 770 930
    + each confined squad alone under GLS (polish)        4 768 053
    + ruin and recreate first (70 %, one per worker)      4 754 524
    same, ruin and recreate 50 % / 95 % of the time       4 754 309 / 4 753 622
    PyVRP 0.14 on the same problem, 20 s                  4 763 334
    ====================================================  =========

    Not kept (same runs): guided local search inside the parts (4 781 729), ruin before the
    descent (4 774 971), 4 squads per part (4 778 163), 70-150 candidates with the quadratic
    operators (4 779 550 - 4 782 774), single-squad GLS parts mixed into the LNS instead of a
    polish phase (4 775 062). The whole model stays the choice on TOPTW instances (100-288
    venues, 2-4 routes), where a part would be most of the problem anyway.
    """
    t0 = time.perf_counter()
    use_lns = _use_lns(problem, decompose)
    stats["decomposed"] = use_lns
    if not use_lns:
        return _solve_ortools(
            problem,
            time_limit_s=time_limit_s,
            seed=seed,
            solution_limit=solution_limit,
            metaheuristic=metaheuristic,
            first_solution=first_solution,
            stats=stats,
            greedy_starts=greedy_starts,
            rr_steps=rr_steps,
        )
    budget = None if solution_limit is not None else _GREEDY_SHARE * time_limit_s
    if pool is not None and parts > 1:
        # the restarts split over the processes; the best greedy wins (ties: lower seed)
        share = -(-greedy_starts // parts)
        found = pool.map(
            _greedy_worker, [(seed + 1_000_003 * i, share, budget) for i in range(parts)]
        )
        greedy = min(found, key=lambda g: plan_cost(problem, g[0]))[0]
        starts = sum(n for _, n in found)
    else:
        greedy, starts = multistart_greedy(
            problem, seed=seed, starts=greedy_starts, time_budget_s=budget
        )
    stats["greedy_s"] = round(time.perf_counter() - t0, 3)
    stats["greedy_starts"] = starts
    stats["greedy_cost"] = plan_cost(problem, greedy)
    iterations = (
        None if solution_limit is None else max(1, solution_limit // _LNS_PARTS_PER_SOLUTIONS)
    )
    deadline = t0 + time_limit_s
    if rr_steps > 0:
        t_rr = time.perf_counter()
        rr_s = max(0.0, deadline - t_rr) * (_RR_SHARE_LNS if solution_limit is None else 1.0)
        steps = None if solution_limit is None else rr_steps
        in_pool = pool is not None and parts > 1
        jobs = [(greedy, seed + 7_919 * i, rr_s, steps) for i in range(parts if in_pool else 1)]
        found_rr = pool.map(_rr_worker, jobs) if in_pool else [_rr_in(problem, *jobs[0])]
        greedy = min(found_rr, key=lambda r: _cost_key(problem, r))
        stats["rr_s"] = round(time.perf_counter() - t_rr, 3)
        stats["rr_cost"] = plan_cost(problem, greedy)
    confined = _confined_squads(problem)
    lns_kw: dict[str, Any] = {
        "slice_s": _LNS_SLICE_S,
        "slice_solutions": None,
        "metaheuristic": _LNS_METAHEURISTIC,
        "max_squads": _LNS_SQUADS,
        "max_candidates": _LNS_CANDIDATES,
        "ruin_share": _LNS_RUIN_SHARE,
        "pool": pool,
        "parts": parts,
        "single_share": _LNS_SINGLE_SHARE,
        "single_s": _LNS_SINGLE_S,
    }
    routes = greedy
    done = accepted = 0
    lns_stats: dict[str, Any] = {}
    if confined:
        # Phases: LNS, then each squad confined to its own jurisdiction alone under guided
        # local search (it finds the visit-for-venue swaps that descent misses), then LNS.
        now = time.perf_counter()
        first = now + _LNS_FIRST_SHARE * max(0.0, deadline - now)
        routes = _lns(
            problem,
            routes,
            seed=seed,
            deadline=first,
            iterations=None if iterations is None else max(1, iterations // 2),
            stats=lns_stats,
            **lns_kw,
        )
        done = lns_stats["lns_iterations"]
        accepted = lns_stats["lns_accepted"]
        t_pol = time.perf_counter()
        remaining = max(0.0, deadline - t_pol)
        rounds = -(-len(confined) // max(1, parts))
        per_squad = _POLISH_SHARE * remaining / rounds
        routes, gained = _polish(
            problem,
            routes,
            confined,
            time_limit_s=per_squad,
            solution_limit=None if iterations is None else _LNS_SINGLE_SOLUTIONS,
            pool=pool if parts > 1 else None,
        )
        stats["polish_s"] = round(time.perf_counter() - t_pol, 3)
        stats["polish_squads"] = len(confined)
        stats["polish_gain"] = gained
        lns_stats = {}
    routes = _lns(
        problem,
        routes,
        seed=seed + 1,
        deadline=deadline,
        iterations=None if iterations is None else max(0, iterations - done),
        stats=lns_stats,
        **lns_kw,
    )
    stats["lns_iterations"] = done + lns_stats["lns_iterations"]
    stats["lns_accepted"] = accepted + lns_stats["lns_accepted"]
    stats["budget_hit"] = (
        "solutions" if iterations is not None and stats["lns_iterations"] >= iterations else "time"
    )
    stats["solver_status"] = "LNS"
    return routes


def _confined_squads(problem: NightProblem) -> list[int]:
    """Squads allowed at most half of tonight's venues (a Polsek squad in its kecamatan)."""
    n = len(problem.venue_nodes)
    counts = problem.allowed.sum(axis=1)
    return [k for k in range(problem.n_squads) if 0 < counts[k] <= n // 2]


def _polish(
    problem: NightProblem,
    routes: list[list[int]],
    squads: Sequence[int],
    *,
    time_limit_s: float,
    solution_limit: int | None,
    pool: Any,
) -> tuple[list[list[int]], int]:
    """Re-optimise each squad alone over every venue open to it (guided local search).

    The parts run in parallel with a ``pool``; each new route is kept when it is still valid
    next to the routes kept before it (no venue twice, desa caps) and lowers the objective.
    Returns the routes and the objective gained.
    """
    visited = np.zeros(problem.n_nodes, dtype=bool)
    for r in routes:
        visited[list(r)] = True
    tasks = []
    for k in squads:
        cand = np.flatnonzero(problem.allowed[k] & ~visited)
        venues = [*routes[k], *(int(v) for v in cand[:_POLISH_CANDIDATES])]
        tasks.append((routes, [k], venues, time_limit_s, solution_limit, "gls", None))
    found = _run_parts(problem, tasks, pool)
    start = plan_cost(problem, routes)
    best = _cost_key(problem, routes)
    for k, part in zip(squads, found, strict=True):
        if part is None:
            continue
        trial = [list(r) for r in routes]
        trial[k] = part[0]
        if _valid_together(problem, trial) and (key := _cost_key(problem, trial)) < best:
            routes, best = trial, key
    return routes, start - plan_cost(problem, routes)


def _valid_together(problem: NightProblem, routes: Sequence[Sequence[int]]) -> bool:
    """No venue twice and no desa over ``max_per_desa`` (each route is feasible alone)."""
    flat = [v for r in routes for v in r]
    if len(flat) != len(set(flat)):
        return False
    if problem.max_per_desa is not None and flat:
        groups = problem.desa_group[flat]
        if np.bincount(groups[groups >= 0]).max(initial=0) > problem.max_per_desa:
            return False
    return True


def _use_lns(problem: NightProblem, decompose: str) -> bool:
    return decompose == "always" or (
        decompose == "auto"
        and problem.n_squads > _LNS_SQUADS
        and len(problem.venue_nodes) >= _DECOMPOSE_MIN_VENUES
    )


_PORTFOLIO_PROBLEM: NightProblem | None = None


def _greedy_worker(args: tuple[int, int, float | None]) -> tuple[list[list[int]], int]:
    seed, starts, budget = args
    assert _PORTFOLIO_PROBLEM is not None
    return multistart_greedy(_PORTFOLIO_PROBLEM, seed=seed, starts=starts, time_budget_s=budget)


def _rr_in(
    problem: NightProblem,
    routes: list[list[int]],
    seed: int,
    time_limit_s: float | None,
    steps: int | None,
) -> list[list[int]]:
    return ruin_recreate(problem, routes, seed=seed, time_limit_s=time_limit_s, iterations=steps)


def _rr_worker(args: tuple[list[list[int]], int, float | None, int | None]) -> list[list[int]]:
    assert _PORTFOLIO_PROBLEM is not None
    return _rr_in(_PORTFOLIO_PROBLEM, *args)


def _part_worker_in(problem: NightProblem, args: tuple[Any, ...]) -> list[list[int]] | None:
    routes, squads, venues, limit, solutions, metaheuristic, ruin = args
    return _improve_part(
        problem,
        routes,
        squads,
        venues,
        time_limit_s=limit,
        solution_limit=solutions,
        metaheuristic=metaheuristic,
        ruin_seed=ruin,
    )


def _part_worker(
    args: tuple[
        list[list[int]], list[int], list[int], float, int | None, Metaheuristic, int | None
    ],
) -> list[list[int]] | None:
    assert _PORTFOLIO_PROBLEM is not None
    return _part_worker_in(_PORTFOLIO_PROBLEM, args)


def _run_parts(
    problem: NightProblem, tasks: Sequence[tuple[Any, ...]], pool: Any
) -> list[list[list[int]] | None]:
    """Solve the parts in the process ``pool`` (forked with the problem), or here."""
    if pool is not None:
        return list(pool.map(_part_worker, tasks))
    return [_part_worker_in(problem, t) for t in tasks]


def _portfolio_worker(
    args: tuple[int, dict[str, Any]],
) -> tuple[list[list[int]] | None, dict[str, Any]]:
    seed, core = args
    assert _PORTFOLIO_PROBLEM is not None
    stats: dict[str, Any] = {}
    return _solve_core(_PORTFOLIO_PROBLEM, seed=seed, stats=stats, **core), stats


def _solve_portfolio(
    problem: NightProblem,
    *,
    seed: int,
    workers: int,
    core: dict[str, Any],
    stats: dict[str, Any],
) -> list[list[int]] | None:
    """Run ``workers`` searches with different seeds in parallel processes; the best wins.

    OR-Tools objects cannot be pickled: each process (forked, so it inherits the problem)
    builds its own model. Ties go to the lower worker, so a reproducible run stays
    reproducible. Falls back to one search in this process where processes cannot be
    started (a daemonic worker of a process pool, no ``fork``).
    """
    global _PORTFOLIO_PROBLEM
    seeds = [seed + 1_000_003 * i for i in range(max(1, workers))]
    results: list[tuple[list[list[int]] | None, dict[str, Any]]] | None = None
    if len(seeds) > 1 and not mp.current_process().daemon and "fork" in mp.get_all_start_methods():
        t0 = time.perf_counter()
        _PORTFOLIO_PROBLEM = problem
        try:
            ctx = mp.get_context("fork")
            with ctx.Pool(len(seeds)) as pool:
                if _use_lns(problem, core["decompose"]) and _PARALLEL_PARTS:
                    sub: dict[str, Any] = {}
                    routes = _solve_core(
                        problem, seed=seed, stats=sub, pool=pool, parts=len(seeds), **core
                    )
                    sub["parallel_parts"] = len(seeds)
                    results = [(routes, sub)]
                else:
                    results = pool.map(_portfolio_worker, [(s, core) for s in seeds])
        except (OSError, AssertionError) as exc:  # pragma: no cover - platform dependent
            stats["workers_error"] = repr(exc)
            results = None
        finally:
            _PORTFOLIO_PROBLEM = None
        stats["portfolio_s"] = round(time.perf_counter() - t0, 3)
    if results is None:
        alone: dict[str, Any] = {}
        results = [(_solve_core(problem, seed=seed, stats=alone, **core), alone)]
    best_i = None
    best_key: tuple[int, int] | None = None
    for i, (routes, _) in enumerate(results):
        if routes is None:
            continue
        key = _cost_key(problem, routes)
        if best_key is None or key < best_key:
            best_i, best_key = i, key
    stats["workers"] = len(results)
    if len(results) > 1:
        stats["worker_costs"] = [None if r is None else plan_cost(problem, r) for r, _ in results]
    stats.update(results[best_i if best_i is not None else 0][1])
    stats["best_worker"] = best_i
    return None if best_i is None else results[best_i][0]


__all__ = [
    "Metaheuristic",
    "SolveResult",
    "greedy_routes",
    "multistart_greedy",
    "plan_cost",
    "plan_from_routes",
    "solve",
]
