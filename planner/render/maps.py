"""Route maps: one overview for the planners, one page per squad's phone — each a single file.

Every page carries everything it shows: the vendored Leaflet and plugins
(``planner/render/assets``, pinned, with their licences) are inlined, and the night's data is
one JSON document in the page (``<script type="application/json" id="wk-data">``) that one
script (``templates/map_app.js.j2``) draws. No request leaves the file: the base map is drawn
from the dataset itself (its roads around the routes, the desa boundaries and names, the
stations); OpenStreetMap tiles are a layer the user may switch on when online.

What is shown is decided in :mod:`planner.render.mapdata`; this module puts it on the page.
(Folium built these pages until issue 15; nothing imports it any more.)

Safety: every string from input files (venue, desa and station names, kinds, reasons, notes)
is HTML-escaped before it reaches the page (:func:`planner.render._html.esc`, the autoescaped
templates), popups and tooltips included — Leaflet writes those with innerHTML. The JSON
document escapes ``<`` so no value can close its ``<script>``.

Size: routes and roads are simplified and every coordinate is an integer of 10⁻⁵ degrees
(about 1 m), written as differences (:func:`planner.render.mapdata.encode_line`). A squad page
carries only its own route, stops and station, the roads and desa around them: no incidents,
no reasons (they may describe incidents), no other squad.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import markupsafe
from shapely.geometry import shape

from planner._atomic import replace_all
from planner.domain import Dropped, Route, Squad, Stop, format_clock_s
from planner.render import mapdata as md
from planner.render import presence
from planner.render._html import esc, render
from planner.render.checkin import checkin_block
from planner.render.mapdata import (
    INCIDENT_LOOKBACK_DAYS,
    KERAWANAN_COLOURS,
    SQUAD_COLOURS,
    MapData,
    StationPoint,
    VenuePoint,
    google_maps_directions_url,
    road_frame,
    squad_map_filename,
)
from planner.text import Lang, long_date
from planner.text import number as format_number
from planner.text.maps import (
    DESA_FILL_LAYERS,
    DESA_TOOLTIP,
    HEAT_LAYER,
    OVERVIEW_TITLE,
    PAGE_TEXT,
    PRESENCE_STATES,
    ROUTE_LINK,
    ROUTE_LINK_BACK,
    SQUAD_SUMMARY,
    STATION_KIND,
)
from planner.text.plan import DROP_REASON_TEXT, detail_text

__all__ = [
    "INCIDENT_LOOKBACK_DAYS",
    "KERAWANAN_COLOURS",
    "SQUAD_COLOURS",
    "VENDORED",
    "MapData",
    "google_maps_directions_url",
    "render_overview",
    "render_squad",
    "road_frame",
    "squad_map_filename",
    "write_maps",
]

#: The vendored libraries inlined into every page: name -> (version, folder under assets/).
VENDORED: dict[str, tuple[str, str]] = {
    "leaflet": ("1.9.4", "leaflet-1.9.4"),
    "leaflet-textpath": ("1.2.3", "leaflet-textpath-1.2.3"),
    "leaflet.heat": ("0.2.0", "leaflet.heat-0.2.0"),
}
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'

_PANEL_PX = 420  # the overview's summary panel (left side) at most: 25 % of a desktop's width
_NARROW_BELOW_PX = 900  # narrower screens (phones) get the panel folded and the phone paddings
_TRENGGALEK = (-8.05, 111.71)  # the centre of an empty night
_SQUAD_ROAD_BUFFER_M = 1500.0  # the squad page's roads: this far around its route and stops
_OVERVIEW_ROAD_BUFFER_M = 600.0  # the overview's: around every route, stop and station
_ROAD_SIMPLIFY_M = 8.0
# A phone's view keeps the stops clear of the zoom and location buttons (top left), the layer
# control (top right) and the scale (bottom left); the overview's folded summary line sits top.
# The padding holds a stop's centre, so the left one clears the 44 px buttons (their right edge
# at 54 px) by half a 32 px marker and a margin: 60 px let a stop's marker reach under them.
_PHONE_PAD = {"fit_tl": [76, 64], "fit_br": [36, 36], "popup_tl": [56, 60], "popup_br": [24, 24]}


# --------------------------------------------------------------------------- the page


def _asset(folder: str, name: str) -> str:
    return resources.files("planner.render").joinpath("assets", folder, name).read_text("utf-8")


def _data_uri(folder: str, name: str) -> str:
    raw = resources.files("planner.render").joinpath("assets", folder, name).read_bytes()
    return "data:image/png;base64," + base64.b64encode(raw).decode("ascii")


def _script(folder: str, name: str) -> str:
    text = re.sub(r"^//# sourceMappingURL=.*$", "", _asset(folder, name), flags=re.M)
    if "</script" in text.lower():  # would end the inline <script> early
        raise ValueError(f"{folder}/{name} cannot be inlined")
    return text


@cache
def _leaflet_css() -> str:
    """Leaflet's stylesheet with its layer-control icons as data URIs and no default-marker
    image (the pages draw their own markers): nothing in it makes a request. (Its licence
    travels with leaflet.js in the same page.)"""
    folder = VENDORED["leaflet"][1]
    css = _asset(folder, "leaflet.css")
    for name in ("layers-2x.png", "layers.png"):
        css = css.replace(f"url(images/{name})", f"url({_data_uri(folder, 'images/' + name)})")
    css = re.sub(r"\.leaflet-default-icon-path\s*\{[^}]*\}", "", css)
    if re.search(r"url\((?!data:|#)", css):
        raise ValueError("leaflet.css still refers to a file")
    return css


def _licensed(name: str, file: str) -> str:
    """A vendored script with its package's licence in front (the page is a copy of it)."""
    version, folder = VENDORED[name]
    licence = _asset(folder, "LICENSE").strip()
    if "*/" in licence:
        raise ValueError(f"{folder}/LICENSE cannot sit in a comment")
    return f"/*! {name} {version}\n{licence}\n*/\n{_script(folder, file)}"


