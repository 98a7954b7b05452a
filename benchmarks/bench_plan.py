"""Benchmark: a whole night, from `planner plan` start to the last file written, at any size.

Generates a demo dataset of ``--venues N`` coffee stalls (``planner.demo.write_demo``, the code
behind ``planner demo --venues N``; with ``--squads M`` the roster gets more squads, see
:func:`grow_roster`) and runs ``planner plan`` on it in a process of its own, cold (no matrix
cache) and, with ``--warm``, again on the cache of the first run. Before it, in the same
benchmark run and under the same conditions, a reference night (``--reference``, default the
1,500-venue demo size) is run the same way, and the ratios target / reference are printed.

Per run it prints the wall time (process start to exit), the pipeline's phases (load, score,
matrix, compile, solve, check, legs, write), and memory:

* ``peak MB``: the largest resident set of the `planner plan` process *or any of its children*
  (``os.wait4`` of the process, i.e. ``RUSAGE_CHILDREN`` semantics: the matrix workers and the
  solver's forked workers are children of it; forked children share pages with the parent, so
  this is a max, not a sum);
* ``after <phase>``: the process's own peak RSS when each phase ended (``ru_maxrss``), which
  shows where the memory goes;
* the sizes of the compiled problem's arrays (``travel_s``, ``dist_m``, ``allowed``).

With ``--export-problem`` the night also writes ``planner plan --export-problem`` and the size
of that file and of ``plan.json`` are printed.

    python benchmarks/bench_plan.py [--venues 5000] [--squads 16] [--reference 1500]
        [--date 2026-12-01] [--time-limit S] [--warm] [--export-problem]

Targets (issue 18): 5,000 venues / 16 squads <= 1 GB peak; export at 5,000 venues <= 50 MB,
written in <= 5 s without raising the peak; 20,000 venues / 64 squads <= 120 s and <= 4 GB.

Measured 2026-12-02 (cold cache, default 20 s time limit, 16 squads, the 1,500-venue reference
in the same run; a shared 2-core machine with a load of 4-7: wall times are noisy, memory is
not). Before issue 18 (int64 travel, float64 distances, copies while compiling):

=================  ===========  ==============  ==================  =====================
venues             wall s       peak MB         with export MB      export MB / write s
=================  ===========  ==============  ==================  =====================
1,500 (ref)        33.3         540             819                 61.1 / 2.7
5,000              155.7        2,602           5,847               652 / 86.6
10,000 (issue)     92           9,600           -                   -
=================  ===========  ==============  ==================  =====================

After the first part (int32 travel, int32 road decimetres shared with the problem, chunked
conversions, problem format v4):

=================  ===========  ==============  ==================  =====================
1,500 (ref)        48.1 / 40.1  399             399 (unchanged)     2.6 / 0.9
5,000              166.7        981             981 (unchanged)     31.7 / 3.9-23.5
10,000             250.9        2,769           -                   -
20,000 / 64 sq.    655.7        10,113          -                   -
=================  ===========  ==============  ==================  =====================

After the second part (2026-12-02: no distance matrix above 100 M cells, the travel times taken
over by the problem in place, matrices through the hubs, cache format 3, the render's per-night
work done once; docs/network.md), same machine, another session's benchmarks running beside:

======================  ========  =========  ==========  ======  =======  ========  =========
venues / squads         wall s    peak MB    matrix s    solve   legs s   render s  warm wall
======================  ========  =========  ==========  ======  =======  ========  =========
1,500 / 32 (ref)        27.2      392        1.5         20.5    0.3      2.7       -
5,000 / 16              37.7      805 (865)  7.3         20.8    0.3      3.3       -
10,000 / 32             50.2      1,232      15.7        23.3    1.3      6.4       -
20,000 / 64             111.3     3,736      53.5        28.9    5.5      14.7      63.2 s
======================  ========  =========  ==========  ======  =======  ========  =========

5,000 venues with ``--export-problem``: 31.7 MB written in 3.0 s; the process peak 805 MB before
it and 865 MB after it (the JSON text). Streamed (2026-12-03): 31.7 MB in 2.5 s, the peak
867.1 MB before and after it ("before": the peak once the night's own files are written).
20,000 venues / 64 squads on the cache of the first run (``--warm``): 63.2 s, 3,715 MB, the
matrix phase 7.5 s. Memory still grows with the square of the
venues, now only through the travel times (4 bytes per pair and profile: 2,878 MB of the 3,736
at 20,000), see docs/network.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MB = 1024 * 1024

RUNNER = """
import json, resource, sys, time
from typer.testing import CliRunner

from planner import pipeline
from planner.cli import app

marks = {}
arrays = {}
_plan_night = pipeline.plan_night


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plan_night(*args, **kwargs):
    hook = kwargs.get("on_phase")

    def on_phase(phase, event, seconds):
        if event == "end":
            marks[phase] = round(_peak_mb(), 1)
        if hook is not None:
            hook(phase, event, seconds)

    kwargs["on_phase"] = on_phase
    result = _plan_night(*args, **kwargs)
    p = result.problem
    for name in ("travel_s", "dist_m", "allowed"):
        a = getattr(p, name)
        arrays[name] = [str(a.dtype), list(a.shape), round(a.nbytes / 2**20, 1)]
    arrays["n_nodes"] = p.n_nodes
    return result


