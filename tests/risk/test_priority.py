"""Tests of planner.risk: tonight's venue priorities, their components and reasons."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import Point, Polygon

from planner.config import Directive, Settings, settings_from_dict
from planner.domain import WIB, Night
from planner.errors import InputError
from planner.risk import (
    COLUMNS,
    kernel_weight,
    score,
    score_table,
    validate_directives,
)
from planner.text import date_range

CRS = "EPSG:32749"
_TO_LL = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
X0, Y0 = 600_000.0, 9_100_000.0
NIGHT = Night(dt.date(2026, 12, 6))
START = NIGHT.noon  # 2026-12-06 12:00 WIB
HYPO = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def pt(dx: float, dy: float) -> Point:
    lon, lat = _TO_LL.transform(X0 + dx, Y0 + dy)
    return Point(lon, lat)


def square(x0: float, x1: float, y0: float, y1: float) -> Polygon:
    return Polygon([pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1)])


def wib(*args: int) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(*args, tzinfo=WIB))


def make_desa() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "desa_code": ["D1", "D2", "D3"],
            "desa": ["Sukorejo", "Ngadirejo", "Sukorejo"],
            "kecamatan": ["Durenan", "Pogalan", "Pogalan"],
            "kerawanan": ["tinggi", "rendah", "sedang"],
        },
        geometry=[
            square(-1000, 2000, -1000, 1000),
            square(2000, 5000, -1000, 1000),
            square(5000, 8000, -1000, 1000),
        ],
        crs=4326,
    )


def make_venues() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "venue_id": ["V1", "V2", "V3"],
            "name": ["Kafe Senja", "Warkop Mbah Kuwot", "Angkringan Pak Dul"],
            "kind": ["kafe", "warkop", "angkringan"],
            "desa_code": ["D1", "D1", "D2"],
            "desa": ["Sukorejo", "Sukorejo", "Ngadirejo"],
            "kecamatan": ["Durenan", "Durenan", "Pogalan"],
            "kerawanan": [None, None, None],
        },
        geometry=[pt(0, 0), pt(500, 0), pt(3000, 0)],
        crs=4326,
    )


def incidents_frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Rows with dx, dy (metres from X0, Y0), occurred_at, category, optional severity/venue_id."""
    return gpd.GeoDataFrame(
        {
            "incident_id": [f"I{i + 1}" for i in range(len(rows))],
            "occurred_at": pd.Series([r["occurred_at"] for r in rows], dtype="datetime64[ns, UTC]")
            .dt.tz_convert(WIB)
            .to_numpy()
            if rows
            else pd.Series([], dtype="datetime64[ns, UTC]"),
            "category": [r["category"] for r in rows],
            "severity": [r.get("severity", math.nan) for r in rows],
            "venue_id": pd.Series([r.get("venue_id") for r in rows], dtype=object),
        },
        geometry=[pt(r["dx"], r["dy"]) for r in rows],
        crs=4326,
    )


# The tiny fixture: three venues, four incidents (one after the night's start).
FOUR = [
    {"dx": 200, "dy": 0, "occurred_at": wib(2026, 12, 6, 0, 0), "category": "curanmor"},
    {
        "dx": 0,
        "dy": 600,
        "occurred_at": wib(2026, 11, 22, 12, 0),
        "category": "miras",
        "severity": 2.5,
    },
    {
        "dx": 10_000,
        "dy": 0,
        "occurred_at": wib(2026, 11, 29, 12, 0),
        "category": "judi",
        "venue_id": "V3",
    },
    {"dx": 0, "dy": 0, "occurred_at": wib(2026, 12, 6, 13, 0), "category": "curanmor"},
]
PILKADES = {
    "from": "2026-12-01",
    "to": "2026-12-10",
    "kecamatan": "Durenan",
    "factor": 2.0,
    "reason": "Pilkades",
}


def make_settings(**sections: Any) -> Settings:
    # the hand-computed figures assume these, not the tuned defaults (docs/presence.md)
    data: dict[str, Any] = {
        "general": {"metric_crs": CRS},
        "rotation": {"recent_floor": 0.1},
        "weights": {"rotation": 1.0},
        "presence": {"weight": 2.0, "cap": 6.0},
    }
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return settings_from_dict(data, source="test")