@cache
def _scripts(heat: bool) -> tuple[str, ...]:
    out = [_licensed("leaflet", "leaflet.js"), _licensed("leaflet-textpath", "leaflet.textpath.js")]
    if heat:
        out.append(_licensed("leaflet.heat", "leaflet-heat.js"))
    return tuple(out)


def _json(doc: Any) -> str:
    """JSON for a ``<script type="application/json">``: no ``<`` can close the element."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _page(
    *,
    page: str,
    lang: Lang,
    title: str,
    data: Mapping[str, Any],
    panel: str,
    extra: str = "",
    night: bool,
    heat: bool = False,
) -> str:
    """The whole HTML document of a map page."""
    return render(
        "map_page.html.j2",
        lang=lang,
        page=page,
        title=title,
        night=night,
        map_label=PAGE_TEXT["map"](lang),
        leaflet_css=markupsafe.Markup(_leaflet_css()),
        panel=markupsafe.Markup(panel),
        extra=markupsafe.Markup(extra),
        data_json=markupsafe.Markup(_json(data)),
        scripts=[markupsafe.Markup(s) for s in _scripts(heat)],
        app=markupsafe.Markup(render("map_app.js.j2")),
    )


def _page_text(lang: Lang) -> dict[str, str]:
    return {k: v(lang) for k, v in PAGE_TEXT.items()}


def _tiles() -> dict[str, str]:
    return {"url": OSM_TILES, "attribution": OSM_ATTRIBUTION}


def _bounds(points: Sequence[tuple[float, float]]) -> list[list[float]] | None:
    if len(points) < 2:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


# --------------------------------------------------------------------------- shared pieces


def _station_kind(station: StationPoint, lang: Lang) -> str:
    kind = STATION_KIND.get(station.kind)
    return kind(lang) if kind else station.kind


def _station(
    station: StationPoint, *, squads: Sequence[str], lang: Lang, own: bool = False
) -> dict[str, Any]:
    popup = render(
        "map_station_popup.html.j2",
        js_safe=True,
        t=md.labels(lang),
        name=station.name,
        kind=_station_kind(station, lang),
        kecamatan=station.kecamatan,
        squads=list(squads),
    )
    return {
        "lat": round(station.lat, md.COORD_DECIMALS),
        "lon": round(station.lon, md.COORD_DECIMALS),
        "short": "POLRES" if station.kind == "polres" else "POLSEK",
        "tip": esc(station.name),
        "popup": popup,
        "own": own,
    }


def _stop(
    *,
    number: int,
    stop: Stop,
    venue: VenuePoint,
    colour: str,
    priority: float | None,
    reasons: Sequence[str],
    mode: str | None,
    lang: Lang,
) -> dict[str, Any]:
    """A numbered stop; its popup shows ``priority`` and ``reasons`` unless they are empty."""
    popup = render(
        "map_stop_popup.html.j2",
        js_safe=True,
        t=md.labels(lang),
        number=number,
        colour=colour,
        name=venue.name,
        kind=venue.kind,
        desa=venue.desa,
        kecamatan=venue.kecamatan,
        arrival=format_clock_s(stop.arrival_s),
        start=format_clock_s(stop.start_s),
        departure=format_clock_s(stop.departure_s),
        priority=None if priority is None else format_number(priority, lang),
        reasons=list(reasons),
        nav_url=google_maps_directions_url(venue.lat, venue.lon, mode=mode),
        geo_url=md.geo_uri(venue.lat, venue.lon, venue.name),
    )
    return {
        "n": number,
        "venue": stop.venue_id,
        "lat": round(venue.lat, md.COORD_DECIMALS),
        "lon": round(venue.lon, md.COORD_DECIMALS),
        "tip": f"{number}. {esc(venue.name)} · {format_clock_s(stop.arrival_s)}",
        "popup": popup,
    }


@dataclass(frozen=True)
class _Desa:
    """Every desa once (rings, name point, kerawanan and presence fills and tooltips), the
    kecamatan borders (encoded lines) and the legend's kerawanan levels."""

    items: list[dict[str, Any]]
    borders: list[list[int]]
    levels: list[str]


