"""Folium route maps: one overview for the planners, one map per squad's phone.

This is the only module that imports folium (and branca, through it). It draws what
:mod:`planner.render.mapdata` says is shown and returns HTML; nothing here decides anything
about the plan.

Safety: every string that comes from input files (venue, desa and station names, kinds, reasons,
notes) is HTML-escaped. Folium puts popup and tooltip HTML inside JavaScript template literals,
so on top of ``html.escape`` the characters `` ` ``, ``$`` and ``\\`` are written as HTML entities
(:func:`planner.render._html.js_safe`): a venue named ``<img src=x onerror=alert(1)>`` or
``${alert(1)}`` shows as text and runs nothing.

Size: route legs are simplified (``simplify_m``) and every coordinate is rounded to 5 decimals
(about 1 m); desa polygons are simplified more. A squad map carries only its own route, stops and
station: no incidents, no reasons (they may describe incidents), no other squad; each stop says
what it means for its desa tonight (:mod:`planner.render.presence`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
from folium import plugins

from planner._atomic import replace_all
from planner.domain import Dropped, Route, Squad, Stop, format_clock_s
from planner.render import mapdata as md
from planner.render import presence
from planner.render._html import esc, js_safe, render
from planner.render.checkin import checkin_block
from planner.render.mapdata import (
    INCIDENT_LOOKBACK_DAYS,
    KERAWANAN_COLOURS,
    SQUAD_COLOURS,
    MapData,
    StationPoint,
    VenuePoint,
    google_maps_directions_url,
    squad_map_filename,
)
from planner.text import Lang, long_date
from planner.text import number as format_number
from planner.text.maps import (
    DESA_FILL_LAYERS,
    DESA_TOOLTIP,
    EXIT_FULL_SCREEN,
    FULL_SCREEN,
    HEAT_LAYER,
    MY_LOCATION,
    OVERVIEW_TITLE,
    PRESENCE_STATES,
    SQUAD_SUMMARY,
    STATION_KIND,
    STATION_LAYER,
)
from planner.text.plan import DROP_REASON_TEXT

__all__ = [
    "INCIDENT_LOOKBACK_DAYS",
    "KERAWANAN_COLOURS",
    "SQUAD_COLOURS",
    "MapData",
    "google_maps_directions_url",
    "render_overview",
    "render_squad",
    "squad_map_filename",
    "write_maps",
]

_PANEL_PX = 450  # width of the overview's summary panel (left side)
# Popups of the overview pan clear of the summary panel (left) and the layer control (top right).
_OVERVIEW_POPUP: dict[str, Any] = {
    "auto_pan_padding_top_left": (_PANEL_PX + 64, 60),
    "auto_pan_padding_bottom_right": (60, 20),
}
_TRENGGALEK = (-8.05, 111.71)  # the centre of an empty night


# --------------------------------------------------------------------------- map pieces


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
        title=FULL_SCREEN(lang),
        title_cancel=EXIT_FULL_SCREEN(lang),
    ).add_to(fmap)
    plugins.LocateControl(
        position="topleft",
        strings={"title": MY_LOCATION(lang)},
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
        tooltip=folium.Tooltip(esc(tooltip)),
    )
    line.add_to(layer)
    plugins.PolyLineTextPath(
        line,
        "   ➤   ",
        repeat=True,
        offset=5,
        attributes={"fill": colour, "font-size": "15", "font-weight": "bold"},
    ).add_to(layer)


def _stop_marker(
    *,
    number: int,
    stop: Stop,
    venue: VenuePoint,
    colour: str,
    priority: float | None,
    reasons: Sequence[str],
    lang: Lang,
    size_px: int,
    popup_options: Mapping[str, Any] | None = None,
) -> folium.Marker:
    """A numbered stop; its popup shows ``priority`` and ``reasons`` unless they are empty."""
    popup_html = js_safe(
        render(
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
            nav_url=google_maps_directions_url(venue.lat, venue.lon),
        )
    )
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
        tooltip=folium.Tooltip(f"{number}. {esc(venue.name)} · {format_clock_s(stop.arrival_s)}"),
        z_index_offset=1000 + number,
    )


def _station_kind(station: StationPoint, lang: Lang) -> str:
    kind = STATION_KIND.get(station.kind)
    return kind(lang) if kind else station.kind


def _station_marker(
    station: StationPoint, *, squads: Sequence[str], lang: Lang, size_px: int = 34
) -> folium.Marker:
    popup = js_safe(
        render(
            "map_station_popup.html.j2",
            js_safe=True,
            t=md.labels(lang),
            name=station.name,
            kind=_station_kind(station, lang),
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
        tooltip=folium.Tooltip(esc(station.name)),
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


def _page(fmap: folium.Map) -> str:
    return str(fmap.get_root().render())


def _add_panel(fmap: folium.Map, panel_html: str) -> None:
    fmap.get_root().html.add_child(folium.Element(panel_html))  # type: ignore[attr-defined]


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


# Desa fills and kecamatan borders get panes of their own below the routes (the overlay pane,
# z-index 400): a fill switched on later would otherwise be drawn over the routes.
_DESA_PANE = "wk-desa"
_BORDER_PANE = "wk-kecamatan"


def _add_desa_layers(
    fmap: folium.Map, night: _Overview, *, simplify_m: float
) -> tuple[list[str], bool]:
    """The desa fills as a choice of one (radio buttons): kerawanan (shown), presence before
    tonight (when the scores have it), none; then the kecamatan borders. Returns the levels of
    the kerawanan legend and whether the presence layer is there.

    One fill at a time: two semi-transparent fills on top of each other mix into colours that
    neither legend shows.
    """
    lang = night.lang
    features, borders, levels = md.desa_features(night.data, lang, simplify_m=simplify_m)
    collection = {"type": "FeatureCollection", "features": features}
    folium.map.CustomPane(_DESA_PANE, z_index=350, pointer_events=True).add_to(fmap)
    folium.map.CustomPane(_BORDER_PANE, z_index=360, pointer_events=False).add_to(fmap)
    folium.GeoJson(
        collection,
        name=esc(DESA_FILL_LAYERS["kerawanan"](lang)),
        overlay=False,
        show=True,
        style_function=lambda f: {
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.3,
            "color": "#666",
            "weight": 0.6,
            "className": "wk-desa-kerawanan",
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["desa", "kecamatan", "kerawanan"],
            aliases=[m(lang) for m in DESA_TOOLTIP],
        ),
        smooth_factor=1.5,
        zoom_on_click=False,
        pane=_DESA_PANE,
    ).add_to(fmap)
    presence_layer = bool(features) and "presence_state" in features[0]["properties"]
    if presence_layer:
        folium.GeoJson(
            collection,
            name=esc(DESA_FILL_LAYERS["presence"](lang)),
            overlay=False,
            show=False,
            style_function=_presence_style,
            tooltip=folium.GeoJsonTooltip(fields=["presence"], labels=False),
            smooth_factor=1.5,
            zoom_on_click=False,
            pane=_DESA_PANE,
        ).add_to(fmap)
    folium.FeatureGroup(name=esc(DESA_FILL_LAYERS["none"](lang)), overlay=False, show=False).add_to(
        fmap
    )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": borders},
        name=esc(night.labels["kecamatan_border"]),
        style_function=lambda f: {"color": "#222", "weight": 2, "dashArray": "6 4", "fill": False},
        interactive=False,
        pane=_BORDER_PANE,
    ).add_to(fmap)
    return levels, presence_layer


def _presence_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    """A desa of the presence layer: its state's fill (none without data), strong enough to
    read at a glance; the state is also the path's class (``wk-presence-<state>``)."""
    props = feature["properties"]
    state = props["presence_state"]
    style: dict[str, Any] = {
        "fillColor": props["presence_colour"],
        "fillOpacity": 0.55,
        "color": "#555",
        "weight": 0.8,
        "className": f"wk-presence wk-presence-{state}",
    }
    if state == "no_data":
        style |= {"fillOpacity": 0.0, "weight": 0.6, "dashArray": "3 3"}
    return style


