"""plan.json and the problem export: round trips, and refusing other formats and versions."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

import numpy as np
import pytest
from problem_support import SETTINGS, night_inputs

from planner.check import verify
from planner.errors import InputError
from planner.planfile import (
    PLANES,
    plan_from_json,
    plan_to_json,
    problem_from_json,
    problem_to_json,
)
from planner.problem import NightProblem, build_problem
from planner.routing import solve


@pytest.fixture(scope="module")
def built() -> NightProblem:
    return build_problem(**night_inputs())  # type: ignore[arg-type]


def test_problem_json_round_trip(built: NightProblem) -> None:
    text = json.dumps(problem_to_json(built))
    back = problem_from_json(json.loads(text))
    assert back.node_ids == built.node_ids
    for name in (
        "open_s",
        "latest_start_s",
        "dwell_s",
        "penalty",
        "must_visit",
        "allowed",
        "travel_s",
        "start_node",
        "shift_end_s",
        "squad_profile",
    ):
        assert np.array_equal(getattr(back, name), getattr(built, name)), name
    assert np.allclose(back.dist_m, built.dist_m, atol=0.05)
    assert back.dropped == built.dropped
    assert back.unmet_must_visit == built.unmet_must_visit
    assert back.total_priority == built.total_priority


def test_problem_json_errors() -> None:
    with pytest.raises(InputError):
        problem_from_json({"format": "something-else"})
    with pytest.raises(InputError):
        problem_from_json({"format": "warkop-night-problem", "version": 99})
    with pytest.raises(InputError):
        problem_from_json({"format": "warkop-night-problem", "version": 1, "nodes": []})


def test_plan_json_round_trip_and_recheck(built: NightProblem) -> None:
    res = solve(built, SETTINGS)
    assert res.status == "must_visit_unmet"  # V2, V4, V6, V9 cannot be served
    data = json.loads(
        json.dumps(plan_to_json(res.plan, built, res, settings=SETTINGS, embed_problem=True))
    )
    assert data["format"] == "warkop-plan" and data["version"] == 2
    assert data["totals"]["visits"] == res.plan.visits
    plan = plan_from_json(data)
    assert plan.routes == res.plan.routes
    assert plan.dropped == res.plan.dropped
    problem = problem_from_json(data["problem"])
    assert {v.rule for v in verify(plan, problem)} == {"must_visit_missing"}


def test_plan_json_rejects_other_formats() -> None:
    with pytest.raises(InputError):
        plan_from_json({"format": "warkop-plan", "version": 3})


def test_a_plan_names_its_format_in_the_error() -> None:
    with pytest.raises(InputError) as err:
        plan_from_json({"format": "warkop-night-problem", "version": 1})
    problem = err.value.problems[0]
    assert problem.column == "format" and problem.value == "warkop-night-problem"
    assert "warkop-plan" in problem.expected("en")
    with pytest.raises(InputError) as err:
        problem_from_json([1, 2])
    assert "--export-problem" in err.value.problems[0].expected("en")
    assert err.value.problems[0].value == "list"


def test_problem_export_carries_the_curve_and_v1_v2_still_read(built: NightProblem) -> None:
    curved = built.replace(desa_decay=0.6)
    assert problem_from_json(json.loads(json.dumps(problem_to_json(curved)))).desa_decay == 0.6
    data = json.loads(json.dumps(problem_to_json(curved, version=3)))  # the lists of v1-v3
    assert data["version"] == 3 and data["desa_decay"] == 0.6
    assert problem_from_json(data | {"version": 2}).desa_decay == 0.6  # v2: the same lists
    back = problem_from_json(data)
    assert back.desa_decay == 0.6
    assert np.array_equal(back.desa_group, curved.desa_group)
    assert back.desa_codes == curved.desa_codes
    # a v1 file (before the curve) is read as the plain sum
    old = {k: v for k, v in data.items() if k != "desa_decay"} | {"version": 1}
    assert problem_from_json(old).desa_decay == 1.0


# ---------------------------------------------------------------- v3 problem, v2 plan


def _cut(built: NightProblem) -> NightProblem:
    """The problem with no road between V1 and V5 (both ways), as the network marks it."""
    i, j = built.node_of("V1"), built.node_of("V5")
    t, d = built.travel_s.copy(), built.dist_m.copy()
    for a, b in ((i, j), (j, i)):
        t[:, a, b] = 10_000_000
        d[:, a, b] = np.inf
    return built.replace(travel_s=t, dist_m=d)


@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("version", [3, 4])
def test_no_road_is_valid_json_and_reads_back_as_no_road(
    built: NightProblem, packed: bool, version: int
) -> None:
    cut = _cut(built)
    doc = problem_to_json(cut, packed=packed, version=version)
    text = json.dumps(doc, allow_nan=False)  # no Infinity
    back = problem_from_json(json.loads(text))
    assert np.array_equal(back.travel_s, cut.travel_s)
    assert np.array_equal(np.isinf(back.dist_m), np.isinf(cut.dist_m))
    finite = np.isfinite(cut.dist_m)
    assert np.allclose(back.dist_m[finite], cut.dist_m[finite], atol=0.05)
    assert back.leg_nodes is None


def test_a_packed_v3_problem_is_smaller_and_the_same(built: NightProblem) -> None:
    lists = problem_to_json(built, version=3)
    packed = problem_to_json(built, packed=True, version=3)
    assert packed["travel_s"]["mobil"]["encoding"] == "int32-rowdelta-planes-zlib-base64"
    assert packed["nodes"]["id"] == list(built.node_ids)  # the nodes as columns
    back = problem_from_json(json.loads(json.dumps(packed)))
    assert back.node_ids == built.node_ids
    for name in (
        "open_s",
        "latest_start_s",
        "dwell_s",
        "prize",
        "penalty",
        "allowed",
        "desa_group",
    ):
        assert np.array_equal(getattr(back, name), getattr(built, name)), name
    assert len(json.dumps(packed)) < len(json.dumps(lists))
    assert np.array_equal(back.travel_s, built.travel_s)
    assert np.allclose(back.dist_m, problem_from_json(lists).dist_m, atol=1e-9)


def test_a_damaged_packed_matrix_is_an_input_error(built: NightProblem) -> None:
    doc = problem_to_json(built, packed=True, version=3)
    doc["travel_s"]["mobil"]["data"] = "not base64!"
    with pytest.raises(InputError) as err:
        problem_from_json(doc, file="plan.json:problem")
    assert err.value.problems[0].file == "plan.json:problem"


def test_the_embedded_problem_holds_the_legs_of_the_plan(built: NightProblem) -> None:
    res = solve(built, SETTINGS)
    data = json.loads(json.dumps(plan_to_json(res.plan, built, res)))  # embedded by default
    embedded = data["problem"]
    visited = [s.venue_id for r in res.plan.routes for s in r.stops]
    assert embedded["version"] == 4 and visited
    assert embedded["matrix_nodes"] == [*built.node_ids[: built.n_depots], *sorted(
        visited, key=built.node_of
    )]  # fmt: skip
    back = problem_from_json(embedded)
    assert back.node_ids == built.node_ids  # every node, its window, prize, area...
    assert np.array_equal(back.allowed, built.allowed)
    assert list(back.leg_nodes) == [nid in embedded["matrix_nodes"] for nid in built.node_ids]
    plan = plan_from_json(data)
    assert {v.rule for v in verify(plan, back)} == {"must_visit_missing"}
    whole = plan_to_json(res.plan, built, res, embed_problem="whole")["problem"]
    assert "matrix_nodes" not in whole
    assert "problem" not in plan_to_json(res.plan, built, res, embed_problem=False)


def test_a_version_1_plan_is_still_read(built: NightProblem) -> None:
    res = solve(built, SETTINGS)
    data = json.loads(json.dumps(plan_to_json(res.plan, built, res, embed_problem=False)))
    data["version"] = 1
    assert plan_from_json(data).routes == res.plan.routes


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("routes", 5),
        ("routes", [7]),
        ("routes", [{"squad_id": "R1", "stops": 3}]),
        ("dropped", {"V1": "closed"}),
        ("dropped", [{"venue_id": "V1", "reason": "closed", "priority": "tinggi", "extra": 1}]),
        ("unmet_must_visit", [["V1"]]),
        ("unmet_must_visit", "V1"),
        ("total_priority", "banyak"),
        ("total_priority", None),
    ],
)
def test_a_malformed_plan_field_is_an_input_error_naming_it(key: str, value: object) -> None:
    doc = {"format": "warkop-plan", "version": 2, "night": "2026-12-01", key: value}
    with pytest.raises(InputError) as err:
        plan_from_json(doc)
    assert {p.column.split("[")[0] for p in err.value.problems if p.column} == {key}


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(nodes=[1, 2]),
        lambda d: d.update(squads="R1"),
        lambda d: d.update(travel_s=[[0]]),
        lambda d: d["travel_s"].update(mobil={"encoding": "gzip", "shape": [2, 2], "data": ""}),
        lambda d: d["travel_s"]["mobil"].update(shape=[2, 2]),
        lambda d: d["dist_m"]["motor"]["data"].pop(),
        lambda d: d.update(access_m=[1.0]),
        lambda d: d.update(matrix_nodes=["NOPE"]),
        lambda d: d.update(n_depots="two"),
    ],
)
def test_a_malformed_problem_is_an_input_error(built: NightProblem, change: Any) -> None:
    doc = json.loads(json.dumps(problem_to_json(built)))
    change(doc)
    with pytest.raises(InputError):
        problem_from_json(doc)


# ---------------------------------------------------------------- v4: the compact export


def _compact(built: NightProblem) -> NightProblem:
    """The small night with its distances as the road network gives them: int32 road
    decimetres and per node access metres (a :class:`~planner.network.graph.Distances`)."""
    from planner.network.graph import Distances

    inputs = night_inputs()
    n = len(inputs["node_ids"])  # type: ignore[arg-type]
    access = np.linspace(0.0, 37.25, n)
    dists = {}
    for p, d in inputs["dist_m"].items():  # type: ignore[attr-defined]
        dm = np.rint(np.asarray(d) * 10).astype(np.int32)
        dm[2, 4] = -1  # no road from V1 to V3
        dists[p] = Distances(dm, access)
    return build_problem(**night_inputs(dist_m=dists))  # type: ignore[arg-type]


def test_a_compact_export_is_exact_smaller_and_int32(built: NightProblem) -> None:
    compact = _compact(built)
    assert hasattr(compact.dist_m, "road_dm")  # shares the network's int32 decimetres
    doc = json.loads(json.dumps(problem_to_json(compact), allow_nan=False))
    assert doc["version"] == 4 and doc["travel_s"]["mobil"]["encoding"] == PLANES
    assert len(doc["travel_s"]["mobil"]["data"]) == 4 and len(doc["access_m"]) == compact.n_nodes
    back = problem_from_json(doc)
    assert back.travel_s.dtype == np.int32 and np.array_equal(back.travel_s, compact.travel_s)
    # bit for bit: the same floats the network computed, inf where no road leads
    assert np.array_equal(np.asarray(back.dist_m), np.asarray(compact.dist_m))
    assert np.isinf(np.asarray(compact.dist_m)).any()
    v3 = json.dumps(problem_to_json(compact, version=3))
    assert len(json.dumps(doc)) < len(v3)
    res = solve(compact, SETTINGS)
    assert {v.rule for v in verify(res.plan, back)} == {"must_visit_missing"}


def test_a_v3_file_built_here_is_still_read_like_the_v4_one(built: NightProblem) -> None:
    """An old-format export (nested lists, version 3), as planner plan wrote it before v4."""
    old = json.loads(json.dumps(problem_to_json(built, version=3)))
    assert old["version"] == 3 and isinstance(old["travel_s"]["mobil"], list)
    assert isinstance(old["nodes"], list)  # one object per node
    new = problem_from_json(json.loads(json.dumps(problem_to_json(built))))
    back = problem_from_json(old)
    assert np.array_equal(back.travel_s, new.travel_s)
    assert np.array_equal(np.asarray(back.dist_m), np.asarray(new.dist_m))
    assert back.node_ids == new.node_ids and np.array_equal(back.allowed, new.allowed)


def test_a_compact_export_packs_a_block_of_rows_at_a_time(
    built: NightProblem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks smaller than the matrix give the same file (so a large night's export holds only
    a block at a time, not a second copy of its matrices)."""
    import planner.planfile as planfile

    whole = problem_to_json(built)
    monkeypatch.setattr(planfile, "_BLOCK_CELLS", 13)  # one row of 11 cells per block
    assert problem_to_json(built)["travel_s"] == whole["travel_s"]
    assert problem_from_json(whole).travel_s.tolist() == built.travel_s.tolist()


