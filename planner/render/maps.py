"""Folium route maps: one overview for the planners, one map per squad's phone.

This is the only module that imports folium. It reads plain data (:class:`MapData`, built by the
pipeline) and returns HTML; nothing here decides anything about the plan.

Safety: every string that comes from input files (venue, desa and station names, kinds, reasons,
notes) is HTML-escaped. Folium puts popup and tooltip HTML inside JavaScript template literals,
so on top of ``html.escape`` the characters `` ` ``, ``$`` and ``\\`` are written as HTML entities
(:func:`_js_safe`): a venue named ``<img src=x onerror=alert(1)>`` or ``${alert(1)}`` shows as
text and runs nothing.

Size: route legs are simplified (``simplify_m``) and every coordinate is rounded to 5 decimals
(about 1 m); desa polygons are simplified more. A squad map carries only its own route, stops and
station: no incidents, no reasons (they may describe incidents), no other squad.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import jinja2
import markupsafe
import numpy as np
import pandas as pd
import shapely
from folium import plugins
from shapely.geometry import LineString, mapping

from planner._atomic import replace_all
from planner.domain import Night, Plan, Route, Squad, Stop, format_clock_s
from planner.text import Lang, Msg, msg

__all__ = [
    "KERAWANAN_COLOURS",
    "SQUAD_COLOURS",
    "MapData",
    "google_maps_directions_url",
    "render_overview",
    "render_squad",
    "squad_map_filename",
    "write_maps",
]

#: Fill colours of the kerawanan levels (desa polygons and legend); unknown levels are grey.
KERAWANAN_COLOURS: dict[str, str] = {
    "rendah": "#4caf50",
    "sedang": "#fdd835",
    "tinggi": "#fb8c00",
    "sangat_tinggi": "#c62828",
}
_UNKNOWN_LEVEL_COLOUR = "#9e9e9e"

#: One colour per squad, in roster order: dark, mostly cool colours that stay readable on the
#: kerawanan fills (20 before they repeat; the demo has 16 squads).
SQUAD_COLOURS: tuple[str, ...] = (
    "#1565c0",
    "#6a1b9a",
    "#00838f",
    "#ad1457",
    "#283593",
    "#4e342e",
    "#2e7d32",
    "#37474f",
    "#0277bd",
    "#8e24aa",
    "#00695c",
    "#5d4037",
    "#3949ab",
    "#c2185b",
    "#455a64",
    "#1b5e20",
    "#4527a0",
    "#006064",
    "#880e4f",
    "#212121",
)

INCIDENT_LOOKBACK_DAYS = 30
_PANEL_PX = 450  # width of the overview's summary panel (left side)
# Popups of the overview pan clear of the summary panel (left) and the layer control (top right).
_OVERVIEW_POPUP: dict[str, Any] = {
    "auto_pan_padding_top_left": (_PANEL_PX + 64, 60),
    "auto_pan_padding_bottom_right": (60, 20),
}
_DEG_PER_M = 1.0 / 111_320.0  # metres to degrees of latitude; good enough for simplification
_COORD_DECIMALS = 5  # ~1 m
_TILES_ATTR = "© OpenStreetMap"

_DROP_REASONS: dict[str, Msg] = {
    "not_worth": msg("tidak sebanding dengan jarak tempuhnya", "not worth the detour"),
    "no_fit": msg("tidak muat dalam shift regu mana pun", "did not fit in any squad's shift"),
    "unreachable": msg("tidak terjangkau dari jalan", "not reachable by road"),
    "outside_area": msg("di luar wilayah regu mana pun", "outside every squad's area"),
    "closed": msg("tutup selama shift", "closed during the shifts"),
    "excluded": msg("dikecualikan oleh pimpinan malam ini", "excluded by command tonight"),
    "inactive": msg("tidak aktif", "inactive"),
}

_T: dict[str, Msg] = {
    "arrival": msg("Tiba", "Arrive"),
    "start": msg("Mulai", "Start"),
    "departure": msg("Berangkat", "Leave"),
    "priority": msg("Prioritas", "Priority"),
    "navigate": msg("Navigasi", "Navigate"),
    "not_visited": msg("Tidak dikunjungi malam ini", "Not visited tonight"),
    "squads": msg("Regu", "Squads"),
    "squad": msg("Regu", "Squad"),
    "visits": msg("Kunjungan", "Visits"),
    "visits_short": msg("Kunj.", "Visits"),
    "priority_short": msg("Prior.", "Prio."),
    "first": msg("Awal", "First"),
    "last": msg("Akhir", "Last"),
    "first_long": msg("Tiba di kunjungan pertama", "Arrival at the first visit"),
    "last_long": msg("Selesai kunjungan terakhir", "End of the last visit"),
    "total": msg("Jumlah", "Total"),
    "unmet": msg("Wajib dikunjungi tetapi tidak terjadwal", "Must-visit venues not planned"),
    "approximate": msg(
        "Sebagian rute digambar sebagai garis lurus (geometri jalan tidak tersedia).",
        "Some legs are drawn as straight lines (no road geometry available).",
    ),
    "kerawanan": msg("Kerawanan desa", "Desa vulnerability (kerawanan)"),
    "symbols": msg("Simbol", "Symbols"),
    "stop_symbol": msg("Kunjungan (urutan)", "Visit (order)"),
    "station_symbol": msg("Polres / Polsek", "Polres / Polsek station"),
    "dropped_symbol": msg("Prioritas tinggi, tidak dikunjungi", "High priority, not visited"),
    "kecamatan_border": msg("Batas kecamatan", "Kecamatan border"),
    "stop_list": msg("Daftar kunjungan", "Stop list"),
    "shift": msg("Shift", "Shift"),
    "leave": msg("berangkat", "leave"),
    "back": msg("kembali", "back"),
    "until": msg("s/d", "to"),
    "no_visits": msg("Tidak ada kunjungan terjadwal malam ini.", "No visits planned tonight."),
}

_LEVEL_LABELS: dict[str, Msg] = {
    "rendah": msg("Rendah", "Low"),
    "sedang": msg("Sedang", "Medium"),
    "tinggi": msg("Tinggi", "High"),
    "sangat_tinggi": msg("Sangat tinggi", "Very high"),
}

_STATION_KIND: dict[str, Msg] = {
    "polres": msg("Polres", "Polres (district police)"),
    "polsek": msg("Polsek", "Polsek (sub-district police)"),
}

_DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

_NEEDS = {
    "stations": ("station_id", "name", "kind", "kecamatan", "geometry"),
    "venues": ("venue_id", "name", "kind", "desa", "kecamatan", "geometry"),
    "scores": ("venue_id", "priority", "reasons"),
    "desa": ("desa_code", "desa", "kecamatan", "kerawanan", "geometry"),
    "incidents": ("occurred_at", "category", "geometry"),
}


# --------------------------------------------------------------------------- input


@dataclass(frozen=True, eq=False)
class MapData:
    """Everything the maps show, as plain data (built by the pipeline from a night's result).

    Attributes
    ----------
    night
        The night planned.
    plan
        Tonight's plan: routes (times on the night clock) and dropped venues.
    squads
        Tonight's roster; its order fixes each squad's colour.
    stations
        GeoDataFrame: ``station_id, name, kind, kecamatan, geometry`` (points, EPSG:4326).
    venues
        GeoDataFrame: ``venue_id, name, kind, desa, kecamatan, geometry`` (points).
    scores
        DataFrame: ``venue_id, priority, reasons`` (list of str, already in the map's language).
    desa
        GeoDataFrame: ``desa_code, desa, kecamatan, kerawanan, geometry`` (polygons).
    incidents
        GeoDataFrame: ``occurred_at`` (tz-aware), ``category``, optional ``severity``, geometry.
    legs
        Road geometry per squad: ``squad_id -> [station→stop 1, stop 1→stop 2, …, last→station]``.
        A missing leg (or a missing squad) is drawn as a straight dashed line and noted.
    kerawanan_levels
        The legend's order of kerawanan levels (lowest first); levels found in ``desa`` but not
        listed are appended.
    """

    night: Night
    plan: Plan
    squads: tuple[Squad, ...]
    stations: gpd.GeoDataFrame
    venues: gpd.GeoDataFrame
    scores: pd.DataFrame
    desa: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    legs: Mapping[str, Sequence[LineString]] = field(default_factory=dict)
    kerawanan_levels: tuple[str, ...] = ("rendah", "sedang", "tinggi", "sangat_tinggi")

    def __post_init__(self) -> None:
        problems: list[str] = []
        for name, columns in _NEEDS.items():
            frame = getattr(self, name)
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                problems.append(f"{name} lacks column(s) {', '.join(missing)}")
        if not problems:
            venue_ids = set(self.venues["venue_id"].astype(str))
            station_ids = set(self.stations["station_id"].astype(str))
            for route in self.plan.routes:
                if route.station_id not in station_ids:
                    problems.append(f"route {route.squad_id}: unknown station {route.station_id}")
                unknown = [s.venue_id for s in route.stops if s.venue_id not in venue_ids]
                if unknown:
                    problems.append(f"route {route.squad_id}: unknown venue(s) {unknown}")
        if problems:
            # The pipeline builds MapData from validated input: a mismatch here is a bug.
            raise ValueError("MapData is inconsistent: " + "; ".join(problems))


# --------------------------------------------------------------------------- helpers


def _finalize(value: Any) -> Any:
    # Every {{ value }} that is plain text is escaped for HTML *and* JS template literals, so a
    # template fragment stays safe wherever folium places it.
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(_esc(value))
    return value


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("planner", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(template: str, **context: Any) -> str:
    return _templates().get_template(template).render(**context)


_JS_LITERAL_CHARS = {"`": "&#96;", "$": "&#36;", "\\": "&#92;"}


def _js_safe(markup: str) -> str:
    """Make already-escaped HTML safe inside a JavaScript template literal.

    Folium wraps popup and tooltip HTML in backticks; ``${...}`` would run and a stray backslash
    would break the script. As HTML entities these characters still display the same.
    """
    return re.sub(r"[`$\\]", lambda m: _JS_LITERAL_CHARS[m.group(0)], markup)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _one_line(text: str) -> str:
    """Labels are one line: control characters and runs of white space become one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _esc(text: object) -> str:
    """Escape a value for HTML text inside a JavaScript template literal."""
    return _js_safe(html.escape(_one_line("" if text is None else str(text))))


def _num(value: float, lang: Lang, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    if lang == "id":  # 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _date_text(night: Night, lang: Lang) -> str:
    d = night.date
    if lang == "id":
        return f"{_DAYS_ID[d.weekday()]}, {d.day} {_MONTHS_ID[d.month - 1]} {d.year}"
    return d.strftime("%A, %d %B %Y")


def google_maps_directions_url(lat: float, lon: float) -> str:
    """A Google Maps turn-by-turn directions URL to a point (opens the phone's maps app)."""
    return (
        f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}&travelmode=driving"
    )


def squad_map_filename(squad_id: str) -> str:
    """The file name of a squad's map: ``regu-<squad>.html`` (unsafe characters become ``_``)."""
    return f"regu-{re.sub(r'[^A-Za-z0-9_-]', '_', squad_id)}.html"


def _to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        return frame.to_crs("EPSG:4326")
    return frame


def _round_geom(geom: Any) -> Any:
    return shapely.transform(geom, lambda xy: np.round(xy, _COORD_DECIMALS))


@dataclass(frozen=True)
class _Venue:
    venue_id: str
    name: str
    kind: str
    desa: str
    kecamatan: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _StationInfo:
    station_id: str
    name: str
    kind: str
    kecamatan: str
    lat: float
    lon: float


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _venues(data: MapData) -> dict[str, _Venue]:
    frame = _to_wgs84(data.venues)
    out: dict[str, _Venue] = {}
    for row, geom in zip(frame.itertuples(index=False), frame.geometry, strict=True):
        pt = geom.representative_point() if geom.geom_type != "Point" else geom
        vid = str(row.venue_id)
        out[vid] = _Venue(
            vid,
            _text(row.name),
            _text(row.kind),
            _text(row.desa),
            _text(row.kecamatan),
            float(pt.y),
            float(pt.x),
        )
    return out


def _stations(data: MapData) -> dict[str, _StationInfo]:
    frame = _to_wgs84(data.stations)
    out: dict[str, _StationInfo] = {}
    for row, geom in zip(frame.itertuples(index=False), frame.geometry, strict=True):
        sid = str(row.station_id)
        out[sid] = _StationInfo(
            sid,
            _text(row.name),
            _text(row.kind),
            _text(row.kecamatan),
            float(geom.y),
            float(geom.x),
        )
    return out


def _scores(data: MapData) -> dict[str, tuple[float, tuple[str, ...]]]:
    out: dict[str, tuple[float, tuple[str, ...]]] = {}
    for vid, prio, reasons in zip(
        data.scores["venue_id"], data.scores["priority"], data.scores["reasons"], strict=True
    ):
        if isinstance(reasons, str):
            items: tuple[str, ...] = (reasons,)
        elif reasons is None or (isinstance(reasons, float) and math.isnan(reasons)):
            items = ()
        else:
            items = tuple(str(r) for r in reasons)
        out[str(vid)] = (float(prio), items)
    return out


def _squad_colours(data: MapData) -> dict[str, str]:
    ids = [s.squad_id for s in data.squads]
    ids += [r.squad_id for r in data.plan.routes if r.squad_id not in ids]
    return {sid: SQUAD_COLOURS[i % len(SQUAD_COLOURS)] for i, sid in enumerate(ids)}


def _squad_label(data: MapData, squad_id: str) -> str:
    for s in data.squads:
        if s.squad_id == squad_id:
            return f"{s.name} ({s.squad_id})" if s.name else s.squad_id
    return squad_id


def _squad_short_label(data: MapData, squad_id: str) -> str:
    for s in data.squads:
        if s.squad_id == squad_id:
            return s.name or s.squad_id
    return squad_id


def _oriented(line: LineString, start: tuple[float, float]) -> list[tuple[float, float]]:
    """The line's (lon, lat) coordinates, reversed if it was stored end to start."""
    coords = [(float(x), float(y)) for x, y, *_ in line.coords]
    if len(coords) >= 2:
        d_first = math.dist(coords[0], start)
        d_last = math.dist(coords[-1], start)
        if d_last < d_first:
            coords.reverse()
    return coords


def _route_path(
    data: MapData,
    route: Route,
    venues: Mapping[str, _Venue],
    station: _StationInfo,
    *,
    simplify_m: float,
) -> tuple[list[tuple[float, float]], bool]:
    """One route as a single (lat, lon) path following the road legs.

    Returns the path and whether any leg had to be drawn straight (no road geometry).
    """
    points = [(station.lon, station.lat)]
    points += [(venues[s.venue_id].lon, venues[s.venue_id].lat) for s in route.stops]
    points.append((station.lon, station.lat))
    legs = list(data.legs.get(route.squad_id, ()))
    approximate = False
    path: list[tuple[float, float]] = []
    for i in range(len(points) - 1):
        leg = legs[i] if i < len(legs) and len(legs) == len(points) - 1 else None
        if leg is None or leg.is_empty:
            coords = [points[i], points[i + 1]]
            approximate = True
        else:
            simple = leg.simplify(simplify_m * _DEG_PER_M, preserve_topology=False)
            coords = _oriented(simple if not simple.is_empty else leg, points[i])
        for x, y in coords:
            pt = (round(y, _COORD_DECIMALS), round(x, _COORD_DECIMALS))
            if not path or path[-1] != pt:
                path.append(pt)
    return path, approximate


def _labels(lang: Lang) -> dict[str, str]:
    return {k: v(lang) for k, v in _T.items()}


def _base_map(location: tuple[float, float], *, title: str) -> folium.Map:
    fmap = folium.Map(
        location=list(location),
        zoom_start=12,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,  # SVG: the direction arrows (text paths) need it
        zoom_snap=0.25,  # fit the night tightly instead of a whole zoom level out
    )
    folium.TileLayer("OpenStreetMap", control=False).add_to(fmap)
    fmap.get_root().title = html.escape(title)  # type: ignore[attr-defined]
    return fmap


def _add_controls(fmap: folium.Map, lang: Lang) -> None:
    plugins.Fullscreen(
        position="topleft",
        title=msg("Layar penuh", "Full screen")(lang),
        title_cancel=msg("Keluar layar penuh", "Exit full screen")(lang),
    ).add_to(fmap)
    plugins.LocateControl(
        position="topleft",
        strings={"title": msg("Tunjukkan lokasi saya", "Show my location")(lang)},
        flyTo=True,
        keepCurrentZoomLevel=True,
    ).add_to(fmap)


def _add_route(
    layer: folium.FeatureGroup | folium.Map,
    path: list[tuple[float, float]],
    *,
    colour: str,
    tooltip: str,
    weight: int,
) -> None:
    line = folium.PolyLine(
        path,
        color=colour,
        weight=weight,
        opacity=0.9,
        class_name="route-line",
        tooltip=folium.Tooltip(_esc(tooltip)),
    )
    line.add_to(layer)
    plugins.PolyLineTextPath(
        line,
        "   ➤   ",
        repeat=True,
        offset=5,
        attributes={"fill": colour, "font-size": "15", "font-weight": "bold"},
    ).add_to(layer)


def _stop_popup(
    *,
    number: int,
    stop: Stop,
    venue: _Venue,
    colour: str,
    priority: float | None,
    reasons: Sequence[str],
    lang: Lang,
) -> str:
    return _js_safe(
        _render(
            "map_stop_popup.html.j2",
            t=_labels(lang),
            number=number,
            colour=colour,
            name=venue.name,
            kind=venue.kind,
            desa=venue.desa,
            kecamatan=venue.kecamatan,
            arrival=format_clock_s(stop.arrival_s),
            start=format_clock_s(stop.start_s),
            departure=format_clock_s(stop.departure_s),
            priority=None if priority is None else _num(priority, lang),
            reasons=list(reasons),
            nav_url=google_maps_directions_url(venue.lat, venue.lon),
        )
    )


def _stop_marker(
    *,
    number: int,
    stop: Stop,
    venue: _Venue,
    colour: str,
    popup_html: str,
    size_px: int,
    popup_options: Mapping[str, Any] | None = None,
) -> folium.Marker:
    icon = folium.DivIcon(
        html=f'<div class="wk-num" style="background:{colour}">{number}</div>',
        icon_size=(size_px, size_px),
        icon_anchor=(size_px // 2, size_px // 2),
        class_name="stop-marker",
    )
    return folium.Marker(
        location=(venue.lat, venue.lon),
        icon=icon,
        popup=folium.Popup(popup_html, max_width=320, **dict(popup_options or {})),
        tooltip=folium.Tooltip(f"{number}. {_esc(venue.name)} · {format_clock_s(stop.arrival_s)}"),
        z_index_offset=1000 + number,
    )


def _station_marker(
    station: _StationInfo, *, squads: Sequence[str], lang: Lang, size_px: int = 34
) -> folium.Marker:
    kind = _STATION_KIND.get(station.kind)
    popup = _js_safe(
        _render(
            "map_station_popup.html.j2",
            t=_labels(lang),
            name=station.name,
            kind=kind(lang) if kind else station.kind,
            kecamatan=station.kecamatan,
            squads=list(squads),
        )
    )
    short = "POLRES" if station.kind == "polres" else "POLSEK"
    icon = folium.DivIcon(
        html=f'<div class="wk-station">{short}</div>',
        icon_size=(size_px + 12, 18),
        icon_anchor=((size_px + 12) // 2, 9),
        class_name="station-marker",
    )
    return folium.Marker(
        location=(station.lat, station.lon),
        icon=icon,
        popup=folium.Popup(popup, max_width=300),
        tooltip=folium.Tooltip(_esc(station.name)),
        z_index_offset=0,  # below the stops: a stop next to the station stays tappable
    )


def _fit(
    fmap: folium.Map,
    latlons: Sequence[tuple[float, float]],
    *,
    top_left_px: tuple[int, int] = (20, 20),
    bottom_right_px: tuple[int, int] = (20, 20),
) -> None:
    """Fit the view to the points, keeping clear of the panels drawn over the map."""
    if not latlons:
        return
    lats = [p[0] for p in latlons]
    lons = [p[1] for p in latlons]
    fmap.fit_bounds(
        [[min(lats), min(lons)], [max(lats), max(lons)]],
        padding_top_left=top_left_px,
        padding_bottom_right=bottom_right_px,
    )


def _empty_route(squad: Squad) -> Route:
    return Route(
        squad.squad_id,
        squad.station_id,
        squad.shift.start_min * 60,
        squad.shift.start_min * 60,
        (),
        0,
        0.0,
    )


def _routes_in_order(data: MapData) -> list[Route]:
    """Plan routes in roster order; roster squads without a route get an empty one."""
    by_id = {r.squad_id: r for r in data.plan.routes}
    out: list[Route] = []
    for squad in data.squads:
        route = by_id.pop(squad.squad_id, None)
        out.append(route if route is not None else _empty_route(squad))
    return out + list(by_id.values())


# --------------------------------------------------------------------------- overview


def _desa_layers(data: MapData, lang: Lang, *, simplify_m: float) -> tuple[Any, Any, list[str]]:
    desa = _to_wgs84(data.desa)
    levels = list(data.kerawanan_levels)
    levels += sorted({str(k) for k in desa["kerawanan"].dropna()} - set(levels))
    tol = simplify_m * _DEG_PER_M
    geoms = [_round_geom(g.simplify(tol, preserve_topology=True)) for g in desa.geometry]
    features = []
    for row, geom in zip(desa.itertuples(index=False), geoms, strict=True):
        level = _text(row.kerawanan)
        label = _LEVEL_LABELS.get(level)
        features.append(
            {
                "type": "Feature",
                # Escaped here: folium's GeoJson tooltip writes properties with innerHTML.
                "properties": {
                    "desa": _esc(row.desa),
                    "kecamatan": _esc(row.kecamatan),
                    "kerawanan": _esc(label(lang) if label else level),
                    "colour": KERAWANAN_COLOURS.get(level, _UNKNOWN_LEVEL_COLOUR),
                },
                "geometry": mapping(geom),
            }
        )
    desa_layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=_esc(_T["kerawanan"](lang)),
        style_function=lambda f: {
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.3,
            "color": "#666",
            "weight": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["desa", "kecamatan", "kerawanan"],
            aliases=["Desa", msg("Kecamatan", "Kecamatan")(lang), "Kerawanan"],
        ),
        smooth_factor=1.5,
        zoom_on_click=False,
    )
    borders = []
    if len(desa):
        merged = desa.assign(geometry=geoms).dissolve(by="kecamatan")
        for geom in merged.geometry:
            borders.append(
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": mapping(_round_geom(geom.boundary)),
                }
            )
    border_layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": borders},
        name=_esc(_T["kecamatan_border"](lang)),
        style_function=lambda f: {"color": "#222", "weight": 2, "dashArray": "6 4", "fill": False},
        interactive=False,
    )
    return desa_layer, border_layer, levels


def _incident_points(data: MapData) -> list[list[float]]:
    """Incidents of the 30 days before the night's first shift starts, as heat points."""
    incidents = _to_wgs84(data.incidents)
    if not len(incidents):
        return []
    first_min = min((s.shift.start_min for s in data.squads), default=0)
    until = pd.Timestamp(data.night.at(first_min))
    since = until - pd.Timedelta(days=INCIDENT_LOOKBACK_DAYS)
    when = pd.to_datetime(incidents["occurred_at"])
    keep = (when >= since) & (when < until)
    weights = (
        pd.to_numeric(incidents["severity"], errors="coerce").fillna(1.0)
        if "severity" in incidents.columns
        else pd.Series(1.0, index=incidents.index)
    )
    out = []
    for geom, w in zip(incidents.geometry[keep], weights[keep], strict=True):
        if geom is None or geom.is_empty:
            continue
        out.append([round(geom.y, _COORD_DECIMALS), round(geom.x, _COORD_DECIMALS), float(w)])
    return out


def _high_priority_dropped(
    data: MapData,
    scores: Mapping[str, tuple[float, tuple[str, ...]]],
    *,
    min_priority: float | None,
    limit: int,
) -> list[Any]:
    if min_priority is None:
        positive = [p for p, _ in scores.values() if p > 0]
        min_priority = float(np.percentile(positive, 75)) if positive else math.inf
    chosen = [d for d in data.plan.dropped if d.priority >= min_priority and d.priority > 0]
    chosen.sort(key=lambda d: (-d.priority, d.venue_id))
    return chosen[:limit]


def render_overview(
    data: MapData,
    *,
    lang: Lang = "id",
    simplify_m: float = 5.0,
    desa_simplify_m: float = 25.0,
    dropped_min_priority: float | None = None,
    max_dropped: int = 60,
) -> str:
    """The planners' overview map of the night, as a standalone HTML page.

    Desa coloured by kerawanan (with a legend) and kecamatan borders; stations; per squad a
    layer with its road-following route (arrows show the direction), numbered stops with popups
    (times in WIB, priority and reasons, a "Navigasi" directions link); high-priority venues
    dropped tonight, faded, with why; an incident heat layer of the last 30 days (hidden until
    switched on); a summary panel; full-screen and my-location controls.

    Parameters
    ----------
    data
        The night's plan and the data it was made from.
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    simplify_m
        Tolerance for simplifying the route geometry; 5 m keeps the roads' shape.
    desa_simplify_m
        Tolerance for simplifying desa polygons (their borders only give context).
    dropped_min_priority
        Dropped venues at or above this priority are shown; ``None`` uses the upper quartile of
        tonight's positive priorities.
    max_dropped
        At most this many dropped venues are shown (the highest priorities).
    """
    venues = _venues(data)
    stations = _stations(data)
    scores = _scores(data)
    colours = _squad_colours(data)
    labels = _labels(lang)
    routes = _routes_in_order(data)
    title = msg("Rencana patroli Warkop Kamtibmas", "Warkop Kamtibmas patrol plan")(lang)

    bounds: list[tuple[float, float]] = [(s.lat, s.lon) for s in stations.values()]
    bounds += [(venues[s.venue_id].lat, venues[s.venue_id].lon) for r in routes for s in r.stops]
    centre = bounds[0] if bounds else (-8.05, 111.71)  # Trenggalek
    fmap = _base_map(centre, title=f"{title} {data.night}")

    desa_layer, border_layer, levels = _desa_layers(data, lang, simplify_m=desa_simplify_m)
    desa_layer.add_to(fmap)
    border_layer.add_to(fmap)
    if not data.desa.empty:
        minx, miny, maxx, maxy = _to_wgs84(data.desa).total_bounds
        bounds += [(miny, minx), (maxy, maxx)]

    heat = _incident_points(data)
    heat_name = msg(
        f"Kejadian {INCIDENT_LOOKBACK_DAYS} hari terakhir (peta panas)",
        f"Incidents, last {INCIDENT_LOOKBACK_DAYS} days (heat map)",
    )(lang)
    heat_group = folium.FeatureGroup(name=_esc(heat_name), show=False)
    if heat:
        plugins.HeatMap(heat, radius=18, blur=15, min_opacity=0.35).add_to(heat_group)
    heat_group.add_to(fmap)

    dropped = _high_priority_dropped(
        data, scores, min_priority=dropped_min_priority, limit=max_dropped
    )
    dropped_group = folium.FeatureGroup(
        name=_esc(f"{labels['dropped_symbol']} ({len(dropped)})"), show=True
    )
    for d in dropped:
        venue = venues.get(d.venue_id)
        if venue is None:
            continue
        reason = _DROP_REASONS.get(d.reason)
        popup = _js_safe(
            _render(
                "map_dropped_popup.html.j2",
                t=labels,
                name=venue.name,
                kind=venue.kind,
                desa=venue.desa,
                kecamatan=venue.kecamatan,
                why=reason(lang) if reason else d.reason,
                detail=d.detail,
                priority=_num(d.priority, lang),
                reasons=list(scores.get(d.venue_id, (0.0, ()))[1]),
            )
        )
        folium.CircleMarker(
            location=(venue.lat, venue.lon),
            radius=8,
            color="#616161",
            weight=2,
            opacity=0.7,
            dash_array="3 3",
            fill=True,
            fill_color="#9e9e9e",
            fill_opacity=0.35,
            class_name="dropped-marker",
            popup=folium.Popup(popup, max_width=320, **_OVERVIEW_POPUP),
            tooltip=folium.Tooltip(f"{_esc(venue.name)} — {_esc(labels['not_visited'])}"),
        ).add_to(dropped_group)
    dropped_group.add_to(fmap)

    rows = []
    approximate_any = False
    for route in routes:
        colour = colours[route.squad_id]
        label = _squad_label(data, route.squad_id)
        group = folium.FeatureGroup(
            name=(
                f'<span class="wk-chip" style="background:{colour}"></span>'
                f"{_esc(label)} ({len(route.stops)})"
            ),
            show=True,
        )
        station = stations[route.station_id]
        if route.stops:
            path, approximate = _route_path(data, route, venues, station, simplify_m=simplify_m)
            approximate_any |= approximate
            _add_route(group, path, colour=colour, tooltip=label, weight=5)
        for number, stop in enumerate(route.stops, start=1):
            venue = venues[stop.venue_id]
            reasons = scores.get(stop.venue_id, (stop.priority, ()))[1]
            popup = _stop_popup(
                number=number,
                stop=stop,
                venue=venue,
                colour=colour,
                priority=stop.priority,
                reasons=reasons,
                lang=lang,
            )
            _stop_marker(
                number=number,
                stop=stop,
                venue=venue,
                colour=colour,
                popup_html=popup,
                size_px=26,
                popup_options=_OVERVIEW_POPUP,
            ).add_to(group)
        group.add_to(fmap)
        rows.append(
            {
                "colour": colour,
                "label": _squad_short_label(data, route.squad_id),
                "title": label,
                "visits": len(route.stops),
                "priority": _num(route.priority, lang),
                "km": _num(route.dist_m / 1000.0, lang),
                "first": format_clock_s(route.stops[0].arrival_s) if route.stops else "–",
                "last": format_clock_s(route.stops[-1].departure_s) if route.stops else "–",
            }
        )

    station_squads: dict[str, list[str]] = {}
    for route in routes:
        station_squads.setdefault(route.station_id, []).append(_squad_label(data, route.squad_id))
    station_group = folium.FeatureGroup(name="Polres / Polsek", show=True)
    for station in stations.values():
        _station_marker(
            station, squads=station_squads.get(station.station_id, []), lang=lang
        ).add_to(station_group)
    station_group.add_to(fmap)

    plan = data.plan
    firsts = [r.stops[0].arrival_s for r in routes if r.stops]
    lasts = [r.stops[-1].departure_s for r in routes if r.stops]
    total = {
        "visits": plan.visits,
        "priority": _num(plan.collected, lang),
        "km": _num(sum(r.dist_m for r in routes) / 1000.0, lang),
        "first": format_clock_s(min(firsts)) if firsts else "–",
        "last": format_clock_s(max(lasts)) if lasts else "–",
    }
    share_text = msg(
        "Rencana ini mengumpulkan {pct}% dari total prioritas malam ini ({got} dari {all}).",
        "This plan collects {pct}% of tonight's total priority ({got} of {all}).",
    ).format(
        pct=_num(100.0 * plan.share, lang),
        got=_num(plan.collected, lang),
        all=_num(plan.total_priority, lang),
    )(lang)
    unmet = []
    for vid, why in plan.unmet_must_visit:
        name = venues[vid].name if vid in venues else vid
        unmet.append(f"{name} — {why}" if why else name)
    panel = _render(
        "map_overview_panel.html.j2",
        t=labels,
        title=title,
        date_text=_date_text(data.night, lang),
        rows=rows,
        total=total,
        share_text=share_text,
        unmet=unmet,
        approximate=approximate_any,
        panel_px=_PANEL_PX,
        levels=[
            {
                "colour": KERAWANAN_COLOURS.get(lv, _UNKNOWN_LEVEL_COLOUR),
                "label": _LEVEL_LABELS[lv](lang) if lv in _LEVEL_LABELS else lv,
            }
            for lv in levels
        ],
    )
    fmap.get_root().html.add_child(folium.Element(panel))  # type: ignore[attr-defined]

    # Collapsed: expanded it would cover popups near the top; the summary names the colours.
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    _add_controls(fmap, lang)
    # Keep the night clear of the summary panel on the left.
    _fit(fmap, bounds, top_left_px=(_PANEL_PX + 64, 20), bottom_right_px=(60, 20))
    return str(fmap.get_root().render())


# --------------------------------------------------------------------------- squad map


def render_squad(
    data: MapData, squad_id: str, *, lang: Lang = "id", simplify_m: float = 5.0
) -> str:
    """One squad's map for a phone, as a standalone HTML page.

    Only this squad's route (following the roads, arrows for the direction), its numbered
    stops and its station, with the ordered stop list in a panel that reads well on a 360 px
    screen (times first, big tap targets, a "Navigasi" button per stop). No incidents, no
    reasons and nothing of other squads: the page is forwarded between phones.

    Raises
    ------
    KeyError
        If ``squad_id`` is neither on the roster nor in the plan.
    """
    squad = next((s for s in data.squads if s.squad_id == squad_id), None)
    route = next((r for r in data.plan.routes if r.squad_id == squad_id), None)
    if route is None:
        if squad is None:
            raise KeyError(squad_id)
        route = _empty_route(squad)
    venues = _venues(data)
    stations = _stations(data)
    station = stations[route.station_id]
    colour = _squad_colours(data)[squad_id]
    label = _squad_label(data, squad_id)
    labels = _labels(lang)

    fmap = _base_map((station.lat, station.lon), title=f"{label} · {data.night}")
    _station_marker(station, squads=[label], lang=lang).add_to(fmap)
    approximate = False
    bounds = [(station.lat, station.lon)]
    if route.stops:
        path, approximate = _route_path(data, route, venues, station, simplify_m=simplify_m)
        _add_route(fmap, path, colour=colour, tooltip=label, weight=6)
    stop_rows = []
    for number, stop in enumerate(route.stops, start=1):
        venue = venues[stop.venue_id]
        popup = _stop_popup(
            number=number,
            stop=stop,
            venue=venue,
            colour=colour,
            priority=None,
            reasons=(),
            lang=lang,
        )
        marker = _stop_marker(
            number=number,
            stop=stop,
            venue=venue,
            colour=colour,
            popup_html=popup,
            size_px=32,
        )
        marker.add_to(fmap)
        bounds.append((venue.lat, venue.lon))
        stop_rows.append(
            {
                "marker": marker.get_name(),
                "number": number,
                "name": venue.name,
                "kind": venue.kind,
                "desa": venue.desa,
                "lat": f"{venue.lat:.6f}",
                "lon": f"{venue.lon:.6f}",
                "arrival": format_clock_s(stop.arrival_s),
                "departure": format_clock_s(stop.departure_s),
                "nav_url": google_maps_directions_url(venue.lat, venue.lon),
            }
        )

    shift = (
        str(squad.shift)
        if squad
        else (f"{format_clock_s(route.depart_s)}-{format_clock_s(route.return_s)}")
    )
    summary_text = msg(
        "{n} kunjungan · {km} km · kendaraan: {vehicle}",
        "{n} visits · {km} km · vehicle: {vehicle}",
    ).format(
        n=len(route.stops),
        km=_num(route.dist_m / 1000.0, lang),
        vehicle=squad.vehicle if squad else "–",
    )(lang)
    kind = _STATION_KIND.get(station.kind)
    panel = _render(
        "map_squad_panel.html.j2",
        t=labels,
        colour=colour,
        squad_label=label,
        date_text=_date_text(data.night, lang),
        shift=shift,
        summary_text=summary_text,
        station_name=station.name,
        station_kind=(kind(lang) if kind else station.kind) + f" · {station.kecamatan}",
        depart=format_clock_s(route.depart_s),
        back=format_clock_s(route.return_s),
        stops=stop_rows,
        approximate=approximate,
        map_name=fmap.get_name(),
    )
    fmap.get_root().html.add_child(folium.Element(panel))  # type: ignore[attr-defined]
    _add_controls(fmap, lang)
    if len(bounds) > 1:
        # Keep stops out from under the zoom / full-screen / locate buttons (top left).
        _fit(fmap, bounds, top_left_px=(64, 24), bottom_right_px=(24, 24))
    return str(fmap.get_root().render())


# --------------------------------------------------------------------------- files


def write_maps(data: MapData, out_dir: Path | str, *, lang: Lang = "id") -> list[Path]:
    """Write ``index.html`` (overview) and one ``regu-<squad>.html`` per squad.

    All files are rendered first and then replaced together (each via a temporary file in the
    same folder and ``os.replace``): an error leaves the previous night's maps untouched.

    Returns
    -------
    list of Path
        The files written, the overview first.
    """
    out = Path(out_dir)
    squad_ids = [s.squad_id for s in data.squads]
    squad_ids += [r.squad_id for r in data.plan.routes if r.squad_id not in squad_ids]
    names = [squad_map_filename(sid) for sid in squad_ids]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise ValueError(f"squad ids give the same map file name: {clashes}")
    files: dict[Path, bytes] = {out / "index.html": render_overview(data, lang=lang).encode()}
    for sid, name in zip(squad_ids, names, strict=True):
        files[out / name] = render_squad(data, sid, lang=lang).encode()
    return replace_all(files)
