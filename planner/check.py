"""Independent feasibility checker of a :class:`~planner.domain.Plan`.

Never trusts the solver: every time, leg and total is recomputed from the compiled
:class:`~planner.problem.NightProblem` (its matrices, windows, dwell and shifts). This module
does not import ``routing`` and shares none of its code, so a bug in one is caught by the other.

Rules (``Violation.rule``):

``unknown_squad``      a route for a squad that is not in the problem (or listed twice)
``wrong_station``      a route that starts elsewhere than the squad's station
``unknown_venue``      a stop at an id that is not a venue of the problem
``visited_twice``      a venue in more than one stop
``outside_area``       a venue visited by a squad not allowed there (jurisdiction)
``start_before_shift`` a route leaving its station before the shift starts
``past_shift``         a route back at the station after the shift ends
``wrong_time``         a leg's travel, distance, arrival, departure or the return that does not
                       match the matrices, or a visit that starts before the squad arrives
``outside_window``     a visit starting before the venue opens or after its latest start
                       (close − dwell)
``max_stops``          more stops than ``max_stops``
``max_per_desa``       more venues of one desa than ``max_per_desa``
``must_visit_missing`` a must-visit venue not in the plan (``plan.unmet_must_visit`` says why)
``wrong_totals``       a stop's priority, the plan's total priority, a visited venue also listed
                       as dropped, the totals in ``plan.meta["totals"]`` that do not match, or
                       the solver's objective (``plan.meta["solver"]["objective"]``) that is not
                       the plan's: travel seconds plus the penalty units the visits leave
                       uncollected under the presence curve, recomputed here on its own
``wrong_drop``         a dropped venue with an unknown reason, a candidate venue (one some squad
                       can serve) dropped for a reason only pruning gives (``unreachable``,
                       ``outside_area``, ``closed``, ``excluded``, ``inactive``), a pruned venue
                       given another reason than the problem's, or a venue neither visited nor
                       listed as dropped
``not_checked``        a leg the problem at hand does not hold (the copy embedded in a plan.json
                       holds the legs between the stations and the venues the plan visited), so
                       its times could not be checked

Every message is in Bahasa Indonesia and English (:attr:`Violation.message`, worded in
:mod:`planner.text.check`, times as clock times, numbers as each language writes them); the
rules' names as a person reads them are :data:`planner.text.plan.RULE_TEXT`, and the rule's id
is printed in brackets after the sentence (``... [wrong_time]``).

The presence curve (``NightProblem.desa_decay``): of one desa's visits tonight, sorted by
priority high to low, the k-th counts ``decay ** (k - 1)`` (docs/presence.md). It is written
out again below (:func:`_curve_value`) rather than imported, like every other rule here.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from planner.domain import DropReason, Plan, Route, Stop
from planner.errors import InputError, PlannerError, Problem
from planner.planfile import plan_from_json, plan_totals, problem_from_json
from planner.problem import NightProblem
from planner.text import Lang, Msg
from planner.text import check as T
from planner.text.check import Clock, say
from planner.text.plan import DROP_REASON_TEXT

RULES = (
    "unknown_squad",
    "wrong_station",
    "unknown_venue",
    "visited_twice",
    "outside_area",
    "start_before_shift",
    "past_shift",
    "wrong_time",
    "outside_window",
    "max_stops",
    "max_per_desa",
    "must_visit_missing",
    "wrong_totals",
    "wrong_drop",
    "not_checked",
)

NEEDS_PROBLEM = tuple(r for r in RULES if r not in ("visited_twice", "not_checked"))
"""The rules that need the problem; without it only the plan's own consistency is checked
(times running forward, no venue twice, nothing both visited and dropped, its own totals)."""

_PRUNING_REASONS = frozenset({"unreachable", "outside_area", "closed", "excluded", "inactive"})
_DROP_REASONS = frozenset(get_args(DropReason))

_DIST_TOL_M = 0.5  # distances travel through JSON rounded to 0.1 m
_PRIO_TOL = 1e-6


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule, which squad and venue (if any), and what was found
    (``message``, in both languages; ``detail`` is its English)."""

    rule: str
    squad_id: str | None
    venue_id: str | None
    message: Msg

    @property
    def detail(self) -> str:
        return self.message("en")

    def text(self, lang: Lang = "id") -> str:
        """``R01/V0003: Dikunjungi 2 kali [visited_twice]``: where, what, the rule's id."""
        where = "/".join(x for x in (self.squad_id, self.venue_id) if x)
        body = f"{self.message(lang)} [{self.rule}]"
        return f"{where}: {body}" if where else body

    def __str__(self) -> str:
        return self.text("en")


