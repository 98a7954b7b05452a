"""The visit log tells the truth (issue 17): no squad at two places at once across files or by
hand, categories with spaces in their documented spelling, and a full disk that says so and
leaves the store as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from history.support import NOW, VENUES, dump, make_known, template_row, write_csv

from planner import history as h
from planner.config import Settings
from planner.errors import InputError, OutputError

COLS = list(h.TEMPLATE_COLUMNS)


def _file(tmp_path: Path, name: str, *rows: list[str]) -> Path:
    return write_csv(tmp_path / name, COLS, list(rows))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("21:00", "21:40"), ("21:30", "22:00")),  # the second arrives before the first left
        (("21:30", "22:00"), ("21:00", "21:40")),  # the new visit is the earlier one
        (("20:00", "23:00"), ("21:00", "21:10")),  # inside a long visit
        (("21:00", ""), ("21:00", "")),  # the same minute, no departures written
        (("23:50", "00:30"), ("00:10", "")),  # across midnight
    ],
)
def test_an_overlap_across_two_files_is_rejected_naming_both(tmp_path, known, store, first, second):
    a = _file(tmp_path, "senin.csv", template_row(venue_id="V1", tiba=first[0], berangkat=first[1]))
    b = _file(tmp_path, "koreksi.csv",
              template_row(venue_id="V2", tiba=second[0], berangkat=second[1]))  # fmt: skip
    h.import_file(store, a, known, now=NOW)
    before = dump(store)
    with pytest.raises(InputError) as info:
        h.import_file(store, b, known, now=NOW)
    (problem,) = info.value.problems
    text = problem.render("en")
    assert problem.file == "koreksi.csv" and problem.row == 2 and problem.column == "tiba"
    assert "V2" in text and "V1" in text and "senin.csv" in text and "R01" in text
    assert "dua tempat sekaligus" in problem.render("id")
    assert dump(store) == before


def test_visits_that_do_not_overlap_are_accepted_across_files(tmp_path, known, store):
    a = _file(tmp_path, "a.csv", template_row(venue_id="V1", tiba="21:00", berangkat="21:30"))
    b = _file(
        tmp_path,
        "b.csv",
        template_row(venue_id="V2", tiba="21:30", berangkat="22:00"),  # leaves, then arrives
        template_row(venue_id="V3", regu="R02", tiba="21:10"),  # another squad
        template_row(venue_id="V4", tanggal="2024-05-02", tiba="21:10"),
    )  # another night
    h.import_file(store, a, known, now=NOW)
    assert h.import_file(store, b, known, now=NOW).visits_new == 3


def test_a_reimport_and_a_replace_are_not_overlaps_with_themselves(tmp_path, known, store):
    a = _file(tmp_path, "a.csv", template_row(venue_id="V1", tiba="21:00", berangkat="21:30"),
              template_row(venue_id="V2", tiba="21:40", berangkat="22:00"))  # fmt: skip
    h.import_file(store, a, known, now=NOW)
    assert h.import_file(store, a, known, now=NOW).visits_existing == 2
    moved = _file(tmp_path, "b.csv", template_row(venue_id="V1", tiba="21:00", berangkat="21:45"),
                  template_row(venue_id="V2", tiba="21:50", berangkat="22:00"))  # fmt: skip
    assert h.import_file(store, moved, known, now=NOW, replace=True).visits_replaced == 2


def test_an_overlap_typed_by_hand_is_rejected(tmp_path, known, store):
    h.import_file(store, _file(tmp_path, "malam.csv",
                               template_row(venue_id="V1", tiba="21:00", berangkat="22:00")),
                  known, now=NOW)  # fmt: skip
    with pytest.raises(InputError) as info:
        h.add_visit(store, {"tanggal": "2024-05-01", "regu": "R01", "venue_id": "V3",
                            "tiba": "21:15"}, known, now=NOW)  # fmt: skip
    (problem,) = info.value.problems
    assert (
        problem.row is None and "V1" in problem.render("en") and "malam.csv" in problem.render("en")
    )
    assert store.counts()["visits"] == 1


def test_typed_visits_overlapping_each_other_are_rejected(store):
    """add_visits (typed records, simulations) checks the batch itself too."""
    a = h.VisitIn(night=NOW.date(), squad_id="R01", venue_id="V1",
                  arrived_at=NOW.replace(hour=21), left_at=NOW.replace(hour=22))  # fmt: skip
    b = h.VisitIn(night=NOW.date(), squad_id="R01", venue_id="V2",
                  arrived_at=NOW.replace(hour=21, minute=30))  # fmt: skip
    with pytest.raises(InputError, match="two places at once"):
        h.add_visits(store, [a, b], source="test")
    assert store.counts()["visits"] == 0


def test_640_overlaps_spread_over_two_files_store_none(tmp_path, known, store):
    """The issue's case: each file fine alone, 640 overlapping pairs between them."""
    import datetime as dt

    nights = [(dt.date(2024, 5, 31) - dt.timedelta(days=k)).isoformat() for k in range(80)]
    first = [template_row(tanggal=night, regu=squad, venue_id=venue, tiba=f"{19 + i}:00",
                          berangkat=f"{19 + i}:40")
             for night in nights for squad in ("R01", "R02")
             for i, venue in enumerate(VENUES[:4])]  # fmt: skip
    second = [template_row(tanggal=night, regu=squad, venue_id="V5", tiba="19:00",
                           berangkat="23:00")
              for night in nights for squad in ("R01", "R02")]  # fmt: skip
    h.import_file(store, _file(tmp_path, "a.csv", *first), known, now=NOW)
    before = dump(store)
    with pytest.raises(InputError) as info:
        h.import_file(store, _file(tmp_path, "b.csv", *second), known, now=NOW)
    assert len(info.value.problems) == 640
    assert {p.row for p in info.value.problems} == set(range(2, 2 + len(second)))
    assert dump(store) == before


