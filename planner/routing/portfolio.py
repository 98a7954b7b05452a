"""Processes of one solve: whole searches side by side, or the parts of one search side by side.

``routing.workers`` processes of :class:`planner._pool.ForkPool`, forked so that each inherits
the problem as the pool's shared state (OR-Tools objects cannot be pickled: each process builds
its own models). On small nights each runs a whole search with its own seed and the best plan
wins (ties: the lower worker, so a reproducible run stays reproducible). On decomposed nights
one search runs here and hands its greedy restarts, ruin and recreate runs and disjoint LNS parts
to the workers (:class:`planner.routing.lns.Parallel`). A worker that dies does not change the
plan: the pool runs its jobs again here. Where processes cannot be started (inside a daemonic
worker such as Dask's, no ``fork``) one search runs in this process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from planner import _pool
from planner.problem import NightProblem
from planner.routing.heuristics import cost_key, plan_cost
from planner.routing.lns import Routes, SolveOptions, solve_core, use_lns

J = TypeVar("J")
R = TypeVar("R")
Found = list[tuple[Routes | None, dict[str, Any]]]
"""Per search: its node routes (None: nothing found) and its stats."""

_PARALLEL_PARTS = True
"""With several workers and decomposition: disjoint parts in parallel, one search."""


def _shared_job(args: tuple[Callable[[NightProblem, J], R], J]) -> R:
    """Run one job on the problem the pool shares (in a worker, or here)."""
    fn, job = args
    problem: NightProblem = _pool.state()
    return fn(problem, job)


class _Forked:
    """The :class:`~planner.routing.lns.Parallel` of a pool sharing the problem.

    ``parts`` stays what the search was planned with, also when the pool has gone serial
    after losing a worker: the plan does not depend on how many processes are left.
    """

    def __init__(self, pool: _pool.ForkPool, parts: int) -> None:
        self._pool = pool
        self.parts = parts

    def map(self, fn: Callable[[NightProblem, J], R], jobs: Sequence[J]) -> list[R]:
        return self._pool.map(_shared_job, [(fn, job) for job in jobs])


def _whole_search(args: tuple[int, SolveOptions]) -> tuple[Routes | None, dict[str, Any]]:
    """One worker's whole search with its own seed."""
    seed, options = args
    stats: dict[str, Any] = {}
    return solve_core(_pool.state(), seed=seed, options=options, stats=stats), stats


def solve_portfolio(
    problem: NightProblem,
    *,
    seed: int,
    options: SolveOptions,
    stats: dict[str, Any],
) -> Routes | None:
    """The best node routes of ``options.workers`` processes (see the module docstring).

    ``stats`` gets the winner's search details, ``workers``, ``best_worker`` and, with several
    searches, every worker's cost (``workers_lost`` when a worker died); ``stopped`` is
    ``"converged"`` only when every search converged (the solve waits for the last one).
    """
    seeds = [seed + 1_000_003 * i for i in range(max(1, options.workers))]
    results: Found | None = None
    if len(seeds) > 1 and _pool.can_fork():
        t0 = time.perf_counter()
        try:
            results = _side_by_side(problem, seeds, options=options, stats=stats)
        except OSError as exc:  # pragma: no cover - no processes to be had (ulimit)
            stats["workers_error"] = repr(exc)
            results = None
        stats["portfolio_s"] = round(time.perf_counter() - t0, 3)
    if results is None:
        alone: dict[str, Any] = {}
        results = [(solve_core(problem, seed=seed, options=options, stats=alone), alone)]
    return _best_of(problem, results, stats)


def _side_by_side(
    problem: NightProblem,
    seeds: list[int],
    *,
    options: SolveOptions,
    stats: dict[str, Any],
) -> Found | None:
    """The searches in a pool of ``len(seeds)`` forked workers; None if it has no workers."""
    with _pool.ForkPool(len(seeds), state=problem) as pool:
        if pool.workers <= 1:
            return None
        if use_lns(problem, options.decompose) and _PARALLEL_PARTS:
            sub: dict[str, Any] = {}
            parallel = _Forked(pool, len(seeds))
            routes = solve_core(
                problem, seed=seeds[0], options=options, stats=sub, parallel=parallel
            )
            sub["parallel_parts"] = len(seeds)
            results: Found = [(routes, sub)]
        else:
            results = pool.map(_whole_search, [(s, options) for s in seeds])
        if pool.lost:
            stats["workers_lost"] = pool.lost
    return results


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
    if len(results) > 1:
        # the solve lasts as long as its longest search: converged only if every one did
        ends = {st.get("stopped") for _, st in results}
        if len(ends) > 1:
            stats["stopped"] = "time_limit" if "time_limit" in ends else "budget"
    stats["best_worker"] = best_i
    return None if best_i is None else results[best_i][0]


__all__ = ["solve_portfolio"]
