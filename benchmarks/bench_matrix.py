"""Benchmark: 1,000 x 1,000 travel-time matrices (planner.network) against networkx.

Three networks:

* ``balikpapan``: the real OSM drive network ``../shared/data/osm/balikpapan_kota_drive.graphml``
  (skipped when absent);
* ``synthetic``: a perturbed 160 x 160 street grid near Trenggalek, >= 100,000 arcs, with
  mixed road classes and some one-way streets, written to GraphML first;
* ``demo``: the bundled Trenggalek demo (``data/demo``: its roads, 15 stations + 1,500 venues,
  both profiles, its ``planner.toml``): the matrix cold and cached, and the cache file.

Each scenario runs in its own subprocess so that its peak memory (max RSS) is its own. For each:
load, compile, snap 1,000 points (random positions up to 40 m off random roads), the matrix for
one profile (``mobil``) in one process and in ``network.matrix_workers`` processes, each twice
(wall time, CPU of this process and CPU of its forked children), the end-to-end
:func:`planner.network.build_matrices` cold and cached, a cold build with other points on the
cached compiled network, and networkx ``single_source_dijkstra_path_length`` on the same graph
for a subset of origins, scaled to 1,000 origins. Results go to
``benchmarks/results/bench_matrix.json``.

Run: ``python benchmarks/bench_matrix.py`` (about a minute; timings are noisy on a shared
machine: the load average is recorded with each scenario).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
SHARED = ROOT.parent / "shared" / "data" / "osm" / "balikpapan_kota_drive.graphml"
RESULTS = ROOT / "benchmarks" / "results"
N_POINTS = 1000
PROFILE = "mobil"


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: KiB


def _timed(fn: Any) -> tuple[Any, dict[str, float]]:
    """Run fn(); wall time, CPU of this process and CPU of the children it forked."""
    t, before = time.perf_counter(), os.times()
    value = fn()
    wall, after = time.perf_counter() - t, os.times()
    cpu = after.user + after.system - before.user - before.system
    children = (
        after.children_user + after.children_system - before.children_user - before.children_system
    )
    return value, {"wall_s": wall, "cpu_s": cpu, "children_cpu_s": children}


def demo_points() -> tuple[Any, list[str]]:
    """Stations first, then venues, as the pipeline passes them."""
    import geopandas as gpd
    import pandas as pd

    venues = pd.read_csv(DEMO / "venues.csv")
    stations = pd.read_csv(DEMO / "stations.csv")
    ids = [*stations["station_id"].astype(str), *venues["venue_id"].astype(str)]
    lon = [*stations["lon"], *venues["lon"]]
    lat = [*stations["lat"], *venues["lat"]]
    pts = gpd.GeoDataFrame({"id": ids}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    return pts, list(stations["station_id"].astype(str))


def run_demo() -> dict[str, Any]:
    """The bundled demo: build_matrices cold (compiled network cached first) and cached."""
    from planner import network as nw
    from planner.config import load_settings

    settings = load_settings(DEMO / "planner.toml")
    profiles = list(settings.network.profiles)
    pts, stations = demo_points()
    out: dict[str, Any] = {"scenario": "demo", "load_avg": os.getloadavg()[0]}
    road = DEMO / "roads.graphml"
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        nw.load_road_index(road, settings, profiles=profiles, cache_dir=cache)
        index = nw.load_road_index(road, settings, profiles=profiles, cache_dir=cache)
        out["nodes"], out["edges"], out["points"] = index.n_nodes, index.n_arcs, len(pts)
        router_sizes = []
        runs = []
        for _ in range(2):
            for f in cache.glob("matrices-*.npz"):
                f.unlink()
            m, cost = _timed(
                lambda: nw.build_matrices(road, pts, stations, profiles, settings, cache)
            )
            runs.append(cost)
        out["build_cold_network_cached"] = runs
        for p in profiles:
            core, _ = m.router.core(p)
            router_sizes.append([p, m.router.graph(p).csr.shape[0], core.shape[0]])
        out["graph_nodes_whole_vs_contracted"] = router_sizes
        out |= _against_scipy(*m.router.core(profiles[0]))
        out["cache_file_mb"] = sum(f.stat().st_size for f in cache.glob("matrices-*.npz")) / 2**20
        out["cache_file_raw_int64_float64_mb"] = 16 * len(m.ids) ** 2 * len(profiles) / 2**20
        cached = []
        for _ in range(3):
            warm, cost = _timed(
                lambda: nw.build_matrices(road, pts, stations, profiles, settings, cache)
            )
            assert warm.from_cache
            cached.append(cost["wall_s"])
        out["build_cached_s"] = cached
        assert all(np.array_equal(warm.travel_s[p], m.travel_s[p]) for p in profiles)
        assert all(np.array_equal(warm.dist_m[p], m.dist_m[p]) for p in profiles)
    out["peak_rss_mb"] = _rss_mb()
    return out


def synthetic_graph(side: int = 160, spacing_m: float = 100.0, seed: int = 0) -> Any:
    """A perturbed grid: two-way streets (two arcs), 10 % one-way, mixed classes."""
    import networkx as nx
    from pyproj import Transformer

    rng = np.random.default_rng(seed)
    to_ll = Transformer.from_crs("EPSG:32749", "EPSG:4326", always_xy=True)
    x0, y0 = 600_000.0, 9_100_000.0  # Trenggalek, UTM 49S
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    x = x0 + ii * spacing_m + rng.uniform(-25, 25, ii.shape)
    y = y0 + jj * spacing_m + rng.uniform(-25, 25, ii.shape)
    lon, lat = to_ll.transform(x.ravel(), y.ravel())
    G = nx.MultiDiGraph(crs="epsg:4326")
    for k in range(side * side):
        G.add_node(k, x=float(lon[k]), y=float(lat[k]))
    classes = np.array(["residential", "residential", "tertiary", "secondary", "unclassified"])
    xy = np.column_stack([x.ravel(), y.ravel()])
    node = np.arange(side * side).reshape(side, side)
    pairs = [
        (node[:-1, :].ravel(), node[1:, :].ravel()),
        (node[:, :-1].ravel(), node[:, 1:].ravel()),
    ]
    for us, vs in pairs:
        for u, v in zip(us.tolist(), vs.tolist(), strict=True):
            length = float(np.hypot(*(xy[u] - xy[v])))
            hw = str(classes[rng.integers(len(classes))])
            if rng.random() < 0.1:
                a, b = (u, v) if rng.random() < 0.5 else (v, u)
                G.add_edge(a, b, highway=hw, oneway=True, length=length)
                # keep the grid strongly connected: a one-way street still has a slow lane back
                G.add_edge(b, a, highway="service", oneway=True, length=length)
            else:
                G.add_edge(u, v, highway=hw, oneway=False, length=length)
                G.add_edge(v, u, highway=hw, oneway=False, length=length)
    return G


def random_points(index: Any, n: int, seed: int = 1) -> Any:
    """n points up to 40 m off random roads (EPSG:4326)."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    arcs = rng.integers(index.n_arcs, size=n)
    on_road = shapely.line_interpolate_point(
        index.arc_geom[arcs], rng.uniform(0, 1, n), normalized=True
    )
    xy = shapely.get_coordinates(on_road) + rng.uniform(-40, 40, size=(n, 2))
    lon, lat = index.to_lonlat.transform(xy[:, 0], xy[:, 1])
    ids = ["S0", "S1", "S2", *[f"V{k}" for k in range(n - 3)]]
    return gpd.GeoDataFrame({"id": ids}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _against_scipy(core: Any, n_road: int) -> dict[str, Any]:
    """The compiled Dijkstra (planner/network/_dijkstra.py) against scipy's on the same
    contracted graph, every point to every point, one process each, best of two: the rows must
    be identical."""
    from scipy.sparse.csgraph import dijkstra

    from planner.network import _dijkstra

    points = np.arange(n_road, core.shape[0])
    graph = _dijkstra.Graph(core)
    _dijkstra.warm()

    def scipy_rows() -> np.ndarray:  # in chunks, as the matrix code called it (small buffers)
        step = max(1, 1_000_000 // core.shape[0])
        parts = [
            dijkstra(core, directed=True, indices=points[lo : lo + step])[:, points]
            for lo in range(0, len(points), step)
        ]
        return np.vstack(parts)

    ours = min(_timed(partial(graph.rows, points, points))[1]["wall_s"] for _ in range(2))
    ref = min(_timed(scipy_rows)[1]["wall_s"] for _ in range(2))
    same = np.array_equal(graph.rows(points, points), scipy_rows())
    assert same, "the compiled Dijkstra must give scipy's rows"
    return {"dijkstra_compiled_s": ours, "dijkstra_scipy_s": ref, "scipy_over_compiled": ref / ours}


def run_scenario(name: str, nx_origins: int) -> dict[str, Any]:
    import networkx as nx

    from planner import network as nw
    from planner.config import Settings

    settings = Settings()
    serial = settings.with_overrides(network={"matrix_workers": 1})
    out: dict[str, Any] = {
        "scenario": name,
        "rss_after_imports_mb": _rss_mb(),
        "load_avg": os.getloadavg()[0],
        "workers": settings.network.matrix_workers,
    }
    with tempfile.TemporaryDirectory() as tmp:
        if name == "synthetic":
            t = time.perf_counter()
            G0 = synthetic_graph()
            road = nw.save_graphml(G0, Path(tmp) / "synthetic.graphml")
            out["generate_and_save_s"] = time.perf_counter() - t
            del G0
        else:
            road = SHARED
        t = time.perf_counter()
        G = nw.load_network(road)
        out["load_s"] = time.perf_counter() - t
        out["nodes"], out["edges"] = G.number_of_nodes(), G.number_of_edges()
        t = time.perf_counter()
        index = nw.RoadIndex.from_graph(G, settings, profiles=[PROFILE])
        out["compile_s"] = time.perf_counter() - t
        pts = random_points(index, N_POINTS)
        stations = ["S0", "S1", "S2"]
        t = time.perf_counter()
        snapped = nw.snap_points(index, pts, settings, station_ids=stations)
        out["snap_s"] = time.perf_counter() - t
        out["unreachable"] = len(snapped.unreachable)
        runs: dict[str, list[dict[str, float]]] = {"serial": [], "parallel": []}
        found: dict[str, Any] = {}
        for _ in range(2):
            for label, s in (("serial", serial), ("parallel", settings)):
                m, cost = _timed(partial(nw.travel_matrices, G, snapped, [PROFILE], s))
                runs[label].append(cost)
                found[label] = m
        assert np.array_equal(found["serial"].travel_s[PROFILE], m.travel_s[PROFILE])
        assert np.array_equal(found["serial"].dist_m[PROFILE], m.dist_m[PROFILE])
        out["matrix_runs"] = runs
        out["matrix_s"] = min(r["wall_s"] for r in runs["parallel"])
        out["matrix_serial_s"] = min(r["wall_s"] for r in runs["serial"])
        out["matrix_cpu_s"] = min(r["cpu_s"] + r["children_cpu_s"] for r in runs["parallel"])
        out["matrix_shape"] = list(m.travel_s[PROFILE].shape)
        core, n_road = m.router.core(PROFILE)
        out["graph_nodes_whole_vs_contracted"] = [
            m.router.graph(PROFILE).csr.shape[0],
            core.shape[0],
        ]
        out |= _against_scipy(core, n_road)
        t = time.perf_counter()
        legs = [nw.leg_geometry(m, PROFILE, m.ids[0], b) for b in m.ids[1:301]]
        out["legs_300_s"] = time.perf_counter() - t
        assert all(leg.length > 0 for leg in legs)

        # networkx on the same graph, per-source, a subset of origins, scaled
        nw.add_travel_times(G, settings, profiles=[PROFILE])
        rng = np.random.default_rng(2)
        nodes = list(G.nodes)
        origins = [nodes[i] for i in rng.choice(len(nodes), nx_origins, replace=False)]
        t, cpu = time.perf_counter(), time.process_time()
        for o in origins:
            nx.single_source_dijkstra_path_length(G, o, weight=f"travel_s_{PROFILE}")
        nx_s = time.perf_counter() - t
        out["networkx_scaled_1000_cpu_s"] = (time.process_time() - cpu) / nx_origins * N_POINTS
        out["networkx_origins"] = nx_origins
        out["networkx_per_origin_s"] = nx_s / nx_origins
        out["networkx_scaled_1000_s"] = nx_s / nx_origins * N_POINTS
        out["speedup_vs_networkx"] = out["networkx_scaled_1000_s"] / out["matrix_s"]
        out["speedup_vs_networkx_cpu"] = out["networkx_scaled_1000_cpu_s"] / out["matrix_cpu_s"]
        del G, index, snapped, m, legs

        cache = Path(tmp) / "cache"
        t = time.perf_counter()
        cold = nw.build_matrices(road, pts, stations, [PROFILE], settings, cache)
        out["build_cold_s"] = time.perf_counter() - t
        t = time.perf_counter()
        warm = nw.build_matrices(road, pts, stations, [PROFILE], settings, cache)
        out["build_cached_s"] = time.perf_counter() - t
        assert warm.from_cache and not cold.from_cache
        assert np.array_equal(warm.travel_s[PROFILE], cold.travel_s[PROFILE])
        out["cache_file_mb"] = sum(f.stat().st_size for f in cache.glob("matrices-*.npz")) / 2**20
        # another night, other venues, same roads: the compiled network comes from the cache
        other = random_points(warm.router.index, N_POINTS, seed=3)
        t = time.perf_counter()
        nw.build_matrices(road, other, stations, [PROFILE], settings, cache)
        out["build_new_points_s"] = time.perf_counter() - t
    out["peak_rss_mb"] = _rss_mb()
    out["children_peak_rss_mb"] = _rss_mb(resource.RUSAGE_CHILDREN)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=["balikpapan", "synthetic", "demo"])
    parser.add_argument("--nx-origins", type=int, default=None)
    args = parser.parse_args()
    if args.scenario == "demo":
        print(json.dumps(run_demo()))
        return
    if args.scenario:
        default = 50 if args.scenario == "balikpapan" else 10
        print(json.dumps(run_scenario(args.scenario, args.nx_origins or default)))
        return
    results = []
    for name in ("balikpapan", "synthetic", "demo"):
        if name == "balikpapan" and not SHARED.is_file():
            print(f"skip {name}: {SHARED} is absent")
            continue
        proc = subprocess.run(
            [sys.executable, __file__, "--scenario", name],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_matrix.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    keys = [
        "load_avg", "nodes", "edges", "points", "load_s", "compile_s", "snap_s",
        "graph_nodes_whole_vs_contracted", "matrix_serial_s", "matrix_s", "matrix_cpu_s",
        "matrix_runs", "legs_300_s", "networkx_per_origin_s", "networkx_scaled_1000_s",
        "networkx_scaled_1000_cpu_s", "speedup_vs_networkx", "speedup_vs_networkx_cpu",
        "build_cold_s", "build_cold_network_cached", "build_cached_s", "build_new_points_s",
        "cache_file_mb", "cache_file_raw_int64_float64_mb", "rss_after_imports_mb", "peak_rss_mb",
        "children_peak_rss_mb",
    ]  # fmt: skip
    for r in results:
        print(f"== {r['scenario']}")
        for k in keys:
            if k not in r:
                continue
            v = r.get(k)
            print(f"  {k:24s} {v:,.3f}" if isinstance(v, float) else f"  {k:24s} {v}")


if __name__ == "__main__":
    main()