class PlanViolationError(PlannerError):
    """A plan that breaks at least one rule (carries every violation)."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = Msg(
            *("\n".join("  - " + v.text(lg) for v in violations[:50]) for lg in ("id", "en"))
        )
        super().__init__(say(T.PLAN_BREAKS, n=len(violations), lines=lines))


def verify(plan: Plan, problem: NightProblem) -> list[Violation]:
    """Every rule the plan breaks, recomputed from the problem (empty list: feasible).

    See the module docstring for the rules. Times must match the matrices exactly (integer
    seconds); distances within 0.5 m. A leg the problem does not hold (``leg_nodes``) is a
    ``not_checked`` violation, never a pass.
    """
    seen = _Seen(problem)
    squad_ix = {sid: k for k, sid in enumerate(problem.squad_ids)}
    seen_squads: set[str] = set()
    for route in plan.routes:
        k = squad_ix.get(route.squad_id)
        if k is None or route.squad_id in seen_squads:
            seen.bad(
                "unknown_squad", route.squad_id, None,
                T.UNKNOWN_SQUAD,
            )  # fmt: skip
            for s in route.stops:
                seen.visits[s.venue_id] += 1
            continue
        seen_squads.add(route.squad_id)
        _check_route(route, k, problem, seen)
    _check_counts(problem, seen)
    _check_plan_totals(plan, problem, seen)
    _check_drops(plan, problem, seen)
    return seen.found


class _Seen:
    """What :func:`verify` found so far: the violations and the visits counted."""

    def __init__(self, problem: NightProblem) -> None:
        self.found: list[Violation] = []
        self.visits: Counter[str] = Counter()
        self.per_desa: Counter[int] = Counter()
        self.node_ix = {nid: i for i, nid in enumerate(problem.node_ids)}
        self.legs = problem.leg_nodes
        self.ids = problem.node_ids

    def bad(self, rule: str, squad: str | None, venue: str | None, message: Msg) -> None:
        self.found.append(Violation(rule, squad, venue, message))

    def leg_known(self, a: int, b: int, squad: str, venue: str | None) -> bool:
        """Whether the problem holds the leg a → b; if not, say so (``not_checked``)."""
        if self.legs is None or (self.legs[a] and self.legs[b]):
            return True
        x, y = self.ids[a], self.ids[b]
        self.bad(
            "not_checked", squad, venue,
            say(T.LEG_NOT_CHECKED, a=x, b=y),
        )  # fmt: skip
        return False


def _check_route(route: Route, k: int, problem: NightProblem, seen: _Seen) -> None:
    """One squad's route: station, shift, stop count, every leg and visit, the way back."""
    sid = route.squad_id
    t = problem.travel_s[problem.squad_profile[k]]
    d = problem.dist_m[problem.squad_profile[k]]
    home, end = int(problem.start_node[k]), int(problem.end_node[k])
    if route.station_id != problem.node_ids[home]:
        want = problem.node_ids[home]
        seen.bad(
            "wrong_station", sid, None,
            say(T.WRONG_STATION, got=route.station_id, want=want),
        )  # fmt: skip
    shift0, shift1 = int(problem.shift_start_s[k]), int(problem.shift_end_s[k])
    if route.depart_s < shift0:
        seen.bad(
            "start_before_shift", sid, None,
            say(T.START_BEFORE_SHIFT, depart=Clock(route.depart_s), shift=Clock(shift0)),
        )  # fmt: skip
    if problem.max_stops is not None and len(route.stops) > problem.max_stops:
        n, most = len(route.stops), problem.max_stops
        seen.bad("max_stops", sid, None, say(T.TOO_MANY_STOPS, n=n, most=most))
    prev, clock, ok_chain = home, route.depart_s, True
    for s in route.stops:
        seen.visits[s.venue_id] += 1
        node = seen.node_ix.get(s.venue_id)
        if node is None or node < problem.n_depots:
            seen.bad(
                "unknown_venue", sid, s.venue_id,
                T.NOT_A_VENUE,
            )  # fmt: skip
            ok_chain = False
            continue
        _check_stop(s, sid, k, node, problem, seen, prev=prev, clock=clock, chained=ok_chain)
        prev, clock, ok_chain = node, s.departure_s, True
    if not seen.leg_known(prev, end, sid, None):
        return
    back = int(t[prev, end])
    if route.return_travel_s != back:
        seen.bad(
            "wrong_time", sid, None,
            say(T.RETURN_TRAVEL, got=route.return_travel_s, want=back),
        )  # fmt: skip
    if abs(route.return_dist_m - float(d[prev, end])) > _DIST_TOL_M:
        got, want_m = route.return_dist_m, float(d[prev, end])
        seen.bad(
            "wrong_time", sid, None,
            say(T.RETURN_DISTANCE, got=float(got), want=want_m),
        )  # fmt: skip
    if route.return_s != clock + back:
        seen.bad(
            "wrong_time", sid, None,
            say(T.RETURN_TIME, got=Clock(route.return_s), want=Clock(clock + back)),
        )  # fmt: skip
    latest = max(route.return_s, clock + back)
    if latest > shift1:
        seen.bad(
            "past_shift", sid, None,
            say(T.PAST_SHIFT, back=Clock(latest), shift=Clock(shift1)),
        )  # fmt: skip


