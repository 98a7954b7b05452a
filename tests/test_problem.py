"""Tests of the NightProblem builder, its invariants and the JSON formats."""

from __future__ import annotations

import numpy as np
import pytest
from problem_support import night_inputs

from planner.domain import Squad, Window
from planner.errors import InputError
from planner.problem import NightProblem, build_problem


@pytest.fixture(scope="module")
def built() -> NightProblem:
    return build_problem(**night_inputs())  # type: ignore[arg-type]


def test_pruning_reasons(built: NightProblem) -> None:
    reasons = {d.venue_id: d.reason for d in built.dropped}
    assert reasons == {
        "V2": "closed",  # closed on Wednesdays
        "V4": "closed",  # opening hours outside every shift
        "V6": "outside_area",
        "V7": "excluded",
        "V8": "inactive",
        "V9": "unreachable",  # in time
        "V10": "unreachable",  # not snapped
    }
    assert built.node_ids == ("POLRES", "PS_A", "V1", "V3", "V5")
    assert dict(built.unmet_must_visit) == {
        "V2": "closed",
        "V4": "closed",
        "V6": "outside_area",
        "V9": "unreachable",
    }


def test_total_priority_counts_active_non_excluded(built: NightProblem) -> None:
    # all but V7 (excluded) and V8 (inactive)
    assert built.total_priority == pytest.approx(55 - 7 - 8)


def test_arrays_and_values(built: NightProblem) -> None:
    v1, v3, v5 = (built.node_of(v) for v in ("V1", "V3", "V5"))
    assert built.dwell_s[v1] == 1200
    assert built.dwell_s[v3] == 25 * 60  # default dwell of the kinds settings
    assert built.open_s[v1] == 600 * 60
    assert built.latest_start_s[v1] == 840 * 60 - 1200
    # two opening pieces: the evening piece [noon, 22:00] is the one overlapping the shifts
    assert built.open_s[v5] == 0 and built.latest_start_s[v5] == 600 * 60 - 25 * 60
    assert built.penalty[v3] == round(3.0 * 6.0 * 60)
    assert list(built.squad_ids) == ["R1", "R2", "R3"]
    assert built.n_depots == 2
    assert list(built.start_node) == [0, 1, 0]
    assert built.profiles == ("mobil", "motor")
    assert list(built.squad_profile) == [0, 1, 1]
    # jurisdiction: R2 only Karangan, so none of these Trenggalek venues
    assert not built.allowed[1].any()
    assert built.allowed[0, v1] and built.allowed[2, v1]
    assert (np.diagonal(built.travel_s, axis1=1, axis2=2) == 0).all()
    for arr in (built.open_s, built.travel_s, built.allowed, built.prize):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[0] = 1  # type: ignore[index]


def test_koper_minimum_dwell() -> None:
    inputs = night_inputs()
    venues = inputs["venues"].copy()  # type: ignore[attr-defined]
    venues.loc[0, "dwell_min"] = 3.0
    p = build_problem(**{**inputs, "venues": venues})  # type: ignore[arg-type]
    assert p.dwell_s[p.node_of("V1")] == 600


def test_replace_makes_a_validated_variant(built: NightProblem) -> None:
    q = built.replace(max_stops=2)
    assert q.max_stops == 2 and built.max_stops is None
    with pytest.raises(ValueError):
        built.replace(prize=[1.0])


def test_input_errors_are_collected() -> None:
    inputs = night_inputs()
    bad_squads = (Squad("R1", "NOPE", 6, Window(420, 900), "sepeda"),)
    with pytest.raises(InputError) as exc:
        build_problem(**{**inputs, "squads": bad_squads, "travel_s": {"mobil": np.zeros((2, 2))}})  # type: ignore[arg-type]
    cols = {(p.file, p.column) for p in exc.value.problems}
    assert ("squads.toml", "station_id") in cols
    assert ("squads.toml", "vehicle") in cols
    assert ("matrix", "travel_s[mobil]") in cols


