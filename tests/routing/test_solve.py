"""Tests of routing.solve: optimality on tiny problems (brute force), the operational rules."""

from __future__ import annotations

import dataclasses
import itertools
import math
import sys
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from planner.check import verify
from planner.config import Settings
from planner.domain import Night, Squad, Window
from planner.problem import NightProblem, build_problem
from planner.routing import solve
from planner.routing.heuristics import greedy_routes, plan_cost
from planner.testing import synthetic_problem

H = 3600


# ---------------------------------------------------------------- brute force


def _route_time_ok(p: NightProblem, k: int, seq: tuple[int, ...]) -> int | None:
    """Travel of the route if feasible (earliest schedule), else None."""
    t = p.travel(k)
    clock = int(p.shift_start_s[k])
    prev = int(p.start_node[k])
    travel = 0
    for v in seq:
        if not p.allowed[k, v]:
            return None
        clock += int(t[prev, v])
        travel += int(t[prev, v])
        clock = max(clock, int(p.open_s[v]))
        if clock > p.latest_start_s[v]:
            return None
        clock += int(p.dwell_s[v])
        prev = v
    back = int(t[prev, p.end_node[k]])
    if clock + back > p.shift_end_s[k]:
        return None
    return travel + back if seq else 0


def _curve_value(p: NightProblem, served: frozenset[int]) -> float:
    """What ``served`` collects under the presence curve, written out here for the test: per
    desa, penalties sorted high to low, the j-th (from 0) times ``decay ** j``."""
    by_desa: dict[int, list[int]] = {}
    for v in served:
        by_desa.setdefault(int(p.desa_group[v]), []).append(int(p.penalty[v]))
    return sum(
        pen * p.desa_decay**j
        for pens in by_desa.values()
        for j, pen in enumerate(sorted(pens, reverse=True))
    )


def brute_force(p: NightProblem) -> int:
    """Minimum of travel + the penalty units not collected (presence curve) over every plan
    (2 squads); without the curve the penalties of the unvisited venues."""
    venues = list(p.venue_nodes)
    best: list[dict[frozenset[int], int]] = []
    for k in range(p.n_squads):
        table: dict[frozenset[int], int] = {}
        for r in range(len(venues) + 1):
            for subset in itertools.combinations(venues, r):
                if p.max_stops is not None and r > p.max_stops:
                    continue
                key = frozenset(subset)
                for perm in itertools.permutations(subset):
                    cost = _route_time_ok(p, k, perm)
                    if cost is not None and cost < table.get(key, math.inf):
                        table[key] = cost
        best.append(table)
    total_pen = int(p.penalty[venues].sum())
    opt = math.inf
    assert p.n_squads == 2
    for s0, c0 in best[0].items():
        for s1, c1 in best[1].items():
            if s0 & s1:
                continue
            served = s0 | s1
            if p.max_per_desa is not None:
                groups = [int(p.desa_group[v]) for v in served]
                if any(groups.count(g) > p.max_per_desa for g in set(groups)):
                    continue
            cost = c0 + c1 + round(total_pen - _curve_value(p, served))
            opt = min(opt, cost)
    return int(opt)


def _tiny(
    rng: np.random.Generator,
    *,
    exchange_rate_min: float,
    desa_decay: float = 1.0,
    n_desa: int | None = None,
) -> NightProblem:
    """A random problem with 3-7 venues and 2 squads (one or two stations); ``n_desa``: the
    venues spread over that many desa at random (default one desa each)."""
    nv = int(rng.integers(3, 8))
    n_dep = int(rng.integers(1, 3))
    coords = rng.integers(0, 8000, (nv + n_dep, 2))
    a = rng.integers(0, 3 * H, nv)
    w = rng.integers(10 * 60, 3 * H, nv)
    allowed = rng.random((2, nv)) < 0.6
    allowed[0] |= ~allowed[1]  # every venue allowed for somebody
    return synthetic_problem(
        coords,
        n_depots=n_dep,
        squads=[(0, 0, 3 * H), (n_dep - 1, H, 4 * H)],
        windows_s=list(zip(a.tolist(), (a + w).tolist(), strict=True)),
        dwell_s=int(rng.choice([600, 1200, 1800])),
        prize=rng.integers(1, 10, nv).tolist(),
        allowed=allowed,
        exchange_rate_min=exchange_rate_min,
        speed_mps=8.0,
        max_stops=[None, 2, 3][int(rng.integers(0, 3))],
        desa=None if n_desa is None else [f"D{int(d)}" for d in rng.integers(0, n_desa, nv)],
        desa_decay=desa_decay,
    )


