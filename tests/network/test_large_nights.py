"""Large nights: no distance matrix (rows computed when read), travel times handed to the night's
problem without a second copy, and the same answers as the dense matrices give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from network.support import at, grid_network, points, test_settings

from planner import network as nw
from planner.network import graph as nw_graph
from planner.network import matrix as nw_matrix


def _grid_points(n: int = 40, *, island: bool = True) -> Any:
    rng = np.random.default_rng(7)
    xy = rng.uniform(-50, 1850, size=(n, 2))
    pts = {"S1": at(0, 0), "S2": at(1800, 1800)}
    pts |= {f"V{k}": at(float(x), float(y)) for k, (x, y) in enumerate(xy)}
    if island:
        pts["ISLE"] = at(5200, 10)
    return points(pts)


def _grid_with_island() -> Any:
    G = grid_network()
    for k, (lon, lat) in {"I1": at(5000, 0), "I2": at(5400, 0)}.items():
        G.add_node(k, x=lon, y=lat)
    G.add_edge("I1", "I2", highway="tertiary", oneway=False, length=400.0)
    G.add_edge("I2", "I1", highway="tertiary", oneway=False, length=400.0)
    return G


@pytest.fixture
def dense_and_lazy(monkeypatch: pytest.MonkeyPatch) -> tuple[nw.Matrices, nw.Matrices]:
    s = test_settings()
    G = _grid_with_island()
    pts = _grid_points()
    dense = nw.travel_matrices(G, pts, ["motor", "mobil"], s, station_ids=["S1", "S2"])
    monkeypatch.setattr(nw_matrix, "DENSE_DM_MAX_CELLS", 0)
    lazy = nw.travel_matrices(G, pts, ["motor", "mobil"], s, station_ids=["S1", "S2"])
    return dense, lazy


def test_lazy_distances_equal_the_dense_matrix(dense_and_lazy: tuple[Any, Any]) -> None:
    dense, lazy = dense_and_lazy
    assert "ISLE" in dense.unreachable and "ISLE" in lazy.unreachable  # dropped: the block moved
    assert lazy.ids == dense.ids
    for p in ("motor", "mobil"):
        d, z = dense.dist_m[p], lazy.dist_m[p]
        assert isinstance(d.road_dm, np.ndarray)
        assert isinstance(z.road_dm, nw_matrix.RoadRows)
        assert z.nbytes < 1000  # nothing computed yet
        assert np.array_equal(lazy.travel_s[p], dense.travel_s[p])
        n = len(dense.ids)
        assert float(z[3, 7]) == float(d[3, 7]) and float(z[5, 5]) == 0.0
        rows, cols = np.array([4, 0, 4, n - 1]), np.array([1, 2, 3, 0])
        assert np.array_equal(z[rows, cols], d[rows, cols])
        ix = np.ix_([9, 2], [0, 5, 9])
        assert np.array_equal(z[ix], d[ix])
        assert z.nbytes > 0  # the rows read are kept
        assert np.array_equal(np.asarray(z), np.asarray(d))
        sub = z.take(np.array([1, 0, 6]))
        assert np.array_equal(np.asarray(sub), np.asarray(d.take(np.array([1, 0, 6]))))


def test_lazy_rows_forget_the_oldest_beyond_their_budget(dense_and_lazy: tuple[Any, Any]) -> None:
    dense, lazy = dense_and_lazy
    rows = lazy.dist_m["mobil"].road_dm
    small = nw_matrix.RoadRows(lazy._router, "mobil", lazy.ids, keep_rows=3)
    for i in range(6):
        assert np.array_equal(small.rows([i]), rows.rows([i]))
    assert small.nbytes == 3 * len(lazy.ids) * 4
    assert np.array_equal(small[0:2], dense.dist_m["mobil"].road_dm[0:2])
    with pytest.raises(IndexError):
        small.rows([len(lazy.ids)])


@pytest.mark.parametrize("profiles", [["motor", "mobil"], ["mobil"]])
def test_move_travel_takes_over_in_place(
    dense_and_lazy: tuple[Any, Any], profiles: list[str]
) -> None:
    dense, lazy = dense_and_lazy
    n = len(dense.ids)
    block = lazy.travel_block
    assert list(lazy.travel_s) == ["motor", "mobil"]
    assert block is not None and block.shape == (2, n, n)
    # depots in any order, then venues in increasing position (how a night is compiled)
    rows = np.array([1, 0, *range(3, n, 2)])
    want = np.stack([dense.travel_s[p][np.ix_(rows, rows)] for p in profiles])
    got = lazy.move_travel(profiles, rows, 2)
    assert np.array_equal(got, want)
    assert np.shares_memory(got, block)  # no copy
    assert lazy.travel_s == {} and lazy.travel_block is None
    with pytest.raises(KeyError):
        lazy.move_travel(["mobil"], rows, 2)


def test_move_travel_copies_when_the_rows_do_not_allow_it(dense_and_lazy: tuple[Any, Any]) -> None:
    dense, lazy = dense_and_lazy
    rows = np.array([5, 1, 3, 0])  # venues not in increasing order
    want = dense.travel_s["motor"][np.ix_(rows, rows)]
    got = lazy.move_travel(["motor"], rows, 1)
    assert np.array_equal(got[0], want)
    assert lazy.dist_m["motor"].road_dm is not None  # the distances stay


def test_lazy_distances_survive_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = test_settings()
    road = nw.save_graphml(_grid_with_island(), tmp_path / "roads.graphml")
    pts = _grid_points(island=False)
    dense = nw.build_matrices(road, pts, ["S1", "S2"], ["mobil"], s, None)
    monkeypatch.setattr(nw_matrix, "DENSE_DM_MAX_CELLS", 0)
    first = nw.build_matrices(road, pts, ["S1", "S2"], ["mobil"], s, tmp_path / ".cache")
    again = nw.build_matrices(road, pts, ["S1", "S2"], ["mobil"], s, tmp_path / ".cache")
    assert not first.from_cache and again.from_cache
    assert isinstance(again.dist_m["mobil"].road_dm, nw_matrix.RoadRows)
    assert np.array_equal(again.travel_s["mobil"], dense.travel_s["mobil"])
    # the router is loaded from the road file when the first row is read
    assert np.array_equal(np.asarray(again.dist_m["mobil"]), np.asarray(dense.dist_m["mobil"]))
    assert again.travel_block is not None


def test_distances_freeze_without_touching_lazy_rows(dense_and_lazy: tuple[Any, Any]) -> None:
    _, lazy = dense_and_lazy
    d = nw_graph.Distances.stack([lazy.dist_m["motor"], lazy.dist_m["mobil"]]).freeze()
    assert d.shape == (2, len(lazy.ids), len(lazy.ids))
    assert float(d[1][2, 3]) == float(lazy.dist_m["mobil"][2, 3])


def test_a_night_without_distance_matrices_plans_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end on a small demo: with no distance matrix kept (as on a large night) the
    problem's travel times and the plan are the same, every stop's metres equal, and the
    checker passes. The manual planner solves (deterministic and quick, unlike a timed search)."""
    from small_demo import POLRES_AND_TUGU, small_demo

    from planner import check, pipeline
    from planner.analysis import baseline
    from planner.domain import Night
    from planner.planfile import plan_to_json, problem_to_json

    ds = small_demo(tmp_path / "demo", POLRES_AND_TUGU, n_venues=60)
    night = Night.parse("2026-12-01")

    def plan() -> Any:
        for cache in ds.glob(".cache/matrices-*"):
            cache.unlink()
        return pipeline.plan_night(ds, night, solver=baseline.manual_plan, draw_legs=False)

    dense = plan()
    monkeypatch.setattr(nw_matrix, "DENSE_DM_MAX_CELLS", 0)
    lazy = plan()
    assert isinstance(lazy.problem.dist_m.road_dm[0], nw_matrix.RoadRows)
    assert isinstance(dense.problem.dist_m.road_dm[0], np.ndarray)
    assert np.array_equal(lazy.problem.travel_s, dense.problem.travel_s)
    assert check.verify(lazy.plan, lazy.problem) == []
    stops = [(s.venue_id, s.dist_m) for r in lazy.plan.routes for s in r.stops]
    assert stops == [(s.venue_id, s.dist_m) for r in dense.plan.routes for s in r.stops]
    assert len(stops) > 5
    assert [r.return_dist_m for r in lazy.plan.routes] == [
        r.return_dist_m for r in dense.plan.routes
    ]
    # the problem export computes every row it writes: the same file as the dense night's
    assert problem_to_json(lazy.problem) == problem_to_json(dense.problem)
    assert plan_to_json(lazy.plan, lazy.problem) == plan_to_json(dense.plan, dense.problem)


