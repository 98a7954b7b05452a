"""Reading and validating visit sheets: what a filled-in template or route sheet becomes.

A sheet is read as text by the one table reader (:func:`planner._tables.read_table`), then
:func:`parse_rows` validates every row against what the dataset knows (:class:`Known`) and
groups the rows into visits (:class:`VisitIn`) with their community reports
(:class:`ReportIn`). Every problem is collected and raised at once as an
:class:`~planner.errors.InputError`, so a squad fixes a spreadsheet in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import planner.domain
from planner._tables import norm_header, parse_yes_no, read_table, restore_cell
from planner.config import Settings
from planner.domain import WIB, Night, Window, parse_clock, parse_window
from planner.errors import InputError, Problem, ProblemCollector
from planner.text import Msg, msg

Status = Literal["baru", "ditindaklanjuti", "dirujuk", "selesai"]
STATUSES: tuple[Status, ...] = ("baru", "ditindaklanjuti", "dirujuk", "selesai")
OPEN_STATUSES: tuple[Status, ...] = ("baru", "ditindaklanjuti", "dirujuk")

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
_REPORT_COLUMNS = ("urusan_polisi", "dirujuk_ke", "status", "batas_waktu", "tanggal_selesai")
_MAX_PEOPLE = 1000
CATEGORY_CODE = "K"
AGENCY_CODE = "I"
"""The route sheet prints each code list once per page as ``K1 curanmor``, ``I1 Pemerintah
Desa`` …, numbered in the settings' order (:func:`codes`); a squad writes the short code in the
stop's box and the import reads a code as the name it stands for."""

Row = tuple[int, dict[str, str]]
"""A data row: its spreadsheet row number and column → stripped cell."""


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
        """The natural key ``(night as YYYY-MM-DD, squad_id, venue_id)``."""
        return (self.night.isoformat(), self.squad_id, self.venue_id)


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

    @property
    def category_codes(self) -> dict[str, str]:
        """``{"K1": "curanmor", …}``: the report categories' short codes on the route sheet."""
        return codes(CATEGORY_CODE, self.categories)

    @property
    def agency_codes(self) -> dict[str, str]:
        """``{"I1": "Pemerintah Desa", …}``: the agencies' short codes on the route sheet."""
        return codes(AGENCY_CODE, self.agencies)

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


# ----------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class Sheet:
    """A visit sheet read as text.

    Attributes
    ----------
    name
        The file's name, as problems name it.
    header
        The normalised column names.
    rows
        ``(spreadsheet row, cells)`` of every non-blank data row.
    problems
        What the reader found wrong but could read past (a row wider than its header); they
        are reported together with the rows' own problems.
    """

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    problems: tuple[Problem, ...] = ()


def read_sheet(path: Path | str) -> Sheet:
    """Read a CSV or XLSX visit sheet (the sheet ``kunjungan`` of a workbook).

    The cell, encoding, separator and header rules are those of :mod:`planner._tables`:
    instruction rows starting with ``#`` above the header and blank rows are skipped, row
    numbers count as a spreadsheet does; a cell written formula-safe (``'=1+1``) is read as its
    text (``=1+1``).

    Raises
    ------
    InputError
        The file is missing or cannot be read as a table.
    """
    path = Path(path)
    bag = ProblemCollector(path.name)
    if not path.exists():
        bag.add(value=str(path), expected=msg("berkas yang ada", "an existing file"))
        bag.raise_if_any()
    table = read_table(path, bag, sheet="kunjungan")
    if table is None:  # the reader says why in the bag
        raise InputError(bag.problems)
    # A cell the planner wrote formula-safe ('=1+1, see _tables.neutralise_cell) reads back as
    # its text. restore_cell is idempotent on what neutralise_cell writes, so this stays right
    # when the table reader restores cells itself.
    records = [(row, [restore_cell(c) for c in cells]) for row, cells in table.records()]
    return Sheet(path.name, table.header, records, tuple(bag.problems))


