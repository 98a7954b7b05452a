"""baseline: the manual planner is feasible on any problem, goes for the best venue first, and
passes the independent checker on a real night through the pipeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import check, pipeline
from planner.analysis import baseline
from planner.domain import Night
from planner.sources import load_dataset
from planner.testing import synthetic_problem

START = dt.date(2026, 11, 20)


@settings(max_examples=40, deadline=None)
@given(
    n_venues=st.integers(1, 14),
    n_squads=st.integers(1, 3),
    seed=st.integers(0, 10_000),
    max_stops=st.none() | st.integers(1, 4),
    max_per_desa=st.none() | st.integers(1, 2),
)
def test_manual_plan_is_always_feasible(
    n_venues: int, n_squads: int, seed: int, max_stops: int | None, max_per_desa: int | None
) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 8000, size=(2 + n_venues, 2))
    opens = rng.integers(25_200, 36_000, size=n_venues)
    windows = [(int(o), int(o + rng.integers(0, 10_000))) for o in opens]
    squads = [
        (int(k % 2), 25_200, 25_200 + int(rng.integers(3_600, 20_000))) for k in range(n_squads)
    ]
    problem = synthetic_problem(
        xy,
        n_depots=2,
        squads=squads,
        windows_s=windows,
        prize=rng.uniform(0, 5, n_venues).round(2).tolist(),
        allowed=rng.random((n_squads, n_venues)) < 0.8,
        must_visit=(rng.random(n_venues) < 0.15).tolist(),
        desa=[f"D{i % 3}" for i in range(n_venues)],
        max_stops=max_stops,
        max_per_desa=max_per_desa,
    )
    res = baseline.manual_plan(problem)
    assert [v for v in check.verify(res.plan, problem) if v.rule != "must_visit_missing"] == []
    visited = set(res.plan.visited_ids())
    dropped = {d.venue_id for d in res.plan.dropped}
    assert visited | dropped == set(problem.node_ids[problem.n_depots :])
    assert not visited & dropped
    assert res.status == ("must_visit_unmet" if res.plan.unmet_must_visit else "feasible")
    missed = [problem.node_of(v) for v in dropped]
    travel = sum(r.travel_s for r in res.plan.routes if r.stops)
    assert res.objective == travel + int(problem.penalty[missed].sum())


def test_manual_plan_goes_to_the_best_reachable_venue_first() -> None:
    # one squad, three venues on a line; the far one has the highest priority
    problem = synthetic_problem(
        [[0, 0], [1000, 0], [2000, 0], [9000, 0]],
        n_depots=1,
        squads=[(0, 25_200, 25_200 + 7_200)],
        prize=[1.0, 2.0, 5.0],
        dwell_s=600,
    )
    route = baseline.manual_plan(problem).plan.routes[0]
    assert route.stops[0].venue_id == "V3"
    assert route.return_s <= 25_200 + 7_200


def test_manual_plan_on_a_real_night_passes_the_checker(small: Path) -> None:
    ds = load_dataset(small)
    res = pipeline.plan_night(ds, Night(START), solver=baseline.manual_plan, draw_legs=False)
    assert res.result.stats["solver"] == "manual"
    assert "legs" not in res.timings and res.legs == {}
    assert [v for v in check.verify(res.plan, res.problem) if v.rule != "must_visit_missing"] == []
    assert res.plan.visits > 0
