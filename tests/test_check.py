"""Tests of check.verify: a valid plan passes; each hand-broken plan is rejected by its rule."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from planner.check import PlanViolationError, assert_feasible, verify, verify_structure
from planner.config import Settings
from planner.domain import Dropped, Plan, Route, Stop
from planner.planfile import plan_totals, problem_to_json
from planner.problem import NightProblem
from planner.routing import solve
from planner.routing.schedule import plan_from_routes
from planner.testing import synthetic_problem

H = 3600
FAST = Settings().with_overrides(
    routing={"time_limit_s": 1.0, "reproducible": True, "solution_limit": 200}
)


@pytest.fixture(scope="module")
def problem() -> NightProblem:
    xy = [(0, 0), (4000, 0), (1000, 0), (2000, 0), (3000, 0), (0, 1500), (0, 2500), (5000, 500)]
    allowed = np.ones((2, 6), dtype=bool)
    allowed[0, 5] = False  # V6 only for R2
    return synthetic_problem(
        xy,
        n_depots=2,
        squads=[(0, 0, 3 * H), (1, 0, 3 * H)],
        windows_s=[(0, 2 * H), (0, 2 * H), (H, 2 * H), (0, 2 * H), (0, 2 * H), (0, 2 * H)],
        prize=[3, 4, 5, 2, 6, 3],
        dwell_s=600,
        allowed=allowed,
        desa=["A", "A", "B", "B", "C", "C"],
        must_visit=[False, False, False, False, False, True],
        max_stops=4,
        max_per_desa=2,
    )


@pytest.fixture(scope="module")
def plan(problem: NightProblem) -> Plan:
    res = solve(problem, FAST)
    assert res.status == "feasible"
    assert sum(len(r.stops) >= 2 for r in res.plan.routes) == 2
    return replace(res.plan, meta={"totals": plan_totals(res.plan, problem)})


def _rules(plan: Plan, problem: NightProblem) -> set[str]:
    return {v.rule for v in verify(plan, problem)}


def _with_route(plan: Plan, k: int, route: Route) -> Plan:
    routes = list(plan.routes)
    routes[k] = route
    return replace(plan, routes=tuple(routes))


def _shift_stop(stop: Stop, delta: int) -> Stop:
    return replace(
        stop,
        arrival_s=stop.arrival_s + delta,
        start_s=stop.start_s + delta,
        departure_s=stop.departure_s + delta,
    )


def test_valid_plan_passes(plan: Plan, problem: NightProblem) -> None:
    assert verify(plan, problem) == []
    assert verify_structure(plan) == []
    assert_feasible(plan, problem)


def test_unknown_squad(plan: Plan, problem: NightProblem) -> None:
    bad = _with_route(plan, 0, replace(plan.routes[0], squad_id="R9"))
    assert "unknown_squad" in _rules(bad, problem)


def test_wrong_station(plan: Plan, problem: NightProblem) -> None:
    bad = _with_route(plan, 0, replace(plan.routes[0], station_id="S1"))
    assert "wrong_station" in _rules(bad, problem)


def test_unknown_venue(plan: Plan, problem: NightProblem) -> None:
    r = plan.routes[0]
    stops = (replace(r.stops[0], venue_id="NOPE"), *r.stops[1:])
    assert "unknown_venue" in _rules(_with_route(plan, 0, replace(r, stops=stops)), problem)


def test_visited_twice(plan: Plan, problem: NightProblem) -> None:
    r0, r1 = plan.routes
    dup = replace(r1.stops[0], venue_id=r0.stops[0].venue_id)
    bad = _with_route(plan, 1, replace(r1, stops=(dup, *r1.stops[1:])))
    assert "visited_twice" in _rules(bad, problem)


def test_outside_area(plan: Plan, problem: NightProblem) -> None:
    # move R2's whole route (which includes V6, R2-only) to R1: R1 may not visit V6
    r0, r1 = plan.routes
    assert "V6" in [s.venue_id for s in r1.stops]
    bad = replace(
        plan,
        routes=(
            replace(r1, squad_id="R1", station_id="S0"),
            replace(r0, squad_id="R2", station_id="S1"),
        ),
    )
    assert "outside_area" in _rules(bad, problem)


def test_start_before_shift(plan: Plan, problem: NightProblem) -> None:
    r = plan.routes[0]
    bad = _with_route(plan, 0, replace(r, depart_s=r.depart_s - 10 * H))
    assert "start_before_shift" in _rules(bad, problem)


def test_past_shift(plan: Plan, problem: NightProblem) -> None:
    r = plan.routes[0]
    late = 3 * H - r.return_s + 1  # everything later by enough to end 1 s past the shift
    stops = tuple(_shift_stop(s, late) for s in r.stops)
    wait_first = replace(stops[0], arrival_s=r.stops[0].arrival_s)
    bad_route = replace(r, stops=(wait_first, *stops[1:]), return_s=r.return_s + late)
    rules = _rules(_with_route(plan, 0, bad_route), problem)
    assert "past_shift" in rules


def test_wrong_time_arrival(plan: Plan, problem: NightProblem) -> None:
    r = plan.routes[0]
    s = r.stops[1]
    fast = replace(s, arrival_s=s.arrival_s - 60, start_s=s.start_s, departure_s=s.departure_s)
    bad = _with_route(plan, 0, replace(r, stops=(r.stops[0], fast, *r.stops[2:])))
    assert "wrong_time" in _rules(bad, problem)


def test_wrong_time_dwell_cut_short(plan: Plan, problem: NightProblem) -> None:
    r = plan.routes[0]
    s = r.stops[0]
    short = replace(s, departure_s=s.departure_s - 120)
    bad = _with_route(plan, 0, replace(r, stops=(short, *r.stops[1:])))
    assert "wrong_time" in _rules(bad, problem)


def test_wrong_time_leg(plan: Plan, problem: NightProblem) -> None:
    r = plan.routes[0]
    bad = _with_route(plan, 0, replace(r, return_travel_s=r.return_travel_s + 5))
    assert "wrong_time" in _rules(bad, problem)


def test_outside_window(plan: Plan, problem: NightProblem) -> None:
    # V3 opens at 1 h: start it (and arrive) at 10 minutes past shift start instead
    k = next(i for i, r in enumerate(plan.routes) if "V3" in [s.venue_id for s in r.stops])
    r = plan.routes[k]
    stops = list(r.stops)
    i = [s.venue_id for s in stops].index("V3")
    s = stops[i]
    early = s.start_s - (problem.open_s[problem.node_of("V3")] - 1)
    stops[i] = replace(
        s,
        start_s=s.start_s - early,
        arrival_s=min(s.arrival_s, s.start_s - early),
        departure_s=s.departure_s - early,
    )
    rules = _rules(_with_route(plan, k, replace(r, stops=tuple(stops))), problem)
    assert "outside_window" in rules


def test_max_stops(plan: Plan, problem: NightProblem) -> None:
    assert "max_stops" in _rules(plan, problem.replace(max_stops=1))


def test_max_per_desa(plan: Plan, problem: NightProblem) -> None:
    one = problem.replace(desa_group=[-1, -1] + [0] * 6, desa_codes=("A",))
    assert "max_per_desa" in _rules(plan, one)


def test_must_visit_missing(plan: Plan, problem: NightProblem) -> None:
    k = next(i for i, r in enumerate(plan.routes) if "V6" in [s.venue_id for s in r.stops])
    r = plan.routes[k]
    bad = _with_route(plan, k, replace(r, stops=tuple(s for s in r.stops if s.venue_id != "V6")))
    assert "must_visit_missing" in _rules(bad, problem)
    with pytest.raises(PlanViolationError):
        assert_feasible(bad, problem)


def test_wrong_totals(plan: Plan, problem: NightProblem) -> None:
    assert "wrong_totals" in _rules(replace(plan, total_priority=plan.total_priority + 1), problem)
    totals = dict(plan.meta["totals"])  # type: ignore[arg-type,call-overload]
    totals["collected"] = totals["collected"] + 2
    assert "wrong_totals" in _rules(replace(plan, meta={"totals": totals}), problem)
    vid = plan.routes[0].stops[0].venue_id
    both = replace(plan, dropped=(*plan.dropped, Dropped(vid, "not_worth", 1.0)))
    assert "wrong_totals" in _rules(both, problem)
    r = plan.routes[0]
    rich = replace(r.stops[0], priority=r.stops[0].priority + 1)
    assert "wrong_totals" in _rules(
        _with_route(plan, 0, replace(r, stops=(rich, *r.stops[1:]))), problem
    )


@hsettings(max_examples=25, deadline=None)
@given(st.integers(0, 1), st.integers(-600, 600).filter(lambda d: d != 0))
def test_any_time_shift_of_a_stop_is_caught(
    plan: Plan, problem: NightProblem, k: int, delta: int
) -> None:
    """Moving one visit in time (keeping its own arrival/start/departure consistent) breaks
    the chain of legs: the checker must notice."""
    r = plan.routes[k]
    stops = list(r.stops)
    stops[0] = _shift_stop(stops[0], delta)
    assert verify(_with_route(plan, k, replace(r, stops=tuple(stops))), problem) != []


# ---------------------------------------------------------------- planner check (CLI)


def test_cli_check(tmp_path, plan: Plan, problem: NightProblem) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from planner.cli import app
    from planner.planfile import plan_to_json

    runner = CliRunner()
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(plan_to_json(plan, problem)))
    prob = tmp_path / "problem.json"
    prob.write_text(json.dumps(problem_to_json(problem)))
    ok = runner.invoke(app, ["check", str(good), "--problem", str(prob), "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    assert "every rule holds" in ok.output

    r = plan.routes[0]
    broken = _with_route(plan, 0, replace(r, return_s=r.return_s + 10 * H))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(plan_to_json(broken, problem, embed_problem=True)))
    res = runner.invoke(app, ["check", str(bad)])
    assert res.exit_code == 3
    assert "past_shift" in res.output and "pelanggaran" in res.output

    alone = runner.invoke(app, ["check", str(good), "--lang", "en"])  # the embedded problem
    assert alone.exit_code == 0, alone.output
    assert "every rule holds" in alone.output

    bare = tmp_path / "bare.json"  # no problem: the plan's own consistency only, and exit 2
    bare.write_text(json.dumps(plan_to_json(plan, problem, embed_problem=False)))
    structural = runner.invoke(app, ["check", str(bare)])
    assert structural.exit_code == 2, structural.output
    assert "--problem" in structural.output and "TIDAK" in structural.output
    assert "every rule holds" not in structural.output

    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    res = runner.invoke(app, ["check", str(junk), "--lang", "en"])
    assert res.exit_code == 2
    assert "valid JSON" in res.output
    missing = runner.invoke(app, ["check", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2


def test_the_curve_objective_and_value_are_recomputed(problem: NightProblem) -> None:
    """With the presence curve on, the solver's stated objective and the plan's curve value
    pass when true, and a total off by more than rounding is a wrong_totals violation."""
    curved = problem.replace(desa_decay=0.5, max_per_desa=None)
    res = solve(curved, FAST)
    totals = plan_totals(res.plan, curved)
    plan = replace(res.plan, meta={"totals": totals, "solver": {"objective": res.objective}})
    assert verify(plan, curved) == []
    assert totals["value"] < totals["collected"] or totals["desa_max_visits"] <= 1
    for off in (2, -2):
        bad = replace(plan, meta={"totals": totals, "solver": {"objective": res.objective + off}})
        assert [v.rule for v in verify(bad, curved)] == ["wrong_totals"]
    # the plain sum stated as the curve's value is caught
    flat_value = dict(totals, value=totals["collected"])
    if totals["value"] != totals["collected"]:
        assert "wrong_totals" in _rules(replace(plan, meta={"totals": flat_value}), curved)
    # the same plan read without the curve has another objective
    assert "wrong_totals" in _rules(plan, curved.replace(desa_decay=1.0)) or (
        totals["value"] == totals["collected"]
    )


def test_the_curve_value_counts_the_highest_first(problem: NightProblem) -> None:
    """Two visits of one desa with priorities 3 and 4 and decay 0.5: 4 + 3/2, whatever the
    visiting order."""
    curved = problem.replace(desa_decay=0.5, max_per_desa=None)
    v1, v2 = curved.node_of("V1"), curved.node_of("V2")  # desa A, priorities 3 and 4
    assert curved.desa_group[v1] == curved.desa_group[v2]
    for order in ([v1, v2], [v2, v1]):
        plan = plan_from_routes(curved, [order, []], {})
        assert plan_totals(plan, curved)["value"] == pytest.approx(4 + 3 / 2)
        checked = replace(plan, meta={"totals": plan_totals(plan, curved)})
        assert "wrong_totals" not in _rules(checked, curved)


# ---------------------------------------------------------------- plan.json alone (issue 17)


def _saved(tmp_path, plan: Plan, problem: NightProblem, name: str = "plan.json"):  # type: ignore[no-untyped-def]
    """The plan as ``planner plan`` writes it (problem embedded by default), on disk."""
    import json

    from planner.planfile import plan_to_json

    path = tmp_path / name
    path.write_text(json.dumps(plan_to_json(plan, problem)), encoding="utf-8")
    return path


def _check_alone(tmp_path, plan: Plan, problem: NightProblem) -> set[str]:  # type: ignore[no-untyped-def]
    from planner.check import check_file

    report = check_file(_saved(tmp_path, plan, problem))
    assert report.full  # the embedded problem is enough: nothing is left unchecked
    return {v.rule for v in report.violations}


def test_plan_json_alone_checks_every_rule(tmp_path, plan: Plan, problem: NightProblem) -> None:  # type: ignore[no-untyped-def]
    assert _check_alone(tmp_path, plan, problem) == set()
    r0, r1 = plan.routes
    swapped = replace(
        plan,
        routes=(
            replace(r1, squad_id="R1", station_id="S0"),
            replace(r0, squad_id="R2", station_id="S1"),
        ),
    )
    assert "outside_area" in _check_alone(tmp_path, swapped, problem)  # V6 is R2's only
    stops = (replace(r0.stops[0], venue_id="V404"), *r0.stops[1:])
    assert "unknown_venue" in _check_alone(
        tmp_path, _with_route(plan, 0, replace(r0, stops=stops)), problem
    )
    assert "unknown_squad" in _check_alone(
        tmp_path, _with_route(plan, 0, replace(r0, squad_id="R9")), problem
    )


def _one_left_out(plan: Plan, problem: NightProblem) -> tuple[Plan, Dropped]:
    """The plan without route 0's last stop, that venue listed as ``not_worth`` (the return
    leg then no longer matches: compare rule sets against this plan's own)."""
    r0 = plan.routes[0]
    last = r0.stops[-1]
    left = Dropped(last.venue_id, "not_worth", last.priority)
    reduced = _with_route(plan, 0, replace(r0, stops=r0.stops[:-1]))
    return replace(reduced, dropped=(*plan.dropped, left), meta={}), left


