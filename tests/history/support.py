"""Shared helpers of the visit-log tests: a small dataset, template rows, CSV files.

Imported as ``history.support`` (``tests/`` is on the path); the fixtures built on them are in
``conftest.py`` next to this file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from planner import history as h
from planner.config import Settings
from planner.domain import WIB

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=WIB)
VENUES = [f"V{i}" for i in range(1, 6)]
DESA = {"V1": "D1", "V2": "D1", "V3": "D2", "V4": "D3", "V5": None}


def make_known() -> h.Known:
    """Five venues in three desa (V5 without one), squads R01 and R02, default settings."""
    return h.Known.from_settings(
        Settings(), venue_ids=VENUES, venue_desa=DESA, squad_ids=["R01", "R02"]
    )


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, delimiter=",") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def template_row(**kw: str) -> list[str]:
    base = dict.fromkeys(h.TEMPLATE_COLUMNS, "")
    base.update(tanggal="2024-05-01", regu="R01", venue_id="V1", tiba="21:30")
    base.update(kw)
    return [base[c] for c in h.TEMPLATE_COLUMNS]


def dump(store: h.HistoryStore) -> list:
    conn = store.conn
    return [
        conn.execute("SELECT * FROM visits ORDER BY visit_id").fetchall(),
        conn.execute("SELECT * FROM reports ORDER BY report_id").fetchall(),
    ]
