"""Benchmark: the demo night's routing, our OR-Tools solver vs PyVRP on the same problem.

The NightProblem is compiled exactly as ``planner plan`` does (``pipeline.plan_night`` up to
the solve phase, with the matrix cache of ``data/demo/.cache``), then solved back to back, in
the same process and under the same conditions:

* by ``routing.solve`` at the default time limit (``settings.routing.time_limit_s``) or
  ``--time-limit``;
* by PyVRP (``benchmarks/toptw.py``: prize-collecting clients, jurisdiction as one routing
  profile per squad) on the same problem at the same limit.

Both plans are checked with ``planner.check.verify`` (``routing.solve`` returns its plan
unverified). Prints solve time, priority collected
(and share of tonight's total), visits, the objective (travel seconds + penalties) and the
ratio ours / PyVRP, and the objective ratio PyVRP / ours (both objectives by ``plan_cost``,
the presence curve included: what both minimise; with the curve on, PyVRP's prizes cannot
carry it, so its collected priority is higher by design). Targets: solve in at most 30 s
(issue 5), objective ratio at least 1.02 (issue 18). Timings are
wall times on a shared 2-core machine: noisy; PyVRP is single-threaded, our solver may use
both cores (``routing.workers``).

    python benchmarks/bench_demo_night.py [--date 2026-12-01] [--time-limit S] [--repeat N]
        [--problem FILE] [--bound]

``--problem`` solves a problem written by ``planner plan --export-problem`` instead (any
version the reader knows: the compact v4 of issue 18 or the nested lists of v1-v3), e.g. the
export of a 5,000-venue demo (``benchmarks/bench_plan.py --venues 5000 --export-problem``).

``--bound`` also prints a lower bound on the objective (``benchmarks/bound.py``, a Lagrangian of
the shifts: no plan costs less), how far above it each solver's best plan is, and the objective
the 1.02 target asks for, so a target can be read against what is possible at all.
Measured 2026-12-04 (20 s, seed 0, quiet 2-core machine; docs/routing.md): demo night bound
5 472 148, ours 5 656 136, PyVRP 5 810 723 (PyVRP / ours 1.0273); 5,000-venue export bound
22 365 557, ours 22 598 351, PyVRP 22 933 348 (1.0148; 1.02 needs 22 483 675).

Measured 2026-11-28 (20 s, seeds 0-2): priority 2087.4 / 2092.0 / 2089.5 vs PyVRP 2075.8 /
2070.8 / 2074.1, mean ratio 1.0078, solve 20.0-20.1 s; objective 4 752 318 - 4 754 027 vs
PyVRP's 4 762 949 - 4 764 321 (earlier runs with the narrower refill: 1.0066-1.0070).
Before ruin and recreate (LNS of OR-Tools parts only): 2068.2 / 2054.7 / 2062.0, ratio 0.9948
(first pass of issue 5: 0.982).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bound import objective_bound
from toptw import score_of, solve_pyvrp

from planner import pipeline
from planner.check import verify
from planner.config import Settings
from planner.domain import Night
from planner.planfile import problem_from_json
from planner.problem import NightProblem, SolveResult
from planner.routing import plan_cost, plan_from_routes, solve

REPO = Path(__file__).resolve().parents[1]


def demo_problem(date: str, dataset: Path = REPO / "data" / "demo") -> tuple[NightProblem, object]:
    """Tonight's compiled problem and settings, built by the pipeline's own steps."""
    box: dict[str, NightProblem] = {}

    def capture(problem: NightProblem, settings: object) -> SolveResult:
        box["problem"] = problem
        empty: list[list[int]] = [[] for _ in range(problem.n_squads)]
        return SolveResult(
            "feasible", plan_cost(problem, empty), 0.0, plan_from_routes(problem, empty), {}
        )

    res = pipeline.plan_night(dataset, Night.parse(date), draw_legs=False, solver=capture)
    return box["problem"], res.settings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--date", default="2026-12-01")
    ap.add_argument("--time-limit", type=float, default=None, help="default: planner.toml")
    ap.add_argument("--repeat", type=int, default=1, help="seeds 0..N-1 for both solvers")
    ap.add_argument("--no-pyvrp", action="store_true")
    ap.add_argument("--problem", type=Path, default=None, help="an --export-problem file")
    ap.add_argument(
        "--bound", action="store_true", help="also print a lower bound on the objective (bound.py)"
    )
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    settings: object
    if args.problem is not None:
        doc = json.loads(args.problem.read_text(encoding="utf-8"))
        problem, settings = problem_from_json(doc, file=args.problem.name), Settings()
        print(
            f"{args.problem}: format v{doc['version']}, {args.problem.stat().st_size / 2**20:.1f} MB"
        )
    else:
        problem, settings = demo_problem(args.date)
    limit = float(args.time_limit or settings.routing.time_limit_s)  # type: ignore[attr-defined]
    print(
        f"demo night {args.date}: {len(problem.venue_nodes)} candidate venues, "
        f"{problem.n_squads} squads, total priority {problem.total_priority:.1f} "
        f"(compiled in {time.perf_counter() - t0:.1f} s); time limit {limit:g} s"
    )
    print(
        f"{'seed':>4} {'ours s':>7} {'ours prio':>10} {'share':>6} {'visits':>6} "
        f"{'objective':>10} {'pyvrp s':>7} {'pyvrp prio':>10} {'objective':>10} {'ratio':>6} "
        f"{'obj ratio':>9}"
    )
    ratios = []
    obj_ratios = []
    times = []
    objectives: dict[str, list[int]] = {"ours": [], "PyVRP": []}
    for seed in range(args.repeat):
        t1 = time.perf_counter()
        res = solve(problem, settings, time_limit_s=limit, seed=seed)  # type: ignore[arg-type]
        ours_s = time.perf_counter() - t1
        bad = verify(res.plan, problem)
        ours = res.plan.collected if not bad else 0.0
        if not bad:
            objectives["ours"].append(res.objective)
        times.append(ours_s)
        line = (
            f"{seed:>4} {ours_s:7.1f} {ours:10.1f} {ours / problem.total_priority:6.3f} "
            f"{res.plan.visits:6d} {res.objective:10d}"
        )
        if not args.no_pyvrp:
            routes, py_s = solve_pyvrp(problem, time_limit_s=limit, seed=seed)
            py_bad = verify(plan_from_routes(problem, routes), problem)
            py = score_of(problem, routes) if not py_bad else 0.0
            ratio = ours / py if py else float("nan")
            ratios.append(ratio)
            py_obj = plan_cost(problem, routes)
            if not py_bad:
                objectives["PyVRP"].append(py_obj)
            # the objective (travel + penalties, the presence curve included) is what both
            # minimise; PyVRP's prizes cannot carry the curve, so its collected priority is
            # higher by design when the curve is on: PyVRP's objective / ours, higher is ours
            obj_ratio = py_obj / res.objective if res.objective and not bad else float("nan")
            obj_ratios.append(obj_ratio)
            line += f" {py_s:7.1f} {py:10.1f} {py_obj:10d} {ratio:6.3f} {obj_ratio:9.4f}"
            if py_bad:
                line += "  PyVRP INFEASIBLE"
        if bad:
            line += "  OURS INFEASIBLE: " + "; ".join(v.detail for v in bad[:3])
        print(line, flush=True)
    ok_time = max(times) <= 30.0
    msg = f"solve time max {max(times):.1f} s (target <= 30 s: {'OK' if ok_time else 'NOT MET'})"
    if ratios:
        mean = statistics.mean(ratios)
        msg += f"; priority ours/PyVRP {mean:.4f}"
        obj = statistics.mean(obj_ratios)
        msg += f"; objective PyVRP/ours {obj:.4f} (issue 18 target >= 1.02: "
        msg += f"{'OK' if obj >= 1.02 else 'NOT MET'})"
    print(msg)
    if args.bound:
        t2 = time.perf_counter()
        low = objective_bound(problem)
        print(
            f"lower bound on the objective {low.objective:,} (empty plan {low.empty:,}; "
            f"{time.perf_counter() - t2:.1f} s): no plan saves more than {low.savings:,.0f}"
        )
        for who, objs in objectives.items():
            if objs:
                best = min(objs)
                print(
                    f"  {who}: best {best:,}, {100 * (best / low.objective - 1):.2f} % above it, "
                    f"saves {(low.empty - best) / low.savings:.1%} of the most possible"
                )
        if objectives["PyVRP"]:
            need = min(objectives["PyVRP"]) / 1.02
            print(f"  PyVRP / ours >= 1.02 needs an objective <= {need:,.0f}")
    print("wall times on a shared 2-core machine: noisy")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
