"""Benchmark: the whole demo night, from `planner plan` start to the last file written.

Runs `planner plan` twice on a fresh copy of the demo dataset, each in its own process:
cold (no matrix cache) and warm (the cache of the first run). Prints wall time, the
phase-by-phase breakdown (load, score, matrix, compile, solve, check, legs, render, write), peak
memory (max RSS of the process), plan quality (priority collected, share, visits) and the
warm/cold ratio measured in the same benchmark run.

Targets (issue 7): under 45 s wall with the default time limit on a 2-core machine, under
1.5 GB peak; the warm run faster than the cold one by at least the cold run's matrix time.

    python benchmarks/bench_plan.py [--date 2026-12-01] [--time-limit S]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

RUNNER = """
import json, resource, sys
from typer.testing import CliRunner
from planner.cli import app
res = CliRunner().invoke(app, sys.argv[1:])
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"exit": res.exit_code, "stdout": res.stdout, "peak_mb": peak_mb}))
"""


def run_plan(dataset: Path, out: Path, date: str, time_limit: float | None) -> dict:
    args = ["plan", str(dataset), "--date", date, "--out", str(out), "--json"]
    if time_limit is not None:
        args += ["--time-limit", str(time_limit)]
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - t0
    outer = json.loads(proc.stdout.strip().splitlines()[-1])
    if outer["exit"] != 0:
        raise SystemExit(f"planner plan failed ({outer['exit']}):\n{outer['stdout']}")
    summary = json.loads(outer["stdout"])
    return {"wall_s": wall, "peak_mb": outer["peak_mb"], "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2026-12-01")
    parser.add_argument("--time-limit", type=float, default=None, help="default: planner.toml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dataset = Path(tmp) / "demo"
        shutil.copytree(
            REPO / "data" / "demo", dataset, ignore=shutil.ignore_patterns(".cache", "history*")
        )
        cold = run_plan(dataset, Path(tmp) / "maps", args.date, args.time_limit)
        warm = run_plan(dataset, Path(tmp) / "maps", args.date, args.time_limit)
        sizes = {p.name: p.stat().st_size for p in (Path(tmp) / "maps" / args.date).iterdir()}
    phases = list(cold["summary"]["timings_s"])
    print(f"demo night {args.date}: 16 squads, ~1,500 venues")
    print(f"{'phase':<10}{'cold s':>10}{'warm s':>10}")
    for ph in phases:
        c = cold["summary"]["timings_s"].get(ph, 0.0)
        w = warm["summary"]["timings_s"].get(ph, 0.0)
        print(f"{ph:<10}{c:>10.2f}{w:>10.2f}")
    print(f"{'wall':<10}{cold['wall_s']:>10.2f}{warm['wall_s']:>10.2f}   (process start to exit)")
    print(f"{'peak MB':<10}{cold['peak_mb']:>10.0f}{warm['peak_mb']:>10.0f}")
    s = cold["summary"]
    print(
        f"plan: {s['visits']} visits, priority {s['priority_collected']:.1f} of "
        f"{s['priority_total']:.1f} ({100 * s['share']:.1f} %), {s['km']:.0f} km"
    )
    overview = sizes.get("index.html", 0) / 1e6
    squad_max = max(v for k, v in sizes.items() if k.startswith("regu-")) / 1e6
    print(f"files: overview {overview:.2f} MB, largest squad map {squad_max:.3f} MB")
    saved = cold["wall_s"] - warm["wall_s"]
    matrix = cold["summary"]["timings_s"]["matrix"]
    print(
        f"warm/cold wall ratio {warm['wall_s'] / cold['wall_s']:.2f}; warm saves {saved:.1f} s "
        f"vs cold matrix {matrix:.1f} s -> {'OK' if saved >= matrix * 0.9 else 'NOT MET'}"
    )
    ok = cold["wall_s"] < 45 and cold["peak_mb"] < 1536
    print(f"targets (<45 s, <1.5 GB): {'OK' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main()
