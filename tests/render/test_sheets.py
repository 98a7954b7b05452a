"""Tests of planner.render.sheets: the route sheet, the stops CSV, the routes GeoJSON, summaries."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path

import markupsafe
import pandas as pd
import pytest
from render.test_maps import SCRIPT_REASON, TEMPLATE_NAME, XSS_NAME

from planner import _tables
from planner import history as h
from planner.config import Settings
from planner.domain import WIB
from planner.history.queries import VenueNotes, VenueReport
from planner.pipeline import NightResult
from planner.render import sheets
from planner.text.risk import category_name

EVIL_SQUAD = 'Regu <script>alert("r")</script>'


def _stops(result: NightResult) -> list[tuple[str, int, str]]:
    return [
        (r.squad_id, i, s.venue_id)
        for r in result.plan.routes
        for i, s in enumerate(r.stops, start=1)
    ]


def _csv_rows(result: NightResult) -> list[dict[str, str]]:
    raw = sheets.stops_csv(result)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


# --------------------------------------------------------------------------- route sheet


def test_route_sheet_has_one_page_per_squad_with_its_stops_in_order(
    night_result: NightResult,
) -> None:
    page = sheets.route_sheet_html(night_result)
    pages = re.split(r'<section class="page" data-squad="', page)[1:]
    by_squad = {p.split('"', 1)[0]: re.findall(r'data-venue="([^"]+)"', p) for p in pages}
    assert list(by_squad) == [s.squad_id for s in night_result.squads]
    for route in night_result.plan.routes:
        assert by_squad[route.squad_id] == [s.venue_id for s in route.stops]
    assert "Sabtu, 28 November 2026 (malam)" in page
    assert "Kasat Samapta" in page and "Ketua Regu" in page
    # R01: 3 stops, 2.5 + 1.8 + 2.6 + 3.1 km
    assert "3 kunjungan · 10,0 km · berangkat 19:00 · kembali 00:00 WIB" in page  # Babel


def test_route_sheet_escapes_every_input_string(night_result: NightResult) -> None:
    squads = (
        dataclasses.replace(night_result.squads[0], name=EVIL_SQUAD),
        *night_result.squads[1:],
    )
    # The sheet prints one score reason per stop (its key reason): make the hostile one V1's.
    scores = night_result.scores.copy()
    scores["reasons"] = [
        tuple(sorted(r, key=lambda x: x != SCRIPT_REASON)) for r in scores["reasons"]
    ]
    page = sheets.route_sheet_html(dataclasses.replace(night_result, squads=squads, scores=scores))
    for raw in (XSS_NAME, SCRIPT_REASON, EVIL_SQUAD):
        assert raw not in page
        assert str(markupsafe.escape(raw)) in page
    assert "<script" not in page and "<img" not in page
    assert TEMPLATE_NAME in page  # no JavaScript on the sheet: ` $ \ need no escaping


def test_route_sheet_in_english(night_result: NightResult) -> None:
    page = sheets.route_sheet_html(night_result, lang="en")
    assert 'lang="en"' in page
    assert "Saturday, 28 November 2026 (night)" in page
    assert "WARKOP KAMTIBMAS PATROL PLAN" in page and "RENCANA PATROLI" not in page


def test_night_date_text() -> None:
    assert sheets.night_date_text(dt.date(2026, 12, 1), "id") == "Selasa, 1 Desember 2026 (malam)"
    assert sheets.night_date_text(dt.date(2026, 12, 1), "en") == "Tuesday, 1 December 2026 (night)"


# --------------------------------------------------------------------------- stops CSV


def test_csv_has_one_row_per_stop_and_the_import_columns(night_result: NightResult) -> None:
    rows = _csv_rows(night_result)
    assert [(r["regu"], int(r["urutan"]), r["venue_id"]) for r in rows] == _stops(night_result)
    assert tuple(rows[0].keys()) == sheets.CSV_COLUMNS
    assert set(h.REQUIRED_COLUMNS) <= set(sheets.CSV_COLUMNS)
    assert set(h.INFO_COLUMNS) | set(h.FILL_COLUMNS) <= set(sheets.CSV_COLUMNS)
    assert {r["tanggal"] for r in rows} == {"2026-11-28"}
    for r in rows:
        assert all(r[c] == "" for c in h.FILL_COLUMNS)  # the squad fills these in
    first = rows[0]  # V1: arrival 430 min after noon = 19:10, priority 6 (a decimal comma)
    assert (first["rencana_tiba"], first["prioritas"], first["nama"]) == ("19:10", "6,0", XSS_NAME)
    # the score reasons, then the desa line (Sumbergedong: 7.4 days, target 3; its only visit)
    assert first["perhatian"] == (
        f"kerawanan tinggi | {SCRIPT_REASON} | Desa Sumbergedong: target 3 hari, terakhir 7 hari lalu"
    )


def test_filled_in_csv_imports_as_visits(night_result: NightResult, tmp_path: Path) -> None:
    rows = _csv_rows(night_result)
    visited = rows[:3]
    for r in visited:
        r["tiba"] = r["rencana_tiba"]
        r["jumlah_warga"] = "5"
    path = tmp_path / "rencana-patroli-2026-11-28.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=sheets.CSV_COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    venues = night_result.dataset.venues
    known = h.Known.from_settings(Settings(), venue_ids=venues["venue_id"])
    with h.open_store(":memory:") as store:
        res = h.import_file(store, path, known, now=dt.datetime(2026, 12, 1, tzinfo=WIB))
        assert res.visits_new == len(visited)  # rows left empty were not visited
        got = h.visits_between(store, start=dt.date(2026, 11, 28), end=dt.date(2026, 11, 28))
        assert sorted(got["venue_id"]) == sorted(r["venue_id"] for r in visited)


def test_csv_is_in_the_office_dialect(night_result: NightResult) -> None:
    raw = sheets.stops_csv(night_result)
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 1 + night_result.plan.visits
    header = raw.decode("utf-8-sig").split("\r\n", 1)[0]
    assert header == ";".join(sheets.CSV_COLUMNS)
    frame = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    assert frame["prioritas"].dtype.kind == "f"  # a number to a spreadsheet, not text
    assert frame["prioritas"].iloc[0] == pytest.approx(6.0)


# --------------------------------------------------------------------------- filling it in


def test_sheet_has_a_box_for_every_field_the_import_reads(night_result: NightResult) -> None:
    """tiba, selesai, jumlah warga, kategori, diteruskan ke, keluhan/aspirasi: a box per stop
    named by the import's column; the code lists once per squad, as a legend of short codes."""
    assert set(sheets.SHEET_FIELDS.values()) <= set(h.FILL_COLUMNS)
    assert {"tiba", "berangkat", "jumlah_warga", "laporan_isi", "laporan_kategori",
            "dirujuk_ke"} == set(sheets.SHEET_FIELDS.values())  # fmt: skip
    known = h.Known.from_settings(night_result.dataset.settings, venue_ids=())
    page = sheets.route_sheet_html(night_result)
    sections = re.split(r'<section class="page" data-squad="', page)[1:]
    assert len(sections) == len(night_result.squads)
    for section in sections:
        legend = section.split('<th class="legend"', 1)[1].split("</th>", 1)[0]
        for i, name in enumerate(known.categories, start=1):
            word = markupsafe.escape(category_name(name))  # in words: balap_liar → balap liar
            assert legend.count(f"<b>K{i}</b> {word}</span>") == 1
        assert "balap_liar" not in legend
        for i, name in enumerate(known.agencies, start=1):
            assert legend.count(f"<b>I{i}</b> {markupsafe.escape(name)}</span>") == 1
        assert f"K{len(known.categories) + 1}" not in legend
        stops = re.findall(r'<tr class="stop".*?</tr>', section, re.S)
        assert stops
        for row in stops:
            cols = re.findall(r'<td class="fill[^"]*" data-col="([^"]+)"', row)
            assert cols == ["tiba", "berangkat", "jumlah_warga", "laporan_kategori",
                            "dirujuk_ke", "laporan_isi"]  # fmt: skip
    assert "Kategori laporan" in page and "Diteruskan ke" in page
    english = sheets.route_sheet_html(night_result, lang="en")
    assert "Referred to agency" in english
    assert f"<b>K1</b> {category_name('curanmor', 'en')}" in english  # words in the language