def _desa(data: MapData, lang: Lang, *, simplify_m: float) -> _Desa:
    features, borders, levels = md.desa_features(data, lang, simplify_m=simplify_m)
    heads = [m(lang) for m in DESA_TOOLTIP]
    items = []
    for feature, at in zip(features, md.desa_label_points(data.desa), strict=True):
        props = feature["properties"]
        item = {
            "rings": md.encode_polygon(shape(feature["geometry"])),
            "at": list(at),
            "label": html.unescape(props["desa"]),  # written with textContent
            "colour": props["colour"],
            "tip": (
                f"<b>{heads[0]} {props['desa']}</b><br>{heads[1]}: {props['kecamatan']}"
                f"<br>{heads[2]}: {props['kerawanan']}"
            ),
        }
        for key in ("presence", "presence_state", "presence_colour"):
            if key in props:
                item[key] = props[key]
        items.append(item)
    lines = [
        md.encode_line([(y, x) for x, y, *_ in part.coords])
        for feature in borders
        for part in _parts(shape(feature["geometry"]))
        if part.geom_type == "LineString" and not part.is_empty
    ]
    return _Desa(items, lines, levels)


def _parts(geom: Any) -> list[Any]:
    return list(geom.geoms) if hasattr(geom, "geoms") else [geom]


# --------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class _Overview:
    """What every layer of the overview reads: the night's data, once extracted."""

    data: MapData
    lang: Lang
    venues: Mapping[str, VenuePoint]
    stations: Mapping[str, StationPoint]
    scores: Mapping[str, tuple[float, tuple[str, ...]]]
    colours: Mapping[str, str]
    labels: Mapping[str, str]
    routes: Sequence[Route]
    notes: Mapping[str, tuple[str, ...]]
    """Per planned stop, its desa lines (presence curve, days since presence) in ``lang``."""


