"""The visit log: visits, community reports and referrals, kept in one SQLite file per dataset.

What the squads bring back from a night (who went where, how many people they met, what people
raised, what was passed to which agency) is imported here and fed back into the next nights'
scores (:func:`last_visits`, :func:`recent_reports`).

The store is a plain SQLite file (default ``<dataset>/history.sqlite``; QGIS and any SQLite tool
open it). Reliability:

- the schema carries a version (``PRAGMA user_version``) and is migrated forward on open;
- every write is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``): a file is imported whole or
  not at all, even if the process is killed half way;
- WAL journal and a busy timeout: two planners importing at once both succeed, one waiting for
  the other.

Imports are validated completely before anything is written; every problem is reported at once
as an :class:`~planner.errors.InputError`. Visits have a natural key (night, squad, venue), so
importing the same file twice adds nothing the second time. See ``docs/history.md`` for the
template and the schema.

This module sits in the middle layer: it does not read datasets itself. The caller hands it what
to validate against (:class:`Known`), e.g. ``Known.from_dataset(dataset)``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from planner._atomic import write_bytes, write_text
from planner.config import Settings
from planner.domain import WIB, Night, Plan, Window, parse_clock, parse_window
from planner.errors import InputError, PlannerError, Problem, ProblemCollector
from planner.text import Lang, Msg, msg

SCHEMA_VERSION = 2
"""The schema version this code writes; older stores are migrated on open."""

Status = Literal["baru", "ditindaklanjuti", "dirujuk", "selesai"]
STATUSES: tuple[Status, ...] = ("baru", "ditindaklanjuti", "dirujuk", "selesai")
OPEN_STATUSES: tuple[Status, ...] = ("baru", "ditindaklanjuti", "dirujuk")

DEFAULT_STORE_NAME = "history.sqlite"

ProgressFn = Callable[[int, int], None]
"""``progress(done, total)``, called while visits are written (inside the transaction)."""

# Columns of the visit template, in order (docs/history.md). The route sheet written by the
# integrator (rencana-patroli-<date>.csv) has the informational columns too.
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "tanggal",
    "regu",
    "venue_id",
    "tiba",
    "berangkat",
    "jumlah_warga",
    "sesuai_rencana",
    "catatan",
    "laporan_kategori",
    "laporan_isi",
    "urusan_polisi",
    "dirujuk_ke",
    "status",
    "batas_waktu",
    "tanggal_selesai",
    "hasil",
)
INFO_COLUMNS: tuple[str, ...] = (
    "urutan",
    "nama",
    "desa",
    "kecamatan",
    "rencana_tiba",
    "rencana_mulai",
    "rencana_berangkat",
    "prioritas",
    "perhatian",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("tanggal", "regu", "venue_id", "tiba")
# The columns a squad fills in; a route-sheet row with all of them empty was not visited.
FILL_COLUMNS: tuple[str, ...] = (
    "tiba",
    "berangkat",
    "jumlah_warga",
    "catatan",
    "laporan_kategori",
    "laporan_isi",
    "urusan_polisi",
    "dirujuk_ke",
)
_VISIT_COLUMNS = ("tiba", "berangkat", "jumlah_warga", "sesuai_rencana", "catatan")
_MAX_PEOPLE = 1000
_YES = {"ya", "y", "yes", "true", "1", "iya", "benar"}
_NO = {"tidak", "t", "no", "n", "false", "0", "bukan", "tdk"}


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ReportIn:
    """One issue raised during a visit (a complaint, an aspiration, a tip)."""

    category: str
    text: str
    police_matter: bool
    agency: str | None = None
    status: Status = "baru"
    due_date: dt.date | None = None
    closed_date: dt.date | None = None
    outcome: str = ""


@dataclass(frozen=True)
class VisitIn:
    """One visit of one squad to one venue on one night, with the reports it brought back.

    ``arrived_at``/``left_at`` are timezone-aware. The natural key is ``(night, squad_id,
    venue_id)``: a squad visits a venue at most once a night.
    """

    night: dt.date
    squad_id: str
    venue_id: str
    arrived_at: dt.datetime
    left_at: dt.datetime | None = None
    people_met: int | None = None
    notes: str = ""
    planned: bool = True
    plan_order: int | None = None
    desa_code: str | None = None
    reports: tuple[ReportIn, ...] = ()
    row: int | None = field(default=None, compare=False)
    """The spreadsheet row it came from (for messages), not stored."""

    def __post_init__(self) -> None:
        if self.arrived_at.tzinfo is None:
            raise ValueError("arrived_at must be timezone-aware")
        if self.left_at is not None and self.left_at.tzinfo is None:
            raise ValueError("left_at must be timezone-aware")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.night.isoformat(), self.squad_id, self.venue_id)


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    file: str
    rows: int
    """Data rows read (blank rows not counted)."""
    not_visited: int
    """Route-sheet rows left empty by the squad (planned but not visited)."""
    visits_new: int
    visits_existing: int
    """Visits already in the store with the same content (a re-import): nothing written."""
    visits_replaced: int
    reports_new: int

    def message(self, lang: Lang = "id") -> str:
        if self.visits_new == 0 and self.visits_replaced == 0 and self.visits_existing > 0:
            return msg(
                f"{self.file}: sudah diimpor sebelumnya: 0 kunjungan baru "
                f"({self.visits_existing} sudah tercatat)",
                f"{self.file}: already imported: 0 new visits "
                f"({self.visits_existing} already recorded)",
            )(lang)
        parts = msg(
            f"{self.file}: {self.visits_new} kunjungan baru, {self.reports_new} laporan baru",
            f"{self.file}: {self.visits_new} new visits, {self.reports_new} new reports",
        )(lang)
        extra = []
        if self.visits_existing:
            extra.append(
                msg(f"{self.visits_existing} sudah tercatat", f"{self.visits_existing} existing")
            )
        if self.visits_replaced:
            extra.append(msg(f"{self.visits_replaced} diganti", f"{self.visits_replaced} replaced"))
        if self.not_visited:
            extra.append(
                msg(
                    f"{self.not_visited} baris tidak dikunjungi",
                    f"{self.not_visited} rows not visited",
                )
            )
        if extra:
            parts += " (" + ", ".join(m(lang) for m in extra) + ")"
        return parts


@dataclass(frozen=True)
class Known:
    """What imported rows are validated against (handed in by the caller).

    Attributes
    ----------
    venue_ids
        The dataset's venue ids.
    venue_desa
        venue_id → desa_code, stored with each report so desa-level scoring works.
    squad_ids
        Known squad ids, or ``None`` to accept any non-empty squad id.
    agencies
        Agencies a report may be referred to (``settings.history.agencies``).
    categories
        Report categories: the incident categories plus ``settings.history.report_categories``.
    police_categories
        Categories that are a police matter unless the row says otherwise (the incident ones).
    visit_window
        Visits must lie inside this window on the night clock.
    due_days
        Default follow-up due date: the night plus this many days.
    """

    venue_ids: frozenset[str]
    venue_desa: Mapping[str, str | None] = field(default_factory=dict)
    squad_ids: frozenset[str] | None = None
    agencies: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    police_categories: frozenset[str] = frozenset()
    visit_window: Window = field(default_factory=lambda: parse_window("16:00-08:00"))
    due_days: int = 14

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        venue_ids: Iterable[str],
        venue_desa: Mapping[str, str | None] | None = None,
        squad_ids: Iterable[str] | None = None,
    ) -> Known:
        """Build from the settings and the dataset's ids."""
        incident_cats = list(settings.incidents.categories)
        cats = list(dict.fromkeys([*incident_cats, *settings.history.report_categories]))
        police = frozenset(c for c in incident_cats if c != "lainnya")
        return cls(
            venue_ids=frozenset(str(v) for v in venue_ids),
            venue_desa=dict(venue_desa or {}),
            squad_ids=None if squad_ids is None else frozenset(str(s) for s in squad_ids),
            agencies=tuple(settings.history.agencies),
            categories=tuple(cats),
            police_categories=police,
            visit_window=parse_window(settings.history.visit_window),
            due_days=settings.history.followup_due_days,
        )

    @classmethod
    def from_dataset(cls, dataset: Any, *, squad_ids: Iterable[str] | None = None) -> Known:
        """Build from a ``sources.Dataset`` (duck-typed: ``venues``, ``squads``, ``settings``).

        ``squad_ids`` adds ids to the roster's (squads change between nights).
        """
        venues = dataset.venues
        desa = venues["desa_code"] if "desa_code" in venues.columns else [None] * len(venues)
        vd = {
            str(v): (None if d is None or (isinstance(d, float) and d != d) else str(d))
            for v, d in zip(venues["venue_id"], desa, strict=True)
        }
        squads = {s.squad_id for s in dataset.squads} | set(squad_ids or ())
        return cls.from_settings(
            dataset.settings, venue_ids=vd, venue_desa=vd, squad_ids=squads or None
        )


