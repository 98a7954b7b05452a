"""Tests of planner.history.export: the template format round trip, the template's instructions."""

from __future__ import annotations

import csv
import io

import pandas as pd
from history.support import NOW, template_row

from planner import history as h
from planner.text.history import TEMPLATE_RULES


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


def test_template_help_in_both_languages_fills_the_dataset_words(tmp_path, known):
    id_help = {col: (need, text) for col, need, text in h.template_help(known)}
    en_help = {col: (need, text) for col, need, text in h.template_help(known, lang="en")}
    assert list(id_help) == list(en_help) == list(h.TEMPLATE_COLUMNS)
    assert id_help["tanggal"][0] == "wajib" and en_help["tanggal"][0] == "required"
    for helps in (id_help, en_help):
        assert "curanmor" in helps["laporan_kategori"][1]
        assert "Dinas PUPR" in helps["dirujuk_ke"][1]
        assert f"{known.due_days} " in helps["batas_waktu"][1]
        assert not any("{" in text for _, text in helps.values())
    assert id_help["catatan"][1] != en_help["catatan"][1]
    # the columns are the file format: the same header row whatever the instructions' language
    path = h.write_template(tmp_path / "en.csv", known, lang="en")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("# How to fill in")
    assert lines[-1] == ";".join(h.TEMPLATE_COLUMNS)


# --------------------------------------------------------------------------- formula injection

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _assert_safe(cells) -> None:
    import re

    for cell in cells:
        if isinstance(cell, str) and cell.startswith(FORMULA_START):
            assert re.fullmatch(r"[+-]?\d+([.,]\d*)?", cell.strip()), f"formula cell {cell!r}"


def _hostile_store(store):
    import datetime as dt

    from planner.domain import WIB

    visits = [
        h.VisitIn(
            night=dt.date(2024, 5, 1 + i), squad_id="R01", venue_id="V1",
            arrived_at=dt.datetime(2024, 5, 1 + i, 21, 0, tzinfo=WIB), notes=text,
            reports=(h.ReportIn("infrastruktur", text, police_matter=True, agency="PLN",
                                outcome=text),),
        )
        for i, text in enumerate(HOSTILE)
    ]  # fmt: skip
    h.add_visits(store, visits, source="test")
    return store


