"""The disk cache: hits and invalidation, the compiled network, the compact exact format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from network.support import (
    at,
    points,
    test_settings,
)
from shapely.geometry import LineString

from planner import network as nw
from planner.network import cache as nw_cache


def test_build_matrices_cache_hit_and_invalidation(town: dict[str, Any], tmp_path: Path) -> None:
    s = test_settings()
    n = town["nodes"]
    road = nw.save_graphml(town["G"], tmp_path / "roads.graphml")
    pts = points({"S": n["A"], "V1": n["B"], "V2": n["C"]})
    cache = tmp_path / ".cache"
    first = nw.build_matrices(road, pts, ["S"], ["mobil"], s, cache)
    assert not first.from_cache
    assert len(list(cache.glob("matrices-*.npz"))) == 1
    assert len(list(cache.glob("roads-*.npz"))) == 1  # the compiled network
    again = nw.build_matrices(road, pts, ["S"], ["mobil"], s, cache)
    assert again.from_cache
    assert again.ids == first.ids
    assert np.array_equal(again.travel_s["mobil"], first.travel_s["mobil"])
    assert np.array_equal(again.dist_m["mobil"], first.dist_m["mobil"])
    # a cached result still draws legs (the network is loaded on demand)
    leg = nw.leg_geometry(again, "mobil", "V2", "V1")
    assert leg.length > 0
    assert not list(cache.glob("*.tmp"))  # written atomically
    # a changed setting, point or network file is a different key
    slower = s.with_overrides(network={"access_kph": 1.8})
    assert not nw.build_matrices(road, pts, ["S"], ["mobil"], slower, cache).from_cache
    assert len(list(cache.glob("roads-*.npz"))) == 1  # the network was not compiled again
    moved = points({"S": n["A"], "V1": n["D"], "V2": n["C"]})
    assert not nw.build_matrices(road, moved, ["S"], ["mobil"], s, cache).from_cache
    assert len(list(cache.glob("roads-*.npz"))) == 1
    G2 = town["G"].copy()
    G2.edges["A", "B", 0]["highway"] = "residential"
    nw.save_graphml(G2, road)
    changed = nw.build_matrices(road, pts, ["S"], ["mobil"], s, cache)
    assert not changed.from_cache
    assert len(list(cache.glob("roads-*.npz"))) == 2
    assert changed.travel_s["mobil"][0, 1] == 2 * first.travel_s["mobil"][0, 1]
    # a damaged cache file is recomputed, not trusted
    for f in cache.glob("*.npz"):
        f.write_bytes(b"garbage")
    assert not nw.build_matrices(road, pts, ["S"], ["mobil"], s, cache).from_cache


def test_road_index_cache_round_trip(
    town: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = test_settings()
    G = town["G"]
    G.edges["A", "B", 0]["geometry"] = LineString(
        [town["nodes"]["A"], at(500, 30), town["nodes"]["B"]]
    )
    road = nw.save_graphml(G, tmp_path / "roads.graphml")
    fresh = nw.load_road_index(road, s, cache_dir=tmp_path / "c")
    cached = nw.load_road_index(road, s, cache_dir=tmp_path / "c")
    assert cached.nodes == fresh.nodes and cached.crs == fresh.crs
    for attr in ("node_xy", "arc_u", "arc_v", "arc_length_m"):
        assert np.array_equal(getattr(cached, attr), getattr(fresh, attr))
    for p in ("motor", "mobil"):
        assert np.array_equal(cached.arc_travel_s[p], fresh.arc_travel_s[p])
    assert all(a.equals(b) for a, b in zip(cached.arc_geom, fresh.arc_geom, strict=True))
    assert shapely.get_num_coordinates(cached.arc_geom).max() == 3  # the curved road
    # only the newest files of a kind are kept
    monkeypatch.setattr(nw_cache, "CACHE_KEEP", 1)
    nw.load_road_index(road, s, profiles=["motor"], cache_dir=tmp_path / "c")
    assert len(list((tmp_path / "c").glob("roads-*.npz"))) == 1


def test_travel_matrices_cache_with_network_key(town: dict[str, Any], tmp_path: Path) -> None:
    s = test_settings()
    n = town["nodes"]
    pts = points({"S": n["A"], "V1": n["B"]})
    a = nw.travel_matrices(
        town["G"], pts, ["motor"], s, station_ids=["S"], cache_dir=tmp_path, network_key="k1"
    )
    b = nw.travel_matrices(
        town["G"], pts, ["motor"], s, station_ids=["S"], cache_dir=tmp_path, network_key="k1"
    )
    c = nw.travel_matrices(
        town["G"], pts, ["motor"], s, station_ids=["S"], cache_dir=tmp_path, network_key="k2"
    )
    assert (a.from_cache, b.from_cache, c.from_cache) == (False, True, False)
    assert nw.leg_geometry(b, "motor", "S", "V1").length > 0


def test_cached_matrices_are_identical_and_compact(grid_router: nw.Router, tmp_path: Path) -> None:
    s = test_settings()
    snapped = grid_router.snapped
    cold = nw.travel_matrices(
        None, snapped, ["motor", "mobil"], s, cache_dir=tmp_path, network_key="grid"
    )
    warm = nw.travel_matrices(
        None, snapped, ["motor", "mobil"], s, cache_dir=tmp_path, network_key="grid"
    )
    assert (cold.from_cache, warm.from_cache) == (False, True)
    assert warm.ids == cold.ids and warm.unreachable == cold.unreachable
    for p in ("motor", "mobil"):
        assert warm.travel_s[p].dtype == np.int32 and warm.dist_m[p].dtype == np.float64
        assert np.array_equal(warm.travel_s[p], cold.travel_s[p])
        assert np.array_equal(warm.dist_m[p], cold.dist_m[p])  # bit for bit, inf included
        assert (cold.travel_s[p] == nw.UNREACHABLE_S).any()  # the island
        assert np.isinf(cold.dist_m[p]).any()
    raw_bytes = 2 * 16 * len(cold.ids) ** 2  # int64 + float64 per profile
    (file,) = tmp_path.glob("matrices-*.npz")
    assert file.stat().st_size < raw_bytes / 4


def test_cache_keeps_any_float_distances_exactly(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 7
    dist = rng.uniform(0, 5000, size=(n, n))  # not whole decimetres plus access legs
    dist[2, 3] = np.inf
    np.fill_diagonal(dist, 0.0)
    travel = rng.integers(0, 3000, size=(n, n)).astype(np.int64)
    travel[2, 3] = nw.UNREACHABLE_S
    np.fill_diagonal(travel, 0)
    m = nw.Matrices(
        ids=tuple(f"P{k}" for k in range(n)),
        travel_s={"mobil": travel},
        dist_m={"mobil": dist},
        unreachable={"Q": ("too_far", 1234.5)},
        snap_dist_m=rng.uniform(0, 30, size=n),
        key="k",
    )
    path = tmp_path / "matrices-k.npz"
    nw_cache.save_matrices(path, m)
    back = nw_cache.load_matrices(path, "k", nw.Matrices)
    assert back is not None and back.from_cache
    assert np.array_equal(back.travel_s["mobil"], travel)
    assert np.array_equal(back.dist_m["mobil"], dist)
    assert np.array_equal(back.snap_dist_m, m.snap_dist_m)
    assert back.unreachable == m.unreachable
    assert nw_cache.load_matrices(path, "other", nw.Matrices) is None
    # a file in the old raw layout (no format entry) is recomputed, not misread
    np.savez(path, key=np.array("k"), ids=np.array(m.ids), travel_s_0=travel, dist_m_0=dist)
    assert nw_cache.load_matrices(path, "k", nw.Matrices) is None


@given(
    st.integers(0, 9).flatmap(
        lambda n: st.lists(st.integers(-(2**31), 2**31 - 1), min_size=n * n, max_size=n * n).map(
            lambda v: np.array(v, dtype=np.int64).reshape(n, n) if v else np.zeros((0, 0))
        )
    )
)
def test_int_codec_round_trips(a: np.ndarray) -> None:
    a = a.astype(np.int64)
    planes = nw_cache.encode_ints(a)
    assert planes.dtype == np.uint8 and 1 <= len(planes) <= 4
    assert np.array_equal(nw_cache.decode_ints(planes, a.shape), a)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(0, 9).flatmap(
        lambda n: st.lists(st.integers(-(2**31), 2**31 - 1), min_size=n * n, max_size=n * n).map(
            lambda v: np.array(v, dtype=np.int32).reshape(n, n) if v else np.zeros((0, 0), np.int32)
        )
    ),
    st.sampled_from([1, 3, 7, 10**6]),
)
def test_streamed_planes_round_trip(a: np.ndarray, block_cells: int) -> None:
    """The cache's planes of differences between rows, written and read a block at a time
    (blocks of a row or less, so every carry between blocks is used), give back any int32
    matrix, the extremes included (the differences wrap; the sums wrap back)."""
    import io
    import zipfile
    from unittest import mock

    with mock.patch.object(nw_cache, "_BLOCK_CELLS", block_cells):
        buf = io.BytesIO()
        with (
            zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf,
            zf.open("m.npy", "w", force_zip64=True) as fh,
        ):
            nw_cache._Planes(a).write(fh)
        buf.seek(0)
        out = np.full(a.shape, 7, dtype=np.int32)
        with np.load(buf) as z:
            assert nw_cache._stream_planes(z, "m", out)
    assert np.array_equal(out, a)