pipeline.plan_night = plan_night

from planner import _atomic, planfile

export = {}
_to_json, _write_json = planfile.problem_to_json, _atomic.write_json


def problem_to_json(*args, **kwargs):
    export["t0"] = time.perf_counter()
    if "legs_of" not in kwargs:  # the export, not plan.json's embedded copy: the peak so far,
        export["peak_before_mb"] = round(_peak_mb(), 1)  # the night's files written
    return _to_json(*args, **kwargs)


def write_json(path, *args, **kwargs):
    out = _write_json(path, *args, **kwargs)
    if "t0" in export and "s" not in export:
        export["s"] = round(time.perf_counter() - export["t0"], 3)
        export["peak_after_mb"] = round(_peak_mb(), 1)
    return out


planfile.problem_to_json, _atomic.write_json = problem_to_json, write_json
t0 = time.perf_counter()
res = CliRunner().invoke(app, sys.argv[1:])
print(json.dumps({
    "exit": res.exit_code, "stdout": res.stdout, "marks": marks, "arrays": arrays, "export": export,
    "self_peak_mb": _peak_mb(),
    "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "cli_s": time.perf_counter() - t0,
}))
"""


def grow_roster(dataset: Path, n_squads: int) -> int:
    """Give the dataset's ``squads.toml`` ``n_squads`` squads (fewer: the first ones; more: the
    Polsek squads again with the next number, ``PS-X-2``, …, then the Polres ones), so a large
    night has enough squads. Returns the number written."""
    text = (dataset / "squads.toml").read_text(encoding="utf-8")
    head, *blocks = re.split(r"(?m)^\[\[squad\]\]\n", text)
    blocks = ["[[squad]]\n" + b.rstrip("\n") + "\n" for b in blocks]
    if not blocks:
        raise SystemExit("squads.toml has no [[squad]]")
    out = blocks[:n_squads]
    polsek = [b for b in blocks if 'station_id = "POLRES"' not in b] or blocks
    round_ = 2
    while len(out) < n_squads:
        for b in polsek + [b for b in blocks if b not in polsek]:
            if len(out) >= n_squads:
                break
            sid = re.search(r'squad_id = "([^"]+)"', b)
            assert sid is not None
            base = re.sub(r"-\d+$", "", sid.group(1))
            new = b.replace(f'squad_id = "{sid.group(1)}"', f'squad_id = "{base}-{round_}"')
            out.append(new)
        round_ += 1
    (dataset / "squads.toml").write_text(head + "\n".join(out), encoding="utf-8")
    return len(out)


def make_dataset(folder: Path, venues: int, squads: int | None) -> tuple[Path, float, int]:
    """A demo dataset of about ``venues`` stalls in ``folder``: (path, seconds, squads)."""
    from planner.demo import write_demo

    t0 = time.perf_counter()
    write_demo(folder, n_venues=venues)
    n = (
        grow_roster(folder, squads)
        if squads
        else (folder / "squads.toml").read_text().count("[[squad]]")
    )
    return folder, time.perf_counter() - t0, n


def run_plan(
    dataset: Path, out: Path, date: str, time_limit: float | None, export: Path | None
) -> dict[str, Any]:
    """`planner plan` in a process of its own: its summary, wall time and peak memory."""
    args = ["plan", str(dataset), "--date", date, "--out", str(out), "--json"]
    if time_limit is not None:
        args += ["--time-limit", str(time_limit)]
    if export is not None:
        args += ["--export-problem", str(export)]
    with tempfile.TemporaryFile("w+") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", RUNNER, *args], stdout=fh)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        fh.seek(0)
        lines = fh.read().strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"the runner failed ({proc.returncode})")
    outer = json.loads(lines[-1])
    if outer["exit"] not in (0, 1):
        raise SystemExit(f"planner plan failed ({outer['exit']}):\n{outer['stdout']}")
    summary = json.loads(outer["stdout"])
    night = out / date
    sizes = {p.name: p.stat().st_size for p in night.iterdir()} if night.is_dir() else {}
    return {
        "wall_s": wall,
        "peak_mb": usage.ru_maxrss / 1024,  # the process and all its waited-for children
        "self_peak_mb": outer["self_peak_mb"],
        "children_peak_mb": outer["children_peak_mb"],
        "marks": outer["marks"],
        "arrays": outer["arrays"],
        "summary": summary,
        "plan_json_mb": sizes.get("plan.json", 0) / MB,
        "export_mb": export.stat().st_size / MB if export is not None else None,
        "export_s": outer["export"].get("s"),
        "export_peak": (
            outer["export"].get("peak_before_mb"),
            outer["export"].get("peak_after_mb"),
        ),
    }


def _report(label: str, runs: dict[str, dict[str, Any]]) -> None:
    names = list(runs)
    print(label)
    print(f"{'':<22}" + "".join(f"{n:>14}" for n in names))
    phases: list[str] = []
    for r in runs.values():
        phases += [p for p in r["summary"]["timings_s"] if p not in phases]
    for ph in phases:
        vals = [r["summary"]["timings_s"].get(ph) for r in runs.values()]
        print(f"{ph + ' s':<22}" + "".join(f"{v:>14.2f}" if v is not None else f"{'-':>14}"
                                           for v in vals))  # fmt: skip
    rows: list[tuple[str, str]] = [
        ("wall s", "wall_s"),
        ("peak MB (tree)", "peak_mb"),
        ("peak MB (process)", "self_peak_mb"),
        ("peak MB (children)", "children_peak_mb"),
        ("plan.json MB", "plan_json_mb"),
        ("export MB", "export_mb"),
        ("export write s", "export_s"),
    ]
    for title, key in rows:
        vals = [r.get(key) for r in runs.values()]
        if all(v is None for v in vals):
            continue
        print(f"{title:<22}" + "".join(f"{v:>14.1f}" if v is not None else f"{'-':>14}"
                                       for v in vals))  # fmt: skip
    for ph in phases:
        vals = [r["marks"].get(ph) for r in runs.values()]
        if any(v is not None for v in vals):
            print(f"{'after ' + ph + ' MB':<22}" + "".join(
                f"{v:>14.0f}" if v is not None else f"{'-':>14}" for v in vals))  # fmt: skip
    for name in ("travel_s", "dist_m", "allowed"):
        vals = [r["arrays"].get(name) for r in runs.values()]
        print(f"{'problem.' + name:<22}" + "".join(
            f"{f'{v[0]} {v[2]:.0f}MB':>14}" if v else f"{'-':>14}" for v in vals))  # fmt: skip
    for n, r in runs.items():
        if r["export_s"] is not None:
            before, after = r["export_peak"]
            print(f"{n}: process peak {before} MB before the export, {after} MB after it")
        s = r["summary"]
        print(
            f"{n}: {r['arrays'].get('n_nodes')} nodes, {s['visits']} visits, priority "
            f"{s['priority_collected']:.1f} of {s['priority_total']:.1f} "
            f"({100 * s['share']:.1f} %), {s['km']:.0f} km"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venues", type=int, default=5000)
    parser.add_argument("--squads", type=int, default=None, help="default: the demo's 16")
    parser.add_argument("--reference", type=int, default=1500, help="0: no reference run")
    parser.add_argument("--date", default="2026-12-01")
    parser.add_argument("--time-limit", type=float, default=None, help="default: planner.toml")
    parser.add_argument("--warm", action="store_true", help="also a run on the matrix cache")
    parser.add_argument("--export-problem", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        root = Path(tmp)
        runs: dict[str, dict[str, Any]] = {}
        sizes = ([args.reference] if args.reference else []) + [args.venues]
        for i, n in enumerate(sizes):
            name = ("ref " if i == 0 and args.reference else "") + f"{n}"
            ds, made_s, n_sq = make_dataset(root / f"demo-{i}", n, args.squads)
            print(f"{name}: demo of {n} venues, {n_sq} squads generated in {made_s:.1f} s",
                  flush=True)  # fmt: skip
            export = root / f"problem-{i}.json" if args.export_problem else None
            runs[name + " cold"] = run_plan(ds, root / f"maps-{i}", args.date, args.time_limit,
                                            export)  # fmt: skip
            print(f"  cold: {runs[name + ' cold']['wall_s']:.1f} s, "
                  f"{runs[name + ' cold']['peak_mb']:.0f} MB", flush=True)  # fmt: skip
            if args.warm:
                runs[name + " warm"] = run_plan(ds, root / f"maps-{i}", args.date,
                                                args.time_limit, export)  # fmt: skip
    print()
    _report(f"planner plan, night {args.date} (wall times on a shared machine: noisy)", runs)
    if args.reference:
        ref = runs[f"ref {args.reference} cold"]
        big = runs[f"{args.venues} cold"]
        print(
            f"ratio {args.venues} / {args.reference} venues: wall "
            f"{big['wall_s'] / ref['wall_s']:.2f}, peak {big['peak_mb'] / ref['peak_mb']:.2f}"
        )
    big = runs[f"{args.venues} cold"]
    if args.venues == 5000:
        ok = big["peak_mb"] <= 1024
        print(f"target 5,000 venues <= 1 GB peak: {'OK' if ok else 'NOT MET'}")
    if args.export_problem and big["export_mb"] is not None and args.venues == 5000:
        print(f"target export <= 50 MB: {'OK' if big['export_mb'] <= 50 else 'NOT MET'}")
    if args.venues == 20000 and args.squads == 64:
        for how in ("cold", "warm"):
            run = runs.get(f"{args.venues} {how}")
            if run is not None:
                ok = run["wall_s"] <= 120 and run["peak_mb"] <= 4096
                print(f"target 20,000 venues / 64 squads <= 120 s and <= 4 GB ({how}): "
                      f"{'OK' if ok else 'NOT MET'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
