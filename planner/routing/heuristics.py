"""Constructive and improvement heuristics for the night's routing problem, without OR-Tools.

Pure numpy on a compiled :class:`NightProblem`: the greedy insertion that gives OR-Tools its
first solution, its multi-start, the objective (:func:`plan_cost`, :func:`cost_key`) and a
ruin-and-recreate search (:func:`ruin_recreate`) that improves node routes before OR-Tools'
local search polishes them. Routes are node lists per squad without the depots; every route
built here keeps the windows, shifts, jurisdiction, ``max_stops`` and ``max_per_desa`` (the
pipeline re-verifies the final plan with ``planner.check`` anyway).

The objective is the presence curve's (``NightProblem.desa_decay``, docs/presence.md): travel
seconds plus every venue's penalty, minus what tonight's visits collect, where the k-th visit of
one desa (highest penalty first) collects ``decay ** (k - 1)`` of its penalty. Every phase here
works with it exactly: :class:`Presence` gives the marginal gain of each candidate given the
visits already planned, and the greedy, the multi-start and ruin and recreate rank and accept by
it. With ``decay == 1`` it is the plain sum (the team orienteering benchmark).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable, Sequence

import numpy as np

from planner.problem import NightProblem, curve_weights
from planner.routing import _kernel

# ------------------------------------------------------------------ the presence curve


class Presence:
    """Tonight's planned visits per desa, for the curve's marginal values (penalty units).

    ``gains(cand)``: what visiting each candidate would add, alone, to what the plan collects;
    ``losses(nodes)``: what leaving each planned visit out would take away. Both are exact for
    one venue at a time (the curve is concave: adding two venues of one desa gains less than
    the sum of their gains, which is why every search phase compares plans by
    :func:`plan_cost`, never by these numbers added up).
    """

    __slots__ = ("decay", "flat", "group", "members", "pen")

    def __init__(self, problem: NightProblem, visited: Iterable[int] = ()) -> None:
        self.decay = float(problem.desa_decay)
        self.flat = self.decay >= 1.0
        self.group = problem.desa_group
        self.pen = problem.penalty.astype(np.float64)
        self.members: dict[int, list[float]] = {}
        """Per desa group, minus the penalties of its planned visits, ascending (highest
        penalty first)."""
        for v in visited:
            self.add(int(v))

    def add(self, v: int) -> None:
        if not self.flat:
            bisect.insort(self.members.setdefault(int(self.group[v]), []), -float(self.pen[v]))

    def remove(self, v: int) -> None:
        if not self.flat:
            neg = self.members[int(self.group[v])]
            del neg[bisect.bisect_left(neg, -float(self.pen[v]))]

    def gains(self, cand: np.ndarray) -> np.ndarray:
        """Per candidate (not planned), the penalty units its visit would collect.

        Inserted at rank ``r`` among the desa's ``m`` visits ``S`` (descending), a penalty
        ``p`` adds ``p w_r - (1 - decay) sum_{j >= r} S_j w_j`` with ``w_j = decay**j``: its
        own share, less what the visits it pushes one rank down lose.
        """
        out = self.pen[cand].copy()
        if self.flat or len(cand) == 0:
            return out
        groups = self.group[cand]
        for g in np.unique(groups).tolist():
            neg = self.members.get(g)
            if not neg:
                continue
            sel = groups == g
            p = out[sel]
            desc = -np.asarray(neg)
            w = self.decay ** np.arange(len(desc) + 1, dtype=np.float64)
            tail = np.zeros(len(desc) + 1)
            tail[:-1] = np.cumsum((desc * w[:-1])[::-1])[::-1]
            r = np.searchsorted(np.asarray(neg), -p, side="right")
            out[sel] = p * w[r] - (1.0 - self.decay) * tail[r]
        return out

    def losses(self, nodes: Sequence[int]) -> np.ndarray:
        """Per planned visit, the penalty units the plan would lose without it (alone)."""
        idx = np.asarray(nodes, dtype=np.int64)
        if self.flat or len(idx) == 0:
            return self.pen[idx].copy()
        out = np.empty(len(idx))
        for i, v in enumerate(idx.tolist()):
            self.remove(v)
            out[i] = self.gains(np.asarray([v]))[0]
            self.add(v)
        return out


def linear_penalties(
    problem: NightProblem, routes: Sequence[Sequence[int]], nodes: Sequence[int]
) -> np.ndarray:
    """The curve linearised at ``routes``, as integer penalties for a model that can only
    price each venue alone (OR-Tools' disjunctions): a planned visit costs what leaving it out
    alone would lose, an unplanned venue what visiting it alone would gain. Equal to
    ``problem.penalty`` when the curve is off."""
    idx = np.asarray(nodes, dtype=np.int64)
    if problem.desa_decay >= 1.0:
        return problem.penalty[idx].astype(np.int64)
    planned = {int(v) for r in routes for v in r}
    pres = Presence(problem, planned)
    out = np.empty(len(idx), dtype=np.float64)
    on = np.asarray([int(v) in planned for v in idx], dtype=bool)
    out[on] = pres.losses(idx[on].tolist())
    out[~on] = pres.gains(idx[~on])
    return np.rint(out).astype(np.int64)


# ------------------------------------------------------------------ constructive heuristic


class RouteState:
    """One squad's route with its earliest schedule: is it feasible? (The search itself runs
    compiled, :mod:`planner.routing._kernel`; this is for the exact checks in Python.)"""

    __slots__ = ("arr", "close", "dwell", "end", "k", "nodes", "opn", "start", "t", "wait")

    def __init__(self, problem: NightProblem, k: int) -> None:
        self.k = k
        self.t = problem.travel(k)
        self.opn = problem.open_s
        self.close = problem.latest_start_s
        self.dwell = problem.dwell_s
        self.end = int(problem.shift_end_s[k])
        self.nodes = [int(problem.start_node[k]), int(problem.end_node[k])]
        self.start = int(problem.shift_start_s[k])
        self.recompute()

    def recompute(self) -> None:
        # the recurrences are sequential: plain Python ints, numpy only to gather the inputs
        idx = np.asarray(self.nodes, dtype=np.int64)
        m = len(idx)
        legs = self.t[idx[:-1], idx[1:]].tolist()
        opn = self.opn[idx].tolist()
        dwell = self.dwell[idx].tolist()
        arr = [self.start] * m
        st = [self.start] * m
        dep = [self.start] * m
        for i in range(1, m - 1):
            arr[i] = dep[i - 1] + legs[i - 1]
            st[i] = arr[i] if arr[i] >= opn[i] else opn[i]
            dep[i] = st[i] + dwell[i]
        arr[m - 1] = st[m - 1] = dep[m - 2] + legs[m - 2]
        self.arr = np.array(arr, dtype=np.int64)
        self.wait = np.array([x - y for x, y in zip(st, arr, strict=True)], dtype=np.int64)

    def feasible(self) -> bool:
        """Every visit starts within its window and the squad is back by its shift end."""
        inner = np.asarray(self.nodes[1:-1], dtype=np.int64)
        st = self.arr[1:-1] + self.wait[1:-1]
        return bool(self.arr[-1] <= self.end and (st <= self.close[inner]).all())


def greedy_routes(
    problem: NightProblem,
    *,
    seed: int = 0,
    alpha: float = 1.0,
    noise: float = 0.0,
) -> list[list[int]]:
    """A first solution by greedy insertion, as node lists (without the depots) per squad.

    Must-visit venues first (least time used first), then repeatedly the venue and squad with
    the best ``penalty**alpha / time used`` whose insertion is feasible (windows, shift, area,
    ``max_stops``, ``max_per_desa``) and pays for its added travel. ``noise`` (with ``seed``)
    perturbs the ratios by up to that fraction, for diversified restarts.
    """
    return _greedy(problem, _kernel.night_arrays(problem), seed=seed, alpha=alpha, noise=noise)


def _greedy(
    problem: NightProblem, night: _kernel.Night, *, seed: int, alpha: float, noise: float
) -> list[list[int]]:
    """:func:`greedy_routes` on the compiled arrays of ``problem`` (built once per restarts)."""
    k_n = problem.n_squads
    if problem.n_nodes == problem.n_depots or k_n == 0:
        return [[] for _ in range(k_n)]
    jitter = 1.0 + noise * np.random.default_rng(seed).random(problem.n_nodes)
    return _kernel.greedy(night, jitter, alpha)


def anchored_greedy(
    problem: NightProblem, avoid: Sequence[Sequence[int]], *, seed: int
) -> list[list[int]]:
    """A greedy insertion (noise 0.3, ``alpha`` drawn from 1, 1.5, 2) from routes that each
    begin with one venue drawn at random among those ``avoid``'s routes leave out and its
    squad can visit alone: a start elsewhere on the map than ``avoid`` (deterministic for a
    given ``seed``). Ruin and recreate restarts from these (planner/routing/lns.py)."""
    if problem.n_nodes == problem.n_depots or problem.n_squads == 0:
        return [[] for _ in range(problem.n_squads)]
    _, jitter, alpha = _restart_draws(problem, seed)
    night = _kernel.night_arrays(problem)
    return _kernel.greedy(night, jitter, alpha, anchor_from=[list(r) for r in avoid], seed=seed)


def _restart_draws(
    problem: NightProblem, seed: int
) -> tuple[np.random.Generator, np.ndarray, float]:
    """A restart's greedy draws: its generator, the ratios' noise (0.3) and ``alpha`` (1, 1.5
    or 2), in that order from ``seed``."""
    rng = np.random.default_rng(seed)
    jitter = 1.0 + 0.3 * rng.random(problem.n_nodes)
    alpha = (1.0, 1.5, 2.0)[int(rng.integers(3))]
    return rng, jitter, alpha


def kicked_greedy(
    problem: NightProblem, best: Sequence[Sequence[int]], *, seed: int
) -> list[list[int]]:
    """``best`` with a random run of 30-60 % of each route's visits cut out, refilled by a
    greedy insertion (noise 0.3, ``alpha`` drawn from 1, 1.5, 2)."""
    if problem.n_nodes == problem.n_depots or problem.n_squads == 0:
        return [[] for _ in range(problem.n_squads)]
    rng, jitter, alpha = _restart_draws(problem, seed)
    kept = []
    for route in best:
        n = len(route)
        cut = int(np.ceil(rng.uniform(0.3, 0.6) * n))
        at = int(rng.integers(0, n - cut + 1)) if n else 0
        kept.append([int(v) for v in route[:at]] + [int(v) for v in route[at + cut :]])
    night = _kernel.night_arrays(problem)
    return _kernel.greedy(night, jitter, alpha, seed=seed, start=kept)


def multistart_greedy(
    problem: NightProblem,
    *,
    seed: int = 0,
    starts: int = 90,
    time_budget_s: float | None = None,
) -> tuple[list[list[int]], int]:
    """The best of several greedy insertions (cheapest objective), and how many ran.

    Start ``i`` uses ``alpha`` from (1, 1.5, 2) in turn and, after the first three, noise 0.3
    seeded by ``(seed, i)``: deterministic for a given ``starts`` (``time_budget_s`` may stop
    it earlier, which is not reproducible; the reproducible mode passes None). Measured on
    the TOPTW benchmark: 90 starts raise the first solution by 5-10 % of score over a single
    greedy, more than guided local search adds in the same time.
    """
    t0 = time.perf_counter()
    best: tuple[int, list[list[int]]] | None = None
    done = 0
    night = _kernel.night_arrays(problem)
    for i in range(max(1, starts)):
        alpha = (1.0, 1.5, 2.0)[i % 3]
        noise = 0.0 if i < 3 else 0.3
        routes = _greedy(problem, night, seed=seed * 100_003 + i, alpha=alpha, noise=noise)
        cost = plan_cost(problem, routes)
        done += 1
        if best is None or cost < best[0]:
            best = (cost, routes)
        if time_budget_s is not None and time.perf_counter() - t0 > time_budget_s:
            break
    assert best is not None
    return best[1], done


def plan_cost(problem: NightProblem, node_routes: Sequence[Sequence[int]]) -> int:
    """Objective of node routes: travel seconds plus the penalty units the visits do not
    collect under the presence curve (without the curve: the penalties of unvisited venues)."""
    travel = 0
    visited: set[int] = set()
    for k, nodes in enumerate(node_routes):
        travel += _route_travel(
            problem, k, [int(problem.start_node[k]), *nodes, int(problem.end_node[k])]
        )
        visited.update(nodes)
    return travel + _uncollected(problem, sorted(visited))


def _uncollected(problem: NightProblem, visited: Sequence[int] | np.ndarray) -> int:
    """Penalty units not collected: all venues' penalties minus the curve's value of
    ``visited`` (the plain sum of the unvisited penalties when the curve is off)."""
    pen = problem.penalty
    if problem.desa_decay >= 1.0:
        mask = np.ones(problem.n_nodes, dtype=bool)
        mask[: problem.n_depots] = False
        mask[list(visited)] = False
        return int(pen[mask].sum())
    total = float(pen[problem.n_depots :].sum())
    if len(visited) == 0:
        return round(total)
    got = float((pen[list(visited)] * curve_weights(problem, visited)).sum())
    return round(total - got)


def cost_key(problem: NightProblem, node_routes: Sequence[Sequence[int]]) -> tuple[int, int]:
    """Lexicographic objective: unmet must-visits first, then :func:`plan_cost`.

    Searches compare plans by this key, so a plan that serves one more must-visit venue wins
    whatever it costs in driving.
    """
    visited = {v for r in node_routes for v in r}
    unmet = sum(1 for v in np.flatnonzero(problem.must_visit) if v not in visited)
    return unmet, plan_cost(problem, node_routes)


def _route_travel(problem: NightProblem, k: int, nodes: Sequence[int]) -> int:
    if len(nodes) <= 2:
        return 0
    seq = np.asarray(nodes)
    return int(problem.travel(k)[seq[:-1], seq[1:]].sum())


class _Neighbours:
    """Per node, the ``size`` venues nearest to it (fastest profile, both directions), each
    row computed when first asked for (``near[v]``) and kept.

    A search asks for the rows of the nodes it touches: a few hundred visits and their
    surroundings, not every node. Computing all rows up front cost O(n²) before the clock of
    the phase started — about 9 s at 10,000 venues, after the time limit in the swap descent.
    """

    __slots__ = ("_done", "_out", "_problem", "_venues", "size")

    def __init__(self, problem: NightProblem, size: int) -> None:
        self._problem = problem
        self._venues = np.arange(problem.n_depots, problem.n_nodes)
        self.size = min(size, len(self._venues))
        self._out = np.empty((problem.n_nodes, self.size), dtype=np.int64)
        self._done = np.zeros(problem.n_nodes, dtype=bool)

    def __getitem__(self, v: int) -> np.ndarray:
        if not self._done[v]:
            venues, travel = self._venues, self._problem.travel_s
            there = travel[:, v, venues].min(axis=0)
            back = travel[:, venues, v].min(axis=0)
            sym = (there + back).astype(np.float64)
            sym[venues == v] = np.inf  # not itself
            part = np.argpartition(sym, self.size - 1)[: self.size]
            order = sym[part].argsort(kind="stable")
            self._out[v] = venues[part[order]]
            self._done[v] = True
        return self._out[v]


class Stall:
    """The convergence rule of the search phases (``stopped = "converged"`` in the stats).

    A phase has converged when its best plan has not improved for ``max(min_steps, share ×
    steps)`` of its steps and, on the clock, also for ``max(min_s, share × elapsed)`` seconds,
    ``elapsed`` counted from ``t0`` (the search's start). In reproducible mode (``clock``
    False) only steps count, so where a run stops does not depend on the machine's speed.
    ``min_steps`` scales with the instance (the caller's rule, e.g. per venue).
    """

    __slots__ = ("clock", "last_step", "last_t", "min_s", "min_steps", "share", "t0")

    def __init__(
        self,
        *,
        min_steps: int,
        clock: bool,
        share: float = 0.5,
        min_s: float = 2.0,
        t0: float | None = None,
    ) -> None:
        now = time.perf_counter()
        self.min_steps = int(min_steps)
        self.clock = clock
        self.share = float(share)
        self.min_s = float(min_s)
        self.t0 = now if t0 is None else float(t0)
        self.last_step = 0
        self.last_t = now

    def improved(self, step: int) -> None:
        """The best plan improved at ``step``."""
        self.last_step = step
        self.last_t = time.perf_counter()

    def converged(self, step: int) -> bool:
        """Whether the phase should stop at ``step`` (steps counted from 0 at its start)."""
        if step - self.last_step < max(self.min_steps, self.share * step):
            return False
        if not self.clock:
            return True
        now = time.perf_counter()
        return now - self.last_t >= max(self.min_s, self.share * (now - self.t0))


_RR_HOT = 1 / 3
"""Starting temperature of the annealing, as a share of the mean venue penalty."""
_RR_COLD = 1 / 30
"""Final temperature as a share of the starting one."""
_RR_CHUNK = 50
"""Steps per chunk under an iteration budget (the stall rule is looked at between chunks)."""
_RR_CHUNK_S = 0.002
_RR_CHUNK_MAX = 4096
"""On the clock: chunks of about 2 ms, at most this many steps."""
_RR_REHEAT_PER_VENUE = 0.25
"""On the clock, a cooled annealing that has not improved its best for this many steps per
venue starts a new cycle, hot again, from the best plan (issue 18). Seven hard held-out
Cordeau cases (pr15/16/19/20 m=2, pr13/17 m=4, pr11 m=1), 10 s, sum of scores, 4 runs each
(2 of them interleaved case by case), shared machine: no reheat 7066 / 7017 / 7051 / 7022
(mean 7039), reheat after 0.25 steps per venue 7204 / 7028 / 7130 / 7051 (7103, kept, ahead
in every pairing), after 1 step per venue 7123 / 7067. Not kept: the same with strings up to
half a route 7094 / 7084 / 7145 (equal), cycles of half the steps 7008, up to 3 strings over
the routes on few routes 7045, a starting temperature half as high 7005. pr11 m=1 stays at
335 in every variant."""


class _Visits:
    """Routes (as :class:`RouteState`) and what goes with them, for :func:`swap_descent`.

    ``unrouted`` (node mask), ``route_of`` (the squad of each visited node, else -1),
    ``travel`` (seconds per route) and ``presence`` always describe ``routes``.
    """

    def __init__(self, problem: NightProblem, node_routes: Sequence[Sequence[int]]) -> None:
        self.problem = problem
        self.routes = [RouteState(problem, k) for k in range(problem.n_squads)]
        self.unrouted = np.zeros(problem.n_nodes, dtype=bool)
        self.unrouted[problem.venue_nodes] = True
        self.route_of = np.full(problem.n_nodes, -1, dtype=np.int64)
        for k, nodes in enumerate(node_routes):
            if nodes:
                self.routes[k].nodes[1:1] = nodes
                self.routes[k].recompute()
            self.unrouted[nodes] = False
            self.route_of[nodes] = k
        self.travel = [_route_travel(problem, k, r.nodes) for k, r in enumerate(self.routes)]
        self.presence = Presence(problem, np.flatnonzero(self.route_of >= 0).tolist())

    def node_routes(self) -> list[list[int]]:
        return [r.nodes[1:-1] for r in self.routes]


def ruin_recreate(
    problem: NightProblem,
    node_routes: Sequence[Sequence[int]],
    *,
    seed: int = 0,
    time_limit_s: float | None = None,
    iterations: int | None = None,
    horizon: int | None = None,
    stall: Stall | None = None,
    stats: dict[str, float | int | str] | None = None,
) -> list[list[int]]:
    """Improve node routes by ruin and recreate under simulated annealing; the best is returned.

    Each step removes strings of visits around a random venue from the routes that pass near
    it (the SISR ruin of Christiaens & Vanden Berghe, 2020, without the must-visit venues),
    then refills from the removed venues and the unvisited venues near them: half the time
    greedily by randomised ratios, half the time one venue at a time in a random order (the
    steps are compiled: :mod:`planner.routing._kernel`). A worse plan
    is accepted under a temperature that cools from a third of a mean venue penalty to a
    thirtieth of that; the best plan seen is returned.
    The annealing has cooled after ``horizon`` steps (default ``iterations``) or at
    ``time_limit_s``, whichever comes first: on the clock, a night that takes its steps fast
    cools in ``horizon`` steps, as in reproducible mode, instead of over the whole time limit.
    On the clock (``iterations`` None), a cooled annealing whose best has not improved for
    ``_RR_REHEAT_PER_VENUE`` steps per venue is reheated: a new cycle starts from the best
    plan, as hot as the first, and cools within ``horizon`` steps or by ``time_limit_s``
    (``stats["rr_cycles"]`` counts the cycles). Stops after ``iterations`` steps
    (reproducible: one cycle) or at ``time_limit_s``, whichever first, or, once the first
    cycle has cooled (also while a later one is hot), when ``stall`` says the search has
    converged (``stats["rr_stopped"]``: ``"converged"``, ``"time_limit"`` or ``"budget"``;
    ``rr_last_improvement_s``: seconds into the run when the best last improved). The clock,
    the stall rule and the reheat are looked at between chunks of steps: chunks of
    ``_RR_CHUNK`` steps under an iteration budget (so the run does not depend on the
    machine's speed), of about ``_RR_CHUNK_S`` seconds on the clock.
    """
    venues = problem.venue_nodes
    out = [list(map(int, r)) for r in node_routes]
    if problem.n_squads == 0 or len(venues) < 2 or (iterations is None and time_limit_s is None):
        return out
    search = _kernel.Annealing(problem, out, seed)
    t_hot = max(1.0, float(problem.penalty[venues].mean()) * _RR_HOT)
    t_cold = t_hot * _RR_COLD
    t0 = t_best = time.perf_counter()
    # the current cooling cycle: its first step, its start (seconds into the run) and the
    # step at which it had cooled (None: still cooling)
    cycle_step, cycle_t, cooled_step = 0, 0.0, None
    cycles = 1
    reheat_after = _RR_REHEAT_PER_VENUE * len(venues)
    stopped = "budget"
    chunk = _RR_CHUNK
    cool_at = horizon if horizon is not None else iterations
    while True:
        step = int(search.stats[0])
        if iterations is not None and step >= iterations:
            break
        progress = (step - cycle_step) / cool_at if cool_at else 0.0
        floor = 0.0
        if time_limit_s is not None:
            elapsed = time.perf_counter() - t0
            if elapsed >= time_limit_s:
                stopped = "time_limit"
                break
            floor = (elapsed - cycle_t) / (time_limit_s - cycle_t)
            progress = max(progress, floor)
        # the converge stop as before reheating: from the first time the annealing cooled
        if (progress >= 1.0 or cycles > 1) and stall is not None and stall.converged(step):
            stopped = "converged"
            break
        if progress >= 1.0:
            if cooled_step is None:
                cooled_step = step
            best_step = int(search.stats[2])
            if iterations is None and step - max(cooled_step, best_step) >= reheat_after:
                # cooled and stuck: heat up again from the best plan, for a new cycle that
                # cools within ``horizon`` steps or by the time limit
                search.restart()
                cycle_step, cycle_t, cooled_step = step, time.perf_counter() - t0, None
                cycles += 1
                continue
        count = chunk if iterations is None else min(chunk, iterations - step)
        t_chunk = time.perf_counter()
        improved = search.steps(
            count,
            cycle_step=cycle_step,
            cool_at=cool_at or 0,
            floor=floor,
            hot=t_hot,
            cold=t_cold,
        )
        now = time.perf_counter()
        if improved:
            t_best = now
            if stall is not None:
                stall.improved(int(search.stats[2]))
        if iterations is None:
            took = max(now - t_chunk, 1e-6)
            chunk = max(1, min(_RR_CHUNK_MAX, int(count * _RR_CHUNK_S / took)))
    best = search.best()
    if stats is not None:
        stats["rr_iterations"] = int(search.stats[0])
        stats["rr_accepted"] = int(search.stats[1])
        stats["rr_s"] = round(time.perf_counter() - t0, 3)
        stats["rr_stopped"] = stopped
        stats["rr_last_improvement_s"] = round(t_best - t0, 3)
        stats["rr_cycles"] = cycles
    # the search counts the curve in floating point: the exact objective has the last word
    return best if cost_key(problem, best) <= cost_key(problem, out) else out


def swap_descent(
    problem: NightProblem,
    node_routes: Sequence[Sequence[int]],
    *,
    passes: int = 3,
    time_limit_s: float | None = None,
    stats: dict[str, float | int] | None = None,
) -> list[list[int]]:
    """Exact first-improvement descent on the presence curve: replace one visit by an
    unvisited venue at the same place in the route (its 20 nearest, or of its own desa), or
    leave it out, whenever the exact objective (:func:`plan_cost`) falls.

    The moves OR-Tools misses under the linearised curve: trading a desa's visit for another
    of the same desa changes both venues' ranks at once. Must-visit venues stay; windows,
    shift, jurisdiction and ``max_per_desa`` are kept (``max_stops`` cannot be broken by a
    replacement or a removal). At most ``passes`` passes over the visits, or ``time_limit_s``.
    """
    out = [list(map(int, r)) for r in node_routes]
    venues = problem.venue_nodes
    if problem.n_squads == 0 or len(venues) < 2:
        return out
    t0 = time.perf_counter()
    near = _Neighbours(problem, min(20, len(venues) - 1))
    state = _Visits(problem, out)
    scratch = [RouteState(problem, k) for k in range(problem.n_squads)]
    cap = problem.max_per_desa
    count = np.bincount(
        problem.desa_group[np.flatnonzero(state.route_of >= 0)], minlength=len(problem.desa_codes)
    )
    moves = 0
    for _ in range(passes):
        improved = False
        for k, route in enumerate(state.routes):
            i = 1
            while i < len(route.nodes) - 1:
                if time_limit_s is not None and time.perf_counter() - t0 > time_limit_s:
                    break
                v = route.nodes[i]
                best = _best_swap(problem, state, scratch[k], k, i, near, count, cap)
                if best is not None:
                    u, nodes, travel = best
                    state.presence.remove(v)
                    state.route_of[v] = -1
                    state.unrouted[v] = True
                    count[problem.desa_group[v]] -= 1
                    if u is not None:
                        state.presence.add(u)
                        state.route_of[u] = k
                        state.unrouted[u] = False
                        count[problem.desa_group[u]] += 1
                    route.nodes = nodes
                    route.recompute()
                    state.travel[k] = travel
                    improved = True
                    moves += 1
                    if u is None:
                        continue  # the next visit moved into position i
                i += 1
        if not improved:
            break
    if stats is not None:
        stats["swap_moves"] = moves
        stats["swap_s"] = round(time.perf_counter() - t0, 3)
    return state.node_routes()


def _best_swap(
    problem: NightProblem,
    state: _Visits,
    scratch: RouteState,
    k: int,
    i: int,
    near: _Neighbours,
    count: np.ndarray,
    cap: int | None,
) -> tuple[int | None, list[int], int] | None:
    """The best exact improvement at visit ``i`` of route ``k``: ``(venue or None for a
    removal, the new nodes, the new travel)``, or None."""
    route = state.routes[k]
    v = route.nodes[i]
    if problem.must_visit[v]:
        return None
    g = int(problem.desa_group[v])
    same = np.flatnonzero((problem.desa_group == g) & state.unrouted & problem.allowed[k])
    pool = np.union1d(near[v], same)
    pool = pool[state.unrouted[pool] & problem.allowed[k, pool]]
    if cap is not None:
        groups = problem.desa_group[pool]
        pool = pool[(groups == g) | (count[groups] < cap)]
    pres = state.presence
    pres.remove(v)
    lost = float(pres.gains(np.asarray([v]))[0])
    gains = pres.gains(pool) if len(pool) else np.zeros(0)
    pres.add(v)
    t = route.t
    before = state.travel[k]
    a, b = route.nodes[i - 1], route.nodes[i + 1]
    best: tuple[float, int | None, list[int], int] | None = None
    without = route.nodes[:i] + route.nodes[i + 1 :]
    travel = before - int(t[a, v]) - int(t[v, b]) + int(t[a, b])
    if travel - before + lost < -0.5:
        best = (travel - before + lost, None, without, travel)
    order = np.argsort(-(gains - t[a, pool] - t[pool, b]), kind="stable")
    for j in order.tolist():
        u = int(pool[j])
        travel = before - int(t[a, v]) - int(t[v, b]) + int(t[a, u]) + int(t[u, b])
        delta = travel - before - (float(gains[j]) - lost)
        if delta >= -0.5 or (best is not None and delta >= best[0]):
            continue
        nodes = [*route.nodes[:i], u, *route.nodes[i + 1 :]]
        scratch.nodes = nodes
        scratch.recompute()
        if scratch.feasible():
            best = (delta, u, nodes, travel)
    return None if best is None else best[1:]


__all__ = [
    "Presence",
    "RouteState",
    "Stall",
    "anchored_greedy",
    "cost_key",
    "greedy_routes",
    "linear_penalties",
    "multistart_greedy",
    "plan_cost",
    "ruin_recreate",
    "swap_descent",
]