def test_sheet_shows_what_is_particular_to_each_stop(night_result: NightResult) -> None:
    """A reason every stop shares is not printed where a stop has its own; the visit log's
    open follow-ups and last reports show at their venue only; the CSV keeps every line."""
    shared = "Desa rawan tinggi"
    scores = night_result.scores.copy()
    own = {"V2": "2 kejadian dalam 14 hari terakhir (curanmor)", "V4": "Arahan pimpinan: pilkada"}
    scores["reasons"] = [
        (shared, own[v]) if v in own else (shared,) for v in scores["venue_id"]
    ]  # the shared reason first, as the fixed order would put kerawanan before rotation
    notes = {
        "V3": VenueNotes(
            last_night=dt.date(2026, 11, 20),
            raised=(REPORT_PUPR, REPORT_EKONOMI),
            open=(REPORT_CURANMOR, REPORT_PUPR),
        ),
    }
    result = dataclasses.replace(night_result, scores=scores, venue_notes=notes)
    page = sheets.route_sheet_html(result)

    def why(venue: str) -> str:
        cell = re.search(rf'data-venue="{venue}">.*?<td class="why">(.*?)</td>', page, re.S)
        assert cell is not None
        return cell.group(1)

    assert own["V2"] in why("V2") and shared not in why("V2")
    assert own["V4"] in why("V4") and shared not in why("V4")
    assert shared in why("V1") and shared in why("V3")  # nothing of their own
    v3 = why("V3")
    assert "Belum selesai: curanmor — motor hilang (polisi, 14 Nov)" in v3
    assert "Belum selesai: infrastruktur — lampu jalan mati (Dinas PUPR, 20 Nov)" in v3
    # what the last visit raised, without repeating the open follow-up
    assert "Terakhir (20 Nov): ekonomi — harga pupuk naik" in v3
    assert v3.count("lampu jalan mati") == 1
    for venue in ("V1", "V2", "V4", "V5"):
        assert "Belum selesai" not in why(venue) and "Terakhir" not in why(venue)
    rows = {r["venue_id"]: r for r in _csv_rows(result)}
    assert rows["V2"]["perhatian"].startswith(f"{shared} | {own['V2']}")
    assert "Belum selesai: curanmor" in rows["V3"]["perhatian"]
    english = sheets.route_sheet_html(result, lang="en")
    assert "Still open: curanmor — motor hilang (police, 14 Nov)" in english
    assert "Last time (20 Nov): ekonomi — harga pupuk naik" in english


