"""Presence per desa (S, desa_days, desa_target_days) and rotation inside a desa (recent_factor)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from planner.config import Settings, settings_from_dict
from planner.domain import Night
from planner.errors import InputError
from planner.risk import score
from planner.risk.presence import desa_days
from planner.risk.reasons import presence_reason, recent_reason, whole_days

NIGHT = Night(dt.date(2026, 12, 6))
START = NIGHT.noon


PINNED: dict[str, dict[str, Any]] = {
    "general": {"metric_crs": "EPSG:32749"},
    "rotation": {"recent_floor": 0.1},
    "weights": {"rotation": 1.0},
    "presence": {"weight": 2.0, "cap": 6.0},
}
"""The hand-computed figures below assume these (not the tuned defaults, which may move)."""


def make_settings(**sections: Any) -> Settings:
    data: dict[str, Any] = {k: dict(v) for k, v in PINNED.items()}
    for key, value in sections.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) and key in data else value
    return settings_from_dict(data, source="t")


@pytest.fixture
def desa() -> gpd.GeoDataFrame:
    """Three desa side by side: Karangan (tinggi), Sumberejo (rendah), Ngulan (a level of its own)."""
    return gpd.GeoDataFrame(
        {
            "desa_code": ["A", "B", "C"],
            "desa": ["Karangan", "Sumberejo", "Ngulan"],
            "kecamatan": ["Gandusari", "Gandusari", "Pule"],
            "kerawanan": ["tinggi", "rendah", "sedang"],
        },
        geometry=[
            box(111.60, -8.10, 111.61, -8.09),
            box(111.61, -8.10, 111.62, -8.09),
            box(111.62, -8.10, 111.63, -8.09),
        ],
        crs=4326,
    )


@pytest.fixture
def venues() -> gpd.GeoDataFrame:
    """Two venues in Karangan (one with a venue override 'rendah'), one in Sumberejo, one in
    Ngulan and one outside every desa."""
    return gpd.GeoDataFrame(
        {
            "venue_id": ["A1", "A2", "B1", "C1", "X1"],
            "kind": ["warkop"] * 5,
            "desa_code": ["A", "A", "B", "C", None],
            "kerawanan": [None, "rendah", None, None, None],
        },
        geometry=[
            Point(111.602, -8.095),
            Point(111.605, -8.095),
            Point(111.615, -8.095),
            Point(111.625, -8.095),
            Point(111.70, -8.00),
        ],
        crs=4326,
    )


def ago(days: float) -> pd.Timestamp:
    return pd.Timestamp(START) - pd.Timedelta(days=days)


def run(
    venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame, cfg: Settings | None = None, **kwargs: Any
) -> pd.DataFrame:
    return score(venues, desa, None, NIGHT, cfg or make_settings(), **kwargs).set_index("venue_id")


# ----------------------------------------------------------------------------- desa_days


def test_desa_days_is_the_most_recent_visit_over_the_desa() -> None:
    codes = np.array(["A", "A", "B", None, "C", "A"], dtype=object)
    days = np.array([9.0, 2.5, np.inf, 1.0, 4.0, np.inf])
    out = desa_days(codes, days)
    assert list(out[[0, 1, 5]]) == [2.5, 2.5, 2.5]  # A: the freshest of 9, 2.5, never
    assert np.isinf(out[2])  # B: never visited
    assert math.isnan(out[3])  # no desa
    assert out[4] == 4.0
    assert np.isnan(desa_days(np.array([None], dtype=object), np.array([1.0]))).all()


def test_presence_columns_per_desa(venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame) -> None:
    # A2 visited 8 days ago, A1 never: Karangan was last reached 8 days ago, for both.
    out = run(venues, desa, last_visits={"A2": ago(8), "X1": ago(1)})
    assert out.loc["A1", "desa_days"] == pytest.approx(8.0)
    assert out.loc["A2", "desa_days"] == pytest.approx(8.0)
    # the target is the desa's level (tinggi: 3), not A2's own override (rendah: 6)
    assert out.loc["A1", "desa_target_days"] == 3.0 and out.loc["A2", "desa_target_days"] == 3.0
    assert out.loc["A1", "presence"] == pytest.approx(min(6.0, 2.0 * 8 / 3))
    assert out.loc["A1", "presence"] == out.loc["A2", "presence"]
    # Sumberejo: never reached → the cap; rendah target 6
    assert np.isinf(out.loc["B1", "desa_days"]) and out.loc["B1", "presence"] == 6.0
    assert out.loc["B1", "desa_target_days"] == 6.0
    # a venue outside every desa: no presence, NaN days and target, even though visited
    assert math.isnan(out.loc["X1", "desa_days"]) and math.isnan(out.loc["X1", "desa_target_days"])
    assert out.loc["X1", "presence"] == 0.0


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (2.99, 0.0),  # before the target: nothing
        (3.0, 2.0),  # at the target: weight × 1
        (4.5, 3.0),  # after: weight × days / target
        (9.0, 6.0),  # reaches the cap exactly
        (30.0, 6.0),  # capped
    ],
)
def test_presence_rule_around_target_and_cap(
    venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame, days: float, expected: float
) -> None:
    out = run(venues, desa, last_visits={"A1": ago(days)})
    assert out.loc["A1", "presence"] == pytest.approx(expected, abs=1e-9)
    assert out.loc["A2", "presence"] == pytest.approx(expected, abs=1e-9)


def test_presence_settings_change_the_rule(
    venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame
) -> None:
    cfg = make_settings(
        presence={"target_days": {"tinggi": 5}, "default_target_days": 10, "weight": 1, "cap": 1.5}
    )
    out = run(venues, desa, cfg, last_visits={"A1": ago(6), "B1": ago(12), "C1": ago(9)})
    assert out.loc["A1", "presence"] == pytest.approx(1.2)  # 1 × 6 / 5
    # rendah and sedang are not listed now: default_target_days 10
    assert out.loc["B1", "desa_target_days"] == 10.0
    assert out.loc["B1", "presence"] == pytest.approx(1.2)  # 12 / 10
    assert out.loc["C1", "presence"] == 0.0  # 9 < 10
    # a log whose only visit is of a venue no longer in the dataset: every desa never visited
    never = run(venues, desa, cfg, last_visits={"GONE": ago(1)})
    assert list(never.loc[["A1", "B1", "C1"], "presence"]) == [1.5, 1.5, 1.5]  # cap
    # no visit log at all: nothing is known about presence, so no bonus and no days
    unknown = run(venues, desa, cfg)
    assert (unknown["presence"] == 0).all() and unknown["desa_days"].isna().all()
    assert not any(
        "desa" in r.lower() and "dikunjungi" in r for rs in unknown["reasons"] for r in rs
    )
    off = run(venues, desa, make_settings(presence={"cap": 0}))
    assert (off["presence"] == 0).all()


def test_unknown_desa_level_gets_the_default_target(
    venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame
) -> None:
    cfg = make_settings(
        kerawanan={"levels": {"rendah": 1, "sedang": 2, "tinggi": 3, "zona_merah": 6}}
    )
    d = desa.copy()
    d.loc[2, "kerawanan"] = "zona_merah"
    out = run(venues, d, cfg, last_visits={"C1": ago(7.5)})
    assert out.loc["C1", "desa_target_days"] == 7.0
    assert out.loc["C1", "presence"] == pytest.approx(2.0 * 7.5 / 7)


# ----------------------------------------------------------------------------- recent factor


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0.0, 0.1),  # just visited: the floor
        (1.0, 0.1 + 0.9 / 7),
        (3.5, 0.55),
        (7.0, 1.0),  # at the rotation target: recovered
        (20.0, 1.0),  # beyond: stays 1
    ],
)
def test_recent_factor_recovers_over_the_target(
    venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame, days: float, expected: float
) -> None:
    out = run(venues, desa, last_visits={"A1": ago(days)})
    assert out.loc["A1", "recent_factor"] == pytest.approx(expected, abs=1e-12)
    assert out.loc["A2", "recent_factor"] == 1.0  # never visited
    # the factor scales the whole bracket, presence included
    bracket = out.loc["A1", "kerawanan"] + out.loc["A1", "rotation"] + out.loc["A1", "presence"]
    assert out.loc["A1", "priority"] == pytest.approx(expected * bracket, abs=1e-9)


def test_recent_floor_one_turns_the_drop_off(
    venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame
) -> None:
    out = run(venues, desa, make_settings(rotation={"recent_floor": 1}), last_visits={"A1": ago(0)})
    assert (out["recent_factor"] == 1.0).all()
    assert not any("Dikunjungi" in r for r in out.loc["A1", "reasons"])
    cfg = make_settings(rotation={"recent_floor": 0.5, "target_days": 2})
    half = run(venues, desa, cfg, last_visits={"A1": ago(1)})
    assert half.loc["A1", "recent_factor"] == pytest.approx(0.75)


# ----------------------------------------------------------------------------- formula


def test_formula_end_to_end(venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame) -> None:
    cfg = make_settings(
        directives=[{"from": "2026-12-01", "to": "2026-12-10", "desa": "Karangan", "factor": 3}],
        kinds={"weights": {"warkop": 1.5}},
    )
    visits = {"A1": ago(1), "B1": ago(5), "C1": ago(2)}
    out = run(venues, desa, cfg, last_visits=visits)
    # A1: D 3, F 0.1 + 0.9/7, W 1.5, K 3.5 (tinggi), R 0, S 0 (Karangan 1 day < 3)
    f1 = 0.1 + 0.9 / 7
    assert out.loc["A1", "priority"] == pytest.approx(3 * f1 * 1.5 * 3.5)
    # A2: own level rendah K 1, never visited R 2, F 1; S 0 (its desa was reached via A1)
    assert out.loc["A2", "priority"] == pytest.approx(3 * 1 * 1.5 * (1.0 + 2.0 + 0.0))
    # B1: K 1, R 0, F 0.1 + 0.9 × 5/7, S 0 (5 < 6)
    assert out.loc["B1", "priority"] == pytest.approx((0.1 + 0.9 * 5 / 7) * 1.5 * 1.0)
    # C1: K 2 (sedang), F 0.1 + 0.9 × 2/7, S 0 (2 < 4)
    assert out.loc["C1", "priority"] == pytest.approx((0.1 + 0.9 * 2 / 7) * 1.5 * 2.0)
    # X1: K 0, R 2, S 0, F 1
    assert out.loc["X1", "priority"] == pytest.approx(1.5 * 2.0)
    later = run(venues, desa, cfg, last_visits={"A1": ago(4), "B1": ago(5), "C1": ago(2)})
    # Karangan now 4 days past: S = 2 × 4/3 for both its venues, F of A1 = 0.1 + 0.9 × 4/7
    s = 2 * 4 / 3
    assert later.loc["A1", "priority"] == pytest.approx(3 * (0.1 + 0.9 * 4 / 7) * 1.5 * (3.5 + s))
    assert later.loc["A2", "priority"] == pytest.approx(3 * 1.5 * (1.0 + 2.0 + s))


def test_directives_are_unaffected(venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame) -> None:
    cfg = make_settings(
        directives=[
            {"from": "2026-12-06", "to": "2026-12-06", "action": "must_visit", "venue_id": "A1"},
            {"from": "2026-12-06", "to": "2026-12-06", "action": "exclude", "venue_id": "B1"},
        ]
    )
    out = run(venues, desa, cfg, last_visits={"A1": ago(0.5), "B1": ago(40)})
    assert out.loc["A1", "must_visit"] and not out.loc["A1", "excluded"]
    assert out.loc["B1", "excluded"] and not out.loc["B1", "must_visit"]
    assert out.loc["A1", "recent_factor"] == pytest.approx(0.1 + 0.9 * 0.5 / 7)


# ----------------------------------------------------------------------------- reasons


def test_reasons_in_both_languages(venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame) -> None:
    visits = {"A2": ago(9.7), "C1": ago(0.8)}
    out = run(venues, desa, last_visits=visits)
    assert "Desa Karangan belum dikunjungi 9 hari; target 3 hari" in out.loc["A1", "reasons"]
    assert "Desa Sumberejo belum pernah dikunjungi; target 6 hari" in out.loc["B1", "reasons"]
    recent = "Dikunjungi 1 hari lalu: prioritas ×0,20 (pulih dalam 7 hari)"
    assert recent in out.loc["C1", "reasons"]
    assert not any("Desa Ngulan" in r for r in out.loc["C1", "reasons"])  # 0.8 < 4: not due
    assert not any(r.startswith("Desa ") and "target" in r for r in out.loc["X1", "reasons"])
    en = run(venues, desa, last_visits=visits, lang="en")
    assert "No squad in desa Karangan for 9 days; target 3 days" in en.loc["A1", "reasons"]
    assert "No squad ever in desa Sumberejo; target 6 days" in en.loc["B1", "reasons"]
    assert "Visited 1 day ago: priority ×0.20 (recovers over 7 days)" in en.loc["C1", "reasons"]


def test_reason_sentences_and_whole_days() -> None:
    assert presence_reason("Karangan", 9.99, 7, "id") == (
        "Desa Karangan belum dikunjungi 9 hari; target 7 hari"
    )
    assert presence_reason("Karangan", 9, 7, "en") == (
        "No squad in desa Karangan for 9 days; target 7 days"
    )
    assert presence_reason("Karangan", math.inf, 2.5, "id") == (
        "Desa Karangan belum pernah dikunjungi; target 2,5 hari"
    )
    assert presence_reason("Karangan", 1.5, 0.5, "en") == (
        "No squad in desa Karangan for 1 day; target 0.5 days"
    )
    assert recent_reason(1.0, 0.2285714, 7, "id") == (
        "Dikunjungi 1 hari lalu: prioritas ×0,23 (pulih dalam 7 hari)"
    )
    assert recent_reason(3.2, 0.5, 7, "en") == (
        "Visited 3 days ago: priority ×0.50 (recovers over 7 days)"
    )
    assert [whole_days(d) for d in (0.0, 0.8, 1.0, 1.99, 2.0, 12.9)] == [1, 1, 1, 1, 2, 12]


# ----------------------------------------------------------------------------- settings


def problems(data: dict[str, Any]) -> list[str | None]:
    with pytest.raises(InputError) as info:
        settings_from_dict(data, source="planner.toml")
    return [p.column for p in info.value.problems]


def test_presence_defaults() -> None:
    s = Settings()
    assert s.presence.target_days == {"sangat_tinggi": 2, "tinggi": 3, "sedang": 4, "rendah": 6}
    assert (s.presence.default_target_days, s.presence.weight, s.presence.cap) == (7, 3, 9)
    assert s.rotation.recent_floor == 0.05
    assert s.weights.rotation == 3.0
    assert s.routing.desa_decay == 0.95
    assert s.routing.exchange_rate_min == 7.0
    # every level of the default kerawanan has a target below a week
    assert set(s.presence.target_days) == set(s.kerawanan.levels)
    assert max(s.presence.target_days.values()) < 7


def test_target_key_must_be_a_kerawanan_level() -> None:
    cols = problems({"presence": {"target_days": {"tinggi": 3, "sangat_tingi": 2}}})
    assert cols == ["presence.target_days.sangat_tingi"]
    with pytest.raises(InputError) as info:
        settings_from_dict({"presence": {"target_days": {"merah": 2}}})
    assert "kerawanan.levels" in info.value.problems[0].expected("en")
    # levels of one's own with targets for them are fine
    ok = settings_from_dict(
        {
            "kerawanan": {"levels": {"hijau": 1, "merah": 4}},
            "presence": {"target_days": {"merah": 2}},
        }
    )
    assert ok.presence.target_days == {"merah": 2}
    # renamed levels with the default targets: accepted, the default target applies
    renamed = settings_from_dict({"kerawanan": {"levels": {"hijau": 1, "merah": 4}}})
    assert renamed.presence.target_days == Settings().presence.target_days
    # and that survives with_overrides (which dumps every key)
    assert renamed.with_overrides(routing={"seed": 2}).routing.seed == 2


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"presence": {"target_days": {"tinggi": math.inf}}}, "presence.target_days"),
        ({"presence": {"target_days": {"tinggi": 0}}}, "presence.target_days"),
        ({"presence": {"target_days": {"tinggi": -2}}}, "presence.target_days"),
        ({"presence": {"target_days": {"tinggi": math.nan}}}, "presence.target_days"),
        ({"presence": {"default_target_days": math.inf}}, "presence.default_target_days"),
        ({"presence": {"default_target_days": 0}}, "presence.default_target_days"),
        ({"presence": {"weight": -1}}, "presence.weight"),
        ({"presence": {"weight": math.inf}}, "presence.weight"),
        ({"presence": {"cap": -0.5}}, "presence.cap"),
        ({"presence": {"cap": math.inf}}, "presence.cap"),
        ({"presence": {"kap": 3}}, "presence.kap"),
        ({"rotation": {"recent_floor": 0}}, "rotation.recent_floor"),
        ({"rotation": {"recent_floor": 1.5}}, "rotation.recent_floor"),
    ],
)
def test_bad_presence_settings_name_the_key(data: dict[str, Any], key: str) -> None:
    assert problems(data) == [key]


def test_zero_weight_and_cap_are_allowed() -> None:
    s = settings_from_dict({"presence": {"weight": 0, "cap": 0}, "rotation": {"recent_floor": 1}})
    assert (s.presence.weight, s.presence.cap, s.rotation.recent_floor) == (0, 0, 1)