# ----------------------------------------------------------------------------- the store

_MIGRATIONS: dict[int, tuple[str, ...]] = {
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
        self.conn.close()

    def _close_quietly(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``: takes the write lock up front, waiting
        up to the busy timeout); rolled back on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

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


def default_store_path(dataset_root: Path | str, settings: Settings | None = None) -> Path:
    """Where a dataset keeps its visit log: ``<dataset>/history.sqlite`` by default."""
    name = settings.history.store if settings is not None else DEFAULT_STORE_NAME
    return Path(dataset_root) / name


def open_store(path: Path | str, *, busy_timeout_s: float = 30.0) -> HistoryStore:
    """Open (creating or migrating) the visit log at ``path``."""
    return HistoryStore(path, busy_timeout_s=busy_timeout_s)


# ----------------------------------------------------------------------------- reading files


def _norm_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path | str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Read a CSV or XLSX visit sheet into (header, [(spreadsheet row, cells)]).

    Rows before the header whose first cell starts with ``#`` are instructions and skipped; so
    are blank rows. Row numbers count as a spreadsheet does (the first line is row 1). In an
    XLSX file the sheet ``kunjungan`` is read (else the first sheet that is not ``petunjuk``).
    """
    path = Path(path)
    bag = ProblemCollector(path.name)
    if not path.exists():
        bag.add(value=str(path), expected=msg("berkas yang ada", "an existing file"))
        bag.raise_if_any()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _read_csv_rows(path, bag)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx_rows(path, bag)
    else:
        bag.add(
            value=path.suffix or path.name,
            expected=msg("berkas .csv atau .xlsx", "a .csv or .xlsx file"),
        )
        bag.raise_if_any()
        rows = []
    bag.raise_if_any()
    numbered = [(i + 1, [_cell_text(c) for c in r]) for i, r in enumerate(rows)]
    header_at = None
    for idx, (_, cells) in enumerate(numbered):
        if not any(cells):
            continue
        if cells[0].startswith("#"):
            continue
        header_at = idx
        break
    if header_at is None:
        bag.add(
            value=msg("berkas kosong", "empty file")("id"),
            expected=msg(
                "baris judul kolom (tanggal, regu, venue_id, tiba, …)",
                "a header row (tanggal, regu, venue_id, tiba, …)",
            ),
        )
        bag.raise_if_any()
        return [], []
    header = [_norm_header(c) for c in numbered[header_at][1]]
    body = [(n, cells) for n, cells in numbered[header_at + 1 :] if any(c for c in cells)]
    return header, body


def _read_csv_rows(path: Path, bag: ProblemCollector) -> list[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bag.add(
            value=f"byte {exc.start}",
            expected=msg(
                "teks UTF-8 (di Excel: Simpan Sebagai → CSV UTF-8)",
                "UTF-8 text (in Excel: Save As → CSV UTF-8)",
            ),
        )
        return []
    if "\x00" in text:
        bag.add(value="NUL", expected=msg("berkas teks CSV", "a CSV text file"))
        return []
    first = next(
        (ln for ln in text.splitlines() if ln.strip() and not ln.lstrip('"').startswith("#")), ""
    )
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        bag.add(value=str(exc), expected=msg("CSV yang valid", "valid CSV"))
        return []


def _read_xlsx_rows(path: Path, bag: ProblemCollector) -> list[list[Any]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        bag.add(value=str(exc), expected=msg("berkas Excel .xlsx", "an Excel .xlsx file"))
        return []
    try:
        names = wb.sheetnames
        if "kunjungan" in names:
            ws = wb["kunjungan"]
        else:
            candidates = [n for n in names if n.lower() != "petunjuk"]
            ws = wb[candidates[0]] if candidates else wb[names[0]]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


# ----------------------------------------------------------------------------- parsing rows


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})", text)
        if not m:
            raise ValueError(text)
        y, mo, d = int(m[3]), int(m[2]), int(m[1])
    if not 2000 <= y <= 2100:
        raise ValueError(text)
    return dt.date(y, mo, d)


def _parse_time(text: str, night: Night) -> dt.datetime:
    """A clock time (``21:30``, ``21.30``, ``21:30:00``) on the night, or a full datetime."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}[:.]\d{2})(?::\d{2})?", text)
    if m:
        day = dt.date.fromisoformat(m[1])
        h, mi = re.split(r"[:.]", m[2])
        when = dt.datetime.combine(day, dt.time(int(h), int(mi)), tzinfo=WIB)
        minutes = night.to_minutes(when)
        if not 0 <= minutes < 1440:
            raise ValueError("outside the night")
        return when
    text = re.sub(r"^(\d{1,2}[:.]\d{2})[:.]\d{2}$", r"\1", text)
    return night.at(parse_clock(text))


