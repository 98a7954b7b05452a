"""Processes of one solve: whole searches side by side, or the parts of one search side by side.

``routing.workers`` processes, forked so that each inherits the problem (OR-Tools objects cannot
be pickled: each process builds its own models). On small nights each runs a whole search with
its own seed and the best plan wins (ties: the lower worker, so a reproducible run stays
reproducible). On decomposed nights one search runs here and hands its greedy restarts, ruin
and recreate runs and disjoint LNS parts to the workers (:class:`planner.routing.lns.Parallel`).
Where processes cannot be started (a daemonic worker of a process pool, no ``fork``) one search
runs in this process.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from planner.problem import NightProblem
from planner.routing.heuristics import cost_key, plan_cost
from planner.routing.lns import Routes, SolveOptions, solve_core, use_lns

J = TypeVar("J")
R = TypeVar("R")

_PARALLEL_PARTS = True
"""With several workers and decomposition: disjoint parts in parallel, one search."""
_PORTFOLIO_PROBLEM: NightProblem | None = None


def _shared_job(args: tuple[Callable[[NightProblem, J], R], J]) -> R:
    """Run one job in a worker on the problem it inherited."""
    fn, job = args
    assert _PORTFOLIO_PROBLEM is not None
    return fn(_PORTFOLIO_PROBLEM, job)


class _Forked:
    """The :class:`~planner.routing.lns.Parallel` of a process pool forked with the problem."""

    def __init__(self, pool: Any, parts: int) -> None:
        self._pool = pool
        self.parts = parts

    def map(self, fn: Callable[[NightProblem, J], R], jobs: Sequence[J]) -> list[R]:
        return list(self._pool.map(_shared_job, [(fn, job) for job in jobs]))


def _whole_search(args: tuple[int, SolveOptions]) -> tuple[Routes | None, dict[str, Any]]:
    """One worker's whole search with its own seed."""
    seed, options = args
    assert _PORTFOLIO_PROBLEM is not None
    stats: dict[str, Any] = {}
    return solve_core(_PORTFOLIO_PROBLEM, seed=seed, options=options, stats=stats), stats


def solve_portfolio(
    problem: NightProblem,
    *,
    seed: int,
    options: SolveOptions,
    stats: dict[str, Any],
) -> Routes | None:
    """The best node routes of ``options.workers`` processes (see the module docstring).

    ``stats`` gets the winner's search details, ``workers``, ``best_worker`` and, with several
    searches, every worker's cost.
    """
    global _PORTFOLIO_PROBLEM
    seeds = [seed + 1_000_003 * i for i in range(max(1, options.workers))]
    results: list[tuple[Routes | None, dict[str, Any]]] | None = None
    if len(seeds) > 1 and not mp.current_process().daemon and "fork" in mp.get_all_start_methods():
        t0 = time.perf_counter()
        _PORTFOLIO_PROBLEM = problem
        try:
            ctx = mp.get_context("fork")
            with ctx.Pool(len(seeds)) as pool:
                if use_lns(problem, options.decompose) and _PARALLEL_PARTS:
                    sub: dict[str, Any] = {}
                    routes = solve_core(
                        problem,
                        seed=seed,
                        options=options,
                        stats=sub,
                        parallel=_Forked(pool, len(seeds)),
                    )
                    sub["parallel_parts"] = len(seeds)
                    results = [(routes, sub)]
                else:
                    results = pool.map(_whole_search, [(s, options) for s in seeds])
        except (OSError, AssertionError) as exc:  # pragma: no cover - platform dependent
            stats["workers_error"] = repr(exc)
            results = None
        finally:
            _PORTFOLIO_PROBLEM = None
        stats["portfolio_s"] = round(time.perf_counter() - t0, 3)
    if results is None:
        alone: dict[str, Any] = {}
        results = [(solve_core(problem, seed=seed, options=options, stats=alone), alone)]
    return _best_of(problem, results, stats)


def _best_of(
    problem: NightProblem,
    results: list[tuple[Routes | None, dict[str, Any]]],
    stats: dict[str, Any],
) -> Routes | None:
    """The cheapest routes of the searches (ties: the first); their stats go into ``stats``."""
    best_i = None
    best_key: tuple[int, int] | None = None
    for i, (routes, _) in enumerate(results):
        if routes is None:
            continue
        key = cost_key(problem, routes)
        if best_key is None or key < best_key:
            best_i, best_key = i, key
    stats["workers"] = len(results)
    if len(results) > 1:
        stats["worker_costs"] = [None if r is None else plan_cost(problem, r) for r, _ in results]
    stats.update(results[best_i if best_i is not None else 0][1])
    stats["best_worker"] = best_i
    return None if best_i is None else results[best_i][0]


__all__ = ["solve_portfolio"]