def test_missing_score_and_matrix_rows_are_reported() -> None:
    inputs = night_inputs(unreachable={})
    scores = inputs["scores"].iloc[1:]  # type: ignore[attr-defined]
    with pytest.raises(InputError) as exc:
        build_problem(**{**inputs, "scores": scores})  # type: ignore[arg-type]
    found = {(p.file, p.row, p.value) for p in exc.value.problems}
    assert ("venues", 2, "V1") in found  # header is row 1
    assert ("matrix", 11, "V10") in found


# ---------------------------------------------------------------- roads in two pieces


def _cut_off(inputs: dict[str, object], cut: list[str]) -> dict[str, object]:
    """The matrices as the road network gives them when ``cut`` lie on a piece of road of
    their own: no path between them and the rest (10,000,000 s, inf metres), both ways."""
    ids = list(inputs["node_ids"])  # type: ignore[call-overload]
    rows = [ids.index(c) for c in cut]
    other = [i for i in range(len(ids)) if i not in rows]
    travel, dist = {}, {}
    for p, t in inputs["travel_s"].items():  # type: ignore[attr-defined]
        t = np.array(t)
        d = np.array(inputs["dist_m"][p], dtype=float)  # type: ignore[index]
        for a, b in ((rows, other), (other, rows)):
            t[np.ix_(a, b)] = 10_000_000
            d[np.ix_(a, b)] = np.inf
        travel[p], dist[p] = t, d
    return {**inputs, "travel_s": travel, "dist_m": dist}


def test_a_venue_on_another_piece_of_road_is_dropped_as_unreachable_no_road() -> None:
    inputs = _cut_off(night_inputs(), ["V1", "V3"])
    p = build_problem(**inputs)  # type: ignore[arg-type]
    why = {d.venue_id: (d.reason, d.detail) for d in p.dropped}
    assert why["V1"] == ("unreachable", "no_road")
    assert why["V3"] == ("unreachable", "no_road")
    assert why["V9"] == ("unreachable", "in_time")  # a road, but too far for the shift
    assert "V1" not in p.node_ids and "V5" in p.node_ids
    # the compiled problem keeps no leg without a road
    assert np.isfinite(p.dist_m).all() and (p.travel_s < 86_400).all()


def test_nan_or_negative_distances_are_still_refused() -> None:
    inputs = night_inputs()
    dist = {k: np.array(v, dtype=float) for k, v in inputs["dist_m"].items()}  # type: ignore[attr-defined]
    dist["mobil"][0, 2] = np.nan
    dist["motor"][0, 2] = -1.0
    with pytest.raises(InputError) as exc:
        build_problem(**{**inputs, "dist_m": dist})  # type: ignore[arg-type]
    assert {p.column for p in exc.value.problems} == {"dist_m[mobil]", "dist_m[motor]"}


def test_a_station_on_a_piece_of_road_of_its_own_is_an_error_naming_it() -> None:
    # PS_A (squad R2, area Karangan: V7) cut off from every venue
    inputs = _cut_off(night_inputs(), ["PS_A"])
    with pytest.raises(InputError) as exc:
        build_problem(**inputs)  # type: ignore[arg-type]
    (prob,) = exc.value.problems
    assert (prob.file, prob.row, prob.column, prob.value) == ("stations.csv", 3, "lat/lon", "PS_A")
    assert "R2" in prob.expected("en") and "piece of the road network" in prob.expected("en")
    assert "potongan jaringan jalan" in prob.expected("id")