def _parse_bool(text: str) -> bool:
    t = text.strip().lower()
    if t in _YES:
        return True
    if t in _NO:
        return False
    raise ValueError(text)


def _date_ok(text: str) -> bool:
    try:
        _parse_date(text)
    except ValueError:
        return False
    return True


_E_DATE = msg("tanggal seperti 2024-05-01 atau 01/05/2024", "a date like 2024-05-01 or 01/05/2024")
_E_BOOL = msg("ya atau tidak", "ya (yes) or tidak (no)")


def parse_rows(
    header: Sequence[str],
    rows: Sequence[tuple[int, Sequence[str]]],
    known: Known,
    *,
    file: str,
    now: dt.datetime | None = None,
) -> tuple[list[VisitIn], int]:
    """Validate visit-sheet rows into visits (with their reports).

    Rows of the same (tanggal, regu, venue_id) are one visit; each such row adds one report.
    Returns ``(visits, not_visited)`` where ``not_visited`` counts route-sheet rows the squad
    left empty.

    Raises
    ------
    InputError
        With every problem found (row as a spreadsheet counts it, column, value, expected).
    """
    bag = ProblemCollector(file)
    now = now or dt.datetime.now(WIB)
    header = [_norm_header(h) for h in header]
    allowed = set(TEMPLATE_COLUMNS) | set(INFO_COLUMNS)
    seen: set[str] = set()
    for i, h in enumerate(header):
        if not h and all(i >= len(cells) or not cells[i] for _, cells in rows):
            continue  # an empty trailing column, as spreadsheets like to add
        if h not in allowed:
            bag.add(
                row=1,
                column=h or f"#{i + 1}",
                value=h,
                expected=msg(
                    "kolom yang dikenal: " + ", ".join(TEMPLATE_COLUMNS + INFO_COLUMNS),
                    "a known column: " + ", ".join(TEMPLATE_COLUMNS + INFO_COLUMNS),
                ),
            )
        elif h in seen:
            bag.add(row=1, column=h, value=h, expected=msg("kolom tidak ganda", "no duplicate"))
        seen.add(h)
    for col in REQUIRED_COLUMNS:
        if col not in header:
            bag.add(
                row=1,
                column=col,
                value=None,
                expected=msg(f"kolom wajib {col!r}", f"the required column {col!r}"),
            )
    bag.raise_if_any()

    agencies = {a.casefold(): a for a in known.agencies}
    categories = {c.casefold(): c for c in known.categories}
    window = known.visit_window
    not_visited = 0
    groups: dict[tuple[str, str, str], list[tuple[int, dict[str, str]]]] = {}
    for rownum, cells in rows:
        if len(cells) > len(header) and any(cells[len(header) :]):
            bag.add(
                row=rownum,
                value=cells[len(header)],
                expected=msg("tidak ada isi di luar kolom judul", "no cells beyond the header"),
            )
        rec = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        if not any(rec.get(c) for c in FILL_COLUMNS) and any(
            rec.get(c) for c in ("tanggal", "regu", "venue_id")
        ):
            not_visited += 1
            continue
        key = (rec.get("tanggal", ""), rec.get("regu", ""), rec.get("venue_id", ""))
        if _date_ok(key[0]):
            key = (_parse_date(key[0]).isoformat(), key[1], key[2])
        groups.setdefault(key, []).append((rownum, rec))

    visits: list[VisitIn] = []
    for (_, squad, venue), members in groups.items():
        rownum, rec = members[0]
        ok = True

        def bad(row: int, col: str, value: Any, expected: Msg) -> None:
            nonlocal ok
            ok = False
            bag.add(row=row, column=col, value=value, expected=expected)

        # visit columns must agree across the rows of one visit
        for r2, rec2 in members[1:]:
            for col in _VISIT_COLUMNS:
                a, b = rec.get(col, ""), rec2.get(col, "")
                if b and a != b:
                    bad(
                        r2,
                        col,
                        b,
                        msg(
                            f"sama dengan baris {rownum} ({a or 'kosong'}) karena kunjungan "
                            "yang sama; satu kunjungan per regu, tempat dan malam",
                            f"the same as row {rownum} ({a or 'empty'}) since it is the same "
                            "visit; one visit per squad, venue and night",
                        ),
                    )
        night: Night | None = None
        try:
            night = Night(_parse_date(rec["tanggal"]))
        except ValueError:
            bad(rownum, "tanggal", rec["tanggal"], _E_DATE)
        if not squad:
            bad(rownum, "regu", squad, msg("kode regu, mis. R01", "a squad id, e.g. R01"))
        elif known.squad_ids is not None and squad not in known.squad_ids:
            bad(
                rownum,
                "regu",
                squad,
                msg(
                    "regu yang dikenal: " + ", ".join(sorted(known.squad_ids)),
                    "a known squad: " + ", ".join(sorted(known.squad_ids)),
                ),
            )
        if venue not in known.venue_ids:
            bad(
                rownum,
                "venue_id",
                venue,
                msg(
                    "venue_id yang ada di daftar tempat (venues)",
                    "a venue_id from the venue list",
                ),
            )
        arrived = left = None
        if night is not None:
            for col in ("tiba", "berangkat"):
                text = rec.get(col, "")
                if not text:
                    if col == "tiba":
                        bad(
                            rownum,
                            col,
                            text,
                            msg("jam tiba, mis. 21:30", "the arrival time, e.g. 21:30"),
                        )
                    continue
                try:
                    when = _parse_time(text, night)
                except ValueError:
                    bad(
                        rownum,
                        col,
                        text,
                        msg(
                            f"jam seperti 21:30 atau 21.30 pada malam {night}",
                            f"a time like 21:30 or 21.30 on the night of {night}",
                        ),
                    )
                    continue
                minutes = night.to_minutes(when)
                if not window.start_min <= minutes <= window.end_min:
                    bad(
                        rownum,
                        col,
                        text,
                        msg(
                            f"jam di dalam malam patroli ({window})",
                            f"a time inside the patrol night ({window})",
                        ),
                    )
                    continue
                if when > now:
                    bad(
                        rownum,
                        col,
                        when.strftime("%Y-%m-%d %H:%M"),
                        msg("waktu yang sudah lewat", "a time in the past"),
                    )
                    continue
                if col == "tiba":
                    arrived = when
                else:
                    left = when
            if arrived is not None and left is not None and left <= arrived:
                bad(
                    rownum,
                    "berangkat",
                    rec.get("berangkat"),
                    msg(
                        f"jam berangkat setelah jam tiba ({rec.get('tiba')})",
                        f"a departure after the arrival ({rec.get('tiba')})",
                    ),
                )
                left = None
        people: int | None = None
        if rec.get("jumlah_warga"):
            try:
                people = int(rec["jumlah_warga"])
                if not 0 <= people <= _MAX_PEOPLE:
                    raise ValueError
            except ValueError:
                bad(
                    rownum,
                    "jumlah_warga",
                    rec["jumlah_warga"],
                    msg(
                        f"bilangan bulat 0 sampai {_MAX_PEOPLE} (perkiraan)",
                        f"a whole number from 0 to {_MAX_PEOPLE} (an estimate)",
                    ),
                )
        order: int | None = None
        if rec.get("urutan"):
            try:
                order = int(rec["urutan"])
                if order < 1:
                    raise ValueError
            except ValueError:
                bad(rownum, "urutan", rec["urutan"], msg("bilangan ≥ 1", "a number ≥ 1"))
        # The route sheet marks planned stops by their order; a row the squad added (no
        # order, no planned time) is an extra stop. In the template a visit is planned unless
        # sesuai_rencana says otherwise.
        route_sheet = "urutan" in header or "rencana_tiba" in header
        planned = bool(order is not None or rec.get("rencana_tiba")) if route_sheet else True
        if rec.get("sesuai_rencana"):
            try:
                planned = _parse_bool(rec["sesuai_rencana"])
            except ValueError:
                bad(rownum, "sesuai_rencana", rec["sesuai_rencana"], _E_BOOL)

        reports: list[ReportIn] = []
        texts: dict[tuple[str, str], int] = {}
        for r2, rec2 in members:
            rep = _parse_report(r2, rec2, night, known, agencies, categories, bad)
            if rep is None:
                continue
            dup = texts.get((rep.category, rep.text))
            if dup is not None:
                bad(
                    r2,
                    "laporan_isi",
                    rep.text,
                    msg(
                        f"laporan lain dari baris {dup} (baris ganda?)",
                        f"a report different from row {dup} (a duplicated row?)",
                    ),
                )
                continue
            texts[(rep.category, rep.text)] = r2
            reports.append(rep)
        if ok and night is not None and arrived is not None:
            visits.append(
                VisitIn(
                    night=night.date,
                    squad_id=squad,
                    venue_id=venue,
                    arrived_at=arrived,
                    left_at=left,
                    people_met=people,
                    notes=rec.get("catatan", ""),
                    planned=planned,
                    plan_order=order,
                    desa_code=known.venue_desa.get(venue),
                    reports=tuple(reports),
                    row=rownum,
                )
            )
    _check_overlaps(visits, bag)
    bag.raise_if_any()
    return visits, not_visited