def run(
    incidents: list[dict[str, Any]] | None = None,
    cfg: Settings | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    return score(
        make_venues(),
        make_desa(),
        incidents_frame(FOUR if incidents is None else incidents),
        kwargs.pop("night", NIGHT),
        cfg or make_settings(),
        **kwargs,
    )


# ----------------------------------------------------------------------------- the formula


def test_hand_computed_tiny_fixture() -> None:
    cfg = make_settings(directives=[PILKADES])
    visits = {"V2": dt.datetime(2026, 11, 22, 12, 0, tzinfo=WIB), "V3": wib(2026, 12, 5, 12, 0)}
    out = run(cfg=cfg, last_visits=visits)
    assert list(out.columns) == list(COLUMNS)
    assert list(out["venue_id"]) == ["V1", "V2", "V3"]

    # I1: curanmor severity 3, 0.5 days old; I2: severity 2.5 (own column), exactly 14 days old
    # (one half-life); I3: judi severity 1.5, 7 days old, linked to V3 (10 km away);
    # I4 happens after the night's start and must not count.
    d1 = 3.0 * 2 ** (-0.5 / 14)
    d2 = 2.5 * 0.5
    d3 = 1.5 * 2 ** (-7 / 14)
    s_v1 = d1 * (1 - 200 / 1000) + d2 * (1 - 600 / 1000)
    s_v2 = d1 * (1 - 300 / 1000) + d2 * (1 - math.hypot(500, 600) / 1000)
    s_v3 = d3 * 1.0
    # the soft cap c * (1 - exp(-S / c)) with c = 10
    i_v1, i_v2, i_v3 = (10 * (1 - math.exp(-x / 10)) for x in (s_v1, s_v2, s_v3))
    # kerawanan: D1 tinggi 3.5, D2 rendah 1.0; rotation: V1 never (cap 2), V2 14 days
    # ((14 - 7) / 7 = 1), V3 1 day (0); kinds kafe 1.2; Pilkades doubles Durenan (V1, V2).
    # presence: desa D1 (tinggi, target 3) last reached 14 days ago through V2: 2 * 14 / 3 is
    # above the cap 6; D2 (rendah, target 6) 1 day ago: 0. recent factor: V3 visited 1 day ago
    # keeps 0.1 + 0.9 / 7 of its priority; V1 (never) and V2 (14 days) keep all of it.
    f_v3 = 0.1 + 0.9 * 1 / 7
    expected = [
        2.0 * 1.0 * 1.2 * (3.5 + i_v1 + 2.0 + 6.0),
        2.0 * 1.0 * 1.0 * (3.5 + i_v2 + 1.0 + 6.0),
        1.0 * f_v3 * 1.0 * (1.0 + i_v3 + 0.0 + 0.0),
    ]
    assert out["priority"].to_numpy() == pytest.approx(expected, abs=1e-9, rel=0)
    assert list(out["presence"]) == pytest.approx([6.0, 6.0, 0.0], abs=1e-12)
    assert list(out["recent_factor"]) == pytest.approx([1.0, 1.0, f_v3], abs=1e-12)
    assert list(out["desa_days"]) == pytest.approx([14.0, 14.0, 1.0], abs=1e-9)
    assert list(out["desa_target_days"]) == [3.0, 3.0, 6.0]
    # the yardstick ignores presence, rotation, kind and directives
    assert out["risk"].to_numpy() == pytest.approx([3.5 + i_v1, 3.5 + i_v2, 1.0 + i_v3])
    assert out["incidents"].to_numpy() == pytest.approx([i_v1, i_v2, i_v3], abs=1e-9, rel=0)
    assert list(out["kerawanan"]) == [3.5, 3.5, 1.0]
    assert list(out["rotation"]) == pytest.approx([2.0, 1.0, 0.0], abs=1e-12)
    assert list(out["kind"]) == [1.2, 1.0, 1.0]
    assert list(out["directive_factor"]) == [2.0, 2.0, 1.0]
    assert list(out["reports"]) == [0.0, 0.0, 0.0]
    assert not out["must_visit"].any() and not out["excluded"].any()

    r1 = out["reasons"].iloc[0]
    assert r1 == [
        "Atensi: Pilkades (1–10 Des)",
        "2 kejadian dalam 14 hari terakhir (curanmor, miras)",
        "Desa rawan tinggi",
        "Desa Sukorejo belum dikunjungi 14 hari; target 3 hari",
        "Belum pernah dikunjungi",
        "Kafe (jenis tempat): prioritas ×1,2",
    ]
    assert "Belum dikunjungi 14 hari" in out["reasons"].iloc[1]
    assert out["reasons"].iloc[2] == [
        "1 kejadian dalam 14 hari terakhir (judi)",
        "Dikunjungi 1 hari lalu: prioritas ×0,23 (pulih dalam 7 hari)",
    ]


def test_reasons_in_english() -> None:
    out = run(cfg=make_settings(directives=[PILKADES]), lang="en", last_visits={"GONE": START})
    assert out["reasons"].iloc[0] == [
        "Attention: Pilkades (1–10 Dec)",
        "2 incidents in the last 14 days (vehicle theft, alcohol)",
        "Desa vulnerability: high",
        "No squad ever in desa Sukorejo; target 3 days",
        "Never visited",
        "A café (kind of venue): priority ×1.2",
    ]
    en = run(cfg=make_settings(general={"lang": "en"}))
    assert "Never visited" in en["reasons"].iloc[0]


def test_index_order_and_empty_inputs() -> None:
    venues = make_venues().iloc[[2, 0, 1]]
    out = score(venues, make_desa(), incidents_frame([]), NIGHT, make_settings())
    assert list(out.index) == list(venues.index)
    assert list(out["venue_id"]) == ["V3", "V1", "V2"]
    assert (out["incidents"] == 0).all()
    none = score(make_venues(), make_desa(), None, NIGHT, make_settings())
    assert (none["incidents"] == 0).all()
    empty = score(make_venues().iloc[:0], make_desa(), incidents_frame(FOUR), NIGHT, Settings())
    assert list(empty.columns) == list(COLUMNS) and len(empty) == 0


@pytest.mark.parametrize(
    ("kernel", "at_300"),
    [("linear", 0.7), ("uniform", 1.0), ("gaussian", math.exp(-2 * 0.3**2))],
)
def test_kernels(kernel: str, at_300: float) -> None:
    w = kernel_weight(np.array([0.0, 300.0, 1000.0, 1000.1]), 1000.0, kernel)
    assert w[0] == 1.0
    assert w[1] == pytest.approx(at_300, abs=1e-12)
    assert w[3] == 0.0
    cfg = make_settings(incidents={"kernel": kernel, "half_life_days": 1e9, "cap": math.inf})
    one = [{"dx": 800, "dy": 0, "occurred_at": wib(2026, 12, 6, 0, 0), "category": "lainnya"}]
    out = run(one, cfg)
    # V2 is 300 m from the incident, V1 800 m, V3 2200 m (beyond the radius)
    assert out["incidents"].iloc[1] == pytest.approx(at_300, abs=1e-9)
    assert out["incidents"].iloc[2] == 0.0


def test_incident_cap_and_lookback() -> None:
    many = [{"dx": 0, "dy": 0, "occurred_at": wib(2026, 12, 6, 0, 0), "category": "narkoba"}] * 10
    out = run(many, make_settings(incidents={"cap": 5.0}))
    raw = 10 * 4.0 * 2 ** (-0.5 / 14)  # ten narkoba at V1's door, half a day old
    assert out["incidents"].iloc[0] == pytest.approx(5.0 * (1 - math.exp(-raw / 5.0)), abs=1e-9)
    assert 4.9 < out["incidents"].iloc[0] < 5.0
    eleven = run([*many, many[0]], make_settings(incidents={"cap": 5.0}))
    assert eleven["incidents"].iloc[0] > out["incidents"].iloc[0]  # still ordered
    uncapped = run(many, make_settings(incidents={"cap": "inf"}))
    assert uncapped["incidents"].iloc[0] == pytest.approx(raw, abs=1e-9)
    old = [{"dx": 0, "dy": 0, "occurred_at": wib(2026, 9, 1, 0, 0), "category": "narkoba"}]
    assert run(old)["incidents"].iloc[0] == 0.0  # 96 days > lookback 90
    assert run(old, make_settings(incidents={"lookback_days": 100}))["incidents"].iloc[0] > 0


def test_linked_incident_counts_once_at_full_weight() -> None:
    near = {"dx": 400, "dy": 0, "occurred_at": wib(2026, 12, 6, 11, 0), "category": "lainnya"}
    cfg = make_settings(incidents={"half_life_days": 1e9, "cap": math.inf})
    plain = run([near], cfg)
    linked = run([{**near, "venue_id": "V1"}], cfg)
    assert plain["incidents"].iloc[0] == pytest.approx(0.6, abs=1e-9)
    assert linked["incidents"].iloc[0] == pytest.approx(1.0, abs=1e-9)  # not 1.6
    assert linked["incidents"].iloc[1] == pytest.approx(0.9, abs=1e-9)  # V2 still by distance
    assert "1 kejadian dalam 90 hari terakhir (lainnya)" in linked["reasons"].iloc[0]
    far = run([{**near, "dx": 5000, "venue_id": "V1"}], cfg)  # linked, 5 km away
    assert far["incidents"].iloc[0] == pytest.approx(1.0, abs=1e-9)
    assert far["incidents"].iloc[1] == 0.0


def test_unknown_category_uses_default_severity() -> None:
    one = [{"dx": 0, "dy": 0, "occurred_at": wib(2026, 12, 6, 11, 0), "category": "baru"}]
    cfg = make_settings(
        incidents={"default_severity": 0.25, "half_life_days": 1e9, "cap": math.inf}
    )
    assert run(one, cfg)["incidents"].iloc[0] == pytest.approx(0.25, abs=1e-9)


def test_venue_kerawanan_override_and_unknown_level() -> None:
    venues = make_venues()
    venues["kerawanan"] = pd.Series(["sangat_tinggi", None, None], dtype=object)
    out = score(venues, make_desa(), None, NIGHT, make_settings())
    assert list(out["kerawanan"]) == [5.0, 3.5, 1.0]
    assert "Lokasi rawan sangat tinggi" in out["reasons"].iloc[0]
    venues["kerawanan"] = pd.Series(["parah", None, None], dtype=object)
    with pytest.raises(InputError) as exc:
        score(venues, make_desa(), None, NIGHT, make_settings())
    assert exc.value.problems[0].column == "kerawanan"


def test_venue_without_desa_code_is_joined_spatially() -> None:
    venues = make_venues().drop(columns=["desa_code", "kecamatan"])
    out = score(venues, make_desa(), None, NIGHT, make_settings(directives=[PILKADES]))
    assert list(out["kerawanan"]) == [3.5, 3.5, 1.0]
    assert list(out["directive_factor"]) == [2.0, 2.0, 1.0]


def test_duplicate_venue_ids_are_an_input_error() -> None:
    venues = make_venues()
    venues["venue_id"] = ["V1", "V1", "V3"]
    with pytest.raises(InputError) as exc:
        score(venues, make_desa(), None, NIGHT, make_settings())
    assert exc.value.problems[0].column == "venue_id"


# ----------------------------------------------------------------------------- the future


def test_future_incident_never_counts() -> None:
    base = run(FOUR[:3])
    with_future = run(FOUR)  # FOUR[3] is at 13:00, after the 12:00 start
    pd.testing.assert_frame_equal(base, with_future)
    exactly_at_start = {**FOUR[3], "occurred_at": START}
    pd.testing.assert_frame_equal(base, run([*FOUR[:3], exactly_at_start]))


def test_night_start_keyword_moves_the_horizon() -> None:
    at_19 = dt.datetime(2026, 12, 6, 19, 0, tzinfo=WIB)
    later = run(FOUR, night_start=at_19)
    # the 13:00 incident now lies before the start and counts for V1 (at its door)
    assert later["incidents"].iloc[0] > run(FOUR)["incidents"].iloc[0]
    # a naive night_start is WIB; the same instant in UTC gives the same result
    naive = run(FOUR, night_start=dt.datetime(2026, 12, 6, 19, 0))
    utc = run(FOUR, night_start=dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC))
    pd.testing.assert_frame_equal(later, naive)
    pd.testing.assert_frame_equal(later, utc)


