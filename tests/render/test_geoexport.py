"""Tests of planner.render.geoexport: routes.geojson and the night's GeoPackage, as QGIS and
geopandas read them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
from render.test_maps import XSS_NAME

from planner.domain import Dropped
from planner.pipeline import NightResult
from planner.render import geoexport
from planner.text.plan import drop_text


def _stops(result: NightResult) -> list[tuple[str, int, str]]:
    return [
        (r.squad_id, i, s.venue_id)
        for r in result.plan.routes
        for i, s in enumerate(r.stops, start=1)
    ]


def _features(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in doc["features"] if f["properties"]["feature"] == kind]


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_has_routes_stops_stations_and_dropped_venues(night_result: NightResult) -> None:
    doc = json.loads(geoexport.routes_geojson(night_result))
    assert doc["type"] == "FeatureCollection"
    routes, stops = _features(doc, "route"), _features(doc, "stop")
    stations, dropped = _features(doc, "station"), _features(doc, "dropped")
    assert len(doc["features"]) == len(routes) + len(stops) + len(stations) + len(dropped)
    assert [f["properties"]["squad_id"] for f in routes] == ["R01", "R02"]
    assert [f["properties"]["visits"] for f in routes] == [3, 2]
    assert [f["geometry"]["type"] for f in routes] == ["LineString", "LineString"]
    assert [(f["properties"]["squad_id"], f["properties"]["order"], f["properties"]["venue_id"])
            for f in stops] == _stops(night_result)  # fmt: skip
    v1 = stops[0]
    assert v1["geometry"] == {"type": "Point", "coordinates": [111.712, -8.052]}
    assert v1["properties"]["name"] == XSS_NAME  # data, not markup: kept as written
    assert [f["properties"]["station_id"] for f in stations] == ["POLRES", "PS_PULE"]
    assert sum(f["properties"]["squads"] for f in stations) == len(night_result.squads)
    assert [f["properties"]["venue_id"] for f in dropped] == [
        d.venue_id for d in night_result.plan.dropped
    ]
    v6 = dropped[0]["properties"]
    assert (v6["reason"], v6["detail"]) == ("no_fit", "shift penuh")
    assert v6["reason_text"] == drop_text("no_fit", "shift penuh", "id")
    assert v6["reason_text"].startswith("tidak muat dalam shift")  # Indonesian by default
    assert all(f["geometry"]["type"] == "Point" for f in (*stations, *dropped))
    english = json.loads(geoexport.routes_geojson(night_result, lang="en"))
    assert _features(english, "dropped")[0]["properties"]["reason_text"].startswith("could not")


def test_geojson_times_are_iso_with_the_date_and_the_offset(night_result: NightResult) -> None:
    doc = json.loads(geoexport.routes_geojson(night_result))
    v1 = _features(doc, "stop")[0]["properties"]
    assert v1["arrival"] == "2026-11-28T19:10+07:00"  # 430 min after noon
    r01 = _features(doc, "route")[0]["properties"]
    assert (r01["depart"], r01["return"]) == ("2026-11-28T19:00+07:00", "2026-11-29T00:00+07:00")
    for f in _features(doc, "stop"):
        p = f["properties"]
        times = [dt.datetime.fromisoformat(p[k]) for k in ("arrival", "start", "departure")]
        assert times == sorted(times) and all(t.utcoffset() == dt.timedelta(hours=7) for t in times)
    # sorting the text sorts the times: a stop after midnight comes after the evening's
    stops = [
        f["properties"]["start"]
        for f in _features(doc, "stop")
        if f["properties"]["squad_id"] == "R01"
    ]
    assert stops == sorted(stops)


def test_a_stop_after_midnight_carries_the_next_days_date(night_result: NightResult) -> None:
    """R01's last stop moved to 00:30–00:45: its date is the 29th, and it sorts last."""
    plan = night_result.plan
    r01 = plan.routes[0]
    late = dataclasses.replace(
        r01.stops[-1], arrival_s=750 * 60, start_s=750 * 60, departure_s=765 * 60
    )
    routes = (dataclasses.replace(r01, stops=(*r01.stops[:-1], late)), *plan.routes[1:])
    result = dataclasses.replace(
        night_result,
        result=dataclasses.replace(
            night_result.result, plan=dataclasses.replace(plan, routes=routes)
        ),
    )
    doc = json.loads(geoexport.routes_geojson(result))
    r01_stops = [
        f["properties"] for f in _features(doc, "stop") if f["properties"]["squad_id"] == "R01"
    ]
    assert r01_stops[-1]["start"] == "2026-11-29T00:30+07:00"
    assert r01_stops[-1]["departure"] == "2026-11-29T00:45+07:00"
    assert max(p["start"] for p in r01_stops) == r01_stops[-1]["start"]


