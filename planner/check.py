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

The presence curve (``NightProblem.desa_decay``): of one desa's visits tonight, sorted by
priority high to low, the k-th counts ``decay ** (k - 1)`` (docs/presence.md). It is written
out again below (:func:`_curve_value`) rather than imported, like every other rule here.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.domain import Plan, Route, Stop
from planner.errors import InputError, PlannerError, Problem
from planner.planfile import plan_from_json, plan_totals, problem_from_json
from planner.problem import NightProblem
from planner.text import msg

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
)

_DIST_TOL_M = 0.5  # distances travel through JSON rounded to 0.1 m
_PRIO_TOL = 1e-6


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule, which squad and venue (if any), and what was found."""

    rule: str
    squad_id: str | None
    venue_id: str | None
    detail: str

    def __str__(self) -> str:
        where = "/".join(x for x in (self.squad_id, self.venue_id) if x)
        return f"[{self.rule}] {where}: {self.detail}" if where else f"[{self.rule}] {self.detail}"


class PlanViolationError(PlannerError):
    """A plan that breaks at least one rule (carries every violation)."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        n = len(violations)
        lines = "\n".join("  - " + str(v) for v in violations[:50])
        super().__init__(
            msg(
                f"Rencana melanggar {n} aturan:\n{lines}",
                f"The plan breaks {n} rule(s):\n{lines}",
            )
        )


def verify(plan: Plan, problem: NightProblem) -> list[Violation]:
    """Every rule the plan breaks, recomputed from the problem (empty list: feasible).

    See the module docstring for the rules. Times must match the matrices exactly (integer
    seconds); distances within 0.5 m.
    """
    seen = _Seen(problem)
    squad_ix = {sid: k for k, sid in enumerate(problem.squad_ids)}
    seen_squads: set[str] = set()
    for route in plan.routes:
        k = squad_ix.get(route.squad_id)
        if k is None or route.squad_id in seen_squads:
            seen.bad(
                "unknown_squad", route.squad_id, None, "squad not in the problem or planned twice"
            )
            for s in route.stops:
                seen.visits[s.venue_id] += 1
            continue
        seen_squads.add(route.squad_id)
        _check_route(route, k, problem, seen)
    _check_counts(problem, seen)
    _check_plan_totals(plan, problem, seen)
    return seen.found


class _Seen:
    """What :func:`verify` found so far: the violations and the visits counted."""

    def __init__(self, problem: NightProblem) -> None:
        self.found: list[Violation] = []
        self.visits: Counter[str] = Counter()
        self.per_desa: Counter[int] = Counter()
        self.node_ix = {nid: i for i, nid in enumerate(problem.node_ids)}

    def bad(self, rule: str, squad: str | None, venue: str | None, detail: str) -> None:
        self.found.append(Violation(rule, squad, venue, detail))


def _check_route(route: Route, k: int, problem: NightProblem, seen: _Seen) -> None:
    """One squad's route: station, shift, stop count, every leg and visit, the way back."""
    sid = route.squad_id
    t = problem.travel_s[problem.squad_profile[k]]
    d = problem.dist_m[problem.squad_profile[k]]
    home, end = int(problem.start_node[k]), int(problem.end_node[k])
    if route.station_id != problem.node_ids[home]:
        seen.bad(
            "wrong_station",
            sid,
            None,
            f"starts at {route.station_id}, expected {problem.node_ids[home]}",
        )
    shift0, shift1 = int(problem.shift_start_s[k]), int(problem.shift_end_s[k])
    if route.depart_s < shift0:
        seen.bad("start_before_shift", sid, None, f"leaves at {route.depart_s} < shift {shift0}")
    if problem.max_stops is not None and len(route.stops) > problem.max_stops:
        seen.bad("max_stops", sid, None, f"{len(route.stops)} stops > {problem.max_stops}")
    prev, clock, ok_chain = home, route.depart_s, True
    for s in route.stops:
        seen.visits[s.venue_id] += 1
        node = seen.node_ix.get(s.venue_id)
        if node is None or node < problem.n_depots:
            seen.bad("unknown_venue", sid, s.venue_id, "not a venue of tonight's problem")
            ok_chain = False
            continue
        _check_stop(s, sid, k, node, problem, seen, prev=prev, clock=clock, chained=ok_chain)
        prev, clock, ok_chain = node, s.departure_s, True
    back = int(t[prev, end])
    if route.return_travel_s != back:
        seen.bad(
            "wrong_time",
            sid,
            None,
            f"return travel {route.return_travel_s} s, matrix says {back} s",
        )
    if abs(route.return_dist_m - float(d[prev, end])) > _DIST_TOL_M:
        seen.bad(
            "wrong_time", sid, None, f"return {route.return_dist_m} m, matrix {d[prev, end]} m"
        )
    if route.return_s != clock + back:
        seen.bad("wrong_time", sid, None, f"back at {route.return_s}, expected {clock + back}")
    if max(route.return_s, clock + back) > shift1:
        seen.bad(
            "past_shift",
            sid,
            None,
            f"back at {max(route.return_s, clock + back)} > shift end {shift1}",
        )


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
        seen.bad("outside_area", sid, vid, "squad may not visit this venue")
    g = int(problem.desa_group[node])
    if g >= 0:
        seen.per_desa[g] += 1
    t = problem.travel_s[problem.squad_profile[k]]
    d = problem.dist_m[problem.squad_profile[k]]
    leg = int(t[prev, node])
    if chained:
        if s.travel_s != leg:
            seen.bad("wrong_time", sid, vid, f"leg travel {s.travel_s} s, matrix says {leg} s")
        if abs(s.dist_m - float(d[prev, node])) > _DIST_TOL_M:
            seen.bad("wrong_time", sid, vid, f"leg {s.dist_m} m, matrix says {d[prev, node]} m")
        if s.arrival_s != clock + leg:
            seen.bad(
                "wrong_time",
                sid,
                vid,
                f"arrival {s.arrival_s}, expected {clock + leg} (previous departure "
                f"{clock} + travel {leg})",
            )
    if s.start_s < s.arrival_s:
        seen.bad("wrong_time", sid, vid, f"starts at {s.start_s} before arriving {s.arrival_s}")
    dwell = int(problem.dwell_s[node])
    if s.departure_s != s.start_s + dwell:
        seen.bad(
            "wrong_time",
            sid,
            vid,
            f"departure {s.departure_s}, expected start {s.start_s} + dwell {dwell}",
        )
    lo, hi = int(problem.open_s[node]), int(problem.latest_start_s[node])
    if not lo <= s.start_s <= hi:
        seen.bad("outside_window", sid, vid, f"starts at {s.start_s}, window [{lo}, {hi}]")
    if abs(s.priority - float(problem.prize[node])) > _PRIO_TOL:
        seen.bad(
            "wrong_totals", sid, vid, f"priority {s.priority}, problem says {problem.prize[node]}"
        )


