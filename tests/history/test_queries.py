"""Tests of planner.history.queries: what the next nights' scores read, and the follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest
from history.support import NOW

from planner import history as h
from planner.domain import WIB
from planner.errors import InputError


def test_last_visits_uses_only_visits_strictly_before(filled):
    cut = dt.datetime(2024, 5, 10, 20, 0, tzinfo=WIB)
    assert h.last_visits(filled, before=cut) == {"V1": dt.datetime(2024, 5, 1, 21, 0, tzinfo=WIB)}
    later = h.last_visits(filled, before=NOW)
    assert later["V1"] == dt.datetime(2024, 5, 10, 20, 0, tzinfo=WIB)
    assert later["V3"] == dt.datetime(2024, 5, 20, 23, 0, tzinfo=WIB)
    assert all(t.tzinfo is not None for t in later.values())
    # another time zone for `before` means the same instant
    utc_cut = cut.astimezone(dt.UTC)
    assert h.last_visits(filled, before=utc_cut) == h.last_visits(filled, before=cut)


def test_recent_reports_window_and_columns(filled):
    df = h.recent_reports(filled, before=dt.datetime(2024, 5, 20, 23, 0, tzinfo=WIB), days=14)
    assert list(df["category"]) == ["infrastruktur", "sosial"]
    for col in ("reported_at", "venue_id", "desa_code", "category", "police_matter"):
        assert col in df.columns
    assert str(df["reported_at"].dt.tz) in ("WIB", "UTC+07:00")
    assert df["police_matter"].dtype == bool
    empty = h.recent_reports(filled, before=dt.datetime(2024, 5, 1, 21, 0, tzinfo=WIB), days=5)
    assert empty.empty and "reported_at" in empty.columns
    with pytest.raises(ValueError):
        h.recent_reports(filled, before=dt.datetime(2024, 5, 1), days=5)


def test_followups_filter_order_and_close(filled):
    today = dt.date(2024, 5, 26)
    table = h.followups(filled, today=today)
    # ekonomi without agency is neither a police matter nor a referral: not a follow-up
    assert list(table["category"]) == ["curanmor", "infrastruktur", "sosial"]
    assert list(table["overdue"]) == [True, True, False]
    assert list(table["days_open"]) == [25, 16, 16]
    pln = h.followups(filled, today=today, agency="pln")
    assert list(pln["agency"]) == ["PLN"]
    overdue = h.followups(filled, today=today, overdue=True)
    assert list(overdue["category"]) == ["curanmor", "infrastruktur"]
    text = h.followups_csv(table)
    assert text.splitlines()[0].startswith("nomor,tanggal,venue_id")
    h.close_report(filled, int(pln.iloc[0]["report_id"]), outcome="lampu diganti", on=today)
    assert list(h.followups(filled, today=today)["category"]) == ["curanmor", "sosial"]
    closed = h.reports_between(filled).set_index("category").loc["infrastruktur"]
    assert closed["status"] == "selesai" and closed["closed_date"] == today
    assert closed["outcome"] == "lampu diganti"
    with pytest.raises(InputError):
        h.close_report(filled, 999)