def test_history_lines_count_what_they_do_not_name() -> None:
    many = VenueNotes(open=(REPORT_CURANMOR, REPORT_PUPR, REPORT_EKONOMI, REPORT_CURANMOR))
    lines = sheets.history_lines(many, "id")
    assert len(lines) == sheets.OPEN_SHOWN + 1 and lines[-1] == "+2 lainnya"
    assert sheets.history_lines(None, "id") == ()
    long = dataclasses.replace(REPORT_EKONOMI, text="x" * 500)
    (line,) = sheets.history_lines(VenueNotes(dt.date(2026, 11, 20), raised=(long,)), "id")
    assert "x" * (sheets.NOTE_CHARS - 1) + "…" in line and "x" * sheets.NOTE_CHARS not in line


REPORT_CURANMOR = VenueReport(dt.date(2026, 11, 14), "curanmor", "motor hilang", None, "baru", True)
REPORT_PUPR = VenueReport(
    dt.date(2026, 11, 20), "infrastruktur", "lampu jalan mati", "Dinas PUPR", "dirujuk", False
)
REPORT_EKONOMI = VenueReport(
    dt.date(2026, 11, 20), "ekonomi", "harga pupuk naik", None, "baru", False
)

# what a squad writes on the paper sheet, as the office types it into the CSV (codes or names)
SQUAD_FILLS = [
    {"tiba": "19:15", "berangkat": "19.40", "jumlah_warga": "12", "laporan_kategori": "K1",
     "laporan_isi": "motor hilang di parkiran pasar"},
    {"tiba": "23:40", "berangkat": "00:15", "jumlah_warga": "7", "laporan_kategori": "{infra}",
     "laporan_isi": "lampu jalan mati", "dirujuk_ke": "{pupr}"},
    {"tiba": "00:30", "berangkat": "00:50", "jumlah_warga": "3", "laporan_kategori": "sosial",
     "laporan_isi": "bantuan belum sampai", "dirujuk_ke": "Dinas Sosial"},
]  # fmt: skip