incident_st = st.fixed_dictionaries(
    {
        "dx": st.floats(-1500, 1500),
        "dy": st.floats(-1500, 1500),
        "age_h": st.floats(0.01, 24 * 120),
        "category": st.sampled_from(["curanmor", "miras", "judi", "baru"]),
        "severity": st.one_of(st.just(math.nan), st.floats(0, 6)),
        "venue_id": st.sampled_from([None, None, None, "V1", "V3"]),
    }
)
kernel_st = st.sampled_from(["linear", "gaussian", "uniform"])


def as_rows(incs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "dx": i["dx"],
            "dy": i["dy"],
            "occurred_at": START - pd.Timedelta(hours=i["age_h"]),
            "category": i["category"],
            "severity": i["severity"],
            "venue_id": i["venue_id"],
        }
        for i in incs
    ]


@HYPO
@given(
    base=st.lists(incident_st, max_size=5),
    future=st.lists(incident_st, min_size=1, max_size=3),
    kernel=kernel_st,
)
def test_future_incidents_never_change_tonight(
    base: list[dict[str, Any]], future: list[dict[str, Any]], kernel: str
) -> None:
    cfg = make_settings(incidents={"kernel": kernel})
    rows = as_rows(base)
    fut = [
        {**r, "occurred_at": START + pd.Timedelta(hours=f["age_h"] - 0.01)}
        for r, f in zip(as_rows(future), future, strict=True)
    ]
    pd.testing.assert_frame_equal(run(rows, cfg), run(rows + fut, cfg))


