"""Night routing: a compiled :class:`~planner.problem.NightProblem` in, a :class:`SolveResult` out.

The night is a team orienteering problem with time windows: each squad leaves its station,
visits venues inside their opening windows and its own jurisdiction, and is back by the end of
its shift; a venue is visited when its priority pays for the detour. The package:

* ``heuristics`` — greedy insertion, its multi-start, ruin and recreate, the objective (numpy);
* ``_ortools`` — the OR-Tools model (the only module importing ``ortools``);
* ``lns`` — one search: the whole model from a first solution, or the decomposition LNS;
* ``portfolio`` — the processes of one solve (``routing.workers``);
* ``schedule`` — node routes to a :class:`~planner.domain.Plan` (timing, dropped venues).

The plan is **not** verified here: the caller runs :func:`planner.check.verify` on it (the
pipeline does, once), so the solver and the independent checker share no code.
"""

from __future__ import annotations

import time
from typing import Any

from planner.config import Settings
from planner.problem import NightProblem, SolveResult, SolveStatus
from planner.routing import _kernel
from planner.routing._ortools import Metaheuristic
from planner.routing.heuristics import greedy_routes, multistart_greedy, plan_cost
from planner.routing.lns import FirstSolution, SolveOptions
from planner.routing.portfolio import solve_portfolio
from planner.routing.schedule import plan_from_routes


def solve(
    problem: NightProblem,
    settings: Settings,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    reproducible: bool | None = None,
    metaheuristic: Metaheuristic | None = None,
    first_solution: FirstSolution | None = None,
) -> SolveResult:
    """Choose which venues each squad visits, in what order and when.

    The plan is returned unverified: the caller checks it with :func:`planner.check.verify`
    (``pipeline.plan_night`` does, once, and raises on any violation but a missing
    must-visit).

    Parameters
    ----------
    problem
        Tonight's compiled problem.
    settings
        ``settings.routing`` gives the defaults of every option below.
    time_limit_s
        Wall-time limit of the search (always applied, also in reproducible mode): the safety
        net. A search that has converged ends earlier and says so in ``stats["stopped"]``
        (``converged``, ``time_limit`` or ``budget``; docs/routing.md).
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

    Returns
    -------
    SolveResult
        ``status`` is ``"feasible"``, ``"must_visit_unmet"`` (see ``plan.unmet_must_visit``)
        or ``"no_solution"``.
    """
    t0 = time.perf_counter()
    options = SolveOptions.from_settings(
        settings.routing,
        time_limit_s=time_limit_s,
        reproducible=reproducible,
        metaheuristic=metaheuristic,
        first_solution=first_solution,
    )
    seed = int(settings.routing.seed if seed is None else seed)
    stats: dict[str, Any] = {
        "metaheuristic": options.metaheuristic,
        "first_solution": options.first_solution,
        "time_limit_s": options.time_limit_s,
        "seed": seed,
        "reproducible": options.reproducible,
        "n_venues": len(problem.venue_nodes),
        "n_squads": problem.n_squads,
    }
    node_routes: list[list[int]] | None
    if problem.n_squads == 0 or len(problem.venue_nodes) == 0:
        node_routes = [[] for _ in range(problem.n_squads)]
        stats["solver_status"] = "TRIVIAL"
    else:
        # the compiled heuristics are ready before the search's clock starts and its workers
        # fork (numba compiles once per machine, then loads from its cache)
        stats["compile_s"] = round(_kernel.warm(problem), 3)
        node_routes = solve_portfolio(problem, seed=seed, options=options, stats=stats)
    wall_s = time.perf_counter() - t0
    stats["wall_s"] = round(wall_s, 3)
    if node_routes is None:
        empty: list[list[int]] = [[] for _ in range(problem.n_squads)]
        plan = plan_from_routes(problem, empty, {"solver": stats})
        return SolveResult("no_solution", plan_cost(problem, empty), wall_s, plan, stats)
    objective = plan_cost(problem, node_routes)
    stats["objective"] = objective  # the checker recomputes it (check.verify)
    plan = plan_from_routes(problem, node_routes, {"solver": stats})
    status: SolveStatus = "must_visit_unmet" if plan.unmet_must_visit else "feasible"
    return SolveResult(status, objective, wall_s, plan, stats)


__all__ = [
    "Metaheuristic",
    "SolveOptions",
    "SolveResult",
    "greedy_routes",
    "multistart_greedy",
    "plan_cost",
    "plan_from_routes",
    "solve",
]
