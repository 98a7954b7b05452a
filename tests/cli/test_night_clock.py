"""The night does not end at midnight: every default night and clock time read at a frozen clock.

The night clock runs from 12:00 to 12:00 WIB (issue 16 §1): at 00:13 the night still on shift
is the one that began the evening before, and a time before noon belongs to it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cli._support import Demo, Invoke, flat

import planner.domain
from planner.cli.plan import _parse_night
from planner.domain import WIB
from planner.history import open_store
from planner.history.queries import visits_between

VENUE = "V0001"


def _freeze(monkeypatch: pytest.MonkeyPatch, *clock: int) -> None:
    frozen = dt.datetime(*clock, tzinfo=WIB)
    monkeypatch.setattr(planner.domain, "now_wib", lambda: frozen)


@pytest.mark.parametrize(
    ("clock", "night"),
    [
        ((2026, 12, 1, 23, 59), "2026-12-01"),
        ((2026, 12, 2, 0, 1), "2026-12-01"),
        ((2026, 12, 2, 3, 0), "2026-12-01"),
        ((2026, 12, 2, 11, 59), "2026-12-01"),
        ((2026, 12, 2, 12, 1), "2026-12-02"),
    ],
)
def test_plan_without_date_plans_the_night_on_the_clock(
    clock: tuple[int, ...], night: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _freeze(monkeypatch, *clock)
    assert str(_parse_night(None)) == night


def _stored(store: Path) -> list[tuple[str, str]]:
    with open_store(store) as st:
        df = visits_between(st)
    return [(str(n), a.isoformat()) for n, a in zip(df["night"], df["arrived_at"], strict=True)]


@pytest.mark.parametrize(
    ("tiba", "arrived"),
    [
        ("00:05", "2026-12-02T00:05:00+07:00"),  # refused before: "a time in the future"
        ("21:30", "2026-12-01T21:30:00+07:00"),  # read as the coming evening before
    ],
)
def test_visits_add_at_00_20_reads_times_on_the_night_still_on_shift(
    tiba: str,
    arrived: str,
    demo: Demo,
    invoke: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _freeze(monkeypatch, 2026, 12, 2, 0, 20)
    store = tmp_path / "history.sqlite"
    res = invoke("visits", "add", "-d", demo.path, "--store", store, "--regu", "R01",
                 "--venue", VENUE, "--tiba", tiba)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "1 kunjungan baru" in flat(res.output)
    assert _stored(store) == [("2026-12-01", arrived)]


def test_visits_add_still_refuses_a_time_not_yet_come(
    demo: Demo, invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _freeze(monkeypatch, 2026, 12, 2, 0, 20)
    store = tmp_path / "history.sqlite"
    res = invoke("visits", "add", "-d", demo.path, "--store", store, "--regu", "R01",
                 "--venue", VENUE, "--tiba", "01:30")  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "waktu yang sudah lewat" in flat(res.output)
    assert not store.exists()
