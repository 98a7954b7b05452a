"""TOPTW benchmark: our OR-Tools routing core vs best-known scores and PyVRP, same time limit.

Usage (from the repository root)::

    python benchmarks/bench_toptw.py --time-limit 10                  # default subset
    python benchmarks/bench_toptw.py --all --m 1 2 3 4               # every instance
    python benchmarks/bench_toptw.py --instances c101 pr01 --no-pyvrp --metaheuristic ils

Every answer (ours and PyVRP's) is checked with ``planner.check.verify`` against the integer
problem (Euclidean ×100 rounded up, see toptw.py); an infeasible answer is counted and printed.
Gap = (best known − score) / best known, where best known is the best of bks.csv and of the
reference runs at any time limit (many bks.csv rows are only lower bounds). Timings are wall
times on a shared machine: noisy.

Measured (default subset, m = 2 and 4, 10 s, PyVRP back to back, 2 workers, 2026-11-28):

=============  ===========  ==========  ===============
set            gap ours     gap PyVRP   ours / PyVRP
=============  ===========  ==========  ===============
solomon_100    0.15 %       0.53 %      1.0039
solomon_200    -0.08 %      -0.01 %     1.0007
cordeau        1.02 %       1.12 %      1.0011
all (24)       0.31 %       0.54 %      1.0024
=============  ===========  ==========  ===============

No infeasible answer. Worst: pr02 m=2 700 (best known 715), pr05 m=2 1084 (1103), pr05 m=4
1830 (1859). Two runs before the refill took the 20 venues nearest to every removed one (see
planner/routing/heuristics.py): 0.37 % / 1.0018 and 0.40 % / 1.0015, rc201 m=2 then 1352-1358
of 1376. What moved it: ruin and recreate (planner/routing/heuristics.py) before OR-Tools' guided
local search. Before it (greedy + GLS only): 2.28 % and 0.9826, Cordeau 5.09 %, pr05 m=2 980 vs
PyVRP 1082; guided local search, OR-Tools' own ILS (SISR ruin, even with annealing
acceptance: it stops after 1-2 s), SA and tabu ended in the same local optimum on pr02/pr05;
GLS lambda 0.05-1.0, arc pruning and tighter start windows changed nothing measurable.
Time shares (same subset): greedy 25 % / ruin and recreate 60 % of the rest: 0.48 %, ratio to
the stored PyVRP runs 0.9994; greedy 5 % / 85 %: 0.37 %, 1.0005 (kept).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from toptw import ROOT, read_bks, read_instance, read_reference, score_of, solve_pyvrp, to_problem

from planner.check import verify
from planner.config import Settings
from planner.routing import plan_from_routes, solve

DEFAULT_SUBSET = [
    ("solomon_100", "c101"),
    ("solomon_100", "c105"),
    ("solomon_100", "r101"),
    ("solomon_100", "r105"),
    ("solomon_100", "rc101"),
    ("solomon_100", "rc105"),
    ("solomon_200", "c201"),
    ("solomon_200", "r201"),
    ("solomon_200", "rc201"),
    ("cordeau", "pr01"),
    ("cordeau", "pr02"),
    ("cordeau", "pr05"),
]


def best_known(
    key: tuple[str, str, int],
    bks: dict,
    ref: dict,  # type: ignore[type-arg]
) -> float:
    vals = [float(bks[key]["bks"])] if key in bks else []
    for t in (2.0, 10.0):
        r = ref.get((*key, t))
        if r:
            vals += [float(r[c]) for c in ("ortools_plain", "pyvrp", "vroom") if r.get(c)]
    return max(vals) if vals else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--m", type=int, nargs="+", default=[2, 4])
    ap.add_argument("--instances", nargs="*", default=None, help="names, e.g. c101 pr01")
    ap.add_argument("--all", action="store_true", help="every Solomon and Cordeau file")
    ap.add_argument("--no-pyvrp", action="store_true")
    ap.add_argument("--metaheuristic", default=None)
    ap.add_argument("--first-solution", default=None)
    ap.add_argument("--weight", type=int, default=None, help="penalty per point of score")
    ap.add_argument("--csv", type=Path, default=None, help="write the rows here")
    args = ap.parse_args(argv)

    if not ROOT.exists():
        print(f"no benchmark data at {ROOT}; nothing to do")
        return 0
    if args.all:
        chosen = [
            (s, p.stem)
            for s in ("solomon_100", "solomon_200", "cordeau")
            for p in sorted((ROOT / s).glob("*.txt"))
        ]
    elif args.instances:
        chosen = [
            (s, p.stem)
            for s in ("solomon_100", "solomon_200", "cordeau")
            for p in sorted((ROOT / s).glob("*.txt"))
            if p.stem in args.instances
        ]
    else:
        chosen = DEFAULT_SUBSET
    bks, ref = read_bks(), read_reference()
    settings = Settings()
    rows = []
    head = (
        f"{'set':12} {'inst':6} {'m':>1} {'bks':>6} {'ours':>6} {'gap%':>6} {'t_s':>5} "
        f"{'pyvrp':>6} {'gap%':>6} {'ratio':>6} {'ok':>3}"
    )
    print(head)
    for set_name, name in chosen:
        inst = read_instance(ROOT / set_name / f"{name}.txt")
        for m in args.m:
            problem = to_problem(inst, m, score_weight=args.weight)
            best = best_known((set_name, name, m), bks, ref)
            t0 = time.perf_counter()
            res = solve(
                problem,
                settings,
                time_limit_s=args.time_limit,
                metaheuristic=args.metaheuristic,
                first_solution=args.first_solution,
            )
            t_ours = time.perf_counter() - t0
            bad = verify(res.plan, problem)
            ours = res.plan.collected if not bad else 0.0
            row = {
                "set": set_name,
                "instance": name,
                "m": m,
                "best_known": best,
                "ours": ours,
                "ours_gap": (best - ours) / best if best else 0.0,
                "ours_s": round(t_ours, 2),
                "ours_feasible": not bad,
            }
            if not args.no_pyvrp:
                routes, t_py = solve_pyvrp(problem, time_limit_s=args.time_limit)
                py_bad = verify(plan_from_routes(problem, routes), problem)
                py = score_of(problem, routes) if not py_bad else 0.0
                row |= {
                    "pyvrp": py,
                    "pyvrp_gap": (best - py) / best if best else 0.0,
                    "pyvrp_s": round(t_py, 2),
                    "pyvrp_feasible": not py_bad,
                    "ratio": ours / py if py else float("nan"),
                }
            rows.append(row)
            print(
                f"{set_name:12} {name:6} {m:>1} {best:6.0f} {ours:6.0f} "
                f"{100 * row['ours_gap']:6.2f} {t_ours:5.1f} "
                + (
                    f"{row['pyvrp']:6.0f} {100 * row['pyvrp_gap']:6.2f} {row['ratio']:6.3f} "
                    if "pyvrp" in row
                    else " " * 21
                )
                + ("yes" if not bad and row.get("pyvrp_feasible", True) else "NO"),
                flush=True,
            )
    print()
    sets = sorted({r["set"] for r in rows})
    for s in [*sets, "all"]:
        sel = [r for r in rows if s in ("all", r["set"])]
        line = f"{s:12} n={len(sel):3} mean gap ours {100 * statistics.mean(r['ours_gap'] for r in sel):5.2f} %"
        if "pyvrp" in sel[0]:
            line += (
                f"  pyvrp {100 * statistics.mean(r['pyvrp_gap'] for r in sel):5.2f} %"
                f"  mean ratio ours/pyvrp {statistics.mean(r['ratio'] for r in sel):.4f}"
            )
        print(line)
    infeasible = sum(not r["ours_feasible"] for r in rows)
    print(f"infeasible answers: ours {infeasible}", end="")
    if rows and "pyvrp" in rows[0]:
        print(f", pyvrp {sum(not r['pyvrp_feasible'] for r in rows)}")
    else:
        print()
    if args.csv:
        with open(args.csv, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
