"""An adversarial run of the planner's command line, as a hostile or unlucky user meets it.

Run: ``python benchmarks/adversarial.py [--venues 300] [--kills 8] [--keep]``.

Builds a small synthetic dataset (``planner demo --venues N``), plans one good night into an
output folder, then runs every case below as a subprocess of the installed ``planner``: bad
settings, bad road files, bad directives, hostile text in every kind of cell, a read-only output
folder, bad visit files, tampered plans, and ``kill -9`` at random moments of a plan. For each
case it records the exit code and whether a Python traceback reached the screen, and checks:

- bad input ends with exit 2 (never 70, never a traceback), and ``validate`` agrees with
  ``plan`` (same exit code) on every bad dataset;
- the previous night's folder is unchanged after every failed plan (no file lost, no ``.tmp``
  or half-swapped folder left behind), and after every kill it is the old night or a new one,
  complete;
- hostile text (Rich markup, formulas, HTML) is shown as text and written safely.

It prints one line per case and the totals: cases, passed, tracebacks, exit 70 on input, files
lost, kills survived. The reference in the same process is the good night itself (its exit code
and its files), against which every failed run is compared.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PLANNER = [sys.executable, "-m", "planner.cli"]
DATE = "2026-12-01"
TIME_LIMIT = "1"
HUNG_S = 90
HUNG = -2  # the exit code recorded for a run that did not end in HUNG_S


@dataclass
class Outcome:
    name: str
    ok: bool
    code: int
    traceback: bool
    detail: str = ""


@dataclass
class Run:
    root: Path
    good: Path  # the pristine dataset
    out: Path  # the output folder holding the good night
    reference: dict[str, str] = field(default_factory=dict)  # file -> sha256 of the good night
    outcomes: list[Outcome] = field(default_factory=list)
    files_lost: int = 0
    kills: int = 0
    kills_survived: int = 0


def planner(*args: str, cwd: Path | None = None, stdin: str | None = None) -> tuple[int, str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    try:
        p = subprocess.run(
            [*PLANNER, *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=env,
            input=stdin,
            timeout=HUNG_S,
        )
    except subprocess.TimeoutExpired as exc:
        said = (exc.stdout or b"") + (exc.stderr or b"")
        text = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
        return HUNG, text + f"\n(no answer after {HUNG_S} s)"
    return p.returncode, p.stdout + p.stderr


def digest(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def leftovers(out: Path) -> list[str]:
    found = [p.name for p in out.iterdir() if p.name.startswith(".")]
    night = out / DATE
    if night.is_dir():
        found += [p.name for p in night.iterdir() if p.name.startswith(".") or ".tmp" in p.name]
    return found


def dataset_copy(run: Run, name: str) -> Path:
    target = run.root / "cases" / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(run.good, target, ignore=shutil.ignore_patterns("history.sqlite*", ".cache*"))
    return target


def append_toml(ds: Path, text: str) -> None:
    with (ds / "planner.toml").open("a", encoding="utf-8") as f:
        f.write("\n" + text + "\n")


def set_toml(ds: Path, section: str, key: str, value: str) -> None:
    """Set ``key = value`` in ``[section]`` of the dataset's planner.toml (added when absent)."""
    lines = (ds / "planner.toml").read_text(encoding="utf-8").splitlines()
    out, inside, done = [], False, False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("["):
            if inside and not done:
                out.append(f"{key} = {value}")
                done = True
            inside = stripped == f"[{section}]"
        if inside and (stripped.startswith(f"{key} =") or stripped.startswith(f"# {key} =")):
            out.append(f"{key} = {value}")
            done = True
            continue
        out.append(line)
    if not done:
        out += [f"[{section}]", f"{key} = {value}"] if not inside else [f"{key} = {value}"]
    (ds / "planner.toml").write_text("\n".join(out) + "\n", encoding="utf-8")