def test_the_presence_curve_objective_against_brute_force(fast: Settings) -> None:
    """With the curve on (several venues per desa), on 16 random tiny nights: the engine's
    objective is its plan's exact cost, never below the brute-force optimum of the curve as
    written out independently in this test (that would be a model bug), never above its own
    greedy, every plan passes the checker (which recomputes the curve on its own), and the
    optimum itself is found on at least 14 of the 16. Measured: 14; the two misses need a
    visit moved to another squad and a venue added at once under ``max_stops`` (the flat
    objective misses such a night too: seed 19 of the flat test's generator)."""
    exact = 0
    for seed in range(16):
        rng = np.random.default_rng(1000 + seed)
        p = _tiny(rng, exchange_rate_min=[10.0, 20.0][seed % 2],
                  desa_decay=[0.5, 0.7][seed % 2], n_desa=2)  # fmt: skip
        res = solve(p, fast)
        assert verify(res.plan, p) == []
        visited = [[p.node_of(s.venue_id) for s in r.stops] for r in res.plan.routes]
        assert res.objective == plan_cost(p, visited)
        optimum = brute_force(p)
        assert optimum <= res.objective <= plan_cost(p, greedy_routes(p))
        exact += res.objective == optimum
    assert exact >= 14


def test_the_curve_changes_the_optimum_towards_another_desa(fast: Settings) -> None:
    """Three venues side by side in desa A and one a little farther in desa B: without the
    curve one squad with room for two stops takes the two best of A; with decay 0.25 the
    second visit of A is worth a quarter, so the optimum reaches B."""
    xy = [[0, 0], [1000, 0], [1000, 100], [1000, 200], [0, 1500]]
    kwargs = dict(
        n_depots=1,
        squads=[(0, 0, 3 * H)],
        prize=[6, 6, 6, 5],
        desa=["A", "A", "A", "B"],
        max_stops=2,
        dwell_s=600,
    )
    flat = synthetic_problem(xy, **kwargs)  # type: ignore[arg-type]
    curved = synthetic_problem(xy, desa_decay=0.25, **kwargs)  # type: ignore[arg-type]
    desa_of = {f"V{i + 1}": d for i, d in enumerate("AAAB")}
    for p, want in ((flat, ["A", "A"]), (curved, ["A", "B"])):
        res = solve(p, fast)
        assert verify(res.plan, p) == []
        assert sorted(desa_of[v] for v in res.plan.visited_ids()) == want


@pytest.mark.parametrize("seed", range(16))
def test_objective_equals_brute_force_optimum(seed: int, fast: Settings) -> None:
    p = _tiny(np.random.default_rng(seed), exchange_rate_min=[5.0, 10.0, 20.0][seed % 3])
    res = solve(p, fast)
    assert verify(res.plan, p) == []
    assert res.objective == plan_cost(
        p, [[p.node_of(s.venue_id) for s in r.stops] for r in res.plan.routes]
    )
    assert res.objective == brute_force(p)


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([1.0, 5.0, 20.0]))
def test_never_below_the_optimum_nor_above_the_greedy(
    fast: Settings, seed: int, rate: float
) -> None:
    """On adversarial tiny problems the search is a heuristic (it can miss the optimum, see
    the report); but it can never beat the brute-force optimum (that would be a model bug),
    never return worse than its own first solution, and every plan is feasible."""
    p = _tiny(np.random.default_rng(seed), exchange_rate_min=rate)
    res = solve(p, fast)
    assert verify(res.plan, p) == []
    assert brute_force(p) <= res.objective <= plan_cost(p, greedy_routes(p))


def test_brute_force_optimum_with_desa_cap_and_sharing_station(fast: Settings) -> None:
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 6000, (9, 2))
    p = synthetic_problem(
        xy,
        n_depots=1,
        squads=[(0, 0, 3 * H), (0, 0, 3 * H)],
        prize=[5, 3, 4, 6, 2, 7, 3, 5],
        desa=["A", "A", "A", "B", "B", "C", "C", "C"],
        max_per_desa=2,
        dwell_s=900,
        speed_mps=6.0,
    )
    res = solve(p, fast)
    assert verify(res.plan, p) == []
    assert res.objective == brute_force(p)
    visited = res.plan.visited_ids()
    assert len(visited) > 0
    for d in "ABC":
        n = sum(1 for v in visited if p.desa_codes[p.desa_group[p.node_of(v)]] == d)
        assert n <= 2