def _parse_report(
    rownum: int,
    rec: Mapping[str, str],
    night: Night | None,
    known: Known,
    agencies: Mapping[str, str],
    categories: Mapping[str, str],
    bad: Callable[[int, str, Any, Msg], None],
) -> ReportIn | None:
    cat_text, body = rec.get("laporan_kategori", ""), rec.get("laporan_isi", "")
    report_cols = ("urusan_polisi", "dirujuk_ke", "status", "batas_waktu", "tanggal_selesai")
    if not cat_text and not body:
        for col in (*report_cols, "hasil"):
            if rec.get(col):
                bad(
                    rownum,
                    "laporan_kategori",
                    "",
                    msg(
                        f"kategori dan isi laporan, karena kolom {col} terisi",
                        f"a report category and text, since {col} is filled",
                    ),
                )
                break
        return None
    good = True

    def fail(col: str, value: Any, expected: Msg) -> None:
        nonlocal good
        good = False
        bad(rownum, col, value, expected)

    category = categories.get(cat_text.casefold().replace(" ", "_"))
    if category is None:
        fail(
            "laporan_kategori",
            cat_text,
            msg(
                "salah satu kategori: " + ", ".join(known.categories),
                "one of the categories: " + ", ".join(known.categories),
            ),
        )
    if not body:
        fail("laporan_isi", body, msg("isi laporan warga", "what people reported"))
    police = category in known.police_categories if category else False
    if rec.get("urusan_polisi"):
        try:
            police = _parse_bool(rec["urusan_polisi"])
        except ValueError:
            fail("urusan_polisi", rec["urusan_polisi"], _E_BOOL)
    agency: str | None = None
    if rec.get("dirujuk_ke"):
        agency = agencies.get(rec["dirujuk_ke"].casefold())
        if agency is None:
            fail(
                "dirujuk_ke",
                rec["dirujuk_ke"],
                msg(
                    "instansi yang dikenal: " + ", ".join(known.agencies),
                    "a known agency: " + ", ".join(known.agencies),
                ),
            )
    status: Status = "dirujuk" if rec.get("dirujuk_ke") else "baru"
    if rec.get("status"):
        s = rec["status"].strip().lower()
        if s in STATUSES:
            status = s  # type: ignore[assignment]
        else:
            fail("status", rec["status"], msg(" / ".join(STATUSES), " / ".join(STATUSES)))
    if status == "dirujuk" and not rec.get("dirujuk_ke"):
        fail(
            "dirujuk_ke",
            "",
            msg("nama instansi, karena status 'dirujuk'", "an agency, since status is 'dirujuk'"),
        )
    due: dt.date | None = None
    closed: dt.date | None = None
    for col in ("batas_waktu", "tanggal_selesai"):
        if rec.get(col):
            try:
                d = _parse_date(rec[col])
            except ValueError:
                fail(col, rec[col], _E_DATE)
                continue
            if night is not None and d < night.date:
                fail(
                    col,
                    rec[col],
                    msg(
                        f"tanggal sejak malam kunjungan ({night})",
                        f"a date on or after the night of the visit ({night})",
                    ),
                )
                continue
            if col == "batas_waktu":
                due = d
            else:
                closed = d
    if closed is not None and status != "selesai":
        if rec.get("status"):
            fail(
                "tanggal_selesai",
                rec["tanggal_selesai"],
                msg("kosong kecuali status 'selesai'", "empty unless status is 'selesai'"),
            )
        else:
            status = "selesai"
    if not good or night is None or category is None:
        return None
    if due is None and (police or agency) and status != "selesai":
        due = night.date + dt.timedelta(days=known.due_days)
    if status == "selesai" and closed is None:
        closed = night.date
    return ReportIn(
        category=category,
        text=body,
        police_matter=police,
        agency=agency,
        status=status,
        due_date=due,
        closed_date=closed,
        outcome=rec.get("hasil", ""),
    )


