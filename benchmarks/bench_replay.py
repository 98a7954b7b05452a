"""Benchmark of replays and sweeps on the demo dataset, and the targets of issue 14.

Run: ``python benchmarks/bench_replay.py [--nights 28] [--time-limit 2.0] [--variants 8]
[--workers 2] [--skip-sweep]``.

1. A ``--nights`` replay of the demo (1,500 venues, 16 squads) with the optimiser under a
   ``--time-limit`` per night, and the same nights with the manual baseline, with the same
   settings in the same process: wall time, per-night cost (median and mean of the solve and of
   the whole night), every measure side by side with the ratio optimiser / baseline and the
   winner, and each target of issue 14 with PASS or FAIL (desa reach ≥ 95 %, no rawan desa
   missed in a 7-night window, ≤ 35 rawan venues unvisited in 14 nights, Jaccard ≤ 0.25, and
   the optimiser better than the baseline on risk collected, desa reach, rawan venues, Jaccard
   and km per visit at once).
2. A sweep of ``--variants`` settings (routing.desa_decay × weights.rotation) × ``--nights``
   nights, run serially and then on a ``--workers``-worker Dask ``LocalCluster`` (processes):
   wall times and the speed-up. The results are written to this file's ``results/`` folder
   (git-ignored).

The figures go to ``results/bench_replay.json``. The solver stops at its wall-time limit, so a
night costs about the limit plus scoring, compiling and recording; on a shared machine other
processes lower the solution quality under the limit rather than the wall time. Figures are
noisy on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from planner.analysis import measures, simulate, sweep
from planner.sources import load_dataset

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "data" / "demo"
GRID = {"routing.desa_decay": (1.0, 0.75, 0.5, 0.25), "weights.rotation": (0.5, 2.0)}
DEFAULT_TIME_LIMIT_S = 2.0  # the figures of docs/presence.md were measured at 2 s per night


def _round(value: float, digits: int = 4) -> float | None:
    return None if math.isnan(value) else round(value, digits)


def _fmt(value: float) -> str:
    """A figure for the console: thousands with a separator, the rest with 4 significant digits."""
    return f"{value:,.1f}" if abs(value) >= 1000 else f"{value:.4g}"


def replay_figures(args: argparse.Namespace) -> dict[str, object]:
    ds = load_dataset(args.dataset)
    simulate.run(ds, None, None, 1, method="baseline")  # matrices into the cache first
    out: dict[str, Any] = {}
    replays = {}
    for method in ("optimizer", "baseline"):
        t0 = time.perf_counter()
        r = simulate.run(ds, None, None, args.nights, method=method, time_limit_s=args.time_limit)
        wall = time.perf_counter() - t0
        replays[method] = r
        solve = r.per_night["solve_s"].tolist()
        out[method] = {
            "wall_s": round(wall, 2),
            "per_night_s": round(wall / args.nights, 3),
            "solve_median_s": round(statistics.median(solve), 3),
            "solve_mean_s": round(statistics.fmean(solve), 3),
            "metrics": {k: _round(float(v)) for k, v in r.metrics.items()},
        }
        print(
            f"{method:>9}: {args.nights} nights in {wall:.1f} s ({wall / args.nights:.2f} s/night)"
        )
    opt, base = replays["optimizer"], replays["baseline"]
    table = simulate.compare(opt, base)
    print()
    print(
        table.drop(columns=["higher_is_better", "difference"])
        .rename(columns={"ratio": "optimizer/baseline"})
        .to_string(index=False, float_format=_fmt)
    )
    targets = measures.target_table(opt.metrics, base.metrics)
    print()
    print(f"Targets of issue 14 ({args.nights} nights, {args.time_limit:g} s per night):")
    for t in targets.itertuples():
        verdict = "PASS" if t.passed else "FAIL"
        limit = "baseline" if t.target.endswith("baseline") else "threshold"
        print(
            f"  {verdict}  {t.target:<42} optimiser {_fmt(t.value)} ({limit} {_fmt(t.threshold)})"
        )
    print(f"  {int(targets['passed'].sum())} of {len(targets)} targets met")
    out["compare"] = [
        {k: (_round(v) if isinstance(v, float) else v) for k, v in row.items()}
        for row in table.to_dict(orient="records")
    ]
    out["targets"] = [
        {**row, "value": _round(row["value"]), "threshold": _round(row["threshold"])}
        for row in targets.to_dict(orient="records")
    ]
    out["targets_met"] = int(targets["passed"].sum())
    out["start"] = str(opt.start)
    out["nights"] = args.nights
    out["time_limit_s"] = args.time_limit
    return out


def sweep_figures(args: argparse.Namespace) -> dict[str, object]:
    keys = list(GRID)
    combos = [(a, b) for a in GRID[keys[0]] for b in GRID[keys[1]]][: args.variants]
    with tempfile.TemporaryDirectory() as tmp:
        spec_file = Path(tmp) / "sweep.toml"
        ds = load_dataset(args.dataset)
        start = simulate.default_start(ds, args.nights)
        first = sorted({a for a, _ in combos})
        second = sorted({b for _, b in combos})
        spec_file.write_text(
            f'dataset = "{Path(args.dataset).resolve().as_posix()}"\n'
            f"starts = [{start.isoformat()}]\n"
            f"nights = {args.nights}\n"
            f"time_limit_s = {args.time_limit}\n"
            f'out = "{(HERE / "results" / "sweep").as_posix()}"\n'
            "[grid]\n"
            f'"{keys[0]}" = {first}\n'
            f'"{keys[1]}" = {second}\n',
            encoding="utf-8",
        )
        spec = sweep.read_sweep(spec_file)
    n_tasks = len(sweep.plan_tasks(spec))
    sweep.warm_cache(spec)
    t0 = time.perf_counter()
    serial_rows = len(sweep.run_serial(spec))
    serial_s = time.perf_counter() - t0
    print(f"serial: {serial_rows} replays x {args.nights} nights in {serial_s:.1f} s")
    t0 = time.perf_counter()
    dask = sweep.run_sweep(spec, n_workers=args.workers, processes=True)
    dask_s = time.perf_counter() - t0
    print(f"dask ({args.workers} workers): {dask_s:.1f} s, speed-up {serial_s / dask_s:.2f}x")
    sweep.write_results(dask, spec.out, grid_keys=list(spec.grid))
    variants = sweep.variant_means(dask, grid_keys=list(spec.grid), lang="en")
    print(variants.drop(columns=["variant", "starts"]).to_string(index=False))
    return {
        "tasks": n_tasks,
        "nights": args.nights,
        "serial_s": round(serial_s, 1),
        "dask_s": round(dask_s, 1),
        "workers": args.workers,
        "speedup": round(serial_s / dask_s, 2),
        "variants": variants.round(4).to_dict(orient="records"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default=str(DEMO))
    parser.add_argument("--nights", type=int, default=28)
    parser.add_argument(
        "--time-limit", type=float, default=DEFAULT_TIME_LIMIT_S, help="solver seconds per night"
    )
    parser.add_argument("--variants", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-sweep", action="store_true")
    args = parser.parse_args()
    figures: dict[str, object] = {"replay": replay_figures(args)}
    if not args.skip_sweep:
        figures["sweep"] = sweep_figures(args)
    out = HERE / "results" / "bench_replay.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    print(f"figures: {out}")


if __name__ == "__main__":  # the Dask worker processes re-import this file
    main()
