"""Writing to the visit log: imports, hand-typed visits, simulated nights, closing reports.

Every write is one transaction and is validated completely first: a file is imported whole or
not at all. Visits have a natural key (night, squad, venue), so importing the same file twice
adds nothing the second time; a visit stored with *different* content is a conflict unless the
caller asks to replace it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Any

from planner import domain
from planner.domain import WIB, Plan
from planner.errors import InputError, Problem, ProblemCollector
from planner.history.rows import (
    INFO_COLUMNS,
    STATUSES,
    TEMPLATE_COLUMNS,
    Known,
    ReportIn,
    Status,
    VisitIn,
    check_overlaps,
    parse_rows,
    read_sheet,
)
from planner.history.store import HistoryStore
from planner.text import Lang, Msg, msg
from planner.text import history as words

ProgressFn = Callable[[int, int], None]
"""``progress(done, total)``, called while visits are written (inside the transaction)."""

_Key = tuple[str, str, str]


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
        """One line for the person who imported: what was new, existing, replaced."""
        if self.visits_new == 0 and self.visits_replaced == 0 and self.visits_existing > 0:
            return words.ALREADY_IMPORTED.format(file=self.file, existing=self.visits_existing)(
                lang
            )
        line = words.IMPORTED.format(
            file=self.file, visits=self.visits_new, reports=self.reports_new
        )(lang)
        extra: list[Msg] = []
        if self.visits_existing:
            extra.append(words.VISITS_EXISTING.format(n=self.visits_existing))
        if self.visits_replaced:
            extra.append(words.VISITS_REPLACED.format(n=self.visits_replaced))
        if self.not_visited:
            extra.append(words.ROWS_NOT_VISITED.format(n=self.not_visited))
        if extra:
            line += " (" + ", ".join(m(lang) for m in extra) + ")"
        return line


# ----------------------------------------------------------------------------- writing visits


def _iso(when: dt.datetime | None) -> str | None:
    return None if when is None else when.astimezone(WIB).isoformat(timespec="seconds")


def _visit_fingerprint(v: VisitIn) -> tuple[Any, ...]:
    """What a re-import compares: the same fingerprint stored means nothing to write."""
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
    A visit that overlaps another visit of its squad that night — in ``visits`` or already
    stored, from any file — is rejected too, naming both (checked inside the transaction, so
    two imports at once cannot store an overlap between them).

    Raises
    ------
    InputError
        Duplicate keys in ``visits``, conflicts or overlaps with the store (nothing is written).
    OutputError
        The disk is full (the store is left as it was).
    """
    bag = ProblemCollector(source or "<visits>")
    _check_unique_keys(visits, bag)
    bag.raise_if_any()
    now_iso = _iso(domain.now_wib())
    reports_new = 0
    with store.transaction() as conn:
        todo, existing, replaced = _sort_against_store(conn, visits, replace=replace, bag=bag)
        check_overlaps(visits, bag, stored=_stored_beside(conn, visits))
        bag.raise_if_any()  # rolls back: nothing written
        for i, v in enumerate(todo):
            reports_new += _insert_visit(conn, v, source=source, recorded_at=now_iso)
            if progress is not None:
                progress(i + 1, len(todo))
        new = len(todo) - replaced
        conn.execute(
            "INSERT INTO imports (source, imported_at, visits_new, visits_existing,"
            " visits_replaced, reports_new) VALUES (?, ?, ?, ?, ?, ?)",
            (source, now_iso, new, existing, replaced, reports_new),
        )
    return ImportResult(
        file=source or "<visits>",
        rows=len(visits) if rows is None else rows,
        not_visited=not_visited,
        visits_new=new,
        visits_existing=existing,
        visits_replaced=replaced,
        reports_new=reports_new,
    )


