"""What the route maps show, as plain data: no folium here (``planner.render.maps`` draws it).

:class:`MapData` is what the pipeline hands the maps; the functions below turn it into the
points, paths, rows and labels that the map layers and panels show, in the map's language.
Every coordinate is in EPSG:4326 and rounded to 5 decimals (about 1 m).
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, mapping

from planner import _geo
from planner._tables import cell_text
from planner.config import Settings
from planner.domain import Dropped, Night, Plan, Route, Squad, format_clock_s
from planner.problem import NightProblem
from planner.render import presence
from planner.render._html import esc, one_line
from planner.text import Lang, number
from planner.text.maps import LEVEL_LABELS, MAP_TEXT, SHARE

#: Fill colours of the kerawanan levels (desa polygons and legend); unknown levels are grey.
KERAWANAN_COLOURS: dict[str, str] = {
    "rendah": "#4caf50",
    "sedang": "#fdd835",
    "tinggi": "#fb8c00",
    "sangat_tinggi": "#c62828",
}
UNKNOWN_LEVEL_COLOUR = "#9e9e9e"

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
DEG_PER_M = 1.0 / 111_320.0  # metres to degrees of latitude; good enough for simplification
COORD_DECIMALS = 5  # ~1 m

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
    problem
        The compiled night, for the presence curve's lines (:mod:`planner.render.presence`);
        None: no curve lines. ``scores`` with ``desa_days, desa_target_days`` add the presence
        lines and the overview's presence layer.
    roads
        The dataset's road lines for the pages' own base map (``geometry`` LineStrings, any
        CRS; an optional ``highway`` column sets how strongly a road is drawn), e.g.
        :func:`road_frame` of the dataset's road file. None: the roads driven tonight (the
        ``legs``) are the only roads drawn.
    settings
        The night's settings: the check-in form's code lists (report categories, agencies;
        :mod:`planner.render.checkin`). None: the defaults.
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
    problem: NightProblem | None = None
    roads: gpd.GeoDataFrame | None = None
    settings: Settings | None = None

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


@dataclass(frozen=True)
class VenuePoint:
    """A venue as the maps show it."""

    venue_id: str
    name: str
    kind: str
    desa: str
    kecamatan: str
    lat: float
    lon: float


@dataclass(frozen=True)
class StationPoint:
    """A Polres / Polsek station as the maps show it."""

    station_id: str
    name: str
    kind: str
    kecamatan: str
    lat: float
    lon: float


T = TypeVar("T")


_MEMO: weakref.WeakKeyDictionary[MapData, dict[Any, Any]] = weakref.WeakKeyDictionary()


def memo(data: MapData, key: Any, make: Callable[[], T]) -> T:
    """``make()``, once per ``data`` and ``key``: the overview and every squad page of a night
    read the same venue points, notes and roads (a 20,000-venue night has 64 squad pages).

    Kept beside ``data`` (by identity, dropped with it), not in it: a MapData built from
    another's fields starts afresh."""
    made = _MEMO.setdefault(data, {})
    if key not in made:
        made[key] = make()
    result: T = made[key]
    return result


def _texts(values: Any) -> list[str]:
    """:func:`~planner._tables.cell_text` of every value (plain ``str`` the fast way)."""
    return [v.strip() if type(v) is str else cell_text(v) for v in values]


# --------------------------------------------------------------------------- plain helpers


#: Google Maps URLs take at most 3 waypoints when the link opens in a phone's browser (9
#: elsewhere; more are ignored): a route link covers 3 waypoints and its destination.
GOOGLE_MAPS_MAX_WAYPOINTS = 3
_TWO_WHEEL_WORDS = ("motor", "roda2", "roda 2", "r2", "sepeda motor", "motorcycle", "bike")


def travel_mode(vehicle: str | None) -> str | None:
    """The Google Maps URLs ``travelmode`` of a squad's vehicle profile.

    Maps URLs document ``driving``, ``walking``, ``bicycling`` and ``transit``; a motorbike has
    no documented mode there, so its links leave the mode out and Google Maps offers the modes
    it has for the region (in Indonesia that includes the motorbike). Cars (and any other
    profile) drive.
    """
    name = (vehicle or "").strip().lower()
    if any(word in name for word in _TWO_WHEEL_WORDS):
        return None
    if name in ("jalan kaki", "jalan", "kaki", "walk", "walking"):
        return "walking"
    return "driving"


