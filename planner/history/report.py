"""The squad's night report sent from the phone (``WARKOP-LAPORAN v1``): write, read, verify.

The squad page's "Kirim laporan" button shares the night's visits as plain text (WhatsApp, the
phone's share sheet, or the clipboard); ``planner visits import`` reads it back here. The format
is documented in ``docs/report-format.md``; in short::

    WARKOP-LAPORAN v1
    malam: 2026-12-01
    regu: R01
    rencana: 5d1c0a9e
    dibuat: 2026-12-02T00:41+07:00
    == 1 ==
    tempat: V0012
    nama: Warkop Bu Sri
    tiba: 2026-12-01T21:32+07:00
    selesai: 2026-12-01T21:58+07:00
    warga: 12
    catatan: jalan gelap
    kategori: infrastruktur
    isi: lampu jalan mati
    instansi: PLN
    AKHIR 1 kunjungan crc32:7b8338b4

One ``key: value`` per line, values on one line (``\\``, line breaks, tabs and invisible
characters escaped), and a CRC-32 of every line from the header to the one before ``AKHIR``:
a changed, cut or re-typed message is refused. Lines a chat app wrapped are joined again (the
checksum says which way). The JavaScript twin of :func:`format_report` is in
``planner/templates/map_checkin.html.j2``; the two must write the same bytes.

What a report becomes is the visit template's rows (:data:`~planner.history.rows.TEMPLATE_COLUMNS`
plus ``urutan``), validated by :func:`~planner.history.rows.parse_rows` and written by
:func:`~planner.history.record.add_visits`: the template's all-or-nothing, idempotent path.
Everything here but :func:`commit` is a pure function.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import ProblemCollector
from planner.history.record import ImportResult, ProgressFn, add_visits, parse_sheet_rows
from planner.history.rows import Known, VisitIn, parse_rows, read_sheet
from planner.history.store import HistoryStore
from planner.text import msg

FORMAT = "WARKOP-LAPORAN"
VERSION = 1
HEADER = f"{FORMAT} v{VERSION}"
END = "AKHIR"
#: The keys of a report, in the order they are written (``docs/report-format.md``).
NIGHT_KEYS: tuple[str, ...] = ("malam", "regu", "rencana", "dibuat")
VISIT_KEYS: tuple[str, ...] = ("tempat", "nama", "tiba", "selesai", "warga", "catatan")
ITEM_KEYS: tuple[str, ...] = ("kategori", "isi", "instansi")
KEYS = frozenset(NIGHT_KEYS + VISIT_KEYS + ITEM_KEYS)

_HEADER_RE = re.compile(rf"{FORMAT} v(\d+)")
_END_RE = re.compile(rf"{END} (\d+) kunjungan crc32:([0-9a-f]{{8}})")
_VISIT_RE = re.compile(r"== (\d+) ==")
_KEY_RE = re.compile(r"([a-z]+): (.*)")
_TIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?\+07:00")
_PLAN_ID_RE = re.compile(r"[0-9a-f]{8}")
#: Characters a chat app may drop, change or show as nothing: written as ``\u{hex}``.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPE_RE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|(.)|$)")
_MAX_WRAPS = 12  # 2**12 ways to join wrapped lines, tried against the checksum


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ReportItem:
    """One thing people raised at a visit (the template's ``laporan_*`` columns)."""

    category: str
    text: str
    agency: str = ""


@dataclass(frozen=True)
class ReportVisit:
    """One stop as the phone recorded it.

    ``arrived`` and ``left`` are ``YYYY-MM-DDTHH:MM+07:00`` (WIB, minutes), as in the message.
    """

    order: int
    venue_id: str
    arrived: str
    name: str = ""
    left: str = ""
    people: str = ""
    notes: str = ""
    items: tuple[ReportItem, ...] = ()
    line: int | None = field(default=None, compare=False)
    """The message's line where the visit starts (for problems)."""


@dataclass(frozen=True)
class SquadReport:
    """One squad's night report: who, which night, which plan, and the visits."""

    night: dt.date
    squad_id: str
    plan_id: str
    visits: tuple[ReportVisit, ...]
    created: str = ""
    line: int | None = field(default=None, compare=False)
    """The message's line of the header (for problems)."""


@dataclass(frozen=True)
class Prepared:
    """Visits read and validated, not yet written (nothing exists on disk until :func:`commit`)."""

    source: str
    visits: tuple[VisitIn, ...]
    rows: int
    not_visited: int = 0
    reports: tuple[SquadReport, ...] = ()
    """The squad reports the visits came from (empty for a template)."""


# ----------------------------------------------------------------------------- pieces


def escape_value(text: str) -> str:
    """A value on one line that a chat app passes unchanged (see docs/report-format.md)."""
    out = re.sub(r"[\\\n\r\t]", lambda m: _ESCAPES[m.group(0)], text)
    return _INVISIBLE.sub(lambda m: f"\\u{{{ord(m.group(0)):x}}}", out)


def unescape_value(text: str) -> str:
    """The inverse of :func:`escape_value`.

    Raises
    ------
    ValueError
        An unknown escape (``\\x``) or a backslash at the end.
    """
    simple = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}

    def one(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            code = int(m.group(1), 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise ValueError(m.group(0))
            return chr(code)
        if m.group(2) is None or m.group(2) not in simple:
            raise ValueError(m.group(0))
        return simple[m.group(2)]

    return _UNESCAPE_RE.sub(one, text)


def checksum(body: str) -> str:
    """CRC-32 (zlib's, IEEE 802.3) of the UTF-8 body, as 8 lowercase hex digits."""
    return f"{zlib.crc32(body.encode('utf-8')) & 0xFFFFFFFF:08x}"


def plan_id(night: dt.date, squad_id: str, venue_ids: Iterable[str]) -> str:
    """The identity of a squad's planned route: 8 hex digits of SHA-256 over the night, the
    squad and its stops in order. A new plan with other stops gets another id (and another
    local-storage key on the phone)."""
    text = "\n".join([night.isoformat(), squad_id, *venue_ids])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def wib_minute(when: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM+07:00``: a moment as the report writes it."""
    from planner.domain import WIB

    return when.astimezone(WIB).strftime("%Y-%m-%dT%H:%M+07:00")


# ----------------------------------------------------------------------------- writing


def report_lines(report: SquadReport) -> list[str]:
    """The message's lines from the header to the one before ``AKHIR`` (what the CRC covers)."""
    lines = [HEADER]

    def put(key: str, value: str) -> None:
        value = value.strip()
        if value:
            lines.append(f"{key}: {escape_value(value)}")

    put("malam", report.night.isoformat())
    put("regu", report.squad_id)
    put("rencana", report.plan_id)
    put("dibuat", report.created)
    for v in report.visits:
        lines.append(f"== {v.order} ==")
        put("tempat", v.venue_id)
        put("nama", v.name)
        put("tiba", v.arrived)
        put("selesai", v.left)
        put("warga", v.people)
        put("catatan", v.notes)
        for item in v.items:
            put("kategori", item.category)
            put("isi", item.text)
            put("instansi", item.agency)
    return lines


def format_report(report: SquadReport) -> str:
    """The message the phone shares (the Python twin of the page's JavaScript)."""
    lines = report_lines(report)
    body = "\n".join(lines)
    return f"{body}\n{END} {len(report.visits)} kunjungan crc32:{checksum(body)}\n"


# ----------------------------------------------------------------------------- reading


def looks_like_report(text: str) -> bool:
    """Whether ``text`` holds a squad report (else it is taken for a CSV template)."""
    return _HEADER_RE.search(text) is not None


_E_FORMAT = msg(
    "laporan dari tombol Kirim laporan di peta regu, tidak diubah",
    "a report from the squad map's Kirim laporan button, unchanged",
)

_E_PLAN_ID = msg("8 digit heksadesimal, mis. 5d1c0a9e", "8 hexadecimal digits, e.g. 5d1c0a9e")


def _blocks(text: str, bag: ProblemCollector) -> list[tuple[int, list[str]]]:
    """Each report in ``text`` as ``(line number of the header, its lines to AKHIR)``.

    Text around the reports (a chat's ``[01.30] Bripka Andi:`` prefix, greetings) is skipped.
    A report without its ``AKHIR`` line is truncated and goes to ``bag``.
    """
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    blocks: list[tuple[int, list[str]]] = []
    i = 0
    while i < len(lines):
        m = _HEADER_RE.search(lines[i])
        if m is None:
            i += 1
            continue
        start, block = i, [m.group(0)]  # a chat's prefix (sender, time) before it is not ours
        i += 1
        while i < len(lines) and not _END_RE.fullmatch(lines[i]):
            if _HEADER_RE.search(lines[i]):
                break
            if lines[i]:
                block.append(lines[i])
            i += 1
        if i < len(lines) and _END_RE.fullmatch(lines[i]):
            block.append(lines[i])
            i += 1
        else:
            bag.add(
                row=start + 1,
                value=f"{len(block)} baris",
                expected=msg(
                    f"laporan lengkap sampai baris '{END} … kunjungan crc32:…' (laporan "
                    "terpotong; minta regu mengirim ulang seluruh pesan)",
                    f"a whole report, down to its '{END} … kunjungan crc32:…' line (the "
                    "message is cut short; ask the squad to send the whole message again)",
                ),
            )
        blocks.append((start + 1, block))
    return blocks


def _is_line(line: str) -> bool:
    """Whether a line starts a line of the format (else a chat app wrapped the one before)."""
    if _HEADER_RE.fullmatch(line) or _VISIT_RE.fullmatch(line) or _END_RE.fullmatch(line):
        return True
    m = _KEY_RE.fullmatch(line)
    return m is not None and m.group(1) in KEYS


def _unwrap(lines: list[str], crc: str) -> list[str] | None:
    """The lines as written, joining wrapped pieces with or without a space, whichever way
    matches the checksum; None when none does."""
    heads: list[list[str]] = []
    for line in lines:
        if heads and not _is_line(line):
            heads[-1].append(line)
        else:
            heads.append([line])
    pieces = [p for h in heads for p in h[1:]]
    if len(pieces) > _MAX_WRAPS:
        return None
    for joins in itertools.product(("", " "), repeat=len(pieces)):
        it = iter(joins)
        out = [h[0] + "".join(next(it) + p for p in h[1:]) for h in heads]
        if checksum("\n".join(out)) == crc:
            return out
    return None


def parse_reports(text: str, *, file: str) -> list[SquadReport]:
    """Every squad report in ``text``, verified (header, checksum, end line, syntax).

    Raises
    ------
    InputError
        No report in the text, an unknown version, a truncated message, a checksum that does not
        match (the message was changed), or a line that is not of the format; nothing is read
        when any report is bad.
    """
    bag = ProblemCollector(file)
    blocks = _blocks(text, bag)
    if not blocks:
        bag.add(value=text.strip()[:40] or "—", expected=_E_FORMAT)
    reports = []
    for start, block in blocks:
        version = int(_HEADER_RE.fullmatch(block[0]).group(1))  # type: ignore[union-attr]
        if version != VERSION:
            bag.add(
                row=start,
                value=block[0],
                expected=msg(
                    f"{HEADER} (versi laporan yang dikenal planner ini; perbarui planner)",
                    f"{HEADER} (the report version this planner reads; update the planner)",
                ),
            )
            continue
        end = _END_RE.fullmatch(block[-1])
        if end is None:
            continue  # truncated: already in the bag
        lines = _unwrap(block[:-1], end.group(2))
        if lines is None:
            bag.add(
                row=start,
                column="crc32",
                value=end.group(2),
                expected=msg(
                    "checksum yang cocok dengan isi laporan (laporan berubah atau rusak "
                    "setelah dikirim; minta regu mengirim ulang dari tombol Kirim laporan)",
                    "a checksum that matches the report (the message was changed or damaged "
                    "after it was sent; ask the squad to send it again with Kirim laporan)",
                ),
            )
            continue
        report = _read_block(lines, start, bag)
        if report is not None and len(report.visits) != int(end.group(1)):
            bag.add(
                row=start,
                column=END,
                value=end.group(1),
                expected=msg(
                    f"jumlah kunjungan di laporan ({len(report.visits)})",
                    f"the number of visits in the report ({len(report.visits)})",
                ),
            )
        elif report is not None:
            reports.append(report)
    bag.raise_if_any()
    return reports


def _read_block(lines: Sequence[str], start: int, bag: ProblemCollector) -> SquadReport | None:
    """A verified block's fields (line numbers count from the header at ``start``)."""
    head: dict[str, str] = {}
    visits: list[dict[str, object]] = []
    ok = True
    for offset, line in enumerate(lines[1:], start=1):
        row = start + offset
        m = _VISIT_RE.fullmatch(line)
        if m:
            visits.append({"order": int(m.group(1)), "line": row, "items": []})
            continue
        m = _KEY_RE.fullmatch(line)
        key = m.group(1) if m else ""
        try:
            value = unescape_value(m.group(2)) if m else ""
        except ValueError:
            m = None
        if m is None or key not in KEYS or (key in NIGHT_KEYS) == bool(visits):
            bag.add(row=row, column=key or None, value=line, expected=_E_FORMAT)
            ok = False
            continue
        if key in NIGHT_KEYS:
            head[key] = value
        elif key in ITEM_KEYS:
            items: list[dict[str, str]] = visits[-1]["items"]  # type: ignore[assignment]
            if key == "kategori" or not items:
                items.append({})
            items[-1][key] = value
        else:
            visits[-1][key] = value
    night = _night(head.get("malam", ""), start, bag)
    for key in ("regu", "rencana"):
        if not head.get(key):
            bag.add(row=start, column=key, value=None, expected=_E_FORMAT)
            ok = False
    if head.get("rencana") and not _PLAN_ID_RE.fullmatch(head["rencana"]):
        bag.add(row=start, column="rencana", value=head["rencana"], expected=_E_PLAN_ID)
        ok = False
    if not ok or night is None:
        return None
    return SquadReport(
        night=night,
        squad_id=head["regu"],
        plan_id=head["rencana"],
        created=head.get("dibuat", ""),
        visits=tuple(_visit(v) for v in visits),
        line=start,
    )


def _night(text: str, row: int, bag: ProblemCollector) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        bag.add(
            row=row, column="malam", value=text or None, expected=msg("YYYY-MM-DD", "YYYY-MM-DD")
        )
        return None


def _visit(fields: Mapping[str, object]) -> ReportVisit:
    items = [
        ReportItem(i.get("kategori", ""), i.get("isi", ""), i.get("instansi", ""))
        for i in fields["items"]  # type: ignore[attr-defined]
    ]
    return ReportVisit(
        order=int(fields["order"]),  # type: ignore[call-overload]
        venue_id=str(fields.get("tempat", "")),
        arrived=str(fields.get("tiba", "")),
        name=str(fields.get("nama", "")),
        left=str(fields.get("selesai", "")),
        people=str(fields.get("warga", "")),
        notes=str(fields.get("catatan", "")),
        items=tuple(items),
        line=int(fields["line"]),  # type: ignore[call-overload]
    )


# ----------------------------------------------------------------------------- checking


def check_reports(
    reports: Sequence[SquadReport],
    *,
    file: str,
    night: dt.date | None = None,
    plan_ids: Mapping[str, str] | None = None,
) -> None:
    """Refuse reports of another night (``night``: the ``--date`` given or the plan's) or of
    another plan (``plan_ids``: squad → :func:`plan_id` of the plan folder given), and the same
    squad twice in one paste with different content.

    Raises
    ------
    InputError
        Every such report.
    """
    bag = ProblemCollector(file)
    seen: dict[tuple[dt.date, str], SquadReport] = {}
    for r in reports:
        if night is not None and r.night != night:
            bag.add(
                row=r.line,
                column="malam",
                value=r.night.isoformat(),
                expected=msg(
                    f"laporan malam {night.isoformat()} (ini laporan malam lain; periksa "
                    "tanggalnya atau impor dengan --date yang benar)",
                    f"a report of the night of {night.isoformat()} (this is another night's; "
                    "check the date or import with the right --date)",
                ),
            )
        if plan_ids is not None and plan_ids.get(r.squad_id) != r.plan_id:
            known = plan_ids.get(r.squad_id)
            bag.add(
                row=r.line,
                column="rencana",
                value=r.plan_id,
                expected=msg(
                    f"rencana {known} regu {r.squad_id} dari folder rencana ini (peta regu "
                    "dari rencana lain)"
                    if known
                    else f"regu yang ada di rencana ini (regu {r.squad_id} tidak ada)",
                    f"plan {known} of squad {r.squad_id} from this plan folder (the squad "
                    "map came from another plan)"
                    if known
                    else f"a squad of this plan (squad {r.squad_id} is not in it)",
                ),
            )
        twin = seen.get((r.night, r.squad_id))
        if twin is not None and twin.visits != r.visits:
            bag.add(
                row=r.line,
                column="regu",
                value=r.squad_id,
                expected=msg(
                    f"satu laporan per regu dan malam (laporan di baris {twin.line} berbeda; "
                    "impor yang terbaru saja)",
                    f"one report per squad and night (the one at line {twin.line} differs; "
                    "import the latest only)",
                ),
            )
        seen[(r.night, r.squad_id)] = r
    bag.raise_if_any()


def report_rows(reports: Sequence[SquadReport]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The visit template's header and rows that ``reports`` stand for (one row per reported
    item, the visit repeated, as the template writes several reports), each row numbered with
    the message's line of its visit."""
    header = [
        "tanggal",
        "regu",
        "venue_id",
        "urutan",
        "tiba",
        "berangkat",
        "jumlah_warga",
        "catatan",
        "laporan_kategori",
        "laporan_isi",
        "dirujuk_ke",
    ]
    rows: list[tuple[int, list[str]]] = []
    seen: set[tuple[dt.date, str]] = set()
    for r in reports:
        if (r.night, r.squad_id) in seen:
            continue  # the same report pasted twice (check_reports refused differing ones)
        seen.add((r.night, r.squad_id))
        for v in r.visits:
            base = [
                r.night.isoformat(),
                r.squad_id,
                v.venue_id,
                str(v.order),
                _clock(v.arrived),
                _clock(v.left),
                v.people,
                v.notes,
            ]
            for item in v.items or (ReportItem("", ""),):
                rows.append((v.line or 0, [*base, item.category, item.text, item.agency]))
    return header, rows


def _clock(text: str) -> str:
    """``2026-12-02T01:15+07:00`` → ``2026-12-02 01:15`` (the template's full form); a time
    not in WIB's offset is left as written, so the template's check names it."""
    m = _TIME_RE.fullmatch(text)
    return f"{m.group(1)} {m.group(2)}" if m else text


# ----------------------------------------------------------------------------- importing


def prepare_report(
    text: str,
    known: Known,
    *,
    file: str,
    night: dt.date | None = None,
    plan_ids: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Prepared:
    """Read, verify and validate the squad reports in ``text`` (nothing is written).

    Raises
    ------
    InputError
        The message is not a whole, unchanged report of the night (and plan) asked for, or a
        visit in it breaks a rule of the visit template (docs/history.md).
    """
    reports = parse_reports(text, file=file)
    check_reports(reports, file=file, night=night, plan_ids=plan_ids)
    header, rows = report_rows(reports)
    visits, not_visited = parse_rows(header, rows, known, file=file, now=now)
    return Prepared(file, tuple(visits), len(rows), not_visited, tuple(reports))


def prepare_sheet(path: Path | str, known: Known, *, now: dt.datetime | None = None) -> Prepared:
    """Read and validate a visit template or route sheet (CSV/XLSX) without touching a store.

    Raises
    ------
    InputError
        The file is missing or unreadable, its header is bad, or a row breaks a rule; every
        problem the reader and the rows have, at once.
    """
    sheet = read_sheet(path)
    visits, not_visited = parse_sheet_rows(
        sheet.header, sheet.rows, known, file=sheet.name, now=now, found=sheet.problems
    )
    return Prepared(sheet.name, tuple(visits), len(sheet.rows), not_visited)


def commit(
    store: HistoryStore,
    prepared: Prepared,
    *,
    replace: bool = False,
    progress: ProgressFn | None = None,
) -> ImportResult:
    """Write prepared visits in one transaction (:func:`~planner.history.record.add_visits`):
    a re-sent report adds nothing, a changed one is refused unless ``replace``."""
    return add_visits(
        store,
        prepared.visits,
        source=prepared.source,
        replace=replace,
        rows=prepared.rows,
        not_visited=prepared.not_visited,
        progress=progress,
    )


__all__ = [
    "END",
    "FORMAT",
    "HEADER",
    "ITEM_KEYS",
    "NIGHT_KEYS",
    "VERSION",
    "VISIT_KEYS",
    "Prepared",
    "ReportItem",
    "ReportVisit",
    "SquadReport",
    "check_reports",
    "checksum",
    "commit",
    "escape_value",
    "format_report",
    "looks_like_report",
    "parse_reports",
    "plan_id",
    "prepare_report",
    "prepare_sheet",
    "report_lines",
    "report_rows",
    "unescape_value",
    "wib_minute",
]
