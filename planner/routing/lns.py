"""The search of one solve: the whole model from a first solution, or the decomposition LNS.

Whole model (:func:`solve_whole`): a first solution from our own greedy insertion heuristic
(priority per minute used, the time-window "max shift" test of Vansteenwegen et al.), improved
by ruin and recreate (:func:`planner.routing.heuristics.ruin_recreate`) for most of the time
limit, handed to OR-Tools, then a metaheuristic (guided local search by default) under the rest
of the wall-time limit; in reproducible mode under step and solution budgets (single-threaded
OR-Tools is deterministic under a fixed budget), with the wall-time limit kept as a safety net.

Why ruin and recreate: OR-Tools' own metaheuristics (guided local search, its iterated local
search with SISR ruins, simulated annealing, tabu) all stalled in the same local optimum on the
TOPTW benchmark's Cordeau instances, where the plan must trade many visits for others at once
(pr05 m=2: 995 of a best known 1103). Ruin and recreate makes those trades (1 077-1 091), and
OR-Tools' local search then polishes the routes (2-opt, relocate, exchange, swap-active).

Large nights (``routing.decompose``, :func:`solve_decomposed`): after ruin and recreate, a
large-neighbourhood search whose every step is an OR-Tools model of a few squads and the venues
open to them, solved from the current routes (:func:`_restrict`, :func:`improve_part`), plus a
phase where each squad confined to its jurisdiction is re-optimised alone (:func:`_polish`).
Where the steps run is the caller's: in this process, or side by side in the forked workers of
:mod:`planner.routing.portfolio` (a :class:`Parallel`), which changes nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

import numpy as np

from planner.config import RoutingSettings
from planner.problem import NightProblem, sub_distances
from planner.routing._ortools import (
    QUADRATIC_ACTIVE_MAX_VENUES,
    QUADRATIC_ACTIVE_MAX_VENUES_PART,
    Metaheuristic,
    NightModel,
)
from planner.routing.heuristics import (
    Stall,
    anchored_greedy,
    cost_key,
    kicked_greedy,
    linear_penalties,
    multistart_greedy,
    plan_cost,
    ruin_recreate,
    swap_descent,
)

FirstSolution = Literal["greedy", "ortools"]
Decompose = Literal["auto", "always", "never"]
Routes = list[list[int]]
"""Node routes: per squad, the venue nodes in visiting order (depots left out)."""


@dataclass(frozen=True)
class SolveOptions:
    """How one solve searches: its budgets and strategy, resolved once by ``routing.solve``.

    Attributes
    ----------
    time_limit_s
        Wall-time limit of the whole search (a safety net in reproducible mode).
    solution_limit
        Reproducible mode: the search budgets derive from it (OR-Tools' solution limit, LNS
        parts per 60 of it); None: the search runs on the clock.
    metaheuristic, first_solution
        OR-Tools' local-search metaheuristic and where the first solution comes from.
    greedy_starts
        Restarts of the greedy first solution (the best is kept).
    rr_steps
        Ruin-and-recreate steps in reproducible mode; 0: no ruin and recreate at all.
    decompose
        ``"auto"``: the decomposition LNS on large nights; ``"always"``; ``"never"``.
    workers
        Processes of one solve (:mod:`planner.routing.portfolio`).
    reproducible
        Identical plans run to run: budgets instead of the clock.
    """

    time_limit_s: float
    solution_limit: int | None
    metaheuristic: Metaheuristic
    first_solution: FirstSolution
    greedy_starts: int
    rr_steps: int
    decompose: Decompose
    workers: int
    reproducible: bool

    @classmethod
    def from_settings(
        cls,
        routing: RoutingSettings,
        *,
        time_limit_s: float | None = None,
        reproducible: bool | None = None,
        metaheuristic: Metaheuristic | None = None,
        first_solution: FirstSolution | None = None,
    ) -> SolveOptions:
        """``settings.routing``, with the arguments given (not None) taking precedence."""
        repro = bool(routing.reproducible if reproducible is None else reproducible)
        return cls(
            time_limit_s=float(routing.time_limit_s if time_limit_s is None else time_limit_s),
            solution_limit=routing.solution_limit if repro else None,
            metaheuristic=metaheuristic or routing.metaheuristic,
            first_solution=first_solution or routing.first_solution,
            greedy_starts=routing.greedy_starts,
            rr_steps=routing.ruin_recreate_steps if routing.ruin_recreate else 0,
            decompose=routing.decompose,
            workers=routing.workers,
            reproducible=repro,
        )


_GREEDY_SHARE = 0.05
"""Time-limit share of the greedy multi-start (TOPTW subset: 0.37 % gap vs 0.48 % at 25 %)."""
_RR_SHARE = 0.85
"""Ruin and recreate: this share of the time the greedy leaves (whole model), ..."""
_RR_SHARE_LNS = 0.7
"""... and of the time left on decomposed nights (50 / 70 / 95 % measured alike)."""
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

_STALL_SHARE = 0.25
"""Convergence (see :class:`planner.routing.heuristics.Stall` and docs/routing.md): a phase
stops when its best has not improved during the last quarter of its steps and of the time
since the search began, ..."""
_STALL_MIN_S = 1.0
"""... and for at least this long, ..."""
_RR_STALL_PER_VENUE = 5
"""... and for at least this many ruin-and-recreate steps per venue (after the annealing has
cooled), ..."""
_LNS_STALL_ROUNDS = 2
"""... or LNS rounds per pass over the squads (``n_squads / (3 squads × parts)`` rounds, at
least 3 rounds in all)."""
_RR_RESTART_SEED = 7_919
"""Seed step between the ruin-and-recreate runs of one whole-model search (restarts)."""
_RR_PATIENCE = 3
"""Restarts in a row that find nothing better end the ruin-and-recreate phase."""
_AFTER_CONVERGED = (1 - _RR_SHARE) / _RR_SHARE
"""After ruin and recreate converged, OR-Tools' polish gets this much of the time used so far
(the share it would have had of a time limit that ended there), at least ``_STALL_MIN_S``."""


# ------------------------------------------------------------------ jobs and where they run


class GreedyJob(NamedTuple):
    seed: int
    starts: int
    time_budget_s: float | None


class RuinJob(NamedTuple):
    routes: Routes
    seed: int
    time_limit_s: float | None
    steps: int | None
    horizon: int | None = None
    stall: Stall | None = None


class PartTask(NamedTuple):
    """One part to re-optimise: some squads over some venues, from the current routes."""

    routes: Routes
    squads: list[int]
    venues: list[int]
    time_limit_s: float
    solution_limit: int | None
    metaheuristic: Metaheuristic
    ruin_seed: int | None


J = TypeVar("J")
R = TypeVar("R")


class Parallel(Protocol):
    """Runs the jobs of one search side by side (the forked workers of ``portfolio``).

    ``map(fn, jobs)`` is ``[fn(problem, job) for job in jobs]`` on the solve's problem, in job
    order; ``parts`` is how many jobs run at once (and how many parts a round solves).
    """

    @property
    def parts(self) -> int: ...

    def map(self, fn: Callable[[NightProblem, J], R], jobs: Sequence[J]) -> list[R]: ...


def _run(
    problem: NightProblem,
    parallel: Parallel | None,
    fn: Callable[[NightProblem, J], R],
    jobs: Sequence[J],
) -> list[R]:
    if parallel is not None:
        return parallel.map(fn, jobs)
    return [fn(problem, job) for job in jobs]


def greedy_job(problem: NightProblem, job: GreedyJob) -> tuple[Routes, int]:
    return multistart_greedy(
        problem, seed=job.seed, starts=job.starts, time_budget_s=job.time_budget_s
    )


def ruin_job(problem: NightProblem, job: RuinJob) -> tuple[Routes, dict[str, Any]]:
    stats: dict[str, Any] = {}
    routes = ruin_recreate(
        problem,
        job.routes,
        seed=job.seed,
        time_limit_s=job.time_limit_s,
        iterations=job.steps,
        horizon=job.horizon,
        stall=job.stall,
        stats=stats,
    )
    return routes, stats


def rr_stall(problem: NightProblem, options: SolveOptions, t0: float) -> Stall:
    """The convergence rule of ruin and recreate (steps scale with the venues)."""
    return Stall(
        min_steps=_RR_STALL_PER_VENUE * len(problem.venue_nodes),
        clock=not options.reproducible,
        share=_STALL_SHARE,
        min_s=_STALL_MIN_S,
        t0=t0,
    )


def lns_stall(problem: NightProblem, parts: int, *, clock: bool, t0: float) -> Stall:
    """The convergence rule of the LNS: rounds without improvement scale with the squads."""
    per_pass = -(-problem.n_squads // (_LNS_SQUADS * max(1, parts)))
    return Stall(
        min_steps=max(3, _LNS_STALL_ROUNDS * per_pass),
        clock=clock,
        share=_STALL_SHARE,
        min_s=_STALL_MIN_S,
        t0=t0,
    )


def _stopped(stats: dict[str, Any], how: str, t0: float, t_best: float) -> None:
    """How the search ended (``"converged"``, ``"time_limit"``, ``"budget"``: reproducible
    mode's budgets) and when, in seconds from its start, its best plan last improved."""
    stats["stopped"] = how
    stats["last_improvement_s"] = round(max(0.0, t_best - t0), 3)


# ------------------------------------------------------------------ one search


def use_lns(problem: NightProblem, decompose: str) -> bool:
    """Whether this night goes to the decomposition LNS rather than the whole model."""
    return decompose == "always" or (
        decompose == "auto"
        and problem.n_squads > _LNS_SQUADS
        and len(problem.venue_nodes) >= _DECOMPOSE_MIN_VENUES
    )


def solve_core(
    problem: NightProblem,
    *,
    seed: int,
    options: SolveOptions,
    stats: dict[str, Any],
    parallel: Parallel | None = None,
) -> Routes | None:
    """One search: the whole model under ``options.metaheuristic``, or the decomposition LNS.

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

    With ``parallel`` (decomposed nights only), the greedy restarts, ruin and recreate and
    the parts of every round run side by side; without it, all in this process.
    """
    decomposed = use_lns(problem, options.decompose)
    stats["decomposed"] = decomposed
    if not decomposed:
        return solve_whole(problem, seed=seed, options=options, stats=stats)
    if parallel is not None and parallel.parts <= 1:
        parallel = None
    return solve_decomposed(problem, seed=seed, options=options, stats=stats, parallel=parallel)


def solve_whole(
    problem: NightProblem, *, seed: int, options: SolveOptions, stats: dict[str, Any]
) -> Routes | None:
    """The whole OR-Tools model, from our greedy (and ruin and recreate) or OR-Tools' start."""
    t_build = time.perf_counter()
    limit = options.time_limit_s
    metaheuristic = options.metaheuristic
    quadratic_max = QUADRATIC_ACTIVE_MAX_VENUES
    if options.solution_limit is not None and options.rr_steps > 0:
        # Reproducible mode after ruin and recreate: descent to a local optimum ends by itself
        # and is deterministic; guided local search reached only about 5 solutions a second
        # on 100-300 venues, so any useful solution budget outlasted the time limit (and the
        # plan then depended on the machine's speed). It adds little after ruin and recreate
        # anyway: on the TOPTW benchmark some travel, no score. The swap-active operators
        # made one descent on 288 venues (pr05) take 20 s; they stay up to 120 venues.
        metaheuristic = "greedy"
        stats["metaheuristic"] = "greedy"
        quadratic_max = min(quadratic_max, QUADRATIC_ACTIVE_MAX_VENUES_PART)
    deadline = t_build + limit
    start: Routes | None = None
    t_best = t_build
    if options.first_solution == "greedy":
        start = _greedy_start(problem, seed=seed, options=options, stats=stats, deadline=deadline)
        t_best = t_build + stats.pop("t_start_best_s", 0.0)
    converged = stats.get("rr_stopped") == "converged"
    if converged:
        # ruin and recreate has converged: OR-Tools polishes for the share of the time used
        # it would have had, not for the rest of a generous time limit
        used = time.perf_counter() - t_build
        deadline = min(deadline, t_build + used + max(_STALL_MIN_S, _AFTER_CONVERGED * used))
    curved = problem.desa_decay < 1.0 and start is not None
    routes = start
    for round_ in range(_CURVE_ROUNDS if curved else 1):
        t_round = time.perf_counter()
        left = deadline - t_round
        if round_ and left < _CURVE_ROUND_MIN_S:
            break
        # OR-Tools prices venues alone: the presence curve linearised at the current routes
        # (the plain penalties when the curve is off or there is no start). Its answer is
        # judged by the exact objective, and linearised again at that answer while it gains.
        model = NightModel(
            problem,
            penalties=None
            if routes is None
            else linear_penalties(problem, routes, range(problem.n_nodes)),
        )
        model.close(
            metaheuristic=metaheuristic,
            solution_limit=options.solution_limit,
            time_limit_s=left,
            quadratic_max=quadratic_max,
        )
        if round_ == 0:
            stats["build_s"] = round(time.perf_counter() - t_round, 3)
        if routes is not None and not model.start_from(routes):
            stats["greedy_rejected"] = True
        share = left / 2 if curved and round_ < _CURVE_ROUNDS - 1 else left
        found = model.search(time_limit_s=share - (time.perf_counter() - t_round), stats=stats)
        best = _better(problem, routes, found, stats)
        if curved and best is not None:
            best = swap_descent(problem, best, time_limit_s=_SWAP_SHARE * limit, stats=stats)
        stats["ortools_rounds"] = round_ + 1
        if (
            routes is not None
            and best is not None
            and cost_key(problem, best) >= cost_key(problem, routes)
        ):
            break
        if best is not None:
            t_best = time.perf_counter()
        routes = best
    if converged:
        how = "converged"
    elif options.reproducible and stats.get("budget_hit") != "time":
        how = "budget"
    else:
        how = "time_limit"
    _stopped(stats, how, t_build, t_best)
    return routes


_CURVE_ROUNDS = 6
"""With the presence curve: at most this many OR-Tools searches, each from the last one's
answer with the curve linearised there; the first that does not improve the exact objective
ends them. (On the tiny brute-force nights the extra rounds and the swap descent did not
change the two misses: those need a cross-route move under ``max_stops``.)"""
_CURVE_ROUND_MIN_S = 0.2
_SWAP_SHARE = 0.05
"""With the curve: the exact swap descent after each OR-Tools round, at most this share of the
time limit."""


def _better(
    problem: NightProblem, start: Routes | None, found: Routes | None, stats: dict[str, Any]
) -> Routes | None:
    """OR-Tools' routes unless the start is better by the exact objective (``cost_key``)."""
    if start is None or found is None:
        return found if found is not None else start
    if cost_key(problem, start) < cost_key(problem, found):
        stats["ortools_kept"] = False
        return start
    stats["ortools_kept"] = True
    return found


def _greedy_start(
    problem: NightProblem,
    *,
    seed: int,
    options: SolveOptions,
    stats: dict[str, Any],
    deadline: float,
) -> Routes:
    """The whole model's first solution: the greedy multi-start, then ruin and recreate.

    On the clock, a ruin-and-recreate run that converges before its share of the time is
    over is followed by another with the next seed, and so on; the best plan of the runs is
    kept, and ``_RR_PATIENCE`` restarts in a row that do not beat it end the phase
    (``stats["rr_restarts"]``; ``rr_stopped`` is the last run's). A compiled run converges in
    2-6 s on the held-out Cordeau cases at 10 s, stuck in its basin. A restart begins
    elsewhere on the map: from :func:`anchored_greedy`, each route seeded with a random venue
    the best plan so far leaves out. On one or two routes the basin is the part of the map the
    routes cover (pr19 m=1: not one venue in common with PyVRP's route), and a restart from
    the same greedy ends in the same part. Every second restart instead keeps most of the
    best plan: :func:`kicked_greedy` cuts 30-60 % of each route and refills it. On pr10 m=1
    our route and PyVRP's share 16 of 30 visits; the anchored restarts alone stay at 580 even
    at 60 s, and with the kicked ones the search reaches 594, the best known, at 10 s. See
    docs/routing.md for the measurements.
    """
    t_greedy = time.perf_counter()
    reproducible = options.solution_limit is not None
    greedy, n_starts = multistart_greedy(
        problem,
        seed=seed,
        starts=options.greedy_starts,
        time_budget_s=None if reproducible else _GREEDY_SHARE * options.time_limit_s,
    )
    stats["greedy_s"] = round(time.perf_counter() - t_greedy, 3)
    stats["greedy_starts"] = n_starts
    stats["greedy_cost"] = plan_cost(problem, greedy)
    stats["t_start_best_s"] = stats["greedy_s"]
    if options.rr_steps > 0:
        t_rr = time.perf_counter()
        left = deadline - t_rr
        rr_end = t_rr + (left if reproducible else _RR_SHARE * left)
        best, t_best = greedy, t_greedy + stats["greedy_s"]
        restarts = steps = fails = 0
        while True:
            # on the clock, a converged run is followed by another with its own seed, from a
            # greedy anchored away from the best plan so far; _RR_PATIENCE restarts in a row
            # that find nothing better end the phase
            t_run = time.perf_counter()
            run: dict[str, Any] = {}
            origin = greedy
            if restarts:
                # by turns elsewhere on the map and a large part of the best plan kept
                restart = anchored_greedy if restarts % 2 else kicked_greedy
                origin = restart(problem, best, seed=seed + _RR_RESTART_SEED * restarts)
            found = ruin_recreate(
                problem,
                origin,
                seed=seed + _RR_RESTART_SEED * restarts,
                time_limit_s=max(0.0, rr_end - t_run),
                iterations=options.rr_steps if reproducible else None,
                horizon=options.rr_steps,
                stall=rr_stall(problem, options, t_greedy if restarts == 0 else t_run),
                stats=run,
            )
            if not run:  # nothing to search (no squad, or fewer than two venues)
                break
            steps += int(run["rr_iterations"])
            improved = cost_key(problem, found) < cost_key(problem, best)
            if improved:
                best, t_best = found, t_run + float(run["rr_last_improvement_s"])
            if restarts == 0:
                stats.update(run)
            stats["rr_stopped"] = run["rr_stopped"]
            fails = 0 if improved or not restarts else fails + 1
            if reproducible or run["rr_stopped"] != "converged" or fails >= _RR_PATIENCE:
                break
            restarts += 1
        greedy = best
        if "rr_stopped" in stats:
            stats["rr_iterations"] = steps
            stats["rr_restarts"] = restarts
            stats["rr_s"] = round(time.perf_counter() - t_rr, 3)
            stats["rr_last_improvement_s"] = round(max(0.0, t_best - t_rr), 3)
        stats["rr_cost"] = plan_cost(problem, greedy)
        if stats["rr_cost"] < stats["greedy_cost"]:
            stats["t_start_best_s"] = round(t_best - t_greedy, 3)
    return greedy


def solve_decomposed(
    problem: NightProblem,
    *,
    seed: int,
    options: SolveOptions,
    stats: dict[str, Any],
    parallel: Parallel | None,
) -> Routes:
    """Greedy, ruin and recreate, then LNS; with confined squads LNS, polish, LNS again.

    Phases: LNS, then each squad confined to its own jurisdiction alone under guided local
    search (it finds the visit-for-venue swaps that descent misses), then LNS for the rest.
    """
    t0 = time.perf_counter()
    deadline = t0 + options.time_limit_s
    routes = _decomposed_start(
        problem, seed=seed, options=options, stats=stats, parallel=parallel, deadline=deadline
    )
    t_best = t0 + stats.pop("t_start_best_s", 0.0)
    clock = not options.reproducible
    iterations = (
        None
        if options.solution_limit is None
        else max(1, options.solution_limit // _LNS_PARTS_PER_SOLUTIONS)
    )
    parts = parallel.parts if parallel is not None else 1
    confined = _confined_squads(problem)
    done = accepted = 0
    lns_stats: dict[str, Any] = {}
    if confined:
        now = time.perf_counter()
        first = now + _LNS_FIRST_SHARE * max(0.0, deadline - now)
        routes = _lns(
            problem,
            routes,
            seed=seed,
            deadline=first,
            iterations=None if iterations is None else max(1, iterations // 2),
            stats=lns_stats,
            parallel=parallel,
            stall=lns_stall(problem, parts, clock=clock, t0=t0),
        )
        done = lns_stats["lns_iterations"]
        accepted = lns_stats["lns_accepted"]
        if lns_stats["lns_t_best"] is not None:
            t_best = lns_stats["lns_t_best"]
        t_pol = time.perf_counter()
        remaining = max(0.0, deadline - t_pol)
        rounds = -(-len(confined) // max(1, parts))
        if clock:  # at most the time used so far: a generous time limit is a safety net
            remaining = min(remaining, max(_LNS_SLICE_S, t_pol - t0))
        polish_s = _POLISH_SHARE * remaining
        routes, gained = _polish(
            problem,
            routes,
            confined,
            time_limit_s=polish_s / rounds,
            solution_limit=None if iterations is None else _LNS_SINGLE_SOLUTIONS,
            parallel=parallel,
        )
        if gained > 0:
            t_best = time.perf_counter()
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
        parallel=parallel,
        stall=lns_stall(problem, parts, clock=clock, t0=t0),
    )
    if lns_stats["lns_t_best"] is not None:
        t_best = lns_stats["lns_t_best"]
    if problem.desa_decay < 1.0:
        routes = swap_descent(
            problem, routes, time_limit_s=_SWAP_SHARE * options.time_limit_s, stats=stats
        )
    stats["lns_iterations"] = done + lns_stats["lns_iterations"]
    stats["lns_accepted"] = accepted + lns_stats["lns_accepted"]
    how = lns_stats["lns_stopped"]
    stats["budget_hit"] = "time" if how == "time_limit" else "solutions"
    stats["solver_status"] = "LNS"
    _stopped(stats, how, t0, t_best)
    return routes


def _decomposed_start(
    problem: NightProblem,
    *,
    seed: int,
    options: SolveOptions,
    stats: dict[str, Any],
    parallel: Parallel | None,
    deadline: float,
) -> Routes:
    """The LNS's first routes: greedy restarts, then ruin and recreate (one run per part)."""
    t0 = time.perf_counter()
    reproducible = options.solution_limit is not None
    budget = None if reproducible else _GREEDY_SHARE * options.time_limit_s
    if parallel is not None:
        # the restarts split over the processes; the best greedy wins (ties: lower seed)
        share = -(-options.greedy_starts // parallel.parts)
        jobs = [GreedyJob(seed + 1_000_003 * i, share, budget) for i in range(parallel.parts)]
        found = parallel.map(greedy_job, jobs)
        greedy = min(found, key=lambda g: plan_cost(problem, g[0]))[0]
        starts = sum(n for _, n in found)
    else:
        greedy, starts = multistart_greedy(
            problem, seed=seed, starts=options.greedy_starts, time_budget_s=budget
        )
    stats["greedy_s"] = round(time.perf_counter() - t0, 3)
    stats["greedy_starts"] = starts
    stats["greedy_cost"] = plan_cost(problem, greedy)
    stats["t_start_best_s"] = stats["greedy_s"]
    if options.rr_steps > 0:
        t_rr = time.perf_counter()
        left = max(0.0, deadline - t_rr)
        rr_s = left if reproducible else _RR_SHARE_LNS * left
        steps = options.rr_steps if reproducible else None
        runs = parallel.parts if parallel is not None else 1
        stall = rr_stall(problem, options, t0)
        ruin = [
            RuinJob(greedy, seed + 7_919 * i, rr_s, steps, options.rr_steps, stall)
            for i in range(runs)
        ]
        found_rr = _run(problem, parallel, ruin_job, ruin)
        best_i = min(range(runs), key=lambda i: cost_key(problem, found_rr[i][0]))
        rr_routes, rr_stats = found_rr[best_i]
        stats["rr_s"] = round(time.perf_counter() - t_rr, 3)
        # the steps and cooling cycles of every run, as the whole model counts its restarts'
        stats["rr_iterations"] = sum(int(st.get("rr_iterations", 0)) for _, st in found_rr)
        stats["rr_cycles"] = sum(int(st.get("rr_cycles", 0)) for _, st in found_rr)
        stats["rr_cost"] = plan_cost(problem, rr_routes)
        # converged only when every run did (they all end before the LNS begins)
        stopped = {st["rr_stopped"] for _, st in found_rr}
        stats["rr_stopped"] = stopped.pop() if len(stopped) == 1 else "time_limit"
        greedy = rr_routes
        if stats["rr_cost"] < stats["greedy_cost"]:
            stats["t_start_best_s"] = round(t_rr - t0 + rr_stats["rr_last_improvement_s"], 3)
    return greedy


# ------------------------------------------------------------------ decomposition (LNS)


def _restrict(
    problem: NightProblem,
    squads: Sequence[int],
    venues: Sequence[int],
    *,
    penalty: np.ndarray | None = None,
) -> tuple[NightProblem, np.ndarray]:
    """The problem of some squads and some venues only, and its node -> global node map.

    Every depot stays (so start and end nodes keep their numbers); venues follow in the
    order given. Desa groups keep their global numbers. ``penalty`` (per node of the result)
    replaces the penalties, e.g. the presence curve linearised at the current routes.
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
        penalty=problem.penalty[nodes] if penalty is None else penalty,
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
        dist_m=sub_distances(problem, profiles, nodes),
        dropped=(),
        unmet_must_visit=(),
    )
    return sub, nodes


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


def improve_part(problem: NightProblem, task: PartTask) -> Routes | None:
    """Re-optimise the routes of ``task.squads`` over ``task.venues`` with OR-Tools, from the
    current routes; the new routes of those squads (global nodes), or None.

    With ``task.ruin_seed``, OR-Tools starts from the routes with a random string of visits
    removed from each (ruin and recreate: the descent re-inserts them, or better ones).
    """
    # OR-Tools prices venues alone: the presence curve linearised at the current routes
    # (depots: 0); the caller keeps the part only if the exact objective improves
    lin = linear_penalties(problem, task.routes, task.venues)
    penalty = np.concatenate([np.zeros(problem.n_depots, dtype=np.int64), lin])
    sub, nodes = _restrict(problem, task.squads, task.venues, penalty=penalty)
    local = {int(v): i for i, v in enumerate(nodes)}
    caps = None
    if problem.max_per_desa is not None:
        inside = set(task.venues)
        used = np.zeros(len(problem.desa_codes) + 1, dtype=np.int64)
        for r in task.routes:
            for v in r:
                if v not in inside:
                    used[problem.desa_group[v]] += 1
        caps = {g: max(0, int(problem.max_per_desa) - int(used[g])) for g in range(len(used))}
    start = [list(task.routes[k]) for k in task.squads]
    if task.ruin_seed is not None:
        rng = np.random.default_rng(task.ruin_seed)
        for r in start:
            if r:
                size = int(rng.integers(1, max(1, len(r) // 3) + 1))
                at = int(rng.integers(0, len(r) - size + 1))
                del r[at : at + size]
    t_build = time.perf_counter()
    model = NightModel(sub, desa_caps=caps)
    model.close(
        metaheuristic=task.metaheuristic,
        solution_limit=task.solution_limit,
        time_limit_s=task.time_limit_s,
        quadratic_max=QUADRATIC_ACTIVE_MAX_VENUES_PART,
    )
    model.start_from([[local[v] for v in r] for r in start])
    left = task.time_limit_s - (time.perf_counter() - t_build)
    out = model.search(time_limit_s=left, stats={})
    if out is None:
        return None
    return [[int(nodes[v]) for v in r] for r in out]


def _lns(
    problem: NightProblem,
    routes: Routes,
    *,
    seed: int,
    deadline: float | None,
    iterations: int | None,
    stats: dict[str, Any],
    parallel: Parallel | None,
    stall: Stall | None = None,
) -> Routes:
    """Decomposition LNS: re-optimise a few squads at a time with OR-Tools, keep improvements.

    Stops at ``deadline`` (perf_counter), after ``iterations`` (reproducible mode) or when
    ``stall`` (counting rounds) says it has converged (``stats["lns_stopped"]``). With
    ``parallel``, each round solves ``parallel.parts`` disjoint parts (no squad and no venue in
    common, nor a desa under ``max_per_desa``) side by side; their improvements add up.
    """
    rng = np.random.default_rng([seed, 7])
    # one squad alone, under guided local search: a solution budget in reproducible mode
    single_solutions = None if iterations is None else _LNS_SINGLE_SOLUTIONS
    parts = parallel.parts if parallel is not None else 1
    best = cost_key(problem, routes)
    it = accepted = round_ = 0
    t_best: float | None = None
    stopped = "budget"
    while iterations is None or it < iterations:
        now = time.perf_counter()
        if deadline is not None and now + 0.2 >= deadline:
            stopped = "time_limit"
            break
        if stall is not None and stall.converged(round_):
            stopped = "converged"
            break
        limit = _LNS_SLICE_S if deadline is None else min(_LNS_SLICE_S, deadline - now)
        tasks = []
        taken_sq: list[int] = []
        taken_v = np.zeros(problem.n_nodes, dtype=bool)
        for _ in range(parts):
            single = rng.random() < _LNS_SINGLE_SHARE
            squads, venues = _pick_neighbourhood(
                problem,
                routes,
                rng,
                max_squads=1 if single else _LNS_SQUADS,
                max_candidates=_LNS_CANDIDATES,
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
            ruin = int(rng.integers(2**31)) if rng.random() < _LNS_RUIN_SHARE else None
            if single:
                task = PartTask(
                    routes, squads, venues, min(limit, _LNS_SINGLE_S), single_solutions, "gls", ruin
                )
            else:
                task = PartTask(routes, squads, venues, limit, None, _LNS_METAHEURISTIC, ruin)
            tasks.append(task)
        if not tasks:
            stopped = "converged"  # nothing left to re-optimise
            break
        it += len(tasks)
        round_ += 1
        found = _run(problem, parallel, improve_part, tasks)
        # disjoint parts: each improvement alone is kept, and they add up
        trial = [list(r) for r in routes]
        for done, part in zip(tasks, found, strict=True):
            if part is None:
                continue
            one = [list(r) for r in routes]
            for k, r in zip(done.squads, part, strict=True):
                one[k] = r
            if cost_key(problem, one) < best:
                for k, r in zip(done.squads, part, strict=True):
                    trial[k] = r
                accepted += 1
        key = cost_key(problem, trial)
        if key < best:
            routes, best = trial, key
            t_best = time.perf_counter()
            if stall is not None:
                stall.improved(round_)
    stats["lns_iterations"] = it
    stats["lns_accepted"] = accepted
    stats["lns_stopped"] = stopped
    stats["lns_t_best"] = t_best
    return routes


def _confined_squads(problem: NightProblem) -> list[int]:
    """Squads allowed at most half of tonight's venues (a Polsek squad in its kecamatan)."""
    n = len(problem.venue_nodes)
    counts = problem.allowed.sum(axis=1)
    return [k for k in range(problem.n_squads) if 0 < counts[k] <= n // 2]


def _polish(
    problem: NightProblem,
    routes: Routes,
    squads: Sequence[int],
    *,
    time_limit_s: float,
    solution_limit: int | None,
    parallel: Parallel | None,
) -> tuple[Routes, int]:
    """Re-optimise each squad alone over every venue open to it (guided local search).

    The parts run side by side with ``parallel``; each new route is kept when it is still
    valid next to the routes kept before it (no venue twice, desa caps) and lowers the
    objective. Returns the routes and the objective gained.
    """
    visited = np.zeros(problem.n_nodes, dtype=bool)
    for r in routes:
        visited[list(r)] = True
    tasks = []
    for k in squads:
        cand = np.flatnonzero(problem.allowed[k] & ~visited)
        venues = [*routes[k], *(int(v) for v in cand[:_POLISH_CANDIDATES])]
        tasks.append(PartTask(routes, [k], venues, time_limit_s, solution_limit, "gls", None))
    found = _run(problem, parallel, improve_part, tasks)
    start = plan_cost(problem, routes)
    best = cost_key(problem, routes)
    for k, part in zip(squads, found, strict=True):
        if part is None:
            continue
        trial = [list(r) for r in routes]
        trial[k] = part[0]
        if _valid_together(problem, trial) and (key := cost_key(problem, trial)) < best:
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


__all__ = [
    "GreedyJob",
    "Parallel",
    "PartTask",
    "RuinJob",
    "SolveOptions",
    "improve_part",
    "solve_core",
    "use_lns",
]
