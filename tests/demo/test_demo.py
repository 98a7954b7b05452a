"""Tests of the synthetic Trenggalek demo dataset (planner/demo/, data/demo/)."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import tomllib
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree
from typer.testing import CliRunner

from planner import config, demo
from planner.cli import app
from planner.errors import PlannerError
from planner.sources import load_dataset

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "data" / "demo"
SHARED_FACTS = REPO.parent / "shared" / "data" / "trenggalek" / "desa_facts.csv"
SMALL = 200  # venues in the quick variants


@pytest.fixture(scope="module")
def full() -> demo.DemoData:
    """The real demo (seed 1, 1,500 venues), generated once for the module."""
    return demo.build_demo(seed=1)


@pytest.fixture(scope="module")
def small() -> demo.DemoData:
    return demo.build_demo(seed=7, n_venues=SMALL)


def _metres(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Local metric coordinates, independent of the generator's own projection."""
    k = 6_371_009.0 * math.pi / 180.0
    return np.stack([lon * k * math.cos(math.radians(-8.12)), lat * k], axis=1)


def _venues(data: demo.DemoData) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data.files["venues.csv"]), dtype=str, keep_default_na=False)


def _incidents(data: demo.DemoData) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data.files["incidents.csv"]), dtype=str, keep_default_na=False)


def _desa(data: demo.DemoData) -> gpd.GeoDataFrame:
    return gpd.read_file(io.BytesIO(data.files["desa.geojson"]))


