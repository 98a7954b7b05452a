"""The render phase does the per-night work once, not once per page or per file (issue 18).

A 20,000-venue night has 64 squad pages and thousands of dropped venues: what every page reads
(the venue points, the stop notes, the roads in metres with their index) is made once per
night, the stop rows once per language, and the lookups of stops and dropped venues read the
venue table column-wise. These tests pin that the shortcuts give the same answers as the plain
ways, and that they are taken.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pandas as pd
import pytest
import shapely
from render.test_maps import build_map_data
from shapely.geometry import LineString

from planner.pipeline import NightResult
from planner.render import geoexport, maps, outputs, sheets
from planner.render import mapdata as md


def test_encode_points_is_encode_line() -> None:
    rng = random.Random(7)
    for n in (0, 1, 2, 5, 40):
        pts = [(-8.0 + rng.uniform(-0.5, 0.5), 111.7 + rng.uniform(-0.5, 0.5)) for _ in range(n)]
        # repeats (as a clipped road has) and points that round to the same metre
        pts = [p for p in pts for _ in range(rng.choice((1, 1, 2)))]
        if len(pts) > 3:
            pts.insert(2, (pts[1][0] + 1e-7, pts[1][1] - 1e-7))
            pts.append((-8.000005, 111.700005))  # a half: rounded to even, as round() does
        assert md.encode_points(np.asarray(pts, dtype=float).reshape(-1, 2)) == md.encode_line(pts)


def test_every_page_of_a_night_reads_the_venues_once(monkeypatch: pytest.MonkeyPatch) -> None:
    data = build_map_data()
    made = {"venues": 0, "roads": 0}
    venues, metric_roads = md._venues, md._metric_roads

    def count_venues(d: md.MapData) -> dict[str, md.VenuePoint]:
        made["venues"] += 1
        return venues(d)

    def count_roads(*args: object) -> object:
        made["roads"] += 1
        return metric_roads(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(md, "_venues", count_venues)
    monkeypatch.setattr(md, "_metric_roads", count_roads)
    maps.render_overview(data)
    for squad in data.squads:
        maps.render_squad(data, squad.squad_id)
    assert made == {"venues": 1, "roads": 1}  # one CRS for the whole night
    assert md.venues(data) is md.venues(data)


def test_a_map_data_built_from_another_does_not_share_what_was_made() -> None:
    data = build_map_data()
    before = maps.render_squad(data, "R01")
    venues = data.venues.copy()
    first = data.plan.routes[0].stops[0].venue_id
    venues.loc[venues.venue_id == first, "name"] = "Warkop Baru Sekali"
    renamed = md.MapData(**{**data.__dict__, "venues": venues})
    assert "Warkop Baru Sekali" not in before
    assert "Warkop Baru Sekali" in maps.render_squad(renamed, "R01")
    assert md.venues(data)[first].name != "Warkop Baru Sekali"


def test_venue_points_are_the_rows_of_the_venue_table() -> None:
    data = build_map_data()
    points = md.venues(data)
    frame = data.venues
    assert list(points) == [str(v) for v in frame["venue_id"]]
    for row in frame.itertuples(index=False):
        p = points[str(row.venue_id)]
        assert (p.name, p.kind, p.desa, p.kecamatan) == (
            row.name,
            row.kind,
            row.desa,
            row.kecamatan,
        )
        assert (p.lon, p.lat) == (row.geometry.x, row.geometry.y)


def test_a_polygon_venue_stands_at_its_representative_point() -> None:
    data = build_map_data()
    venues = data.venues.copy()
    first = venues.index[0]
    square = venues.geometry[first].buffer(0.001, cap_style="square")
    venues.loc[first, "geometry"] = square
    moved = md.MapData(**{**data.__dict__, "venues": venues})
    p = md.venues(moved)[str(venues.venue_id[first])]
    inside = square.representative_point()
    assert (p.lon, p.lat) == (inside.x, inside.y)


def test_the_night_builds_its_stop_rows_once(
    night_result: NightResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = {
        "csv": sheets.stops_csv(night_result),
        "xlsx": sheets.stops_xlsx(night_result),
        "sheet": sheets.route_sheet_html(night_result),
        "geojson": geoexport.routes_geojson(night_result),
    }
    calls: list[str | None] = []
    stop_rows = sheets.stop_rows

    def counted(result: NightResult, *, lang: str | None = None) -> list[sheets.StopRow]:
        calls.append(lang)
        return stop_rows(result, lang=lang)  # type: ignore[arg-type]

    monkeypatch.setattr(sheets, "stop_rows", counted)
    monkeypatch.setattr(geoexport, "stop_rows", counted)
    files = outputs.render_night(night_result, lang=night_result.lang)
    assert len(calls) == 1
    date = night_result.night.date.isoformat()
    assert files[f"rencana-patroli-{date}.csv"] == plain["csv"]
    assert files[f"rencana-patroli-{date}.xlsx"] == plain["xlsx"]
    assert files[f"rencana-patroli-{date}.html"].decode() == plain["sheet"]
    assert files["routes.geojson"] == plain["geojson"]


def test_another_language_keeps_the_csv_in_the_reasons_language(
    night_result: NightResult,
) -> None:
    assert night_result.lang == "id"
    files = outputs.render_night(night_result, lang="en")
    date = night_result.night.date.isoformat()
    assert files[f"rencana-patroli-{date}.csv"] == sheets.stops_csv(night_result)
    english = sheets.route_sheet_html(night_result, lang="en")
    assert files[f"rencana-patroli-{date}.html"].decode() == english
    assert files["routes.geojson"] == geoexport.routes_geojson(night_result, lang="en")


def test_dropped_venues_carry_their_venue_columns(night_result: NightResult) -> None:
    ghost = dataclasses.replace(night_result.plan.dropped[0], venue_id="NOT-A-VENUE")
    plan = dataclasses.replace(night_result.plan, dropped=(*night_result.plan.dropped, ghost))
    result = dataclasses.replace(
        night_result, result=dataclasses.replace(night_result.result, plan=plan)
    )
    layer = geoexport.dropped_layer(result)
    venues = night_result.dataset.venues.set_index("venue_id")
    assert len(layer) == len(plan.dropped)
    for row in layer.itertuples(index=False):
        if row.venue_id == "NOT-A-VENUE":
            assert pd.isna(row.name) and row.geometry is None
            continue
        v = venues.loc[row.venue_id]
        assert (row.name, row.kind, row.desa, row.kecamatan) == (
            str(v["name"]), str(v["kind"]), str(v["desa"]), str(v["kecamatan"]),
        )  # fmt: skip
        assert row.geometry.equals(v.geometry)


def test_stop_rows_read_the_venue_table(night_result: NightResult) -> None:
    venues = night_result.dataset.venues.set_index("venue_id")
    rows = sheets.stop_rows(night_result)
    assert [(r.squad_id, r.venue_id) for r in rows] == [
        (route.squad_id, s.venue_id) for route in night_result.plan.routes for s in route.stops
    ]
    for r in rows:
        v = venues.loc[r.venue_id]
        assert (r.name, r.desa, r.kecamatan) == (
            str(v["name"]),
            str(v["desa"]),
            str(v["kecamatan"]),
        )
        assert (r.lon, r.lat) == (v.geometry.x, v.geometry.y)


def test_clipping_the_roads_gives_the_overlays_geometries() -> None:
    area = shapely.union_all(
        [shapely.Point(0, 0).buffer(100, quad_segs=4), shapely.Point(150, 0).buffer(80)]
    )
    lines = np.array(
        [
            LineString([(-50, 0), (50, 10)]),  # inside
            LineString([(-50, -20), (0, 0), (120, 5), (160, 10)]),  # inside, over both circles
            LineString([(-200, 0), (0, 0)]),  # crosses the edge
            LineString([(0, 0), (40, 0), (20, 20), (20, -20)]),  # crosses itself, inside
            LineString([(0, 0), (0, 0), (30, 30)]),  # a repeated point, inside
            LineString([(500, 500), (600, 600)]),  # outside
        ],
        dtype=object,
    )
    got = md._clip(lines, area)
    want = shapely.intersection(lines, area)
    for a, b in zip(got, want, strict=True):
        assert a.geom_type == b.geom_type
        assert shapely.get_coordinates(a).tolist() == shapely.get_coordinates(b).tolist()
