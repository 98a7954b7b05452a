"""Roads in two pieces (issue 17): a station on each piece keeps every venue in the matrices;
between the pieces the matrices say "no road" (``UNREACHABLE_S`` seconds, ``inf`` metres), and
the night problem built from them drops what the roster's squads cannot reach instead of
refusing the whole night."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from network.support import points, test_settings

from planner import network as nw
from planner.domain import Night, Squad, Window
from planner.errors import InputError
from planner.problem import build_problem


def _two_pieces(town: dict[str, Any]) -> nw.Matrices:
    """The town (A-B-C-D) and its island (E-F): station S in town, station T on the island,
    venues V1 (town) and V2 (island)."""
    n = town["nodes"]
    pts = points({"S": n["A"], "T": n["E"], "V1": n["B"], "V2": n["F"]})
    s = test_settings()
    snapped = nw.snap_points(town["G"], pts, s, station_ids=["S", "T"])
    return nw.travel_matrices(town["G"], snapped, ["motor"], s)


def test_each_piece_keeps_its_venues_and_between_them_there_is_no_road(
    town: dict[str, Any],
) -> None:
    m = _two_pieces(town)
    assert m.ids == ("S", "T", "V1", "V2") and m.unreachable == {}
    t, d = m.travel_s["motor"], m.dist_m["motor"]
    town_side, island = [0, 2], [1, 3]
    assert (t[np.ix_(town_side, island)] == nw.UNREACHABLE_S).all()
    assert (t[np.ix_(island, town_side)] == nw.UNREACHABLE_S).all()
    assert np.isinf(d[np.ix_(town_side, island)]).all()
    assert (t[np.ix_(town_side, town_side)] < 1000).all() and (
        t[np.ix_(island, island)] < 1000
    ).all()


def _inputs(m: nw.Matrices, squads: tuple[Squad, ...]) -> dict[str, Any]:
    late = (Window(360, 900),)
    return {
        "night": Night.parse("2026-12-01"),
        "venues": pd.DataFrame(
            {
                "venue_id": ["V1", "V2"],
                "kecamatan": ["Kota", "Pulau"],
                "desa_code": ["D1", "D2"],
                "windows": [late, late],
            }
        ),
        "scores": pd.DataFrame({"venue_id": ["V1", "V2"], "priority": [1.0, 2.0]}),
        "squads": squads,
        "stations": pd.DataFrame({"station_id": ["S", "T"], "kecamatan": ["Kota", "Pulau"]}),
        "node_ids": list(m.ids),
        "travel_s": m.travel_s,
        "dist_m": m.dist_m,
        "unreachable": {k: v[0] for k, v in m.unreachable.items()},
        "settings": test_settings(),
    }


def test_a_night_on_roads_in_pieces_drops_what_no_squad_reaches(town: dict[str, Any]) -> None:
    m = _two_pieces(town)
    anywhere = Squad("R1", "S", 4, Window(420, 840), "motor")  # a Polres squad: every area
    problem = build_problem(**_inputs(m, (anywhere,)))
    assert problem.node_ids == ("S", "V1")
    assert [(d.venue_id, d.reason, d.detail) for d in problem.dropped] == [
        ("V2", "unreachable", "no_road")
    ]
    both = (anywhere, Squad("P1", "T", 3, Window(420, 840), "motor", area=("Pulau",)))
    problem = build_problem(**_inputs(m, both))
    assert problem.node_ids == ("S", "T", "V1", "V2") and not problem.dropped
    assert np.isinf(problem.dist_m).any()  # legs between the pieces stay "no road"
    assert not problem.allowed[0, problem.node_of("V2")]


def test_a_squad_whose_station_reaches_none_of_its_area_is_refused(
    town: dict[str, Any],
) -> None:
    m = _two_pieces(town)
    stuck = Squad("P1", "T", 3, Window(420, 840), "motor", area=("Kota",))  # island station
    with pytest.raises(InputError) as exc:
        build_problem(**_inputs(m, (stuck,)))
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.value) == ("stations.csv", 3, "T")
    assert "P1" in problem.expected("en")
