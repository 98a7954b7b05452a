"""Tests of the heuristics: ruin and recreate keeps every rule and never loses ground; the
compiled kernel keeps its book in step and agrees with the independent checker."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from planner.check import verify
from planner.problem import NightProblem
from planner.routing import _kernel
from planner.routing.heuristics import (
    Presence,
    Stall,
    anchored_greedy,
    greedy_routes,
    kicked_greedy,
    linear_penalties,
    plan_cost,
    ruin_recreate,
    swap_descent,
)
from planner.routing.schedule import plan_from_routes
from planner.testing import synthetic_problem

H = 3600


def _night(
    rng: np.random.Generator,
    *,
    n_venues: int = 40,
    max_stops: int | None = None,
    max_per_desa: int | None = None,
    must: int = 0,
    desa_decay: float = 1.0,
) -> NightProblem:
    """Two stations, three squads (two share a station), tight windows, patchy jurisdiction."""
    n_dep = 2
    coords = rng.uniform(0, 12_000, (n_dep + n_venues, 2))
    opens = rng.integers(0, 4 * H, n_venues)
    width = rng.integers(20 * 60, 3 * H, n_venues)
    allowed = rng.random((3, n_venues)) < 0.7
    allowed[0] |= ~(allowed[1] | allowed[2])
    must_visit = np.zeros(n_venues, dtype=bool)
    must_visit[rng.choice(n_venues, must, replace=False)] = True
    return synthetic_problem(
        coords,
        n_depots=n_dep,
        squads=[(0, 0, 5 * H), (0, H, 6 * H), (1, 0, 4 * H)],
        windows_s=list(zip(opens.tolist(), (opens + width).tolist(), strict=True)),
        dwell_s=rng.integers(600, 1800, n_venues).tolist(),
        prize=rng.integers(1, 20, n_venues).tolist(),
        allowed=allowed,
        must_visit=must_visit.tolist(),
        desa=[f"d{i % 7}" for i in range(n_venues)],
        max_stops=max_stops,
        max_per_desa=max_per_desa,
        desa_decay=desa_decay,
        speed_mps=9.0,
    )


def _rules_broken(p: NightProblem, routes: list[list[int]]) -> list[str]:
    """Every violation the independent checker finds, except must-visits it could not place."""
    return [
        v.rule for v in verify(plan_from_routes(p, routes), p) if v.rule != "must_visit_missing"
    ]


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([None, 4]),
    st.sampled_from([None, 2]),
    st.integers(0, 3),
)
def test_ruin_recreate_keeps_every_rule_and_never_gets_worse(
    seed: int, max_stops: int | None, max_per_desa: int | None, must: int
) -> None:
    p = _night(
        np.random.default_rng(seed), max_stops=max_stops, max_per_desa=max_per_desa, must=must
    )
    start = greedy_routes(p)
    assert _rules_broken(p, start) == []
    out = ruin_recreate(p, start, seed=seed, iterations=150)
    assert _rules_broken(p, out) == []
    assert plan_cost(p, out) <= plan_cost(p, start)
    placed = {v for r in start for v in r if p.must_visit[v]}
    assert placed <= {v for r in out for v in r}, "a must-visit venue was ruined away"


def test_ruin_recreate_improves_a_poor_start() -> None:
    """From one greedy route per squad cut in half, the search must win back priority."""
    p = _night(np.random.default_rng(7), n_venues=60)
    start = [r[: len(r) // 2] for r in greedy_routes(p)]
    stats: dict[str, float | int | str] = {}
    out = ruin_recreate(p, start, seed=1, iterations=300, stats=stats)
    assert _rules_broken(p, out) == []
    assert plan_cost(p, out) < plan_cost(p, greedy_routes(p)) < plan_cost(p, start)
    assert stats["rr_iterations"] == 300
    assert 0 < int(stats["rr_accepted"]) <= 300


def test_ruin_recreate_is_reproducible_under_an_iteration_budget() -> None:
    p = _night(np.random.default_rng(3), n_venues=50, max_per_desa=3)
    start = greedy_routes(p)
    a = ruin_recreate(p, start, seed=11, iterations=200)
    b = ruin_recreate(p, start, seed=11, iterations=200)
    c = ruin_recreate(p, start, seed=12, iterations=200)
    assert a == b
    assert _rules_broken(p, c) == []


def test_the_stall_rule_counts_steps_since_the_last_improvement() -> None:
    rule = Stall(min_steps=50, clock=False, share=0.25)
    assert not rule.converged(49)  # fewer than min_steps since the start
    assert rule.converged(50)
    rule.improved(400)
    assert not rule.converged(499)  # 99 < max(50, 0.25 × 499)
    assert rule.converged(534)  # 134 >= 0.25 × 534
    on_clock = Stall(min_steps=0, clock=True, min_s=60.0)
    assert not on_clock.converged(10_000)  # a minute has not passed


def test_ruin_recreate_stops_when_converged_and_stays_reproducible() -> None:
    """Past its cooling horizon and stalled, the search ends long before its budget, by steps
    in reproducible mode (same plan, same step), by the clock rule as well otherwise."""
    p = _night(np.random.default_rng(4), n_venues=30)
    start = greedy_routes(p)
    runs = []
    for _ in range(2):
        stats: dict[str, float | int | str] = {}
        stall = Stall(min_steps=40, clock=False, share=0.25)
        out = ruin_recreate(
            p, start, seed=3, iterations=100_000, horizon=200, stall=stall, stats=stats
        )
        runs.append((out, stats["rr_iterations"]))
        assert stats["rr_stopped"] == "converged"
        assert 200 <= int(stats["rr_iterations"]) < 100_000  # not before it has cooled
        assert _rules_broken(p, out) == []
        assert plan_cost(p, out) <= plan_cost(p, start)
    assert runs[0] == runs[1]
    stats = {}
    clock = Stall(min_steps=40, clock=True, share=0.25, min_s=0.2)
    ruin_recreate(p, start, seed=3, time_limit_s=60.0, horizon=200, stall=clock, stats=stats)
    assert stats["rr_stopped"] == "converged" and float(stats["rr_s"]) < 30.0
    assert float(stats["rr_last_improvement_s"]) <= float(stats["rr_s"])


def test_ruin_recreate_reheats_on_the_clock_and_still_converges() -> None:
    """On the clock a cooled, stuck annealing starts again hot from its best plan; the
    converge stop still ends it long before the time limit, and reproducible mode (an
    iteration budget) keeps one cycle."""
    p = _night(np.random.default_rng(4), n_venues=30)
    start = greedy_routes(p)
    stats: dict[str, float | int | str] = {}
    clock = Stall(min_steps=40, clock=True, share=0.25, min_s=0.5)
    out = ruin_recreate(p, start, seed=3, time_limit_s=60.0, horizon=50, stall=clock, stats=stats)
    assert stats["rr_stopped"] == "converged" and float(stats["rr_s"]) < 30.0
    assert int(stats["rr_cycles"]) >= 2
    assert _rules_broken(p, out) == []
    assert plan_cost(p, out) <= plan_cost(p, start)
    stats = {}
    ruin_recreate(p, start, seed=3, iterations=400, horizon=50, stats=stats)
    assert stats["rr_cycles"] == 1 and stats["rr_iterations"] == 400


@pytest.mark.parametrize("routes", [[[], [], []], None])
def test_ruin_recreate_without_budget_or_visits_returns_the_input(
    routes: list[list[int]] | None,
) -> None:
    p = _night(np.random.default_rng(5), n_venues=12)
    start = greedy_routes(p) if routes is None else routes
    assert ruin_recreate(p, start, seed=0) == start  # neither a time limit nor iterations


def _curve_value(p: NightProblem, visited: set[int]) -> float:
    """The curve written out for the test: per desa, penalties high to low, times decay**j."""
    by_desa: dict[int, list[float]] = {}
    for v in visited:
        by_desa.setdefault(int(p.desa_group[v]), []).append(float(p.penalty[v]))
    return sum(
        x * p.desa_decay**j for xs in by_desa.values() for j, x in enumerate(sorted(xs)[::-1])
    )


@hsettings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.3, 0.5, 0.9]))
def test_marginal_gains_and_losses_are_exact(seed: int, decay: float) -> None:
    """Presence's gain of every unplanned venue and loss of every planned one equal the
    difference of the curve's value with and without it; the linearised penalties too."""
    rng = np.random.default_rng(seed)
    p = _night(rng, n_venues=25, desa_decay=decay)
    planned = {int(v) for v in rng.choice(list(p.venue_nodes), 12, replace=False)}
    pres = Presence(p, planned)
    base = _curve_value(p, planned)
    others = np.asarray([v for v in p.venue_nodes if v not in planned])
    for v, g in zip(others.tolist(), pres.gains(others).tolist(), strict=True):
        assert g == pytest.approx(_curve_value(p, planned | {v}) - base)
    for v, loss in zip(sorted(planned), pres.losses(sorted(planned)).tolist(), strict=True):
        assert loss == pytest.approx(base - _curve_value(p, planned - {v}))
    lin = linear_penalties(p, [sorted(planned)], list(p.venue_nodes))
    want = [
        base - _curve_value(p, planned - {v})
        if v in planned
        else _curve_value(p, planned | {v}) - base
        for v in p.venue_nodes
    ]
    assert np.abs(lin - np.asarray(want)).max() <= 0.5
    flat = _night(np.random.default_rng(seed), n_venues=25)
    assert (
        linear_penalties(flat, [sorted(planned)], list(flat.venue_nodes)) == flat.penalty[2:]
    ).all()


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([None, 2]))
def test_the_curve_searches_keep_every_rule_and_never_get_worse(
    seed: int, max_per_desa: int | None
) -> None:
    """With the curve on, ruin and recreate and the swap descent keep every rule and never
    return a plan worse by the exact objective than the one they were given."""
    p = _night(np.random.default_rng(seed), max_per_desa=max_per_desa, desa_decay=0.5)
    start = greedy_routes(p)
    rr = ruin_recreate(p, start, seed=seed, iterations=150)
    swapped = swap_descent(p, rr)
    assert _rules_broken(p, rr) == [] and _rules_broken(p, swapped) == []
    assert plan_cost(p, swapped) <= plan_cost(p, rr) <= plan_cost(p, start)


