"""The compiled core of the heuristics: greedy insertion and ruin-and-recreate steps (numba).

Compiled by :func:`planner._compiled.jit` (the one module importing numba).
:mod:`planner.routing.heuristics` keeps the algorithms' rules, budgets and clocks; this module
runs their inner loops in machine code:

* :func:`greedy` — one greedy insertion over every venue (:func:`_fill`), optionally from
  random anchors (:func:`_anchor`);
* :class:`Annealing` — the state of one ruin-and-recreate search, advanced a chunk of steps
  at a time (:meth:`Annealing.steps`), so that the caller can watch its clock between chunks.

Numba cannot read a clock, so a chunk is a number of steps; the caller sizes chunks to a few
milliseconds. The random numbers come from a xorshift64* generator kept in the state: a run is
a function of its seed and its chunk sizes' sum only, whatever the chunking.

Arrays follow the compiled :class:`~planner.problem.NightProblem` (nodes, depots first); a
route is a row of node numbers with its start and end depots at both ends, with its earliest
schedule beside it (arrival, departure, waiting, and *slack*: how much later than now each node
may be reached, the "max shift" of Vansteenwegen et al. plus the wait).
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from planner._compiled import jit
from planner.problem import NightProblem

_NEVER = np.iinfo(np.int64).max

MAX_STRING = 10
"""Longest string of visits one ruin cuts from a route."""
AVG_REMOVED = 10
"""Visits one ruin removes on average (uniform on 1 .. 2 × this − 1)."""
CAND_FROM = 100
CAND_NEAR = 20
"""The refill considers the ``CAND_NEAR`` venues nearest to each removed venue (to at most
``CAND_FROM`` of them), besides the removed ones and the neighbours of the ruin's seed."""
SEQUENTIAL = 0.5
"""Share of the refills that insert the candidates one at a time in a random order
(:func:`_seq_fill`); the others rank them all by value (:func:`_fill`)."""
NEAR = 40
"""Neighbours kept per venue (fastest profile, both directions)."""


class Night(NamedTuple):
    """The problem's arrays as the compiled functions read them (never written)."""

    travel: np.ndarray  # profiles × n × n int32 seconds
    prof: np.ndarray  # per squad: its profile
    opn: np.ndarray  # per node: earliest start, latest start, dwell (int64 seconds)
    close: np.ndarray
    dwell: np.ndarray
    start_s: np.ndarray  # per squad: shift start and end, start and end depot
    end_s: np.ndarray
    snode: np.ndarray
    enode: np.ndarray
    pen: np.ndarray  # per node: penalty (float64)
    must: np.ndarray  # per node: must-visit
    allowed: np.ndarray  # squads × nodes
    grp: np.ndarray  # per node: presence group 0 .. G-1 (desa, "no desa" one group too)
    capgrp: np.ndarray  # per node: its desa for ``max_per_desa`` (-1: none)
    wpow: np.ndarray  # decay ** j, j = 0 .. width
    n_depots: int
    cap: int  # max_per_desa, -1: none
    max_stops: int  # -1: none
    decay: float
    width: int  # route row length (nodes + both depots) no feasible route exceeds
    group_width: int  # visits one presence group can hold
    biggest_group: int  # venues of the largest presence group


class State(NamedTuple):
    """Routes, their schedules and what goes with them, kept in step (written in place)."""

    nodes: np.ndarray  # squads × width
    lens: np.ndarray  # nodes per row, both depots included
    arr: np.ndarray
    dep: np.ndarray
    wait: np.ndarray
    slack: np.ndarray
    travel: np.ndarray  # per route, seconds
    route_of: np.ndarray  # per node: its squad, -1: not planned
    unrouted: np.ndarray  # per node: a venue not planned
    desa_count: np.ndarray  # visits per desa (max_per_desa)
    vis: np.ndarray  # per presence group: its planned penalties, descending
    vcnt: np.ndarray
    unc: np.ndarray  # [0]: penalty units not collected (the curve's, exact marginals)
    near: np.ndarray  # per node: its NEAR nearest venues (rows filled when first needed)
    near_done: np.ndarray
    rng: np.ndarray  # [0]: the generator's state