def _check_counts(problem: NightProblem, seen: _Seen) -> None:
    """Across routes: no venue twice, the per-desa cap, every must-visit planned."""
    for vid, c in seen.visits.items():
        if c > 1:
            seen.bad("visited_twice", None, vid, f"visited {c} times")
    if problem.max_per_desa is not None:
        for g, c in seen.per_desa.items():
            if c > problem.max_per_desa:
                seen.bad(
                    "max_per_desa",
                    None,
                    None,
                    f"desa {problem.desa_codes[g]}: {c} venues > {problem.max_per_desa}",
                )
    for node in range(problem.n_depots, problem.n_nodes):
        if problem.must_visit[node] and seen.visits[problem.node_ids[node]] == 0:
            seen.bad(
                "must_visit_missing", None, problem.node_ids[node], "must-visit venue not planned"
            )
    for vid, why in problem.unmet_must_visit:
        if seen.visits[vid] == 0:
            seen.bad("must_visit_missing", None, vid, "must-visit venue pruned: " + why)


def _check_plan_totals(plan: Plan, problem: NightProblem, seen: _Seen) -> None:
    """The plan's total priority, nothing both visited and dropped, the stated totals."""
    if abs(plan.total_priority - problem.total_priority) > _PRIO_TOL:
        seen.bad(
            "wrong_totals",
            None,
            None,
            f"total priority {plan.total_priority}, problem says {problem.total_priority}",
        )
    both = {d.venue_id for d in plan.dropped} & set(seen.visits)
    for vid in sorted(both):
        seen.bad("wrong_totals", None, vid, "both visited and listed as dropped")
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
            seen.bad("wrong_totals", None, None, f"objective {objective}, recomputed {want}")


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
            bad("wrong_totals", None, None, f"totals.{key} = {value}, recomputed {want}")


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
    no venue both visited and dropped, totals add up."""
    out: list[Violation] = []
    visits: Counter[str] = Counter()
    for r in plan.routes:
        clock = r.depart_s
        for s in r.stops:
            visits[s.venue_id] += 1
            if s.arrival_s != clock + s.travel_s:
                out.append(
                    Violation(
                        "wrong_time",
                        r.squad_id,
                        s.venue_id,
                        "arrival ≠ previous departure + travel",
                    )
                )
            if not s.arrival_s <= s.start_s <= s.departure_s:
                out.append(
                    Violation(
                        "wrong_time", r.squad_id, s.venue_id, "needs arrival ≤ start ≤ departure"
                    )
                )
            clock = s.departure_s
        if r.return_s != clock + r.return_travel_s:
            out.append(
                Violation("wrong_time", r.squad_id, None, "return ≠ last departure + travel")
            )
    for vid, c in visits.items():
        if c > 1:
            out.append(Violation("visited_twice", None, vid, f"visited {c} times"))
    for vid in sorted({d.venue_id for d in plan.dropped} & set(visits)):
        out.append(Violation("wrong_totals", None, vid, "both visited and listed as dropped"))
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
                    Violation(
                        "wrong_totals",
                        None,
                        None,
                        f"totals.{key} = {stated[key]}, recomputed {want}",
                    )
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
    def ok(self) -> bool:
        return not self.violations

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
        expected = msg("berkas yang ada", "an existing file")
        raise InputError([Problem(str(path), None, None, str(path), expected)]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        expected = msg("JSON yang valid", "valid JSON")
        raise InputError([Problem(str(path), None, None, str(exc), expected)]) from None


def check_file(plan_path: Path, problem_path: Path | None = None) -> CheckReport:
    """Re-verify a saved ``plan.json``.

    The problem comes from ``problem_path`` (a file of ``planner plan --export-problem``), or
    from the plan itself when it embeds one; without either, only the checks that need no
    problem run (:func:`verify_structure`).

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
    "RULES",
    "CheckReport",
    "PlanViolationError",
    "Violation",
    "assert_feasible",
    "check_file",
    "verify",
    "verify_structure",
]