def _add_heat_layer(fmap: folium.Map, night: _Overview) -> None:
    """Incidents of the last 30 days as a heat map, hidden until switched on."""
    heat = md.incident_points(night.data)
    name = HEAT_LAYER.format(days=INCIDENT_LOOKBACK_DAYS)(night.lang)
    group = folium.FeatureGroup(name=esc(name), show=False)
    if heat:
        plugins.HeatMap(heat, radius=18, blur=15, min_opacity=0.35).add_to(group)
    group.add_to(fmap)


def _dropped_marker(night: _Overview, dropped: Dropped, venue: VenuePoint) -> folium.CircleMarker:
    reason = DROP_REASON_TEXT.get(dropped.reason)
    popup = js_safe(
        render(
            "map_dropped_popup.html.j2",
            js_safe=True,
            t=night.labels,
            name=venue.name,
            kind=venue.kind,
            desa=venue.desa,
            kecamatan=venue.kecamatan,
            why=reason(night.lang) if reason else dropped.reason,
            detail=dropped.detail,
            priority=format_number(dropped.priority, night.lang),
            reasons=list(night.scores.get(dropped.venue_id, (0.0, ()))[1]),
        )
    )
    return folium.CircleMarker(
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
        tooltip=folium.Tooltip(f"{esc(venue.name)} — {esc(night.labels['not_visited'])}"),
    )