def _squad_fills(result: NightResult) -> list[dict[str, str]]:
    """:data:`SQUAD_FILLS` with the legend's codes of infrastruktur and Dinas PUPR."""
    codes = sheets.sheet_codes(result)
    infra = next(c for c, n in codes["categories"].items() if n == "infrastruktur")
    pupr = next(c for c, n in codes["agencies"].items() if n == "Dinas PUPR")
    return [{k: v.format(infra=infra, pupr=pupr) for k, v in f.items()} for f in SQUAD_FILLS]


def _assert_imported(store: h.HistoryStore, r01: list[dict[str, str]]) -> None:
    night = dt.date(2026, 11, 28)
    visits = h.visits_between(store, start=night, end=night).set_index("venue_id")
    assert sorted(visits.index) == sorted(r["venue_id"] for r in r01)
    first, crossing, after = (visits.loc[r["venue_id"]] for r in r01)
    assert first["squad_id"] == "R01" and first["people_met"] == 12
    assert first["arrived_at"] == dt.datetime(2026, 11, 28, 19, 15, tzinfo=WIB)
    assert first["left_at"] == dt.datetime(2026, 11, 28, 19, 40, tzinfo=WIB)
    assert crossing["arrived_at"].date() == night
    assert crossing["left_at"] == dt.datetime(2026, 11, 29, 0, 15, tzinfo=WIB)  # after midnight
    assert after["arrived_at"] == dt.datetime(2026, 11, 29, 0, 30, tzinfo=WIB)
    assert [int(x) for x in visits["plan_order"].loc[[r["venue_id"] for r in r01]]] == [1, 2, 3]
    reports = h.reports_between(store, start=night, end=night)
    got = {(x.venue_id, x.category, x.text, x.agency, x.status)
           for x in reports.itertuples(index=False)}  # fmt: skip
    assert got == {
        (r01[0]["venue_id"], "curanmor", "motor hilang di parkiran pasar", None, "baru"),
        (r01[1]["venue_id"], "infrastruktur", "lampu jalan mati", "Dinas PUPR", "dirujuk"),
        (r01[2]["venue_id"], "sosial", "bantuan belum sampai", "Dinas Sosial", "dirujuk"),
    }


def test_squad_fills_in_the_csv_and_the_import_stores_it(
    night_result: NightResult, tmp_path: Path
) -> None:
    """The CSV as the office types a squad's paper sheet: times across midnight, a category
    and an agency by their legend codes, others by name; R02 left empty (not visited)."""
    rows = _csv_rows(night_result)
    r01 = [r for r in rows if r["regu"] == "R01"]
    assert len(r01) == len(SQUAD_FILLS)
    for r, fill in zip(r01, _squad_fills(night_result), strict=True):
        r.update(fill)
    path = tmp_path / "rencana-patroli-2026-11-28.csv"
    path.write_bytes(_tables.csv_bytes([[r[c] for c in sheets.CSV_COLUMNS] for r in rows],
                                       header=sheets.CSV_COLUMNS))  # fmt: skip
    known = h.Known.from_dataset(night_result.dataset)
    with h.open_store(str(tmp_path / "history.sqlite")) as store:
        res = h.import_file(store, path, known, now=dt.datetime(2026, 12, 1, tzinfo=WIB))
        assert (res.visits_new, res.reports_new, res.not_visited) == (3, 3, 2)
        _assert_imported(store, r01)


def test_squad_fills_in_the_workbook_and_the_import_stores_it(
    night_result: NightResult, tmp_path: Path
) -> None:
    """The XLSX route sheet, filled in Excel (times typed as times), imports the same way."""
    import openpyxl

    path = tmp_path / "rencana-patroli-2026-11-28.xlsx"
    path.write_bytes(sheets.stops_xlsx(night_result))
    book = openpyxl.load_workbook(path)
    sheet = book[sheets.XLSX_SHEET]
    header = [c.value for c in sheet[1]]
    fills = _squad_fills(night_result)
    r01 = []
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("regu")].value != "R01":
            continue
        fill = fills[len(r01)]
        r01.append({"venue_id": row[header.index("venue_id")].value})
        for col, text in fill.items():
            cell = row[header.index(col)]
            if col in ("tiba", "berangkat"):
                hh, mm = re.split(r"[:.]", text)
                cell.value, cell.number_format = dt.time(int(hh), int(mm)), "hh:mm"
            elif col == "jumlah_warga":
                cell.value = int(text)
            else:
                cell.value = text
    book.save(path)
    known = h.Known.from_dataset(night_result.dataset)
    with h.open_store(":memory:") as store:
        res = h.import_file(store, path, known, now=dt.datetime(2026, 12, 1, tzinfo=WIB))
        assert (res.visits_new, res.reports_new, res.not_visited) == (3, 3, 2)
        _assert_imported(store, r01)


