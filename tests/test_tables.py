"""The one table reader: one cell rule, one yes/no list, one encoding rule for every input."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import hypothesis.strategies as st
import openpyxl
import pytest
from hypothesis import given

from planner._tables import NO, YES, cell_text, norm_header, parse_yes_no, read_table
from planner.errors import InputError, ProblemCollector


def _read(path: Path, **kwargs: object) -> tuple[object, ProblemCollector]:
    bag = ProblemCollector(path.name)
    return read_table(path, bag, **kwargs), bag  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        (3.0, "3"),
        (2.5, "2.5"),
        (True, "ya"),
        (False, "tidak"),
        (dt.datetime(2026, 12, 1), "2026-12-01"),
        (dt.datetime(2026, 12, 1, 21, 30), "2026-12-01 21:30:00"),
        (dt.date(2026, 12, 1), "2026-12-01"),
        (dt.time(19, 5), "19:05"),
        (dt.timedelta(hours=25, minutes=30), "25:30"),
        ("  Warkop Bu Sri \n", "Warkop Bu Sri"),
    ],
)
def test_a_cell_reads_as_a_person_typed_it(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_headers_are_normalised() -> None:
    assert norm_header("\ufeff Nama - Warkop ") == "nama_warkop"
    assert norm_header(None) == ""


def test_yes_and_no_words_do_not_overlap() -> None:
    assert not YES & NO
    words = ("Ya", " TIDAK ", "aktif", "tidak_aktif", "mungkin", "T")
    assert [parse_yes_no(w) for w in words] == [True, False, True, False, None, None]


@given(st.sampled_from(sorted(YES | NO)))
def test_every_word_reads_back_in_any_case(word: str) -> None:
    assert parse_yes_no(word.upper()) is (word in YES)


def test_csv_with_bom_semicolons_instructions_and_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "visits.csv"
    path.write_bytes(
        "\ufeff# isi satu baris per kunjungan\n\nTanggal;Venue ID;Tiba\n"
        "2026-12-01;V0001;21:30\n;;\n2026-12-01;V0002;22:00\n".encode()
    )
    table, bag = _read(path)
    assert not bag.problems
    assert table.header == ["tanggal", "venue_id", "tiba"]
    assert list(table.records()) == [
        (4, ["2026-12-01", "V0001", "21:30"]),
        (6, ["2026-12-01", "V0002", "22:00"]),
    ]


def test_windows_1252_csv_is_read_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "venues.csv"
    path.write_bytes("venue_id,name\nV1,Caf\xe9 Senja\n".encode("cp1252"))
    table, bag = _read(path)
    assert not bag.problems
    assert table.data["name"].tolist() == ["Café Senja"]


def test_bad_csv_files_are_problems_with_their_row(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    table, bag = _read(wide)
    assert [(p.row, p.value) for p in bag.problems] == [(3, "5")]
    assert table.data.values.tolist() == [["1", "2"], ["3", "4"]]
    for name, raw in (("empty.csv", b"\n\n"), ("binary.csv", b"a,b\n\x00\x01\n")):
        path = tmp_path / name
        path.write_bytes(raw)
        table, bag = _read(path)
        assert table is None and len(bag.problems) == 1
    with pytest.raises(InputError) as err:
        bag.raise_if_any()
    assert err.value.problems[0].file == "binary.csv"


def test_unknown_file_types_name_what_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "venues.ods"
    path.write_bytes(b"x")
    table, bag = _read(path)
    assert table is None
    assert "CSV, XLSX" in bag.problems[0].expected("en")
    assert "GeoPackage" not in bag.problems[0].expected("en")
    _, bag = _read(path, geo_ok=True)
    assert "GeoPackage" in bag.problems[0].expected("en")


def test_xlsx_reads_the_named_sheet_else_the_first_that_is_not_instructions(
    tmp_path: Path,
) -> None:
    wb = openpyxl.Workbook()
    help_sheet = wb.active
    help_sheet.title = "petunjuk"
    help_sheet.append(["Isi lembar kunjungan"])
    data = wb.create_sheet("data")
    data.append(["Venue ID", "Tiba", "Aktif"])
    data.append(["V1", dt.time(21, 30), True])
    data.append([None, None, None])
    data.append(["V2", dt.datetime(2026, 12, 1, 22, 0), 0.0])
    visits = wb.create_sheet("kunjungan")
    visits.append(["regu"])
    visits.append(["R01"])
    path = tmp_path / "kunjungan.xlsx"
    wb.save(path)
    table, bag = _read(path)
    assert not bag.problems
    assert list(table.records()) == [
        (2, ["V1", "21:30", "ya"]),
        (4, ["V2", "2026-12-01 22:00:00", "0"]),
    ]
    table, _ = _read(path, sheet="kunjungan")
    assert list(table.records()) == [(2, ["R01"])]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    table, bag = _read(broken)
    assert table is None and "xlsx" in bag.problems[0].expected("en")


def test_geojson_keeps_attributes_as_text_and_geometry(tmp_path: Path) -> None:
    path = tmp_path / "desa.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"Desa Code":"3503010001","luas":12.0},"geometry":{"type":"Point","coordinates":'
        "[111.7,-8.05]}}]}",
        encoding="utf-8",
    )
    table, bag = _read(path, geo_ok=True)
    assert not bag.problems
    assert table.data.to_dict("records") == [{"desa_code": "3503010001", "luas": "12"}]
    assert table.rows.tolist() == [2]
    assert table.geometry.iloc[0].x == pytest.approx(111.7)


# ------------------------------------------------------------------ encodings (issue 17)

CSV_TEXT = "venue_id;name\nV1;Kafe Senja ☕\nV2;Warkop Bu Sri\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_text_with_a_bom_is_read(tmp_path: Path, encoding: str) -> None:
    """Excel's and Notepad's "Unicode" CSVs carry a byte-order mark: they are read as text."""
    path = tmp_path / "venues.csv"
    raw = CSV_TEXT.encode(encoding)
    if encoding.endswith(("-le", "-be")):  # these codecs write no BOM: add the one Excel writes
        raw = ("\ufeff" + CSV_TEXT).encode(encoding)
    path.write_bytes(raw)
    table, bag = _read(path)
    assert not bag.problems
    assert table.data["name"].tolist() == ["Kafe Senja ☕", "Warkop Bu Sri"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("raw", "value", "words"),
    [
        (CSV_TEXT.encode("utf-16-le"), "UTF-16", "encoding"),  # no BOM
        (CSV_TEXT.encode("utf-16-be"), "UTF-16", "encoding"),
        (b"venue_id,name\n\x00\x01\x02\x03\n", "NUL", "encoding"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "xlsx/zip", ".xlsx"),
        (b"\xff\xfe\x00\xd8", "UTF-16 BOM", "encoding"),  # a BOM, then a lone surrogate
    ],
)
def test_unreadable_encodings_are_one_problem_naming_the_encoding(
    tmp_path: Path, raw: bytes, value: str, words: str
) -> None:
    path = tmp_path / "venues.csv"
    path.write_bytes(raw)
    table, bag = _read(path)
    assert table is None
    (p,) = bag.problems
    assert (p.file, p.row, p.column, p.value) == ("venues.csv", None, None, value)
    assert words in p.expected("en") and p.expected("id") != p.expected("en")
    assert "\x00" not in p.render("en")


def test_a_large_csv_reads_every_row(tmp_path: Path) -> None:
    path = tmp_path / "venues.csv"
    rows = "".join(f"V{i},  Warkop {i}  \n" for i in range(20_000))
    path.write_text("venue_id,name\n" + rows, encoding="utf-8")
    table, bag = _read(path)
    assert not bag.problems
    assert len(table.data) == 20_000  # type: ignore[attr-defined]
    assert table.data["name"].iloc[-1] == "Warkop 19999"  # type: ignore[attr-defined]
    assert table.rows[-1] == 20_001  # type: ignore[attr-defined]


# ---------------------------------------------------------------- what the planner writes


def test_csv_bytes_is_the_office_dialect_and_reads_back(tmp_path):
    import numpy as np
    import pandas as pd

    from planner._tables import frame_csv_bytes

    frame = pd.DataFrame(
        {"skor": [2084.9, np.nan], "nama": ["=1+1", "Warung; Pak Jo"], "n": [3, 4]}
    )
    raw = frame_csv_bytes(frame)
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    assert raw.decode("utf-8-sig").splitlines()[1] == "2084,9;'=1+1;3"
    back = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["skor"].iloc[0] == 2084.9 and np.isnan(back["skor"].iloc[1])
    path = tmp_path / "out.csv"
    path.write_bytes(raw)
    table, bag = _read(path)
    assert not bag.problems
    assert table.data["nama"].tolist() == ["'=1+1", "Warung; Pak Jo"]  # type: ignore[attr-defined]
    assert table.data["skor"].tolist() == ["2084,9", ""]  # type: ignore[attr-defined]


def test_xlsx_bytes_types_cells_and_neutralises_text():
    import datetime as dt

    import pandas as pd
    from openpyxl import load_workbook

    from planner._tables import xlsx_bytes

    frame = pd.DataFrame(
        {
            "skor": [1.25],
            "n": [3],
            "tanggal": [dt.date(2026, 12, 1)],
            "nama": ["@SUM(A1)"],
            "ok": [True],
        }
    )
    book = load_workbook(io.BytesIO(xlsx_bytes({"Skor": frame}, formats={"skor": "0.0"})))
    sheet = book["Skor"]
    row = [c.value for c in sheet[2]]
    assert row[:2] == [1.25, 3] and row[2].date() == dt.date(2026, 12, 1)
    assert row[3] == "'@SUM(A1)" and row[4] == "ya"
    assert sheet["A2"].number_format == "0.0" and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold


def test_xlsx_bytes_are_the_same_for_the_same_sheets():
    """A night written twice gives identical workbooks: no save time inside."""
    import time

    import pandas as pd

    from planner._tables import xlsx_bytes

    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    first = xlsx_bytes({"S": frame})
    time.sleep(1.1)  # the zip format stores times to 2 s; openpyxl stamps the save time
    assert xlsx_bytes({"S": frame}) == first
    assert xlsx_bytes({"S": frame.assign(a=[1, 3])}) != first