def _check_overlaps(visits: Sequence[VisitIn], bag: ProblemCollector) -> None:
    by_squad: dict[tuple[dt.date, str], list[VisitIn]] = {}
    for v in visits:
        by_squad.setdefault((v.night, v.squad_id), []).append(v)
    for group in by_squad.values():
        group.sort(key=lambda v: v.arrived_at)
        for a, b in itertools.pairwise(group):
            if a.left_at is not None and b.arrived_at < a.left_at:
                bag.add(
                    row=b.row,
                    column="tiba",
                    value=b.arrived_at.strftime("%H:%M"),
                    expected=msg(
                        f"setelah regu {a.squad_id} berangkat dari {a.venue_id} "
                        f"({a.left_at:%H:%M}, baris {a.row})",
                        f"after squad {a.squad_id} left {a.venue_id} "
                        f"({a.left_at:%H:%M}, row {a.row})",
                    ),
                )


# ----------------------------------------------------------------------------- writing


def _iso(when: dt.datetime | None) -> str | None:
    return None if when is None else when.astimezone(WIB).isoformat(timespec="seconds")


def _visit_fingerprint(v: VisitIn) -> tuple[Any, ...]:
    return (
        _iso(v.arrived_at),
        _iso(v.left_at),
        v.people_met,
        v.notes,
        int(v.planned),
        tuple((r.category, r.text, int(r.police_matter), r.agency) for r in v.reports),
    )


def _stored_fingerprint(conn: sqlite3.Connection, visit_id: int) -> tuple[Any, ...]:
    row = conn.execute(
        "SELECT arrived_at, left_at, people_met, notes, planned FROM visits WHERE visit_id = ?",
        (visit_id,),
    ).fetchone()
    reps = conn.execute(
        "SELECT category, text, police_matter, agency FROM reports WHERE visit_id = ? ORDER BY seq",
        (visit_id,),
    ).fetchall()
    return (*row, tuple(tuple(r) for r in reps))


def add_visits(
    store: HistoryStore,
    visits: Sequence[VisitIn],
    *,
    source: str = "",
    replace: bool = False,
    rows: int | None = None,
    not_visited: int = 0,
    progress: ProgressFn | None = None,
) -> ImportResult:
    """Write visits (and their reports) in one transaction.

    A visit whose natural key (night, squad, venue) is already stored with the same content is
    skipped (a re-import). One stored with *different* content is a conflict: the whole write is
    rejected with every conflict listed, unless ``replace`` is set, in which case the stored
    visit and its reports are replaced (report statuses start again from the new file).

    Raises
    ------
    InputError
        Duplicate keys in ``visits``, or conflicts with the store (nothing is written).
    """
    bag = ProblemCollector(source or "<visits>")
    seen: dict[tuple[str, str, str], int | None] = {}
    for v in visits:
        if v.key in seen:
            bag.add(
                row=v.row,
                column="venue_id",
                value=" / ".join(v.key),
                expected=msg(
                    "satu kunjungan per malam, regu dan tempat",
                    "one visit per night, squad and venue",
                ),
            )
        seen[v.key] = v.row
    bag.raise_if_any()
    now_iso = _iso(dt.datetime.now(WIB))
    new = existing = replaced = reports_new = 0
    with store.transaction() as conn:
        todo: list[VisitIn] = []
        replaced_keys: set[tuple[str, str, str]] = set()
        for v in visits:
            hit = conn.execute(
                "SELECT visit_id FROM visits WHERE night = ? AND squad_id = ? AND venue_id = ?",
                v.key,
            ).fetchone()
            if hit is None:
                todo.append(v)
            elif _stored_fingerprint(conn, hit[0]) == _visit_fingerprint(v):
                existing += 1
            elif replace:
                conn.execute("DELETE FROM visits WHERE visit_id = ?", (hit[0],))
                replaced += 1
                replaced_keys.add(v.key)
                todo.append(v)
            else:
                bag.add(
                    row=v.row,
                    column="venue_id",
                    value=" / ".join(v.key),
                    expected=msg(
                        "kunjungan ini sudah tercatat dengan isi berbeda; perbaiki berkasnya "
                        "atau impor ulang dengan --ganti untuk menggantinya",
                        "this visit is already recorded with different content; fix the file "
                        "or import again with --replace to overwrite it",
                    ),
                )
        bag.raise_if_any()  # rolls back: nothing written
        for i, v in enumerate(todo):
            cur = conn.execute(
                "INSERT INTO visits (night, squad_id, venue_id, arrived_at, left_at, people_met,"
                " notes, planned, plan_order, source, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *v.key,
                    _iso(v.arrived_at),
                    _iso(v.left_at),
                    v.people_met,
                    v.notes,
                    int(v.planned),
                    v.plan_order,
                    source,
                    now_iso,
                ),
            )
            visit_id = cur.lastrowid
            if v.reports:
                conn.executemany(
                    "INSERT INTO reports (visit_id, seq, reported_at, venue_id, desa_code,"
                    " category, text, police_matter, agency, status, due_date, closed_date,"
                    " outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            visit_id,
                            seq,
                            _iso(v.arrived_at),
                            v.venue_id,
                            v.desa_code,
                            r.category,
                            r.text,
                            int(r.police_matter),
                            r.agency,
                            r.status,
                            None if r.due_date is None else r.due_date.isoformat(),
                            None if r.closed_date is None else r.closed_date.isoformat(),
                            r.outcome,
                        )
                        for seq, r in enumerate(v.reports, start=1)
                    ],
                )
                reports_new += len(v.reports)
            new += v.key not in replaced_keys
            if progress is not None:
                progress(i + 1, len(todo))
        result = ImportResult(
            file=source or "<visits>",
            rows=len(visits) if rows is None else rows,
            not_visited=not_visited,
            visits_new=new,
            visits_existing=existing,
            visits_replaced=replaced,
            reports_new=reports_new,
        )
        conn.execute(
            "INSERT INTO imports (source, imported_at, visits_new, visits_existing,"
            " visits_replaced, reports_new) VALUES (?, ?, ?, ?, ?, ?)",
            (source, now_iso, new, existing, replaced, reports_new),
        )
    return result


def import_rows(
    store: HistoryStore,
    header: Sequence[str],
    rows: Sequence[tuple[int, Sequence[str]]],
    known: Known,
    *,
    file: str,
    now: dt.datetime | None = None,
    replace: bool = False,
    progress: ProgressFn | None = None,
) -> ImportResult:
    """Validate rows (see :func:`parse_rows`) and write them, all or nothing."""
    visits, not_visited = parse_rows(header, rows, known, file=file, now=now)
    return add_visits(
        store,
        visits,
        source=file,
        replace=replace,
        rows=len(rows),
        not_visited=not_visited,
        progress=progress,
    )