def _check_stop(
    s: Stop,
    sid: str,
    k: int,
    node: int,
    problem: NightProblem,
    seen: _Seen,
    *,
    prev: int,
    clock: int,
    chained: bool,
) -> None:
    """One visit: jurisdiction, the leg from ``prev`` (when the chain is intact), dwell, window,
    priority."""
    vid = s.venue_id
    if not problem.allowed[k, node]:
        seen.bad(
            "outside_area", sid, vid,
            T.OUTSIDE_AREA,
        )  # fmt: skip
    g = int(problem.desa_group[node])
    if g >= 0:
        seen.per_desa[g] += 1
    t = problem.travel_s[problem.squad_profile[k]]
    d = problem.dist_m[problem.squad_profile[k]]
    leg = int(t[prev, node])
    if chained and seen.leg_known(prev, node, sid, vid):
        if s.travel_s != leg:
            seen.bad(
                "wrong_time", sid, vid,
                say(T.LEG_TRAVEL, got=s.travel_s, want=leg),
            )  # fmt: skip
        if abs(s.dist_m - float(d[prev, node])) > _DIST_TOL_M:
            want_m = float(d[prev, node])
            seen.bad(
                "wrong_time", sid, vid,
                say(T.LEG_DISTANCE, got=float(s.dist_m), want=want_m),
            )  # fmt: skip
        if s.arrival_s != clock + leg:
            seen.bad(
                "wrong_time", sid, vid,
                say(
                    T.ARRIVAL, got=Clock(s.arrival_s), want=Clock(clock + leg),
                    clock=Clock(clock), leg=leg,
                ),
            )  # fmt: skip
    if s.start_s < s.arrival_s:
        seen.bad(
            "wrong_time", sid, vid,
            say(T.START_BEFORE_ARRIVAL, start=Clock(s.start_s), arrival=Clock(s.arrival_s)),
        )  # fmt: skip
    dwell = int(problem.dwell_s[node])
    if s.departure_s != s.start_s + dwell:
        seen.bad(
            "wrong_time", sid, vid,
            say(
                T.DEPARTURE, got=Clock(s.departure_s), want=Clock(s.start_s + dwell),
                start=Clock(s.start_s), dwell=dwell,
            ),
        )  # fmt: skip
    lo, hi = int(problem.open_s[node]), int(problem.latest_start_s[node])
    if not lo <= s.start_s <= hi:
        seen.bad(
            "outside_window", sid, vid,
            say(T.OUTSIDE_WINDOW, start=Clock(s.start_s), lo=Clock(lo), hi=Clock(hi)),
        )  # fmt: skip
    if abs(s.priority - float(problem.prize[node])) > _PRIO_TOL:
        want = float(problem.prize[node])
        seen.bad(
            "wrong_totals", sid, vid,
            say(T.STOP_PRIORITY, got=float(s.priority), want=want),
        )  # fmt: skip