def test_the_curve_spreads_the_greedy_over_the_desa() -> None:
    """Forty venues in seven desa: with decay 0.3 the greedy plan reaches more desa per visit
    than the plain sum, and its most visited desa has fewer visits."""
    rng = np.random.default_rng(5)
    flat = _night(rng, n_venues=40)
    curved = flat.replace(desa_decay=0.3)

    def spread(p: NightProblem) -> tuple[float, int]:
        visited = [v for r in ruin_recreate(p, greedy_routes(p), iterations=200) for v in r]
        counts = np.bincount(p.desa_group[visited])
        return (counts > 0).sum() / len(visited), int(counts.max())

    (flat_reach, flat_most), (curved_reach, curved_most) = spread(flat), spread(curved)
    assert curved_reach > flat_reach
    assert curved_most < flat_most


def test_neighbour_rows_are_computed_when_asked_and_match_every_venue_ranked():
    """The lazy neighbour rows are each node's nearest venues by the fastest profile there
    and back, nearest first, never the node itself; only asked-for rows are computed."""
    import numpy as np

    from planner.routing.heuristics import _Neighbours
    from planner.testing import synthetic_problem

    xy = np.random.default_rng(4).uniform(0, 5_000, size=(62, 2))
    problem = synthetic_problem(xy, n_depots=2, squads=[(0, 25_200, 50_400), (1, 25_200, 50_400)])
    near = _Neighbours(problem, 7)
    venues = np.arange(problem.n_depots, problem.n_nodes)
    for v in (0, problem.n_depots, problem.n_nodes - 1):
        row = near[v]
        sym = problem.travel_s[:, v, venues].min(axis=0) + problem.travel_s[:, venues, v].min(
            axis=0
        )
        dist = dict(zip(venues.tolist(), sym.tolist(), strict=True))
        assert v not in row.tolist() and len(set(row.tolist())) == 7
        assert [dist[u] for u in row] == sorted(dist[u] for u in row)  # nearest first
        others = [d for u, d in dist.items() if u != v and u not in row]
        assert max(dist[u] for u in row) <= min(others)
    assert int(near._done.sum()) == 3  # the other rows were never computed


