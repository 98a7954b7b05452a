"""Route sheets of a planned night, and the table behind them.

Everything here reads a :class:`~planner.pipeline.NightResult` and returns text or bytes; the
caller (:func:`planner.render.outputs.write_night`) writes the files atomically. Formats:

- ``rencana-patroli-<date>.html``: the printable A4 route sheet, one section per squad;
- ``rencana-patroli-<date>.csv`` and ``.xlsx``: one row per stop, with empty columns the squad
  fills in after the night (``planner visits import`` reads either back); the CSV in the
  office dialect (:func:`planner._tables.csv_bytes`), the workbook typed
  (:func:`planner._tables.xlsx_bytes`) with a second sheet of the code lists;
- ``summary(...)``: the machine-readable summary behind ``planner plan --json``.

The printed sheet has a box for every field the import reads (:data:`SHEET_FIELDS`): tiba,
selesai, jumlah warga, keluhan/aspirasi, kategori and diteruskan ke. The report categories and
the agencies are printed once per squad as a legend of short codes (``K1 curanmor``, ``I3
Dinas PUPR``: :attr:`planner.history.Known.category_codes`, from the same settings the import
validates against); a squad writes the code in the stop's small box and the import reads it.

"Yang perlu diperhatikan" shows what is particular to a stop (:attr:`StopRow.particular`): the
one score reason that fewest of tonight's stops share, its desa lines
(:mod:`planner.render.presence`) and what the visit log says of the venue
(``NightResult.venue_notes``: what people raised there last time, follow-ups still open). The
CSV, the workbook and the GeoJSON keep every reason. The geographic exports are in
:mod:`planner.render.geoexport`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner._tables import csv_bytes, xlsx_bytes
from planner.domain import Night, Plan, Squad, format_clock_s
from planner.history import FILL_COLUMNS, INFO_COLUMNS, Known
from planner.render import presence
from planner.render._html import render
from planner.render.mapdata import points_xy, squad_map_filename
from planner.text import Lang, long_date, number, short_date
from planner.text.risk import category_name
from planner.text.sheets import (
    MORE,
    NIGHT_DATE,
    OFFICE_LINE,
    OPEN_FOLLOWUP,
    POLICE,
    RAISED,
    SHEET_TEXT,
    TOTALS,
)

if TYPE_CHECKING:
    from planner.history.queries import VenueNotes
    from planner.pipeline import NightResult

CSV_COLUMNS: tuple[str, ...] = (
    "tanggal",
    "regu",
    "venue_id",
    *INFO_COLUMNS,
    *FILL_COLUMNS,  # left empty: the squad fills them in after the night
)
"""The route sheet's CSV: what ``planner visits import`` reads back (history's columns)."""

SHEET_FIELDS: dict[str, str] = {
    "arrived": "tiba",
    "left": "berangkat",
    "people_met": "jumlah_warga",
    "category": "laporan_kategori",
    "agency": "dirujuk_ke",
    "issues": "laporan_isi",
}
"""The printed sheet's boxes (label key in :data:`~planner.text.sheets.SHEET_TEXT` → the
import's column, printed small under the label so the office types it into that column)."""

XLSX_SHEET = "kunjungan"
"""The workbook's stop sheet: the name ``planner visits import`` reads first."""
XLSX_CODES_SHEET = "kode"
"""The workbook's second sheet: the code lists of the printed legend."""
NOTE_CHARS = 80
"""Longest report text a stop's history line quotes on the printed sheet."""
OPEN_SHOWN = 2
"""Open follow-ups a stop's history lines name; the rest are counted (``+2 lainnya``)."""


NAME_CHARS = 160
"""Longest name (venue, desa, squad, station) a printed sheet shows; longer ones are cut with
``…`` (the CSV and the GeoJSON keep the whole text)."""
TEXT_CHARS = 1000
"""Longest free text (a community report) a printed page shows; a score reason is cut at
twice :data:`NAME_CHARS`."""


def clip(text: object, limit: int = NAME_CHARS) -> str:
    """``text`` cut to ``limit`` characters, ending in ``…`` when it was longer."""
    s = str(text)
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def night_date_text(date: dt.date, lang: Lang) -> str:
    """``"Selasa, 1 Desember 2026 (malam)"`` / ``"Tuesday, 1 December 2026 (night)"``."""
    return NIGHT_DATE.format(date=long_date(date, lang))(lang)