# ----------------------------------------------------------------------------- monotonicity


def prio(rows: list[dict[str, Any]], cfg: Settings, **kw: Any) -> np.ndarray:
    return run(rows, cfg, **kw)["priority"].to_numpy()


@HYPO
@given(base=st.lists(incident_st, max_size=5), extra=incident_st, kernel=kernel_st)
def test_adding_an_incident_never_lowers(
    base: list[dict[str, Any]], extra: dict[str, Any], kernel: str
) -> None:
    cfg = make_settings(incidents={"kernel": kernel, "cap": 8.0})
    before = prio(as_rows(base), cfg)
    after = prio(as_rows([*base, extra]), cfg)
    assert (after >= before - 1e-12).all()


@HYPO
@given(
    base=st.lists(incident_st, max_size=4),
    moved=incident_st,
    frac=st.floats(0, 1),
    kernel=kernel_st,
)
def test_moving_an_incident_closer_never_lowers(
    base: list[dict[str, Any]], moved: dict[str, Any], frac: float, kernel: str
) -> None:
    cfg = make_settings(incidents={"kernel": kernel})
    closer = {**moved, "dx": moved["dx"] * frac, "dy": moved["dy"] * frac}  # toward V1 at (0, 0)
    far = prio(as_rows([*base, moved]), cfg)[0]
    near = prio(as_rows([*base, closer]), cfg)[0]
    assert near >= far - 1e-12


