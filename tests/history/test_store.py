"""Tests of planner.history.store: the SQLite file, its schema version and migrations."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from history.support import NOW

from planner import history as h
from planner.config import Settings
from planner.domain import WIB
from planner.errors import PlannerError
from planner.history.store import _MIGRATIONS


def test_new_store_is_at_current_schema_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "history.sqlite"
    with h.open_store(path) as s:
        assert s.schema_version == h.SCHEMA_VERSION
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
        assert s.integrity_ok()
        assert s.counts() == {"visits": 0, "reports": 0, "imports": 0}


def test_migration_from_version_1_keeps_data(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for stmt in _MIGRATIONS[1]:
        conn.execute(stmt)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO visits (night, squad_id, venue_id, arrived_at, planned, recorded_at)"
        " VALUES ('2024-05-01', 'R01', 'V1', '2024-05-01T21:00:00+07:00', 1, 'x')"
    )
    conn.commit()
    conn.close()
    with h.open_store(path) as s:
        assert s.schema_version == 2
        assert s.counts() == {"visits": 1, "reports": 0, "imports": 0}
        assert h.last_visits(s, before=NOW) == {"V1": dt.datetime(2024, 5, 1, 21, 0, tzinfo=WIB)}


def test_store_from_a_newer_planner_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {h.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(PlannerError, match="newer planner"):
        h.open_store(path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database at all, just text" * 100)
    with pytest.raises(PlannerError) as exc:
        h.open_store(path)
    assert "bukan berkas riwayat" in exc.value.render("id")


def test_default_store_path_follows_settings(tmp_path):
    assert h.default_store_path(tmp_path) == tmp_path / "history.sqlite"
    s = Settings().with_overrides(history={"store": "log/visits.sqlite"})
    assert h.default_store_path(tmp_path, s) == tmp_path / "log" / "visits.sqlite"