def _stored_beside(
    conn: sqlite3.Connection, visits: Sequence[VisitIn]
) -> list[tuple[VisitIn, str]]:
    """The stored visits of the squads and nights of ``visits`` (not those ``visits`` name:
    they are the same visits, or being replaced), with the file each came from."""
    keys = {v.key for v in visits}
    found: list[tuple[VisitIn, str]] = []
    for night, squad in sorted({(v.key[0], v.squad_id) for v in visits}):
        for venue, arrived, left, source in conn.execute(
            "SELECT venue_id, arrived_at, left_at, source FROM visits"
            " WHERE night = ? AND squad_id = ?",
            (night, squad),
        ):
            if (night, squad, venue) in keys:
                continue
            visit = VisitIn(
                night=dt.date.fromisoformat(night),
                squad_id=squad,
                venue_id=venue,
                arrived_at=dt.datetime.fromisoformat(arrived),
                left_at=None if left is None else dt.datetime.fromisoformat(left),
            )
            found.append((visit, source or "?"))
    return found


def _check_unique_keys(visits: Sequence[VisitIn], bag: ProblemCollector) -> None:
    seen: set[_Key] = set()
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
        seen.add(v.key)


def _sort_against_store(
    conn: sqlite3.Connection, visits: Sequence[VisitIn], *, replace: bool, bag: ProblemCollector
) -> tuple[list[VisitIn], int, int]:
    """``(to write, already stored alike, replaced)``; with ``replace`` the stored versions of
    the replaced ones are deleted (their reports with them), else each conflict goes to ``bag``.
    """
    todo: list[VisitIn] = []
    existing = replaced = 0
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
    return todo, existing, replaced


def _insert_visit(
    conn: sqlite3.Connection, v: VisitIn, *, source: str, recorded_at: str | None
) -> int:
    """Insert one visit and its reports; returns the number of reports written."""
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
            recorded_at,
        ),
    )
    if not v.reports:
        return 0
    conn.executemany(
        "INSERT INTO reports (visit_id, seq, reported_at, venue_id, desa_code,"
        " category, text, police_matter, agency, status, due_date, closed_date,"
        " outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                cur.lastrowid,
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
    return len(v.reports)


# ----------------------------------------------------------------------------- imports


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
    """Validate rows (see :func:`~planner.history.rows.parse_rows`) and write them, all or
    nothing."""
    return _import(
        store, header, rows, known, file=file, now=now, replace=replace, progress=progress
    )


def parse_sheet_rows(
    header: Sequence[str],
    rows: Sequence[tuple[int, Sequence[str]]],
    known: Known,
    *,
    file: str,
    now: dt.datetime | None,
    found: Sequence[Problem] = (),
) -> tuple[list[VisitIn], int]:
    """:func:`parse_rows` of a sheet whose reader already ``found`` problems: raises them and
    the rows' own together, so a file's every problem is reported at once."""
    try:
        visits, not_visited = parse_rows(header, rows, known, file=file, now=now)
    except InputError as exc:
        raise InputError([*found, *exc.problems]) from None
    if found:
        raise InputError(found)
    return visits, not_visited


def _import(
    store: HistoryStore,
    header: Sequence[str],
    rows: Sequence[tuple[int, Sequence[str]]],
    known: Known,
    *,
    file: str,
    now: dt.datetime | None,
    replace: bool,
    progress: ProgressFn | None,
    found: Sequence[Problem] = (),
) -> ImportResult:
    """:func:`import_rows`, also reporting ``found`` (the reader's problems) with the rows'."""
    visits, not_visited = parse_sheet_rows(header, rows, known, file=file, now=now, found=found)
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
    sheet = read_sheet(path)
    return _import(
        store,
        sheet.header,
        sheet.rows,
        known,
        file=sheet.name,
        now=now,
        replace=replace,
        progress=progress,
        found=sheet.problems,
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
        closed = (on or domain.now_wib().date()) if status == "selesai" else None
        conn.execute(
            "UPDATE reports SET status = ?, closed_date = ?,"
            " outcome = CASE WHEN ? = '' THEN outcome ELSE ? END WHERE report_id = ?",
            (status, None if closed is None else closed.isoformat(), outcome, outcome, report_id),
        )


__all__ = [
    "ImportResult",
    "ProgressFn",
    "add_visit",
    "add_visits",
    "close_report",
    "import_file",
    "import_rows",
    "record_plan",
]