def test_reproducible_mode_gives_identical_plans() -> None:
    rng = np.random.default_rng(11)
    xy = rng.uniform(0, 10000, (32, 2))
    p = synthetic_problem(
        xy,
        n_depots=1,
        squads=[(0, 0, 3 * H), (0, 0, 3 * H)],
        prize=rng.integers(1, 9, 31).tolist(),
        dwell_s=900,
    )
    s = Settings().with_overrides(
        # the budgets end it; 120 s is a safety net (8,000 ruin-and-recreate steps took 40-47 s
        # on the shared 2-core machine under load, 20 s was too short)
        routing={"time_limit_s": 120.0, "reproducible": True, "solution_limit": 60}
    )
    a = solve(p, s)
    b = solve(p, s)
    assert a.stats["budget_hit"] == "solutions"
    assert a.plan.routes == b.plan.routes
    assert a.plan.dropped == b.plan.dropped
    assert a.objective == b.objective


# ---------------------------------------------------------------- builder + solve, real rules

NIGHT = Night.parse("2025-03-05")  # a Wednesday (weekday 2)


def _night_inputs(
    venues: list[dict[str, object]],
    squads: list[Squad],
    *,
    xy: Mapping[str, tuple[float, float]],
    settings: Settings,
    must: set[str] = frozenset(),  # type: ignore[assignment]
    excluded: set[str] = frozenset(),  # type: ignore[assignment]
    speed_mps: float = 10.0,
) -> dict[str, object]:
    ids = list(xy)
    pts = np.array([xy[i] for i in ids])
    dist = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(axis=2))
    travel = np.ceil(dist / speed_mps).astype(np.int64)
    vdf = pd.DataFrame(venues)
    vdf["dwell_min"] = vdf.get("dwell_min", 20.0)
    scores = pd.DataFrame(
        {
            "venue_id": vdf["venue_id"],
            "priority": vdf["priority"],
            "must_visit": vdf["venue_id"].isin(must),
            "excluded": vdf["venue_id"].isin(excluded),
        }
    )
    stations = pd.DataFrame(
        {"station_id": ["POLRES", "PS_A"], "kecamatan": ["Trenggalek", "Karangan"]}
    )
    return {
        "night": NIGHT,
        "venues": vdf,
        "scores": scores,
        "squads": tuple(squads),
        "stations": stations,
        "node_ids": ids,
        "travel_s": {"mobil": travel, "motor": travel},
        "dist_m": {"mobil": dist, "motor": dist},
        "unreachable": {},
        "settings": settings,
    }


def _venue(vid: str, kec: str, windows: tuple[Window, ...], prio: float = 3.0) -> dict[str, object]:
    return {
        "venue_id": vid,
        "kecamatan": kec,
        "desa_code": f"{kec[:3]}-1",
        "windows": windows,
        "priority": prio,
        "active": True,
        "closed_days": frozenset(),
    }


LATE = (Window(600, 840),)  # 22:00-02:00, across midnight
EVENING = (Window(360, 600),)  # 18:00-22:00
R_POLRES = Squad("R1", "POLRES", 6, Window(420, 900), "mobil")  # 19:00-03:00, anywhere
R_POLSEK = Squad("R2", "PS_A", 5, Window(420, 900), "motor", area=("Karangan",))


def test_midnight_windows_are_respected(fast: Settings) -> None:
    xy = {"POLRES": (0, 0), "PS_A": (5000, 0), "V1": (1000, 0), "V2": (2000, 500), "V3": (0, 3000)}
    venues = [
        _venue("V1", "Trenggalek", LATE),
        _venue("V2", "Trenggalek", (Window(700, 780),)),  # 23:40-01:00
        _venue("V3", "Trenggalek", EVENING),
    ]
    p = build_problem(**_night_inputs(venues, [R_POLRES], xy=xy, settings=fast))  # type: ignore[arg-type]
    res = solve(p, fast)
    assert res.status == "feasible"
    assert verify(res.plan, p) == []
    stops = {s.venue_id: s for s in res.plan.routes[0].stops}
    assert set(stops) == {"V1", "V2", "V3"}
    assert stops["V1"].start_s >= 600 * 60 and stops["V1"].departure_s <= 840 * 60
    assert stops["V2"].start_s >= 700 * 60 and stops["V2"].departure_s <= 780 * 60
    assert stops["V3"].departure_s <= 600 * 60
    order = [s.venue_id for s in res.plan.routes[0].stops]
    assert order.index("V3") < order.index("V2")


