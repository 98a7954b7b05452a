"""Benchmark: the render phase of a night (every file of the night's folder, in memory).

The render phase is :func:`planner.render.outputs.render_night`: the overview map, one map per
squad, ``plan.json``, ``routes.geojson`` / ``.gpkg`` and the route sheet as HTML, CSV and XLSX.
This benchmark plans a generated demo night once per size (``planner.demo.write_demo``, a short
time limit: the render reads the plan, it does not care how good it is) and keeps the planned
:class:`~planner.pipeline.NightResult` as a pickle in ``--cache`` (so a second run, or a run of
another version of the render code, renders the very same plans). Then each size is rendered in
a process of its own, and it prints per size the render wall time, the peak memory of that
process before and after the render (``ru_maxrss``), the time of each file, the sizes of the
overview and of the largest squad map, and the ratio of time and memory against the reference
size (``--reference``, default the demo's 1,500 venues) rendered in the same benchmark run.

    python benchmarks/bench_render.py [--venues 1500 5000 10000] [--squads 16]
        [--reference 1500] [--repeat 1] [--cache /tmp/bench-render]

``--squads`` gives the roster that many squads (:func:`bench_plan.grow_roster`); the issue's
Polda-size night is ``--venues 20000 --squads 64`` (about 10 GB and 5 minutes to plan once; its
pickle is 6 GB). ``--code DIR`` renders the same pickles with another ``planner`` package too
(``git archive <commit> planner | tar -x -C DIR``), size by size; ``--out`` keeps the files, so
the two versions' nights can be compared byte for byte (``cmp``).

Measured 2026-12-02 (a shared 2-core machine, load 4: times are noisy; the same pickles, the
render before issue 18's render work (73653f8) beside it in the same run, best of 2):

===================  ============  ============  =============  =================
venues / squads      1,500 / 16    5,000 / 16    10,000 / 16    20,000 / 64 (*)
===================  ============  ============  =============  =================
render s, before     4.99          8.65          9.77           57.8, 63.1
render s, after      3.14          4.48          5.24           21.4, 27.8
squad maps s         1.90 -> 0.39  3.75 -> 0.43  4.15 -> 0.45   37.2 -> 3.6
render RSS MB        +133 -> +144  +171 -> +182  +214 -> +217   +205 -> +225
index.html KB        724           797           891            2,321
largest squad KB     269           298           342            412
===================  ============  ============  =============  =================

(*) one render each in two benchmark runs (the first before the shortcut for roads inside a
page's area); with the workbook fix below 13.6 and 17.0 s in the same runs. Memory is the growth of the process's peak over the loaded
night (the pickle); the few MB more after are the roads in metres and their index, kept for
the night's pages instead of made per page.

Every file of the night is byte-identical before and after at each size. At 20,000 venues the
largest remaining parts are the workbook (7-13 s: ``planner._tables.xlsx_bytes`` asks
openpyxl's ``max_row`` once per cell, which scans every cell: quadratic in the stops; counting
the rows instead gives 0.5 s, same bytes) and reading the road file for the base map (3-5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
MB = 1024 * 1024
DATE = "2026-12-01"

RUNNER = r"""
import json, pickle, resource, sys, time

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

path, repeat, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "rb") as fh:
    result = pickle.load(fh)
from planner.render import geoexport, maps, outputs, sheets  # imports outside the timing
import planner.render.outputs as o

parts = {}

def timed(name, fn):
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            parts[name] = parts.get(name, 0.0) + time.perf_counter() - t0
    return wrapper

o.maps = type(maps)("maps_timed")
o.maps.__dict__.update(maps.__dict__)
o.maps.render_overview = timed("overview map", maps.render_overview)
o.maps.render_squad = timed("squad maps", maps.render_squad)
o.geoexport = type(geoexport)("geo_timed")
o.geoexport.__dict__.update(geoexport.__dict__)
for name in ("night_layers", "routes_geojson", "night_gpkg"):
    setattr(o.geoexport, name, timed(name, getattr(geoexport, name)))
o.sheets = type(sheets)("sheets_timed")
o.sheets.__dict__.update(sheets.__dict__)
for name in ("stops_csv", "stops_xlsx", "route_sheet_html"):
    setattr(o.sheets, name, timed(name, getattr(sheets, name)))
o.plan_to_json = timed("plan.json", o.plan_to_json)
o.map_data = timed("map data", o.map_data)

before = peak_mb()
times = []
for _ in range(repeat):
    parts.clear()
    t0 = time.perf_counter()
    files = outputs.render_night(result, lang="id")
    times.append(time.perf_counter() - t0)
if out:
    import pathlib
    folder = pathlib.Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