def test_a_station_off_the_road_is_an_error_naming_it() -> None:
    inputs = night_inputs()
    ids = list(inputs["node_ids"])  # type: ignore[call-overload]
    keep = [i for i, x in enumerate(ids) if x != "PS_A"]
    inputs = {
        **inputs,
        "node_ids": [ids[i] for i in keep],
        "travel_s": {k: np.asarray(v)[np.ix_(keep, keep)] for k, v in inputs["travel_s"].items()},  # type: ignore[attr-defined]
        "dist_m": {k: np.asarray(v)[np.ix_(keep, keep)] for k, v in inputs["dist_m"].items()},  # type: ignore[attr-defined]
        "unreachable": {**inputs["unreachable"], "PS_A": "too_far"},  # type: ignore[dict-item]
    }
    with pytest.raises(InputError) as exc:
        build_problem(**inputs)  # type: ignore[arg-type]
    (prob,) = exc.value.problems
    assert (prob.file, prob.column, prob.value) == ("stations.csv", "lat/lon", "PS_A")
    assert "snap_max_m" in prob.expected("en") and "R2" in prob.expected("id")


# ---------------------------------------------------------------- memory layout (issue 18)


def _compact_inputs() -> dict[str, object]:
    from planner.network.graph import Distances

    inputs = night_inputs()
    n = len(inputs["node_ids"])  # type: ignore[arg-type]
    access = np.full(n, 2.5)
    inputs["dist_m"] = {
        p: Distances(np.rint(np.asarray(d) * 10).astype(np.int32), access)
        for p, d in inputs["dist_m"].items()  # type: ignore[attr-defined]
    }
    inputs["travel_s"] = {
        p: np.asarray(t, dtype=np.int32)
        for p, t in inputs["travel_s"].items()  # type: ignore[attr-defined]
    }
    return inputs


def test_travel_is_int32_and_holds_the_input_values(built: NightProblem) -> None:
    inputs = night_inputs()
    assert built.travel_s.dtype == np.int32 and not built.travel_s.flags.writeable
    assert built.travel_s.nbytes == 4 * built.travel_s.size  # half of int64
    rows = [list(inputs["node_ids"]).index(i) for i in built.node_ids]  # type: ignore[call-overload]
    for k, p in enumerate(built.profiles):
        full = np.asarray(inputs["travel_s"][p])  # type: ignore[index]
        assert np.array_equal(built.travel_s[k], full[np.ix_(rows, rows)])


def test_travel_that_int32_cannot_hold_is_refused_not_wrapped(built: NightProblem) -> None:
    t = built.travel_s.astype(np.int64)
    t[0, 0, 2] = 2**31
    with pytest.raises(ValueError, match="int32"):
        built.replace(travel_s=t)


def test_compact_distances_are_shared_with_the_network_not_copied() -> None:
    inputs = _compact_inputs()
    problem = build_problem(**inputs)  # type: ignore[arg-type]
    dist = problem.dist_m
    assert dist.shape == (len(problem.profiles), problem.n_nodes, problem.n_nodes)
    for k, p in enumerate(problem.profiles):
        given = inputs["dist_m"][p]  # type: ignore[index]
        assert np.shares_memory(dist[k].road_dm, given.road_dm)  # no copy of the matrix
        rows = [list(inputs["node_ids"]).index(i) for i in problem.node_ids]  # type: ignore[call-overload]
        want = np.asarray(given)[np.ix_(rows, rows)]
        assert np.array_equal(np.asarray(dist[k]), want)
        i, j = problem.n_depots, problem.n_depots + 1
        assert dist[k][i, j] == want[i, j] == given.road_dm[rows[i], rows[j]] / 10.0 + 5.0
        assert problem.distance(0)[i, i] == 0.0
    assert not dist.road_dm[0].flags.writeable  # a compiled problem is read-only


def test_a_variant_shares_the_arrays_it_does_not_change(built: NightProblem) -> None:
    variant = built.replace(max_stops=3)
    assert variant.travel_s is built.travel_s and variant.dist_m is built.dist_m
    assert variant.allowed is built.allowed
    mine = np.array(built.open_s)  # a writable array of the caller's is copied
    other = built.replace(open_s=mine)
    mine[0] = -5
    assert other.open_s[0] == built.open_s[0]