def _dropped(night: _Overview, dropped: Dropped, venue: VenuePoint) -> dict[str, Any]:
    reason = DROP_REASON_TEXT.get(dropped.reason)
    popup = render(
        "map_dropped_popup.html.j2",
        js_safe=True,
        t=night.labels,
        name=venue.name,
        kind=venue.kind,
        desa=venue.desa,
        kecamatan=venue.kecamatan,
        why=reason(night.lang) if reason else dropped.reason,
        detail=detail_text(dropped.detail, night.lang),
        priority=format_number(dropped.priority, night.lang),
        reasons=list(night.scores.get(dropped.venue_id, (0.0, ()))[1]),
    )
    return {
        "lat": round(venue.lat, md.COORD_DECIMALS),
        "lon": round(venue.lon, md.COORD_DECIMALS),
        "popup": popup,
        "tip": f"{esc(venue.name)} — {esc(night.labels['not_visited'])}",
    }


def _overview_route(
    night: _Overview, route: Route, *, simplify_m: float
) -> tuple[dict[str, Any], list[tuple[float, float]], bool]:
    """One squad's layer: its route and numbered stops; the path; whether a leg is straight."""
    colour = night.colours[route.squad_id]
    label = md.squad_label(night.data, route.squad_id)
    squad = next((s for s in night.data.squads if s.squad_id == route.squad_id), None)
    mode = md.travel_mode(squad.vehicle if squad else None)
    path: list[tuple[float, float]] = []
    approximate = False
    if route.stops:
        station = night.stations[route.station_id]
        path, approximate = md.route_path(
            night.data, route, night.venues, station, simplify_m=simplify_m
        )
    stops = [
        _stop(
            number=number,
            stop=stop,
            venue=night.venues[stop.venue_id],
            colour=colour,
            priority=stop.priority,
            reasons=(
                *night.scores.get(stop.venue_id, (stop.priority, ()))[1],
                *night.notes.get(stop.venue_id, ()),
            ),
            mode=mode,
            lang=night.lang,
        )
        for number, stop in enumerate(route.stops, start=1)
    ]
    layer = {
        "id": route.squad_id,
        "colour": colour,
        "arrow": colour,
        "weight": 5,
        "size": 26,
        "tip": esc(label),
        "layer": (
            f'<span class="wk-chip" style="background:{colour}"></span>'
            f"{esc(label)} ({len(route.stops)})"
        ),
        "path": md.encode_line(path),
        "approximate": approximate,
        "stops": stops,
    }
    return layer, path, approximate


def _overview_panel(
    night: _Overview, *, levels: Sequence[str], presence_layer: bool, approximate: bool
) -> str:
    """The summary panel: per squad and in total, the share collected, warnings, the legends
    (kerawanan; presence when the overview has that layer)."""
    data, lang = night.data, night.lang
    return render(
        "map_overview_panel.html.j2",
        js_safe=True,
        t=night.labels,
        title=OVERVIEW_TITLE(lang),
        date_text=long_date(data.night.date, lang),
        rows=[
            md.overview_row(data, route, night.colours[route.squad_id], lang)
            for route in night.routes
        ],
        total=md.overview_total(data, night.routes, lang),
        share_text=md.share_text(data.plan, lang),
        unmet=md.unmet_lines(data.plan, night.venues),
        approximate=approximate,
        panel_px=_PANEL_PX,
        narrow_below=_NARROW_BELOW_PX,
        levels=[
            {
                "colour": KERAWANAN_COLOURS.get(lv, md.UNKNOWN_LEVEL_COLOUR),
                "label": md.level_label(lv, lang),
            }
            for lv in levels
        ],
        presence_levels=[
            {"colour": presence.PRESENCE_COLOURS[state], "label": PRESENCE_STATES[state](lang)}
            for state in presence.PRESENCE_STATE_ORDER
        ]
        if presence_layer
        else [],
    )


