"""The OR-Tools model of a night: the only module of the planner that imports ``ortools``.

The model is a team orienteering problem with time windows (TOPTW) on OR-Tools' routing library
(``pywrapcp``):

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

OR-Tools prices each venue alone, so it cannot express the presence curve (the k-th visit of a
desa counts ``decay ** (k - 1)``, ``NightProblem.desa_decay``). The caller hands the model the
curve linearised at its current routes (``penalties``: what leaving a planned visit out alone
loses, what adding an unplanned venue alone gains) and judges what comes back by the exact
objective (:func:`planner.routing.heuristics.plan_cost`), keeping its own routes when OR-Tools'
are not better.

:class:`NightModel` builds that model, closes it with the search parameters, starts it from node
routes and walks the solution back to node routes: problem nodes go in and come out, OR-Tools'
indices never leave this module. What to search from and for how long is decided by the caller
(:mod:`planner.routing.lns`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from planner.problem import NightProblem

Metaheuristic = Literal["gls", "ils", "tabu", "sa", "greedy"]

_BOOL_TRUE = 3  # ortools.util.optional_boolean_pb2.BOOL_TRUE
QUADRATIC_ACTIVE_MAX_VENUES = 300
"""Up to this many venues, also the swap-a-visit-for-an-unvisited-venue operators (whole
model; TOPTW pr05 m=2 at 10 s, one process: 995 with them, 962 without)."""
QUADRATIC_ACTIVE_MAX_VENUES_PART = 120
"""The same for the parts of the decomposition (slower descent, worse plans above it)."""

_STATUS_NAMES = dict((v, k) for k, v in routing_enums_pb2.RoutingSearchStatus.Value.items())


def _search_parameters(
    *,
    metaheuristic: Metaheuristic,
    solution_limit: int | None,
    n_venues: int,
    quadratic_max: int,
) -> Any:
    """Search parameters without a time limit (:func:`_set_time_limit` gives it)."""
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
    if solution_limit is not None:
        params.solution_limit = solution_limit
    params.log_search = False
    return params


def _set_time_limit(params: Any, seconds: float) -> None:
    """The one place a wall-time limit goes onto search parameters (at least 10 ms)."""
    params.time_limit.FromMilliseconds(max(10, round(seconds * 1000)))


class NightModel:
    """The OR-Tools routing model of a problem, from building to the solution's node routes.

    Use in this order: build, :meth:`close`, optionally :meth:`start_from`, :meth:`search`.

    Parameters
    ----------
    problem
        The (possibly restricted) problem to model.
    desa_caps
        Per desa group, the visits still allowed (a restricted problem: the visits of the
        routes outside it already count); None: ``problem.max_per_desa`` for every group.
    penalties
        Per node, the disjunction penalty instead of ``problem.penalty`` (the presence curve
        linearised at the caller's routes).
    """

    def __init__(
        self,
        problem: NightProblem,
        *,
        desa_caps: dict[int, int] | None = None,
        penalties: np.ndarray | None = None,
    ) -> None:
        self.problem = problem
        self._penalty = problem.penalty if penalties is None else np.asarray(penalties)
        if self._penalty.shape != (problem.n_nodes,):
            raise ValueError("penalties must give one value per node")
        starts = [int(x) for x in problem.start_node]
        ends = [int(x) for x in problem.end_node]
        self._manager = pywrapcp.RoutingIndexManager(
            problem.n_nodes, problem.n_squads, starts, ends
        )
        self._model = pywrapcp.RoutingModel(self._manager)
        self._params: Any = None
        self._initial: Any = None
        self._start: list[list[int]] | None = None
        self._add_travel_and_time()
        self._add_venues(depots_as_ends=set(starts) | set(ends))
        self._add_caps(desa_caps)

    def _index(self, node: int) -> int:
        return int(self._manager.NodeToIndex(node))

    def _add_travel_and_time(self) -> None:
        """Per profile: arc cost = travel; time transit = travel + dwell at the from-node."""
        p, model = self.problem, self._model
        cost_cb: dict[int, int] = {}
        time_cb: dict[int, int] = {}
        for prof in sorted({int(x) for x in p.squad_profile}):
            t = p.travel_s[prof]
            cost_cb[prof] = model.RegisterTransitMatrix(t.tolist())
            time_cb[prof] = model.RegisterTransitMatrix((t + p.dwell_s[:, None]).tolist())
        for k in range(p.n_squads):
            model.SetArcCostEvaluatorOfVehicle(cost_cb[int(p.squad_profile[k])], k)
        horizon = int(max(p.shift_end_s.max(), p.latest_start_s.max())) + 1
        model.AddDimensionWithVehicleTransits(
            [time_cb[int(p.squad_profile[k])] for k in range(p.n_squads)],
            horizon,
            horizon,
            False,
            "time",
        )
        self._time = model.GetDimensionOrDie("time")
        for k in range(p.n_squads):
            lo, hi = int(p.shift_start_s[k]), int(p.shift_end_s[k])
            self._time.CumulVar(model.Start(k)).SetRange(lo, hi)
            self._time.CumulVar(model.End(k)).SetRange(lo, hi)

    def _add_venues(self, *, depots_as_ends: set[int]) -> None:
        """Optional venues at their penalties, jurisdiction, windows; other depots inactive."""
        p, model = self.problem, self._model
        pen = self._penalty
        big = int(pen.sum()) + int((p.shift_end_s - p.shift_start_s).clip(min=0).sum()) + 1
        for node in range(p.n_nodes):
            if node in depots_as_ends:
                continue
            idx = self._index(node)
            allowed = [int(k) for k in np.flatnonzero(p.allowed[:, node])]
            if node < p.n_depots or not allowed:
                model.AddDisjunction([idx], 0)
                model.ActiveVar(idx).SetValue(0)
                continue
            model.AddDisjunction([idx], big if p.must_visit[node] else max(0, int(pen[node])))
            if len(allowed) < p.n_squads:
                model.VehicleVar(idx).SetValues([-1, *allowed])
            self._time.CumulVar(idx).SetRange(int(p.open_s[node]), int(p.latest_start_s[node]))

    def _add_caps(self, desa_caps: dict[int, int] | None) -> None:
        """At most ``max_stops`` venues per squad and ``max_per_desa`` (or the caps) per desa."""
        p, model = self.problem, self._model
        if p.max_stops is not None:
            unit = [0] * p.n_depots + [1] * (p.n_nodes - p.n_depots)
            cb = model.RegisterUnaryTransitVector(unit)
            model.AddDimension(cb, 0, int(p.max_stops), True, "stops")
        if p.max_per_desa is not None:
            solver = model.solver()
            groups: dict[int, list[int]] = {}
            for node in p.venue_nodes:
                groups.setdefault(int(p.desa_group[node]), []).append(node)
            for g, members in groups.items():
                cap = int(p.max_per_desa if desa_caps is None else desa_caps.get(g, 0))
                if len(members) > cap:
                    active = [model.ActiveVar(self._index(v)) for v in members]
                    solver.Add(solver.Sum(active) <= cap)

    def close(
        self,
        *,
        metaheuristic: Metaheuristic,
        solution_limit: int | None,
        time_limit_s: float,
        quadratic_max: int,
    ) -> None:
        """Close the model with its search parameters.

        OR-Tools warns about guided local search without a time limit when the model closes,
        so the parameters carry the whole ``time_limit_s`` here; :meth:`search` runs under
        the time actually left.
        """
        self._params = _search_parameters(
            metaheuristic=metaheuristic,
            solution_limit=solution_limit,
            n_venues=len(self.problem.venue_nodes),
            quadratic_max=quadratic_max,
        )
        _set_time_limit(self._params, time_limit_s)
        self._model.CloseModelWithParameters(self._params)

    def start_from(self, node_routes: Sequence[Sequence[int]]) -> bool:
        """Start the search from these node routes; False if OR-Tools rejects them."""
        idx_routes = [[self._index(v) for v in r] for r in node_routes]
        self._initial = self._model.ReadAssignmentFromRoutes(idx_routes, True)
        accepted = self._initial is not None
        self._start = [list(map(int, r)) for r in node_routes] if accepted else None
        return accepted

    def search(self, *, time_limit_s: float, stats: dict[str, Any]) -> list[list[int]] | None:
        """Search for ``time_limit_s`` (or the solution limit) and return the node routes.

        From the routes of :meth:`start_from`, else from OR-Tools' own first solution. When
        the search returns nothing (out of time before it could, e.g. a busy machine and a
        short limit), the accepted start is the answer: it is feasible, so a plan never gets
        lost to the clock (``stats["fallback"]``). None when there is nothing at all.
        """
        _set_time_limit(self._params, time_limit_s)
        t_search = time.perf_counter()
        if self._initial is not None:
            solution = self._model.SolveFromAssignmentWithParameters(self._initial, self._params)
        else:
            solution = self._model.SolveWithParameters(self._params)
        search_s = time.perf_counter() - t_search
        stats["search_s"] = round(search_s, 3)
        status = self._model.status()
        stats["solver_status"] = _STATUS_NAMES.get(status, str(status))
        stats["budget_hit"] = "time" if search_s >= time_limit_s * 0.98 else "solutions"
        if solution is None:
            if self._start is not None:
                stats["fallback"] = "first_solution"
                return self._start
            return None
        stats["ortools_objective"] = int(solution.ObjectiveValue())
        return self._routes_of(solution)

    def _routes_of(self, solution: Any) -> list[list[int]]:
        """Walk each vehicle's path in a solution: venue nodes per squad, depots left out."""
        model = self._model
        out: list[list[int]] = []
        for k in range(self.problem.n_squads):
            nodes = []
            idx = solution.Value(model.NextVar(model.Start(k)))
            while not model.IsEnd(idx):
                nodes.append(int(self._manager.IndexToNode(idx)))
                idx = solution.Value(model.NextVar(idx))
            out.append(nodes)
        return out


__all__ = [
    "QUADRATIC_ACTIVE_MAX_VENUES",
    "QUADRATIC_ACTIVE_MAX_VENUES_PART",
    "Metaheuristic",
    "NightModel",
]
