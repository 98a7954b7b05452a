"""Route sheets and exports of a planned night.

Everything here reads a :class:`~planner.pipeline.NightResult` and returns text or bytes; the
caller (:func:`planner.render.outputs.write_night`) writes the files atomically. Formats:

- ``rencana-patroli-<date>.html``: the printable A4 route sheet, one page per squad;
- ``rencana-patroli-<date>.csv``: one row per stop, with empty columns the squad fills in after
  the night (``planner visits import`` reads it back);

Each stop's "what to pay attention to" is its score reasons, then its desa lines (its rank
among tonight's visits of its desa and the days since presence there:
:mod:`planner.render.presence`, the same lines the maps show).
- ``routes.geojson``: one feature per squad route along the roads and one per stop (EPSG:4326);
- ``summary(...)``: the machine-readable summary behind ``planner plan --json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import LineString, mapping

from planner._tables import neutralise_cell
from planner.domain import Plan, Squad, format_clock_s
from planner.history import FILL_COLUMNS, INFO_COLUMNS
from planner.render import presence
from planner.render._html import render
from planner.render.mapdata import squad_map_filename
from planner.text import Lang, long_date
from planner.text.sheets import NIGHT_DATE, OFFICE_LINE, SHEET_TEXT, TOTALS

if TYPE_CHECKING:
    from planner.pipeline import NightResult

CSV_COLUMNS: tuple[str, ...] = (
    "tanggal",
    "regu",
    "venue_id",
    *INFO_COLUMNS,
    *FILL_COLUMNS,  # left empty: the squad fills them in after the night
)
"""The route sheet's CSV: what ``planner visits import`` reads back (history's columns)."""


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

    @property
    def attention(self) -> tuple[str, ...]:
        """What the squad should pay attention to: the reasons, then the desa lines."""
        return (*self.reasons, *self.notes)

    def fields(self) -> dict[str, Any]:
        """What the sheet and the GeoJSON both show of a stop, times as WIB ``HH:MM``."""
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


def stop_rows(result: NightResult, *, lang: Lang | None = None) -> list[StopRow]:
    """Every planned stop joined with its venue, its reasons and its desa lines (in ``lang``,
    by default the reasons' language ``result.lang``), in route order."""
    venues = result.dataset.venues.set_index("venue_id")
    reasons = dict(zip(result.scores["venue_id"], result.scores["reasons"], strict=True))
    notes = presence.notes_by_venue(
        presence.stop_notes(
            result.plan,
            venues=result.dataset.venues,
            scores=result.scores,
            problem=result.problem,
        ),
        lang or result.lang,
        beside_reasons=True,
    )
    rows = []
    for route in result.plan.routes:
        for i, stop in enumerate(route.stops, start=1):
            v = venues.loc[stop.venue_id]
            rows.append(
                StopRow(
                    squad_id=route.squad_id,
                    order=i,
                    venue_id=stop.venue_id,
                    name=str(v["name"]),
                    kind=str(v["kind"]),
                    desa=str(v["desa"]),
                    kecamatan=str(v["kecamatan"]),
                    arrival_s=stop.arrival_s,
                    start_s=stop.start_s,
                    departure_s=stop.departure_s,
                    priority=stop.priority,
                    reasons=tuple(reasons.get(stop.venue_id, ())),
                    lat=float(v.geometry.y),
                    lon=float(v.geometry.x),
                    notes=notes.get(stop.venue_id, ()),
                )
            )
    return rows


def _area_text(squad: Squad, lang: Lang) -> str:
    return ", ".join(squad.area) if squad.area else SHEET_TEXT["all_area"](lang)


def route_sheet_html(
    result: NightResult, *, lang: Lang = "id", map_files: Mapping[str, str] | None = None
) -> str:
    """The printable A4 route sheet: one page per squad.

    Each page ends with a line for the office: the squad's phone map (its file name from
    ``map_files``, squad id → name, by default :func:`~planner.render.mapdata.squad_map_filename`),
    check-in and "Kirim laporan" there, imported next morning with ``planner visits import``.
    """
    stations = result.dataset.stations.set_index("station_id")
    by_squad: dict[str, list[StopRow]] = {}
    for row in stop_rows(result, lang=lang):
        by_squad.setdefault(row.squad_id, []).append(row)
    sheets = []
    for squad in result.squads:
        route = result.plan.route(squad.squad_id)
        rows = by_squad.get(squad.squad_id, [])
        totals = TOTALS.format(
            n=len(rows),
            km=route.dist_m / 1000.0,
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
                        "reasons": [clip(x, 2 * NAME_CHARS) for x in r.attention],
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
        date_text=night_date_text(result.night.date, lang),
    )


def stops_csv(result: NightResult) -> bytes:
    """One row per stop; UTF-8 with BOM and ``;`` separators, as Excel opens it in Indonesia.

    Every cell is formula-safe (:func:`planner._tables.neutralise_cell`: a venue named ``=1+1``
    is written ``'=1+1``, and ``planner visits import`` reads it back as ``=1+1``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    date = result.night.date.isoformat()
    for r in stop_rows(result):
        writer.writerow(
            neutralise_cell(cell)
            for cell in [
                date,
                r.squad_id,
                r.venue_id,
                r.order,
                r.name,
                r.desa,
                r.kecamatan,
                format_clock_s(r.arrival_s),
                format_clock_s(r.start_s),
                format_clock_s(r.departure_s),
                f"{r.priority:.2f}",
                " | ".join(r.attention),
                *([""] * len(FILL_COLUMNS)),
            ]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _join_legs(legs: Sequence[LineString]) -> Any:
    parts = [g for g in legs if g is not None and not g.is_empty]
    if not parts:
        return None
    merged = shapely.line_merge(shapely.MultiLineString(parts))
    return mapping(merged)


def routes_geojson(result: NightResult) -> bytes:
    """A FeatureCollection (EPSG:4326): one route feature per squad, one point per stop."""
    features: list[dict[str, Any]] = []
    for squad in result.squads:
        route = result.plan.route(squad.squad_id)
        geom = _join_legs(result.legs.get(squad.squad_id, []))
        features.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {
                    "feature": "route",
                    "squad_id": squad.squad_id,
                    "squad": squad.label,
                    "station_id": squad.station_id,
                    "vehicle": squad.vehicle,
                    "visits": len(route.stops),
                    "priority": round(route.priority, 4),
                    "km": round(route.dist_m / 1000.0, 3),
                    "depart": format_clock_s(route.depart_s),
                    "return": format_clock_s(route.return_s),
                },
            }
        )
    for r in stop_rows(result):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                "properties": {
                    "feature": "stop",
                    "squad_id": r.squad_id,
                    **r.fields(),
                    "priority": round(r.priority, 4),
                    "reasons": " | ".join(r.attention),
                },
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


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
    "StopRow",
    "clip",
    "night_date_text",
    "route_sheet_html",
    "routes_geojson",
    "squad_summaries",
    "stop_rows",
    "stops_csv",
    "summary",
]