def test_export_csv_is_formula_safe_and_imports_back_to_the_original_text(tmp_path, known, store):
    import csv

    _hostile_store(store)
    path = h.export_csv(store, tmp_path / "export.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert len(rows) == 1 + len(HOSTILE) and len(rows[0]) == len(h.TEMPLATE_COLUMNS)
    for row in rows:
        _assert_safe(row)
    with h.open_store(":memory:") as fresh:
        h.import_file(fresh, path, known, now=NOW)
        assert sorted(h.visits_between(fresh)["notes"]) == sorted(HOSTILE)
        reps = h.reports_between(fresh)
        assert sorted(reps["text"]) == sorted(HOSTILE) == sorted(reps["outcome"])


def test_followups_csv_is_formula_safe(store):
    import csv
    import datetime as dt
    import io

    from planner._tables import restore_cell

    _hostile_store(store)
    table = h.followups(store, today=dt.date(2024, 6, 1))
    text = h.followups_csv(table).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 1 + len(HOSTILE)
    for row in rows:
        _assert_safe(row)
    found = {restore_cell(c) for row in rows[1:] for c in row}
    assert set(HOSTILE) <= found


def test_the_xlsx_template_keeps_hostile_setting_words_as_text(tmp_path):
    from openpyxl import load_workbook

    from planner.config import Settings

    settings = Settings.model_validate(
        {"history": {"report_categories": ["=1+1", "@SUM(A1)"], "agencies": ["+PLN", "-2+3"]}}
    )
    known = h.Known.from_settings(settings, venue_ids=["V1"], squad_ids=["R01"])
    path = h.write_template(tmp_path / "templat.xlsx", known)
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula cell at all
    _assert_safe([c.value for c in cells])
    help_text = " ".join(str(c.value) for c in cells)
    assert "=1+1" in help_text and "+PLN" in help_text  # the words are there, as text


# --------------------------------------------------------------------------- the CSV dialect


def _office_dialect(data: bytes, header: list[str]) -> list[str]:
    """Assert ``data`` is in the planner's dialect (BOM, CRLF only, ``;``); its text lines."""
    assert data.startswith(b"\xef\xbb\xbf"), data[:10]
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "a bare LF line end"
    lines = data[3:].decode("utf-8").split("\r\n")[:-1]
    first = next(ln for ln in lines if not ln.lstrip('"').startswith("#"))
    assert first == ";".join(header)
    return lines


def test_every_csv_the_visit_log_writes_is_in_the_office_dialect(tmp_path, filled, known):
    import datetime as dt

    template = h.write_template(tmp_path / "templat.csv", known).read_bytes()
    lines = _office_dialect(template, list(h.TEMPLATE_COLUMNS))
    assert sum(ln.lstrip('"').startswith("#") for ln in lines) == 1 + len(TEMPLATE_RULES) + len(
        h.TEMPLATE_COLUMNS
    )
    export = h.export_csv(filled, tmp_path / "export.csv").read_bytes()
    _office_dialect(export, list(h.TEMPLATE_COLUMNS))
    followups = h.followups_csv(h.followups(filled, today=dt.date(2024, 5, 26)))
    _office_dialect(followups, list(h.FOLLOWUP_CSV_COLUMNS.values()))
    # pandas reads each as the docs say, with the columns and rows written
    for data, rows in ((export, 4), (followups, 3)):
        path = tmp_path / "x.csv"
        path.write_bytes(data)
        frame = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
        assert len(frame) == rows and "venue_id" in frame.columns
    frame = pd.read_csv(tmp_path / "export.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert sorted(frame["laporan_isi"]) == ["bansos", "harga naik", "lampu mati", "motor hilang"]


def test_the_csv_template_filled_with_semicolons_imports_every_row(tmp_path, known, store):
    """A squad opens the template in Excel (Indonesian: ``;``), fills two visits (one with two
    reports) under the instructions, saves, and the import finds the header and every row."""
    path = h.write_template(tmp_path / "templat.csv", known)
    rows = [
        template_row(tanggal="2024-05-03", venue_id="V2", tiba="23:40", jumlah_warga="7",
                     catatan="ramai; banyak pemuda", laporan_kategori="curanmor",
                     laporan_isi="motor hilang di parkiran"),
        template_row(tanggal="2024-05-03", venue_id="V2", tiba="23:40", jumlah_warga="7",
                     catatan="ramai; banyak pemuda", laporan_kategori="infrastruktur",
                     laporan_isi="lampu jalan mati", dirujuk_ke="PLN"),
        template_row(tanggal="2024-05-03", regu="R02", venue_id="V4", tiba="01:10"),
    ]  # fmt: skip
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    with path.open("ab") as fh:
        fh.write(buf.getvalue().encode("utf-8"))
    res = h.import_file(store, path, known, now=NOW)
    assert (res.visits_new, res.reports_new) == (2, 2)
    visits = h.visits_between(store).set_index("venue_id")
    assert visits.loc["V2", "notes"] == "ramai; banyak pemuda"
    assert int(visits.loc["V2", "people_met"]) == 7
    assert visits.loc["V4", "arrived_at"].day == 4  # 01:10 is the morning after the night
    assert sorted(h.reports_between(store)["agency"].fillna("-")) == ["-", "PLN"]


# --------------------------------------------------------------------------- follow-ups for agencies

TODAY = __import__("datetime").date(2024, 5, 26)


def _names(*, drop: str | None = None) -> h.Names:
    """The dataset's names of the ``filled`` store's venues (``drop`` left out, as if removed)."""
    from types import SimpleNamespace

    venues = pd.DataFrame(
        {"venue_id": ["V1", "V2", "V3", "V4"], "name": ["Warkop Pak Dul", "Kafe Senja",
         "Angkringan Bu Sri", "Warkop X"], "desa_code": ["D1", "D1", "D2", None]}
    )  # fmt: skip
    desa = pd.DataFrame(
        {"desa_code": ["D1", "D2"], "desa": ["Sumbergedong", "Ngantru"],
         "kecamatan": ["Trenggalek", "Trenggalek"]}
    )  # fmt: skip
    if drop is not None:
        venues = venues[venues["venue_id"] != drop]
    return h.Names.from_dataset(SimpleNamespace(venues=venues, desa=desa))


def test_followups_are_named_from_the_dataset_and_gone_venues_say_so(filled):
    table = h.followups(filled, today=TODAY)
    named = h.name_followups(table, _names())
    assert list(named.columns[:7]) == ["report_id", "reported_at", "night", "squad_id",
                                       "venue_id", "venue_name", "desa_name"]  # fmt: skip
    by_cat = named.set_index("category")
    assert by_cat.loc["curanmor", ["venue_id", "venue_name", "desa_name", "kecamatan"]].tolist() \
        == ["V1", "Warkop Pak Dul", "Sumbergedong", "Trenggalek"]  # fmt: skip
    assert by_cat.loc["sosial", "desa_name"] == "Ngantru"
    # V3 is no longer in the venue list: its id stays, its name says so; its desa is still known
    gone = h.name_followups(table, _names(drop="V3")).set_index("category").loc["sosial"]
    assert (gone["venue_id"], gone["venue_name"]) == ("V3", "(tidak ada di dataset)")
    assert gone["desa_name"] == "Ngantru"
    en = h.name_followups(table, _names(drop="V3"), lang="en").set_index("category")
    assert en.loc["sosial", "venue_name"] == "(not in the dataset)"
    # a desa code the desa file no longer has
    other = h.Names(venues={"V1": "A"}, venue_desa={}, desa={})
    assert set(h.name_followups(table, other)["desa_name"]) == {"(tidak ada di dataset)"}
    # the CSV carries the names beside the ids
    text = h.followups_csv(named).decode("utf-8-sig")
    header, first = text.split("\r\n")[:2]
    assert header.startswith("nomor;tanggal;venue_id;nama_tempat;desa_code;desa;kecamatan;")
    assert ";V1;Warkop Pak Dul;D1;Sumbergedong;Trenggalek;curanmor;" in first


def _hostile_agencies(store):
    import datetime as dt

    from planner.domain import WIB

    agencies = ["PLN", "pln", "Dinas/PU: Jalan [Kab]", '=HYPERLINK("x")', None, "PLN"]
    visits = [
        h.VisitIn(
            night=dt.date(2024, 5, 1 + i), squad_id="R01", venue_id=f"V{1 + i % 4}",
            arrived_at=dt.datetime(2024, 5, 1 + i, 21, 0, tzinfo=WIB),
            reports=(h.ReportIn("infrastruktur", f"laporan {i}", police_matter=ag is None,
                                agency=ag, due_date=dt.date(2024, 5, 20 + i)),),
        )
        for i, ag in enumerate(agencies)
    ]  # fmt: skip
    h.add_visits(store, visits, source="test")
    return h.followups(store, today=TODAY)


def test_followups_xlsx_has_a_sheet_per_agency_with_typed_cells(store):
    import datetime as dt

    from openpyxl import load_workbook

    table = h.name_followups(_hostile_agencies(store), _names())
    path = io.BytesIO(h.followups_xlsx(table))
    book = load_workbook(path)
    # Excel's rules: no / : [ ], unique whatever the case; the police's own follow-ups last
    assert book.sheetnames == ["=HYPERLINK(\"x\")", "Dinas_PU_ Jalan _Kab_", "PLN", "pln (2)",
                               "Polisi"]  # fmt: skip
    header = list(h.FOLLOWUP_CSV_COLUMNS.values())
    counts = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows())
        assert [c.value for c in rows[0]] == header
        counts[ws.title] = len(rows) - 1
        col = {name: i for i, name in enumerate(header)}
        for row in rows[1:]:
            assert row[col["nomor"]].data_type == "n" and isinstance(row[col["nomor"]].value, int)
            night = row[col["tanggal"]]
            assert night.is_date and night.value.date() <= dt.date(2024, 5, 6)
            assert row[col["batas_waktu"]].is_date
            assert isinstance(row[col["hari_terbuka"]].value, int)
            assert row[col["terlambat"]].value in ("ya", "tidak")
            assert row[col["nama_tempat"]].value.startswith(("Warkop", "Kafe", "Angkringan"))
            assert not [c.coordinate for c in row if c.data_type == "f"]  # no formula
        agencies = {r[col["dirujuk_ke"]].value for r in rows[1:]}
        assert len(agencies) == 1  # one agency per sheet
    assert counts == {"=HYPERLINK(\"x\")": 1, "Dinas_PU_ Jalan _Kab_": 1, "PLN": 2,
                      "pln (2)": 1, "Polisi": 1}  # fmt: skip
    hostile = book['=HYPERLINK("x")']["K2"].value
    assert hostile == '\'=HYPERLINK("x")'  # the agency's name as text, not a formula
    assert sum(counts.values()) == len(table)


def test_followups_xlsx_of_no_followups_is_the_header_only(store):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(h.followups_xlsx(h.followups(store, today=TODAY))))
    assert book.sheetnames == ["tindak_lanjut"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows == [tuple(h.FOLLOWUP_CSV_COLUMNS.values())]