# --------------------------------------------------------------------------- categories


def _known_with(*categories: str) -> h.Known:
    settings = Settings.model_validate(
        {"history": {"report_categories": ["infrastruktur", *categories]}}
    )
    return h.Known.from_settings(settings, venue_ids=VENUES, squad_ids=["R01", "R02"])


@pytest.mark.parametrize("written", ["air bersih", "air_bersih", "Air Bersih", " AIR-bersih "])
def test_a_category_with_a_space_is_accepted_in_every_spelling(tmp_path, store, written):
    known = _known_with("air bersih")
    path = _file(tmp_path, "k.csv",
                 template_row(laporan_kategori=written, laporan_isi="PDAM mati 3 hari"))  # fmt: skip
    assert h.import_file(store, path, known, now=NOW).reports_new == 1
    stored = store.conn.execute("SELECT category FROM reports").fetchall()
    assert stored == [("air bersih",)]  # as the settings spell it


def test_an_unknown_category_names_the_spelling_rule(tmp_path, store):
    known = _known_with("air bersih")
    path = _file(tmp_path, "k.csv", template_row(laporan_kategori="air kotor", laporan_isi="x"))
    with pytest.raises(InputError) as info:
        h.import_file(store, path, known, now=NOW)
    (problem,) = info.value.problems
    assert "air bersih" in problem.render("en") and "spaces and _ alike" in problem.render("en")
    assert "spasi dan _" in problem.render("id")


# --------------------------------------------------------------------------- a full disk


def _fill_up(store: h.HistoryStore) -> None:
    """Let SQLite's file grow by two pages only: it reports SQLITE_FULL, as on a full disk."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")


def test_a_full_disk_during_import_is_a_clear_error_and_changes_nothing(tmp_path, known):
    path = tmp_path / "history.sqlite"
    rows = [template_row(tanggal=f"2024-05-{d:02d}", regu=r, venue_id=v, tiba=f"{19 + i}:00",
                         catatan="catatan panjang " * 20,
                         laporan_kategori="infrastruktur", laporan_isi="jalan rusak " * 10)
            for d in range(1, 29) for r in ("R01", "R02") for i, v in enumerate(VENUES)]  # fmt: skip
    big = _file(tmp_path, "bulan.csv", *rows)
    with h.open_store(path) as store:
        h.import_file(store, _file(tmp_path, "a.csv", template_row(tanggal="2024-04-30")), known,
                      now=NOW)  # fmt: skip
        before = dump(store)
        _fill_up(store)
        for _ in range(2):  # and again: no leftover transaction, the same clear message
            with pytest.raises(OutputError) as info:
                h.import_file(store, big, known, now=NOW)
            assert info.value.exit_code == 73
        assert "disk penuh" in info.value.render("id") and str(path) in info.value.render("id")
        assert "unchanged" in info.value.render("en")
        assert not store.conn.in_transaction
        assert dump(store) == before and store.integrity_ok()
    with h.open_store(path) as store:  # a fresh connection: the file holds the old log
        assert dump(store) == before
        assert h.import_file(store, big, known, now=NOW).visits_new == len(rows)


def test_a_full_disk_at_commit_is_a_clear_error(tmp_path, known, monkeypatch):
    """SQLITE_FULL on COMMIT itself (the WAL append fails): same message, nothing stored."""
    with h.open_store(tmp_path / "history.sqlite") as store:
        real = store.conn

        class FullAtCommit:
            def __getattr__(self, name):
                return getattr(real, name)

            def execute(self, sql, *args):
                if sql == "COMMIT":
                    err = sqlite3.OperationalError("database or disk is full")
                    err.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
                    raise err
                return real.execute(sql, *args)

        monkeypatch.setattr(store, "conn", FullAtCommit())
        with pytest.raises(OutputError, match="disk is full"):
            h.import_file(store, _file(tmp_path, "a.csv", template_row()), make_known(), now=NOW)
        monkeypatch.undo()
        assert store.counts()["visits"] == 0 and not store.conn.in_transaction
