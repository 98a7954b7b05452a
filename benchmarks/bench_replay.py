"""Benchmark of replays and sweeps on the demo dataset.

Run: ``python benchmarks/bench_replay.py [--nights 28] [--time-limit 1.0] [--variants 8]
[--workers 2] [--skip-sweep]``.

1. A ``--nights`` replay of the demo (1,500 venues, 16 squads) with the optimiser under a reduced
   per-night time limit, and the same nights with the manual baseline: wall time, per-night cost
   (median and mean of the solve and of the whole night) and the optimiser-vs-baseline metrics.
2. A sweep of ``--variants`` settings (weights.incidents × weights.rotation) × ``--nights``
   nights, run serially and then on a ``--workers``-worker Dask ``LocalCluster`` (processes):
   wall times and the speed-up. The results of both runs are written next to this file's
   ``results/`` folder (git-ignored) with the figures as JSON.

The solver stops at its wall-time limit, so a night costs about the limit plus scoring,
compiling and recording; on a shared machine other processes lower the solution quality under
the limit rather than the wall time. Figures are noisy on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from planner.analysis import simulate, sweep
from planner.sources import load_dataset

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "data" / "demo"
GRID = {"weights.incidents": (0.5, 1.0, 2.0, 4.0), "weights.rotation": (0.5, 2.0)}


def replay_figures(args: argparse.Namespace) -> dict[str, object]:
    ds = load_dataset(args.dataset)
    simulate.run(ds, None, None, 1, method="baseline")  # matrices into the cache first
    out: dict[str, object] = {}
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
            "coverage": round(r.metrics["coverage"], 4),
            "km": round(r.metrics["km"], 1),
            "jaccard_mean": round(r.metrics["jaccard_mean"], 3),
            "desa_7d_share_mean": round(r.metrics["desa_7d_share_mean"], 3),
            "high_never_visited": r.metrics["high_never_visited"],
        }
        print(
            f"{method:>9}: {args.nights} nights in {wall:.1f} s ({wall / args.nights:.2f} s/night)"
        )
    table = simulate.compare(replays["optimizer"], replays["baseline"])
    print(table.round(3).to_string(index=False))
    out["compare"] = table.round(4).to_dict(orient="records")
    out["start"] = str(replays["optimizer"].start)
    return out


def sweep_figures(args: argparse.Namespace) -> dict[str, object]:
    keys = list(GRID)
    combos = [(a, b) for a in GRID[keys[0]] for b in GRID[keys[1]]][: args.variants]
    with tempfile.TemporaryDirectory() as tmp:
        spec_file = Path(tmp) / "sweep.toml"
        ds = load_dataset(args.dataset)
        start = simulate.default_start(ds, args.nights)
        incidents = sorted({a for a, _ in combos})
        rotation = sorted({b for _, b in combos})
        spec_file.write_text(
            f'dataset = "{Path(args.dataset).resolve().as_posix()}"\n'
            f"starts = [{start.isoformat()}]\n"
            f"nights = {args.nights}\n"
            f"time_limit_s = {args.time_limit}\n"
            f'out = "{(HERE / "results" / "sweep").as_posix()}"\n'
            "[grid]\n"
            f'"weights.incidents" = {incidents}\n'
            f'"weights.rotation" = {rotation}\n',
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
    return {
        "tasks": n_tasks,
        "nights": args.nights,
        "serial_s": round(serial_s, 1),
        "dask_s": round(dask_s, 1),
        "workers": args.workers,
        "speedup": round(serial_s / dask_s, 2),
        "coverage_range": [
            round(float(dask["coverage"].min()), 4),
            round(float(dask["coverage"].max()), 4),
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default=str(DEMO))
    parser.add_argument("--nights", type=int, default=28)
    parser.add_argument("--time-limit", type=float, default=1.0)
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