# ----------------------------------------------------------------------------- cells


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
    """A clock time (``21:30``, ``21.30``, ``21:30:00``) on the night, or a full datetime.

    A full datetime may carry seconds and their fraction (an Excel date-and-time cell reads
    ``2024-05-02 01:15:00``); they are dropped, as on the clock.
    """
    text = text.strip()
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}[:.]\d{2})(?::\d{2}(?:\.\d+)?)?", text)
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


def _date_ok(text: str) -> bool:
    try:
        _parse_date(text)
    except ValueError:
        return False
    return True


def _canonical(names: Iterable[str], text: str) -> str | None:
    """The spelling of ``names`` that ``text`` is, ignoring case (``dinas pupr`` → ``Dinas PUPR``)."""
    return {n.casefold(): n for n in names}.get(text.casefold())


def codes(prefix: str, names: Iterable[str]) -> dict[str, str]:
    """``prefix`` + 1, 2, … → each of ``names`` in order (``K1`` → ``curanmor``)."""
    return {f"{prefix}{i}": n for i, n in enumerate(names, start=1)}


def _by_code(table: Mapping[str, str], text: str, prefix: str) -> str | None:
    """The name a short code stands for (``k3``, ``K 3``, ``K3`` alike, and ``3``: the sheet's
    box prints the letter, the squad writes the number), or ``None``."""
    key = re.sub(r"\s+", "", text).upper()
    return table.get(prefix + key if key.isdigit() else key)


def category_key(text: str) -> str:
    """What a report category is compared by: case, spaces, ``_`` and ``-`` do not matter
    (``Air Bersih``, ``air_bersih`` and ``air-bersih`` are one category)."""
    return re.sub(r"[\s_\-]+", "_", text.strip()).casefold()


def _category(names: Iterable[str], text: str) -> str | None:
    """The category of ``names`` (as the settings spell it) that ``text`` is."""
    return {category_key(n): n for n in names}.get(category_key(text))


_E_DATE = msg("tanggal seperti 2024-05-01 atau 01/05/2024", "a date like 2024-05-01 or 01/05/2024")
_E_BOOL = msg("ya atau tidak", "ya (yes) or tidak (no)")


@dataclass
class _Check:
    """The problems of one visit (or one of its reports) go to the file's bag; ``ok`` says
    whether it had none. A report's problem makes its visit not ``ok`` as well."""

    bag: ProblemCollector
    parent: _Check | None = None
    ok: bool = True

    def bad(self, row: int, column: str, value: Any, expected: Msg) -> None:
        check: _Check | None = self
        while check is not None:
            check.ok = False
            check = check.parent
        self.bag.add(row=row, column=column, value=value, expected=expected)

    def child(self) -> _Check:
        return _Check(self.bag, parent=self)


def _yes_no(rownum: int, column: str, rec: Mapping[str, str], check: _Check, default: bool) -> bool:
    """The yes/no cell ``column``, or ``default`` when it is empty or not a yes/no word."""
    if not rec.get(column):
        return default
    value = parse_yes_no(rec[column])
    if value is None:
        check.bad(rownum, column, rec[column], _E_BOOL)
        return default
    return value