def test_a_leg_the_embedded_problem_lacks_is_not_a_pass(
    tmp_path, plan: Plan, problem: NightProblem
) -> None:  # type: ignore[no-untyped-def]
    import json

    from planner.check import check_file

    reduced, left = _one_left_out(plan, problem)
    path = _saved(tmp_path, reduced, problem)  # embeds the legs of the reduced plan
    doc = json.loads(path.read_text(encoding="utf-8"))
    full = json.loads(_saved(tmp_path, plan, problem, "full.json").read_text(encoding="utf-8"))
    for key in ("routes", "dropped", "totals"):  # the venue visited again
        doc[key] = full[key]
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = check_file(path)
    not_checked = [v for v in report.violations if v.rule == "not_checked"]
    assert not_checked and not report.ok
    assert {v.venue_id for v in not_checked} <= {left.venue_id, None}
    first = not_checked[0].message
    assert "--problem" in first("en") and left.venue_id in first("id")
    assert report.full and not check_file(path, _export(tmp_path, problem)).violations


def _export(tmp_path, problem: NightProblem):  # type: ignore[no-untyped-def]
    import json

    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem_to_json(problem)), encoding="utf-8")
    return path


def test_drop_reasons_are_checked(plan: Plan, problem: NightProblem) -> None:
    pruned = problem.replace(dropped=(Dropped("V9", "unreachable", 1.0, "no_road"),))
    with_v9 = replace(plan, dropped=(*plan.dropped, pruned.dropped[0]))
    assert _rules(with_v9, pruned) == set()
    # a pruned venue given another reason than the problem's
    wrong = replace(pruned.dropped[0], reason="no_fit")
    assert _rules(replace(plan, dropped=(*plan.dropped, wrong)), pruned) == {"wrong_drop"}
    # a pruned venue not listed at all
    assert _rules(plan, pruned) == {"wrong_drop"}
    # a candidate called unreachable, or given a reason that does not exist
    reduced, left = _one_left_out(plan, problem)
    base = _rules(reduced, problem)
    assert "wrong_drop" not in base
    others = tuple(d for d in reduced.dropped if d != left)
    for reason in ("unreachable", "weather"):
        got = verify(replace(reduced, dropped=(*others, replace(left, reason=reason))), problem)  # type: ignore[arg-type]
        assert {v.rule for v in got} - base == {"wrong_drop"}
        assert [v.venue_id for v in got if v.rule == "wrong_drop"] == [left.venue_id]
    # a candidate neither visited nor listed; a dropped venue the problem does not know
    assert "wrong_drop" in _rules(replace(reduced, dropped=others), problem) - base
    assert "unknown_venue" in _rules(
        replace(plan, dropped=(*plan.dropped, Dropped("V404", "closed", 0.0))), problem
    )