squads = {k: len(v) for k, v in files.items() if k.startswith("regu-")}
biggest = max(squads, key=squads.get) if squads else None
print(json.dumps({
    "render_s": min(times), "times": times, "parts": parts,
    "peak_before_mb": before, "peak_after_mb": peak_mb(),
    "sizes": {k: len(v) for k, v in files.items()},
    "biggest_squad": biggest,
    "venues": len(result.dataset.venues), "squads": len(result.squads),
    "stops": sum(len(r.stops) for r in result.plan.routes), "dropped": len(result.plan.dropped),
}))
"""


def prepare(cache: Path, venues: int, squads: int | None, time_limit: float) -> Path:
    """The pickled NightResult of a demo of ``venues`` (planned once; then read from cache)."""
    tag = f"{venues}" + (f"-{squads}sq" if squads else "")
    pickle_path = cache / f"night-{tag}.pickle"
    if pickle_path.exists():
        return pickle_path
    import pickle

    from bench_plan import grow_roster

    from planner.demo import write_demo
    from planner.domain import Night
    from planner.pipeline import plan_night

    ds = cache / f"demo-{tag}"
    if not (ds / "squads.toml").exists():
        write_demo(ds, n_venues=venues, force=True)
        if squads:
            grow_roster(ds, squads)
    t0 = time.perf_counter()
    result = plan_night(ds, Night.parse(DATE), time_limit_s=time_limit, seed=1)
    print(f"  planned {tag} in {time.perf_counter() - t0:.1f} s", flush=True)
    tmp = pickle_path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, pickle_path)
    return pickle_path


def run_render(
    pickle_path: Path, repeat: int, *, code: Path | None = None, out: Path | None = None
) -> dict[str, Any]:
    """``render_night`` of the pickled night in a process of its own (with the ``planner``
    package found in ``code`` when given); the files written into ``out`` when given."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH")]))
    with tempfile.TemporaryFile("w+") as fh:
        proc = subprocess.run(
            [sys.executable, "-c", RUNNER, str(pickle_path), str(repeat), str(out or "")],
            stdout=fh,
            cwd=code or REPO,
            env=env,
            check=False,
        )
        fh.seek(0)
        lines = fh.read().strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"the render runner failed ({proc.returncode})")
    out: dict[str, Any] = json.loads(lines[-1])
    return out


def _table(
    sizes: list[int], runs: dict[tuple[str, int], dict[str, Any]], labels: list[str]
) -> None:
    cols = [(label, n) for n in sizes for label in labels]
    print(
        f"{'':<22}" + "".join(f"{(label + ' ' if label else '') + str(n):>16}" for label, n in cols)
    )
    parts: list[str] = []
    for r in runs.values():
        parts += [p for p in r["parts"] if p not in parts]
    got = [runs[c] for c in cols]
    rows: list[tuple[str, list[float]]] = [("render s", [r["render_s"] for r in got])]
    rows += [(f"  {p} s", [r["parts"].get(p, 0.0) for r in got]) for p in parts]
    rows += [
        ("peak MB before", [r["peak_before_mb"] for r in got]),
        ("peak MB after", [r["peak_after_mb"] for r in got]),
        ("render MB (growth)", [r["peak_after_mb"] - r["peak_before_mb"] for r in got]),
        ("index.html KB", [r["sizes"]["index.html"] / 1024 for r in got]),
        (
            "largest squad map KB",
            [r["sizes"][r["biggest_squad"]] / 1024 if r["biggest_squad"] else 0.0 for r in got],
        ),
        ("all files MB", [sum(r["sizes"].values()) / MB for r in got]),
    ]
    for title, vals in rows:
        print(f"{title:<22}" + "".join(f"{v:>16.2f}" for v in vals))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venues", type=int, nargs="+", default=[5000])
    parser.add_argument("--squads", type=int, default=None, help="default: the demo's 16")
    parser.add_argument("--reference", type=int, default=1500, help="0: no reference run")
    parser.add_argument("--repeat", type=int, default=1, help="renders per size (the fastest)")
    parser.add_argument("--time-limit", type=float, default=5.0, help="when planning a size")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bench-render")
    parser.add_argument(
        "--code",
        type=Path,
        nargs="*",
        default=[],
        help="also render with the planner package in these folders (e.g. `git archive` of an "
        "older commit), size by size beside this checkout",
    )
    parser.add_argument("--out", type=Path, default=None, help="write every night's files here")
    parser.add_argument("--prepare-only", action="store_true")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    sizes = ([args.reference] if args.reference else []) + [
        n for n in args.venues if n != args.reference
    ]
    paths = {n: prepare(args.cache, n, args.squads, args.time_limit) for n in sizes}
    if args.prepare_only:
        return 0
    codes: dict[str, Path | None] = {p.name: p for p in args.code}
    codes = {**codes, "this": None} if codes else {"": None}
    runs: dict[tuple[str, int], dict[str, Any]] = {}
    for n in sizes:
        for label, code in codes.items():
            out = args.out / (label or "this") / str(n) if args.out else None
            r = runs[label, n] = run_render(paths[n], args.repeat, code=code, out=out)
            print(
                f"{(label + ': ') if label else ''}{n} venues ({r['squads']} squads, "
                f"{r['stops']} stops, {r['dropped']} dropped): render {r['render_s']:.2f} s, "
                f"peak {r['peak_before_mb']:.0f} -> {r['peak_after_mb']:.0f} MB",
                flush=True,
            )
    print()
    _table(sizes, runs, list(codes))
    if args.reference:
        for label in codes:
            ref = runs[label, args.reference]
            ref_grow = max(ref["peak_after_mb"] - ref["peak_before_mb"], 1.0)
            for n in sizes[1:]:
                r = runs[label, n]
                grow = r["peak_after_mb"] - r["peak_before_mb"]
                print(
                    f"{(label + ': ') if label else ''}ratio {n} / {args.reference} venues: "
                    f"render time {r['render_s'] / ref['render_s']:.2f}, render memory growth "
                    f"{grow / ref_grow:.2f}"
                )
    if len(codes) > 1:
        for n in sizes:
            base = [runs[label, n]["render_s"] for label in codes if label != "this"]
            print(f"{n} venues: render time this / {'/'.join(c for c in codes if c != 'this')}: "
                  + ", ".join(f"{runs['this', n]['render_s'] / b:.2f}" for b in base))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
