"""Tests of planner.history.record: writing visits all or nothing, re-imports and conflicts, hand-typed
visits, simulated nights, and imports killed or run at the same time in other processes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from history.support import DESA, NOW, REPO, template_row, write_csv

from planner import history as h
from planner.domain import WIB, Night, Plan, Route, Stop
from planner.errors import InputError


def test_conflicting_reimport_is_rejected_unless_replace(tmp_path, known, store):
    p1 = write_csv(tmp_path / "a.csv", list(h.TEMPLATE_COLUMNS), [template_row(jumlah_warga="5")])
    p2 = write_csv(tmp_path / "b.csv", list(h.TEMPLATE_COLUMNS), [template_row(jumlah_warga="9")])
    h.import_file(store, p1, known, now=NOW)
    with pytest.raises(InputError) as exc:
        h.import_file(store, p2, known, now=NOW)
    assert "--ganti" in exc.value.problems[0].expected("id")
    assert h.visits_between(store).iloc[0]["people_met"] == 5
    res = h.import_file(store, p2, known, now=NOW, replace=True)
    assert res.visits_replaced == 1 and res.visits_new == 0
    assert h.visits_between(store).iloc[0]["people_met"] == 9
    assert store.counts()["visits"] == 1


def test_add_visit_by_hand(known, store):
    res = h.add_visit(
        store,
        {"tanggal": "2024-05-03", "regu": "R01", "venue_id": "V2", "tiba": "20:15",
         "laporan_kategori": "miras", "laporan_isi": "pesta miras tiap malam minggu"},
        known,
        now=NOW,
    )  # fmt: skip
    assert (res.visits_new, res.reports_new) == (1, 1)
    with pytest.raises(InputError) as exc:
        h.add_visit(store, {"tanggal": "2024-05-03", "regu": "R01", "venue_id": "V0",
                            "tiba": "20:15"}, known, now=NOW)  # fmt: skip
    assert exc.value.problems[0].column == "venue_id"
    with pytest.raises(InputError):
        h.add_visit(store, {"tanggal": "2024-05-03", "kolom_aneh": "x"}, known, now=NOW)


def test_record_plan_records_planned_stops_once(store):
    night = Night(dt.date(2024, 5, 5))
    stops = (
        Stop("V1", 32400, 32400, 33900, 600, 5000.0, 2.0),  # 21:00-21:25
        Stop("V2", 36000, 36300, 37800, 900, 7000.0, 1.0),
    )
    plan = Plan(night, (Route("R01", "POLRES", 31800, 40000, stops, 600, 4000.0),))
    res = h.record_plan(
        store, plan, venue_desa=DESA, reports={"V2": [h.ReportIn("judi", "judi kartu", True)]}
    )
    assert (res.visits_new, res.reports_new) == (2, 1)
    assert h.record_plan(store, plan, venue_desa=DESA, reports={
        "V2": [h.ReportIn("judi", "judi kartu", True)]}).visits_existing == 2  # fmt: skip
    visits = h.visits_between(store)
    assert list(visits["plan_order"]) == [1, 2]
    assert visits.iloc[1]["arrived_at"] == pd.Timestamp("2024-05-05 22:05", tz=WIB)
    assert h.last_visits(store, before=night.at(24 * 60))["V2"] == night.at(605)


# ----------------------------------------------------------------------------- processes

CHILD = textwrap.dedent(
    """
    import sys, time, datetime as dt
    from planner import history as h
    from planner.config import Settings
    from planner.domain import WIB
    store_path, csv_path, n_venues, pause_at, sleep_s = sys.argv[1:6]
    known = h.Known.from_settings(
        Settings(), venue_ids=[f"V{i:05d}" for i in range(int(n_venues))], squad_ids=None
    )
    def progress(done, total):
        if done == int(pause_at):
            print("MID", flush=True)
        if float(sleep_s):
            time.sleep(float(sleep_s))
    with h.open_store(store_path) as store:
        res = h.import_file(store, csv_path, known, progress=progress,
                            now=dt.datetime(2030, 1, 1, tzinfo=WIB))
    print("DONE", res.visits_new, res.visits_existing, flush=True)
    """
)


def big_sheet(path: Path, n: int, *, squad: str = "R01", start: int = 0) -> Path:
    """n visits, each with one report; one venue per visit; one night per 8 visits."""
    rows = []
    for i in range(start, start + n):
        night = dt.date(2024, 1, 1) + dt.timedelta(days=i // 8)
        tiba = f"{(19 + i % 8) % 24:02d}:10"  # 19:10 … 02:10
        rows.append(
            template_row(tanggal=night.isoformat(), regu=squad, venue_id=f"V{i:05d}", tiba=tiba,
                         berangkat=tiba[:3] + "40", jumlah_warga=str(i % 30),
                         laporan_kategori="sosial", laporan_isi=f"laporan {i}", dirujuk_ke="PLN")
        )  # fmt: skip
    return write_csv(path, list(h.TEMPLATE_COLUMNS), rows)


def child(store: Path, sheet: Path, n_venues: int, pause_at: int, sleep_s: float):
    # stderr to a file: a full pipe would block the child while we wait on stdout
    with open(store.parent / f"child-{time.monotonic_ns()}.err", "w") as errlog:
        args = [str(store), str(sheet), str(n_venues), str(pause_at), str(sleep_s)]
        return subprocess.Popen(
            [sys.executable, "-c", CHILD, *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=errlog,
            text=True,
        )


def check_store(path: Path) -> dict[str, int]:
    with h.open_store(path) as s:
        assert s.integrity_ok()
        return s.counts()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_kill_during_import_leaves_store_unchanged_or_complete(tmp_path):
    n = 4000
    sheet = big_sheet(tmp_path / "big.csv", n)
    store = tmp_path / "history.sqlite"
    check_store(store)  # created empty
    # 1. killed for sure inside the write transaction (the progress hook pauses half way)
    proc = child(store, sheet, n, n // 2, 0.0005)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "MID", next(iter(tmp_path.glob("*.err"))).read_text()[-2000:]
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert check_store(store)["visits"] == 0
    # 2. killed at an arbitrary moment (maybe before, during or after the transaction)
    for delay_s in (0.3, 1.2, 2.0):
        proc = child(store, sheet, n, -1, 0.0)
        time.sleep(delay_s)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        counts = check_store(store)
        assert counts["visits"] in (0, n)
        assert counts["reports"] == counts["visits"]
    # 3. after all that, a clean import completes and a second one adds nothing
    for _ in range(2):
        proc = child(store, sheet, n, -1, 0.0)
        proc.communicate(timeout=120)
        assert proc.returncode == 0
    counts = check_store(store)
    assert counts["visits"] == n and counts["reports"] == n


def test_two_imports_at_once_both_succeed(tmp_path):
    n = 600
    a = big_sheet(tmp_path / "a.csv", n, squad="R01", start=0)
    b = big_sheet(tmp_path / "b.csv", n, squad="R02", start=n)
    store = tmp_path / "history.sqlite"
    check_store(store)
    # slow writers (a short sleep per visit) so the two transactions surely overlap in time
    procs = [child(store, sheet, 2 * n, 1, 0.002) for sheet in (a, b, a)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    done = sorted(out.split("MID")[-1].split() [1:] for out, _ in outs)  # fmt: skip
    # a and b add n each; the second import of a (whichever ran later) adds nothing
    assert done == [["0", str(n)], [str(n), "0"], [str(n), "0"]]
    counts = check_store(store)
    assert counts["visits"] == 2 * n and counts["reports"] == 2 * n
    assert counts["imports"] == 3