def test_jurisdiction_two_squads_sharing_a_station(fast: Settings) -> None:
    xy = {"POLRES": (0, 0), "PS_A": (9000, 0), "V1": (500, 0), "V2": (600, 300), "V3": (900, 0)}
    a = Squad("A", "POLRES", 6, Window(420, 600), "mobil", area=("Trenggalek",))
    b = Squad("B", "POLRES", 6, Window(420, 600), "motor", area=("Karangan",))
    venues = [
        _venue("V1", "Trenggalek", EVENING),
        _venue("V2", "Karangan", EVENING),
        _venue("V3", "Karangan", EVENING),
    ]
    p = build_problem(**_night_inputs(venues, [a, b], xy=xy, settings=fast))  # type: ignore[arg-type]
    assert p.n_depots == 1
    res = solve(p, fast)
    assert verify(res.plan, p) == []
    assert [s.venue_id for s in res.plan.route("A").stops] == ["V1"]
    assert sorted(s.venue_id for s in res.plan.route("B").stops) == ["V2", "V3"]
    assert res.plan.route("A").station_id == res.plan.route("B").station_id == "POLRES"


def test_must_visit_feasible_is_visited_even_if_not_worth_it(fast: Settings) -> None:
    xy = {"POLRES": (0, 0), "PS_A": (9000, 0), "NEAR": (300, 0), "FAR": (-15000, 0)}
    venues = [_venue("NEAR", "Trenggalek", LATE), _venue("FAR", "Trenggalek", LATE, prio=0.1)]
    inputs = _night_inputs(venues, [R_POLRES], xy=xy, settings=fast)
    p_free = build_problem(**inputs)  # type: ignore[arg-type]
    free = solve(p_free, fast)
    assert "FAR" not in free.plan.visited_ids()
    assert {d.venue_id: d.reason for d in free.plan.dropped}["FAR"] == "not_worth"
    p = build_problem(**_night_inputs(venues, [R_POLRES], xy=xy, settings=fast, must={"FAR"}))  # type: ignore[arg-type]
    res = solve(p, fast)
    assert res.status == "feasible"
    assert set(res.plan.visited_ids()) == {"NEAR", "FAR"}
    assert verify(res.plan, p) == []


@pytest.mark.parametrize(
    ("venue", "where", "reason"),
    [
        (_venue("X", "Trenggalek", (Window(1000, 1200),)), (100, 0), "closed"),
        (_venue("X", "Panggul", LATE), (100, 0), "outside_area"),
        (_venue("X", "Trenggalek", LATE), (400000, 0), "unreachable"),
    ],
)
def test_must_visit_infeasible_says_which_and_why(
    venue: dict[str, object], where: tuple[float, float], reason: str, fast: Settings
) -> None:
    xy = {"POLRES": (0, 0), "PS_A": (9000, 0), "OK": (200, 0), "X": where}
    venues = [_venue("OK", "Trenggalek", LATE), venue]
    sq = Squad("R1", "POLRES", 6, Window(420, 900), "mobil", area=("Trenggalek", "Karangan"))
    p = build_problem(**_night_inputs(venues, [sq], xy=xy, settings=fast, must={"X"}))  # type: ignore[arg-type]
    res = solve(p, fast)
    assert res.status == "must_visit_unmet"
    assert res.plan.unmet_must_visit == (("X", reason),)
    assert res.plan.visited_ids() == ["OK"]
    rules = {v.rule for v in verify(res.plan, p)}
    assert rules == {"must_visit_missing"}