def edit_venues(ds: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    path = ds / "venues.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def road_file(ds: Path) -> Path:
    return next(p for p in ds.iterdir() if p.suffix in {".graphml", ".osm", ".pbf", ".gpkg"})


# --------------------------------------------------------------------------- checks


def record(run: Run, name: str, code: int, text: str, ok: bool, detail: str = "") -> bool:
    tb = "Traceback (most recent call last)" in text
    ok = ok and not tb and code != 70
    last = text.strip().splitlines()[-1] if text.strip() else ""
    run.outcomes.append(Outcome(name, ok, code, tb, detail or last))
    mark = "ok  " if ok else "FAIL"
    print(f"{mark} {name:<52} exit {code:>3}{'  TRACEBACK' if tb else ''}  {detail}")
    return ok


def old_night_intact(run: Run) -> bool:
    now = digest(run.out / DATE)
    lost = len(set(run.reference) - set(now))
    run.files_lost += lost
    return now == run.reference and not leftovers(run.out)


def bad_dataset(
    run: Run, name: str, mutate: Callable[[Path], None], *, plan_ok: bool = False, want: str = ""
) -> None:
    """Both validate and plan on a mutated copy: exit 2 (or 0 when ``plan_ok``), agreeing."""
    ds = dataset_copy(run, name.replace(" ", "_").replace("/", "_"))
    mutate(ds)
    vcode, vtext = planner("validate", str(ds))
    pcode, ptext = planner(
        "plan",
        str(ds),
        "--date",
        DATE,
        "--time-limit",
        TIME_LIMIT,
        "--out",
        str(run.out),
        "--quiet",
    )
    expected = 0 if plan_ok else 2
    said = not want or (want.lower() in (vtext + ptext).lower())
    intact = plan_ok or old_night_intact(run)
    ok = vcode == expected and pcode == expected and said and intact
    detail = (
        f"validate {vcode}, plan {pcode}"
        + ("" if said else f", no '{want}'")
        + ("" if intact else ", old night changed")
    )
    record(run, name, pcode if vcode == pcode else max(vcode, pcode), vtext + ptext, ok, detail)
    if plan_ok:  # restore the reference night for the next cases
        good_night(run)


def good_night(run: Run) -> None:
    code, text = planner(
        "plan",
        str(run.good),
        "--date",
        DATE,
        "--time-limit",
        TIME_LIMIT,
        "--seed",
        "1",
        "--out",
        str(run.out),
        "--quiet",
    )
    if code != 0:
        sys.exit(f"the good night failed (exit {code}):\n{text}")
    run.reference = digest(run.out / DATE)


# --------------------------------------------------------------------------- cases


def settings_cases(run: Run) -> None:
    for section, key, value in [
        ("weights", "rotation", "inf"),
        ("weights", "rotation", "1e308"),
        ("weights", "kerawanan", "nan"),
        ("weights", "incidents", "-1"),
        ("routing", "exchange_rate_min", "1e300"),
        ("routing", "desa_decay", "0"),
        ("routing", "seed", "-1"),
        ("routing", "time_limit_s", "-5"),
        ("general", "metric_crs", '"EPSG:4326"'),
        ("general", "metric_crs", '"EPSG:999999"'),
        ("presence", "cap", "inf"),
        ("incidents", "half_life_days", "0"),
        ("incidents", "radius_m", "1e309"),
    ]:
        bad_dataset(
            run,
            f"settings {section}.{key} = {value}",
            lambda ds, s=section, k=key, v=value: set_toml(ds, s, k, v),
            want=key,
        )
    bad_dataset(
        run,
        "directive factor = inf on Durenan",
        lambda ds: append_toml(
            ds,
            '[[directives]]\nfrom = 2026-11-01\nto = 2026-12-31\nkecamatan = "Durenan"\n'
            'factor = inf\nreason = "x"',
        ),
        want="factor",
    )
    bad_dataset(
        run,
        "directive on unknown kecamatan",
        lambda ds: append_toml(
            ds,
            '[[directives]]\nfrom = 2026-11-01\nto = 2026-12-31\nkecamatan = "Atlantis"\n'
            'factor = 2\nreason = "x"',
        ),
        want="Atlantis",
    )
    bad_dataset(
        run,
        "directive on unknown venue",
        lambda ds: append_toml(
            ds,
            '[[directives]]\nfrom = 2026-11-01\nto = 2026-12-31\nvenue_id = "V9999"\n'
            'action = "exclude"\nreason = "x"',
        ),
        want="V9999",
    )
    bad_dataset(
        run,
        "directive with missing polygon file",
        lambda ds: append_toml(
            ds,
            '[[directives]]\nfrom = 2026-11-01\nto = 2026-12-31\npolygon = "nope.geojson"\n'
            'factor = 2\nreason = "x"',
        ),
        want="nope.geojson",
    )
    bad_dataset(
        run,
        "exclude and must-visit the same venue",
        lambda ds: append_toml(
            ds,
            '[[directives]]\nfrom = 2026-11-01\nto = 2026-12-31\nvenue_id = "V0001"\n'
            'action = "exclude"\nreason = "a"\n\n[[directives]]\nfrom = 2026-11-01\n'
            'to = 2026-12-31\nvenue_id = "V0001"\naction = "must_visit"\nreason = "b"',
        ),
        want="V0001",
    )
    for flag in ["-1", "0", "nan", "inf"]:
        code, text = planner(
            "plan",
            str(run.good),
            "--date",
            DATE,
            "--time-limit",
            flag,
            "--out",
            str(run.out),
            "--quiet",
        )
        record(run, f"--time-limit {flag}", code, text, code == 2 and old_night_intact(run))


def road_cases(run: Run) -> None:
    def writer(content: bytes) -> Callable[[Path], None]:
        def mutate(ds: Path) -> None:
            road_file(ds).write_bytes(content)

        return mutate

    def truncate(ds: Path) -> None:
        p = road_file(ds)
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])

    bad_dataset(run, "roads: empty file", writer(b""))
    bad_dataset(run, "roads: not XML", writer(b"this is not a road network\n"))
    bad_dataset(run, "roads: an HTML page", writer(b"<!doctype html><html><body>404</body></html>"))
    bad_dataset(run, "roads: binary", writer(bytes(range(256)) * 64))
    bad_dataset(run, "roads: truncated", truncate)