def import_file(
    store: HistoryStore,
    path: Path | str,
    known: Known,
    *,
    now: dt.datetime | None = None,
    replace: bool = False,
    progress: ProgressFn | None = None,
) -> ImportResult:
    """Import a filled-in visit sheet (the template, or the route sheet's CSV), all or nothing.

    Parameters
    ----------
    store
        The open visit log.
    path
        A ``.csv`` or ``.xlsx`` file (see docs/history.md).
    known
        What rows are validated against.
    now
        Times after this are rejected (default: the current time).
    replace
        Overwrite visits already stored with different content instead of rejecting the file.
    progress
        Called as visits are written.

    Returns
    -------
    ImportResult
        How many visits and reports were new, already there, or replaced.

    Raises
    ------
    InputError
        Every problem in the file; nothing is written.
    """
    path = Path(path)
    header, rows = read_table(path)
    return import_rows(
        store,
        header,
        rows,
        known,
        file=path.name,
        now=now,
        replace=replace,
        progress=progress,
    )


def add_visit(
    store: HistoryStore,
    record: Mapping[str, str],
    known: Known,
    *,
    now: dt.datetime | None = None,
    source: str = "manual",
) -> ImportResult:
    """Record one visit typed by hand; ``record`` uses the template's column names."""
    header = [c for c in TEMPLATE_COLUMNS + INFO_COLUMNS if c in record]
    unknown = [c for c in record if c not in header]
    if unknown:
        raise InputError(
            [
                Problem(source, None, c, record[c], msg("kolom templat", "a template column"))
                for c in unknown
            ]
        )
    cells = [str(record[c] or "") for c in header]
    try:
        return import_rows(store, header, [(2, cells)], known, file=source, now=now)
    except InputError as exc:  # one typed record: a spreadsheet row number would confuse
        raise InputError([dc_replace(p, row=None) for p in exc.problems]) from None


def record_plan(
    store: HistoryStore,
    plan: Plan,
    *,
    venue_desa: Mapping[str, str | None] | None = None,
    people_met: Mapping[str, int] | None = None,
    reports: Mapping[str, Sequence[ReportIn]] | None = None,
    source: str = "simulation",
) -> ImportResult:
    """Record a plan's stops as visits done exactly as planned (for simulations).

    Each stop becomes a planned visit arriving at the stop's service start and leaving at its
    departure. ``reports`` (venue_id → reports) lets a simulation add what people raised.
    Re-recording the same plan adds nothing.
    """
    visits = []
    for route in plan.routes:
        for order, stop in enumerate(route.stops, start=1):
            visits.append(
                VisitIn(
                    night=plan.night.date,
                    squad_id=route.squad_id,
                    venue_id=stop.venue_id,
                    arrived_at=plan.night.at(stop.start_s / 60.0),
                    left_at=plan.night.at(stop.departure_s / 60.0)
                    if stop.departure_s > stop.start_s
                    else None,
                    people_met=(people_met or {}).get(stop.venue_id),
                    planned=True,
                    plan_order=order,
                    desa_code=(venue_desa or {}).get(stop.venue_id),
                    reports=tuple((reports or {}).get(stop.venue_id, ())),
                )
            )
    return add_visits(store, visits, source=source)


def close_report(
    store: HistoryStore,
    report_id: int,
    *,
    status: Status = "selesai",
    outcome: str = "",
    on: dt.date | None = None,
) -> None:
    """Change a report's status (e.g. an agency answered): ``selesai`` sets the closed date.

    Raises
    ------
    InputError
        Unknown report id or status.
    """
    problems = []
    if status not in STATUSES:
        expected = msg(" / ".join(STATUSES), " / ".join(STATUSES))
        problems.append(Problem("followups", None, "status", status, expected))
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT report_id FROM reports WHERE report_id = ?", (report_id,)
        ).fetchone()
        if row is None:
            problems.append(
                Problem(
                    "followups",
                    None,
                    "report_id",
                    report_id,
                    msg("nomor laporan yang ada", "an existing report number"),
                )
            )
        if problems:
            raise InputError(problems)
        closed = (on or dt.datetime.now(WIB).date()) if status == "selesai" else None
        conn.execute(
            "UPDATE reports SET status = ?, closed_date = ?,"
            " outcome = CASE WHEN ? = '' THEN outcome ELSE ? END WHERE report_id = ?",
            (status, None if closed is None else closed.isoformat(), outcome, outcome, report_id),
        )


# ----------------------------------------------------------------------------- queries


