"""The visit log's SQLite file: schema, migrations, opening and transactions.

The store is a plain SQLite file (default ``<dataset>/history.sqlite``; QGIS and any SQLite tool
open it). Reliability:

- the schema carries a version (``PRAGMA user_version``) and is migrated forward on open, one
  transaction per step;
- every write is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``): a file is imported whole or
  not at all, even if the process is killed half way;
- WAL journal and a busy timeout: two planners importing at once both succeed, one waiting for
  the other.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from planner.config import Settings
from planner.errors import PlannerError, output_error
from planner.text import msg

SCHEMA_VERSION = 2
"""The schema version this code writes; older stores are migrated on open."""

DEFAULT_STORE_NAME = "history.sqlite"

_MIGRATIONS: dict[int, tuple[str, ...]] = {
    # version → the statements that bring a store from the version before to it
    1: (
        """CREATE TABLE visits (
            visit_id    INTEGER PRIMARY KEY,
            night       TEXT NOT NULL,             -- YYYY-MM-DD (WIB), the night's date
            squad_id    TEXT NOT NULL,
            venue_id    TEXT NOT NULL,
            arrived_at  TEXT NOT NULL,             -- ISO 8601 with +07:00
            left_at     TEXT,
            people_met  INTEGER CHECK (people_met IS NULL OR people_met >= 0),
            notes       TEXT NOT NULL DEFAULT '',
            planned     INTEGER NOT NULL CHECK (planned IN (0, 1)),
            plan_order  INTEGER,
            source      TEXT NOT NULL DEFAULT '',
            recorded_at TEXT NOT NULL,
            UNIQUE (night, squad_id, venue_id)
        )""",
        "CREATE INDEX visits_venue_arrived ON visits (venue_id, arrived_at)",
        """CREATE TABLE reports (
            report_id     INTEGER PRIMARY KEY,
            visit_id      INTEGER NOT NULL REFERENCES visits (visit_id) ON DELETE CASCADE,
            seq           INTEGER NOT NULL,        -- order within the visit, from 1
            reported_at   TEXT NOT NULL,           -- the visit's arrival
            venue_id      TEXT NOT NULL,
            desa_code     TEXT,
            category      TEXT NOT NULL,
            text          TEXT NOT NULL,
            police_matter INTEGER NOT NULL CHECK (police_matter IN (0, 1)),
            agency        TEXT,
            status        TEXT NOT NULL
                          CHECK (status IN ('baru', 'ditindaklanjuti', 'dirujuk', 'selesai')),
            due_date      TEXT,
            closed_date   TEXT,
            outcome       TEXT NOT NULL DEFAULT '',
            UNIQUE (visit_id, seq)
        )""",
        "CREATE INDEX reports_reported ON reports (reported_at)",
        "CREATE INDEX reports_status ON reports (status, due_date)",
    ),
    2: (
        """CREATE TABLE imports (
            import_id   INTEGER PRIMARY KEY,
            source      TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            visits_new  INTEGER NOT NULL,
            visits_existing INTEGER NOT NULL,
            visits_replaced INTEGER NOT NULL,
            reports_new INTEGER NOT NULL
        )""",
    ),
}


class HistoryStore:
    """An open visit log (a SQLite file, or ``":memory:"`` for simulations and tests).

    Use as a context manager, or call :meth:`close`. The schema is created or migrated on open.

    Parameters
    ----------
    path
        The SQLite file; created with its folder when missing. ``":memory:"`` keeps everything
        in memory.
    busy_timeout_s
        How long a writer waits for another planner's transaction before giving up.
    """

    def __init__(self, path: Path | str, *, busy_timeout_s: float = 30.0) -> None:
        self.path = path if str(path) == ":memory:" else Path(path)
        name = str(self.path)
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(
                name, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
            )
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            if name != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise PlannerError(
                msg(
                    f"{name} bukan berkas riwayat kunjungan yang bisa dibaca ({exc})",
                    f"{name} is not a readable visit-log file ({exc})",
                )
            ) from None

    # -- lifecycle
    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection to the file."""
        self.conn.close()

    def _close_quietly(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()

    @property
    def name(self) -> str:
        """The file as messages name it (or ``":memory:"``)."""
        return str(self.path)

    @property
    def schema_version(self) -> int:
        """The schema version of the open file (``PRAGMA user_version``)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``: takes the write lock up front, waiting
        up to the busy timeout); rolled back on any error.

        A full disk (SQLite's ``SQLITE_FULL``, which may already have rolled the transaction
        back itself) is an :class:`~planner.errors.OutputError` naming the file; nothing of the
        transaction is stored.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                with suppress(sqlite3.Error):  # the error that matters is ``exc``
                    self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error) and _disk_full(exc):
                raise output_error(
                    self.name,
                    OSError(errno.ENOSPC, "disk full"),
                    then=msg("Riwayat kunjungan tidak berubah.", "The visit log is unchanged."),
                ) from exc
            raise

    def _migrate(self, *, target: int = SCHEMA_VERSION) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise PlannerError(
                msg(
                    f"{self.name} dibuat oleh versi planner yang lebih baru (skema {version}, "
                    f"versi ini mengenal sampai {SCHEMA_VERSION}); perbarui planner",
                    f"{self.name} was written by a newer planner (schema {version}, this one "
                    f"knows up to {SCHEMA_VERSION}); update the planner",
                )
            )
        while version < target:
            nxt = version + 1
            with self.transaction() as conn:
                # Re-read inside the lock: another process may have migrated meanwhile.
                if int(conn.execute("PRAGMA user_version").fetchone()[0]) == version:
                    for stmt in _MIGRATIONS[nxt]:
                        conn.execute(stmt)
                    conn.execute(f"PRAGMA user_version = {nxt}")
            version = self.schema_version

    def integrity_ok(self) -> bool:
        """``PRAGMA integrity_check`` and the foreign keys are fine."""
        ok = self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return ok and not self.conn.execute("PRAGMA foreign_key_check").fetchall()

    def counts(self) -> dict[str, int]:
        """Number of rows in each table."""
        return {
            t: int(self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in ("visits", "reports", "imports")
        }


def _disk_full(exc: sqlite3.Error) -> bool:
    """SQLite says the disk (or the file's size limit) is full."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == sqlite3.SQLITE_FULL)
    return "full" in str(exc)  # pragma: no cover - Python < 3.11 has no error codes


def default_store_path(dataset_root: Path | str, settings: Settings | None = None) -> Path:
    """Where a dataset keeps its visit log: ``<dataset>/history.sqlite`` by default."""
    name = settings.history.store if settings is not None else DEFAULT_STORE_NAME
    return Path(dataset_root) / name


def open_store(path: Path | str, *, busy_timeout_s: float = 30.0) -> HistoryStore:
    """Open (creating or migrating) the visit log at ``path``."""
    return HistoryStore(path, busy_timeout_s=busy_timeout_s)


__all__ = [
    "DEFAULT_STORE_NAME",
    "SCHEMA_VERSION",
    "HistoryStore",
    "default_store_path",
    "open_store",
]
