"""Tests of the processes of one solve: several searches side by side, the best one kept."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from planner.check import verify
from planner.config import Settings
from planner.routing import SolveOptions, portfolio, solve
from planner.routing.heuristics import greedy_routes, multistart_greedy, plan_cost
from planner.routing.schedule import plan_from_routes
from planner.testing import synthetic_problem

H = 3600


def test_greedy_is_feasible_and_not_better_than_solver(fast: Settings) -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 10000, (42, 2))
    p = synthetic_problem(
        xy,
        n_depots=2,
        squads=[(0, 0, 3 * H), (1, 0, 3 * H), (0, H, 4 * H)],
        prize=rng.integers(1, 9, 40).tolist(),
        windows_s=[(int(a), int(a) + 2 * H) for a in rng.integers(0, 2 * H, 40)],
        dwell_s=900,
    )
    g = greedy_routes(p)
    best, starts = multistart_greedy(p, starts=fast.routing.greedy_starts)
    assert starts == fast.routing.greedy_starts
    assert plan_cost(p, best) <= plan_cost(p, g)
    budgeted = fast.with_overrides(routing={"time_limit_s": 30.0})  # the budgets end it
    res = solve(p, budgeted.with_overrides(routing={"workers": 1}))
    assert res.stats["budget_hit"] == "solutions"
    assert verify(res.plan, p) == []
    assert verify(plan_from_routes(p, g), p) == []
    assert res.stats["greedy_cost"] == plan_cost(p, best)
    assert res.objective <= plan_cost(p, best)
    # two workers: the first one runs the same search, so the best of two is no worse
    res2 = solve(p, budgeted)
    assert res2.stats["workers"] == 2
    assert res2.stats["worker_costs"][0] == res.objective
    assert res2.objective == min(res2.stats["worker_costs"]) <= res.objective
    assert not res.stats.get("greedy_rejected")


def test_a_worker_that_dies_changes_nothing(
    fast: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-search (the out-of-memory killer, say): its search runs again in
    this process and the plan is the one two healthy workers give."""
    rng = np.random.default_rng(9)
    p = synthetic_problem(
        rng.uniform(0, 8000, (26, 2)),
        n_depots=1,
        squads=[(0, 0, 3 * H), (0, H, 4 * H)],
        prize=rng.integers(1, 9, 25).tolist(),
        dwell_s=900,
    )
    healthy = solve(p, fast)
    assert healthy.stats["workers"] == 2 and "workers_lost" not in healthy.stats
    parent = os.getpid()
    marker = tmp_path / "killed"
    search = portfolio._whole_search

    def dies_once_in_a_worker(args: tuple[int, SolveOptions]) -> Any:
        if os.getpid() != parent and not marker.exists():
            marker.touch()
            os._exit(1)
        return search(args)

    # pickled by name: the forked workers find it where the pool looks the function up
    dies_once_in_a_worker.__module__ = search.__module__
    dies_once_in_a_worker.__qualname__ = search.__qualname__
    monkeypatch.setattr(portfolio, "_whole_search", dies_once_in_a_worker)
    res = solve(p, fast)
    assert marker.exists()
    assert res.stats["workers_lost"] >= 1
    assert res.plan.routes == healthy.plan.routes
    assert res.stats["worker_costs"] == healthy.stats["worker_costs"]
