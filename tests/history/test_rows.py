"""Tests of planner.history.rows: reading visit sheets (template, route sheet, CSV, XLSX) and
validating their rows, including fuzzing."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from history.support import DESA, NOW, VENUES, dump, template_row, write_csv
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner import history as h
from planner.config import Settings
from planner.domain import WIB
from planner.errors import InputError
from planner.render import sheets

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
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(rows)  # as Excel saves it
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
    # Not UTF-8 is read as Windows-1252 now (the one table reader's rule; the visit log used to
    # refuse it): this file is still refused, for its row wider than the header.
    with pytest.raises(InputError) as exc:
        h.import_file(store, latin, known, now=NOW)
    assert [(p.row, p.column, p.value) for p in exc.value.problems] == [(2, None, "café")]
    # A .txt file is read as CSV too: "hello" is an unknown column, the required ones missing.
    for path in (tmp_path / "missing.csv", tmp_path / "notes.txt"):
        if path.suffix == ".txt":
            path.write_text("hello")
        with pytest.raises(InputError):
            h.import_file(store, path, known, now=NOW)
    fake_xlsx = tmp_path / "fake.xlsx"
    fake_xlsx.write_text("not a zip")
    with pytest.raises(InputError):
        h.import_file(store, fake_xlsx, known, now=NOW)
    assert store.counts()["visits"] == 0


def test_windows_1252_csv_from_older_excel_is_read(tmp_path, known, store):
    path = tmp_path / "lama.csv"
    text = "tanggal;regu;venue_id;tiba;catatan\n01/05/2024;R01;V1;21:00;kopi café – ramai\n"
    path.write_bytes(text.encode("cp1252"))
    assert h.import_file(store, path, known, now=NOW).visits_new == 1
    assert h.visits_between(store).iloc[0]["notes"] == "kopi café – ramai"


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


def test_route_sheet_columns_of_the_sheets_module_are_accepted(tmp_path, known, store):
    cols = list(sheets.CSV_COLUMNS)
    row = dict.fromkeys(cols, "")
    row.update(tanggal="2024-05-01", regu="R01", urutan="1", venue_id="V1", rencana_tiba="21:00",
               prioritas="3.10", perhatian="Desa rawan", tiba="21:05", berangkat="21:30")  # fmt: skip
    path = write_csv(tmp_path / "rencana-patroli-2024-05-01.csv", cols, [[row[c] for c in cols]],
                     delimiter=";")  # fmt: skip
    res = h.import_file(store, path, known, now=NOW)
    assert res.visits_new == 1


def test_route_sheet_codes_read_as_the_names_they_stand_for(tmp_path, known, store):
    """The printed sheet's legend numbers the settings' lists (K1…, I1…); a squad writes the
    code, the office types it, the import stores the name."""
    cats, agencies = known.category_codes, known.agency_codes
    assert list(cats.values()) == list(known.categories)
    assert list(agencies.values()) == list(known.agencies)
    assert cats["K1"] == known.categories[0] and agencies["I3"] == known.agencies[2]
    k_infra = next(k for k, v in cats.items() if v == "infrastruktur")
    i_pupr = next(k for k, v in agencies.items() if v == "Dinas PUPR")
    rows = [
        template_row(laporan_kategori="k1", laporan_isi="motor hilang"),
        template_row(laporan_kategori=f" {k_infra} ", laporan_isi="jalan rusak",
                     dirujuk_ke=i_pupr.lower()),
        # the box prints the letter: the squad writes the number only
        template_row(venue_id="V3", tiba="22:00", laporan_kategori=k_infra[1:],
                     laporan_isi="lampu mati", dirujuk_ke=i_pupr[1:]),
    ]  # fmt: skip
    path = write_csv(tmp_path / "kode.csv", list(h.TEMPLATE_COLUMNS), rows)
    h.import_file(store, path, known, now=NOW)
    reps = h.reports_between(store)
    assert list(reps["category"]) == [known.categories[0], "infrastruktur", "infrastruktur"]
    assert list(reps["agency"]) == [None, "Dinas PUPR", "Dinas PUPR"]
    # a code past the end of the list is refused, and the message says codes are read
    bad = write_csv(
        tmp_path / "bad.csv",
        list(h.TEMPLATE_COLUMNS),
        [template_row(venue_id="V2", laporan_kategori=f"K{len(cats) + 1}", laporan_isi="x",
                      dirujuk_ke=f"I{len(agencies) + 1}")],
    )  # fmt: skip
    with pytest.raises(InputError) as err:
        h.import_file(store, bad, known, now=NOW)
    cols = {p.column: p for p in err.value.problems}
    assert set(cols) == {"laporan_kategori", "dirujuk_ke"}
    assert "K1" in cols["laporan_kategori"].expected("id")
    assert "I1" in cols["dirujuk_ke"].expected("en")


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