def test_a_streamed_export_writes_the_same_problem_a_block_at_a_time(
    built: NightProblem, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """``planner plan --export-problem`` encodes the matrices only as it writes them, a block
    of rows at a time (the base64 text split at 3-byte groups): the file reads back exactly."""
    import planner.planfile as planfile
    from planner._atomic import write_json

    compact = _compact(built)
    whole = json.loads(json.dumps(problem_to_json(compact)))
    monkeypatch.setattr(planfile, "_BLOCK_CELLS", 13)  # one row of 11 cells per block
    streamed = problem_to_json(compact, streamed=True)
    assert not isinstance(streamed["travel_s"]["mobil"]["data"][0], str)  # not encoded yet
    target = tmp_path / "problem.json"
    write_json(target, streamed)
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc == whole
    back = problem_from_json(doc)
    assert np.array_equal(back.travel_s, compact.travel_s)
    assert np.array_equal(np.asarray(back.dist_m), np.asarray(compact.dist_m))
    # a matrix deflate cannot shrink: its text comes in many pieces, split mid-stream
    rng = np.random.default_rng(3)
    big = rng.integers(-(2**31), 2**31 - 1, size=(400, 300), dtype=np.int64).astype(np.int32)
    monkeypatch.setattr(planfile, "_BLOCK_CELLS", 3000)
    reads: list[int] = []

    def rows(lo: int, hi: int) -> np.ndarray:
        reads.append(lo)
        return big[lo:hi]

    packing = planfile._Packing(rows, big.shape)
    pieces = list(planfile._Plane(packing, 0).text_chunks())
    assert len(pieces) > 3
    texts = ["".join(pieces), *(str(planfile._Plane(packing, i)) for i in (1, 2, 3))]
    assert reads == sorted(set(reads))  # every block read once, for all four planes
    for i, text in enumerate(texts):
        raw = zlib.decompress(base64.b64decode(text, validate=True))
        assert raw == planfile._planes_of(big)[:, i].tobytes()


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["travel_s"]["mobil"]["data"].__setitem__(0, "bm90IHpsaWI="),  # not zlib
        lambda d: d["dist_m"]["motor"]["data"].__setitem__(1, "%%%"),  # not base64
        lambda d: d["travel_s"]["motor"].update(shape=[3, 3]),
    ],
)
def test_planner_check_refuses_a_damaged_compact_problem(
    built: NightProblem, tmp_path: Any, damage: Any
) -> None:
    from typer.testing import CliRunner

    from planner.cli import app

    res = solve(built, SETTINGS)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan_to_json(res.plan, built, res, embed_problem=False)))
    problem = problem_to_json(built)
    damage(problem)
    problem_file = tmp_path / "problem.json"
    problem_file.write_text(json.dumps(problem))
    out = CliRunner().invoke(
        app, ["check", str(plan_file), "--problem", str(problem_file), "--lang", "en"]
    )
    assert out.exit_code == 2, out.output
    assert "problem.json" in out.output and "Traceback" not in out.output
    assert "docs/plan-format.md" in " ".join(out.output.split())