@HYPO
@given(
    base=st.lists(incident_st, max_size=4),
    inc=incident_st,
    frac=st.floats(0.01, 1),  # (an incident moved onto the start itself no longer counts)
    more=st.floats(0, 5),
    kernel=kernel_st,
)
def test_more_recent_or_more_severe_never_lowers(
    base: list[dict[str, Any]], inc: dict[str, Any], frac: float, more: float, kernel: str
) -> None:
    cfg = make_settings(incidents={"kernel": kernel})
    before = prio(as_rows([*base, inc]), cfg)
    recent = prio(as_rows([*base, {**inc, "age_h": inc["age_h"] * frac}]), cfg)
    assert (recent >= before - 1e-12).all()
    sev = inc["severity"] if not math.isnan(inc["severity"]) else 0.0
    severe = {**inc, "severity": max(sev, 3.0 if inc["category"] == "curanmor" else 1.5) + more}
    base_sev = {**inc, "severity": max(sev, 3.0 if inc["category"] == "curanmor" else 1.5)}
    assert (
        prio(as_rows([*base, severe]), cfg) >= prio(as_rows([*base, base_sev]), cfg) - 1e-12
    ).all()


@HYPO
@given(
    d1=st.floats(0, 60),
    extra=st.floats(0, 60),
    target=st.floats(0.5, 30),
    cap=st.floats(0, 5),
)
def test_longer_since_last_visit_never_lowers(
    d1: float, extra: float, target: float, cap: float
) -> None:
    cfg = make_settings(rotation={"target_days": target, "cap": cap})
    gone = {"GONE": START}  # a visit log exists (presence is known) in all three
    first = prio(FOUR, cfg, last_visits={**gone, "V1": START - pd.Timedelta(days=d1)})[0]
    later = prio(FOUR, cfg, last_visits={**gone, "V1": START - pd.Timedelta(days=d1 + extra)})[0]
    never = prio(FOUR, cfg, last_visits=gone)[0]
    assert later >= first - 1e-12
    assert never >= later - 1e-12


def test_rotation_values() -> None:
    cfg = make_settings(rotation={"target_days": 7, "cap": 2})
    visits = {
        "V1": START - pd.Timedelta(days=10.5),
        "V2": START + pd.Timedelta(days=1),  # a visit after the start counts as 0 days
        "V3": START - pd.Timedelta(days=30),
    }
    out = run([], cfg, last_visits=visits)
    assert list(out["rotation"]) == pytest.approx([3.5 / 7, 0.0, 2.0])
    assert "Belum dikunjungi 10 hari" in out["reasons"].iloc[0]
    assert not any("dikunjungi" in r for r in out["reasons"].iloc[1])


