"""Tests of node routes to a plan: the earliest schedule and why each venue is left out."""

from __future__ import annotations

from planner.check import verify
from planner.routing.schedule import plan_from_routes
from planner.testing import synthetic_problem

H = 3600


def test_the_squad_leaves_just_in_time_for_its_first_visit() -> None:
    # one station at 0, venue 1 km away (100 s at 10 m/s) opening an hour into the shift
    p = synthetic_problem(
        [(0, 0), (1000, 0), (2000, 0)],
        n_depots=1,
        squads=[(0, 0, 4 * H)],
        windows_s=[(H, 3 * H), (0, 3 * H)],
        dwell_s=600,
    )
    plan = plan_from_routes(p, [[1, 2]])
    (route,) = plan.routes
    first, second = route.stops
    assert route.depart_s == H - 100  # no idle wait at the first venue
    assert first.arrival_s == first.start_s == H
    assert first.departure_s == H + 600
    assert second.arrival_s == second.start_s == H + 600 + 100
    assert route.return_s == second.departure_s + 200
    assert route.return_travel_s == 200 and route.return_dist_m == 2000.0
    assert verify(plan, p) == []


def test_unvisited_venues_say_why() -> None:
    # V1 visited; V2 would fit (not worth it); V3 closes before anyone can reach it; V4 is a
    # must-visit that does not fit either
    p = synthetic_problem(
        [(0, 0), (1000, 0), (1500, 0), (50_000, 0), (60_000, 0)],
        n_depots=1,
        squads=[(0, 0, 2 * H)],
        windows_s=[(0, 2 * H), (0, 2 * H), (0, 60), (0, 60)],
        must_visit=[False, False, False, True],
    )
    plan = plan_from_routes(p, [[1]])
    reasons = {d.venue_id: d.reason for d in plan.dropped}
    assert reasons == {"V2": "not_worth", "V3": "no_fit", "V4": "no_fit"}
    assert plan.unmet_must_visit == (("V4", "no_fit"),)
    assert plan.visited_ids() == ["V1"]


def test_a_full_desa_makes_its_other_venues_no_fit() -> None:
    p = synthetic_problem(
        [(0, 0), (1000, 0), (1200, 0), (1400, 0)],
        n_depots=1,
        squads=[(0, 0, 4 * H)],
        desa=["A", "A", "B"],
        max_per_desa=1,
    )
    reasons = {d.venue_id: d.reason for d in plan_from_routes(p, [[1]]).dropped}
    assert reasons == {"V2": "no_fit", "V3": "not_worth"}
