"""Tests of the NightProblem builder, its invariants and the JSON formats."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from planner.check import verify
from planner.config import Settings
from planner.domain import Night, Squad, Window, opening_intervals
from planner.errors import InputError
from planner.planfile import plan_from_json, plan_to_json, problem_from_json, problem_to_json
from planner.problem import NightProblem, build_problem
from planner.routing import solve
from planner.testing import synthetic_problem

NIGHT = Night.parse("2025-03-05")  # Wednesday → weekday 2
SETTINGS = Settings().with_overrides(
    routing={
        "exchange_rate_min": 6.0,
        "time_limit_s": 2.0,
        "reproducible": True,
        "solution_limit": 200,
    }
)
LATE = (Window(600, 840),)


def _inputs(**over: object) -> dict[str, object]:
    ids = ["POLRES", "PS_A", "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9"]
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 5000, (len(ids), 2))
    pts[ids.index("V9")] = (300000, 0)  # too far to get there and back in a shift
    dist = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(axis=2))
    travel = np.ceil(dist / 10).astype(np.int64)
    venues = pd.DataFrame(
        {
            "venue_id": ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10"],
            "kecamatan": ["Trenggalek"] * 5
            + ["Panggul", "Karangan", "Trenggalek", "Trenggalek", "Trenggalek"],
            "desa_code": ["D1", "D1", "D2", "D2", "D3", "D4", "D5", "D3", "D3", "D3"],
            "windows": [
                LATE,
                LATE,
                LATE,
                (Window(1000, 1300),),  # 04:40-09:40: closed during the shift
                opening_intervals("06:00", "22:00"),  # two pieces; the evening one fits
                LATE,  # Panggul: nobody's area
                LATE,
                LATE,
                LATE,
                LATE,
            ],
            "dwell_min": [20.0, 5.0, None, 20.0, 25.0, 20.0, 20.0, 20.0, 20.0, 20.0],
            "active": [True, True, True, True, True, True, True, False, True, True],
            "closed_days": [frozenset(), frozenset({2}), frozenset(), frozenset(), frozenset()]
            + [frozenset()] * 5,
        }
    )
    scores = pd.DataFrame(
        {
            "venue_id": venues["venue_id"],
            "priority": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
            "must_visit": [False, True, False, True, False, True, False, False, True, False],
            "excluded": [False] * 6 + [True, False, False, False],
        }
    )
    squads = (
        Squad("R1", "POLRES", 6, Window(420, 900), "mobil", area=("Trenggalek", "Karangan")),
        Squad("R2", "PS_A", 5, Window(480, 840), "motor", area=("Karangan",)),
        Squad("R3", "POLRES", 6, Window(420, 900), "motor", area=("Trenggalek",)),
    )
    stations = pd.DataFrame(
        {"station_id": ["POLRES", "PS_A"], "kecamatan": ["Trenggalek", "Karangan"]}
    )
    base: dict[str, object] = {
        "night": NIGHT,
        "venues": venues,
        "scores": scores,
        "squads": squads,
        "stations": stations,
        "node_ids": ids,
        "travel_s": {"mobil": travel, "motor": np.ceil(dist / 9).astype(np.int64)},
        "dist_m": {"mobil": dist, "motor": dist},
        "unreachable": {"V10": "no road within 1000 m"},
        "settings": SETTINGS,
    }
    base.update(over)
    return base


@pytest.fixture(scope="module")
def built() -> NightProblem:
    return build_problem(**_inputs())  # type: ignore[arg-type]


def test_pruning_reasons(built: NightProblem) -> None:
    reasons = {d.venue_id: d.reason for d in built.dropped}
    assert reasons == {
        "V2": "closed",  # closed on Wednesdays
        "V4": "closed",  # opening hours outside every shift
        "V6": "outside_area",
        "V7": "excluded",
        "V8": "inactive",
        "V9": "unreachable",  # in time
        "V10": "unreachable",  # not snapped
    }
    assert built.node_ids == ("POLRES", "PS_A", "V1", "V3", "V5")
    assert dict(built.unmet_must_visit) == {
        "V2": "closed",
        "V4": "closed",
        "V6": "outside_area",
        "V9": "unreachable",
    }


def test_total_priority_counts_active_non_excluded(built: NightProblem) -> None:
    # all but V7 (excluded) and V8 (inactive)
    assert built.total_priority == pytest.approx(55 - 7 - 8)


def test_arrays_and_values(built: NightProblem) -> None:
    v1, v3, v5 = (built.node_of(v) for v in ("V1", "V3", "V5"))
    assert built.dwell_s[v1] == 1200
    assert built.dwell_s[v3] == 25 * 60  # default dwell of the kinds settings
    assert built.open_s[v1] == 600 * 60
    assert built.latest_start_s[v1] == 840 * 60 - 1200
    # two opening pieces: the evening piece [noon, 22:00] is the one overlapping the shifts
    assert built.open_s[v5] == 0 and built.latest_start_s[v5] == 600 * 60 - 25 * 60
    assert built.penalty[v3] == round(3.0 * 6.0 * 60)
    assert list(built.squad_ids) == ["R1", "R2", "R3"]
    assert built.n_depots == 2
    assert list(built.start_node) == [0, 1, 0]
    assert built.profiles == ("mobil", "motor")
    assert list(built.squad_profile) == [0, 1, 1]
    # jurisdiction: R2 only Karangan, so none of these Trenggalek venues
    assert not built.allowed[1].any()
    assert built.allowed[0, v1] and built.allowed[2, v1]
    assert (np.diagonal(built.travel_s, axis1=1, axis2=2) == 0).all()
    for arr in (built.open_s, built.travel_s, built.allowed, built.prize):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[0] = 1  # type: ignore[index]


def test_koper_minimum_dwell() -> None:
    inputs = _inputs()
    venues = inputs["venues"].copy()  # type: ignore[attr-defined]
    venues.loc[0, "dwell_min"] = 3.0
    p = build_problem(**{**inputs, "venues": venues})  # type: ignore[arg-type]
    assert p.dwell_s[p.node_of("V1")] == 600


def test_replace_makes_a_validated_variant(built: NightProblem) -> None:
    q = built.replace(max_stops=2)
    assert q.max_stops == 2 and built.max_stops is None
    with pytest.raises(ValueError):
        built.replace(prize=[1.0])


def test_input_errors_are_collected() -> None:
    inputs = _inputs()
    bad_squads = (Squad("R1", "NOPE", 6, Window(420, 900), "sepeda"),)
    with pytest.raises(InputError) as exc:
        build_problem(**{**inputs, "squads": bad_squads, "travel_s": {"mobil": np.zeros((2, 2))}})  # type: ignore[arg-type]
    cols = {(p.file, p.column) for p in exc.value.problems}
    assert ("squads.toml", "station_id") in cols
    assert ("squads.toml", "vehicle") in cols
    assert ("matrix", "travel_s[mobil]") in cols


def test_missing_score_and_matrix_rows_are_reported() -> None:
    inputs = _inputs(unreachable={})
    scores = inputs["scores"].iloc[1:]  # type: ignore[attr-defined]
    with pytest.raises(InputError) as exc:
        build_problem(**{**inputs, "scores": scores})  # type: ignore[arg-type]
    found = {(p.file, p.row, p.value) for p in exc.value.problems}
    assert ("venues", 2, "V1") in found  # header is row 1
    assert ("matrix", 11, "V10") in found


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


@hsettings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-9000, 9000), st.integers(-9000, 9000)), min_size=2, max_size=8),
    st.floats(1.0, 30.0),
)
def test_synthetic_matrices_are_sane(pts: list[tuple[int, int]], speed: float) -> None:
    p = synthetic_problem(pts, n_depots=1, squads=[(0, 0, 3600)], speed_mps=speed)
    t = p.travel_s[0]
    assert (t >= 0).all()
    assert (np.diagonal(t) == 0).all()
    # rounded up: never faster than the exact distance allows
    assert (t >= p.dist_m[0] / speed - 1e-6).all()