@dataclass(frozen=True)
class StopRow:
    """One stop with everything a sheet or export shows."""

    squad_id: str
    order: int
    venue_id: str
    name: str
    kind: str
    desa: str
    kecamatan: str
    arrival_s: int
    start_s: int
    departure_s: int
    priority: float
    reasons: tuple[str, ...]
    lat: float
    lon: float
    notes: tuple[str, ...] = ()
    """The desa lines: the presence curve's rank and weight, the days since presence."""
    key_reason: str | None = None
    """The score reason fewest of tonight's stops share (ties: the first, in the reasons'
    fixed order: directives, incidents, reports, kerawanan, …): what sets this stop apart."""
    history: tuple[str, ...] = ()
    """What the visit log says of the venue: follow-ups still open, what was raised last time."""
    desa_note: presence.StopNote | None = field(default=None, compare=False)
    """The facts behind the desa lines (the printed sheet words them shorter)."""

    @property
    def attention(self) -> tuple[str, ...]:
        """Everything to pay attention to (the CSV, the GeoJSON): the reasons, the desa lines,
        the visit log's lines."""
        return (*self.reasons, *self.notes, *self.history)

    def particular(self, lang: Lang, *, first_in_desa: bool = True) -> tuple[str, ...]:
        """What the printed sheet shows, what sets this stop apart: the key reason, its rank
        among tonight's visits of its desa (short: the desa is printed beside it), the desa's
        presence line only at the squad's ``first_in_desa`` stop there (it is the same for
        every stop of a desa), then the visit log's lines."""
        note = self.desa_note
        desa: tuple[str | None, ...] = ()
        if note is not None:
            shown = first_in_desa and note.overdue_bonus <= 0  # else a reason names it
            desa = (note.curve_line(lang, short=True), note.presence_line(lang) if shown else None)
        lines = (self.key_reason, *desa, *self.history)
        return tuple(x for x in lines if x)

    def fields(self) -> dict[str, Any]:
        """What the sheet shows of a stop, times as WIB ``HH:MM``."""
        return {
            "order": self.order,
            "venue_id": self.venue_id,
            "name": self.name,
            "kind": self.kind,
            "desa": self.desa,
            "kecamatan": self.kecamatan,
            "arrival": format_clock_s(self.arrival_s),
            "start": format_clock_s(self.start_s),
            "departure": format_clock_s(self.departure_s),
        }