def test_prefetch_computes_a_plans_rows_in_one_batch(
    dense_and_lazy: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    dense, lazy = dense_and_lazy
    nodes = np.array([4, 0, 9, 2])
    d = nw_graph.Distances.stack([lazy.dist_m["motor"], lazy.dist_m["mobil"]]).take(nodes)
    calls: list[int] = []
    real = nw_matrix.RoadRows._compute

    def counting(self: Any, origins: list[int]) -> np.ndarray:
        calls.append(len(origins))
        return real(self, origins)

    monkeypatch.setattr(nw_matrix.RoadRows, "_compute", counting)
    d.prefetch([0, 2, 2])
    assert calls == [2, 2]  # one batch per profile, each row once
    assert float(d[1][2, 3]) == float(dense.dist_m["mobil"][9, 2])
    assert float(d[0][0, 1]) == float(dense.dist_m["motor"][4, 0])
    assert calls == [2, 2]  # read from the rows kept
    dense_stack = nw_graph.Distances.stack([dense.dist_m["motor"], dense.dist_m["mobil"]])
    dense_stack.prefetch([0, 1])  # kept matrices: nothing to do


def test_a_sub_problems_distances_stay_read_when_needed(dense_and_lazy: tuple[Any, Any]) -> None:
    """The decomposition's sub-problems select the night's distances without computing them."""
    from types import SimpleNamespace

    from planner.problem import sub_distances

    dense, lazy = dense_and_lazy
    stack = nw_graph.Distances.stack([lazy.dist_m["motor"], lazy.dist_m["mobil"]])
    nodes = np.array([0, 1, 7, 3])
    sub = sub_distances(SimpleNamespace(dist_m=stack), [1], nodes)  # type: ignore[arg-type]
    assert isinstance(sub, nw_graph.Distances) and sub.shape == (1, 4, 4)
    assert stack[1].road_dm.nbytes == 0  # nothing computed by selecting
    want = np.asarray(dense.dist_m["mobil"])[np.ix_(nodes, nodes)]
    assert np.array_equal(np.asarray(sub[0]), want)
    plain = np.stack([np.asarray(dense.dist_m[p]) for p in ("motor", "mobil")])
    copied = sub_distances(SimpleNamespace(dist_m=plain), [0, 1], nodes)  # type: ignore[arg-type]
    assert isinstance(copied, np.ndarray) and np.array_equal(copied[1], want)
