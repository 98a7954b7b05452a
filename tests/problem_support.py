"""The small compiled night of tests/test_problem.py and tests/test_planfile.py: two stations,
three squads, ten venues of which some nobody can serve (closed, too far, outside every area,
inactive, excluded, unreachable), so every drop reason and an unmet must-visit occur."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.config import Settings
from planner.domain import Night, Squad, Window, opening_intervals

NIGHT = Night.parse("2025-03-05")  # Wednesday → weekday 2
SETTINGS = Settings().with_overrides(
    routing={
        "exchange_rate_min": 6.0,
        "time_limit_s": 2.0,
        "reproducible": True,
        "solution_limit": 200,
    }
)
LATE = (Window(600, 840),)


def night_inputs(**over: object) -> dict[str, object]:
    ids = ["POLRES", "PS_A", "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9"]
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 5000, (len(ids), 2))
    pts[ids.index("V9")] = (300000, 0)  # too far to get there and back in a shift
    dist = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(axis=2))
    travel = np.ceil(dist / 10).astype(np.int64)
    venues = pd.DataFrame(
        {
            "venue_id": ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10"],
            "kecamatan": ["Trenggalek"] * 5
            + ["Panggul", "Karangan", "Trenggalek", "Trenggalek", "Trenggalek"],
            "desa_code": ["D1", "D1", "D2", "D2", "D3", "D4", "D5", "D3", "D3", "D3"],
            "windows": [
                LATE,
                LATE,
                LATE,
                (Window(1000, 1300),),  # 04:40-09:40: closed during the shift
                opening_intervals("06:00", "22:00"),  # two pieces; the evening one fits
                LATE,  # Panggul: nobody's area
                LATE,
                LATE,
                LATE,
                LATE,
            ],
            "dwell_min": [20.0, 5.0, None, 20.0, 25.0, 20.0, 20.0, 20.0, 20.0, 20.0],
            "active": [True, True, True, True, True, True, True, False, True, True],
            "closed_days": [frozenset(), frozenset({2}), frozenset(), frozenset(), frozenset()]
            + [frozenset()] * 5,
        }
    )
    scores = pd.DataFrame(
        {
            "venue_id": venues["venue_id"],
            "priority": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
            "must_visit": [False, True, False, True, False, True, False, False, True, False],
            "excluded": [False] * 6 + [True, False, False, False],
        }
    )
    squads = (
        Squad("R1", "POLRES", 6, Window(420, 900), "mobil", area=("Trenggalek", "Karangan")),
        Squad("R2", "PS_A", 5, Window(480, 840), "motor", area=("Karangan",)),
        Squad("R3", "POLRES", 6, Window(420, 900), "motor", area=("Trenggalek",)),
    )
    stations = pd.DataFrame(
        {"station_id": ["POLRES", "PS_A"], "kecamatan": ["Trenggalek", "Karangan"]}
    )
    base: dict[str, object] = {
        "night": NIGHT,
        "venues": venues,
        "scores": scores,
        "squads": squads,
        "stations": stations,
        "node_ids": ids,
        "travel_s": {"mobil": travel, "motor": np.ceil(dist / 9).astype(np.int64)},
        "dist_m": {"mobil": dist, "motor": dist},
        "unreachable": {"V10": "no road within 1000 m"},
        "settings": SETTINGS,
    }
    base.update(over)
    return base