def text_cases(run: Run) -> None:
    hostile = {
        "markup close": "[/red]",
        "markup link": "[link=http://x]klik[/link]",
        "html": "<img src=x onerror=alert(1)></script>",
        "formula": '=HYPERLINK("http://x","y")',
        "formula plus": "+1+1",
        "formula tab": "\t=1+1",
        "long name": "Warkop " + "x" * 100_000,
    }
    for label, text in hostile.items():

        def mutate(ds: Path, text: str = text) -> None:
            def change(rows: list[dict[str, str]]) -> None:
                rows[0]["name"] = text
                rows[1]["kind"] = rows[1]["kind"]  # untouched

            edit_venues(ds, change)

        ds = dataset_copy(run, f"text_{label.replace(' ', '_')}")
        mutate(ds)
        out = run.root / "out-text" / label.replace(" ", "_")
        code, out_text = planner(
            "plan", str(ds), "--date", DATE, "--time-limit", TIME_LIMIT, "--out", str(out)
        )
        # where the name is printed at all, it is printed as written (never as Rich markup)
        shown_as_text = "klik" not in out_text or text in out_text
        safe = True
        night = out / DATE
        for f in night.glob("*.csv") if night.is_dir() else []:
            with f.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.reader(fh, delimiter=";"):
                    for cell in row:
                        if cell[:1] in ("=", "+", "@", "\t", "\r") and not _number(cell):
                            safe = False
        record(
            run,
            f"venue name: {label}",
            code,
            out_text,
            code == 0 and shown_as_text and safe,
            "" if safe else "unsafe CSV cell",
        )
    squads = (run.good / "squads.toml").read_text(encoding="utf-8")
    for label, name in [("markup", "Regu [/b] Tugu"), ("link", "[link=http://x]klik[/link]")]:
        ds = dataset_copy(run, f"squad_{label}")
        (ds / "squads.toml").write_text(
            squads.replace('name = "Regu 1 Samapta Polres"', f'name = "{name}"', 1),
            encoding="utf-8",
        )
        out = run.root / "out-text" / f"squad_{label}"
        code, text = planner(
            "plan", str(ds), "--date", DATE, "--time-limit", TIME_LIMIT, "--out", str(out)
        )
        record(run, f"squad name: {label}", code, text, code == 0)
    ds = dataset_copy(run, "squad_ids_collide")
    (ds / "squads.toml").write_text(
        squads.replace('squad_id = "R01"', 'squad_id = "a/b"', 1).replace(
            'squad_id = "R02"', 'squad_id = "a_b"', 1
        ),
        encoding="utf-8",
    )
    code, vtext = planner("validate", str(ds))
    pcode, ptext = planner(
        "plan",
        str(ds),
        "--date",
        DATE,
        "--time-limit",
        TIME_LIMIT,
        "--out",
        str(run.out),
        "--quiet",
    )
    record(
        run,
        "squad ids a/b and a_b",
        pcode,
        vtext + ptext,
        code == 2 and pcode == 2 and old_night_intact(run),
    )