def night_time(night: Night, seconds: float) -> dt.datetime:
    """A night-clock time as its WIB datetime, to the minute (rounded down, as ``HH:MM`` is):
    a stop after midnight carries the next day's date."""
    return night.at(int(seconds) // 60)


def iso_time(night: Night, seconds: float) -> str:
    """``2026-12-02T00:15+07:00``: a night-clock time in ISO 8601 with its date and offset."""
    return night_time(night, seconds).isoformat(timespec="minutes")


def history_lines(notes: VenueNotes | None, lang: Lang) -> tuple[str, ...]:
    """A venue's visit-log lines: its open follow-ups (the first :data:`OPEN_SHOWN`, then a
    count), then what its last visit raised that is not among them."""
    if notes is None:
        return ()
    lines = [
        OPEN_FOLLOWUP.format(
            category=r.category,
            text=clip(r.text, NOTE_CHARS),
            who=r.agency or POLICE(lang),
            date=short_date(r.night, lang),
        )(lang)
        for r in notes.open[:OPEN_SHOWN]
    ]
    if len(notes.open) > OPEN_SHOWN:
        lines.append(MORE.format(n=len(notes.open) - OPEN_SHOWN)(lang))
    raised = [r for r in notes.raised if r not in notes.open]
    if raised and notes.last_night is not None:
        items = "; ".join(f"{r.category} — {clip(r.text, NOTE_CHARS)}" for r in raised)
        lines.append(RAISED.format(date=short_date(notes.last_night, lang), items=items)(lang))
    return tuple(lines)


def _key_reasons(reasons: Sequence[Sequence[str]]) -> list[str | None]:
    """Per stop, its reason that fewest of the stops share (ties: its first)."""
    counts = Counter(r for rs in reasons for r in set(rs))
    return [min(rs, key=lambda r: counts[r]) if rs else None for rs in reasons]


def stop_rows(result: NightResult, *, lang: Lang | None = None) -> list[StopRow]:
    """Every planned stop joined with its venue, its reasons and its desa lines (in ``lang``,
    by default the reasons' language ``result.lang``), in route order."""
    lang = lang or result.lang
    planned = [(route, i, stop) for route in result.plan.routes
               for i, stop in enumerate(route.stops, start=1)]  # fmt: skip
    venues = venue_records(result, {stop.venue_id for _, _, stop in planned})
    scores = result.scores
    scores = scores[scores["venue_id"].isin(list(venues))]
    reasons = dict(zip(scores["venue_id"].tolist(), scores["reasons"].tolist(), strict=True))
    facts = presence.stop_notes(
        result.plan, venues=result.dataset.venues, scores=result.scores, problem=result.problem
    )
    notes = presence.notes_by_venue(facts, lang, beside_reasons=True)
    keys = _key_reasons([tuple(reasons.get(stop.venue_id, ())) for _, _, stop in planned])
    log = result.venue_notes
    rows = []
    for (route, i, stop), key in zip(planned, keys, strict=True):
        v = venues[stop.venue_id]
        rows.append(
            StopRow(
                squad_id=route.squad_id,
                order=i,
                venue_id=stop.venue_id,
                name=v.name,
                kind=v.kind,
                desa=v.desa,
                kecamatan=v.kecamatan,
                arrival_s=stop.arrival_s,
                start_s=stop.start_s,
                departure_s=stop.departure_s,
                priority=stop.priority,
                reasons=tuple(reasons.get(stop.venue_id, ())),
                lat=v.lat,
                lon=v.lon,
                notes=notes.get(stop.venue_id, ()),
                key_reason=key,
                history=history_lines(log.get(stop.venue_id), lang),
                desa_note=facts.get(stop.venue_id),
            )
        )
    return rows


@dataclass(frozen=True)
class VenueRecord:
    """A venue's columns as the sheets and exports print them (``str`` of each cell)."""

    name: str
    kind: str
    desa: str
    kecamatan: str
    lat: float
    lon: float
    geometry: Any


def venue_records(result: NightResult, venue_ids: Collection[str]) -> dict[str, VenueRecord]:
    """The venues of ``venue_ids`` (those in the dataset) by id, read column-wise: a night's
    stops and dropped venues are looked up here instead of one ``DataFrame.loc`` each (a
    20,000-venue night drops most of its venues). With a repeated id the first row counts, as
    ``.loc`` on a unique index would."""
    venues = result.dataset.venues
    ids = venues["venue_id"].astype(str)
    sub = venues[ids.isin(list(venue_ids)).to_numpy()]
    geoms = sub.geometry.values
    xs, ys = points_xy(geoms)
    out: dict[str, VenueRecord] = {}
    for vid, name, kind, desa, kecamatan, geom, x, y in zip(
        sub["venue_id"].astype(str).tolist(),
        *(sub[c].tolist() for c in ("name", "kind", "desa", "kecamatan")),
        list(geoms),
        xs,
        ys,
        strict=True,
    ):
        if vid not in out:
            out[vid] = VenueRecord(str(name), str(kind), str(desa), str(kecamatan), y, x, geom)
    return out


def _area_text(squad: Squad, lang: Lang) -> str:
    return ", ".join(squad.area) if squad.area else SHEET_TEXT["all_area"](lang)


def sheet_codes(result: NightResult) -> dict[str, dict[str, str]]:
    """The printed legend: ``{"categories": {"K1": "curanmor", …}, "agencies": {"I1": …}}``,
    from the dataset's settings, as ``planner visits import`` reads them back."""
    known = Known.from_settings(result.dataset.settings, venue_ids=())
    return {"categories": known.category_codes, "agencies": known.agency_codes}


def route_sheet_html(
    result: NightResult,
    *,
    lang: Lang = "id",
    map_files: Mapping[str, str] | None = None,
    rows: Sequence[StopRow] | None = None,
) -> str:
    """The printable A4 route sheet: one section per squad, starting on a new page.

    Each section has the squad's stops with a box for every field the import reads, the code
    legend (repeated with the table's header on every printed page) and ends with a line for
    the office: the squad's phone map (its file name from ``map_files``, squad id → name, by
    default :func:`~planner.render.mapdata.squad_map_filename`), check-in and "Kirim laporan"
    there, imported next morning with ``planner visits import``. ``rows``: :func:`stop_rows`
    of ``result`` in ``lang``, already made.
    """
    stations = result.dataset.stations.set_index("station_id")
    by_squad: dict[str, list[StopRow]] = {}
    for row in stop_rows(result, lang=lang) if rows is None else rows:
        by_squad.setdefault(row.squad_id, []).append(row)
    # categories in words (balap_liar reads "balap liar" / "street racing"); the import reads
    # the number the squad writes, so the legend only has to be read, not typed back
    codes = {
        k: {c: clip(category_name(n, lang) if k == "categories" else n) for c, n in v.items()}
        for k, v in sheet_codes(result).items()
    }
    sheets = []
    for squad in result.squads:
        route = result.plan.route(squad.squad_id)
        rows = by_squad.get(squad.squad_id, [])
        firsts = {id(r) for r in {r.desa: r for r in reversed(rows)}.values()}
        totals = TOTALS.format(
            n=len(rows),
            km=number(route.dist_m / 1000.0, lang),
            dep=format_clock_s(route.depart_s),
            ret=format_clock_s(route.return_s),
        )(lang)
        sheets.append(
            {
                "squad_id": clip(squad.squad_id),
                "label": clip(squad.label),
                "shift": str(squad.shift),
                "station": clip(stations.loc[squad.station_id, "name"]),
                "members": squad.members,
                "vehicle": clip(squad.vehicle),
                "area": clip(_area_text(squad, lang), TEXT_CHARS),
                "totals": totals,
                "office": OFFICE_LINE.format(
                    map=clip(
                        (map_files or {}).get(squad.squad_id) or squad_map_filename(squad.squad_id)
                    )
                )(lang),
                "stops": [
                    {
                        **{k: clip(v) if isinstance(v, str) else v for k, v in r.fields().items()},
                        "wait": r.start_s - r.arrival_s >= 60,
                        "reasons": [
                            clip(x, 2 * NAME_CHARS)
                            for x in r.particular(lang, first_in_desa=id(r) in firsts)
                        ],
                    }
                    for r in rows
                ],
            }
        )
    return render(
        "rencana_patroli.html.j2",
        lang=lang,
        t={k: v(lang) for k, v in SHEET_TEXT.items()},
        sheets=sheets,
        cols=SHEET_FIELDS,
        codes=codes,
        date_text=night_date_text(result.night.date, lang),
    )


def stops_frame(result: NightResult, *, rows: Sequence[StopRow] | None = None) -> pd.DataFrame:
    """The route sheet as a table, one row per stop, in :data:`CSV_COLUMNS`, typed: ``tanggal``
    a date, the planned times datetimes (WIB, naive; a stop after midnight on the next day),
    ``urutan`` an integer, ``prioritas`` a number; the fill-in columns empty. ``rows``:
    :func:`stop_rows` of ``result`` in its own language (``result.lang``), already made."""
    night = result.night
    table = [
        [
            night.date,
            r.squad_id,
            r.venue_id,
            r.order,
            r.name,
            r.desa,
            r.kecamatan,
            night_time(night, r.arrival_s).replace(tzinfo=None),
            night_time(night, r.start_s).replace(tzinfo=None),
            night_time(night, r.departure_s).replace(tzinfo=None),
            round(r.priority, 2),
            " | ".join(r.attention),
            *([None] * len(FILL_COLUMNS)),
        ]
        for r in (stop_rows(result) if rows is None else rows)
    ]
    return pd.DataFrame(table, columns=list(CSV_COLUMNS), dtype=object)


def stops_csv(result: NightResult, *, rows: Sequence[StopRow] | None = None) -> bytes:
    """The route sheet's CSV, in the office dialect (:func:`planner._tables.csv_bytes`: ``;``,
    decimal comma, CRLF, UTF-8 with BOM); the planned times as ``HH:MM``, as the squad writes
    them. Every cell is formula-safe (a venue named ``=1+1`` is written ``'=1+1``, and
    ``planner visits import`` reads it back as ``=1+1``). ``rows``: as :func:`stops_frame`."""
    frame = stops_frame(result, rows=rows)
    for col in ("rencana_tiba", "rencana_mulai", "rencana_berangkat"):
        frame[col] = [t.strftime("%H:%M") for t in frame[col]]
    frame["tanggal"] = [d.isoformat() for d in frame["tanggal"]]
    frame[list(FILL_COLUMNS)] = ""
    return csv_bytes(frame.itertuples(index=False, name=None), header=CSV_COLUMNS)


def stops_xlsx(
    result: NightResult, *, lang: Lang = "id", rows: Sequence[StopRow] | None = None
) -> bytes:
    """The route sheet as a workbook (:func:`planner._tables.xlsx_bytes`): the typed
    :func:`stops_frame` on sheet :data:`XLSX_SHEET`, which ``planner visits import`` reads back
    once filled in, and the code lists of the printed legend on :data:`XLSX_CODES_SHEET`.
    ``rows``: as :func:`stops_frame`."""
    codes = sheet_codes(result)
    legend = pd.DataFrame(
        [
            (code, SHEET_TEXT[kind](lang), name)
            for kind, table in codes.items()
            for code, name in table.items()
        ],
        columns=["kode", "daftar", "nama"],
    )
    return xlsx_bytes(
        {XLSX_SHEET: stops_frame(result, rows=rows), XLSX_CODES_SHEET: legend},
        formats={"prioritas": "0.00"},
    )


def squad_summaries(plan: Plan, squads: Sequence[Squad]) -> list[dict[str, Any]]:
    """Per squad: visits, priority collected, km, first and last times."""
    out = []
    for squad in squads:
        route = plan.route(squad.squad_id)
        first = route.stops[0].start_s if route.stops else None
        last = route.stops[-1].departure_s if route.stops else None
        out.append(
            {
                "squad_id": squad.squad_id,
                "name": squad.label,
                "station_id": squad.station_id,
                "shift": str(squad.shift),
                "visits": len(route.stops),
                "priority": round(route.priority, 3),
                "km": round(route.dist_m / 1000.0, 2),
                "depart": format_clock_s(route.depart_s),
                "first_visit": None if first is None else format_clock_s(first),
                "last_visit_end": None if last is None else format_clock_s(last),
                "return": format_clock_s(route.return_s),
            }
        )
    return out


def summary(
    result: NightResult,
    *,
    files: Mapping[str, Path] | None = None,
    extra_timings: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The machine-readable summary of a planned night (``planner plan --json``)."""
    plan = result.plan
    return {
        "date": result.night.date.isoformat(),
        "status": result.status,
        "squads": squad_summaries(plan, result.squads),
        "visits": plan.visits,
        "priority_collected": round(plan.collected, 3),
        "priority_total": round(plan.total_priority, 3),
        "share": round(plan.share, 4),
        "km": round(sum(r.dist_m for r in plan.routes) / 1000.0, 2),
        "dropped": len(plan.dropped),
        "unmet_must_visit": [{"venue_id": v, "why": why} for v, why in plan.unmet_must_visit],
        "timings_s": {
            k: round(v, 3) for k, v in {**result.timings, **(extra_timings or {})}.items()
        },
        "files": {k: str(v) for k, v in (files or {}).items()},
    }


__all__ = [
    "CSV_COLUMNS",
    "SHEET_FIELDS",
    "XLSX_CODES_SHEET",
    "XLSX_SHEET",
    "StopRow",
    "VenueRecord",
    "clip",
    "history_lines",
    "iso_time",
    "night_date_text",
    "night_time",
    "route_sheet_html",
    "sheet_codes",
    "squad_summaries",
    "stop_rows",
    "stops_csv",
    "stops_frame",
    "stops_xlsx",
    "summary",
    "venue_records",
]