def _add_dropped_layer(
    fmap: folium.Map, night: _Overview, *, min_priority: float | None, limit: int
) -> None:
    """High-priority venues dropped tonight, faded, each with why."""
    dropped = md.high_priority_dropped(
        night.data, night.scores, min_priority=min_priority, limit=limit
    )
    group = folium.FeatureGroup(
        name=esc(f"{night.labels['dropped_symbol']} ({len(dropped)})"), show=True
    )
    for d in dropped:
        venue = night.venues.get(d.venue_id)
        if venue is not None:
            _dropped_marker(night, d, venue).add_to(group)
    group.add_to(fmap)


def _add_route_layer(
    fmap: folium.Map, night: _Overview, route: Route, *, simplify_m: float
) -> bool:
    """One squad's layer: its route and numbered stops. Returns whether a leg is drawn straight."""
    colour = night.colours[route.squad_id]
    label = md.squad_label(night.data, route.squad_id)
    group = folium.FeatureGroup(
        name=(
            f'<span class="wk-chip" style="background:{colour}"></span>'
            f"{esc(label)} ({len(route.stops)})"
        ),
        show=True,
    )
    approximate = False
    if route.stops:
        station = night.stations[route.station_id]
        path, approximate = md.route_path(
            night.data, route, night.venues, station, simplify_m=simplify_m
        )
        _add_route(group, path, colour=colour, tooltip=label, weight=5)
    for number, stop in enumerate(route.stops, start=1):
        _stop_marker(
            number=number,
            stop=stop,
            venue=night.venues[stop.venue_id],
            colour=colour,
            priority=stop.priority,
            reasons=(
                *night.scores.get(stop.venue_id, (stop.priority, ()))[1],
                *night.notes.get(stop.venue_id, ()),
            ),
            lang=night.lang,
            size_px=26,
            popup_options=_OVERVIEW_POPUP,
        ).add_to(group)
    group.add_to(fmap)
    return approximate


def _add_station_layer(fmap: folium.Map, night: _Overview) -> None:
    """Every station, with the squads that leave from it tonight."""
    station_squads: dict[str, list[str]] = {}
    for route in night.routes:
        station_squads.setdefault(route.station_id, []).append(
            md.squad_label(night.data, route.squad_id)
        )
    group = folium.FeatureGroup(name=STATION_LAYER(night.lang), show=True)
    for station in night.stations.values():
        _station_marker(
            station, squads=station_squads.get(station.station_id, []), lang=night.lang
        ).add_to(group)
    group.add_to(fmap)


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


def _overview_points(night: _Overview) -> list[tuple[float, float]]:
    """Stations and planned stops: the first of them centres the map."""
    points: list[tuple[float, float]] = [(s.lat, s.lon) for s in night.stations.values()]
    points += [
        (night.venues[s.venue_id].lat, night.venues[s.venue_id].lon)
        for r in night.routes
        for s in r.stops
    ]
    return points