def _mode_param(mode: str | None) -> str:
    return f"&travelmode={mode}" if mode else ""


def google_maps_directions_url(lat: float, lon: float, *, mode: str | None = "driving") -> str:
    """A Google Maps turn-by-turn directions URL from where the phone is to a point.

    ``mode`` is the ``travelmode`` (:func:`travel_mode`); None leaves it to Google Maps.
    """
    return (
        f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}"
        f"{_mode_param(mode)}&dir_action=navigate"
    )


def google_maps_route_urls(
    points: Sequence[tuple[float, float]],
    *,
    mode: str | None,
    max_waypoints: int = GOOGLE_MAPS_MAX_WAYPOINTS,
) -> list[tuple[int, int, str]]:
    """The route through ``points`` (lat, lon; in order) as Google Maps directions links.

    Each link starts where the phone is and runs through up to ``max_waypoints`` waypoints to
    its destination, so it covers ``max_waypoints + 1`` points; the next link starts after it.
    Returns ``(first, last, url)`` with the 1-based positions of the first and last point a
    link covers.
    """
    per_link = max_waypoints + 1
    out = []
    for start in range(0, len(points), per_link):
        part = points[start : start + per_link]
        *via, (lat, lon) = part
        url = f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}"
        if via:
            url += "&waypoints=" + "%7C".join(f"{y:.6f},{x:.6f}" for y, x in via)
        out.append((start + 1, start + len(part), url + _mode_param(mode)))
    return out


def geo_uri(lat: float, lon: float, label: str) -> str:
    """A ``geo:`` URI of a point with its label (RFC 5870 with the ``q=lat,lon(label)`` form
    that Android maps apps read: OsmAnd, Organic Maps, Google Maps)."""
    name = quote(one_line(label).replace("(", " ").replace(")", " ").strip(), safe="")
    return f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({name})"


def squad_map_filename(squad_id: str) -> str:
    """The file name of a squad's map: ``regu-<squad>.html`` (unsafe characters become ``_``)."""
    return f"regu-{re.sub(r'[^A-Za-z0-9_-]', '_', squad_id)}.html"


def to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in EPSG:4326 (as is when it already is, or has no CRS)."""
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        return frame.to_crs("EPSG:4326")
    return frame


def round_geom(geom: Any) -> Any:
    """The geometry with every coordinate rounded to :data:`COORD_DECIMALS`."""
    return shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))


def labels(lang: Lang) -> dict[str, str]:
    """The map templates' labels (``t.<key>``) in ``lang``."""
    return {k: v(lang) for k, v in MAP_TEXT.items()}


def level_label(level: str, lang: Lang) -> str:
    """A kerawanan level as the legend names it (an unknown level as written)."""
    label = LEVEL_LABELS.get(level)
    return label(lang) if label else level


# --------------------------------------------------------------------------- what is shown


def points_xy(geoms: Any) -> tuple[list[float], list[float]]:
    """The x and y of each geometry's point (a polygon's representative point)."""
    geoms = np.asarray(geoms, dtype=object)
    points = shapely.get_type_id(geoms) == shapely.GeometryType.POINT
    pts = geoms.copy()
    if not points.all():
        pts[~points] = shapely.point_on_surface(geoms[~points])
    return shapely.get_x(pts).tolist(), shapely.get_y(pts).tolist()


def venues(data: MapData) -> dict[str, VenuePoint]:
    """Every venue by id, at its point (a polygon's representative point). Made once per
    ``data`` and shared by every page: read it, do not change it."""
    return memo(data, "venues", lambda: _venues(data))


def _venues(data: MapData) -> dict[str, VenuePoint]:
    frame = to_wgs84(data.venues)
    xs, ys = points_xy(frame.geometry.values)
    columns = [_texts(frame[c].tolist()) for c in ("name", "kind", "desa", "kecamatan")]
    return {
        vid: VenuePoint(vid, name, kind, desa, kecamatan, y, x)
        for vid, name, kind, desa, kecamatan, x, y in zip(
            (str(v) for v in frame["venue_id"].tolist()), *columns, xs, ys, strict=True
        )
    }