# ----------------------------------------------------------------------------- directives


@pytest.mark.parametrize(
    ("day", "active"),
    [(30, False), (1, True), (5, True), (10, True), (11, False)],
)
def test_directive_window_is_inclusive(day: int, active: bool) -> None:
    date = dt.date(2026, 11, 30) if day == 30 else dt.date(2026, 12, day)
    out = run([], make_settings(directives=[PILKADES]), night=Night(date))
    assert out["directive_factor"].iloc[0] == (2.0 if active else 1.0)
    assert ("Atensi: Pilkades (1–10 Des)" in out["reasons"].iloc[0]) is active


def test_directive_dates_are_wib_nights() -> None:
    # The night of 10 Dec WIB still holds even when its shift starts after midnight UTC-wise
    # on 11 Dec (e.g. 07:30 WIB 11 Dec = 00:30 UTC 11 Dec); the night's date decides.
    late = dt.datetime(2026, 12, 11, 0, 30, tzinfo=dt.UTC)
    out = run(
        [],
        make_settings(directives=[PILKADES]),
        night=Night(dt.date(2026, 12, 10)),
        night_start=late,
    )
    assert out["directive_factor"].iloc[0] == 2.0
    # TOML native dates work like strings
    cfg = settings_from_dict(
        tomllib.loads(
            '[[directives]]\nfrom = 2026-12-01\nto = 2026-12-10\nkecamatan = "Durenan"\n'
            "factor = 3.0\n"
        )
    )
    assert cfg.directives[0].active_on(dt.date(2026, 12, 10))
    assert not cfg.directives[0].active_on(dt.date(2026, 12, 11))


def test_overlapping_boosts_multiply() -> None:
    festival = {
        "from": "2026-12-05",
        "to": "2026-12-06",
        "venue_id": "V1",
        "factor": 1.5,
        "reason": "Festival",
    }
    damp = {
        "from": "2026-12-06",
        "to": "2026-12-06",
        "desa": "Ngadirejo",
        "kecamatan": "Pogalan",
        "factor": 0.5,
    }
    plain = run([])
    out = run([], make_settings(directives=[PILKADES, festival, damp]))
    assert list(out["directive_factor"]) == [3.0, 2.0, 0.5]
    assert out["priority"].to_numpy() == pytest.approx(
        plain["priority"].to_numpy() * [3.0, 2.0, 0.5], abs=1e-12
    )
    assert out["reasons"].iloc[0][:2] == [
        "Atensi: Pilkades (1–10 Des)",
        "Atensi: Festival (5–6 Des)",
    ]
    assert out["reasons"].iloc[2][0] == "Atensi: perintah pimpinan (6 Des)"


def test_exclude_and_must_visit() -> None:
    cfg = make_settings(
        directives=[
            {
                "from": "2026-12-06",
                "to": "2026-12-06",
                "action": "exclude",
                "venue_id": "V2",
                "reason": "Renovasi",
            },
            {
                "from": "2026-12-01",
                "to": "2026-12-31",
                "action": "must_visit",
                "venue_id": ["V1", "V3"],
                "reason": "Pengaduan warga",
            },
        ]
    )
    out = run([], cfg)
    assert list(out["excluded"]) == [False, True, False]
    assert list(out["must_visit"]) == [True, False, True]
    assert out["priority"].iloc[1] > 0  # excluded venues keep their score; routing drops them
    assert "Dikecualikan malam ini: Renovasi (6 Des)" in out["reasons"].iloc[1]
    assert "Wajib dikunjungi malam ini: Pengaduan warga (1–31 Des)" in out["reasons"].iloc[0]
    clash = make_settings(
        directives=[
            {"from": "2026-12-06", "to": "2026-12-06", "action": "exclude", "kecamatan": "Durenan"},
            {"from": "2026-12-06", "to": "2026-12-06", "action": "must_visit", "venue_id": "V1"},
        ]
    )
    with pytest.raises(InputError) as exc:
        run([], clash)
    assert exc.value.problems[0].column == "directives[0], directives[1]"
    assert exc.value.problems[0].value == "V1"