def _check_counts(problem: NightProblem, seen: _Seen) -> None:
    """Across routes: no venue twice, the per-desa cap, every must-visit planned."""
    for vid, c in seen.visits.items():
        if c > 1:
            seen.bad("visited_twice", None, vid, _twice(c))
    if problem.max_per_desa is not None:
        for g, c in seen.per_desa.items():
            if c > problem.max_per_desa:
                code, most = problem.desa_codes[g], problem.max_per_desa
                seen.bad(
                    "max_per_desa", None, None,
                    say(T.TOO_MANY_IN_DESA, code=code, n=c, most=most),
                )  # fmt: skip
    for node in range(problem.n_depots, problem.n_nodes):
        if problem.must_visit[node] and seen.visits[problem.node_ids[node]] == 0:
            seen.bad(
                "must_visit_missing", None, problem.node_ids[node],
                T.MUST_VISIT_NOT_PLANNED,
            )  # fmt: skip
    for vid, why in problem.unmet_must_visit:
        if seen.visits[vid] == 0:
            seen.bad(
                "must_visit_missing", None, vid,
                say(T.MUST_VISIT_PRUNED, why=_reason(why)),
            )  # fmt: skip


def _twice(c: int) -> Msg:
    return say(T.VISITED_TIMES, n=c)


def _both_visited_and_dropped() -> Msg:
    return T.VISITED_AND_DROPPED


def _reason(code: str) -> Msg:
    """A drop reason as a person reads it, its code in brackets (an unknown code as it is)."""
    known = DROP_REASON_TEXT.get(code)
    if known is None:
        return Msg(code, code)
    return Msg(f"{known('id')} [{code}]", f"{known('en')} [{code}]")


def _check_plan_totals(plan: Plan, problem: NightProblem, seen: _Seen) -> None:
    """The plan's total priority, nothing both visited and dropped, the stated totals."""
    if abs(plan.total_priority - problem.total_priority) > _PRIO_TOL:
        got, want = plan.total_priority, problem.total_priority
        seen.bad(
            "wrong_totals", None, None,
            say(T.TOTAL_PRIORITY, got=float(got), want=float(want)),
        )  # fmt: skip
    both = {d.venue_id for d in plan.dropped} & set(seen.visits)
    for vid in sorted(both):
        seen.bad("wrong_totals", None, vid, _both_visited_and_dropped())
    stated = plan.meta.get("totals") if isinstance(plan.meta, dict) else None
    if isinstance(stated, dict):
        _check_totals(stated, plan, problem, seen.bad)
    solver = plan.meta.get("solver") if isinstance(plan.meta, dict) else None
    objective = solver.get("objective") if isinstance(solver, dict) else None
    if objective is not None:
        travel = sum(s.travel_s for r in plan.routes for s in r.stops)
        travel += sum(r.return_travel_s for r in plan.routes if r.stops)
        uncollected = float(problem.penalty[problem.n_depots :].sum())
        want = travel + round(uncollected - _curve_value(plan, problem, "penalty"))
        try:
            wrong = abs(float(objective) - want) > 1
        except (TypeError, ValueError):
            wrong = True
        if wrong:
            seen.bad(
                "wrong_totals", None, None,
                say(T.OBJECTIVE, got=objective, want=want),
            )  # fmt: skip


