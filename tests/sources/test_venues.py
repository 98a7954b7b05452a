"""Tests of planner.sources.venues: opening hours, optional columns, the desa of a venue."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sources._support import (
    VENUES_ROWS,
    find,
    folder_hash,
    problems_of,
    venue_problems,
    write_venues,
)

from planner.config import Settings
from planner.domain import Window
from planner.sources import load_dataset, parse_closed_days, read_venues


def test_venue_columns_are_parsed(dataset_dir: Path) -> None:
    v = load_dataset(dataset_dir).venues.set_index("venue_id")
    # spatial join fills desa_code, desa and kecamatan
    assert v.loc["V1", "desa_code"] == "35.03.11.1001"
    assert v.loc["V1", "desa"] == "Ngantru" and v.loc["V1", "kecamatan"] == "Trenggalek"
    assert v.loc["V2", "desa_code"] == "35.03.11.1002"
    assert v.loc["V4", "kecamatan"] == "Pogalan"
    # a given desa_code is kept and names are filled from the desa file
    assert v.loc["V3", "desa_code"] == "35.03.12.2001" and v.loc["V3", "desa"] == "Ngadirejo"
    # windows on the night clock; "19.00" style and across midnight
    assert v.loc["V1", "windows"] == (Window(360, 840),)
    assert v.loc["V2", "windows"] == (Window(420, 780),)
    assert v.loc["V2", "opens"] == "19:00"
    assert v.loc["V4", "windows"] == (Window(0, 1440),)
    assert v.loc["V5", "windows"] == (Window(0, 600), Window(1080, 1440))
    # dwell: the kind's default unless given
    assert v.loc["V1", "dwell_min"] == Settings().kinds.dwell_min["warkop"]
    assert v.loc["V2", "dwell_min"] == 30.0
    assert v.loc["V3", "kerawanan"] == "tinggi" and v.loc["V1", "kerawanan"] is None
    assert list(v["active"]) == [True, True, True, False, True]
    assert v.loc["V2", "closed_days"] == frozenset({4})
    assert v.loc["V4", "closed_days"] == frozenset({5, 6})
    assert v.loc["V1", "closed_days"] == frozenset()
    assert v.loc["V1", "geometry"].x == pytest.approx(111.71)
    assert v.loc["V1", "geometry"].y == pytest.approx(-8.06)


def test_xlsx_venues(dataset_dir: Path) -> None:
    import datetime as dt

    import openpyxl

    (dataset_dir / "venues.csv").unlink()
    (dataset_dir / "incidents.csv").unlink()  # they refer to venue V1
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["venue_id", "name", "kind", "lat", "lon", "opens", "closes", "dwell_min"])
    ws.append([101, "Warkop Excel", "warkop", -8.06, 111.71, dt.time(18, 0), dt.time(2, 0), 15])
    ws.append([102, "Kafe Excel", "kafe", "-8,041", "111,731", "16.00", "23.00", None])
    ws.append([103, "Kafe Rusak", "kafe", -8.041, 111.731, "16.00", "nanti", None])
    wb.save(dataset_dir / "venues.xlsx")
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert [(p.file, p.row, p.column) for p in probs] == [("venues.xlsx", 4, "closes")]
    ws.delete_rows(4)
    wb.save(dataset_dir / "venues.xlsx")
    v = load_dataset(dataset_dir).venues
    assert list(v["venue_id"]) == ["101", "102"]
    assert v["windows"].iloc[0] == (Window(360, 840),)
    assert v["dwell_min"].tolist() == [15.0, 30.0]
    assert list(v["kecamatan"]) == ["Trenggalek", "Pogalan"]


def test_geojson_venues_use_geometry(dataset_dir: Path) -> None:
    (dataset_dir / "venues.csv").unlink()
    gdf = gpd.GeoDataFrame(
        {
            "venue_id": ["V1", "V2"],
            "name": ["A", "B"],
            "kind": ["warkop", "kafe"],
            "opens": ["18:00", "17:00"],
            "closes": ["01:00", "23:00"],
        },
        geometry=gpd.points_from_xy([111.71, 111.73], [-8.06, -8.04]),
        crs=4326,
    ).to_crs(32749)
    gdf.to_file(dataset_dir / "venues.gpkg", driver="GPKG")
    before = folder_hash(dataset_dir)
    v = load_dataset(dataset_dir).venues
    assert folder_hash(dataset_dir) == before  # reading a GeoPackage writes nothing
    assert v.geometry.x.tolist() == pytest.approx([111.71, 111.73])
    assert list(v["desa_code"]) == ["35.03.11.1001", "35.03.12.2002"]


def test_duplicate_venue_ids(dataset_dir: Path) -> None:
    rows = [*VENUES_ROWS[:4], "V2,Copy,warkop,-8.06,111.71,18:00,02:00,,,,,", VENUES_ROWS[4]]
    probs = venue_problems(dataset_dir, rows)
    p = find(probs, file="venues.csv", column="venue_id", row=6)
    assert p.value == "V2" and "row 3" in p.expected("en") and "baris 3" in p.expected("id")
    assert len(probs) == 1


def test_unparseable_numbers_and_times(dataset_dir: Path) -> None:
    rows = [
        "V1,A,warkop,-8.06,abc,18:00,02:00,,,,,",
        "V2,B,warkop,-8.06,111.71,25:00,02:00,,lama,,,",
        "V3,C,warkop,-8.06,111.71,18:00,jam 2,,,,,",
    ]
    probs = venue_problems(dataset_dir, rows)
    assert find(probs, file="venues.csv", column="lon", row=2).value == "abc"
    assert find(probs, file="venues.csv", column="opens", row=3).value == "25:00"
    assert find(probs, file="venues.csv", column="dwell_min", row=3).value == "lama"
    assert find(probs, file="venues.csv", column="closes", row=4).value == "jam 2"
    assert len(probs) == 4


def test_venue_outside_every_desa_gives_distance(dataset_dir: Path) -> None:
    # 0.01° east of the easternmost desa edge (111.74) at -8.06: about 1.1 km away.
    probs = venue_problems(dataset_dir, ["V1,A,warkop,-8.06,111.75,18:00,02:00,,,,,"])
    p = find(probs, file="venues.csv", column="lat/lon", row=2)
    text = p.expected("en")
    assert "Sumbergedong" in text
    metres = float(text.split(" m (")[0].rsplit(" ", 1)[-1].replace(",", ""))
    assert 1050 < metres < 1150
    assert "di luar desa" in p.expected("id")


def test_venue_just_outside_a_desa_edge_is_accepted(dataset_dir: Path) -> None:
    # 0.0002° (about 22 m) beyond the eastern edge: within the border tolerance
    write_venues(dataset_dir, ["V1,A,warkop,-8.06,111.7402,18:00,02:00,,,,,"])
    v = load_dataset(dataset_dir).venues
    assert v["desa_code"].tolist() == ["35.03.11.1002"]


def test_unknown_kind_kerawanan_active_days_desa_code(dataset_dir: Path) -> None:
    rows = [
        "V1,A,warkopp,-8.06,111.71,18:00,02:00,,,,,",
        "V2,B,warkop,-8.06,111.71,18:00,02:00,,,gawat,,",
        "V3,C,warkop,-8.06,111.71,18:00,02:00,,,,mungkin,",
        "V4,D,warkop,-8.06,111.71,18:00,02:00,,,,,Senin;Funday",
        "V5,E,warkop,-8.06,111.71,18:00,02:00,35.03.99.9999,,,,",
        "V6,F,warkop,-8.06,111.71,18:00,02:00,,5,,,",
    ]
    probs = venue_problems(dataset_dir, rows)
    kind = find(probs, file="venues.csv", column="kind", row=2)
    assert "warkop" in kind.expected("en") and "did you mean 'warkop'" in kind.expected("en")
    assert "sangat_tinggi" in find(probs, file="venues.csv", column="kerawanan", row=3).expected(
        "en"
    )
    assert find(probs, file="venues.csv", column="active", row=4).value == "mungkin"
    assert find(probs, file="venues.csv", column="closed_days", row=5).value == "Senin;Funday"
    assert find(probs, file="venues.csv", column="desa_code", row=6).value == "35.03.99.9999"
    assert "10" in find(probs, file="venues.csv", column="dwell_min", row=7).expected("en")
    assert len(probs) == 6


def test_read_venues_alone_without_desa(dataset_dir: Path) -> None:
    v = read_venues(dataset_dir / "venues.csv")
    assert v["desa_code"].tolist()[2] == "35.03.12.2001"
    assert v["desa_code"].tolist()[0] == ""  # no desa polygons: not joined


def test_parse_closed_days() -> None:
    assert parse_closed_days("Senin, Jumat") == frozenset({0, 4})
    assert parse_closed_days("Jum'at") == frozenset({4})
    assert parse_closed_days("sun,Sat") == frozenset({5, 6})
    assert parse_closed_days("Ahad") == frozenset({6})
    assert parse_closed_days("") == frozenset()
    with pytest.raises(ValueError, match="kemarin"):
        parse_closed_days("Senin, kemarin")


_ID_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@given(
    st.sets(st.integers(0, 6)),
    st.lists(st.booleans(), min_size=7, max_size=7),
    st.sampled_from([",", ", ", ";"]),
)
def test_closed_days_round_trip(days: set[int], english: list[bool], sep: str) -> None:
    text = sep.join((_EN_DAYS if english[d] else _ID_DAYS)[d] for d in sorted(days))
    assert parse_closed_days(text) == frozenset(days)
    assert parse_closed_days(text.upper()) == frozenset(days)


def _metres_outside(root: Path) -> float:
    """The distance the report gives for a venue 0.01° east of the easternmost desa."""
    probs = venue_problems(root, ["V1,A,warkop,-8.06,111.75,18:00,02:00,,,,,"])
    text = find(probs, file="venues.csv", column="lat/lon", row=2).expected("en")
    return float(text.split(" m (")[0].rsplit(" ", 1)[-1].replace(",", ""))


def test_distance_outside_is_measured_in_the_metric_crs(dataset_dir: Path) -> None:
    derived = _metres_outside(dataset_dir)
    (dataset_dir / "planner.toml").write_text('[general]\nmetric_crs = "EPSG:32749"\n')
    assert _metres_outside(dataset_dir) == derived  # Trenggalek's UTM zone is the default
    (dataset_dir / "planner.toml").write_text('[general]\nmetric_crs = "EPSG:3857"\n')
    # Web Mercator stretches by 1/cos(8.06°) ≈ 1.010: the configured CRS is the one used
    assert 1.005 < _metres_outside(dataset_dir) / derived < 1.015


def test_active_takes_every_yes_no_word(dataset_dir: Path) -> None:
    words = ["iya", "tdk", "Tidak Aktif", "nonaktif", "YA"]
    rows = [f"V{i},A,warkop,-8.06,111.71,18:00,02:00,,,,{w}," for i, w in enumerate(words, start=1)]
    write_venues(dataset_dir, rows)
    v = load_dataset(dataset_dir).venues
    assert v["active"].tolist() == [True, False, False, False, True]