@pytest.fixture(scope="module")
def graph(full: demo.DemoData, tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    """The full demo's roads as osmnx loads them (once per module)."""
    import osmnx as ox

    path = tmp_path_factory.mktemp("roads") / "roads.graphml"
    path.write_bytes(full.files["roads.graphml"])
    return ox.load_graphml(path)


def _text(output: str) -> str:
    """CLI output with Rich's line wrapping undone."""
    return " ".join(output.split())


# --------------------------------------------------------------------------- facts


def test_facts_are_the_real_157_desa_in_14_kecamatan() -> None:
    facts = demo.desa_facts()
    assert len(facts) == 157
    assert len({f.desa_code for f in facts}) == 157
    assert len({f.kecamatan for f in facts}) == 14
    assert sum(f.type == "kelurahan" for f in facts) == 5
    assert all(f.desa_code.startswith("35.03.") for f in facts)
    stations = demo.station_facts()
    assert [s.kind for s in stations].count("polres") == 1
    assert stations[0].station_id == "POLRES"
    assert {s.kecamatan for s in stations if s.kind == "polsek"} == {f.kecamatan for f in facts}


def test_facts_match_the_shared_source_when_present() -> None:
    if not SHARED_FACTS.exists():
        pytest.skip("../shared is not beside the repository")
    src = pd.read_csv(SHARED_FACTS, dtype=str)
    src = src[src["level"] != "kecamatan"].set_index("code")
    for f in demo.desa_facts():
        row = src.loc[f.desa_code]
        assert (row["name"], row["kecamatan"]) == (f.desa, f.kecamatan)
        assert float(row["inside_lat"]) == f.lat and float(row["inside_lon"]) == f.lon


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_byte_identical_files(small: demo.DemoData) -> None:
    again = demo.build_demo(seed=7, n_venues=SMALL)
    assert list(again.files) == list(small.files)
    for name, content in small.files.items():
        assert again.files[name] == content, name


def test_another_seed_gives_another_dataset(small: demo.DemoData) -> None:
    other = demo.build_demo(seed=8, n_venues=SMALL)
    assert other.files["venues.csv"] != small.files["venues.csv"]
    assert other.files["roads.graphml"] != small.files["roads.graphml"]
    # The facts do not depend on the seed.
    assert _desa(other)["desa_code"].tolist() == _desa(small)["desa_code"].tolist()


def test_committed_demo_equals_the_generator(full: demo.DemoData) -> None:
    """data/demo must never drift from `planner demo --seed 1`."""
    assert COMMITTED.is_dir(), "data/demo is missing: run planner demo --out data/demo --seed 1"
    on_disk = sorted(p.name for p in COMMITTED.iterdir() if not p.name.startswith("."))
    assert on_disk == sorted(full.files)
    # planner.toml is config.default_settings_toml(): compared by meaning, so a reworded
    # comment in config.py does not fail this test, but a changed default does.
    stale = [
        n
        for n, b in full.files.items()
        if n != "planner.toml" and (COMMITTED / n).read_bytes() != b
    ]
    committed = tomllib.loads((COMMITTED / "planner.toml").read_text(encoding="utf-8"))
    generated = tomllib.loads(full.files["planner.toml"].decode())
    if config.settings_from_dict(committed) != config.settings_from_dict(generated):
        stale.append("planner.toml")
    assert not stale, (
        f"data/demo differs from the generator in {stale}; regenerate with "
        "`planner demo --out data/demo --seed 1 --force`"
    )


# --------------------------------------------------------------------------- content


def test_counts_are_plausible(full: demo.DemoData) -> None:
    c = full.counts
    assert (c.desa, c.kecamatan, c.stations, c.squads) == (157, 14, 15, 16)
    assert c.venues == 1500
    assert set(c.venues_by_kind) == {"angkringan", "warkop", "kafe"}
    assert c.venues_by_kind["warkop"] > c.venues_by_kind["kafe"] > 50
    assert 200 <= c.incidents <= 450
    assert set(c.incidents_by_category) <= set(config.Settings().incidents.categories)
    assert len(c.incidents_by_category) >= 6
    assert sum(c.kerawanan.values()) == 157 and all(c.kerawanan.values())
    assert 1_000 < c.road_nodes < 30_000
    assert len(full.files["roads.graphml"]) < 8 * 1024 * 1024
    venues = _venues(full)
    assert len(venues) == c.venues and venues["venue_id"].is_unique


def test_every_venue_lies_inside_its_own_desa(full: demo.DemoData) -> None:
    desa = _desa(full).set_index("desa_code")
    venues = _venues(full)
    points = shapely.points(venues["lon"].astype(float), venues["lat"].astype(float))
    polygons = desa.geometry.loc[venues["desa_code"]].to_numpy()
    inside = shapely.contains(polygons, points)
    assert inside.all(), venues.loc[~inside, ["venue_id", "desa_code"]].head()


def test_desa_polygons_contain_their_real_point_and_do_not_overlap(full: demo.DemoData) -> None:
    desa = _desa(full)
    assert desa.is_valid.all()
    facts = {f.desa_code: f for f in demo.desa_facts()}
    for code, geom in zip(desa["desa_code"], desa.geometry, strict=True):
        f = facts[code]
        assert geom.contains(shapely.Point(f.lon, f.lat)), code
    metric = desa.to_crs(32749)
    overlap = metric.geometry.area.sum() - metric.union_all().area
    assert overlap < 1e4  # m²: the cells tile the outline (rounding slivers only)
    assert 900e6 < metric.union_all().area < 2_000e6  # about the regency's 1,250 km²


def test_kerawanan_is_higher_in_the_town(full: demo.DemoData) -> None:
    desa = _desa(full)
    assert set(desa["kerawanan"]) <= set(config.Settings().kerawanan.levels)
    rank = desa["kerawanan"].map({lvl: i for i, lvl in enumerate(demo.LEVELS)})
    town = desa["kecamatan"] == demo.TOWN_KECAMATAN
    assert rank[town].mean() > rank[~town].mean() + 1.0


def test_more_venues_in_the_town(full: demo.DemoData) -> None:
    venues = _venues(full)
    kec = {f.desa_code: f.kecamatan for f in demo.desa_facts()}
    per_kec = venues["desa_code"].map(kec).value_counts()
    assert per_kec.idxmax() == demo.TOWN_KECAMATAN
    assert per_kec[demo.TOWN_KECAMATAN] > 2 * per_kec.drop(demo.TOWN_KECAMATAN).max()


def test_opening_hours_parse_on_the_night_clock(full: demo.DemoData) -> None:
    from planner.domain import opening_intervals

    venues = _venues(full)
    windows = [
        opening_intervals(o, c) for o, c in zip(venues["opens"], venues["closes"], strict=True)
    ]
    assert all(windows)
    after_midnight = sum(any(w.end_min > 720 for w in ws) for ws in windows)
    assert after_midnight > len(venues) / 3  # many stay open past midnight
    assert (venues["opens"] == "24 jam").sum() > 20
    assert ((venues["closed_days"] != "") & (venues["closed_days"] != "-")).sum() > 30
    assert (venues["active"] == "false").sum() > 0
    assert (venues["dwell_min"] == "").sum() > len(venues) / 2


def test_incidents_cover_90_days_before_the_reference_date(full: demo.DemoData) -> None:
    inc = _incidents(full)
    when = pd.to_datetime(inc["occurred_at"], format="%d/%m/%Y %H:%M")
    end = pd.Timestamp(demo.REFERENCE_DATE)
    assert when.max() < end
    assert when.min() >= end - pd.Timedelta(days=demo.INCIDENT_DAYS)
    assert when.is_monotonic_increasing
    assert inc["incident_id"].is_unique
    linked = inc["venue_id"] != ""
    assert 0.1 < linked.mean() < 0.6
    assert set(inc.loc[linked, "venue_id"]) <= set(_venues(full)["venue_id"])
    sev = pd.to_numeric(inc["severity"].replace("", np.nan))
    assert sev.notna().any() and sev.isna().any()
    assert sev.dropna().between(0.5, 5.0).all()


def test_incidents_repeat_near_in_space_and_time(full: demo.DemoData) -> None:
    """Near-repeat: more pairs close in space *and* time than with shuffled dates."""
    inc = _incidents(full)
    xy = _metres(inc["lon"].astype(float).to_numpy(), inc["lat"].astype(float).to_numpy())
    days = (
        pd.to_datetime(inc["occurred_at"], format="%d/%m/%Y %H:%M") - pd.Timestamp("2026-01-01")
    ).dt.total_seconds().to_numpy() / 86400.0
    pairs = np.array(sorted(cKDTree(xy).query_pairs(500.0)))

    def close_in_time(d: np.ndarray) -> int:
        return int((np.abs(d[pairs[:, 0]] - d[pairs[:, 1]]) <= 7.0).sum())

    observed = close_in_time(days)
    rng = np.random.default_rng(0)
    shuffled = np.mean([close_in_time(rng.permutation(days)) for _ in range(30)])
    assert observed > 1.5 * shuffled


def test_stations_and_squads(full: demo.DemoData, tmp_path: Path) -> None:
    stations = pd.read_csv(io.BytesIO(full.files["stations.csv"]), dtype=str)
    assert list(stations.columns) == ["station_id", "name", "kind", "lat", "lon", "kecamatan"]
    assert stations["station_id"].is_unique
    roster = tomllib.loads(full.files["squads.toml"].decode())["squad"]
    polres = [s for s in roster if s["station_id"] == "POLRES"]
    assert len(polres) == 2 and all("area" not in s for s in polres)
    polsek = [s for s in roster if s["station_id"] != "POLRES"]
    assert len(polsek) == 14
    kec_of = dict(zip(stations["station_id"], stations["kecamatan"], strict=True))
    for s in roster:
        assert s["station_id"] in kec_of
        assert 5 <= s["members"] <= 6
        assert s["vehicle"] in config.Settings().network.profiles
        if s in polsek:
            assert s["area"] == [kec_of[s["station_id"]]]
    assert {s["vehicle"] for s in polsek} >= {"motor"}


def test_planner_toml_is_valid_settings(full: demo.DemoData) -> None:
    data = tomllib.loads(full.files["planner.toml"].decode())
    settings = config.settings_from_dict(data)
    assert settings.general.lang == "id"


def test_readme_names_the_reference_date_and_attribution(full: demo.DemoData) -> None:
    text = full.files["README.md"].decode()
    assert demo.REFERENCE_DATE.isoformat() in text
    assert "Cahya DSN" in text and "synthetic" in text.lower()
    assert f"| {full.counts.venues} (" in text


# --------------------------------------------------------------------------- roads


def test_roads_load_in_osmnx_and_are_strongly_connected(
    full: demo.DemoData, graph: nx.MultiDiGraph
) -> None:
    g = graph
    assert g.graph["crs"] == "epsg:4326"
    assert nx.is_strongly_connected(g)
    assert g.number_of_nodes() == full.counts.road_nodes
    assert g.number_of_edges() == full.counts.road_edges
    _, data = next(iter(g.nodes(data=True)))
    assert isinstance(data["x"], float) and isinstance(data["y"], float)
    assert isinstance(data["street_count"], int)
    edges = list(g.edges(data=True))
    assert all(isinstance(d["length"], float) and d["length"] > 0 for *_, d in edges)
    assert all(isinstance(d["oneway"], bool) and isinstance(d["osmid"], int) for *_, d in edges)
    highways = {d["highway"] for *_, d in edges}
    assert {"primary", "secondary", "tertiary", "unclassified", "residential"} <= highways
    with_speed = sum("maxspeed" in d for *_, d in edges)
    assert 0 < with_speed < len(edges) / 2  # on some edges only, as in Indonesian OSM
    oneway = [(u, v) for u, v, d in edges if d["oneway"]]
    assert 0 < len(oneway) < 60
    assert all(not g.has_edge(v, u) for u, v in oneway)


def test_every_venue_and_station_is_near_a_road_node(
    full: demo.DemoData, graph: nx.MultiDiGraph
) -> None:
    g = graph
    nodes = np.array([(d["x"], d["y"]) for _, d in g.nodes(data=True)])
    tree = cKDTree(_metres(nodes[:, 0], nodes[:, 1]))
    venues = _venues(full)
    stations = pd.read_csv(io.BytesIO(full.files["stations.csv"]))
    for table in (venues, stations):
        pts = _metres(table["lon"].astype(float).to_numpy(), table["lat"].astype(float).to_numpy())
        dist, _ = tree.query(pts)
        assert dist.max() < 300.0
    dist, _ = tree.query(_metres(stations["lon"].to_numpy(), stations["lat"].to_numpy()))
    assert dist.max() < 50.0  # stations sit on their road


def _route_ratio(g: nx.MultiDiGraph, a: tuple[float, float], b: tuple[float, float]) -> float:
    ids = list(g.nodes)
    xy = np.array([(g.nodes[n]["x"], g.nodes[n]["y"]) for n in ids])
    tree = cKDTree(_metres(xy[:, 0], xy[:, 1]))
    pa, pb = _metres(np.array([a[0], b[0]]), np.array([a[1], b[1]]))
    na, nb = ids[tree.query(pa)[1]], ids[tree.query(pb)[1]]
    road = nx.shortest_path_length(g, na, nb, weight="length")
    return float(road / np.hypot(*(pa - pb)))


def _seat(kecamatan: str) -> tuple[float, float]:
    """The desa nearest to the kecamatan's Polsek (the generator's kecamatan seat)."""
    polsek = next(
        s for s in demo.station_facts() if s.kecamatan == kecamatan and s.kind == "polsek"
    )
    own = [f for f in demo.desa_facts() if f.kecamatan == kecamatan]
    best = min(own, key=lambda f: (f.lon - polsek.lon) ** 2 + (f.lat - polsek.lat) ** 2)
    return best.lon, best.lat


def test_mountain_roads_wind_and_plain_roads_do_not(graph: nx.MultiDiGraph) -> None:
    assert 1.25 < _route_ratio(graph, _seat("Kampak"), _seat("Munjungan")) < 1.7
    assert 1.25 < _route_ratio(graph, _seat("Pule"), _seat("Dongko")) < 1.7
    assert _route_ratio(graph, _seat("Pogalan"), _seat("Durenan")) < 1.15


# --------------------------------------------------------------------------- readers


def test_sources_load_the_demo_without_problems(full: demo.DemoData, tmp_path: Path) -> None:
    for name, content in full.files.items():
        (tmp_path / name).write_bytes(content)
    ds = load_dataset(tmp_path)
    assert len(ds.desa) == 157 and len(ds.venues) == 1500
    assert len(ds.incidents) == full.counts.incidents
    assert len(ds.stations) == 15 and len(ds.squads) == 16
    # desa_code from the file agrees with the spatial join of the point
    joined = gpd.sjoin(ds.venues[["venue_id", "geometry"]], ds.desa[["desa_code", "geometry"]])
    assert (
        joined.set_index("venue_id")["desa_code"] == ds.venues.set_index("venue_id")["desa_code"]
    ).all()
    assert ds.incidents["occurred_at"].max() < pd.Timestamp(
        dt.datetime.combine(
            demo.REFERENCE_DATE, dt.time(), tzinfo=dt.timezone(dt.timedelta(hours=7))
        )
    )


# --------------------------------------------------------------------------- invariants


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_invariants_hold_for_any_seed(seed: int) -> None:
    data = demo.build_demo(seed=seed, n_venues=120)
    desa = _desa(data).set_index("desa_code")
    venues = _venues(data)
    assert len(venues) == 120 == data.counts.venues
    points = shapely.points(venues["lon"].astype(float), venues["lat"].astype(float))
    assert shapely.contains(desa.geometry.loc[venues["desa_code"]].to_numpy(), points).all()
    g = nx.read_graphml(io.BytesIO(data.files["roads.graphml"]), force_multigraph=True)
    assert nx.is_strongly_connected(g)
    inc = _incidents(data)
    when = pd.to_datetime(inc["occurred_at"], format="%d/%m/%Y %H:%M")
    assert (when < pd.Timestamp(demo.REFERENCE_DATE)).all()
    json.loads(data.files["desa.geojson"])


# --------------------------------------------------------------------------- writing and CLI


def test_write_demo_refuses_a_non_empty_folder_and_replaces_with_force(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    first = demo.write_demo(out, seed=3, n_venues=60)
    assert sorted(p.name for p in out.iterdir()) == sorted(demo.DATASET_FILES)
    assert first.file_bytes["venues.csv"] == (out / "venues.csv").stat().st_size
    before = (out / "venues.csv").read_bytes()
    with pytest.raises(PlannerError, match="not empty"):
        demo.write_demo(out, seed=4, n_venues=60)
    assert (out / "venues.csv").read_bytes() == before  # untouched
    demo.write_demo(out, seed=4, n_venues=60, force=True)
    assert (out / "venues.csv").read_bytes() != before
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]  # no temporary folder left behind


def test_force_never_deletes_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(PlannerError, match=r"notes\.txt"):
        demo.write_demo(tmp_path, seed=1, n_venues=60, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_cli_demo_twice_gives_identical_files_and_prints_counts(tmp_path: Path) -> None:
    runner = CliRunner()
    outs = []
    for name in ("a", "b"):
        res = runner.invoke(
            app, ["demo", "--out", str(tmp_path / name), "--seed", "1", "--venues", "80"]
        )
        assert res.exit_code == 0, res.output
        assert re.search(r"Tempat\W+80 \(angkringan", _text(res.output)), res.output
        outs.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
    assert outs[0] == outs[1]


def test_cli_demo_refuses_non_empty_folder_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "venues.csv").write_text("x")
    runner = CliRunner()
    res = runner.invoke(app, ["demo", "--out", str(tmp_path), "--venues", "50"])
    assert res.exit_code == 2
    assert "tidak kosong" in _text(res.output) and "Traceback" not in res.output
    res = runner.invoke(app, ["demo", "--out", str(tmp_path), "--venues", "50", "--lang", "en"])
    assert res.exit_code == 2 and "not empty" in _text(res.output)
    assert (tmp_path / "venues.csv").read_text() == "x"