def render_overview(
    data: MapData,
    *,
    lang: Lang = "id",
    simplify_m: float = 5.0,
    desa_simplify_m: float = 25.0,
    dropped_min_priority: float | None = None,
    max_dropped: int = 60,
) -> str:
    """The planners' overview map of the night, as one self-contained HTML page.

    The base map needs no internet: the dataset's roads near every route, stop and station,
    the desa (coloured by kerawanan, with a legend; or — one radio button away — by their
    presence before tonight, when the scores carry presence data; or outlines only) with their
    names, kecamatan borders and the stations. OpenStreetMap tiles are a layer to switch on
    when online. Over it: per squad a layer with its road-following route (arrows show the
    direction) and numbered stops with popups (times in WIB, priority, reasons and desa lines,
    a "Navigasi" directions link and a ``geo:`` link); high-priority venues dropped tonight,
    faded, with why; an incident heat layer of the last 30 days (hidden until switched on); a
    summary panel; my-location and full-screen buttons.

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
    night = _Overview(
        data=data,
        lang=lang,
        venues=md.venues(data),
        stations=md.stations(data),
        scores=md.scores(data),
        colours=md.squad_colours(data),
        labels=md.labels(lang),
        routes=md.routes_in_order(data),
        notes=presence.notes_by_venue(md.stop_notes(data), lang, beside_reasons=True),
    )
    desa = _desa(data, lang, simplify_m=desa_simplify_m)
    presence_layer = bool(desa.items) and "presence_state" in desa.items[0]
    station_squads: dict[str, list[str]] = {}
    for route in night.routes:
        station_squads.setdefault(route.station_id, []).append(md.squad_label(data, route.squad_id))
    routes, paths, approximate = [], [], False
    for route in night.routes:
        layer, path, approx = _overview_route(night, route, simplify_m=simplify_m)
        routes.append(layer)
        paths.append(path)
        approximate |= approx
    station_points = [(s.lat, s.lon) for s in night.stations.values()]
    stop_points = [
        (night.venues[s.venue_id].lat, night.venues[s.venue_id].lon)
        for r in night.routes
        for s in r.stops
    ]
    dropped = [
        _dropped(night, d, night.venues[d.venue_id])
        for d in md.high_priority_dropped(
            data, night.scores, min_priority=dropped_min_priority, limit=max_dropped
        )
        if d.venue_id in night.venues
    ]
    extent = _desa_extent(data)
    doc = {
        "page": "overview",
        "t": _page_text(lang),
        "tiles": _tiles(),
        "roads": md.roads_near(
            data,
            [p for p in paths if p] + [[p] for p in station_points + stop_points],
            buffer_m=_OVERVIEW_ROAD_BUFFER_M,
            simplify_m=_ROAD_SIMPLIFY_M,
        ),
        "desa": desa.items,
        "names_from_zoom": 12.5,
        "fills": {
            "kerawanan": esc(DESA_FILL_LAYERS["kerawanan"](lang)),
            "presence": esc(DESA_FILL_LAYERS["presence"](lang)) if presence_layer else None,
            "none": esc(DESA_FILL_LAYERS["none"](lang)),
        },
        "borders": desa.borders,
        "stations": [
            _station(s, squads=station_squads.get(s.station_id, []), lang=lang)
            for s in night.stations.values()
        ],
        "routes": routes,
        "dropped": {
            "layer": esc(f"{night.labels['dropped_symbol']} ({len(dropped)})"),
            "items": dropped,
        },
        "heat": {
            "layer": esc(HEAT_LAYER.format(days=INCIDENT_LOOKBACK_DAYS)(lang)),
            "points": md.incident_points(data),
        },
        "bounds": _bounds(station_points + stop_points + extent),
        "centre": list(_TRENGGALEK),
        # Keep the night clear of the summary panel (left) and the layer control (top right):
        # the page measures the panel it drew (a quarter of the width at most) and uses this
        # only when it cannot; on a screen too narrow for both, the panel folds to its title
        # line (top).
        "pad": {
            "fit_tl": [_PANEL_PX + 64, 20],
            "fit_br": [60, 20],
            "popup_tl": [_PANEL_PX + 64, 60],
            "popup_br": [60, 20],
        },
        "narrow_below": _NARROW_BELOW_PX,
        "panel_key": "warkop-map-panel:overview",
        "pad_narrow": _PHONE_PAD,
    }
    panel = _overview_panel(
        night, levels=desa.levels, presence_layer=presence_layer, approximate=approximate
    )
    return _page(
        page="overview",
        lang=lang,
        title=f"{OVERVIEW_TITLE(lang)} {data.night}",
        data=doc,
        panel=panel,
        night=False,
        heat=True,
    )


def _desa_extent(data: MapData) -> list[tuple[float, float]]:
    """The south-west and north-east corners of the desa polygons (none without desa)."""
    if data.desa.empty:
        return []
    minx, miny, maxx, maxy = md.to_wgs84(data.desa).total_bounds
    return [(float(miny), float(minx)), (float(maxy), float(maxx))]


# --------------------------------------------------------------------------- squad map


def _squad_rows(
    route: Route,
    venues: Mapping[str, VenuePoint],
    *,
    notes: Mapping[str, presence.StopNote],
    mode: str | None,
    lang: Lang,
) -> list[dict[str, Any]]:
    """The squad's list rows: no priority and no reasons, only the desa lines in their short
    forms, under the desa's name."""
    rows = []
    for number, stop in enumerate(route.stops, start=1):
        venue = venues[stop.venue_id]
        note = notes.get(stop.venue_id)
        rows.append(
            {
                "number": number,
                "venue_id": stop.venue_id,
                "name": venue.name,
                "kind": venue.kind,
                "desa": venue.desa,
                "lat": f"{venue.lat:.6f}",
                "lon": f"{venue.lon:.6f}",
                "arrival": format_clock_s(stop.arrival_s),
                "departure": format_clock_s(stop.departure_s),
                "nav_url": google_maps_directions_url(venue.lat, venue.lon, mode=mode),
                "notes": list(note.lines(lang, short=True) if note else ()),
            }
        )
    return rows