def test_workbook_cells_are_typed(night_result: NightResult) -> None:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(sheets.stops_xlsx(night_result)))
    assert book.sheetnames == [sheets.XLSX_SHEET, sheets.XLSX_CODES_SHEET]
    sheet = book[sheets.XLSX_SHEET]
    header = [c.value for c in sheet[1]]
    assert header == list(sheets.CSV_COLUMNS)
    first = {h_: c for h_, c in zip(header, sheet[2], strict=True)}
    assert first["tanggal"].value == dt.datetime(2026, 11, 28)  # a date cell
    assert first["tanggal"].number_format == "yyyy-mm-dd"
    assert first["rencana_tiba"].value == dt.datetime(2026, 11, 28, 19, 10)
    assert first["urutan"].value == 1 and first["prioritas"].value == pytest.approx(6.0)
    assert first["prioritas"].number_format == "0.00"
    assert first["tiba"].value is None  # to fill in
    assert sheet.max_row == 1 + night_result.plan.visits
    codes = [tuple(c.value for c in row) for row in book[sheets.XLSX_CODES_SHEET].iter_rows()]
    assert codes[0] == ("kode", "daftar", "nama")
    assert ("K1", "Kategori laporan (kolom Kat.)", "curanmor") in codes
    known = h.Known.from_settings(night_result.dataset.settings, venue_ids=())
    assert len(codes) == 1 + len(known.categories) + len(known.agencies)


def test_stops_after_midnight_carry_the_next_days_date(night_result: NightResult) -> None:
    night = night_result.night
    assert sheets.iso_time(night, 430 * 60) == "2026-11-28T19:10+07:00"
    assert sheets.iso_time(night, 720 * 60) == "2026-11-29T00:00+07:00"
    assert sheets.iso_time(night, 785 * 60 + 59) == "2026-11-29T01:05+07:00"  # down to the minute


# --------------------------------------------------------------------------- summaries


def test_squad_summaries_and_summary(night_result: NightResult) -> None:
    plan = night_result.plan
    rows = sheets.squad_summaries(plan, night_result.squads)
    assert [(r["squad_id"], r["visits"]) for r in rows] == [("R01", 3), ("R02", 2)]
    assert rows[0]["first_visit"] == "19:12" and rows[0]["last_visit_end"] == "21:27"
    assert rows[0]["km"] == pytest.approx(10.0)
    summary = sheets.summary(night_result, files={"index.html": Path("x/index.html")})
    assert summary["date"] == "2026-11-28" and summary["status"] == "feasible"
    assert summary["visits"] == sum(r["visits"] for r in summary["squads"]) == 5
    assert summary["dropped"] == 2
    assert summary["priority_collected"] == pytest.approx(plan.collected, abs=1e-3)
    assert summary["files"] == {"index.html": str(Path("x/index.html"))}
    json.dumps(summary)  # the --json output is plain JSON


# --------------------------------------------------------------------------- formula injection

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d*)?")


def assert_formula_safe(cells: list[str]) -> None:
    """No cell a spreadsheet would run: each starts with a harmless character or is a number."""
    for cell in cells:
        if cell.startswith(FORMULA_START):
            assert PLAIN_NUMBER.fullmatch(cell.strip()), f"unprotected formula cell {cell!r}"


def hostile_night(night_result: NightResult) -> NightResult:
    """The night with the planned venues named like formulas (and a formula in a desa)."""
    venues = night_result.dataset.venues.copy()
    planned = [s.venue_id for r in night_result.plan.routes for s in r.stops]
    for venue_id, name in zip(planned, HOSTILE, strict=False):
        venues.loc[venues["venue_id"] == venue_id, "name"] = name
    venues.loc[venues["venue_id"] == planned[0], "desa"] = "-Desa+1"
    dataset = dataclasses.replace(night_result.dataset, venues=venues)
    return dataclasses.replace(night_result, dataset=dataset)