def _number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell.replace(",", ".")))
    except ValueError:
        return False


def file_cases(run: Run) -> None:
    def utf16(ds: Path) -> None:  # with a byte-order mark: read as it is
        p = ds / "venues.csv"
        p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16"))

    bad_dataset(run, "venues.csv in UTF-16 with BOM", utf16, plan_ok=True)

    def utf16le(ds: Path) -> None:  # no byte-order mark: one problem naming the encoding
        p = ds / "venues.csv"
        p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16-le"))

    bad_dataset(run, "venues.csv in UTF-16 without BOM", utf16le, want="encoding")

    def bad_rows(ds: Path) -> None:
        def change(rows: list[dict[str, str]]) -> None:
            for r in rows[::3]:
                r["lat"] = "abc"

        edit_venues(ds, change)

    bad_dataset(run, "a third of the venues with lat = abc", bad_rows)

    def outside(ds: Path) -> None:
        def change(rows: list[dict[str, str]]) -> None:
            rows[5]["lat"], rows[5]["lon"] = "-6.2", "106.8"  # Jakarta

        edit_venues(ds, change)

    bad_dataset(run, "a venue in Jakarta", outside)

    # A folder that cannot be written (root ignores permission bits, so: a file in the way, and
    # a kernel file system): exit 73 before anything is solved.
    blocker = run.root / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    for label, target in [("under a file", blocker / "maps"), ("in /proc", Path("/proc/maps"))]:
        t0 = time.perf_counter()
        code, text = planner("plan", str(run.good), "--date", DATE, "--time-limit", TIME_LIMIT,
                             "--out", str(target))  # fmt: skip
        quick = time.perf_counter() - t0 < 8.0  # refused before the solve, not after it
        record(run, f"output folder {label}", code, text, code == 73 and quick,
               f"{time.perf_counter() - t0:.1f} s")  # fmt: skip

    ds = dataset_copy(run, "visits_missing")
    code, text = planner("visits", "import", str(ds / "nope.csv"), str(ds))
    record(
        run,
        "visits import: missing file",
        code,
        text,
        code == 2 and not (ds / "history.sqlite").exists(),
        "history.sqlite created" if (ds / "history.sqlite").exists() else "",
    )
    bad = ds / "bad.csv"
    bad.write_text("foo;bar\n1;2\n", encoding="utf-8")
    code, text = planner("visits", "import", str(bad), str(ds))
    record(
        run,
        "visits import: bad header",
        code,
        text,
        code == 2 and not (ds / "history.sqlite").exists(),
    )