def _route_links(
    route: Route,
    venues: Mapping[str, VenuePoint],
    station: StationPoint,
    *,
    mode: str | None,
    lang: Lang,
) -> list[dict[str, str]]:
    """The whole route (stops, then back to the station) as Google Maps links of at most
    :data:`~planner.render.mapdata.GOOGLE_MAPS_MAX_WAYPOINTS` waypoints each."""
    if not route.stops:
        return []
    points = [(venues[s.venue_id].lat, venues[s.venue_id].lon) for s in route.stops]
    points.append((station.lat, station.lon))
    n = len(route.stops)
    links = []
    for first, last, url in md.google_maps_route_urls(points, mode=mode):
        if last <= n:
            text = ROUTE_LINK.format(first=first, last=last)(lang)
        elif first <= n:  # the last link: its destination is the station
            text = ROUTE_LINK_BACK.format(first=first)(lang)
        else:  # only the way back is left (the stops filled the links before)
            text = PAGE_TEXT["route_back_only"](lang)
        links.append({"text": text, "url": url})
    return links


def _squad_panel(
    data: MapData,
    squad: Squad | None,
    route: Route,
    station: StationPoint,
    *,
    colour: str,
    stop_rows: list[dict[str, Any]],
    route_links: list[dict[str, str]],
    approximate: bool,
    lang: Lang,
) -> str:
    """The squad's header, ordered stop list (from its station and back) and route links."""
    if squad:
        shift = str(squad.shift)
    else:
        shift = f"{format_clock_s(route.depart_s)}-{format_clock_s(route.return_s)}"
    summary_text = SQUAD_SUMMARY.format(
        n=len(route.stops),
        km=format_number(route.dist_m / 1000.0, lang),
        vehicle=squad.vehicle if squad else "–",
    )(lang)
    return render(
        "map_squad_panel.html.j2",
        js_safe=True,
        t=md.labels(lang),
        p=_page_text(lang),
        colour=colour,
        squad_id=route.squad_id,
        squad_label=md.squad_label(data, route.squad_id),
        date_text=long_date(data.night.date, lang),
        shift=shift,
        summary_text=summary_text,
        station_name=station.name,
        station_kind=f"{_station_kind(station, lang)} · {station.kecamatan}",
        depart=format_clock_s(route.depart_s),
        back=format_clock_s(route.return_s),
        stops=stop_rows,
        route_links=route_links,
        approximate=approximate,
    )


