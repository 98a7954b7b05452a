"""Tests of planner.history: the visit log store, the importer and the feedback queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner import history as h
from planner.config import Settings
from planner.domain import WIB, Night, Plan, Route, Stop
from planner.errors import InputError, PlannerError

REPO = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=WIB)
VENUES = [f"V{i}" for i in range(1, 6)]
DESA = {"V1": "D1", "V2": "D1", "V3": "D2", "V4": "D3", "V5": None}


@pytest.fixture
def known() -> h.Known:
    return h.Known.from_settings(
        Settings(), venue_ids=VENUES, venue_desa=DESA, squad_ids=["R01", "R02"]
    )


@pytest.fixture
def store():
    with h.open_store(":memory:") as s:
        yield s


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, delimiter=",") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def template_row(**kw: str) -> list[str]:
    base = dict.fromkeys(h.TEMPLATE_COLUMNS, "")
    base.update(tanggal="2024-05-01", regu="R01", venue_id="V1", tiba="21:30")
    base.update(kw)
    return [base[c] for c in h.TEMPLATE_COLUMNS]


def dump(store: h.HistoryStore) -> list:
    conn = store.conn
    return [
        conn.execute("SELECT * FROM visits ORDER BY visit_id").fetchall(),
        conn.execute("SELECT * FROM reports ORDER BY report_id").fetchall(),
    ]


# ----------------------------------------------------------------------------- store


def test_new_store_is_at_current_schema_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "history.sqlite"
    with h.open_store(path) as s:
        assert s.schema_version == h.SCHEMA_VERSION
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
        assert s.integrity_ok()
        assert s.counts() == {"visits": 0, "reports": 0, "imports": 0}


def test_migration_from_version_1_keeps_data(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for stmt in h._MIGRATIONS[1]:
        conn.execute(stmt)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO visits (night, squad_id, venue_id, arrived_at, planned, recorded_at)"
        " VALUES ('2024-05-01', 'R01', 'V1', '2024-05-01T21:00:00+07:00', 1, 'x')"
    )
    conn.commit()
    conn.close()
    with h.open_store(path) as s:
        assert s.schema_version == 2
        assert s.counts() == {"visits": 1, "reports": 0, "imports": 0}
        assert h.last_visits(s, before=NOW) == {"V1": dt.datetime(2024, 5, 1, 21, 0, tzinfo=WIB)}


def test_store_from_a_newer_planner_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {h.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(PlannerError, match="newer planner"):
        h.open_store(path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database at all, just text" * 100)
    with pytest.raises(PlannerError) as exc:
        h.open_store(path)
    assert "bukan berkas riwayat" in exc.value.render("id")


def test_default_store_path_follows_settings(tmp_path):
    assert h.default_store_path(tmp_path) == tmp_path / "history.sqlite"
    s = Settings().with_overrides(history={"store": "log/visits.sqlite"})
    assert h.default_store_path(tmp_path, s) == tmp_path / "log" / "visits.sqlite"


# ----------------------------------------------------------------------------- template import


def test_template_csv_roundtrip_and_reimport_is_a_noop(tmp_path, known, store):
    path = h.write_template(tmp_path / "kunjungan.csv", known)
    text = path.read_text(encoding="utf-8")
    assert "Petunjuk" in text and "Dinas PUPR" in text and "curanmor" in text
    rows = [
        template_row(jumlah_warga="12", laporan_kategori="curanmor", laporan_isi="motor hilang"),
        template_row(
            jumlah_warga="12",
            laporan_kategori="infrastruktur",
            laporan_isi="jalan berlubang",
            dirujuk_ke="dinas pupr",
        ),
        template_row(venue_id="V3", tiba="01.15", berangkat="01:45", sesuai_rencana="tidak"),
    ]
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    first = h.import_file(store, path, known, now=NOW)
    assert (first.visits_new, first.reports_new, first.visits_existing) == (2, 2, 0)
    again = h.import_file(store, path, known, now=NOW)
    assert (again.visits_new, again.reports_new, again.visits_existing) == (0, 0, 2)
    assert "sudah diimpor sebelumnya: 0 kunjungan baru" in again.message("id")
    assert "already imported: 0 new visits" in again.message("en")
    assert store.counts()["visits"] == 2

    visits = h.visits_between(store)
    v3 = visits[visits["venue_id"] == "V3"].iloc[0]
    # 01:15 belongs to the morning after the night of 1 May
    assert v3["arrived_at"] == pd.Timestamp("2024-05-02 01:15", tz=WIB)
    assert not v3["planned"]
    reps = h.reports_between(store)
    assert list(reps["category"]) == ["curanmor", "infrastruktur"]
    assert list(reps["police_matter"]) == [True, False]  # curanmor is a kamtibmas category
    assert list(reps["agency"]) == [None, "Dinas PUPR"]  # canonical spelling
    assert list(reps["status"]) == ["baru", "dirujuk"]
    assert list(reps["due_date"]) == [dt.date(2024, 5, 15)] * 2
    assert list(reps["desa_code"]) == ["D1", "D1"]


def test_template_xlsx_with_excel_time_cells(tmp_path, known, store):
    from openpyxl import load_workbook

    path = h.write_template(tmp_path / "kunjungan.xlsx", known)
    wb = load_workbook(path)
    assert wb.sheetnames == ["kunjungan", "petunjuk"]
    ws = wb["kunjungan"]
    assert [c.value for c in ws[1]] == list(h.TEMPLATE_COLUMNS)
    ws.append(
        [dt.datetime(2024, 5, 1), "R02", "V2", dt.time(22, 5), dt.time(22, 40), 7, "ya", "aman"]
    )
    wb.save(path)
    res = h.import_file(store, path, known, now=NOW)
    assert res.visits_new == 1
    v = h.visits_between(store).iloc[0]
    assert v["arrived_at"] == pd.Timestamp("2024-05-01 22:05", tz=WIB)
    assert v["left_at"] == pd.Timestamp("2024-05-01 22:40", tz=WIB)
    assert v["people_met"] == 7 and v["notes"] == "aman"


def test_semicolon_csv_from_indonesian_excel(tmp_path, known, store):
    path = write_csv(
        tmp_path / "k.csv",
        list(h.TEMPLATE_COLUMNS),
        [template_row(tanggal="01/05/2024", catatan="ramai, banyak anak muda")],
        delimiter=";",
    )
    res = h.import_file(store, path, known, now=NOW)
    assert res.visits_new == 1
    assert h.visits_between(store).iloc[0]["notes"] == "ramai, banyak anak muda"


def test_bad_file_lists_every_problem_and_writes_nothing(tmp_path, known, store):
    good = write_csv(tmp_path / "ok.csv", list(h.TEMPLATE_COLUMNS), [template_row()])
    h.import_file(store, good, known, now=NOW)
    before = dump(store)
    rows = [
        template_row(venue_id="V2"),  # fine on its own
        template_row(venue_id="V999"),  # row 3: unknown venue
        template_row(venue_id="V3", tiba="13:00"),  # row 4: outside the night window
        template_row(
            venue_id="V4", laporan_kategori="sosial", laporan_isi="x", dirujuk_ke="Dinas Pariwisata"
        ),  # row 5: unknown agency
        template_row(venue_id="V5", tanggal="2024-13-01"),  # row 6: bad date
        template_row(venue_id="V1", regu="R02", jumlah_warga="banyak"),  # row 7
        template_row(venue_id="V2", regu="R02", tiba="23:00", berangkat="22:00"),  # row 8
        template_row(venue_id="V3", regu="R02", laporan_kategori="gosip", laporan_isi="y"),
        template_row(tanggal="2024-07-01", venue_id="V5", regu="R02"),  # row 10: future
        template_row(regu="R09", venue_id="V4"),  # row 11: unknown squad
    ]
    bad = write_csv(tmp_path / "bad.csv", list(h.TEMPLATE_COLUMNS), rows)
    with pytest.raises(InputError) as exc:
        h.import_file(store, bad, known, now=NOW)
    found = {(p.row, p.column) for p in exc.value.problems}
    assert found == {
        (3, "venue_id"),
        (4, "tiba"),
        (5, "dirujuk_ke"),
        (6, "tanggal"),
        (7, "jumlah_warga"),
        (8, "berangkat"),
        (9, "laporan_kategori"),
        (10, "tiba"),
        (11, "regu"),
    }
    assert all(p.file == "bad.csv" for p in exc.value.problems)
    assert "Dinas PUPR" in next(p for p in exc.value.problems if p.row == 5).expected("id")
    assert dump(store) == before  # all or nothing


def test_header_problems(tmp_path, known, store):
    path = write_csv(tmp_path / "h.csv", ["tanggal", "regu", "venu_id", "tiba"], [["x"] * 4])
    with pytest.raises(InputError) as exc:
        h.import_file(store, path, known, now=NOW)
    cols = {p.column for p in exc.value.problems}
    assert cols == {"venu_id", "venue_id"}  # the typo, and the missing required column


def test_unreadable_files(tmp_path, known, store):
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "tanggal,regu,venue_id,tiba\n2024-05-01,R01,V1,21:00,caf\xe9\n".encode("latin-1")
    )
    for path in (latin, tmp_path / "missing.csv", tmp_path / "notes.txt"):
        if path.suffix == ".txt":
            path.write_text("hello")
        with pytest.raises(InputError):
            h.import_file(store, path, known, now=NOW)
    fake_xlsx = tmp_path / "fake.xlsx"
    fake_xlsx.write_text("not a zip")
    with pytest.raises(InputError):
        h.import_file(store, fake_xlsx, known, now=NOW)
    assert store.counts()["visits"] == 0


def test_overlapping_visits_of_one_squad_are_rejected(tmp_path, known, store):
    rows = [
        template_row(venue_id="V1", tiba="21:00", berangkat="22:00"),
        template_row(venue_id="V2", tiba="21:30", berangkat="22:30"),
    ]
    path = write_csv(tmp_path / "o.csv", list(h.TEMPLATE_COLUMNS), rows)
    with pytest.raises(InputError) as exc:
        h.import_file(store, path, known, now=NOW)
    assert [(p.row, p.column) for p in exc.value.problems] == [(3, "tiba")]


def test_repeated_visit_rows_must_agree(tmp_path, known, store):
    rows = [
        template_row(jumlah_warga="10", laporan_kategori="sosial", laporan_isi="a"),
        template_row(jumlah_warga="11", laporan_kategori="sosial", laporan_isi="b"),
        template_row(jumlah_warga="10", laporan_kategori="sosial", laporan_isi="a"),
    ]
    path = write_csv(tmp_path / "r.csv", list(h.TEMPLATE_COLUMNS), rows)
    with pytest.raises(InputError) as exc:
        h.import_file(store, path, known, now=NOW)
    assert {(p.row, p.column) for p in exc.value.problems} == {
        (3, "jumlah_warga"),
        (4, "laporan_isi"),  # an exact duplicate report row
    }


def test_conflicting_reimport_is_rejected_unless_replace(tmp_path, known, store):
    p1 = write_csv(tmp_path / "a.csv", list(h.TEMPLATE_COLUMNS), [template_row(jumlah_warga="5")])
    p2 = write_csv(tmp_path / "b.csv", list(h.TEMPLATE_COLUMNS), [template_row(jumlah_warga="9")])
    h.import_file(store, p1, known, now=NOW)
    with pytest.raises(InputError) as exc:
        h.import_file(store, p2, known, now=NOW)
    assert "--ganti" in exc.value.problems[0].expected("id")
    assert h.visits_between(store).iloc[0]["people_met"] == 5
    res = h.import_file(store, p2, known, now=NOW, replace=True)
    assert res.visits_replaced == 1 and res.visits_new == 0
    assert h.visits_between(store).iloc[0]["people_met"] == 9
    assert store.counts()["visits"] == 1


# ----------------------------------------------------------------------------- route sheet

ROUTE_SHEET_COLUMNS = [
    "tanggal", "regu", "urutan", "venue_id", "nama", "desa", "kecamatan", "rencana_tiba",
    "rencana_berangkat", "tiba", "berangkat", "jumlah_warga", "catatan", "laporan_kategori",
    "laporan_isi", "urusan_polisi", "dirujuk_ke",
]  # fmt: skip


def test_filled_route_sheet_imports(tmp_path, known, store):
    def row(order, venue, *fill):
        plan = [order, venue, f"Warkop {venue}", "Desa", "Kec", "21:00", "21:25"] if order else [
            "", venue, "", "", "", "", ""]  # fmt: skip
        fill = list(fill) + [""] * (8 - len(fill))
        return ["2024-05-01", "R01", *plan, *fill]

    rows = [
        row("1", "V1", "21:05", "21:30", "15", "ramai", "curanmor", "sering hilang motor", "ya"),
        row("1", "V1", "21:05", "21:30", "15", "ramai", "lingkungan", "sampah", "tidak", "DLH"),
        row("2", "V2"),  # planned, not visited: all fill columns empty
        row("", "V4", "22:10", "22:30", "4"),  # an extra stop the squad added
    ]
    path = write_csv(tmp_path / "rencana-patroli-2024-05-01.csv", ROUTE_SHEET_COLUMNS, rows)
    res = h.import_file(store, path, known, now=NOW)
    assert (res.visits_new, res.reports_new, res.not_visited) == (2, 2, 1)
    assert "1 baris tidak dikunjungi" in res.message("id")
    visits = h.visits_between(store).set_index("venue_id")
    assert bool(visits.loc["V1", "planned"]) and visits.loc["V1", "plan_order"] == 1
    assert not bool(visits.loc["V4", "planned"])
    reps = h.reports_between(store)
    assert list(reps["status"]) == ["baru", "dirujuk"]
    assert list(reps["police_matter"]) == [True, False]


# ----------------------------------------------------------------------------- queries


@pytest.fixture
def filled(tmp_path, known, store):
    rows = [
        template_row(tanggal="2024-05-01", venue_id="V1", tiba="21:00",
                     laporan_kategori="curanmor", laporan_isi="motor hilang"),
        template_row(tanggal="2024-05-10", venue_id="V1", tiba="20:00",
                     laporan_kategori="infrastruktur", laporan_isi="lampu mati", dirujuk_ke="PLN"),
        template_row(tanggal="2024-05-10", venue_id="V3", tiba="22:00",
                     laporan_kategori="sosial", laporan_isi="bansos", dirujuk_ke="Dinas Sosial",
                     batas_waktu="2024-06-30"),
        template_row(tanggal="2024-05-20", venue_id="V3", regu="R02", tiba="23:00",
                     laporan_kategori="ekonomi", laporan_isi="harga naik"),
    ]  # fmt: skip
    h.import_file(store, write_csv(tmp_path / "f.csv", list(h.TEMPLATE_COLUMNS), rows), known,
                  now=NOW)  # fmt: skip
    return store


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


def test_export_then_import_into_a_fresh_store_is_identical(tmp_path, filled, known):
    path = h.export_csv(filled, tmp_path / "export.csv")
    with h.open_store(":memory:") as fresh:
        res = h.import_file(fresh, path, known, now=NOW)
        assert res.visits_new == filled.counts()["visits"]
        cols = ["night", "squad_id", "venue_id", "arrived_at", "left_at", "people_met", "notes",
                "planned"]  # fmt: skip
        pd.testing.assert_frame_equal(h.visits_between(fresh)[cols], h.visits_between(filled)[cols])
        rcols = ["reported_at", "category", "text", "police_matter", "agency", "status",
                 "due_date", "closed_date", "outcome"]  # fmt: skip
        pd.testing.assert_frame_equal(
            h.reports_between(fresh)[rcols], h.reports_between(filled)[rcols]
        )
    # and back into the store it came from: nothing new
    assert h.import_file(filled, path, known, now=NOW).visits_existing == 4


def test_add_visit_by_hand(known, store):
    res = h.add_visit(
        store,
        {"tanggal": "2024-05-03", "regu": "R01", "venue_id": "V2", "tiba": "20:15",
         "laporan_kategori": "miras", "laporan_isi": "pesta miras tiap malam minggu"},
        known,
        now=NOW,
    )  # fmt: skip
    assert (res.visits_new, res.reports_new) == (1, 1)
    with pytest.raises(InputError) as exc:
        h.add_visit(store, {"tanggal": "2024-05-03", "regu": "R01", "venue_id": "V0",
                            "tiba": "20:15"}, known, now=NOW)  # fmt: skip
    assert exc.value.problems[0].column == "venue_id"
    with pytest.raises(InputError):
        h.add_visit(store, {"tanggal": "2024-05-03", "kolom_aneh": "x"}, known, now=NOW)


def test_record_plan_records_planned_stops_once(store):
    night = Night(dt.date(2024, 5, 5))
    stops = (
        Stop("V1", 32400, 32400, 33900, 600, 5000.0, 2.0),  # 21:00-21:25
        Stop("V2", 36000, 36300, 37800, 900, 7000.0, 1.0),
    )
    plan = Plan(night, (Route("R01", "POLRES", 31800, 40000, stops, 600, 4000.0),))
    res = h.record_plan(
        store, plan, venue_desa=DESA, reports={"V2": [h.ReportIn("judi", "judi kartu", True)]}
    )
    assert (res.visits_new, res.reports_new) == (2, 1)
    assert h.record_plan(store, plan, venue_desa=DESA, reports={
        "V2": [h.ReportIn("judi", "judi kartu", True)]}).visits_existing == 2  # fmt: skip
    visits = h.visits_between(store)
    assert list(visits["plan_order"]) == [1, 2]
    assert visits.iloc[1]["arrived_at"] == pd.Timestamp("2024-05-05 22:05", tz=WIB)
    assert h.last_visits(store, before=night.at(24 * 60))["V2"] == night.at(605)


# ----------------------------------------------------------------------------- fuzzing

_cell = st.one_of(
    st.sampled_from(["", " ", "ya", "tidak", "21:30", "25:99", "01.15", "2024-05-01", "x"]),
    st.text(max_size=12),
)


# Per column: values that are valid (first list) and values that may not be (second list).
_FUZZ_VALUES: dict[str, tuple[list[str], list[str]]] = {
    "tanggal": (["2024-05-01", "02/05/2024"], ["2024-02-30", "", "x", "2099-01-01"]),
    "regu": (["R01", "R02"], ["R9", ""]),
    "venue_id": (VENUES, ["V0", ""]),
    "tiba": (["20:00", "21.30", "23:59", "00:30"], ["13:00", "", "9", "24:61"]),
    "berangkat": ([""], ["20:30", "22:00", "01:00", "99:00"]),
    "jumlah_warga": (["", "0", "12"], ["-1", "3.5", "1001"]),
    "sesuai_rencana": (["", "ya", "tidak"], ["mungkin"]),
    "laporan_kategori": (["", "curanmor", "sosial", "Sosial"], ["?"]),
    "urusan_polisi": (["", "ya", "tidak"], ["entah"]),
    "dirujuk_ke": (["", "PLN", "dlh"], ["Dinas X"]),
    "status": ([""], ["baru", "selesai", "dirujuk", "tutup"]),
    "batas_waktu": (["", "2024-05-20"], ["2024-04-01", "kapan"]),
    "tanggal_selesai": ([""], ["2024-05-03", "kemarin"]),
}


@st.composite
def visit_rows(draw):
    """1-6 rows; most rows draw only valid values, some draw anything (so both outcomes occur)."""
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        clean = draw(st.integers(0, 3)) > 0
        row = {}
        for col, (good, risky) in _FUZZ_VALUES.items():
            row[col] = draw(st.sampled_from(good if clean else good + risky))
        row["catatan"] = draw(st.text(max_size=20))
        row["laporan_isi"] = draw(st.text(min_size=1, max_size=20)) if row[
            "laporan_kategori"] else draw(st.sampled_from(["", "x"]) if not clean else st.just(""))  # fmt: skip
        row["hasil"] = draw(_cell)
        rows.append(row)
    return rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit_rows())
def test_fuzz_rows_import_whole_or_reject_with_problems(rows):
    known = h.Known.from_settings(
        Settings(), venue_ids=VENUES, venue_desa=DESA, squad_ids=["R01", "R02"]
    )
    header = list(h.TEMPLATE_COLUMNS)
    cells = [(i + 2, [r[c] for c in header]) for i, r in enumerate(rows)]
    with h.open_store(":memory:") as store:
        seed = h.add_visit(store, dict(zip(header, template_row(venue_id="V5"), strict=True)),
                           known, now=NOW)  # fmt: skip
        assert seed.visits_new == 1
        before = dump(store)
        try:
            res = h.import_rows(store, header, cells, known, file="fuzz.csv", now=NOW)
        except InputError as exc:
            event("rejected")
            assert exc.problems and all(p.file == "fuzz.csv" for p in exc.problems)
            assert all(p.row is None or 1 <= p.row <= len(rows) + 1 for p in exc.problems)
            assert exc.render("id") and exc.render("en")
            assert dump(store) == before  # nothing of the file was written
        else:
            event("imported")
            assert res.visits_new + res.visits_existing + res.visits_replaced <= len(rows)
            assert store.counts()["visits"] == 1 + res.visits_new
            again = h.import_rows(store, header, cells, known, file="fuzz.csv", now=NOW)
            assert again.visits_new == 0 and again.reports_new == 0
        assert store.integrity_ok()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_raw_csv_text_never_crashes(text):
    known = h.Known.from_settings(Settings(), venue_ids=VENUES, squad_ids=None)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "raw.csv"
        path.write_text("tanggal,regu,venue_id,tiba\n" + text, encoding="utf-8")
        with h.open_store(":memory:") as store:
            try:
                h.import_file(store, path, known, now=NOW)
            except InputError as exc:
                assert exc.problems
                assert store.counts()["visits"] == 0


# ----------------------------------------------------------------------------- processes

CHILD = textwrap.dedent(
    """
    import sys, time, datetime as dt
    from planner import history as h
    from planner.config import Settings
    from planner.domain import WIB
    store_path, csv_path, n_venues, pause_at, sleep_s = sys.argv[1:6]
    known = h.Known.from_settings(
        Settings(), venue_ids=[f"V{i:05d}" for i in range(int(n_venues))], squad_ids=None
    )
    def progress(done, total):
        if done == int(pause_at):
            print("MID", flush=True)
        if float(sleep_s):
            time.sleep(float(sleep_s))
    with h.open_store(store_path) as store:
        res = h.import_file(store, csv_path, known, progress=progress,
                            now=dt.datetime(2030, 1, 1, tzinfo=WIB))
    print("DONE", res.visits_new, res.visits_existing, flush=True)
    """
)


def big_sheet(path: Path, n: int, *, squad: str = "R01", start: int = 0) -> Path:
    """n visits, each with one report; one venue per visit; one night per 8 visits."""
    rows = []
    for i in range(start, start + n):
        night = dt.date(2024, 1, 1) + dt.timedelta(days=i // 8)
        tiba = f"{(19 + i % 8) % 24:02d}:10"  # 19:10 … 02:10
        rows.append(
            template_row(tanggal=night.isoformat(), regu=squad, venue_id=f"V{i:05d}", tiba=tiba,
                         berangkat=tiba[:3] + "40", jumlah_warga=str(i % 30),
                         laporan_kategori="sosial", laporan_isi=f"laporan {i}", dirujuk_ke="PLN")
        )  # fmt: skip
    return write_csv(path, list(h.TEMPLATE_COLUMNS), rows)


def child(store: Path, sheet: Path, n_venues: int, pause_at: int, sleep_s: float):
    # stderr to a file: a full pipe would block the child while we wait on stdout
    with open(store.parent / f"child-{time.monotonic_ns()}.err", "w") as errlog:
        args = [str(store), str(sheet), str(n_venues), str(pause_at), str(sleep_s)]
        return subprocess.Popen(
            [sys.executable, "-c", CHILD, *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=errlog,
            text=True,
        )


def check_store(path: Path) -> dict[str, int]:
    with h.open_store(path) as s:
        assert s.integrity_ok()
        return s.counts()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_kill_during_import_leaves_store_unchanged_or_complete(tmp_path):
    n = 4000
    sheet = big_sheet(tmp_path / "big.csv", n)
    store = tmp_path / "history.sqlite"
    check_store(store)  # created empty
    # 1. killed for sure inside the write transaction (the progress hook pauses half way)
    proc = child(store, sheet, n, n // 2, 0.0005)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "MID", next(iter(tmp_path.glob("*.err"))).read_text()[-2000:]
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert check_store(store)["visits"] == 0
    # 2. killed at an arbitrary moment (maybe before, during or after the transaction)
    for delay_s in (0.3, 1.2, 2.0):
        proc = child(store, sheet, n, -1, 0.0)
        time.sleep(delay_s)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        counts = check_store(store)
        assert counts["visits"] in (0, n)
        assert counts["reports"] == counts["visits"]
    # 3. after all that, a clean import completes and a second one adds nothing
    for _ in range(2):
        proc = child(store, sheet, n, -1, 0.0)
        proc.communicate(timeout=120)
        assert proc.returncode == 0
    counts = check_store(store)
    assert counts["visits"] == n and counts["reports"] == n


def test_two_imports_at_once_both_succeed(tmp_path):
    n = 600
    a = big_sheet(tmp_path / "a.csv", n, squad="R01", start=0)
    b = big_sheet(tmp_path / "b.csv", n, squad="R02", start=n)
    store = tmp_path / "history.sqlite"
    check_store(store)
    # slow writers (a short sleep per visit) so the two transactions surely overlap in time
    procs = [child(store, sheet, 2 * n, 1, 0.002) for sheet in (a, b, a)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    done = sorted(out.split("MID")[-1].split() [1:] for out, _ in outs)  # fmt: skip
    # a and b add n each; the second import of a (whichever ran later) adds nothing
    assert done == [["0", str(n)], [str(n), "0"], [str(n), "0"]]
    counts = check_store(store)
    assert counts["visits"] == 2 * n and counts["reports"] == 2 * n
    assert counts["imports"] == 3


# ----------------------------------------------------------------------------- CLI


@pytest.fixture
def demo_copy(tmp_path):
    """The bundled demo dataset without its road network (history needs none)."""
    pytest.importorskip("planner.sources")
    src = REPO / "data" / "demo"
    if not (src / "venues.csv").exists():
        pytest.skip("data/demo is not there")
    dst = tmp_path / "demo"
    dst.mkdir()
    for name in ("desa.geojson", "venues.csv", "incidents.csv", "stations.csv", "squads.toml",
                 "planner.toml"):  # fmt: skip
        if (src / name).exists():
            (dst / name).write_bytes((src / name).read_bytes())
    return dst


def test_cli_template_import_followups_report(tmp_path, demo_copy):
    from typer.testing import CliRunner

    from planner.cli import app

    runner = CliRunner()
    venue = next(csv.DictReader(io.StringIO((demo_copy / "venues.csv").read_text())))["venue_id"]
    tpl = tmp_path / "tpl.csv"
    res = runner.invoke(app, ["visits", "template", str(tpl), "-d", str(demo_copy)])
    assert res.exit_code == 0, res.output
    with tpl.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(
            template_row(regu="R01", venue_id=venue, laporan_kategori="sosial",
                         laporan_isi="anak putus sekolah", dirujuk_ke="Dinas Sosial")
        )  # fmt: skip
    args = ["visits", "import", str(tpl), "-d", str(demo_copy), "-q"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "1 kunjungan baru" in res.output
    res = runner.invoke(app, args)
    assert "sudah diimpor sebelumnya: 0 kunjungan baru" in res.output
    assert (demo_copy / "history.sqlite").exists()

    bad = write_csv(tmp_path / "bad.csv", list(h.TEMPLATE_COLUMNS), [template_row(venue_id="??")])
    res = runner.invoke(app, ["visits", "import", str(bad), "-d", str(demo_copy), "-q"])
    assert res.exit_code == 2 and "Traceback" not in res.output

    res = runner.invoke(
        app, ["visits", "add", "-d", str(demo_copy), "--tanggal", "2024-05-02", "--regu", "R01",
              "--venue", venue, "--tiba", "20:00", "--lang", "en"],
    )  # fmt: skip
    assert res.exit_code == 0 and "1 new visits" in res.output

    out_csv = tmp_path / "fu.csv"
    res = runner.invoke(app, ["followups", str(demo_copy), "--agency", "Dinas Sosial",
                              "--csv", str(out_csv)])  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = out_csv.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and "anak putus sekolah" in lines[1]

    report = tmp_path / "laporan.html"
    res = runner.invoke(app, ["report", str(demo_copy), "--from", "2024-05-01", "--to",
                              "2024-05-31", "--out", str(report)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Laporan Kegiatan Warkop Kamtibmas" in report.read_text(encoding="utf-8")
    res = runner.invoke(app, ["report", str(demo_copy), "--from", "kemarin"])
    assert res.exit_code == 2


def test_route_sheet_columns_of_the_reports_module_are_accepted(tmp_path, known, store):
    reports = pytest.importorskip("planner.reports")
    cols = list(reports.CSV_COLUMNS)
    row = dict.fromkeys(cols, "")
    row.update(tanggal="2024-05-01", regu="R01", urutan="1", venue_id="V1", rencana_tiba="21:00",
               prioritas="3.10", perhatian="Desa rawan", tiba="21:05", berangkat="21:30")  # fmt: skip
    path = write_csv(tmp_path / "rencana-patroli-2024-05-01.csv", cols, [[row[c] for c in cols]],
                     delimiter=";")  # fmt: skip
    res = h.import_file(store, path, known, now=NOW)
    assert res.visits_new == 1
