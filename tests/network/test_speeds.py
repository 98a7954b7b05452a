"""Speeds: maxspeed parsing, highway classes, night factor and caps, unknown profiles."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from network.support import (
    at,
    test_settings,
)

from planner import network as nw
from planner.config import settings_from_dict
from planner.errors import InputError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("40", 40.0),
        (40, 40.0),
        ("40 km/h", 40.0),
        ("30 mph", 30 * 1.609344),
        ("30mph", 30 * 1.609344),
        ("40;60", 50.0),
        (["40", "60"], 50.0),
        ("ID:urban", None),
        ("walk", None),
        ("none", None),
        (None, None),
        (float("nan"), None),
        ("0", None),
        ("[40, 'signals']", None),
    ],
)
def test_parse_maxspeed(value: Any, expected: float | None) -> None:
    got = nw.parse_maxspeed(value)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_add_travel_times_uses_maxspeed_then_highway_class_then_caps() -> None:
    nodes = {"a": at(0, 0), "b": at(1000, 0)}
    s = settings_from_dict(
        {
            "network": {
                "profiles": {
                    "mobil": {
                        "speeds_kph": {"tertiary": 40.0, "residential": 20.0},
                        "fallback_kph": 10.0,
                        "max_kph": 45.0,
                        "night_factor": 0.5,
                    }
                }
            }
        }
    )
    G = nx.MultiDiGraph(crs="epsg:4326")
    for n, (lon, lat) in nodes.items():
        G.add_node(n, x=lon, y=lat)
    cases = {
        0: ({"maxspeed": "60", "highway": "tertiary"}, 30.0),  # 60 * 0.5
        1: ({"maxspeed": "200", "highway": "tertiary"}, 45.0),  # 100 capped at 45
        2: ({"highway": "tertiary"}, 20.0),
        3: ({"highway": ["tertiary", "residential"]}, 15.0),  # mean(40, 20) * 0.5
        4: ({"highway": "tertiary_link"}, 20.0),  # a link drives like its class
        5: ({"highway": "bridleway"}, 5.0),  # unknown class: fallback
        6: ({"highway": "residential", "maxspeed": "ID:urban"}, 10.0),
    }
    for k, (attrs, _) in cases.items():
        G.add_edge("a", "b", key=k, length=1000.0, **attrs)
    G.add_edge("b", "a", key=0, highway="tertiary")  # no length: computed from coordinates
    nw.add_travel_times(G, s)
    for k, (_, kph) in cases.items():
        data = G.edges["a", "b", k]
        assert data["speed_kph_mobil"] == pytest.approx(kph)
        assert data["travel_s_mobil"] == pytest.approx(1000.0 / (kph / 3.6))
    back = G.edges["b", "a", 0]
    assert back["length"] == pytest.approx(1000.0, abs=0.5)
    assert back["travel_s_mobil"] == pytest.approx(back["length"] / (20.0 / 3.6))


def test_unknown_profile_is_an_input_error(town: dict[str, Any]) -> None:
    with pytest.raises(InputError) as info:
        nw.add_travel_times(town["G"], test_settings(), profiles=["truk"])
    assert info.value.problems[0].column == "network.profiles"
    assert info.value.problems[0].value == "truk"