def _wib_iso(when: dt.datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("`before` must be timezone-aware")
    return when.astimezone(WIB).isoformat(timespec="seconds")


def last_visits(store: HistoryStore, *, before: dt.datetime) -> dict[str, dt.datetime]:
    """Venue id → the (tz-aware, WIB) arrival of its last visit strictly before ``before``.

    This is what ``risk.score(..., last_visits=...)`` takes for rotation.
    """
    rows = store.conn.execute(
        "SELECT venue_id, max(arrived_at) FROM visits WHERE arrived_at < ? GROUP BY venue_id",
        (_wib_iso(before),),
    ).fetchall()
    return {v: dt.datetime.fromisoformat(t) for v, t in rows}


_REPORT_COLUMNS = [
    "report_id",
    "reported_at",
    "night",
    "squad_id",
    "venue_id",
    "desa_code",
    "category",
    "text",
    "police_matter",
    "agency",
    "status",
    "due_date",
    "closed_date",
    "outcome",
]

_REPORT_SELECT = (
    "SELECT "
    + ", ".join(("v." if c in ("night", "squad_id") else "r.") + c for c in _REPORT_COLUMNS)
    + " FROM reports r JOIN visits v USING (visit_id)"
)


def _reports_frame(rows: list[Any]) -> pd.DataFrame:
    cols = {c: [r[i] for r in rows] for i, c in enumerate(_REPORT_COLUMNS)}
    df = pd.DataFrame(
        {
            "report_id": pd.Series(cols["report_id"], dtype="int64"),
            "reported_at": pd.to_datetime(
                pd.Series(cols["reported_at"], dtype=object), format="ISO8601", utc=True
            ).dt.tz_convert(WIB),
            # dates as datetime.date; missing text as None (pandas' str dtype would say NaN)
            "night": pd.Series([_date(x) for x in cols["night"]], dtype=object),
            "squad_id": pd.Series(cols["squad_id"], dtype=object),
            "venue_id": pd.Series(cols["venue_id"], dtype=object),
            "desa_code": pd.Series(cols["desa_code"], dtype=object),
            "category": pd.Series(cols["category"], dtype=object),
            "text": pd.Series(cols["text"], dtype=object),
            "police_matter": pd.Series(cols["police_matter"], dtype=bool),
            "agency": pd.Series(cols["agency"], dtype=object),
            "status": pd.Series(cols["status"], dtype=object),
            "due_date": pd.Series([_date(x) for x in cols["due_date"]], dtype=object),
            "closed_date": pd.Series([_date(x) for x in cols["closed_date"]], dtype=object),
            "outcome": pd.Series(cols["outcome"], dtype=object),
        }
    )
    return df


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def recent_reports(store: HistoryStore, *, before: dt.datetime, days: float) -> pd.DataFrame:
    """Community reports made in the ``days`` before ``before`` (strictly before it).

    Returns a DataFrame with ``reported_at`` (tz-aware, WIB), ``venue_id``, ``desa_code``,
    ``category``, ``police_matter`` (what ``risk.score(..., reports=...)`` takes) and the rest
    of each report (``report_id``, ``text``, ``agency``, ``status``, …), oldest first.
    """
    start = before - dt.timedelta(days=days)
    rows = store.conn.execute(
        _REPORT_SELECT
        + " WHERE r.reported_at < ? AND r.reported_at >= ? ORDER BY r.reported_at, r.report_id",
        (_wib_iso(before), _wib_iso(start)),
    ).fetchall()
    return _reports_frame(rows)


def reports_between(
    store: HistoryStore, *, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Reports of visits on nights ``start`` to ``end`` (inclusive; ``None`` = unbounded)."""
    rows = store.conn.execute(
        _REPORT_SELECT + " WHERE v.night >= ? AND v.night <= ? ORDER BY r.reported_at, r.report_id",
        (_lo(start), _hi(end)),
    ).fetchall()
    return _reports_frame(rows)


def _lo(d: dt.date | None) -> str:
    return "0000-00-00" if d is None else d.isoformat()


def _hi(d: dt.date | None) -> str:
    return "9999-99-99" if d is None else d.isoformat()


_VISIT_COLUMNS_OUT = [
    "visit_id",
    "night",
    "squad_id",
    "venue_id",
    "arrived_at",
    "left_at",
    "people_met",
    "notes",
    "planned",
    "plan_order",
    "source",
]


def visits_between(
    store: HistoryStore, *, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Visits on nights ``start`` to ``end`` (inclusive), in order of arrival.

    ``arrived_at``/``left_at`` are tz-aware (WIB); ``people_met`` is a nullable integer.
    """
    rows = store.conn.execute(
        f"SELECT {', '.join(_VISIT_COLUMNS_OUT)} FROM visits"
        " WHERE night >= ? AND night <= ? ORDER BY arrived_at, visit_id",
        (_lo(start), _hi(end)),
    ).fetchall()
    df = pd.DataFrame(rows, columns=_VISIT_COLUMNS_OUT)
    for col in ("arrived_at", "left_at"):
        df[col] = pd.to_datetime(df[col], format="ISO8601", utc=True).dt.tz_convert(WIB)
    df["night"] = [dt.date.fromisoformat(x) for x in df["night"]]
    df["planned"] = df["planned"].astype(bool)
    df["people_met"] = df["people_met"].astype("Int64")
    df["plan_order"] = df["plan_order"].astype("Int64")
    return df


def followups(
    store: HistoryStore,
    *,
    today: dt.date,
    agency: str | None = None,
    overdue: bool = False,
) -> pd.DataFrame:
    """Open follow-ups, oldest first: reports not ``selesai`` that are a police matter or were
    referred to an agency.

    Adds ``days_open`` (since the night of the visit) and ``overdue`` (due date before
    ``today``). ``agency`` filters (case-insensitive); ``overdue`` keeps only the overdue ones.
    """
    df = reports_between(store)
    df = df[df["status"].isin(OPEN_STATUSES) & (df["police_matter"] | df["agency"].notna())]
    if agency is not None:
        df = df[df["agency"].fillna("").str.casefold() == agency.casefold()]
    df = df.copy()
    df["days_open"] = [(today - n).days for n in df["night"]]
    df["overdue"] = [d is not None and d < today for d in df["due_date"]]
    if overdue:
        df = df[df["overdue"]]
    return df.sort_values(["reported_at", "report_id"]).reset_index(drop=True)


FOLLOWUP_CSV_COLUMNS: dict[str, str] = {
    "report_id": "nomor",
    "night": "tanggal",
    "venue_id": "venue_id",
    "desa_code": "desa_code",
    "category": "kategori",
    "text": "isi",
    "police_matter": "urusan_polisi",
    "agency": "dirujuk_ke",
    "status": "status",
    "due_date": "batas_waktu",
    "days_open": "hari_terbuka",
    "overdue": "terlambat",
}


def followups_csv(table: pd.DataFrame) -> str:
    """The follow-up table as CSV to hand to an agency (Indonesian headers)."""
    out = table[list(FOLLOWUP_CSV_COLUMNS)].rename(columns=FOLLOWUP_CSV_COLUMNS).copy()
    for col in ("urusan_polisi", "terlambat"):
        out[col] = ["ya" if x else "tidak" for x in out[col]]
    return out.to_csv(index=False, lineterminator="\n")


def export_rows(
    store: HistoryStore, *, start: dt.date | None = None, end: dt.date | None = None
) -> list[list[str]]:
    """The visit log as template rows (header first): one row per report, or per visit without
    reports. Importing them into an empty store gives the same visits and reports back."""
    visits = visits_between(store, start=start, end=end)
    reps = reports_between(store, start=start, end=end)
    by_visit: dict[tuple[str, str, str], list[Any]] = {}
    for r in reps.itertuples(index=False):
        by_visit.setdefault((r.night.isoformat(), r.squad_id, r.venue_id), []).append(r)
    out: list[list[str]] = [list(TEMPLATE_COLUMNS)]
    for v in visits.itertuples(index=False):
        key = (v.night.isoformat(), v.squad_id, v.venue_id)
        base = [
            key[0],
            v.squad_id,
            v.venue_id,
            v.arrived_at.strftime("%H:%M"),
            "" if pd.isna(v.left_at) else v.left_at.strftime("%H:%M"),
            "" if pd.isna(v.people_met) else str(v.people_met),
            "ya" if v.planned else "tidak",
            v.notes,
        ]
        for r in by_visit.get(key, [None]):
            if r is None:
                out.append(base + [""] * 8)
                continue
            out.append(
                [
                    *base,
                    r.category,
                    r.text,
                    "ya" if r.police_matter else "tidak",
                    r.agency or "",
                    r.status,
                    "" if r.due_date is None else r.due_date.isoformat(),
                    "" if r.closed_date is None else r.closed_date.isoformat(),
                    r.outcome,
                ]
            )
    return out


def export_csv(
    store: HistoryStore,
    path: Path | str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Path:
    """Write the visit log in the template format (see :func:`export_rows`), atomically."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(export_rows(store, start=start, end=end))
    return write_text(path, buf.getvalue())


# ----------------------------------------------------------------------------- the template

TEMPLATE_HELP: tuple[tuple[str, str, str], ...] = (
    (
        "tanggal",
        "wajib",
        "Tanggal malam patroli, mis. 2024-05-01 atau 01/05/2024. Kunjungan "
        "lewat tengah malam tetap memakai tanggal malam itu.",
    ),
    ("regu", "wajib", "Kode regu seperti di daftar regu (squads.toml), mis. R01."),
    ("venue_id", "wajib", "Kode tempat (warung kopi) seperti di daftar tempat, mis. V0012."),
    (
        "tiba",
        "wajib",
        "Jam tiba, mis. 21:30 atau 21.30 (WIB). 01:15 berarti dini hari setelah tanggal malam itu.",
    ),
    ("berangkat", "boleh kosong", "Jam berangkat dari tempat itu, setelah jam tiba."),
    ("jumlah_warga", "boleh kosong", "Perkiraan jumlah warga yang ditemui (bilangan bulat)."),
    (
        "sesuai_rencana",
        "boleh kosong",
        "ya = tempat ada di rencana patroli; tidak = kunjungan tambahan. Kosong = ya.",
    ),
    ("catatan", "boleh kosong", "Catatan petugas tentang kunjungan."),
    ("laporan_kategori", "jika ada laporan", "Kategori keluh kesah/aspirasi warga: {cats}."),
    ("laporan_isi", "jika ada laporan", "Isi laporan warga, singkat."),
    (
        "urusan_polisi",
        "boleh kosong",
        "ya/tidak. Kosong: ya untuk kategori kamtibmas, tidak untuk yang lain.",
    ),
    ("dirujuk_ke", "boleh kosong", "Instansi yang menangani jika bukan urusan polisi: {ags}."),
    (
        "status",
        "boleh kosong",
        "baru / ditindaklanjuti / dirujuk / selesai. Kosong: dirujuk "
        "jika ada instansi, selain itu baru.",
    ),
    (
        "batas_waktu",
        "boleh kosong",
        "Batas waktu tindak lanjut. Kosong: {days} hari setelah malam kunjungan.",
    ),
    ("tanggal_selesai", "boleh kosong", "Tanggal laporan selesai ditangani."),
    ("hasil", "boleh kosong", "Hasil tindak lanjut."),
)

TEMPLATE_RULES: tuple[str, ...] = (
    "Satu baris untuk satu kunjungan. Jika dalam satu kunjungan ada beberapa laporan warga, "
    "salin baris kunjungan itu (tanggal, regu, venue_id, tiba, berangkat, jumlah_warga, "
    "catatan sama persis) dan isi satu laporan per baris.",
    "Satu regu mengunjungi satu tempat paling banyak sekali dalam satu malam.",
    "Berkas diimpor utuh atau tidak sama sekali: jika ada baris yang salah, tidak ada yang "
    "disimpan dan semua kesalahan ditampilkan sekaligus. Perbaiki lalu impor lagi.",
    "Mengimpor berkas yang sama dua kali tidak menambah apa pun.",
    "Lembar rencana patroli (rencana-patroli-<tanggal>.csv) yang diisi kolom tiba, berangkat, "
    "dst. juga bisa langsung diimpor; baris yang tidak diisi dianggap tidak dikunjungi.",
)


def template_help(known: Known) -> list[tuple[str, str, str]]:
    """(column, required?, explanation) for each template column, in Bahasa Indonesia."""
    return [
        (
            col,
            need,
            text.format(
                cats=", ".join(known.categories),
                ags=", ".join(known.agencies),
                days=known.due_days,
            ),
        )
        for col, need, text in TEMPLATE_HELP
    ]


def write_template(path: Path | str, known: Known) -> Path:
    """Write an empty visit template with instructions in Bahasa Indonesia.

    ``.xlsx``: sheet ``kunjungan`` (the header row) and sheet ``petunjuk`` (instructions).
    ``.csv``: instruction lines starting with ``#`` above the header (the importer skips them).
    """
    path = Path(path)
    helps = template_help(known)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = "kunjungan"
        ws.append(list(TEMPLATE_COLUMNS))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, col in enumerate(TEMPLATE_COLUMNS):
            ws.column_dimensions[chr(ord("A") + i)].width = max(12, len(col) + 2)
        ws.freeze_panes = "A2"
        info = wb.create_sheet("petunjuk")
        info.append(["Petunjuk pengisian laporan kunjungan Warkop Kamtibmas"])
        info.append([])
        for rule in TEMPLATE_RULES:
            info.append([rule])
        info.append([])
        info.append(["kolom", "wajib?", "keterangan"])
        for row in helps:
            info.append(list(row))
        info.column_dimensions["A"].width = 20
        info.column_dimensions["B"].width = 18
        info.column_dimensions["C"].width = 100
        data = io.BytesIO()
        wb.save(data)
        return write_bytes(path, data.getvalue())
    if path.suffix.lower() != ".csv":
        raise InputError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    path.suffix,
                    msg("nama berkas .csv atau .xlsx", "a .csv or .xlsx file name"),
                )
            ]
        )
    lines = ["# Petunjuk pengisian laporan kunjungan Warkop Kamtibmas (baris # diabaikan)"]
    lines += ["# " + r for r in TEMPLATE_RULES]
    lines += [f"# {col} ({need}): {text}" for col, need, text in helps]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for line in lines:
        w.writerow([line])
    w.writerow(TEMPLATE_COLUMNS)
    return write_text(path, buf.getvalue())


__all__ = [
    "DEFAULT_STORE_NAME",
    "FOLLOWUP_CSV_COLUMNS",
    "OPEN_STATUSES",
    "SCHEMA_VERSION",
    "STATUSES",
    "TEMPLATE_COLUMNS",
    "HistoryStore",
    "ImportResult",
    "Known",
    "ReportIn",
    "Status",
    "VisitIn",
    "add_visit",
    "add_visits",
    "close_report",
    "default_store_path",
    "export_csv",
    "export_rows",
    "followups",
    "followups_csv",
    "import_file",
    "import_rows",
    "last_visits",
    "open_store",
    "parse_rows",
    "read_table",
    "recent_reports",
    "record_plan",
    "reports_between",
    "template_help",
    "visits_between",
    "write_template",
]
