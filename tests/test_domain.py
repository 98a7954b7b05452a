"""Tests of planner.domain: the night clock, windows, squads, stations and plan types."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain import (
    ALL_NIGHT,
    MIDNIGHT_MIN,
    NIGHT_MIN,
    WIB,
    Dropped,
    Night,
    Plan,
    Route,
    Squad,
    Station,
    Stop,
    Window,
    format_clock,
    format_clock_s,
    is_all_day,
    now_wib,
    opening_intervals,
    parse_clock,
    parse_window,
    replace,
)

hours = st.integers(0, 23)
minutes = st.integers(0, 59)
night_minutes = st.integers(0, NIGHT_MIN - 1)


def clock_text(h: int, m: int, sep: str = ":") -> str:
    return f"{h:02d}{sep}{m:02d}"


# ---------------------------------------------------------------------------- clock


def test_fixed_points_of_the_night_clock() -> None:
    assert parse_clock("12:00") == 0
    assert parse_clock("19:00") == 420
    assert parse_clock("00:00") == MIDNIGHT_MIN == 720
    assert parse_clock("24:00") == 720
    assert parse_clock("03:00") == 900
    assert parse_clock("11:59") == 1439
    assert parse_clock("7:05") == 1145


def test_indonesian_dot_style() -> None:
    assert parse_clock("19.00") == 420
    assert parse_clock(" 02.30 ") == 870
    assert parse_window("19.00 - 03.00") == Window(420, 900)
    assert parse_window("19.00 s/d 03.00") == Window(420, 900)


@pytest.mark.parametrize("bad", ["", "19", "19:0", "25:00", "19:60", "abc", "24:01", "7 pm"])
def test_parse_clock_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(bad)


@given(night_minutes)
def test_format_then_parse_round_trips(m: int) -> None:
    assert parse_clock(format_clock(m)) == m
    assert format_clock_s(m * 60 + 59) == format_clock(m)


@given(hours, minutes, st.sampled_from([":", "."]))
def test_parse_then_format_round_trips(h: int, m: int, sep: str) -> None:
    assert format_clock(parse_clock(clock_text(h, m, sep))) == clock_text(h, m)


@given(hours, minutes)
def test_after_midnight_maps_above_720(h: int, m: int) -> None:
    value = parse_clock(clock_text(h, m))
    assert 0 <= value < NIGHT_MIN
    if h < 12:  # the morning after the night's date
        assert value >= MIDNIGHT_MIN
    else:
        assert value < MIDNIGHT_MIN


@given(hours, minutes, hours, minutes)
def test_every_parsed_window_runs_forward(h1: int, m1: int, h2: int, m2: int) -> None:
    text = f"{clock_text(h1, m1)}-{clock_text(h2, m2)}"
    start, end = parse_clock(clock_text(h1, m1)), parse_clock(clock_text(h2, m2))
    if end > start:
        w = parse_window(text)
        assert (w.start_min, w.end_min) == (start, end)
        assert w.start_min < w.end_min
        assert str(w) == text
    elif start == end == 0:  # "12:00-12:00": noon to noon
        assert parse_window(text) == ALL_NIGHT
    else:
        with pytest.raises(ValueError):
            parse_window(text)


@pytest.mark.parametrize("text", ["24 jam", "24 Jam", "24 hours", "24jam", " 24 HOURS "])
def test_all_day(text: str) -> None:
    assert is_all_day(text)
    assert parse_window(text) == ALL_NIGHT == Window(0, 1440)
    assert opening_intervals(text, "") == (ALL_NIGHT,)
    assert opening_intervals("18:00", text) == (ALL_NIGHT,)


def test_window_rules() -> None:
    with pytest.raises(ValueError):
        Window(10, 10)
    with pytest.raises(ValueError):
        Window(-1, 10)
    with pytest.raises(ValueError):
        Window(0, 1441)
    assert Window(100, 200).overlap_min(Window(150, 400)) == 50
    assert Window(100, 200).overlap_min(Window(300, 400)) == 0
    assert Window(420, 900).duration_min == 480


def test_opening_intervals_examples() -> None:
    assert opening_intervals("18:00", "02:00") == (Window(360, 840),)
    # open across noon: two pieces on the night clock, earliest first
    assert opening_intervals("06:00", "22:00") == (Window(0, 600), Window(1080, 1440))
    # closing at noon exactly: one piece up to the end of the clock
    assert opening_intervals("06:00", "12:00") == (Window(1080, 1440),)
    assert opening_intervals("12:00", "06:00") == (Window(0, 1080),)
    assert opening_intervals("19:00", "19:00") == (ALL_NIGHT,)


def _is_open(opens_min: int, closes_min: int, t: int) -> bool:
    """Reference: open at night-clock minute t, computed on the wall clock."""
    wall = (t + 720) % 1440
    o, c = (opens_min + 720) % 1440, (closes_min + 720) % 1440
    if o == c:
        return True
    return o <= wall < c if o < c else (wall >= o or wall < c)


@given(hours, minutes, hours, minutes)
def test_opening_intervals_match_the_wall_clock(h1: int, m1: int, h2: int, m2: int) -> None:
    opens, closes = clock_text(h1, m1), clock_text(h2, m2)
    pieces = opening_intervals(opens, closes)
    assert 1 <= len(pieces) <= 2
    assert list(pieces) == sorted(pieces)
    for a, b in itertools.pairwise(pieces):
        assert a.end_min < b.start_min  # disjoint, not touching
    o, c = parse_clock(opens), parse_clock(closes)
    for t in {0, o, c % NIGHT_MIN, (o + 1) % NIGHT_MIN, (c - 1) % NIGHT_MIN, 719, 720, 1439}:
        inside = any(w.start_min <= t < w.end_min for w in pieces)
        assert inside == _is_open(o, c, t), (opens, closes, t, pieces)
    total = sum(w.duration_min for w in pieces)
    assert total == ((c - o) % NIGHT_MIN or NIGHT_MIN)


# ---------------------------------------------------------------------------- night


def test_night_clock_datetimes() -> None:
    night = Night.parse("2024-05-01")
    assert night.noon == dt.datetime(2024, 5, 1, 12, 0, tzinfo=WIB)
    assert night.at(420) == dt.datetime(2024, 5, 1, 19, 0, tzinfo=WIB)
    assert night.at(900) == dt.datetime(2024, 5, 2, 3, 0, tzinfo=WIB)
    assert night.to_minutes(dt.datetime(2024, 5, 2, 1, 30)) == 810.0  # naive = WIB
    utc = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)  # 19:00 WIB
    assert night.to_minutes(utc) == 420.0
    assert str(night) == "2024-05-01"


@pytest.mark.parametrize(
    ("clock", "night"),
    [
        (dt.datetime(2026, 12, 1, 23, 59), dt.date(2026, 12, 1)),
        (dt.datetime(2026, 12, 2, 0, 1), dt.date(2026, 12, 1)),
        (dt.datetime(2026, 12, 2, 3, 0), dt.date(2026, 12, 1)),
        (dt.datetime(2026, 12, 2, 11, 59), dt.date(2026, 12, 1)),
        (dt.datetime(2026, 12, 2, 12, 1), dt.date(2026, 12, 2)),
        (dt.datetime(2027, 1, 1, 2, 0), dt.date(2026, 12, 31)),  # across the year
    ],
)
def test_tonight_runs_from_noon_to_noon_wib(clock: dt.datetime, night: dt.date) -> None:
    assert Night.tonight(clock.replace(tzinfo=WIB)).date == night
    assert Night.of(clock).date == night  # naive = WIB


def test_tonight_reads_other_time_zones_as_wib() -> None:
    late_utc = dt.datetime(2024, 5, 1, 20, 0, tzinfo=dt.UTC)  # 03:00 WIB on the 2nd
    assert Night.tonight(late_utc).date == dt.date(2024, 5, 1)
    noon_utc = dt.datetime(2024, 5, 2, 5, 0, tzinfo=dt.UTC)  # 12:00 WIB on the 2nd
    assert Night.tonight(noon_utc).date == dt.date(2024, 5, 2)


def test_tonight_without_a_clock_is_the_night_of_now() -> None:
    before = Night.of(now_wib())
    tonight = Night.tonight()
    assert tonight.noon <= now_wib() + dt.timedelta(seconds=1) < tonight.noon + dt.timedelta(days=1)
    assert tonight in (before, Night.of(now_wib()))


@given(st.integers(-2000, 4000))
def test_night_at_and_to_minutes_are_inverse(m: int) -> None:
    night = Night(dt.date(2024, 2, 28))
    assert night.to_minutes(night.at(m)) == m


# ---------------------------------------------------------------------------- stations, squads


def test_station_validation() -> None:
    s = Station("POLRES", "Polres Trenggalek", "polres", -8.05, 111.71, "Trenggalek")
    assert s.kind == "polres"
    with pytest.raises(ValueError, match="polres or polsek"):
        Station("X", "Koramil", "koramil", -8.05, 111.71, "Trenggalek")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out of range"):
        Station("X", "Polsek", "polsek", 111.71, -8.05, "Trenggalek")


def test_squad_validation_and_area() -> None:
    shift = parse_window("19:00-02:00")
    polres = Squad("R01", "POLRES", 6, shift, "mobil")
    assert polres.may_visit("Panggul") and polres.label == "R01"
    polsek = Squad("R02", "PSK", 5, shift, "motor", area=("Pogalan",), name="Regu Pogalan")
    assert polsek.may_visit("Pogalan") and not polsek.may_visit("Trenggalek")
    assert polsek.label == "Regu Pogalan"
    with pytest.raises(ValueError, match="members"):
        Squad("R03", "PSK", 0, shift, "motor")
    with pytest.raises(ValueError, match="area"):
        Squad("R04", "PSK", 5, shift, "motor", area=())
    with pytest.raises(AttributeError):
        polres.members = 3  # type: ignore[misc]
    assert replace(polres, members=4).members == 4


# ---------------------------------------------------------------------------- plans


def _stop(venue_id: str, arrival_s: int, priority: float, travel_s: int = 600) -> Stop:
    return Stop(venue_id, arrival_s, arrival_s + 60, arrival_s + 1560, travel_s, 5000.0, priority)


def test_stop_rules() -> None:
    s = _stop("V1", 25200, 2.0)
    assert s.wait_s == 60 and s.dwell_s == 1500
    with pytest.raises(ValueError):
        Stop("V1", 100, 50, 200, 0, 0.0, 1.0)
    with pytest.raises(ValueError):
        Stop("V1", 100, 150, 120, 0, 0.0, 1.0)


def test_plan_properties() -> None:
    r1 = Route(
        "R01",
        "POLRES",
        25200,
        36000,
        (_stop("V1", 25800, 2.0), _stop("V2", 28000, 3.0)),
        900,
        7000.0,
    )
    r2 = Route("R02", "PSK", 25200, 25200, (), 0, 0.0)
    plan = Plan(
        Night(dt.date(2024, 5, 1)),
        (r1, r2),
        dropped=(Dropped("V3", "not_worth", 1.0),),
        total_priority=10.0,
    )
    assert r1.priority == 5.0 and r2.priority == 0.0
    assert r1.travel_s == 600 + 600 + 900 and r1.dist_m == 17000.0
    assert plan.collected == 5.0 and plan.share == 0.5
    assert plan.visits == 2 and plan.visited_ids() == ["V1", "V2"]
    assert plan.route("R02") is r2
    with pytest.raises(KeyError):
        plan.route("R09")
    empty = Plan(Night(dt.date(2024, 5, 1)), ())
    assert empty.share == 0.0 and empty.visits == 0
    # meta does not take part in equality
    assert replace(plan, meta={"solver": "x"}) == plan