def test_must_visit_that_cannot_fit_with_another_is_reported(fast: Settings) -> None:
    # two must-visits with the same short window far apart: only one can be served
    xy = {"POLRES": (0, 0), "PS_A": (9000, 0), "A": (3000, 0), "B": (-3000, 0)}
    short = (Window(480, 520),)  # 20:00-20:40, dwell 20 min
    venues = [_venue("A", "Trenggalek", short), _venue("B", "Trenggalek", short)]
    p = build_problem(**_night_inputs(venues, [R_POLRES], xy=xy, settings=fast, must={"A", "B"}))  # type: ignore[arg-type]
    res = solve(p, fast)
    assert res.status == "must_visit_unmet"
    assert len(res.plan.visited_ids()) == 1
    (missing,) = res.plan.unmet_must_visit
    assert missing[1] == "no_fit"


def test_excluded_venues_are_left_out(fast: Settings) -> None:
    xy = {"POLRES": (0, 0), "PS_A": (9000, 0), "V1": (500, 0), "V2": (700, 0)}
    venues = [_venue("V1", "Trenggalek", LATE, prio=9), _venue("V2", "Trenggalek", LATE)]
    p = build_problem(**_night_inputs(venues, [R_POLRES], xy=xy, settings=fast, excluded={"V1"}))  # type: ignore[arg-type]
    res = solve(p, fast)
    assert res.plan.visited_ids() == ["V2"]
    assert ("V1", "excluded") in {(d.venue_id, d.reason) for d in res.plan.dropped}
    assert res.plan.total_priority == pytest.approx(3.0)


def test_max_stops_per_squad(fast: Settings) -> None:
    rng = np.random.default_rng(5)
    p = synthetic_problem(
        rng.uniform(0, 3000, (13, 2)),
        n_depots=1,
        squads=[(0, 0, 4 * H), (0, 0, 4 * H)],
        prize=[5] * 12,
        dwell_s=600,
        max_stops=3,
    )
    res = solve(p, fast)
    assert verify(res.plan, p) == []
    assert [len(r.stops) for r in res.plan.routes] == [3, 3]


def test_empty_problem(fast: Settings) -> None:
    p = synthetic_problem(
        [(0, 0)], n_depots=1, squads=[(0, 0, H)], windows_s=[], prize=[], dwell_s=[]
    )
    res = solve(p, fast)
    assert res.status == "feasible"
    assert res.plan.visits == 0


def test_a_search_cut_short_by_the_clock_still_returns_the_first_solution(
    monkeypatch: pytest.MonkeyPatch,
    fast: Settings,
) -> None:
    """If OR-Tools returns nothing (out of time on a busy machine), the accepted first solution
    is the plan: a feasible night is never lost to the clock."""
    from ortools.constraint_solver import pywrapcp

    monkeypatch.setattr(
        pywrapcp.RoutingModel, "SolveFromAssignmentWithParameters", lambda self, a, p: None
    )
    p = _tiny(np.random.default_rng(3), exchange_rate_min=20.0)
    cfg = fast.with_overrides(routing={"workers": 1, "decompose": "never"})
    res = solve(p, cfg)
    assert res.status == "feasible"
    assert res.stats.get("fallback") == "first_solution"
    assert verify(res.plan, p) == []
    greedy_cost = plan_cost(p, [[p.node_of(s.venue_id) for s in r.stops] for r in res.plan.routes])
    assert res.objective == greedy_cost
    assert res.plan.visits > 0


def _benchmark_module(name: str) -> object:
    """A module of ``benchmarks/`` (not a package), loaded from its file."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_benchmarks_lower_bound_never_exceeds_the_optimum() -> None:
    """``benchmarks/bound.py`` claims that no plan costs less than its bound: on 24 random
    tiny nights (flat and curved, with ``max_per_desa`` on some) it stays at or below the
    brute-force optimum, and it is not empty talk: it is above the empty plan's cost minus
    every penalty (what a bound that ignores the shifts would say) on most of them."""
    bound = _benchmark_module("bound")
    informative = 0
    for seed in range(24):
        rng = np.random.default_rng(2000 + seed)
        p = _tiny(rng, exchange_rate_min=10.0, desa_decay=[1.0, 0.6][seed % 2],
                  n_desa=[None, 2][seed % 2])  # fmt: skip
        if seed % 4 == 3:
            p = dataclasses.replace(p, max_per_desa=1)
        b = bound.objective_bound(p, iterations=60)  # type: ignore[attr-defined]
        optimum = brute_force(p)
        assert b.objective <= optimum, seed
        assert b.empty == round(float(p.penalty[list(p.venue_nodes)].sum()))
        informative += b.objective > 0
    assert informative >= 18