def stations(data: MapData) -> dict[str, StationPoint]:
    """Every station by id (made once per ``data``: read it, do not change it)."""
    return memo(data, "stations", lambda: _stations(data))


def _stations(data: MapData) -> dict[str, StationPoint]:
    frame = to_wgs84(data.stations)
    xs = shapely.get_x(frame.geometry.values).tolist()
    ys = shapely.get_y(frame.geometry.values).tolist()
    columns = [_texts(frame[c].tolist()) for c in ("name", "kind", "kecamatan")]
    return {
        sid: StationPoint(sid, name, kind, kecamatan, y, x)
        for sid, name, kind, kecamatan, x, y in zip(
            (str(v) for v in frame["station_id"].tolist()), *columns, xs, ys, strict=True
        )
    }


def scores(data: MapData) -> dict[str, tuple[float, tuple[str, ...]]]:
    """``venue_id -> (priority, reasons)`` (made once per ``data``: read it, do not change
    it)."""
    return memo(data, "scores", lambda: _scores(data))


def _scores(data: MapData) -> dict[str, tuple[float, tuple[str, ...]]]:
    out: dict[str, tuple[float, tuple[str, ...]]] = {}
    for vid, prio, reasons in zip(
        data.scores["venue_id"].tolist(),
        data.scores["priority"].tolist(),
        data.scores["reasons"].tolist(),
        strict=True,
    ):
        if isinstance(reasons, str):
            items: tuple[str, ...] = (reasons,)
        elif reasons is None or (isinstance(reasons, float) and math.isnan(reasons)):
            items = ()
        else:
            items = tuple(str(r) for r in reasons)
        out[str(vid)] = (float(prio), items)
    return out


def squad_ids(data: MapData) -> list[str]:
    """The roster's squads, then any squad that has a route but is not on the roster."""
    ids = [s.squad_id for s in data.squads]
    return ids + [r.squad_id for r in data.plan.routes if r.squad_id not in ids]


def squad_colours(data: MapData) -> dict[str, str]:
    """One colour per squad, in roster order."""
    return {sid: SQUAD_COLOURS[i % len(SQUAD_COLOURS)] for i, sid in enumerate(squad_ids(data))}


def squad_label(data: MapData, squad_id: str) -> str:
    """``"Regu 1 Samapta (R01)"``; the id alone for a squad without a name."""
    for s in data.squads:
        if s.squad_id == squad_id:
            return f"{s.name} ({s.squad_id})" if s.name else s.squad_id
    return squad_id


def squad_short_label(data: MapData, squad_id: str) -> str:
    """The squad's name (its id when it has none)."""
    for s in data.squads:
        if s.squad_id == squad_id:
            return s.name or s.squad_id
    return squad_id


def empty_route(squad: Squad) -> Route:
    """The route of a squad without stops: it stays at its station."""
    return Route(
        squad.squad_id,
        squad.station_id,
        squad.shift.start_min * 60,
        squad.shift.start_min * 60,
        (),
        0,
        0.0,
    )


def routes_in_order(data: MapData) -> list[Route]:
    """Plan routes in roster order; roster squads without a route get an empty one."""
    by_id = {r.squad_id: r for r in data.plan.routes}
    out: list[Route] = []
    for squad in data.squads:
        route = by_id.pop(squad.squad_id, None)
        out.append(route if route is not None else empty_route(squad))
    return out + list(by_id.values())


def _oriented(line: LineString, start: tuple[float, float]) -> list[tuple[float, float]]:
    """The line's (lon, lat) coordinates, reversed if it was stored end to start."""
    coords = [(float(x), float(y)) for x, y, *_ in line.coords]
    if len(coords) >= 2:
        d_first = math.dist(coords[0], start)
        d_last = math.dist(coords[-1], start)
        if d_last < d_first:
            coords.reverse()
    return coords