def night_arrays(problem: NightProblem) -> Night:
    """:class:`Night` of ``problem`` (travel and jurisdictions as views, no copies)."""
    n = problem.n_nodes
    k_n = problem.n_squads
    nd = problem.n_depots
    venues = n - nd
    shift = int((problem.shift_end_s - problem.shift_start_s).max()) if k_n else 0
    dwell = problem.dwell_s[nd:]
    stops = venues
    if venues and int(dwell.min()) > 0:
        stops = min(stops, max(0, shift) // int(dwell.min()) + 1)
    if problem.max_stops is not None:
        stops = min(stops, int(problem.max_stops))
    groups = np.asarray(problem.desa_group, dtype=np.int64)
    grp = np.unique(groups, return_inverse=True)[1]
    biggest = int(np.bincount(grp[nd:]).max()) if venues else 0
    decay = float(problem.desa_decay)
    return Night(
        travel=np.asarray(problem.travel_s),
        prof=np.array(problem.squad_profile, dtype=np.int64),
        opn=np.array(problem.open_s, dtype=np.int64),
        close=np.array(problem.latest_start_s, dtype=np.int64),
        dwell=np.array(problem.dwell_s, dtype=np.int64),
        start_s=np.array(problem.shift_start_s, dtype=np.int64),
        end_s=np.array(problem.shift_end_s, dtype=np.int64),
        snode=np.array(problem.start_node, dtype=np.int64),
        enode=np.array(problem.end_node, dtype=np.int64),
        pen=np.array(problem.penalty, dtype=np.float64),
        must=np.array(problem.must_visit, dtype=np.bool_),
        allowed=np.ascontiguousarray(problem.allowed, dtype=np.bool_),
        grp=np.array(grp, dtype=np.int64),
        capgrp=np.array(groups, dtype=np.int64),
        wpow=np.zeros(0),
        n_depots=int(nd),
        cap=-1 if problem.max_per_desa is None else int(problem.max_per_desa),
        max_stops=-1 if problem.max_stops is None else int(problem.max_stops),
        decay=decay,
        width=0,
        group_width=0,
        biggest_group=biggest,
    )._replace(width=int(stops) + 2)


def _sized(night: Night, routes: list[list[int]]) -> Night:
    """``night`` with rows wide enough for ``routes`` too (a route that breaks the shift, given
    to :func:`fits`, is longer than any feasible one) and presence rows to match."""
    width = max([night.width, *(len(r) + 2 for r in routes)])
    group_width = max(1, min(night.biggest_group, len(night.prof) * (width - 2)))
    if width == night.width and group_width == night.group_width:
        return night
    wpow = night.decay ** np.arange(group_width + 1, dtype=np.float64)
    return night._replace(width=width, group_width=group_width, wpow=wpow)


def new_state(night: Night, routes: list[list[int]], seed: int) -> tuple[Night, State]:
    """A :class:`State` holding ``routes`` (node routes, depots left out) and the night sized
    for it (:func:`_sized`), which every compiled call on the state must be given."""
    night = _sized(night, routes)
    n = len(night.opn)
    k_n = len(night.prof)
    w = night.width
    n_groups = int(night.grp.max()) + 1 if n else 1
    n_desa = int(night.capgrp.max()) + 1 if n else 0
    near_w = max(1, min(NEAR, n - night.n_depots - 1))
    state = State(
        nodes=np.zeros((k_n, w), dtype=np.int64),
        lens=np.zeros(k_n, dtype=np.int64),
        arr=np.zeros((k_n, w), dtype=np.int64),
        dep=np.zeros((k_n, w), dtype=np.int64),
        wait=np.zeros((k_n, w), dtype=np.int64),
        slack=np.zeros((k_n, w), dtype=np.int64),
        travel=np.zeros(k_n, dtype=np.int64),
        route_of=np.full(n, -1, dtype=np.int64),
        unrouted=np.zeros(n, dtype=np.bool_),
        desa_count=np.zeros(max(1, n_desa), dtype=np.int64),
        vis=np.zeros((n_groups, night.group_width), dtype=np.float64),
        vcnt=np.zeros(n_groups, dtype=np.int64),
        unc=np.zeros(1, dtype=np.float64),
        near=np.zeros((n, near_w), dtype=np.int64),
        near_done=np.zeros(n, dtype=np.bool_),
        rng=np.array([_seed_state(seed)], dtype=np.uint64),
    )
    rows, lens = _rows(night, routes)
    _load(night, state, rows, lens)
    return night, state


def _rows(night: Night, routes: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    k_n = len(night.prof)
    rows = np.zeros((k_n, night.width), dtype=np.int64)
    lens = np.zeros(k_n, dtype=np.int64)
    for k in range(k_n):
        nodes = [int(night.snode[k]), *map(int, routes[k]), int(night.enode[k])]
        rows[k, : len(nodes)] = nodes
        lens[k] = len(nodes)
    return rows, lens


def _seed_state(seed: int) -> int:
    """splitmix64 of the seed: a non-zero xorshift state."""
    z = (int(seed) + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 31
    return z or 1


def routes_of(state: State) -> list[list[int]]:
    """The node routes of ``state`` (depots left out)."""
    return [state.nodes[k, 1 : state.lens[k] - 1].tolist() for k in range(len(state.lens))]


def cost_of(state: State) -> float:
    """Travel seconds plus the penalty units not collected, as the search counts them."""
    return float(state.travel.sum()) + float(state.unc[0])


def greedy(
    night: Night,
    jitter: np.ndarray,
    alpha: float,
    *,
    anchor_from: list[list[int]] | None = None,
    seed: int = 0,
    start: list[list[int]] | None = None,
) -> list[list[int]]:
    """One greedy insertion of every venue into empty routes (see :func:`_fill`).

    With ``anchor_from`` (node routes), each route first gets one venue those routes leave
    out, drawn at random (``seed``) among those its squad can visit alone (:func:`_anchor`):
    a start in another part of the map than ``anchor_from``'s.
    """
    k_n = len(night.prof)
    night, state = new_state(night, start if start is not None else [[] for _ in range(k_n)], seed)
    if start is not None:  # a route of ``start`` that breaks a rule starts empty
        bad = [k for k in range(k_n) if not _feasible(night, state, k)]
        if bad:
            kept = [[] if k in bad else list(start[k]) for k in range(k_n)]
            night, state = new_state(night, kept, seed)
    log = np.zeros(len(night.opn) + 1, dtype=np.int64)
    if anchor_from is not None:
        avoid = np.zeros(len(night.opn), dtype=np.bool_)
        for route in anchor_from:
            avoid[np.asarray(route, dtype=np.int64)] = True
        _anchor(night, state, avoid, log)
    cand = np.flatnonzero(state.unrouted).astype(np.int64)
    _fill(night, state, cand, np.asarray(jitter, dtype=np.float64)[cand], float(alpha), log)
    return routes_of(state)


def fits(problem: NightProblem, routes: list[list[int]]) -> np.ndarray:
    """Per node: a venue ``routes`` leave out that some squad could still take as it is
    (windows, shift, jurisdiction, ``max_stops``, ``max_per_desa``)."""
    night, state = new_state(night_arrays(problem), routes, 0)
    return _fits(night, state)


def warm(problem: NightProblem) -> float:
    """Compile (or load from numba's cache) every compiled function for ``problem``'s array
    types, doing no work; the seconds it took. The search calls this before its clock starts,
    and before it forks its workers, which then inherit the machine code."""
    t0 = time.perf_counter()
    night, state = new_state(night_arrays(problem), [[] for _ in range(problem.n_squads)], 0)
    none = np.zeros(0, dtype=np.int64)
    _fill(night, state, none, np.zeros(0), 1.0, np.zeros(1, dtype=np.int64))
    _anchor(night, state, np.ones(len(night.opn), dtype=np.bool_), np.zeros(1, dtype=np.int64))
    _fits(night, state)
    _steps(
        night,
        state,
        state.nodes.copy(),
        state.lens.copy(),
        np.zeros(2),
        np.zeros(4, dtype=np.int64),
        0,
        0,
        0,
        0.0,
        1.0,
        1.0,
    )
    _load(night, state, state.nodes.copy(), state.lens.copy())
    return time.perf_counter() - t0


class Annealing:
    """One ruin-and-recreate search under simulated annealing, with its best plan.

    ``steps(count, ...)`` runs up to ``count`` steps (see :func:`_steps`); ``restart()``
    continues from the best plan (a reheated cycle); ``best()`` is the best plan's routes.
    """

    def __init__(self, problem: NightProblem, routes: list[list[int]], seed: int) -> None:
        self.night, self.state = new_state(night_arrays(problem), routes, seed)
        self.best_nodes = self.state.nodes.copy()
        self.best_lens = self.state.lens.copy()
        self.cost = cost_of(self.state)
        self.best_cost = self.cost
        self.stats = np.zeros(4, dtype=np.int64)
        """[0] steps, [1] accepted, [2] step of the last new best (0: none yet)."""

    def steps(
        self, count: int, *, cycle_step: int, cool_at: int, floor: float, hot: float, cold: float
    ) -> bool:
        """Up to ``count`` more steps; True if the best plan improved.

        The temperature of step ``s`` (counted from 0) is ``hot × (cold / hot) ** p`` with
        ``p = min(1, max((s - cycle_step) / cool_at, floor))`` (``cool_at`` 0: ``floor``):
        the caller's clock enters only through ``floor``.
        """
        before = self.best_cost
        box = np.array([self.cost, self.best_cost], dtype=np.float64)
        _steps(
            self.night,
            self.state,
            self.best_nodes,
            self.best_lens,
            box,
            self.stats,
            int(count),
            int(cycle_step),
            int(cool_at),
            float(floor),
            float(hot),
            float(cold),
        )
        self.cost, self.best_cost = float(box[0]), float(box[1])
        return self.best_cost < before

    def restart(self) -> None:
        """Back to the best plan (the generator goes on)."""
        _load(self.night, self.state, self.best_nodes.copy(), self.best_lens.copy())
        self.cost = cost_of(self.state)

    def best(self) -> list[list[int]]:
        lens = self.best_lens
        return [self.best_nodes[k, 1 : lens[k] - 1].tolist() for k in range(len(lens))]


# ------------------------------------------------------------------ compiled functions


@jit
def _rand(state: np.ndarray) -> np.uint64:  # pragma: no cover - compiled
    """xorshift64*: the next 64 random bits."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * np.uint64(0x2545F4914F6CDD1D)


@jit
def _uniform(state: np.ndarray) -> float:  # pragma: no cover - compiled
    """A float in [0, 1)."""
    return float(_rand(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@jit
def _below(state: np.ndarray, n: int) -> int:  # pragma: no cover - compiled
    """An int in [0, n)."""
    return np.int64(_rand(state) % np.uint64(n))  # type: ignore[return-value]


@jit
def _recompute(night: Night, st: State, k: int) -> None:  # pragma: no cover - compiled
    """Route ``k``'s earliest schedule, slack and travel from its nodes."""
    t = night.travel[night.prof[k]]
    m = st.lens[k]
    row = st.nodes[k]
    start = night.start_s[k]
    st.arr[k, 0] = start
    st.dep[k, 0] = start
    st.wait[k, 0] = 0
    travel = 0
    for i in range(1, m - 1):
        leg = t[row[i - 1], row[i]]
        travel += leg
        a = st.dep[k, i - 1] + leg
        v = row[i]
        s = a if a >= night.opn[v] else night.opn[v]
        st.arr[k, i] = a
        st.wait[k, i] = s - a
        st.dep[k, i] = s + night.dwell[v]
    leg = t[row[m - 2], row[m - 1]]
    travel += leg
    last = st.dep[k, m - 2] + leg
    st.arr[k, m - 1] = last
    st.dep[k, m - 1] = last
    st.wait[k, m - 1] = 0
    st.slack[k, m - 1] = night.end_s[k] - last
    for i in range(m - 2, 0, -1):
        v = row[i]
        ms = night.close[v] - (st.arr[k, i] + st.wait[k, i])
        if st.slack[k, i + 1] < ms:
            ms = st.slack[k, i + 1]
        st.slack[k, i] = ms + st.wait[k, i]
    st.travel[k] = travel if m > 2 else 0


@jit
def _feasible(night: Night, st: State, k: int) -> bool:  # pragma: no cover - compiled
    """Every visit of route ``k`` starts within its window and it is back by its shift end."""
    m = st.lens[k]
    if st.arr[k, m - 1] > night.end_s[k]:
        return False
    for i in range(1, m - 1):  # noqa: SIM110 - numba compiles loops, not generators
        if st.arr[k, i] + st.wait[k, i] > night.close[st.nodes[k, i]]:
            return False
    return True


@jit
def _insertion(night: Night, st: State, k: int, v: int) -> tuple[int, int, int]:  # pragma: no cover
    """Best position of ``v`` in route ``k``: ``(position or -1, time used, added travel)``.

    Position ``i`` puts ``v`` after the route's ``i``-th node; it starts at ``max(dep_i +
    t(i, v), open_v)`` (feasible up to its latest start) and pushes the next node back by
    ``shift``, feasible when ``shift`` is at most that node's slack; the time used is
    ``max(shift, 1)``, the least wins (ties: the earliest position).
    """
    t = night.travel[night.prof[k]]
    row = st.nodes[k]
    m = st.lens[k]
    best_pos = -1
    best_used = _NEVER
    for i in range(m - 1):
        a = row[i]
        b = row[i + 1]
        s = st.dep[k, i] + t[a, v]
        if s < night.opn[v]:
            s = night.opn[v]
        if s > night.close[v]:
            continue
        shift = s + night.dwell[v] - st.arr[k, i + 1] + t[v, b]
        if shift > st.slack[k, i + 1]:
            continue
        if shift < 1:
            shift = 1
        if shift < best_used:
            best_used = shift
            best_pos = i
    if best_pos < 0:
        return -1, 0, 0
    a = row[best_pos]
    b = row[best_pos + 1]
    return best_pos, best_used, int(t[a, v]) + int(t[v, b]) - int(t[a, b])


@jit
def _gain(night: Night, st: State, v: int) -> float:  # pragma: no cover - compiled
    """Penalty units visiting ``v`` (not planned) would collect under the presence curve.

    Inserted at rank ``r`` among its group's ``m`` planned penalties ``S`` (descending), a
    penalty ``p`` adds ``p w_r - (1 - decay) sum_{j >= r} S_j w_j`` with ``w_j = decay**j``.
    """
    p = night.pen[v]
    if night.decay >= 1.0:
        return p
    g = night.grp[v]
    c = st.vcnt[g]
    r = 0
    while r < c and st.vis[g, r] >= p:
        r += 1
    tail = 0.0
    for j in range(r, c):
        tail += st.vis[g, j] * night.wpow[j]
    return p * night.wpow[r] - (1.0 - night.decay) * tail


@jit
def _present(night: Night, st: State, v: int) -> None:  # pragma: no cover - compiled
    """``v`` is planned: into its group's penalties (descending)."""
    if night.decay >= 1.0:
        return
    g = night.grp[v]
    p = night.pen[v]
    c = st.vcnt[g]
    r = c
    while r > 0 and st.vis[g, r - 1] < p:
        st.vis[g, r] = st.vis[g, r - 1]
        r -= 1
    st.vis[g, r] = p
    st.vcnt[g] = c + 1


@jit
def _absent(night: Night, st: State, v: int) -> None:  # pragma: no cover - compiled
    """``v`` is no longer planned: out of its group's penalties."""
    if night.decay >= 1.0:
        return
    g = night.grp[v]
    p = night.pen[v]
    c = st.vcnt[g]
    r = 0
    while r < c and st.vis[g, r] != p:
        r += 1
    for j in range(r, c - 1):
        st.vis[g, j] = st.vis[g, j + 1]
    st.vcnt[g] = c - 1


@jit
def _plan(night: Night, st: State, v: int, k: int) -> None:  # pragma: no cover - compiled
    """Book-keeping of ``v`` joining route ``k`` (the route's nodes are the caller's)."""
    st.unc[0] -= _gain(night, st, v)
    _present(night, st, v)
    st.unrouted[v] = False
    st.route_of[v] = k
    g = night.capgrp[v]
    if g >= 0:
        st.desa_count[g] += 1


@jit
def _unplan(night: Night, st: State, v: int) -> None:  # pragma: no cover - compiled
    """Book-keeping of ``v`` leaving its route."""
    _absent(night, st, v)
    st.unc[0] += _gain(night, st, v)
    st.unrouted[v] = True
    st.route_of[v] = -1
    g = night.capgrp[v]
    if g >= 0:
        st.desa_count[g] -= 1


@jit
def _load(night: Night, st: State, rows: np.ndarray, lens: np.ndarray) -> None:  # pragma: no cover
    """``st`` holding the routes ``rows`` / ``lens`` and nothing else."""
    n = len(night.opn)
    st.route_of[:] = -1
    st.unrouted[:] = False
    st.unrouted[night.n_depots :] = True
    st.desa_count[:] = 0
    st.vcnt[:] = 0
    total = 0.0
    for v in range(night.n_depots, n):
        total += night.pen[v]
    st.unc[0] = total
    for k in range(len(lens)):
        st.lens[k] = lens[k]
        st.nodes[k, :] = rows[k, :]
        for i in range(1, lens[k] - 1):
            _plan(night, st, rows[k, i], k)
        _recompute(night, st, k)


@jit
def _near(night: Night, st: State, v: int) -> np.ndarray:  # pragma: no cover - compiled
    """The venues nearest to ``v`` (fastest profile there plus back; ties: lower node)."""
    if not st.near_done[v]:
        nd = night.n_depots
        n = len(night.opn)
        sym = np.empty(n - nd, dtype=np.float64)
        for j in range(n - nd):
            u = nd + j
            there = night.travel[0, v, u]
            back = night.travel[0, u, v]
            for p in range(1, night.travel.shape[0]):
                if night.travel[p, v, u] < there:
                    there = night.travel[p, v, u]
                if night.travel[p, u, v] < back:
                    back = night.travel[p, u, v]
            sym[j] = np.inf if u == v else float(there) + float(back)
        order = np.argsort(sym, kind="mergesort")
        width = st.near.shape[1]
        for j in range(width):
            st.near[v, j] = nd + order[j]
        st.near_done[v] = True
    return st.near[v]


@jit
def _fill(
    night: Night,
    st: State,
    cand: np.ndarray,
    jitter: np.ndarray,
    alpha: float,
    log: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Insert candidates greedily until nothing more fits (in place).

    ``cand``: venue nodes, ascending; ``jitter``: a factor per candidate. Must-visit venues
    first (least time used first), then repeatedly the venue and squad with the best
    ``gain**alpha / time used × jitter`` whose insertion is feasible (windows, shift,
    jurisdiction, ``max_stops``, ``max_per_desa``) and pays for its added travel (``gain``:
    what the visit adds under the presence curve given the visits planned so far). Ties: the
    lowest squad, then the lowest node. ``log[0]`` counts the venues placed, ``log[1:]`` lists
    them.
    """
    k_n = len(night.prof)
    c_n = len(cand)
    if c_n == 0 or k_n == 0:
        return
    score = np.full((k_n, c_n), -np.inf)
    pos = np.zeros((k_n, c_n), dtype=np.int64)
    used = np.ones((k_n, c_n), dtype=np.int64)
    added = np.zeros((k_n, c_n), dtype=np.int64)
    ok = np.zeros((k_n, c_n), dtype=np.bool_)
    gain = np.zeros(c_n)
    active = np.zeros(c_n, dtype=np.bool_)
    best_c = np.full(k_n, -1, dtype=np.int64)
    best_v = np.full(k_n, -np.inf)
    for phase in range(2):
        anything = False
        for c in range(c_n):
            v = cand[c]
            a = st.unrouted[v] and (phase == 1 or night.must[v]) and not _desa_full(night, st, v)
            active[c] = a
            anything |= a
        if not anything:
            continue
        for c in range(c_n):
            if active[c]:
                gain[c] = _gain(night, st, cand[c])
        for k in range(k_n):
            _refresh(
                night, st, k, cand, jitter, alpha, phase, active, gain, score, pos, used, added, ok
            )
            _rescan(score, k, best_c, best_v)
        while True:
            kb = 0
            for k in range(1, k_n):
                if best_v[k] > best_v[kb]:
                    kb = k
            if best_v[kb] == -np.inf:
                break
            cb = best_c[kb]
            v = cand[cb]
            _insert(night, st, kb, pos[kb, cb], v, log)
            active[cb] = False
            for k in range(k_n):
                score[k, cb] = -np.inf
            # the columns whose values changed: a desa now full, or (curve) lower gains
            g_cap = night.capgrp[v]
            full = _desa_full(night, st, v)
            curve = night.decay < 1.0 and phase == 1
            g = night.grp[v]
            if full or curve:
                for c in range(c_n):
                    if not active[c]:
                        continue
                    u = cand[c]
                    if full and night.capgrp[u] == g_cap:
                        active[c] = False
                        for k in range(k_n):
                            score[k, c] = -np.inf
                    elif curve and night.grp[u] == g:
                        gain[c] = _gain(night, st, u)
                        for k in range(k_n):
                            if ok[k, c]:
                                score[k, c] = _value(
                                    night,
                                    u,
                                    gain[c],
                                    used[k, c],
                                    added[k, c],
                                    jitter[c],
                                    alpha,
                                    phase,
                                )
            _refresh(
                night, st, kb, cand, jitter, alpha, phase, active, gain, score, pos, used, added, ok
            )
            for k in range(k_n):
                bc = best_c[k]
                if k == kb or bc == cb:
                    _rescan(score, k, best_c, best_v)
                elif bc >= 0 and (full or curve):
                    u = cand[bc]
                    if (full and night.capgrp[u] == g_cap) or (curve and night.grp[u] == g):
                        _rescan(score, k, best_c, best_v)


@jit
def _desa_full(night: Night, st: State, v: int) -> bool:  # pragma: no cover - compiled
    """``v``'s desa has its ``max_per_desa`` visits already."""
    g = night.capgrp[v]
    return night.cap >= 0 and g >= 0 and st.desa_count[g] >= night.cap


@jit
def _room(night: Night, st: State, k: int) -> bool:  # pragma: no cover - compiled
    """Route ``k`` can take one more visit (its row's width, ``max_stops``)."""
    m = st.lens[k]
    return m < night.width and (night.max_stops < 0 or m - 2 < night.max_stops)


@jit
def _insert(
    night: Night, st: State, k: int, p: int, v: int, log: np.ndarray
) -> None:  # pragma: no cover - compiled
    """``v`` into route ``k`` after its ``p``-th node, logged (``log[0]`` counts)."""
    m = st.lens[k]
    for i in range(m, p + 1, -1):
        st.nodes[k, i] = st.nodes[k, i - 1]
    st.nodes[k, p + 1] = v
    st.lens[k] = m + 1
    _recompute(night, st, k)
    _plan(night, st, v, k)
    log[0] += 1
    log[log[0]] = v


@jit
def _anchor(
    night: Night, st: State, avoid: np.ndarray, log: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Into each empty route, one venue drawn at random (the state's generator) among those
    not in ``avoid`` and not planned that its squad can visit alone (windows, shift,
    jurisdiction, ``max_stops``, ``max_per_desa``)."""
    nd = night.n_depots
    n = len(night.opn)
    pool = np.empty(n, dtype=np.int64)
    for k in range(len(st.lens)):
        if st.lens[k] != 2 or not _room(night, st, k):
            continue
        c_n = 0
        for v in range(nd, n):
            if avoid[v] or not st.unrouted[v] or not night.allowed[k, v]:
                continue
            if _desa_full(night, st, v) or _insertion(night, st, k, v)[0] < 0:
                continue
            pool[c_n] = v
            c_n += 1
        if c_n:
            _insert(night, st, k, 0, pool[_below(st.rng, c_n)], log)


@jit
def _seq_fill(
    night: Night, st: State, cand: np.ndarray, jitter: np.ndarray, seed_v: int, log: np.ndarray
) -> None:  # pragma: no cover - compiled
    """The other refill: the candidates one at a time (must-visit venues first), each into
    the squad and position using the least time (:func:`_insertion`) if it fits and pays for
    its added travel, in one of three orders drawn at random: shuffled, by penalty (highest
    first) or by travel from the ruin's seed (nearest first), the last two under ``jitter``.

    The recreate of SISR (Christiaens & Vanden Berghe, 2020) without its blinks. Unlike
    :func:`_fill`, which always takes the best value per time used next, it also builds
    refills no value ranking would, e.g. a run of venues on the far side of the gap.
    """
    c_n = len(cand)
    k_n = len(night.prof)
    key = np.empty(c_n)
    how = _below(st.rng, 3)
    for c in range(c_n):
        v = cand[c]
        if how == 0:
            key[c] = _uniform(st.rng)
        elif how == 1:
            key[c] = -night.pen[v] * jitter[c]
        else:
            key[c] = float(night.travel[0, seed_v, v]) * jitter[c]
    order = np.argsort(key)
    for phase in range(2):
        for j in range(c_n):
            v = cand[order[j]]
            if not st.unrouted[v] or (phase == 0 and not night.must[v]):
                continue
            if _desa_full(night, st, v):
                continue
            gain = _gain(night, st, v)
            kb = -1
            pb = -1
            ub = _NEVER
            for k in range(k_n):
                if not night.allowed[k, v] or not _room(night, st, k):
                    continue
                p, u, a = _insertion(night, st, k, v)
                if p < 0 or not (gain - a >= 0 or night.must[v]):
                    continue
                if u < ub:
                    ub = u
                    kb = k
                    pb = p
            if kb >= 0:
                _insert(night, st, kb, pb, v, log)


@jit
def _value(
    night: Night,
    v: int,
    gain: float,
    used: int,
    added: int,
    jitter: float,
    alpha: float,
    phase: int,
) -> float:  # pragma: no cover - compiled
    if phase == 0:
        return -float(used)
    if not (gain - added >= 0 or night.must[v]):
        return -np.inf
    worth = gain if gain > 0.0 else 0.0
    if alpha != 1.0:
        worth = worth**alpha
    return worth / used * jitter


@jit
def _refresh(
    night: Night,
    st: State,
    k: int,
    cand: np.ndarray,
    jitter: np.ndarray,
    alpha: float,
    phase: int,
    active: np.ndarray,
    gain: np.ndarray,
    score: np.ndarray,
    pos: np.ndarray,
    used: np.ndarray,
    added: np.ndarray,
    ok: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Route ``k``'s row of the fill's tables, from its current schedule."""
    full = not _room(night, st, k)
    for c in range(len(cand)):
        score[k, c] = -np.inf
        ok[k, c] = False
        v = cand[c]
        if full or not active[c] or not night.allowed[k, v]:
            continue
        p, u, a = _insertion(night, st, k, v)
        if p < 0:
            continue
        ok[k, c] = True
        pos[k, c] = p
        used[k, c] = u
        added[k, c] = a
        score[k, c] = _value(night, v, gain[c], u, a, jitter[c], alpha, phase)


@jit
def _rescan(
    score: np.ndarray, k: int, best_c: np.ndarray, best_v: np.ndarray
) -> None:  # pragma: no cover
    bc = -1
    bv = -np.inf
    for c in range(score.shape[1]):
        if score[k, c] > bv:
            bv = score[k, c]
            bc = c
    best_c[k] = bc
    best_v[k] = bv


@jit
def _fits(night: Night, st: State) -> np.ndarray:  # pragma: no cover - compiled
    n = len(night.opn)
    out = np.zeros(n, dtype=np.bool_)
    for v in range(night.n_depots, n):
        if not st.unrouted[v] or _desa_full(night, st, v):
            continue
        for k in range(len(st.lens)):
            if not night.allowed[k, v] or not _room(night, st, k):
                continue
            if _insertion(night, st, k, v)[0] >= 0:
                out[v] = True
                break
    return out


@jit
def _ruin(
    night: Night, st: State, removed: np.ndarray, ruined: np.ndarray
) -> int:  # pragma: no cover
    """Cut strings of visits around venues near a random seed venue, one per route.

    Must-visit venues stay. ``removed[0]`` counts the removed venues (now unrouted) and
    ``removed[1:]`` lists them; ``ruined`` marks the cut routes. Returns the seed venue.
    """
    rng = st.rng
    nd = night.n_depots
    n = len(night.opn)
    k_n = len(st.lens)
    planned = 0
    for k in range(k_n):
        planned += st.lens[k] - 2
    if planned > 0 and _uniform(rng) < 0.9:
        r = _below(rng, planned)
        seed_v = -1
        for k in range(k_n):
            inner = st.lens[k] - 2
            if r < inner:
                seed_v = st.nodes[k, 1 + r]
                break
            r -= inner
    else:
        seed_v = nd + _below(rng, n - nd)
    want = 1 + _below(rng, 2 * AVG_REMOVED - 1)
    near = _near(night, st, seed_v)
    removed[0] = 0
    for j in range(-1, len(near)):
        if removed[0] >= want:
            break
        v = seed_v if j < 0 else near[j]
        k = st.route_of[v]
        if k < 0 or ruined[k]:
            continue
        ruined[k] = True
        inner = st.lens[k] - 2
        longest = MAX_STRING if inner > MAX_STRING else inner
        length = 1 + _below(rng, longest)
        at = 0
        while st.nodes[k, 1 + at] != v:
            at += 1
        lo = at - length + 1 if at - length + 1 > 0 else 0
        hi = at if at < inner - length else inner - length
        first = lo + _below(rng, hi - lo + 1)
        # keep the must-visit venues of the string, close the gap
        out = 1 + first
        cut = 0
        for i in range(1 + first, st.lens[k]):
            u = st.nodes[k, i]
            if i < 1 + first + length and not night.must[u]:
                cut += 1
                removed[0] += 1
                removed[removed[0]] = u
                continue
            st.nodes[k, out] = u
            out += 1
        if cut == 0:
            continue
        st.lens[k] = out
        _recompute(night, st, k)
    for i in range(1, removed[0] + 1):
        _unplan(night, st, removed[i])
    return seed_v


@jit
def _steps(
    night: Night,
    st: State,
    best_nodes: np.ndarray,
    best_lens: np.ndarray,
    box: np.ndarray,
    stats: np.ndarray,
    count: int,
    cycle_step: int,
    cool_at: int,
    floor: float,
    hot: float,
    cold: float,
) -> None:  # pragma: no cover - compiled
    """``count`` ruin-and-recreate steps under simulated annealing (``box``: current and best
    cost; ``stats``: steps, accepted, step of the last new best)."""
    n = len(night.opn)
    k_n = len(st.lens)
    w = night.width
    removed = np.zeros(n + 1, dtype=np.int64)
    log = np.zeros(n + 1, dtype=np.int64)
    ruined = np.zeros(k_n, dtype=np.bool_)
    touched = np.zeros(k_n, dtype=np.bool_)
    mark = np.zeros(n, dtype=np.bool_)
    cand = np.zeros(n, dtype=np.int64)
    snap_nodes = np.zeros((k_n, w), dtype=np.int64)
    snap_lens = np.zeros(k_n, dtype=np.int64)
    rng = st.rng
    for _ in range(count):
        step = stats[0]
        stats[0] += 1
        progress = floor
        if cool_at > 0:
            by_steps = (step - cycle_step) / cool_at
            if by_steps > progress:
                progress = by_steps
        if progress > 1.0:
            progress = 1.0
        temp = hot * (cold / hot) ** progress
        snap_nodes[:, :] = st.nodes
        snap_lens[:] = st.lens
        unc = st.unc[0]
        ruined[:] = False
        seed_v = _ruin(night, st, removed, ruined)
        if removed[0] == 0:
            continue
        good = True
        for k in range(k_n):
            if ruined[k] and not _feasible(night, st, k):
                good = False
        log[0] = 0
        new_cost = 0.0
        if good:
            # the refill: the removed venues, the seed's neighbours, those of the removed
            c_n = 0
            for i in range(1, removed[0] + 1):
                u = removed[i]
                if not mark[u]:
                    mark[u] = True
                    cand[c_n] = u
                    c_n += 1
            near = _near(night, st, seed_v)
            for j in range(len(near)):
                u = near[j]
                if st.unrouted[u] and not mark[u]:
                    mark[u] = True
                    cand[c_n] = u
                    c_n += 1
            every = removed[0] // CAND_FROM if removed[0] >= CAND_FROM else 1
            for i in range(1, removed[0] + 1, every):
                nu = _near(night, st, removed[i])
                top = CAND_NEAR if len(nu) > CAND_NEAR else len(nu)
                for j in range(top):
                    u = nu[j]
                    if st.unrouted[u] and not mark[u]:
                        mark[u] = True
                        cand[c_n] = u
                        c_n += 1
            chosen = np.sort(cand[:c_n])
            for i in range(c_n):
                mark[chosen[i]] = False
            jit = np.empty(c_n)
            for i in range(c_n):
                jit[i] = 1.0 + 0.5 * _uniform(rng)
            alpha = (1.0, 1.5, 2.0)[_below(rng, 3)]
            if _uniform(rng) < SEQUENTIAL:
                _seq_fill(night, st, chosen, jit, seed_v, log)
            else:
                _fill(night, st, chosen, jit, alpha, log)
            new_cost = float(st.travel.sum()) + st.unc[0]
            good = new_cost < box[0] - temp * np.log(1.0 - _uniform(rng))
        if good:
            stats[1] += 1
            box[0] = new_cost
            if new_cost < box[1]:
                box[1] = new_cost
                best_nodes[:, :] = st.nodes
                best_lens[:] = st.lens
                stats[2] = stats[0]
            continue
        # undo: the placed venues out, the removed ones back, the changed routes as before
        for i in range(1, log[0] + 1):
            _absent(night, st, log[i])
            v = log[i]
            st.unrouted[v] = True
            st.route_of[v] = -1
            if night.capgrp[v] >= 0:
                st.desa_count[night.capgrp[v]] -= 1
        touched[:] = ruined
        for k in range(k_n):
            if touched[k] or st.lens[k] != snap_lens[k]:
                touched[k] = True
            else:
                for i in range(st.lens[k]):
                    if st.nodes[k, i] != snap_nodes[k, i]:
                        touched[k] = True
                        break
        for k in range(k_n):
            if touched[k]:
                st.lens[k] = snap_lens[k]
                st.nodes[k, :] = snap_nodes[k, :]
                for i in range(1, snap_lens[k] - 1):
                    st.route_of[snap_nodes[k, i]] = k
                _recompute(night, st, k)
        for i in range(1, removed[0] + 1):
            v = removed[i]
            _present(night, st, v)
            st.unrouted[v] = False
            if night.capgrp[v] >= 0:
                st.desa_count[night.capgrp[v]] += 1
        st.unc[0] = unc


__all__ = ["Annealing", "Night", "State", "fits", "greedy", "night_arrays", "warm"]