def test_check_speaks_indonesian_first(tmp_path, plan: Plan, problem: NightProblem) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from planner.cli import app

    r0, r1 = plan.routes
    dup = replace(r1.stops[0], venue_id=r0.stops[0].venue_id)
    bad = _saved(tmp_path, _with_route(plan, 1, replace(r1, stops=(dup, *r1.stops[1:]))), problem)
    runner = CliRunner(env={"COLUMNS": "200"})
    res = runner.invoke(app, ["check", str(bad)])
    assert res.exit_code == 3
    text = " ".join(res.output.split())
    assert "dikunjungi dua kali [visited_twice]" in text and "Dikunjungi 2 kali" in text
    assert "Visited 2 times" not in text
    en = " ".join(runner.invoke(app, ["check", str(bad), "--lang", "en"]).output.split())
    assert "visited twice [visited_twice]" in en and "Visited 2 times" in en


ENGLISH_WORDS = ("arrival", "expected", "matrix", "visited", "travel", "says", "should", "the")


def test_every_check_message_reads_in_one_language(
    tmp_path, plan: Plan, problem: NightProblem
) -> None:  # type: ignore[no-untyped-def]
    """A plan broken in many ways: the Indonesian table holds no English word, clock times
    as a person reads them, each rule's id in brackets after its name."""
    import re

    from typer.testing import CliRunner

    from planner.cli import app

    r0, r1 = plan.routes
    late = _shift_stop(r0.stops[0], 7)  # arrives 7 s after the leg says, leaves late too
    broken = _with_route(plan, 0, replace(r0, stops=(late, *r0.stops[1:])))
    dup = replace(r1.stops[0], venue_id=r0.stops[0].venue_id)
    broken = _with_route(broken, 1, replace(r1, stops=(dup, *r1.stops[1:])))
    saved = _saved(tmp_path, broken, problem)
    runner = CliRunner(env={"COLUMNS": "250", "PLANNER_LANG": None})
    text = " ".join(runner.invoke(app, ["check", str(saved)]).output.split())
    words = [w for w in ENGLISH_WORDS if re.search(rf"\b{w}\b", text, re.IGNORECASE)]
    assert words == [], text
    assert "[wrong_time]" in text and "[visited_twice]" in text
    arrival = r0.stops[0].arrival_s + 7
    h, m, s = (12 + arrival // 3600) % 24, arrival // 60 % 60, arrival % 60
    assert f"Tiba {h:02d}:{m:02d}:{s:02d}, seharusnya" in text, text
    en = " ".join(runner.invoke(app, ["check", str(saved), "--lang", "en"]).output.split())
    assert f"Arrives at {h:02d}:{m:02d}:{s:02d}, should be" in en
    assert "seharusnya" not in en and "Tiba" not in en


def test_the_structure_check_speaks_both_languages(plan: Plan) -> None:
    r0 = plan.routes[0]
    late = _shift_stop(r0.stops[0], 5)
    found = verify_structure(_with_route(plan, 0, replace(r0, stops=(late, *r0.stops[1:]))))
    texts = {v.text("id") for v in found}
    assert any(
        t.endswith("Tiba tidak sama dengan berangkat sebelumnya + perjalanan [wrong_time]")
        for t in texts
    ), texts
    assert all("arrival" not in t for t in texts)
    assert any(
        "Arrival is not the previous departure + travel [wrong_time]" in v.text("en") for v in found
    )


def test_numbers_in_check_messages_follow_the_language() -> None:
    from planner.text import check as C

    filled = C.say(C.LEG_DISTANCE, got=1234.5, want=1200.25)
    assert filled("id") == "Jarak 1.234,5 m, menurut matriks 1.200,25 m"
    assert filled("en") == "Distance 1,234.5 m, the matrix says 1,200.25 m"
    assert C.Clock(13 * H + 5).text() == "01:00:05"  # 13 h after noon: past midnight
    assert C.Clock(8 * H + 30 * 60).text() == "20:30"
