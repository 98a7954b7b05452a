"""plan.json and the problem export: round trips, and refusing other formats and versions."""

from __future__ import annotations

import json

import numpy as np
import pytest
from problem_support import SETTINGS, night_inputs

from planner.check import verify
from planner.errors import InputError
from planner.planfile import plan_from_json, plan_to_json, problem_from_json, problem_to_json
from planner.problem import NightProblem, build_problem
from planner.routing import solve


@pytest.fixture(scope="module")
def built() -> NightProblem:
    return build_problem(**night_inputs())  # type: ignore[arg-type]


def test_problem_json_round_trip(built: NightProblem) -> None:
    text = json.dumps(problem_to_json(built))
    back = problem_from_json(json.loads(text))
    assert back.node_ids == built.node_ids
    for name in (
        "open_s",
        "latest_start_s",
        "dwell_s",
        "penalty",
        "must_visit",
        "allowed",
        "travel_s",
        "start_node",
        "shift_end_s",
        "squad_profile",
    ):
        assert np.array_equal(getattr(back, name), getattr(built, name)), name
    assert np.allclose(back.dist_m, built.dist_m, atol=0.05)
    assert back.dropped == built.dropped
    assert back.unmet_must_visit == built.unmet_must_visit
    assert back.total_priority == built.total_priority


def test_problem_json_errors() -> None:
    with pytest.raises(InputError):
        problem_from_json({"format": "something-else"})
    with pytest.raises(InputError):
        problem_from_json({"format": "warkop-night-problem", "version": 99})
    with pytest.raises(InputError):
        problem_from_json({"format": "warkop-night-problem", "version": 1, "nodes": []})


def test_plan_json_round_trip_and_recheck(built: NightProblem) -> None:
    res = solve(built, SETTINGS)
    assert res.status == "must_visit_unmet"  # V2, V4, V6, V9 cannot be served
    data = json.loads(
        json.dumps(plan_to_json(res.plan, built, res, settings=SETTINGS, embed_problem=True))
    )
    assert data["format"] == "warkop-plan" and data["version"] == 1
    assert data["totals"]["visits"] == res.plan.visits
    plan = plan_from_json(data)
    assert plan.routes == res.plan.routes
    assert plan.dropped == res.plan.dropped
    problem = problem_from_json(data["problem"])
    assert {v.rule for v in verify(plan, problem)} == {"must_visit_missing"}


def test_plan_json_rejects_other_formats() -> None:
    with pytest.raises(InputError):
        plan_from_json({"format": "warkop-plan", "version": 2})


def test_a_plan_names_its_format_in_the_error() -> None:
    with pytest.raises(InputError) as err:
        plan_from_json({"format": "warkop-night-problem", "version": 1})
    problem = err.value.problems[0]
    assert problem.column == "format" and problem.value == "warkop-night-problem"
    assert "warkop-plan" in problem.expected("en")
    with pytest.raises(InputError) as err:
        problem_from_json([1, 2])
    assert "--export-problem" in err.value.problems[0].expected("en")
    assert err.value.problems[0].value == "list"


def test_problem_export_v2_carries_the_curve_and_v1_still_reads(built: NightProblem) -> None:
    curved = built.replace(desa_decay=0.6)
    data = json.loads(json.dumps(problem_to_json(curved)))
    assert data["version"] == 2 and data["desa_decay"] == 0.6
    back = problem_from_json(data)
    assert back.desa_decay == 0.6
    assert np.array_equal(back.desa_group, curved.desa_group)
    assert back.desa_codes == curved.desa_codes
    # a v1 file (before the curve) is read as the plain sum
    old = {k: v for k, v in data.items() if k != "desa_decay"} | {"version": 1}
    assert problem_from_json(old).desa_decay == 1.0
