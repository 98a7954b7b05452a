"""Tests of planner.sources._columns: headers, blank cells, numbers and coordinates, as every
reader checks them."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sources._support import find, problems_of, venue_problems

from planner.sources import load_dataset


def test_semicolon_decimal_comma_bom_csv(dataset_dir: Path) -> None:
    text = (
        "\ufeffvenue_id;name;kind;lat;lon;opens;closes\r\n"
        "V1;Warkop Koma;warkop;-8,060;111,710;18.00;02.00\r\n"
        ";;;;;;\r\n"
        "V2;Angkringan Titik;angkringan;-8.061;111.730;19:00;01:00\r\n"
    )
    (dataset_dir / "venues.csv").write_bytes(text.encode("utf-8"))
    v = load_dataset(dataset_dir).venues
    assert list(v["venue_id"]) == ["V1", "V2"]
    assert v.geometry.x.tolist() == pytest.approx([111.71, 111.73])
    assert v.geometry.y.tolist() == pytest.approx([-8.06, -8.061])
    assert list(v["desa_code"]) == ["35.03.11.1001", "35.03.11.1002"]


def test_semicolon_csv_rows_count_blank_lines(dataset_dir: Path) -> None:
    text = "venue_id;name;kind;lat;lon;opens;closes\n\nV1;A;warkop;-8,06;111,71;18.00;xx\n"
    (dataset_dir / "venues.csv").write_text(text)
    p = find(
        problems_of(lambda: load_dataset(dataset_dir)), file="venues.csv", column="closes", row=3
    )
    assert p.value == "xx"


def test_missing_and_misspelt_required_columns(dataset_dir: Path) -> None:
    header = "venue_id,nama_tempat,kind,lattitude,lon,opens,closes,warna"
    probs = venue_problems(dataset_dir, ["V1,A,warkop,-8.06,111.71,18:00,02:00,merah"], header)
    lat = find(probs, file="venues.csv", column="lat")
    assert lat.value == "lattitude" and "lattitude" in lat.expected("en")
    name = find(probs, file="venues.csv", column="name")
    assert "missing" in name.expected("en") and "tidak ada" in name.expected("id")
    # the unknown column "warna" is accepted silently
    assert not any(p.column == "warna" for p in probs)
    assert len(probs) == 2


def test_blank_required_cells(dataset_dir: Path) -> None:
    probs = venue_problems(dataset_dir, ["V1,,warkop,-8.06,,18:00,02:00,,,,,"])
    assert {(p.row, p.column) for p in probs} == {(2, "name"), (2, "lon")}


def test_coordinates_out_of_range(dataset_dir: Path) -> None:
    probs = venue_problems(
        dataset_dir,
        ["V1,A,warkop,-95,111.71,18:00,02:00,,,,,", "V2,B,warkop,-8.06,200,18:00,02:00,,,,,"],
    )
    assert "-90" in find(probs, file="venues.csv", column="lat", row=2).expected("en")
    assert "-180" in find(probs, file="venues.csv", column="lon", row=3).expected("en")


def test_lat_lon_swapped_is_said(dataset_dir: Path) -> None:
    probs = venue_problems(dataset_dir, ["V1,A,warkop,111.71,-8.06,18:00,02:00,,,,,"])
    p = find(probs, file="venues.csv", column="lat", row=2)
    assert "swapped" in p.expected("en") and "tertukar" in p.expected("id")
    assert len(probs) == 1


@given(
    st.floats(-90, 90, allow_nan=False).map(lambda x: round(x, 6)),
    st.floats(-180, 180, allow_nan=False).map(lambda x: round(x, 6)),
    st.booleans(),
)
def test_decimal_comma_or_point_parse_the_same(lat: float, lon: float, comma: bool) -> None:
    from planner.sources._columns import to_float

    def text(x: float) -> str:
        s = f"{x:.6f}"
        return s.replace(".", ",") if comma else s

    values, bad = to_float(pd.Series([text(lat), text(lon), ""]))
    assert not bad.any()
    assert values[0] == pytest.approx(lat, abs=1e-9) and values[1] == pytest.approx(lon, abs=1e-9)
    assert math.isnan(values[2])


def test_parse_distinct_parses_each_text_once() -> None:
    from planner.sources._columns import parse_distinct

    calls: list[str] = []

    def parse(text: str) -> int:
        calls.append(text)
        return int(text)

    assert parse_distinct(["1", "x", "1", "2", "x"], parse) == [1, None, 1, 2, None]
    assert calls == ["1", "x", "2"]


def test_near_words_hint_in_both_languages() -> None:
    from planner.sources._columns import did_you_mean, guess

    assert guess("aera", ["area", "shift"]) == " ('area'?)"
    assert guess("zzz", ["area", "shift"]) == ""
    hint = did_you_mean("warkopp", ["warkop", "kafe"])
    assert hint("id") == "; maksudnya 'warkop'?" and hint("en") == "; did you mean 'warkop'?"
    assert did_you_mean("35.03.99", ["35.03.11.1001"], cutoff=0.8)("en") == ""


def test_instruction_rows_before_the_header_are_skipped(dataset_dir: Path) -> None:
    text = (
        "# Isi satu baris per warkop; hapus baris petunjuk ini bila mau\n"
        "venue_id,name,kind,lat,lon,opens,closes\n"
        "V1,A,warkop,-8.06,111.71,18:00,xx\n"
    )
    (dataset_dir / "venues.csv").write_text(text)
    p = find(
        problems_of(lambda: load_dataset(dataset_dir)), file="venues.csv", column="closes", row=3
    )
    assert p.value == "xx"
