"""Tests of planner.history.queries: what the next nights' scores read, and the follow-ups."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from history.support import NOW

from planner import history as h
from planner.domain import WIB
from planner.errors import InputError
from planner.history import queries


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
    raw = h.followups_csv(table)  # the office dialect: ';', BOM
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    assert re.match(r"nomor[;,]tanggal[;,]venue_id", text.splitlines()[0])
    h.close_report(filled, int(pln.iloc[0]["report_id"]), outcome="lampu diganti", on=today)
    assert list(h.followups(filled, today=today)["category"]) == ["curanmor", "sosial"]
    closed = h.reports_between(filled).set_index("category").loc["infrastruktur"]
    assert closed["status"] == "selesai" and closed["closed_date"] == today
    assert closed["outcome"] == "lampu diganti"
    with pytest.raises(InputError):
        h.close_report(filled, 999)


def test_venue_notes_recall_the_last_visit_and_open_followups(filled, tmp_path, known):
    from history.support import template_row, write_csv

    notes = queries.venue_notes(filled, before=NOW)
    assert set(notes) == {"V1", "V3"}
    v1, v3 = notes["V1"], notes["V3"]
    assert v1.last_night == dt.date(2024, 5, 10)
    assert [(r.category, r.text, r.agency) for r in v1.raised] == [
        ("infrastruktur", "lampu mati", "PLN")
    ]
    # open: the police matter of 1 May and the referral to PLN, oldest first
    assert [(r.night, r.category) for r in v1.open] == [
        (dt.date(2024, 5, 1), "curanmor"),
        (dt.date(2024, 5, 10), "infrastruktur"),
    ]
    # V3's last visit raised ekonomi (no follow-up); its referral to Dinas Sosial is still open
    assert v3.last_night == dt.date(2024, 5, 20)
    assert [r.category for r in v3.raised] == ["ekonomi"]
    assert [(r.category, r.agency, r.status) for r in v3.open] == [
        ("sosial", "Dinas Sosial", "dirujuk")
    ]
    # only what happened strictly before `before`
    early = queries.venue_notes(filled, before=dt.datetime(2024, 5, 10, 20, 0, tzinfo=WIB))
    assert set(early) == {"V1"} and [r.category for r in early["V1"].raised] == ["curanmor"]
    # a closed report is no longer open; a last visit without reports raised nothing
    pln = h.followups(filled, today=dt.date(2024, 5, 26), agency="PLN")
    h.close_report(filled, int(pln.iloc[0]["report_id"]), on=dt.date(2024, 5, 26))
    quiet = write_csv(tmp_path / "q.csv", list(h.TEMPLATE_COLUMNS),
                      [template_row(tanggal="2024-05-25", venue_id="V1", tiba="21:00")])  # fmt: skip
    h.import_file(filled, quiet, known, now=NOW)
    later = queries.venue_notes(filled, before=NOW)["V1"]
    assert later.last_night == dt.date(2024, 5, 25) and later.raised == ()
    assert [r.category for r in later.open] == ["curanmor"]