def route_path(
    data: MapData,
    route: Route,
    venue_points: Mapping[str, VenuePoint],
    station: StationPoint,
    *,
    simplify_m: float,
) -> tuple[list[tuple[float, float]], bool]:
    """One route as a single (lat, lon) path following the road legs.

    Returns the path and whether any leg had to be drawn straight (no road geometry).
    """
    points = [(station.lon, station.lat)]
    points += [(venue_points[s.venue_id].lon, venue_points[s.venue_id].lat) for s in route.stops]
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
            simple = leg.simplify(simplify_m * DEG_PER_M, preserve_topology=False)
            coords = _oriented(simple if not simple.is_empty else leg, points[i])
        for x, y in coords:
            pt = (round(y, COORD_DECIMALS), round(x, COORD_DECIMALS))
            if not path or path[-1] != pt:
                path.append(pt)
    return path, approximate


def stop_notes(data: MapData) -> dict[str, presence.StopNote]:
    """Per planned stop, what it means for its desa tonight (the curve and presence lines);
    made once per ``data``: read it, do not change it."""
    return memo(
        data,
        "stop_notes",
        lambda: presence.stop_notes(
            data.plan, venues=data.venues, scores=data.scores, problem=data.problem
        ),
    )


def desa_features(
    data: MapData, lang: Lang, *, simplify_m: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The desa polygons and the kecamatan borders as GeoJSON features, and the legend's levels.

    Each desa carries its kerawanan (``kerawanan``, ``colour``) and, when the scores have
    presence data, its presence before tonight (``presence`` tooltip, ``presence_state``,
    ``presence_colour``; :func:`planner.render.presence.desa_presence`). Desa properties are
    escaped here: folium's GeoJson tooltip writes them with innerHTML.
    """
    desa = to_wgs84(data.desa)
    levels = list(data.kerawanan_levels)
    levels += sorted({str(k) for k in desa["kerawanan"].dropna()} - set(levels))
    tol = simplify_m * DEG_PER_M
    geoms = [round_geom(g.simplify(tol, preserve_topology=True)) for g in desa.geometry]
    states = (
        presence.desa_presence(data.plan, desa=desa, venues=data.venues, scores=data.scores)
        if presence.has_presence_data(data.scores)
        else {}
    )
    features = []
    for row, geom in zip(desa.itertuples(index=False), geoms, strict=True):
        level = cell_text(row.kerawanan)
        props = {
            "desa": esc(row.desa),
            "kecamatan": esc(row.kecamatan),
            "kerawanan": esc(level_label(level, lang)),
            "colour": KERAWANAN_COLOURS.get(level, UNKNOWN_LEVEL_COLOUR),
        }
        here = states.get(cell_text(row.desa_code))
        if here is not None:
            props |= {
                "presence": esc(here.tooltip(level_label(level, lang).lower(), lang)),
                "presence_state": here.state,
                "presence_colour": presence.PRESENCE_COLOURS[here.state],
            }
        features.append({"type": "Feature", "properties": props, "geometry": mapping(geom)})
    borders = []
    if len(desa):
        merged = desa.assign(geometry=geoms).dissolve(by="kecamatan")
        for geom in merged.geometry:
            borders.append(
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": mapping(round_geom(geom.boundary)),
                }
            )
    return features, borders, levels


def incident_points(data: MapData) -> list[list[float]]:
    """Incidents of the 30 days before the night's first shift starts, as heat points."""
    incidents = to_wgs84(data.incidents)
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
        out.append([round(geom.y, COORD_DECIMALS), round(geom.x, COORD_DECIMALS), float(w)])
    return out


def high_priority_dropped(
    data: MapData,
    venue_scores: Mapping[str, tuple[float, tuple[str, ...]]],
    *,
    min_priority: float | None,
    limit: int,
) -> list[Dropped]:
    """The dropped venues worth showing: at or above ``min_priority``, highest first.

    ``min_priority=None`` uses the upper quartile of tonight's positive priorities.
    """
    if min_priority is None:
        positive = [p for p, _ in venue_scores.values() if p > 0]
        min_priority = float(np.percentile(positive, 75)) if positive else math.inf
    chosen = [d for d in data.plan.dropped if d.priority >= min_priority and d.priority > 0]
    chosen.sort(key=lambda d: (-d.priority, d.venue_id))
    return chosen[:limit]


# --------------------------------------------------------------------------- the base map

#: Road classes drawn as main roads on the pages' base map (the rest are minor roads).
MAJOR_ROADS = frozenset(
    {"motorway", "trunk", "primary", "secondary", "tertiary"}
    | {f"{k}_link" for k in ("motorway", "trunk", "primary", "secondary", "tertiary")}
)
COORD_SCALE = 10**COORD_DECIMALS


def encode_line(latlons: Sequence[tuple[float, float]]) -> list[int]:
    """A line as integers: the first point's lat, lon times 10^5, then each point's difference
    to the one before (about half the characters of decimal pairs; the page adds them up)."""
    out: list[int] = []
    prev = (0, 0)
    for lat, lon in latlons:
        pt = (round(lat * COORD_SCALE), round(lon * COORD_SCALE))
        if out and pt == prev:
            continue
        out += [pt[0] - prev[0], pt[1] - prev[1]]
        prev = pt
    return out


def encode_points(latlon: np.ndarray) -> list[int]:
    """:func:`encode_line` of an ``(n, 2)`` array of (lat, lon), the same integers, at once."""
    if not len(latlon):
        return []
    pts = np.rint(np.asarray(latlon, dtype=float) * COORD_SCALE).astype(np.int64)
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = (pts[1:] != pts[:-1]).any(axis=1)
    pts = pts[keep]
    deltas = np.diff(pts, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    out: list[int] = deltas.ravel().tolist()
    return out


def decode_line(code: Sequence[int]) -> list[tuple[float, float]]:
    """The (lat, lon) points of :func:`encode_line`'s integers."""
    lat = lon = 0
    out = []
    for i in range(0, len(code) - 1, 2):
        lat += code[i]
        lon += code[i + 1]
        out.append((lat / COORD_SCALE, lon / COORD_SCALE))
    return out


def _lines_of(geom: Any) -> list[LineString]:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [geom]
    if hasattr(geom, "geoms"):
        return [line for part in geom.geoms for line in _lines_of(part)]
    return []


def road_frame(path: Path | str) -> gpd.GeoDataFrame:
    """The road lines of a road network file (what :func:`planner.network.load.load_network`
    reads), one line per road between two junctions (both directions drawn once), with its
    ``highway`` class; EPSG:4326."""
    from planner.network.load import load_network

    graph = load_network(path)
    nodes = graph.nodes
    seen: set[tuple[Any, Any, Any]] = set()
    lines: list[LineString | None] = []
    kinds: list[str] = []
    straight: list[int] = []  # roads without a geometry: drawn from node to node, made at once
    ends: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for u, v, k, attrs in graph.edges(keys=True, data=True):
        key = (min(u, v, key=str), max(u, v, key=str), k)
        if key in seen:
            continue
        seen.add(key)
        geom = attrs.get("geometry")
        if geom is None:
            straight.append(len(lines))
            ends.append(((nodes[u]["x"], nodes[u]["y"]), (nodes[v]["x"], nodes[v]["y"])))
        kind = attrs.get("highway", "")
        lines.append(geom)
        kinds.append(str(kind[0] if isinstance(kind, list) and kind else kind))
    if straight:
        for i, line in zip(
            straight, shapely.linestrings(np.asarray(ends, dtype=float)), strict=True
        ):
            lines[i] = line
    crs = graph.graph.get("crs") or "EPSG:4326"
    return to_wgs84(gpd.GeoDataFrame({"highway": kinds}, geometry=lines, crs=crs))


def base_roads(data: MapData) -> gpd.GeoDataFrame:
    """The roads of the base map: ``data.roads``, else the legs driven tonight."""
    if data.roads is not None:
        frame = to_wgs84(data.roads)
        if "highway" not in frame.columns:
            frame = frame.assign(highway="")
        return frame[["highway", "geometry"]]
    lines = [leg for legs in data.legs.values() for leg in legs if leg is not None]
    return gpd.GeoDataFrame({"highway": [""] * len(lines)}, geometry=lines, crs="EPSG:4326")


def _metric_roads(
    roads: gpd.GeoDataFrame, crs: str
) -> tuple[np.ndarray, np.ndarray, shapely.STRtree]:
    """The roads in ``crs``, whether each is a main road, and their spatial index: projected
    once per night and CRS, not once per page."""
    geoms = np.asarray(roads.to_crs(crs).geometry.values, dtype=object)
    major = np.array([str(k) in MAJOR_ROADS for k in roads["highway"].tolist()], dtype=bool)
    return geoms, major, shapely.STRtree(geoms)


def _clip(lines: np.ndarray, area: Any) -> np.ndarray:
    """``shapely.intersection(lines, area)``, the same geometries, without overlaying the lines
    that lie inside the area: they are their own intersection. (The overview's area is the
    union of a buffer around every route and stop, thousands of vertices: overlaying each of a
    20,000-venue night's roads with it took 3.8 s.) A line that crosses itself or repeats a
    point is overlaid all the same: the overlay would node it or drop the repeat."""
    shapely.prepare(area)
    inside = shapely.contains_properly(area, lines) & shapely.is_simple(lines)
    xy, line_of = shapely.get_coordinates(lines, return_index=True)
    repeats = (xy[1:] == xy[:-1]).all(axis=1) & (line_of[1:] == line_of[:-1])
    inside[line_of[1:][repeats]] = False
    out = np.array(lines, dtype=object)
    if not inside.all():
        out[~inside] = shapely.intersection(lines[~inside], area)
    return out


def roads_near(
    data: MapData,
    paths: Sequence[Sequence[tuple[float, float]]],
    *,
    buffer_m: float,
    simplify_m: float,
) -> dict[str, list[list[int]]]:
    """The base map's roads within ``buffer_m`` of the ``paths`` ((lat, lon) points: routes,
    stops, stations), clipped to that buffer and simplified, as encoded lines
    (:func:`encode_line`) by class: ``major`` and ``minor`` (:data:`MAJOR_ROADS`)."""
    roads = memo(data, "base_roads", lambda: base_roads(data))
    out: dict[str, list[list[int]]] = {"major": [], "minor": []}
    pts = [p for path in paths for p in path]
    if roads.empty or not pts:
        return out
    crs = _geo.metric_crs([p[1] for p in pts], [p[0] for p in pts])
    shapes = []
    for path in paths:
        xy = _geo.project([p[1] for p in path], [p[0] for p in path], crs)
        geom = LineString(xy) if len(xy) > 1 else shapely.Point(xy[0])
        shapes.append(geom.buffer(buffer_m, quad_segs=4))
    area = shapely.union_all(shapes)
    geoms, major, tree = memo(data, ("metric_roads", crs), lambda: _metric_roads(roads, crs))
    hits = tree.query(area, predicate="intersects")
    clipped = _clip(geoms[hits], area)
    simple = shapely.simplify(clipped, simplify_m, preserve_topology=False)
    lines: list[LineString] = []
    classes: list[str] = []
    for geom, is_major in zip(simple, major[hits].tolist(), strict=True):
        for line in _lines_of(geom):
            if line.length >= 1.0:
                lines.append(line)
                classes.append("major" if is_major else "minor")
    if not lines:
        return out
    # every line's points back to degrees in one call, then split per line
    xy = shapely.get_coordinates(np.asarray(lines, dtype=object))
    lon, lat = _geo.transformer(crs, inverse=True).transform(xy[:, 0], xy[:, 1])
    ends = np.cumsum(shapely.get_num_coordinates(np.asarray(lines, dtype=object)))[:-1]
    latlon = np.column_stack([lat, lon])
    for cls, part in zip(classes, np.split(latlon, ends), strict=True):
        out[cls].append(encode_points(part))
    return out


def desa_label_points(desa: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    """Where each desa's name is written: a point inside it (lat, lon)."""
    return [
        (round(pt.y, COORD_DECIMALS), round(pt.x, COORD_DECIMALS))
        for pt in (g.representative_point() for g in to_wgs84(desa).geometry)
    ]


def desa_outlines(
    data: MapData, near: Sequence[tuple[float, float]], *, margin_deg: float, simplify_m: float
) -> list[dict[str, Any]]:
    """The desa reaching into the box around ``near`` ((lat, lon) points) plus ``margin_deg``:
    each as its encoded rings (:func:`encode_polygon`), the point for its name (``at``) and its
    name as plain text (``label``; the page writes it with textContent)."""
    if not near or data.desa.empty:
        return []
    lats = [p[0] for p in near]
    lons = [p[1] for p in near]
    area = shapely.box(
        min(lons) - margin_deg,
        min(lats) - margin_deg,
        max(lons) + margin_deg,
        max(lats) + margin_deg,
    )
    desa = to_wgs84(data.desa)
    desa = desa[desa.intersects(area)]
    tol = simplify_m * DEG_PER_M
    return [
        {
            "rings": encode_polygon(geom.simplify(tol, preserve_topology=True)),
            "at": list(at),
            "label": one_line(cell_text(name)),
        }
        for geom, name, at in zip(desa.geometry, desa["desa"], desa_label_points(desa), strict=True)
    ]


def encode_polygon(geom: Any) -> list[list[list[int]]]:
    """A (multi)polygon as its polygons' rings, each an encoded line (lat, lon)."""
    polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    out = []
    for poly in polys:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        rings = [poly.exterior, *poly.interiors]
        out.append([encode_line([(y, x) for x, y, *_ in ring.coords]) for ring in rings])
    return out


# --------------------------------------------------------------------------- overview panel


def overview_row(data: MapData, route: Route, colour: str, lang: Lang) -> dict[str, Any]:
    """One squad's line in the overview's summary table."""
    return {
        "colour": colour,
        "label": squad_short_label(data, route.squad_id),
        "title": squad_label(data, route.squad_id),
        "visits": len(route.stops),
        "priority": number(route.priority, lang),
        "km": number(route.dist_m / 1000.0, lang),
        "first": format_clock_s(route.stops[0].arrival_s) if route.stops else "–",
        "last": format_clock_s(route.stops[-1].departure_s) if route.stops else "–",
    }


def overview_total(data: MapData, routes: Sequence[Route], lang: Lang) -> dict[str, Any]:
    """The totals line of the overview's summary table."""
    firsts = [r.stops[0].arrival_s for r in routes if r.stops]
    lasts = [r.stops[-1].departure_s for r in routes if r.stops]
    return {
        "visits": data.plan.visits,
        "priority": number(data.plan.collected, lang),
        "km": number(sum(r.dist_m for r in routes) / 1000.0, lang),
        "first": format_clock_s(min(firsts)) if firsts else "–",
        "last": format_clock_s(max(lasts)) if lasts else "–",
    }


def share_text(plan: Plan, lang: Lang) -> str:
    """How much of tonight's total priority the plan collects, as a sentence."""
    return SHARE.format(
        pct=number(100.0 * plan.share, lang),
        got=number(plan.collected, lang),
        all=number(plan.total_priority, lang),
    )(lang)


def unmet_lines(plan: Plan, venue_points: Mapping[str, VenuePoint]) -> list[str]:
    """The must-visit venues not planned: ``"name — why"``."""
    out = []
    for vid, why in plan.unmet_must_visit:
        name = venue_points[vid].name if vid in venue_points else vid
        out.append(f"{name} — {why}" if why else name)
    return out


__all__ = [
    "COORD_DECIMALS",
    "COORD_SCALE",
    "DEG_PER_M",
    "GOOGLE_MAPS_MAX_WAYPOINTS",
    "INCIDENT_LOOKBACK_DAYS",
    "KERAWANAN_COLOURS",
    "MAJOR_ROADS",
    "SQUAD_COLOURS",
    "UNKNOWN_LEVEL_COLOUR",
    "MapData",
    "StationPoint",
    "VenuePoint",
    "base_roads",
    "decode_line",
    "desa_features",
    "desa_label_points",
    "desa_outlines",
    "empty_route",
    "encode_line",
    "encode_points",
    "encode_polygon",
    "geo_uri",
    "google_maps_directions_url",
    "google_maps_route_urls",
    "high_priority_dropped",
    "incident_points",
    "labels",
    "level_label",
    "memo",
    "overview_row",
    "overview_total",
    "points_xy",
    "road_frame",
    "roads_near",
    "round_geom",
    "route_path",
    "routes_in_order",
    "scores",
    "share_text",
    "squad_colours",
    "squad_ids",
    "squad_label",
    "squad_map_filename",
    "squad_short_label",
    "stations",
    "stop_notes",
    "to_wgs84",
    "travel_mode",
    "unmet_lines",
    "venues",
]