def _check_drops(plan: Plan, problem: NightProblem, seen: _Seen) -> None:
    """Each dropped venue's reason against the problem; no venue neither visited nor dropped."""
    pruned = {d.venue_id: d.reason for d in problem.dropped}
    candidates = set(problem.node_ids[problem.n_depots :])
    listed: set[str] = set()
    for d in plan.dropped:
        listed.add(d.venue_id)
        if d.reason not in _DROP_REASONS:
            known = ", ".join(sorted(_DROP_REASONS))
            seen.bad(
                "wrong_drop", None, d.venue_id,
                say(T.UNKNOWN_REASON, reason=d.reason, known=known),
            )  # fmt: skip
        elif d.venue_id in candidates and d.reason in _PRUNING_REASONS:
            seen.bad(
                "wrong_drop", None, d.venue_id,
                say(T.PRUNING_REASON_FOR_CANDIDATE, reason=_reason(d.reason)),
            )  # fmt: skip
        elif d.venue_id in pruned and d.reason != pruned[d.venue_id]:
            want = pruned[d.venue_id]
            seen.bad(
                "wrong_drop", None, d.venue_id,
                say(T.OTHER_PRUNING_REASON, reason=_reason(d.reason), want=_reason(want)),
            )  # fmt: skip
        elif d.venue_id not in candidates and d.venue_id not in pruned:
            seen.bad(
                "unknown_venue", None, d.venue_id,
                T.DROPPED_NOT_IN_PROBLEM,
            )  # fmt: skip
    for vid in sorted((candidates | set(pruned)) - listed - set(seen.visits)):
        seen.bad(
            "wrong_drop", None, vid,
            T.NEITHER_VISITED_NOR_DROPPED,
        )  # fmt: skip


def _curve_value(plan: Plan, problem: NightProblem, what: str) -> float:
    """What the plan's visits collect under the presence curve, in ``prize`` (priority) or
    ``penalty`` (seconds) units: per desa, highest first, the k-th times ``decay ** (k-1)``.
    Unknown venues count nothing (they are a violation of their own)."""
    values = problem.prize if what == "prize" else problem.penalty
    by_desa: dict[int, list[float]] = {}
    for r in plan.routes:
        for s in r.stops:
            try:
                node = problem.node_of(s.venue_id)
            except KeyError:
                continue
            if node >= problem.n_depots:
                by_desa.setdefault(int(problem.desa_group[node]), []).append(float(values[node]))
    decay = problem.desa_decay
    return sum(
        v * decay**k for vs in by_desa.values() for k, v in enumerate(sorted(vs, reverse=True))
    )


def _check_totals(stated: dict[str, Any], plan: Plan, problem: NightProblem, bad: Any) -> None:
    # recomputed here from the stops (plan_totals only sums what the plan says)
    truth = plan_totals(plan, problem)
    truth["value"] = round(_curve_value(plan, problem, "prize"), 6)
    for key, value in stated.items():
        if key not in truth:
            continue
        want = truth[key]
        tol = 0.5 if key == "dist_m" else 1e-5
        try:
            wrong = abs(float(value) - float(want)) > tol
        except (TypeError, ValueError):
            wrong = True
        if wrong:
            bad("wrong_totals", None, None, _totals_differ(key, value, want))


def _totals_differ(key: str, value: Any, want: Any) -> Msg:
    name = T.TOTAL_NAMES.get(key, Msg(key, key))
    return say(T.TOTALS_DIFFER, key=name, got=value, want=want)


def assert_feasible(
    plan: Plan, problem: NightProblem, *, allow_unmet_must_visit: bool = False
) -> None:
    """Raise :class:`PlanViolationError` with every violation if the plan breaks a rule.

    With ``allow_unmet_must_visit``, a missing must-visit is accepted when the plan declares
    it in ``plan.unmet_must_visit`` (the planner could not serve it and says why).
    """
    found = verify(plan, problem)
    if allow_unmet_must_visit:
        declared = {vid for vid, _ in plan.unmet_must_visit}
        found = [
            v for v in found if not (v.rule == "must_visit_missing" and v.venue_id in declared)
        ]
    if found:
        raise PlanViolationError(found)