# ------------------------------------------------------------------ the compiled kernel


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([1.0, 0.5]),
    st.sampled_from([None, 2]),
    st.sampled_from([None, 3]),
)
def test_the_kernels_book_keeping_matches_a_recount(
    seed: int, decay: float, max_per_desa: int | None, max_stops: int | None
) -> None:
    """After hot annealing steps (most accepted, many undone), what the compiled state keeps
    in step — its cost, each venue's route, the unplanned mask, the visits per desa — equals a
    recount from its routes, which keep every rule."""
    rng = np.random.default_rng(seed)
    p = _night(rng, max_per_desa=max_per_desa, max_stops=max_stops, desa_decay=decay)
    start = [r[: len(r) // 2] for r in greedy_routes(p)]
    search = _kernel.Annealing(p, start, seed)
    hot = float(p.penalty.mean())
    for count in (40, 25):
        search.steps(count, cycle_step=0, cool_at=0, floor=0.0, hot=hot, cold=hot)
        state = search.state
        routes = _kernel.routes_of(state)
        assert _rules_broken(p, routes) == []
        assert _kernel.cost_of(state) == pytest.approx(plan_cost(p, routes), abs=1.0)
        route_of = np.full(p.n_nodes, -1)
        for k, r in enumerate(routes):
            route_of[r] = k
        assert (state.route_of == route_of).all()
        assert (state.unrouted[p.n_depots :] == (route_of[p.n_depots :] < 0)).all()
        visited = [v for r in routes for v in r]
        want = np.bincount(p.desa_group[visited], minlength=len(state.desa_count))
        assert (state.desa_count == want[: len(state.desa_count)]).all()
    best = search.best()
    assert _rules_broken(p, best) == []
    assert plan_cost(p, best) <= plan_cost(p, start)
    assert search.stats[0] == 65


def test_the_kernels_steps_do_not_depend_on_their_chunks() -> None:
    p = _night(np.random.default_rng(8), n_venues=40, max_per_desa=3, desa_decay=0.5)
    start = greedy_routes(p)
    runs = []
    for chunks in ((300,), (1, 120, 179), (50,) * 6):
        search = _kernel.Annealing(p, start, 5)
        for count in chunks:
            search.steps(count, cycle_step=0, cool_at=300, floor=0.0, hot=500.0, cold=20.0)
        runs.append((search.best(), search.best_cost, search.stats.tolist()))
    assert runs[0] == runs[1] == runs[2]


_RESTART_NIGHTS = given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([None, 2]),
    st.sampled_from([None, 3]),
    st.integers(0, 2),
)
"""The restarts' tests: a seed, ``max_per_desa``, ``max_stops`` and the must-visit count."""


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@_RESTART_NIGHTS
def test_an_anchored_greedy_starts_each_route_at_a_venue_the_plan_avoided(
    seed: int, max_per_desa: int | None, max_stops: int | None, must: int
) -> None:
    """The restarts' start: every rule kept; each squad's route holds a venue the avoided
    plan leaves out whenever enough of them fit that squad alone (by the checker), the others
    taking one each at most; the same seed gives the same routes."""
    rng = np.random.default_rng(seed)
    p = _night(rng, n_venues=30, max_per_desa=max_per_desa, max_stops=max_stops, must=must)
    avoid = greedy_routes(p)
    avoided = {v for r in avoid for v in r}
    out = anchored_greedy(p, avoid, seed=seed)
    assert _rules_broken(p, out) == []
    assert out == anchored_greedy(p, avoid, seed=seed)
    k_n = p.n_squads
    for k in range(k_n):
        alone = [
            v
            for v in p.venue_nodes
            if v not in avoided
            and p.allowed[k, v]
            and not _rules_broken(p, [[v] if j == k else [] for j in range(k_n)])
        ]
        # the other squads' anchors take one each at most, and under max_per_desa two of
        # them may fill one desa
        blocked = 0
        if max_per_desa is not None and alone:
            blocked = int(np.bincount(p.desa_group[alone]).max())
        spare = len(alone) - (k_n - 1) - blocked
        if spare > 0:
            assert set(out[k]) - avoided, (k, alone)


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@_RESTART_NIGHTS
def test_a_kicked_greedy_keeps_part_of_each_route_and_every_rule(
    seed: int, max_per_desa: int | None, max_stops: int | None, must: int
) -> None:
    """The other restarts' start: every rule kept (by the checker); each route keeps at least
    40 % of its visits (less one, for the rounding), and the same seed gives the same routes."""
    rng = np.random.default_rng(seed)
    p = _night(rng, n_venues=30, max_per_desa=max_per_desa, max_stops=max_stops, must=must)
    best = greedy_routes(p)
    out = kicked_greedy(p, best, seed=seed)
    assert _rules_broken(p, out) == []
    assert out == kicked_greedy(p, best, seed=seed)
    for before, after in zip(best, out, strict=True):
        assert len(set(after) & set(before)) >= 0.4 * len(before) - 1


def test_a_greedy_from_routes_that_break_a_rule_starts_those_routes_empty() -> None:
    """A route cut by the kick may break its rules where travel times break the triangle
    inequality; the greedy drops such a start route and keeps the others. (Here its one visit
    lasts longer than the shift, which nothing the fill adds can mend.)"""
    p = _night(np.random.default_rng(3), n_venues=30)
    first = greedy_routes(p)
    v = first[0][1]
    dwell = p.dwell_s.copy()
    dwell[v] = 10 * H
    q = p.replace(dwell_s=dwell)
    start = [[v], *first[1:]]
    assert _rules_broken(q, start) != []
    assert _rules_broken(q, [[], *first[1:]]) == []
    night = _kernel.night_arrays(q)
    out = _kernel.greedy(night, np.ones(q.n_nodes), 1.0, start=start)
    assert _rules_broken(q, out) == []
    assert out[1:] == first[1:]  # the routes that keep the rules stay as they were


def test_anchors_are_random_venues_the_avoided_plan_leaves_out_that_fit_alone() -> None:
    """With every penalty 0 the fill adds nothing that costs driving, so the routes show the
    anchors: in each route a venue the avoided plan leaves out, its squad allowed there and
    able to visit it alone (by the checker); other seeds draw other anchors."""
    p = _night(np.random.default_rng(12), n_venues=40)
    q = p.replace(penalty=np.zeros_like(p.penalty))
    avoid = greedy_routes(p)
    avoided = {v for r in avoid for v in r}
    night = _kernel.night_arrays(q)
    k_n = q.n_squads
    draws = set()
    for seed in range(6):
        out = _kernel.greedy(night, np.ones(q.n_nodes), 1.0, anchor_from=avoid, seed=seed)
        assert _rules_broken(q, out) == []
        for k, route in enumerate(out):
            anchors = [
                v
                for v in route
                if v not in avoided
                and q.allowed[k, v]
                and not _rules_broken(q, [[v] if j == k else [] for j in range(k_n)])
            ]
            assert anchors, (seed, k, route)
        draws.add(str(out))
    assert len(draws) > 1
    # without anchors the same fill leaves every route empty
    plain = _kernel.greedy(night, np.ones(q.n_nodes), 1.0)
    assert plain == [[] for _ in range(k_n)]


@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([None, 2]), st.sampled_from([None, 2]))
def test_fits_agrees_with_the_checker(
    seed: int, max_per_desa: int | None, max_stops: int | None
) -> None:
    """A venue left out "fits" (the drop reason ``not_worth``) exactly when the independent
    checker accepts the plan with it inserted somewhere in some squad's route."""
    rng = np.random.default_rng(seed)
    p = _night(rng, n_venues=14, max_per_desa=max_per_desa, max_stops=max_stops)
    routes = [r[: len(r) // 2 + 1] for r in greedy_routes(p)]
    fits = _kernel.fits(p, routes)
    visited = {v for r in routes for v in r}
    for v in list(p.venue_nodes):
        if v in visited:
            assert not fits[v]
            continue
        some = any(
            not _rules_broken(
                p, [r if j != k else [*r[:i], v, *r[i:]] for j, r in enumerate(routes)]
            )
            for k, r in enumerate(routes)
            if p.allowed[k, v]
            for i in range(len(r) + 1)
        )
        assert bool(fits[v]) == some, v