def _desa_extent(data: MapData) -> list[tuple[float, float]]:
    """The south-west and north-east corners of the desa polygons (none without desa)."""
    if data.desa.empty:
        return []
    minx, miny, maxx, maxy = md.to_wgs84(data.desa).total_bounds
    return [(miny, minx), (maxy, maxx)]


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

    Desa coloured by kerawanan (with a legend), or — one radio button away in the layer
    control — by their presence before tonight (within target / due / overdue / never visited,
    with tonight's visits in the tooltip and a legend; when the scores carry presence data), or
    not at all; kecamatan borders; stations; per squad a layer with its road-following route
    (arrows show the direction), numbered stops with popups (times in WIB, priority, reasons and
    desa lines, a "Navigasi" directions link); high-priority venues dropped tonight, faded, with
    why; an incident heat layer of the last 30 days (hidden until switched on); a summary panel;
    full-screen and my-location controls.

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
    points = _overview_points(night)
    fmap = _base_map(
        points[0] if points else _TRENGGALEK, title=f"{OVERVIEW_TITLE(lang)} {data.night}"
    )

    levels, presence_layer = _add_desa_layers(fmap, night, simplify_m=desa_simplify_m)
    _add_heat_layer(fmap, night)
    _add_dropped_layer(fmap, night, min_priority=dropped_min_priority, limit=max_dropped)
    approximate = False
    for route in night.routes:
        approximate |= _add_route_layer(fmap, night, route, simplify_m=simplify_m)
    _add_station_layer(fmap, night)
    panel = _overview_panel(
        night, levels=levels, presence_layer=presence_layer, approximate=approximate
    )
    _add_panel(fmap, panel)

    # Collapsed: expanded it would cover popups near the top; the summary names the colours.
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    _add_controls(fmap, lang)
    # Keep the night clear of the summary panel on the left.
    bounds = points + _desa_extent(data)
    _fit(fmap, bounds, top_left_px=(_PANEL_PX + 64, 20), bottom_right_px=(60, 20))
    return _page(fmap)


# --------------------------------------------------------------------------- squad map


def _add_squad_stops(
    fmap: folium.Map,
    route: Route,
    venues: Mapping[str, VenuePoint],
    *,
    colour: str,
    notes: Mapping[str, presence.StopNote],
    lang: Lang,
) -> list[dict[str, Any]]:
    """The squad's numbered stops on the map and their list rows: no priority and no reasons,
    only the desa lines (``notes``: the presence curve and the days since presence; in the
    list in their short forms, under the desa's name)."""
    rows = []
    for number, stop in enumerate(route.stops, start=1):
        venue = venues[stop.venue_id]
        note = notes.get(stop.venue_id)
        lines = note.lines(lang) if note else ()
        marker = _stop_marker(
            number=number,
            stop=stop,
            venue=venue,
            colour=colour,
            priority=None,
            reasons=lines,
            lang=lang,
            size_px=32,
        )
        marker.add_to(fmap)
        rows.append(
            {
                "marker": marker.get_name(),
                "number": number,
                "venue_id": stop.venue_id,
                "name": venue.name,
                "kind": venue.kind,
                "desa": venue.desa,
                "lat": f"{venue.lat:.6f}",
                "lon": f"{venue.lon:.6f}",
                "arrival": format_clock_s(stop.arrival_s),
                "departure": format_clock_s(stop.departure_s),
                "nav_url": google_maps_directions_url(venue.lat, venue.lon),
                "notes": list(note.lines(lang, short=True) if note else ()),
            }
        )
    return rows


def _squad_panel(
    data: MapData,
    squad: Squad | None,
    route: Route,
    station: StationPoint,
    *,
    colour: str,
    stop_rows: list[dict[str, Any]],
    approximate: bool,
    map_name: str,
    lang: Lang,
) -> str:
    """The squad's header and ordered stop list, from its station and back."""
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
        colour=colour,
        squad_label=md.squad_label(data, route.squad_id),
        date_text=long_date(data.night.date, lang),
        shift=shift,
        summary_text=summary_text,
        station_name=station.name,
        station_kind=f"{_station_kind(station, lang)} · {station.kecamatan}",
        depart=format_clock_s(route.depart_s),
        back=format_clock_s(route.return_s),
        stops=stop_rows,
        approximate=approximate,
        map_name=map_name,
    )


def render_squad(
    data: MapData, squad_id: str, *, lang: Lang = "id", simplify_m: float = 5.0
) -> str:
    """One squad's map for a phone, as a standalone HTML page.

    Only this squad's route (following the roads, arrows for the direction), its numbered
    stops and its station, with the ordered stop list in a panel that reads well on a 360 px
    screen (times first, big tap targets, a "Navigasi" button per stop), each stop with its
    desa lines (its rank among tonight's visits of its desa and the days since presence there).
    No incidents, no reasons and nothing of other squads: the page is forwarded between phones.

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
    station = md.stations(data)[route.station_id]
    colour = md.squad_colours(data)[squad_id]
    label = md.squad_label(data, squad_id)

    fmap = _base_map((station.lat, station.lon), title=f"{label} · {data.night}")
    _station_marker(station, squads=[label], lang=lang).add_to(fmap)
    approximate = False
    if route.stops:
        path, approximate = md.route_path(data, route, venues, station, simplify_m=simplify_m)
        _add_route(fmap, path, colour=colour, tooltip=label, weight=6)
    notes = md.stop_notes(data)
    stop_rows = _add_squad_stops(fmap, route, venues, colour=colour, notes=notes, lang=lang)
    panel = _squad_panel(
        data,
        squad,
        route,
        station,
        colour=colour,
        stop_rows=stop_rows,
        approximate=approximate,
        map_name=fmap.get_name(),
        lang=lang,
    )
    _add_panel(fmap, panel)
    _add_panel(fmap, checkin_block(data, squad_id, lang=lang))
    _add_controls(fmap, lang)
    bounds = [(station.lat, station.lon)]
    bounds += [(venues[s.venue_id].lat, venues[s.venue_id].lon) for s in route.stops]
    if len(bounds) > 1:
        # Keep stops out from under the zoom / full-screen / locate buttons (top left).
        _fit(fmap, bounds, top_left_px=(64, 24), bottom_right_px=(24, 24))
    return _page(fmap)


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
