"""Tests of the OR-Tools model: its objective is ours, starts are read and routes walked back."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from planner.check import verify
from planner.problem import NightProblem
from planner.routing._ortools import QUADRATIC_ACTIVE_MAX_VENUES, NightModel
from planner.routing.heuristics import greedy_routes, plan_cost
from planner.routing.schedule import plan_from_routes
from planner.testing import synthetic_problem

H = 3600


def _night(seed: int, *, max_per_desa: int | None = None) -> NightProblem:
    """Two stations, three squads, patchy jurisdiction, windows."""
    rng = np.random.default_rng(seed)
    nv = 25
    allowed = rng.random((3, nv)) < 0.7
    allowed[0] |= ~(allowed[1] | allowed[2])
    opens = rng.integers(0, 2 * H, nv)
    return synthetic_problem(
        rng.uniform(0, 8000, (nv + 2, 2)),
        n_depots=2,
        squads=[(0, 0, 4 * H), (1, 0, 4 * H), (0, H, 5 * H)],
        windows_s=[(int(a), int(a) + 2 * H) for a in opens],
        prize=rng.integers(1, 9, nv).tolist(),
        dwell_s=900,
        allowed=allowed,
        desa=[f"D{i % 5}" for i in range(nv)],
        max_per_desa=max_per_desa,
    )


def _model(p: NightProblem, **kw: Any) -> NightModel:
    model = NightModel(p, **kw)
    model.close(
        metaheuristic="greedy",
        solution_limit=None,
        time_limit_s=10.0,
        quadratic_max=QUADRATIC_ACTIVE_MAX_VENUES,
    )
    return model


@pytest.mark.parametrize("max_per_desa", [None, 2])
def test_a_search_from_the_greedy_keeps_every_rule_and_our_objective(
    max_per_desa: int | None,
) -> None:
    p = _night(4, max_per_desa=max_per_desa)
    start = greedy_routes(p)
    model = _model(p)
    assert model.start_from(start)
    stats: dict[str, Any] = {}
    routes = model.search(time_limit_s=10.0, stats=stats)
    assert routes is not None and len(routes) == p.n_squads
    assert all(v >= p.n_depots for r in routes for v in r)  # venue nodes, depots left out
    assert verify(plan_from_routes(p, routes), p) == []
    assert stats["ortools_objective"] == plan_cost(p, routes)  # no must-visit: same objective
    assert plan_cost(p, routes) <= plan_cost(p, start)  # descent from the start
    assert stats["budget_hit"] == "solutions"  # descent ends by itself


def test_without_a_start_ortools_finds_its_own_first_solution() -> None:
    p = _night(6)
    stats: dict[str, Any] = {}
    routes = _model(p).search(time_limit_s=10.0, stats=stats)
    assert routes is not None
    assert verify(plan_from_routes(p, routes), p) == []
    assert "fallback" not in stats


def test_a_start_outside_the_jurisdiction_is_rejected() -> None:
    p = _night(5)
    k, v = map(int, np.argwhere(~p.allowed[:, p.n_depots :])[0])
    bad: list[list[int]] = [[] for _ in range(p.n_squads)]
    bad[k] = [v + p.n_depots]
    assert not _model(p).start_from(bad)


def test_desa_caps_replace_max_per_desa() -> None:
    p = _night(7, max_per_desa=3)
    caps = {g: 0 for g in range(len(p.desa_codes))}
    caps[0] = 1
    routes = _model(p, desa_caps=caps).search(time_limit_s=10.0, stats={})
    assert routes is not None
    groups = [int(p.desa_group[v]) for r in routes for v in r]
    assert groups == [0]  # one visit in desa 0, none anywhere else