def test_route_sheet_csv_cells_are_formula_safe(night_result: NightResult, tmp_path: Path) -> None:
    from planner._tables import restore_cell
    from planner.history.rows import read_sheet

    result = hostile_night(night_result)
    raw = sheets.stops_csv(result)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    for row in rows:
        assert_formula_safe(row)
    names = [r[rows[0].index("nama")] for r in rows[1:]]
    assert [restore_cell(n) for n in names] == list(HOSTILE[:5])
    assert names[1] == "'=1+1"  # what Excel shows as text, not 2
    # The visit importer's reader gives the original text back.
    path = tmp_path / "rencana-patroli-2026-11-28.csv"
    path.write_bytes(raw)
    sheet = read_sheet(path)
    assert not sheet.problems
    col = sheet.header.index("nama")
    assert [cells[col] for _, cells in sheet.rows] == [restore_cell(n).strip() for n in names]
    assert sheet.rows[0][1][sheet.header.index("desa")] == "-Desa+1"


# --------------------------------------------------------------------------- long names

A4_PX = 794  # 210 mm at 96 px per inch


def long_named_night(night_result: NightResult) -> NightResult:
    """A venue named with 100,000 characters and no space, a 5,000-character desa and squad."""
    venues = night_result.dataset.venues.copy()
    venues.loc[venues["venue_id"] == "V1", "name"] = "W" * 100_000
    venues.loc[venues["venue_id"] == "V2", "desa"] = "D" * 5_000
    squads = (
        dataclasses.replace(night_result.squads[0], name="R" * 5_000),
        *night_result.squads[1:],
    )
    dataset = dataclasses.replace(night_result.dataset, venues=venues)
    return dataclasses.replace(night_result, dataset=dataset, squads=squads)


def test_long_names_are_cut_on_the_printed_sheet(night_result: NightResult) -> None:
    result = long_named_night(night_result)
    page = sheets.route_sheet_html(result)
    base = len(sheets.route_sheet_html(night_result))
    assert len(page) < base + 5 * sheets.NAME_CHARS + 500
    assert "W" * (sheets.NAME_CHARS - 1) + "…" in page and "W" * sheets.NAME_CHARS not in page
    assert "overflow-wrap: anywhere" in page
    # the CSV keeps the whole name: it is data, not print
    rows = _csv_rows(result)
    assert rows[0]["nama"] == "W" * 100_000


def test_clip() -> None:
    assert sheets.clip("Warkop Pak Min") == "Warkop Pak Min"
    assert sheets.clip("abcdef", 4) == "abc…" and len(sheets.clip("x" * 500)) == sheets.NAME_CHARS


def test_long_names_keep_the_sheet_a4_wide_in_chromium(chromium, night_result) -> None:
    """The issue's figure was 81,214 px: measured in a real browser at A4 width, for print."""
    page = chromium.new_page(viewport={"width": A4_PX, "height": 1123})
    try:
        page.route("**/*", lambda route: route.abort())  # the sheet needs no network
        page.emulate_media(media="print")
        page.set_content(sheets.route_sheet_html(long_named_night(night_result)))
        width = page.evaluate("document.documentElement.scrollWidth")
        height = page.evaluate("document.documentElement.scrollHeight")
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('td, th')].map(e => e.scrollWidth"
            " - e.clientWidth))"
        )
    finally:
        page.close()
    assert width <= A4_PX
    assert widest <= 1  # no cell's content sticks out of it
    assert height < 4 * 1123  # two squads: about two A4 pages, not hundreds


def test_each_page_tells_the_office_how_the_night_comes_back(night_result: NightResult) -> None:
    page = sheets.route_sheet_html(night_result)
    pages = re.split(r'<section class="page" data-squad="', page)[1:]
    assert len(pages) == 2
    for squad, text in zip(("R01", "R02"), pages, strict=True):
        line = re.search(r'<div class="office">(.*?)</div>', text, re.S)
        assert line is not None
        assert f"regu-{squad}.html" in line[1]
        assert "Tiba dan Selesai" in line[1] and "Kirim laporan" in line[1]
        assert "planner visits import" in line[1]
    english = sheets.route_sheet_html(night_result, lang="en", map_files={"R01": "regu-x.html"})
    assert "open the squad map regu-x.html" in english and "Send report" in english
    assert "open the squad map regu-R02.html" in english  # not given: the default name