def check_cases(run: Run) -> None:
    plan_path = run.out / DATE / "plan.json"
    code, text = planner("check", str(plan_path))
    record(run, "check: the good plan", code, text, code == 0)
    doc = json.loads(plan_path.read_text(encoding="utf-8"))
    tampered = run.root / "tampered"
    tampered.mkdir(exist_ok=True)

    def routes(d: dict) -> list[dict]:
        return d["plan"]["routes"] if "plan" in d else d["routes"]

    cases: dict[str, Callable[[dict], None]] = {}

    def unknown_venue(d: dict) -> None:
        r = next(r for r in routes(d) if r["stops"])
        r["stops"][0]["venue_id"] = "V9999"

    cases["unknown venue"] = unknown_venue

    def unknown_squad(d: dict) -> None:
        routes(d)[0]["squad_id"] = "NOPE"

    cases["unknown squad"] = unknown_squad

    def swap(d: dict) -> None:
        confined = [r for r in routes(d) if r["stops"] and r["squad_id"].startswith("PS-")]
        a, b = confined[0], confined[1]
        a["stops"][0]["venue_id"], b["stops"][0]["venue_id"] = (
            b["stops"][0]["venue_id"],
            a["stops"][0]["venue_id"],
        )

    cases["venues swapped between two Polsek squads"] = swap
    for label, change in cases.items():
        d = json.loads(json.dumps(doc))
        try:
            change(d)
        except (KeyError, IndexError, StopIteration) as exc:
            record(run, f"check: {label}", -1, "", False, f"could not build ({exc!r})")
            continue
        p = tampered / f"{label.replace(' ', '_')}.json"
        p.write_text(json.dumps(d), encoding="utf-8")
        code, text = planner("check", str(p))
        record(run, f"check: {label}", code, text, code not in (0, 70))


def kill_cases(run: Run, kills: int, rng: random.Random) -> None:
    for i in range(kills):
        delay = rng.uniform(0.5, 12.0)
        env = {**os.environ, "NO_COLOR": "1"}
        p = subprocess.Popen(
            [
                *PLANNER,
                "plan",
                str(run.good),
                "--date",
                DATE,
                "--time-limit",
                "2",
                "--seed",
                str(i + 2),
                "--out",
                str(run.out),
                "--quiet",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        time.sleep(delay)
        killed = p.poll() is None
        if killed:
            os.kill(p.pid, signal.SIGKILL)
        p.wait()
        time.sleep(0.5)
        run.kills += 1
        night = run.out / DATE
        now = digest(night)
        complete = now == run.reference or (set(now) == set(run.reference) and all(now.values()))
        orphans = _orphan_workers(p.pid)
        # The next good run must clean up whatever the kill left.
        good_night(run)
        clean = not leftovers(run.out)
        ok = complete and clean and not orphans
        run.kills_survived += ok
        record(
            run,
            f"kill -9 after {delay:4.1f} s" + ("" if killed else " (had ended)"),
            -9,
            "",
            ok,
            ("" if complete else "night incomplete ")
            + ("" if clean else "leftovers ")
            + (f"{orphans} orphan workers" if orphans else ""),
        )


def _orphan_workers(pgid: int) -> int:
    """Processes still alive in the killed plan's session (its solver workers)."""
    time.sleep(1.5)
    alive = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[3]) == pgid and stat[0] != "Z":  # stat[3] = pgrp
            alive += 1
    return alive


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venues", type=int, default=300)
    ap.add_argument("--kills", type=int, default=8)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="adversarial-"))
    try:
        good = root / "demo"
        code, text = planner("demo", "--venues", str(args.venues), "--out", str(good))
        if code != 0:
            sys.exit(text)
        run = Run(root=root, good=good, out=root / "maps")
        t0 = time.perf_counter()
        good_night(run)
        ref_s = time.perf_counter() - t0
        print(
            f"reference: the good night ({args.venues} venues) exit 0 in {ref_s:.1f} s, "
            f"{len(run.reference)} files"
        )
        settings_cases(run)
        road_cases(run)
        text_cases(run)
        file_cases(run)
        check_cases(run)
        kill_cases(run, args.kills, random.Random(args.seed))
        total = len(run.outcomes)
        passed = sum(o.ok for o in run.outcomes)
        tracebacks = sum(o.traceback for o in run.outcomes)
        exit70 = sum(o.code == 70 for o in run.outcomes)
        elapsed = time.perf_counter() - t0
        print()
        print(
            f"cases {total}, passed {passed}, tracebacks {tracebacks}, exit 70 {exit70}, "
            f"files lost {run.files_lost}, kills survived {run.kills_survived}/{run.kills}; "
            f"{elapsed:.0f} s = {elapsed / ref_s:.1f} × the good night"
        )
        sys.exit(0 if passed == total else 1)
    finally:
        if args.keep:
            print(f"work folder: {root}")
        else:
            for p in root.rglob("*"):
                if p.is_dir():
                    p.chmod(0o700)
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