def test_geojson_loads_in_geopandas(night_result: NightResult, tmp_path: Path) -> None:
    path = tmp_path / "routes.geojson"
    path.write_bytes(geoexport.routes_geojson(night_result))
    frame = gpd.read_file(path)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    n = 2 + night_result.plan.visits + 2 + len(night_result.plan.dropped)
    assert len(frame) == n
    assert frame["feature"].value_counts().to_dict() == {
        "stop": night_result.plan.visits, "route": 2, "station": 2, "dropped": 2,
    }  # fmt: skip
    minx, miny, maxx, maxy = frame.total_bounds
    assert minx > 111.5 and maxx < 111.8 and miny > -8.2 and maxy < -8.0


def test_route_without_road_geometry_has_no_geometry(night_result: NightResult) -> None:
    doc = json.loads(geoexport.routes_geojson(dataclasses.replace(night_result, legs={})))
    assert [f["geometry"] for f in _features(doc, "route")] == [None, None]


# --------------------------------------------------------------------------- GeoPackage


@pytest.fixture(scope="module")
def gpkg(night_result: NightResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gpkg") / "routes.gpkg"
    path.write_bytes(geoexport.night_gpkg(night_result))
    return path


def test_gpkg_has_every_layer(gpkg: Path, night_result: NightResult) -> None:
    layers = {str(name): str(kind) for name, kind in pyogrio.list_layers(gpkg)}
    assert layers == {
        "stops": "Point",
        "routes": "MultiLineString",
        "dropped": "Point",
        "stations": "Point",
        "desa": "MultiPolygon",
    }
    counts = {name: pyogrio.read_info(gpkg, layer=name)["features"] for name in layers}
    assert counts == {
        "stops": night_result.plan.visits,
        "routes": len(night_result.squads),
        "dropped": len(night_result.plan.dropped),
        "stations": len(night_result.dataset.stations),
        "desa": len(night_result.dataset.desa),
    }
    for name in layers:
        assert pyogrio.read_info(gpkg, layer=name)["crs"] == "EPSG:4326"


def test_gpkg_layers_read_back_in_geopandas(gpkg: Path, night_result: NightResult) -> None:
    stops = gpd.read_file(gpkg, layer="stops")
    assert list(zip(stops["squad_id"], stops["order"], stops["venue_id"], strict=True)) == _stops(
        night_result
    )
    assert stops.loc[0, "arrival"] == "2026-11-28T19:10+07:00"  # text: QGIS shows WIB as is
    assert stops["priority"].dtype.kind == "f" and stops["order"].dtype.kind == "i"
    dropped = gpd.read_file(gpkg, layer="dropped").set_index("venue_id")
    assert dropped.loc["V6", "reason"] == "no_fit"
    assert dropped.loc["V6", "reason_text"] == drop_text("no_fit", "shift penuh", "id")
    assert dropped.loc["V7", "reason"] == "not_worth"
    desa = gpd.read_file(gpkg, layer="desa").set_index("desa_code")
    # tonight: V1 in D1, V2 in D2, V4 in D3, V5 in D4 (V3's desa D5 is not in the desa file)
    visits: dict[str, int] = {}
    venues = night_result.dataset.venues.set_index("venue_id")["desa_code"]
    for route in night_result.plan.routes:
        for stop in route.stops:
            visits[venues[stop.venue_id]] = visits.get(venues[stop.venue_id], 0) + 1
    assert desa["visits"].to_dict() == {d: visits.get(d, 0) for d in desa.index}
    assert desa.loc["D3", "kerawanan"] == "sangat_tinggi"
    assert desa.loc["D4", "desa"] == "<b>Karanganyar</b>"  # data, kept as written
    stations = gpd.read_file(gpkg, layer="stations").set_index("station_id")
    assert stations["squads"].sum() == len(night_result.squads)
    routes = gpd.read_file(gpkg, layer="routes")
    assert list(routes["squad_id"]) == ["R01", "R02"]
    assert routes.loc[0, "return"] == "2026-11-29T00:00+07:00"
    assert routes.geometry.notna().all()


def test_gpkg_is_the_same_bytes_for_the_same_plan(night_result: NightResult) -> None:
    first = geoexport.night_gpkg(night_result)
    assert geoexport.night_gpkg(night_result) == first
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is None  # restored


def test_gpkg_of_a_night_without_drops_or_legs(night_result: NightResult, tmp_path: Path) -> None:
    plan = dataclasses.replace(night_result.plan, dropped=())
    bare = dataclasses.replace(
        night_result, legs={}, result=dataclasses.replace(night_result.result, plan=plan)
    )
    path = tmp_path / "routes.gpkg"
    path.write_bytes(geoexport.night_gpkg(bare))
    assert pyogrio.read_info(path, layer="dropped")["features"] == 0
    routes = gpd.read_file(path, layer="routes")
    assert len(routes) == 2 and routes.geometry.isna().all()


def test_dropped_venue_missing_from_the_dataset_has_no_point(night_result: NightResult) -> None:
    plan = dataclasses.replace(
        night_result.plan, dropped=(*night_result.plan.dropped, Dropped("V99", "inactive", 1.0))
    )
    odd = dataclasses.replace(
        night_result, result=dataclasses.replace(night_result.result, plan=plan)
    )
    layer = geoexport.dropped_layer(odd)
    assert layer.set_index("venue_id").geometry["V99"] is None
