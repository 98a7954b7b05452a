"""The geographic exports of a planned night, for QGIS: ``routes.geojson`` and ``routes.gpkg``.

Both are written from the same layers (:func:`night_layers`, EPSG:4326):

- ``stops``: one point per planned stop, in route order;
- ``routes``: one line per squad along the roads (no geometry for a squad without stops or
  without drawn legs);
- ``dropped``: one point per venue left out tonight, with its reason code and the reason in
  words;
- ``stations``: the Polres and Polsek, with tonight's squads from each;
- ``desa``: the village polygons with their kerawanan and tonight's visits (GeoPackage only:
  the desa are the dataset's own file, the GeoJSON stays a file of tonight's plan).

Times are ISO 8601 text with the date and the WIB offset (``2026-12-02T00:15+07:00``): a stop
after midnight carries the next day's date, so the times sort as they happen. The GeoPackage
stores them as text too: its datetime type is defined in UTC, which would show a squad's
night shifted by seven hours. The caller (:func:`planner.render.outputs.write_night`) writes
the bytes into the night's folder atomically, with the other files. See ``docs/exports.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, mapping

from planner._atomic import scratch_dir
from planner.render.sheets import StopRow, iso_time, stop_rows, venue_records
from planner.text import Lang
from planner.text.plan import drop_text

if TYPE_CHECKING:
    from planner.pipeline import NightResult

CRS = "EPSG:4326"
LAYERS: tuple[str, ...] = ("stops", "routes", "dropped", "stations", "desa")
"""The GeoPackage's layers, in the order they are written."""
GEOJSON_FEATURES: dict[str, str] = {
    "routes": "route",
    "stops": "stop",
    "stations": "station",
    "dropped": "dropped",
}
"""The layers ``routes.geojson`` holds → the ``feature`` property of their features."""
_GEOMETRY = {
    "stops": "Point",
    "routes": "MultiLineString",
    "dropped": "Point",
    "stations": "Point",
    "desa": "MultiPolygon",
}


def _frame(rows: list[dict[str, Any]], geometry: list[Any], columns: Sequence[str]) -> Any:
    frame = pd.DataFrame(rows, columns=list(columns))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=CRS), crs=CRS)


def _join_legs(legs: Sequence[LineString]) -> Any:
    parts = [g for g in legs if g is not None and not g.is_empty]
    if not parts:
        return None
    return shapely.line_merge(shapely.MultiLineString(parts))


def stops_layer(
    result: NightResult, *, lang: Lang = "id", rows: Sequence[StopRow] | None = None
) -> Any:
    """One point per planned stop: squad, order, venue, times, priority, what to look at.
    ``rows``: :func:`~planner.render.sheets.stop_rows` of ``result`` in ``lang``, already
    made."""
    night = result.night
    stops = stop_rows(result, lang=lang) if rows is None else rows
    records = [
        {
            "squad_id": r.squad_id,
            "order": r.order,
            "venue_id": r.venue_id,
            "name": r.name,
            "kind": r.kind,
            "desa": r.desa,
            "kecamatan": r.kecamatan,
            "arrival": iso_time(night, r.arrival_s),
            "start": iso_time(night, r.start_s),
            "departure": iso_time(night, r.departure_s),
            "wait_min": (r.start_s - r.arrival_s) // 60,
            "priority": round(r.priority, 4),
            "reasons": " | ".join(r.attention),
        }
        for r in stops
    ]
    columns = ["squad_id", "order", "venue_id", "name", "kind", "desa", "kecamatan", "arrival",
               "start", "departure", "wait_min", "priority", "reasons"]  # fmt: skip
    geometry = [shapely.Point(r.lon, r.lat) for r in stops]
    return _frame(records, geometry, columns)


