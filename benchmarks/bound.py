"""A lower bound on a night's objective (``plan_cost``), to tell how far a plan can still improve.

No plan of a :class:`~planner.problem.NightProblem` costs less than :func:`objective_bound`. The
benchmarks print it next to ours and PyVRP's objectives (``bench_demo_night.py --bound``), so a
target such as "1.02 x PyVRP" can be read against what is possible at all.

The relaxation (a Lagrangian of the shifts):

* A route of squad ``k`` visiting the set ``S`` drives at least ``sum(a[k, v] for v in S) + e[k]``
  seconds: every visit is entered by one arc, at least the cheapest arc into ``v`` from a node
  ``k`` may use (or from its start), and the end depot by one more, at least ``e[k]``. Its shift
  therefore holds ``sum(dwell[v] + a[k, v]) <= shift[k] - e[k]``, and the plan pays at least
  ``sum(a[k, v])`` of travel.
* Time windows only remove the venues a squad cannot reach and leave in time; the order of the
  visits, waiting, must-visits and ``max_stops`` are dropped (each only raises the true cost).
* The shift constraints are dualised with ``lam[k] >= 0``: a venue then costs
  ``a[k, v] + lam[k] * (dwell[v] + a[k, v])`` on its cheapest squad, and what is left splits by
  desa. Each desa is solved exactly: the presence curve ranks the chosen venues by prize, so a
  dynamic programme over the venues in that order, by how many are chosen, finds its best set
  (capped at ``max_per_desa``).

Every ``lam`` gives a valid bound; a projected subgradient search keeps the best one. The bound
ignores how the chosen venues connect, so it is loose where a route's venues lie apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.problem import NightProblem

_NO = np.iinfo(np.int64).max // 4  # "this squad cannot visit this venue"


@dataclass(frozen=True)
class Bound:
    """``plan_cost`` of every plan is at least ``objective``; ``savings`` is the most any plan
    saves against the empty plan (whose cost is ``empty``)."""

    objective: int
    savings: float
    empty: int
    lam: np.ndarray


def _arcs(problem: NightProblem) -> tuple[np.ndarray, np.ndarray]:
    """``a[k, v]`` (cheapest arc into venue ``v`` for squad ``k``; ``_NO`` where ``k`` cannot
    visit it in time) and ``room[k]`` (shift length minus the cheapest arc home)."""
    d, n, k_count = problem.n_depots, problem.n_nodes, problem.n_squads
    a = np.full((k_count, n), _NO, dtype=np.int64)
    room = np.zeros(k_count, dtype=np.int64)
    dwell = problem.dwell_s.astype(np.int64)
    for k in range(k_count):
        t = problem.travel_s[problem.squad_profile[k]]
        start, end = int(problem.start_node[k]), int(problem.end_node[k])
        begin, finish = int(problem.shift_start_s[k]), int(problem.shift_end_s[k])
        out = begin + t[start].astype(np.int64)
        ok = problem.allowed[k].copy()
        ok[:d] = False
        ok &= out <= problem.latest_start_s
        ok &= np.maximum(out, problem.open_s) + dwell + t[:, end] <= finish
        cols = np.flatnonzero(ok)
        if len(cols) == 0:
            continue
        sub = t[np.ix_(np.concatenate([[start], cols]), cols)].astype(np.int64)
        sub[1 + np.arange(len(cols)), np.arange(len(cols))] = _NO  # no arc from v to itself
        a[k, cols] = sub.min(axis=0)
        room[k] = finish - begin - int(t[cols, end].min())
    return a, room


def _desa_orders(problem: NightProblem) -> list[np.ndarray]:
    """Per desa, its venues in the curve's rank order (prize high to low, ties by node)."""
    venues = np.asarray(problem.venue_nodes, dtype=np.int64)
    groups = problem.desa_group[venues]
    order = np.lexsort((venues, -problem.prize[venues], groups))
    venues, groups = venues[order], groups[order]
    cuts = np.flatnonzero(np.diff(groups)) + 1
    return np.split(venues, cuts)


def _dual(
    problem: NightProblem,
    a: np.ndarray,
    room: np.ndarray,
    desa: list[np.ndarray],
    lam: np.ndarray,
) -> tuple[float, np.ndarray]:
    """The Lagrangian's value at ``lam`` (a bound on the savings) and its subgradient."""
    dwell = problem.dwell_s.astype(np.float64)
    cost = np.where(a < _NO, a + lam[:, None] * (dwell[None, :] + a), np.inf)
    squad = cost.argmin(axis=0)
    cost = cost[squad, np.arange(problem.n_nodes)]
    pen = problem.penalty.astype(np.float64)
    cap = problem.max_per_desa
    value = float((lam * room).sum())
    used = np.zeros(problem.n_squads)
    for nodes in desa:
        m = len(nodes) if cap is None else min(cap, len(nodes))
        weights = problem.desa_decay ** np.arange(m)
        best = np.full(m + 1, -np.inf)  # best[j]: the best value with j venues chosen so far
        best[0] = 0.0
        took = np.zeros((len(nodes), m + 1), dtype=bool)
        for i, v in enumerate(nodes):
            if not np.isfinite(cost[v]):
                continue
            grown = np.full(m + 1, -np.inf)
            grown[1:] = best[:-1] + pen[v] * weights - cost[v]
            took[i] = grown > best
            best = np.maximum(best, grown)
        j = int(best.argmax())
        value += best[j]
        for i in range(len(nodes) - 1, -1, -1):  # walk back to the chosen venues
            if j > 0 and took[i, j]:
                v = nodes[i]
                used[squad[v]] += dwell[v] + a[squad[v], v]
                j -= 1
    return value, room - used


def objective_bound(problem: NightProblem, *, iterations: int = 400) -> Bound:
    """The best bound of ``iterations`` subgradient steps (see the module's docstring)."""
    a, room = _arcs(problem)
    desa = _desa_orders(problem)
    empty = float(problem.penalty[problem.n_depots :].sum())
    # start from the best common lam (a golden-section search: the dual is convex), then let
    # each squad's lam move on its own
    lo, hi = 0.0, max(empty / max(float(room.sum()), 1.0), 1e-6)

    def common(x: float) -> float:
        return _dual(problem, a, room, desa, np.full(problem.n_squads, x))[0]

    g = (5**0.5 - 1) / 2
    x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
    f1, f2 = common(x1), common(x2)
    for _ in range(24):  # each step keeps one of its two points and evaluates the other
        if f1 <= f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - g * (hi - lo)
            f1 = common(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + g * (hi - lo)
            f2 = common(x2)
    lam = np.full(problem.n_squads, (lo + hi) / 2)
    step = float(lam[0]) / 5
    best, best_lam = np.inf, lam.copy()
    for _ in range(iterations):
        value, grad = _dual(problem, a, room, desa, lam)
        if value < best:
            best, best_lam = value, lam.copy()
        norm = float(np.linalg.norm(grad))
        if norm == 0.0:
            break
        lam = np.maximum(0.0, lam - step * grad / norm)
        step *= 0.985
    savings = max(0.0, min(best, empty))
    # plan_cost rounds what is left uncollected (by at most 0.5): keep the bound below it
    return Bound(int(np.floor(empty - savings - 0.5)), savings, round(empty), best_lam)