def render_squad(
    data: MapData, squad_id: str, *, lang: Lang = "id", simplify_m: float = 5.0
) -> str:
    """One squad's map for a phone, as one self-contained HTML page (works with no signal).

    This squad's route (following the roads, arrows for the direction), its numbered stops and
    its station over a dark base map drawn from the dataset (its roads within 1.5 km of the
    route, the desa boundaries and names, the stations there; OpenStreetMap tiles when switched
    on and online); the ordered stop list in a panel that reads well on a 360 px screen (times
    first, big tap targets, a "Navigasi" button per stop, the whole route as Google Maps links),
    each stop with its desa lines; then the check-in block
    (:func:`planner.render.checkin.checkin_block`). No incidents, no reasons and nothing of
    other squads: the page is forwarded between phones.

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
        route = md.empty_route(squad)
    venues = md.venues(data)
    all_stations = md.stations(data)
    station = all_stations[route.station_id]
    colour = md.squad_colours(data)[squad_id]
    label = md.squad_label(data, squad_id)
    mode = md.travel_mode(squad.vehicle if squad else None)

    path: list[tuple[float, float]] = []
    approximate = False
    if route.stops:
        path, approximate = md.route_path(data, route, venues, station, simplify_m=simplify_m)
    notes = md.stop_notes(data)
    stops = [
        _stop(
            number=number,
            stop=stop,
            venue=venues[stop.venue_id],
            colour=colour,
            priority=None,
            reasons=notes[stop.venue_id].lines(lang) if stop.venue_id in notes else (),
            mode=mode,
            lang=lang,
        )
        for number, stop in enumerate(route.stops, start=1)
    ]
    points = [(station.lat, station.lon)]
    points += [(venues[s.venue_id].lat, venues[s.venue_id].lon) for s in route.stops]
    around = [path] if path else [points]
    roads = md.roads_near(data, around, buffer_m=_SQUAD_ROAD_BUFFER_M, simplify_m=_ROAD_SIMPLIFY_M)
    desa = md.desa_outlines(data, points, margin_deg=0.03, simplify_m=15.0)
    others = [
        _station(s, squads=[], lang=lang)
        for s in all_stations.values()
        if s.station_id != station.station_id and _inside(s, points, margin_deg=0.03)
    ]
    doc = {
        "page": "squad",
        "t": _page_text(lang),
        "tiles": _tiles(),
        "roads": roads,
        "desa": desa,
        "names_from_zoom": 11,
        "stations": [_station(station, squads=[label], lang=lang, own=True), *others],
        "routes": [
            {
                "id": squad_id,
                "colour": colour,
                "arrow": "#ffffff",
                "weight": 6,
                "size": 32,
                "tip": esc(label),
                "layer": None,
                "path": md.encode_line(path),
                "approximate": approximate,
                "stops": stops,
            }
        ],
        "bounds": _bounds(points),
        "centre": [station.lat, station.lon],
        "pad": _PHONE_PAD,
        "narrow_below": 0,
        "pad_narrow": _PHONE_PAD,
    }
    panel = _squad_panel(
        data,
        squad,
        route,
        station,
        colour=colour,
        stop_rows=_squad_rows(route, venues, notes=notes, mode=mode, lang=lang),
        route_links=_route_links(route, venues, station, mode=mode, lang=lang),
        approximate=approximate,
        lang=lang,
    )
    return _page(
        page="squad",
        lang=lang,
        title=f"{label} · {data.night}",
        data=doc,
        panel=panel,
        extra=checkin_block(data, squad_id, lang=lang),
        night=True,
    )


def _inside(
    station: StationPoint, points: Sequence[tuple[float, float]], *, margin_deg: float
) -> bool:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return (
        min(lats) - margin_deg <= station.lat <= max(lats) + margin_deg
        and min(lons) - margin_deg <= station.lon <= max(lons) + margin_deg
    )


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
    squad_ids = md.squad_ids(data)
    names = [squad_map_filename(sid) for sid in squad_ids]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise ValueError(f"squad ids give the same map file name: {clashes}")
    files: dict[Path, bytes] = {out / "index.html": render_overview(data, lang=lang).encode()}
    for sid, name in zip(squad_ids, names, strict=True):
        files[out / name] = render_squad(data, sid, lang=lang).encode()
    return replace_all(files)