def routes_layer(result: NightResult) -> Any:
    """One line per squad along the roads, with its totals and times."""
    night = result.night
    rows, geometry = [], []
    for squad in result.squads:
        route = result.plan.route(squad.squad_id)
        rows.append(
            {
                "squad_id": squad.squad_id,
                "squad": squad.label,
                "station_id": squad.station_id,
                "vehicle": squad.vehicle,
                "shift": str(squad.shift),
                "visits": len(route.stops),
                "priority": round(route.priority, 4),
                "km": round(route.dist_m / 1000.0, 3),
                "depart": iso_time(night, route.depart_s),
                "return": iso_time(night, route.return_s),
            }
        )
        geometry.append(_join_legs(result.legs.get(squad.squad_id, [])))
    columns = ["squad_id", "squad", "station_id", "vehicle", "shift", "visits", "priority", "km",
               "depart", "return"]  # fmt: skip
    return _frame(rows, geometry, columns)


def dropped_layer(result: NightResult, *, lang: Lang = "id") -> Any:
    """One point per venue left out tonight: ``reason`` (the code, e.g. ``no_fit``),
    ``detail`` (its code, when there is one) and ``reason_text`` (both in words, in ``lang``)."""
    venues = venue_records(result, {d.venue_id for d in result.plan.dropped})
    rows, geometry = [], []
    for d in result.plan.dropped:
        v = venues.get(d.venue_id)
        rows.append(
            {
                "venue_id": d.venue_id,
                "name": None if v is None else v.name,
                "kind": None if v is None else v.kind,
                "desa": None if v is None else v.desa,
                "kecamatan": None if v is None else v.kecamatan,
                "reason": d.reason,
                "detail": d.detail,
                "reason_text": drop_text(d.reason, d.detail, lang),
                "priority": round(d.priority, 4),
            }
        )
        geometry.append(None if v is None else v.geometry)
    columns = ["venue_id", "name", "kind", "desa", "kecamatan", "reason", "detail", "reason_text",
               "priority"]  # fmt: skip
    return _frame(rows, geometry, columns)


def stations_layer(result: NightResult) -> Any:
    """One point per station, with tonight's squads from it (``squads`` and ``squad_ids``)."""
    stations = result.dataset.stations
    by_station: dict[str, list[str]] = {}
    for squad in result.squads:
        by_station.setdefault(squad.station_id, []).append(squad.squad_id)
    rows = [
        {
            "station_id": str(s["station_id"]),
            "name": str(s["name"]),
            "kind": str(s["kind"]),
            "kecamatan": str(s["kecamatan"]) if "kecamatan" in stations.columns else None,
            "squads": len(by_station.get(str(s["station_id"]), [])),
            "squad_ids": ", ".join(by_station.get(str(s["station_id"]), [])),
        }
        for _, s in stations.iterrows()
    ]
    columns = ["station_id", "name", "kind", "kecamatan", "squads", "squad_ids"]
    return _frame(rows, list(stations.geometry), columns)


def desa_layer(result: NightResult) -> Any:
    """The desa polygons with ``kerawanan`` and tonight's ``visits`` (all squads) and
    ``squad_ids`` (the squads that visit it tonight)."""
    desa = result.dataset.desa
    venues = result.dataset.venues
    of_venue = dict(zip(venues["venue_id"].astype(str), venues["desa_code"], strict=True))
    visits: Counter[str] = Counter()
    squads: dict[str, list[str]] = {}
    for route in result.plan.routes:
        for stop in route.stops:
            code = str(of_venue.get(stop.venue_id))
            visits[code] += 1
            if route.squad_id not in squads.setdefault(code, []):
                squads[code].append(route.squad_id)
    rows = [
        {
            "desa_code": str(d["desa_code"]),
            "desa": str(d["desa"]),
            "kecamatan": str(d["kecamatan"]),
            "kerawanan": str(d["kerawanan"]),
            "visits": visits.get(str(d["desa_code"]), 0),
            "squad_ids": ", ".join(squads.get(str(d["desa_code"]), [])),
        }
        for _, d in desa.iterrows()
    ]
    columns = ["desa_code", "desa", "kecamatan", "kerawanan", "visits", "squad_ids"]
    polygons = [
        shapely.multipolygons([g]) if g.geom_type == "Polygon" else g for g in desa.geometry
    ]
    return _frame(rows, polygons, columns)