def verify_structure(plan: Plan) -> list[Violation]:
    """The checks possible without the problem: each route's times run forward, no venue twice,
    no venue both visited and dropped, totals add up. Every other rule (:data:`NEEDS_PROBLEM`)
    is left unchecked: :class:`CheckReport` says so."""
    out: list[Violation] = []
    visits: Counter[str] = Counter()
    for r in plan.routes:
        clock = r.depart_s
        for s in r.stops:
            visits[s.venue_id] += 1
            if s.arrival_s != clock + s.travel_s:
                out.append(
                    Violation(
                        "wrong_time", r.squad_id, s.venue_id,
                        T.ARRIVAL_CHAIN,
                    )
                )  # fmt: skip
            if not s.arrival_s <= s.start_s <= s.departure_s:
                out.append(
                    Violation(
                        "wrong_time", r.squad_id, s.venue_id,
                        say(
                            T.ORDER_OF_TIMES, arrival=Clock(s.arrival_s), start=Clock(s.start_s),
                            departure=Clock(s.departure_s),
                        ),
                    )
                )  # fmt: skip
            clock = s.departure_s
        if r.return_s != clock + r.return_travel_s:
            out.append(
                Violation(
                    "wrong_time", r.squad_id, None,
                    T.RETURN_CHAIN,
                )
            )  # fmt: skip
    for vid, c in visits.items():
        if c > 1:
            out.append(Violation("visited_twice", None, vid, _twice(c)))
    for vid in sorted({d.venue_id for d in plan.dropped} & set(visits)):
        out.append(Violation("wrong_totals", None, vid, _both_visited_and_dropped()))
    stated = plan.meta.get("totals") if isinstance(plan.meta, dict) else None
    if isinstance(stated, dict):
        checks = {
            "collected": plan.collected,
            "visits": plan.visits,
            "travel_s": sum(r.travel_s for r in plan.routes),
        }
        for key, want in checks.items():
            if key in stated and abs(float(stated[key]) - float(want)) > 1e-5:
                out.append(
                    Violation("wrong_totals", None, None, _totals_differ(key, stated[key], want))
                )
    return out


@dataclass(frozen=True)
class CheckReport:
    """The outcome of re-checking a saved plan (``planner check``)."""

    plan: Plan
    violations: tuple[Violation, ...]
    full: bool
    """True when checked against the problem; False: only the plan's own consistency."""

    @property
    def unchecked(self) -> tuple[str, ...]:
        """The rules that could not be checked (no problem at hand): :data:`NEEDS_PROBLEM`."""
        return () if self.full else NEEDS_PROBLEM

    @property
    def ok(self) -> bool:
        """Every rule was checked and holds."""
        return not self.violations and self.full

    @property
    def only_declared_must_visits(self) -> bool:
        """Every violation is a must-visit the plan itself declares as unmet."""
        declared = {vid for vid, _ in self.plan.unmet_must_visit}
        return bool(self.violations) and all(
            v.rule == "must_visit_missing" and v.venue_id in declared for v in self.violations
        )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        expected = T.AN_EXISTING_FILE
        raise InputError([Problem(str(path), None, None, str(path), expected)]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        expected = T.VALID_JSON
        raise InputError([Problem(str(path), None, None, str(exc), expected)]) from None


def check_file(plan_path: Path, problem_path: Path | None = None) -> CheckReport:
    """Re-verify a saved ``plan.json``.

    The problem comes from ``problem_path`` (a file of ``planner plan --export-problem``), or
    from the plan itself when it embeds one (every plan.json of format v2 does); without
    either (a v1 plan.json), only the checks that need no problem run
    (:func:`verify_structure`) and the report is not ``full`` (:attr:`CheckReport.unchecked`).

    Raises
    ------
    InputError
        If a file is missing, not JSON, or not in the documented format.
    """
    plan_path = Path(plan_path)
    data = _read_json(plan_path)
    plan = plan_from_json(data, file=plan_path.name)
    problem: NightProblem | None = None
    if problem_path is not None:
        problem_path = Path(problem_path)
        problem = problem_from_json(_read_json(problem_path), file=problem_path.name)
    elif isinstance(data, dict) and isinstance(data.get("problem"), dict):
        problem = problem_from_json(data["problem"], file=plan_path.name + ":problem")
    if problem is None:
        return CheckReport(plan, tuple(verify_structure(plan)), full=False)
    return CheckReport(plan, tuple(verify(plan, problem)), full=True)


__all__ = [
    "NEEDS_PROBLEM",
    "RULES",
    "CheckReport",
    "PlanViolationError",
    "Violation",
    "assert_feasible",
    "check_file",
    "verify",
    "verify_structure",
]