def test_category_boost_multiplies_only_that_category_for_its_targets() -> None:
    rows = [
        {"dx": 0, "dy": 0, "occurred_at": wib(2026, 12, 6, 11, 0), "category": "curanmor"},
        {"dx": 0, "dy": 0, "occurred_at": wib(2026, 12, 6, 11, 0), "category": "miras"},
    ]
    spike = {
        "from": "2026-12-06",
        "to": "2026-12-06",
        "venue_id": "V1",
        "factor": 2.0,
        "category": "curanmor",
        "reason": "Curanmor marak",
    }
    plain = run(rows, make_settings(incidents={"cap": math.inf}))
    out = run(rows, make_settings(incidents={"cap": math.inf}, directives=[spike]))
    curanmor = 3.0 * 2 ** (-1 / 24 / 14)
    assert out["incidents"].iloc[0] == pytest.approx(plain["incidents"].iloc[0] + curanmor)
    assert out["incidents"].iloc[1] == pytest.approx(plain["incidents"].iloc[1])  # not a target
    assert out["directive_factor"].iloc[0] == 1.0
    assert "Atensi curanmor: Curanmor marak (6 Des)" in out["reasons"].iloc[0]


def test_polygon_directive(tmp_path: Path) -> None:
    area = gpd.GeoDataFrame(geometry=[square(-100, 600, -100, 100)], crs=4326)
    (tmp_path / "areas").mkdir()
    area.to_crs(CRS).to_file(tmp_path / "areas" / "pasar.geojson", driver="GeoJSON")
    cfg = make_settings(
        directives=[
            {
                "from": "2026-12-06",
                "to": "2026-12-06",
                "polygon": "areas/pasar.geojson",
                "factor": 4.0,
                "reason": "Pasar malam",
            }
        ]
    )
    out = run([], cfg, root=tmp_path)
    assert list(out["directive_factor"]) == [4.0, 4.0, 1.0]


def test_directive_dates_read_as_a_range() -> None:
    # the dates in a directive's reason (planner.text.date_range, was risk.format_date_range)
    assert date_range(dt.date(2026, 12, 1), dt.date(2026, 12, 10)) == "1–10 Des"
    assert date_range(dt.date(2026, 8, 28), dt.date(2026, 10, 3)) == "28 Agu–3 Okt"
    assert date_range(dt.date(2026, 8, 28), dt.date(2026, 10, 3), "en") == "28 Aug–3 Oct"
    assert date_range(dt.date(2026, 5, 2), dt.date(2026, 5, 2)) == "2 Mei"
    assert date_range(dt.date(2026, 12, 28), dt.date(2027, 1, 3)) == "28 Des 2026–3 Jan 2027"


# ----------------------------------------------------------------------------- validation


def columns_of(exc: pytest.ExceptionInfo[InputError]) -> list[str | None]:
    return [p.column for p in exc.value.problems]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"incidents": {"half_life_days": -3}}, "incidents.half_life_days"),
        ({"incidents": {"radius_m": 0}}, "incidents.radius_m"),
        ({"rotation": {"target_days": "seminggu"}}, "rotation.target_days"),
        ({"kerawanan": {"levels": {"tinggi": -1.0}}}, "kerawanan.levels"),
        ({"directives": [{**PILKADES, "to": "2026-11-30"}]}, "directives[0].to"),
        ({"directives": [{**PILKADES, "from": "1 Des"}]}, "directives[0].from"),
        ({"directives": [PILKADES, {**PILKADES, "category": "begal"}]}, "directives[1].category"),
        (
            {"directives": [{**PILKADES, "action": "exclude", "category": "miras"}]},
            "directives[0].category",
        ),
        (
            {"directives": [{"from": "2026-12-01", "to": "2026-12-01", "action": "exclude"}]},
            "directives[0]",
        ),
        ({"directives": [{**PILKADES, "faktor": 2}]}, "directives[0].faktor"),
    ],
)
def test_bad_settings_name_the_key(data: dict[str, Any], key: str) -> None:
    with pytest.raises(InputError) as exc:
        settings_from_dict(data)
    assert key in columns_of(exc)