def night_layers(
    result: NightResult, *, lang: Lang = "id", rows: Sequence[StopRow] | None = None
) -> dict[str, Any]:
    """Every layer of :data:`LAYERS` as a GeoDataFrame (EPSG:4326), by name. ``rows``: as
    :func:`stops_layer`."""
    return {
        "stops": stops_layer(result, lang=lang, rows=rows),
        "routes": routes_layer(result),
        "dropped": dropped_layer(result, lang=lang),
        "stations": stations_layer(result),
        "desa": desa_layer(result),
    }


def _plain(value: Any) -> Any:
    """A cell as JSON holds it: numpy scalars as Python numbers, NaN and NA as null."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def routes_geojson(
    result: NightResult, *, lang: Lang = "id", layers: dict[str, Any] | None = None
) -> bytes:
    """A FeatureCollection (EPSG:4326) of tonight's plan: one ``route`` feature per squad, one
    ``stop`` per planned stop, one ``station`` per station and one ``dropped`` per venue left
    out; the ``feature`` property says which. ``layers``: :func:`night_layers` already made."""
    layers = layers or night_layers(result, lang=lang)
    features: list[dict[str, Any]] = []
    for name, kind in GEOJSON_FEATURES.items():
        layer = layers[name]
        records = pd.DataFrame(layer.drop(columns=layer.geometry.name)).to_dict("records")
        for geom, record in zip(layer.geometry, records, strict=True):
            features.append(
                {
                    "type": "Feature",
                    "geometry": None if geom is None or geom.is_empty else mapping(geom),
                    "properties": {"feature": kind, **{k: _plain(v) for k, v in record.items()}},
                }
            )
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def night_gpkg(
    result: NightResult, *, lang: Lang = "id", layers: dict[str, Any] | None = None
) -> bytes:
    """The GeoPackage of the night (every layer of :data:`LAYERS`), as bytes.

    Written with pyogrio into a temporary file that is read back and removed, so the caller
    writes it into the night's folder with the other files, all at once. The same plan gives
    the same bytes (its change date is the night's noon). ``layers``: :func:`night_layers`
    already made."""
    import pyogrio

    layers = layers or night_layers(result, lang=lang)
    options = {
        # The file records when it changed; the night's noon makes the same plan the same bytes.
        "OGR_CURRENT_DATE": result.night.noon.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        # A temporary file: no fsync per layer (5x faster); the night's folder is written
        # durably and atomically by the caller.
        "OGR_SQLITE_SYNCHRONOUS": "OFF",
        "OGR_SQLITE_JOURNAL": "MEMORY",
    }
    before = {k: pyogrio.get_gdal_config_option(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        return _write_gpkg(layers)
    finally:
        pyogrio.set_gdal_config_options(before)


def _write_gpkg(layers: dict[str, Any]) -> bytes:
    import pyogrio

    with scratch_dir("planner-gpkg-") as tmp:
        path = tmp / "routes.gpkg"
        for name in LAYERS:
            pyogrio.write_dataframe(
                layers[name],
                path,
                layer=name,
                driver="GPKG",
                geometry_type=_GEOMETRY[name],
                promote_to_multi=_GEOMETRY[name].startswith("Multi"),
                append=path.exists(),
            )
        return path.read_bytes()


__all__ = [
    "GEOJSON_FEATURES",
    "LAYERS",
    "desa_layer",
    "dropped_layer",
    "night_gpkg",
    "night_layers",
    "routes_geojson",
    "routes_layer",
    "stations_layer",
    "stops_layer",
]