# ----------------------------------------------------------------------------- rows → visits


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
        A bad header is reported alone: the rows cannot be read without it.
    """
    bag = ProblemCollector(file)
    now = now or planner.domain.now_wib()  # looked up here: tests freeze the one clock
    names = _check_header(header, rows, bag)
    bag.raise_if_any()
    groups, not_visited = _group_rows(names, rows, bag)
    # The route sheet marks planned stops by their order; the template says so per row.
    route_sheet = "urutan" in names or "rencana_tiba" in names
    visits = []
    for (_, squad, venue), members in groups.items():
        visit = _parse_visit(
            squad, venue, members, known, _Check(bag), now=now, route_sheet=route_sheet
        )
        if visit is not None:
            visits.append(visit)
    check_overlaps(visits, bag)
    bag.raise_if_any()
    return visits, not_visited


def _check_header(
    header: Sequence[str], rows: Sequence[tuple[int, Sequence[str]]], bag: ProblemCollector
) -> list[str]:
    """The normalised header; unknown, duplicated and missing required columns go to ``bag``."""
    names = [norm_header(h) for h in header]
    allowed = set(TEMPLATE_COLUMNS) | set(INFO_COLUMNS)
    seen: set[str] = set()
    for i, h in enumerate(names):
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
        if col not in names:
            bag.add(
                row=1,
                column=col,
                value=None,
                expected=msg(f"kolom wajib {col!r}", f"the required column {col!r}"),
            )
    return names


def _group_rows(
    header: Sequence[str], rows: Sequence[tuple[int, Sequence[str]]], bag: ProblemCollector
) -> tuple[dict[tuple[str, str, str], list[Row]], int]:
    """Rows grouped by visit key (tanggal, regu, venue_id), and the count of rows not visited.

    The key's date is normalised when it parses (``01/05/2024`` and ``2024-05-01`` are one
    visit); a route-sheet row whose fill-in columns are all empty was not visited.
    """
    not_visited = 0
    groups: dict[tuple[str, str, str], list[Row]] = {}
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
    return groups, not_visited


def _parse_visit(
    squad: str,
    venue: str,
    members: Sequence[Row],
    known: Known,
    check: _Check,
    *,
    now: dt.datetime,
    route_sheet: bool,
) -> VisitIn | None:
    """One visit from its rows (the first holds the visit; each row may add a report), or
    ``None`` when anything about it is wrong (the problems are in ``check``'s bag)."""
    rownum, rec = members[0]
    _check_repeated_rows(members, check)
    night: Night | None = None
    try:
        night = Night(_parse_date(rec["tanggal"]))
    except ValueError:
        check.bad(rownum, "tanggal", rec["tanggal"], _E_DATE)
    _check_squad_and_venue(rownum, squad, venue, known, check)
    arrived = left = None
    if night is not None:
        arrived, left = _parse_times(rownum, rec, night, known.visit_window, now, check)
    people = _parse_count(rownum, rec, "jumlah_warga", check)
    order = _parse_order(rownum, rec, check)
    # The route sheet marks planned stops by their order; a row the squad added (no order, no
    # planned time) is an extra stop. In the template a visit is planned unless
    # sesuai_rencana says otherwise.
    planned = bool(order is not None or rec.get("rencana_tiba")) if route_sheet else True
    planned = _yes_no(rownum, "sesuai_rencana", rec, check, planned)
    reports = _parse_reports(members, night, known, check)
    if not check.ok or night is None or arrived is None:
        return None
    return VisitIn(
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


def _check_repeated_rows(members: Sequence[Row], check: _Check) -> None:
    """The visit columns must agree across the rows of one visit (or be empty in the repeats)."""
    rownum, rec = members[0]
    for r2, rec2 in members[1:]:
        for col in _VISIT_COLUMNS:
            a, b = rec.get(col, ""), rec2.get(col, "")
            if b and a != b:
                check.bad(
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


def _check_squad_and_venue(
    rownum: int, squad: str, venue: str, known: Known, check: _Check
) -> None:
    if not squad:
        check.bad(rownum, "regu", squad, msg("kode regu, mis. R01", "a squad id, e.g. R01"))
    elif known.squad_ids is not None and squad not in known.squad_ids:
        check.bad(
            rownum,
            "regu",
            squad,
            msg(
                "regu yang dikenal: " + ", ".join(sorted(known.squad_ids)),
                "a known squad: " + ", ".join(sorted(known.squad_ids)),
            ),
        )
    if venue not in known.venue_ids:
        check.bad(
            rownum,
            "venue_id",
            venue,
            msg("venue_id yang ada di daftar tempat (venues)", "a venue_id from the venue list"),
        )


def _parse_times(
    rownum: int,
    rec: Mapping[str, str],
    night: Night,
    window: Window,
    now: dt.datetime,
    check: _Check,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Arrival (required) and departure (after the arrival), inside the window, not in the
    future; a bad one is ``None``."""
    if not rec.get("tiba", ""):
        check.bad(rownum, "tiba", "", msg("jam tiba, mis. 21:30", "the arrival time, e.g. 21:30"))
        arrived = None
    else:
        arrived = _parse_clock_cell(rownum, "tiba", rec["tiba"], night, window, now, check)
    left = None
    if rec.get("berangkat", ""):
        left = _parse_clock_cell(rownum, "berangkat", rec["berangkat"], night, window, now, check)
    if arrived is not None and left is not None and left <= arrived:
        check.bad(
            rownum,
            "berangkat",
            rec.get("berangkat"),
            msg(
                f"jam berangkat setelah jam tiba ({rec.get('tiba')})",
                f"a departure after the arrival ({rec.get('tiba')})",
            ),
        )
        left = None
    return arrived, left


def _parse_clock_cell(
    rownum: int,
    col: str,
    text: str,
    night: Night,
    window: Window,
    now: dt.datetime,
    check: _Check,
) -> dt.datetime | None:
    try:
        when = _parse_time(text, night)
    except ValueError:
        check.bad(
            rownum,
            col,
            text,
            msg(
                f"jam seperti 21:30 atau 21.30 pada malam {night}",
                f"a time like 21:30 or 21.30 on the night of {night}",
            ),
        )
        return None
    minutes = night.to_minutes(when)
    if not window.start_min <= minutes <= window.end_min:
        check.bad(
            rownum,
            col,
            text,
            msg(
                f"jam di dalam malam patroli ({window})",
                f"a time inside the patrol night ({window})",
            ),
        )
        return None
    if when > now:
        check.bad(
            rownum,
            col,
            when.strftime("%Y-%m-%d %H:%M"),
            msg("waktu yang sudah lewat", "a time in the past"),
        )
        return None
    return when


def _parse_count(rownum: int, rec: Mapping[str, str], col: str, check: _Check) -> int | None:
    if not rec.get(col):
        return None
    try:
        people = int(rec[col])
        if not 0 <= people <= _MAX_PEOPLE:
            raise ValueError
    except ValueError:
        check.bad(
            rownum,
            col,
            rec[col],
            msg(
                f"bilangan bulat 0 sampai {_MAX_PEOPLE} (perkiraan)",
                f"a whole number from 0 to {_MAX_PEOPLE} (an estimate)",
            ),
        )
        return None
    return people


def _parse_order(rownum: int, rec: Mapping[str, str], check: _Check) -> int | None:
    if not rec.get("urutan"):
        return None
    try:
        order = int(rec["urutan"])
        if order < 1:
            raise ValueError
    except ValueError:
        check.bad(rownum, "urutan", rec["urutan"], msg("bilangan ≥ 1", "a number ≥ 1"))
        return None
    return order


# ----------------------------------------------------------------------------- reports


def _parse_reports(
    members: Sequence[Row], night: Night | None, known: Known, check: _Check
) -> list[ReportIn]:
    """The report of each of the visit's rows; the same report twice is a duplicated row."""
    reports: list[ReportIn] = []
    texts: dict[tuple[str, str], int] = {}
    for r2, rec2 in members:
        rep = _parse_report(r2, rec2, night, known, check)
        if rep is None:
            continue
        dup = texts.get((rep.category, rep.text))
        if dup is not None:
            check.bad(
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
    return reports


def _parse_report(
    rownum: int, rec: Mapping[str, str], night: Night | None, known: Known, visit: _Check
) -> ReportIn | None:
    """The row's report, or ``None`` (no report, or a bad one: its problems are in the bag).

    Defaults: a police matter for the police categories; ``dirujuk`` with an agency, else
    ``baru``; a closed date makes it ``selesai``; police matters and referrals are due
    ``known.due_days`` after the night.
    """
    cat_text, body = rec.get("laporan_kategori", ""), rec.get("laporan_isi", "")
    if not cat_text and not body:
        _check_no_report_columns(rownum, rec, visit)
        return None
    check = visit.child()
    category = _category(known.categories, cat_text) or _by_code(
        known.category_codes, cat_text, CATEGORY_CODE
    )
    if category is None:
        check.bad(
            rownum,
            "laporan_kategori",
            cat_text,
            msg(
                "salah satu kategori: "
                + ", ".join(known.categories)
                + " (huruf besar/kecil, spasi dan _ tidak dibedakan), atau kodenya di lembar "
                + f"rencana ({CATEGORY_CODE}1…)",
                "one of the categories: "
                + ", ".join(known.categories)
                + f" (case, spaces and _ alike), or its code on the route sheet ({CATEGORY_CODE}1…)",
            ),
        )
    if not body:
        check.bad(rownum, "laporan_isi", body, msg("isi laporan warga", "what people reported"))
    police = category in known.police_categories if category else False
    police = _yes_no(rownum, "urusan_polisi", rec, check, police)
    agency = _report_agency(rownum, rec, known, check)
    status = _report_status(rownum, rec, check)
    due, closed = _report_dates(rownum, rec, night, check)
    if closed is not None and status != "selesai":
        if rec.get("status"):
            check.bad(
                rownum,
                "tanggal_selesai",
                rec["tanggal_selesai"],
                msg("kosong kecuali status 'selesai'", "empty unless status is 'selesai'"),
            )
        else:
            status = "selesai"
    if not check.ok or night is None or category is None:
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


def _check_no_report_columns(rownum: int, rec: Mapping[str, str], check: _Check) -> None:
    """A row without a report must leave the report columns empty (else data would be lost)."""
    for col in (*_REPORT_COLUMNS, "hasil"):
        if rec.get(col):
            check.bad(
                rownum,
                "laporan_kategori",
                "",
                msg(
                    f"kategori dan isi laporan, karena kolom {col} terisi",
                    f"a report category and text, since {col} is filled",
                ),
            )
            return


def _report_agency(rownum: int, rec: Mapping[str, str], known: Known, check: _Check) -> str | None:
    if not rec.get("dirujuk_ke"):
        return None
    agency = _canonical(known.agencies, rec["dirujuk_ke"]) or _by_code(
        known.agency_codes, rec["dirujuk_ke"], AGENCY_CODE
    )
    if agency is None:
        check.bad(
            rownum,
            "dirujuk_ke",
            rec["dirujuk_ke"],
            msg(
                "instansi yang dikenal: "
                + ", ".join(known.agencies)
                + f", atau kodenya di lembar rencana ({AGENCY_CODE}1…)",
                "a known agency: "
                + ", ".join(known.agencies)
                + f", or its code on the route sheet ({AGENCY_CODE}1…)",
            ),
        )
    return agency


def _report_status(rownum: int, rec: Mapping[str, str], check: _Check) -> Status:
    status: Status = "dirujuk" if rec.get("dirujuk_ke") else "baru"
    if rec.get("status"):
        s = rec["status"].strip().lower()
        if s in STATUSES:
            status = s  # type: ignore[assignment]
        else:
            check.bad(
                rownum, "status", rec["status"], msg(" / ".join(STATUSES), " / ".join(STATUSES))
            )
    if status == "dirujuk" and not rec.get("dirujuk_ke"):
        check.bad(
            rownum,
            "dirujuk_ke",
            "",
            msg("nama instansi, karena status 'dirujuk'", "an agency, since status is 'dirujuk'"),
        )
    return status


def _report_dates(
    rownum: int, rec: Mapping[str, str], night: Night | None, check: _Check
) -> tuple[dt.date | None, dt.date | None]:
    """``(batas_waktu, tanggal_selesai)``, each a date on or after the night, or ``None``."""
    found: dict[str, dt.date] = {}
    for col in ("batas_waktu", "tanggal_selesai"):
        if not rec.get(col):
            continue
        try:
            d = _parse_date(rec[col])
        except ValueError:
            check.bad(rownum, col, rec[col], _E_DATE)
            continue
        if night is not None and d < night.date:
            check.bad(
                rownum,
                col,
                rec[col],
                msg(
                    f"tanggal sejak malam kunjungan ({night})",
                    f"a date on or after the night of the visit ({night})",
                ),
            )
            continue
        found[col] = d
    return found.get("batas_waktu"), found.get("tanggal_selesai")


def _end(v: VisitIn) -> dt.datetime:
    return v.left_at if v.left_at is not None else v.arrived_at


def _span(v: VisitIn) -> str:
    return f"{v.arrived_at:%H:%M}" + ("" if v.left_at is None else f"–{v.left_at:%H:%M}")


def check_overlaps(
    visits: Sequence[VisitIn],
    bag: ProblemCollector,
    *,
    stored: Sequence[tuple[VisitIn, str]] = (),
) -> None:
    """A squad cannot be at two venues at once: every visit of ``visits`` that overlaps another
    visit of the same squad that night — one of ``visits`` or one already ``stored`` (with the
    file it came from) — goes to ``bag``, naming both.

    Two visits overlap when one arrives before the other has left, or both arrive at the same
    minute. A long visit is compared with every later one that starts before it ends.
    """
    groups: dict[tuple[dt.date, str], list[tuple[VisitIn, str | None]]] = {}
    for v in visits:
        groups.setdefault((v.night, v.squad_id), []).append((v, None))
    for v, source in stored:
        if (v.night, v.squad_id) in groups:
            groups[(v.night, v.squad_id)].append((v, source))
    for group in groups.values():
        group.sort(key=lambda item: (item[0].arrived_at, _end(item[0])))
        longest: tuple[VisitIn, str | None] | None = None
        for item in group:
            if longest is not None:
                a, b = longest[0], item[0]
                if (b.arrived_at < _end(a) or b.arrived_at == a.arrived_at) and (
                    longest[1] is None or item[1] is None
                ):
                    new, other = (item, longest) if item[1] is None else (longest, item)
                    _add_overlap(bag, new[0], other[0], other[1])
            if longest is None or _end(item[0]) > _end(longest[0]):
                longest = item


def _add_overlap(bag: ProblemCollector, new: VisitIn, other: VisitIn, source: str | None) -> None:
    if source is None:
        where_id = f"baris {other.row}" if other.row is not None else "kunjungan lain"
        where_en = f"row {other.row}" if other.row is not None else "another visit"
    else:
        where_id = f"sudah tercatat, dari {source}"
        where_en = f"already recorded, from {source}"
    bag.add(
        row=new.row,
        column="tiba",
        value=f"{new.squad_id} @ {new.venue_id} {_span(new)}",
        expected=msg(
            f"regu {new.squad_id} tidak bisa di dua tempat sekaligus: waktu ini bertumpang "
            f"dengan kunjungan ke {other.venue_id} {_span(other)} malam {other.night} "
            f"({where_id}); perbaiki jam tiba/berangkat salah satunya",
            f"squad {new.squad_id} cannot be at two places at once: this overlaps its visit "
            f"to {other.venue_id} {_span(other)} on the night of {other.night} ({where_en}); "
            "fix the arrival/departure of one of them",
        ),
    )


__all__ = [
    "AGENCY_CODE",
    "CATEGORY_CODE",
    "FILL_COLUMNS",
    "INFO_COLUMNS",
    "OPEN_STATUSES",
    "REQUIRED_COLUMNS",
    "STATUSES",
    "TEMPLATE_COLUMNS",
    "Known",
    "ReportIn",
    "Sheet",
    "Status",
    "VisitIn",
    "category_key",
    "check_overlaps",
    "codes",
    "parse_rows",
    "read_sheet",
]