def test_validate_directives_against_the_dataset(tmp_path: Path) -> None:
    cfg = make_settings(
        directives=[
            {**PILKADES, "kecamatan": "Durenen"},
            {**PILKADES, "kecamatan": None, "desa": "Sukorejo"},  # two desa have this name
            {**PILKADES, "kecamatan": "Pogalan", "desa": "Sukorejo"},  # fine: D3
            {**PILKADES, "kecamatan": None, "desa": "D9"},
            {**PILKADES, "kecamatan": None, "venue_id": ["V1", "V7"]},
            {**PILKADES, "kecamatan": None, "polygon": "nowhere.geojson"},
            {**PILKADES, "kecamatan": None, "desa_code": "D2"},  # fine
        ]
    )
    with pytest.raises(InputError) as exc:
        validate_directives(cfg, make_desa(), make_venues(), root=tmp_path)
    cols = columns_of(exc)
    assert cols == [
        "directives[0].kecamatan",
        "directives[1].desa",
        "directives[3].desa",
        "directives[4].venue_id",
        "directives[5].polygon",
    ]
    assert exc.value.problems[3].value == "V7"
    assert "kecamatan" in exc.value.problems[1].expected("en")
    # score runs the same checks, so a bad directive never scores silently
    with pytest.raises(InputError):
        run([], cfg, root=tmp_path)


def test_category_typo_reported_by_validate_even_when_built_directly() -> None:
    cfg = Settings(directives=(Directive(**{**PILKADES, "category": "begal"}),))
    with pytest.raises(InputError) as exc:
        validate_directives(cfg, make_desa(), make_venues())
    assert columns_of(exc) == ["directives[0].category"]


# ----------------------------------------------------------------------------- reports


def reports_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["reported_at", "venue_id", "desa_code", "category", "police_matter"]
    )


def test_reports_component_and_reason() -> None:
    reps = reports_frame(
        [
            (wib(2026, 12, 4, 21, 0), "V1", "D1", "curanmor", True),
            (wib(2026, 12, 5, 12, 0), None, "D1", "curanmor", False),
            (wib(2026, 11, 15, 12, 0), "V3", "D2", "infrastruktur", False),
            (wib(2026, 11, 1, 12, 0), "V3", "D2", "infrastruktur", True),  # beyond 28 days
            (wib(2026, 12, 6, 20, 0), "V1", "D1", "curanmor", True),  # after the start
        ]
    )
    out = run([], reports=reps)
    age1 = 1 + 15 / 24  # 4 Dec 21:00 → 6 Dec 12:00
    r_v1 = 2 ** (-age1 / 7) + 0.5 * 0.5 * 2 ** (-1 / 7)
    r_v2 = 0.5 * 0.5 * 2 ** (-1 / 7)
    r_v3 = 0.5 * 2 ** (-21 / 7)
    assert out["reports"].to_numpy() == pytest.approx([r_v1, r_v2, r_v3], abs=1e-9, rel=0)
    assert "2 laporan warga soal curanmor minggu ini" in out["reasons"].iloc[0]
    assert "1 laporan warga soal curanmor minggu ini" in out["reasons"].iloc[1]
    assert "1 laporan warga soal infrastruktur sebelumnya" in out["reasons"].iloc[2]
    en = run([], reports=reps, lang="en")
    assert "2 community reports about vehicle theft this week" in en["reasons"].iloc[0]
    weighted = run([], make_settings(history={"report_weight": 2.0}), reports=reps)
    base = run([])
    assert weighted["priority"].to_numpy() == pytest.approx(
        base["priority"].to_numpy() + 2.0 * out["reports"].to_numpy() * base["kind"].to_numpy()
    )


# ----------------------------------------------------------------------------- table and CLI


def test_score_table_sorts_and_joins() -> None:
    out = run(FOUR, make_settings(directives=[PILKADES]))
    table = score_table(out, make_venues())
    assert list(table["venue_id"]) == list(out.sort_values("priority", ascending=False)["venue_id"])
    assert table["priority"].is_monotonic_decreasing
    assert table.loc[0, "venue_kind"] in {"kafe", "warkop"}
    assert isinstance(table.loc[0, "reasons"], str) and "; " in table.loc[0, "reasons"]
    lists = score_table(out, make_venues(), join_reasons=False)
    assert isinstance(lists.loc[0, "reasons"], list)


def test_last_visits_mixing_naive_aware_and_text() -> None:
    visits = {
        "V1": dt.datetime(2026, 11, 22, 12, 0),  # naive = WIB: 14 days
        "V2": dt.datetime(2026, 11, 22, 5, 0, tzinfo=dt.UTC),  # = 12:00 WIB: 14 days
        "V3": "2026-11-22 12:00",
    }
    out = run([], last_visits=visits)
    assert list(out["rotation"]) == pytest.approx([1.0, 1.0, 1.0], abs=1e-12)
    unknown = run([], last_visits={"V9": START, "V1": None})
    assert list(unknown["rotation"]) == [2.0, 2.0, 2.0]
