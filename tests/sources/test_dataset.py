"""Tests of planner.sources: reading a dataset folder and reporting every bad input."""

from __future__ import annotations

import hashlib
import math
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import box

from planner.config import Settings
from planner.domain import WIB, Window
from planner.errors import InputError, Problem
from planner.sources import (
    Dataset,
    load_dataset,
    parse_closed_days,
    read_desa,
    read_incidents,
    read_roster,
    read_stations,
    read_venues,
    summarize,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "trenggalek"

# Four 0.02° desa squares near Trenggalek town: two in Trenggalek, two in Pogalan.
DESA = [
    ("35.03.11.1001", "Ngantru", "Trenggalek", "tinggi", (111.70, -8.07, 111.72, -8.05)),
    (
        "35.03.11.1002",
        "Sumbergedong",
        "Trenggalek",
        "sangat_tinggi",
        (111.72, -8.07, 111.74, -8.05),
    ),
    ("35.03.12.2001", "Ngadirejo", "Pogalan", "sedang", (111.70, -8.05, 111.72, -8.03)),
    ("35.03.12.2002", "Bendorejo", "Pogalan", "rendah", (111.72, -8.05, 111.74, -8.03)),
]

VENUES_HEADER = (
    "venue_id,name,kind,lat,lon,opens,closes,desa_code,dwell_min,kerawanan,active,closed_days"
)
VENUES_ROWS = [
    "V1,Warkop Mbah Kuwot,warkop,-8.060,111.710,18:00,02:00,,,,,",
    "V2,Angkringan Pak Dul,angkringan,-8.061,111.730,19.00,01.00,,30,,ya,Jumat",
    "V3,Kafe Senja,kafe,-8.040,111.711,16:00,23:00,35.03.12.2001,,tinggi,true,",
    'V4,Warkop 24,warkop,-8.041,111.731,24 jam,24 jam,,,,tidak,"Sabtu, Minggu"',
    "V5,Warkop Siang,warkop,-8.042,111.732,06:00,22:00,,,,,",
]
INCIDENTS = """incident_id,occurred_at,lat,lon,category,severity,venue_id
I1,2024-05-01 21:30,-8.060,111.711,curanmor,,V1
I2,02/05/2024 23:15,-8.041,111.730,miras,2.5,
I3,2024-05-03T01:00:00+07:00,-8.045,111.720,perkelahian,,
"""
STATIONS = """station_id,name,kind,lat,lon,kecamatan
POLRES,Polres Trenggalek,polres,-8.055,111.715,Trenggalek
PSK-POG,Polsek Pogalan,polsek,-8.045,111.725,Pogalan
"""
SQUADS = """
[[squad]]
squad_id = "R01"
name = "Regu 1 Samapta"
station_id = "POLRES"
members = 6
shift = "19:00-02:00"
vehicle = "mobil"

[[squad]]
squad_id = "R02"
station_id = "PSK-POG"
members = 5
shift = "20.00-03.00"
vehicle = "motor"

[[squad]]
squad_id = "R03"
station_id = "POLRES"
members = 5
shift = "19:00-01:00"
vehicle = "motor"
area = ["Pogalan", "Trenggalek"]
"""


def desa_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "desa_code": [d[0] for d in DESA],
            "desa": [d[1] for d in DESA],
            "kecamatan": [d[2] for d in DESA],
            "kerawanan": [d[3] for d in DESA],
        },
        geometry=[box(*d[4]) for d in DESA],
        crs=4326,
    )


def write_venues(root: Path, rows: list[str] | None = None, header: str = VENUES_HEADER) -> Path:
    path = root / "venues.csv"
    path.write_text("\n".join([header, *(VENUES_ROWS if rows is None else rows)]) + "\n")
    return path


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    root.mkdir()
    desa_frame().to_file(root / "desa.geojson", driver="GeoJSON")
    write_venues(root)
    (root / "incidents.csv").write_text(INCIDENTS)
    (root / "stations.csv").write_text(STATIONS)
    (root / "squads.toml").write_text(SQUADS)
    return root


def folder_hash(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def problems_of(func: Callable[[], object]) -> tuple[Problem, ...]:
    with pytest.raises(InputError) as info:
        func()
    return info.value.problems


def find(
    problems: tuple[Problem, ...], *, file: str, column: str | None, row: int | None = None
) -> Problem:
    hits = [p for p in problems if p.file == file and p.column == column and p.row == row]
    assert hits, f"no problem at {file} row {row} column {column}: {problems}"
    return hits[0]


# ---------------------------------------------------------------------------- good data


def test_load_dataset_reads_every_file(dataset_dir: Path) -> None:
    ds = load_dataset(dataset_dir)
    assert isinstance(ds, Dataset)
    assert ds.root == dataset_dir
    assert list(ds.desa["desa_code"]) == [d[0] for d in DESA]
    assert ds.desa.crs.to_epsg() == 4326
    assert len(ds.venues) == 5 and ds.venues.crs.to_epsg() == 4326
    assert len(ds.incidents) == 3 and len(ds.stations) == 2
    assert [s.squad_id for s in ds.squads] == ["R01", "R02", "R03"]
    assert ds.roads is None
    assert ds.settings == Settings()
    assert ds == ds and len({ds}) == 1  # compares by identity, never by its tables
    assert ds.station("PSK-POG")["kecamatan"] == "Pogalan"
    with pytest.raises(KeyError):
        ds.station("NOPE")


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


def test_incidents_times_are_wib_and_severity_defaults(dataset_dir: Path) -> None:
    inc = load_dataset(dataset_dir).incidents.set_index("incident_id")
    assert str(inc["occurred_at"].dt.tz) in {"WIB", "UTC+07:00"}
    t1 = inc.loc["I1", "occurred_at"]
    assert t1.utcoffset().total_seconds() == 7 * 3600
    assert (t1.year, t1.month, t1.day, t1.hour, t1.minute) == (2024, 5, 1, 21, 30)
    t2 = inc.loc["I2", "occurred_at"]  # DD/MM/YYYY: the 2nd of May, not the 5th of February
    assert (t2.month, t2.day, t2.hour) == (5, 2, 23)
    assert inc.loc["I3", "occurred_at"].hour == 1
    assert inc.loc["I1", "severity"] == Settings().incidents.categories["curanmor"]
    assert inc.loc["I2", "severity"] == 2.5
    assert inc.loc["I1", "venue_id"] == "V1" and inc.loc["I2", "venue_id"] is None


def test_roster_default_areas(dataset_dir: Path) -> None:
    squads = {s.squad_id: s for s in load_dataset(dataset_dir).squads}
    assert squads["R01"].area is None  # Polres: anywhere
    assert squads["R02"].area == ("Pogalan",)  # Polsek: its kecamatan
    assert squads["R03"].area == ("Pogalan", "Trenggalek")
    assert squads["R02"].shift == Window(480, 900)
    assert squads["R01"].name == "Regu 1 Samapta" and squads["R01"].vehicle == "mobil"


def test_roads_file_is_found_not_loaded(dataset_dir: Path) -> None:
    (dataset_dir / "roads.osm.pbf").write_bytes(b"not really a pbf")
    assert load_dataset(dataset_dir).roads == dataset_dir / "roads.osm.pbf"


def test_summarize(dataset_dir: Path) -> None:
    s = summarize(load_dataset(dataset_dir))
    assert s["desa"] == 4 and s["kecamatan"] == 2
    assert s["venues"] == 5 and s["venues_active"] == 4
    assert s["venues_per_kecamatan"] == {"Pogalan": 3, "Trenggalek": 2}
    assert s["venues_per_kind"] == {"angkringan": 1, "kafe": 1, "warkop": 3}
    assert s["incidents"] == 3 and s["incidents_from"] == "2024-05-01"
    assert s["stations"] == 2 and s["stations_per_kind"] == {"polres": 1, "polsek": 1}
    assert s["squads"] == 3 and s["members"] == 16
    assert s["roads"] is None


def test_settings_file_is_used(dataset_dir: Path) -> None:
    (dataset_dir / "planner.toml").write_text(
        "[kinds]\nweights = {warkop = 1.0, angkringan = 1.0, kafe = 1.0}\ndwell_min = {warkop = 40.0}\n"
    )
    v = load_dataset(dataset_dir).venues.set_index("venue_id")
    assert v.loc["V1", "dwell_min"] == 40.0


# ---------------------------------------------------------------------------- formats


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


def test_desa_geojson_in_utm_is_converted(dataset_dir: Path) -> None:
    (dataset_dir / "desa.geojson").unlink()
    desa_frame().to_crs(32749).to_file(dataset_dir / "desa.geojson", driver="GeoJSON")
    desa = read_desa(dataset_dir / "desa.geojson")
    assert desa.crs.to_epsg() == 4326
    xmin, ymin, xmax, ymax = desa.total_bounds
    assert (xmin, ymin, xmax, ymax) == pytest.approx((111.70, -8.07, 111.74, -8.03), abs=1e-6)
    v = load_dataset(dataset_dir).venues.set_index("venue_id")
    assert v.loc["V1", "desa_code"] == "35.03.11.1001"


def test_desa_shapefile_and_aliases(tmp_path: Path) -> None:
    frame = desa_frame().rename(columns={"desa_code": "Kode Desa", "desa": "Nama Desa"})
    frame.to_file(tmp_path / "desa.shp")
    desa = read_desa(tmp_path / "desa.shp")
    assert list(desa.columns) == ["desa_code", "desa", "kecamatan", "kerawanan", "geometry"]
    assert list(desa["desa"]) == [d[1] for d in DESA]


def test_ambiguous_venue_files(dataset_dir: Path) -> None:
    shutil.copy(dataset_dir / "venues.csv", dataset_dir / "venues.geojson")
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert any("venues.geojson" in p.value_text() for p in probs)


def test_missing_files_are_reported_together(tmp_path: Path) -> None:
    probs = problems_of(lambda: load_dataset(tmp_path))
    files = {p.file for p in probs}
    assert {"desa.gpkg", "venues.csv", "stations.csv", "squads.toml"} <= files
    assert not any(p.file.startswith("incidents") for p in probs)  # incidents are optional


def test_not_a_folder(tmp_path: Path) -> None:
    probs = problems_of(lambda: load_dataset(tmp_path / "nope"))
    assert len(probs) == 1 and "nope" in probs[0].file


# ---------------------------------------------------------------------------- bad venues


def venue_problems(root: Path, rows: list[str], header: str = VENUES_HEADER) -> tuple[Problem, ...]:
    write_venues(root, rows, header)
    return problems_of(lambda: load_dataset(root))


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


def test_blank_required_cells(dataset_dir: Path) -> None:
    probs = venue_problems(dataset_dir, ["V1,,warkop,-8.06,,18:00,02:00,,,,,"])
    assert {(p.row, p.column) for p in probs} == {(2, "name"), (2, "lon")}


def test_every_problem_in_every_file_at_once(dataset_dir: Path) -> None:
    write_venues(dataset_dir, ["V1,A,warkop,abc,111.71,18:00,02:00,,,,,"])
    (dataset_dir / "stations.csv").write_text(STATIONS.replace("polsek", "koramil"))
    (dataset_dir / "squads.toml").write_text(SQUADS.replace('"mobil"', '"sepeda"'))
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert {p.file for p in probs} >= {"venues.csv", "stations.csv", "squads.toml"}


# ---------------------------------------------------------------------------- other files


def test_bad_desa_file(dataset_dir: Path) -> None:
    frame = desa_frame()
    frame.loc[1, "desa_code"] = frame.loc[0, "desa_code"]
    frame.loc[2, "kerawanan"] = "parah"
    frame.to_file(dataset_dir / "desa.geojson", driver="GeoJSON")
    probs = problems_of(lambda: read_desa(dataset_dir / "desa.geojson"))
    assert find(probs, file="desa.geojson", column="desa_code", row=3).value == "35.03.11.1001"
    assert find(probs, file="desa.geojson", column="kerawanan", row=4).value == "parah"
    assert len(probs) == 2


def test_desa_file_without_kerawanan(dataset_dir: Path) -> None:
    desa_frame().drop(columns="kerawanan").to_file(dataset_dir / "desa.geojson", driver="GeoJSON")
    probs = problems_of(lambda: load_dataset(dataset_dir))
    find(probs, file="desa.geojson", column="kerawanan")
    # a bad desa file does not make every venue look "outside every desa"
    assert {p.file for p in probs} == {"desa.geojson"}


def test_bad_incidents(dataset_dir: Path) -> None:
    (dataset_dir / "incidents.csv").write_text(
        "incident_id,occurred_at,lat,lon,category,severity,venue_id\n"
        "I1,kemarin malam,-8.06,111.71,curanmor,,\n"
        "I2,31/02/2024 21:00,-8.06,111.71,curanmor,,\n"
        "I3,2024-05-01 21:00,-8.06,111.71,curanmur,,\n"
        "I4,2024-05-01 21:00,-8.06,111.71,miras,berat,\n"
        "I5,2024-05-01 21:00,-8.06,111.71,miras,,V99\n"
        "I5,2024-05-01 21:00,111.71,-8.06,miras,,\n"
    )
    probs = problems_of(lambda: load_dataset(dataset_dir))
    f = "incidents.csv"
    assert find(probs, file=f, column="occurred_at", row=2).value == "kemarin malam"
    assert find(probs, file=f, column="occurred_at", row=3).value == "31/02/2024 21:00"
    assert "curanmor" in find(probs, file=f, column="category", row=4).expected("en")
    assert find(probs, file=f, column="severity", row=5).value == "berat"
    assert find(probs, file=f, column="venue_id", row=6).value == "V99"
    assert find(probs, file=f, column="incident_id", row=7).value == "I5"
    assert "swapped" in find(probs, file=f, column="lat", row=7).expected("en")
    assert len(probs) == 7


def test_incidents_xlsx_with_datetimes(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["incident_id", "occurred_at", "lat", "lon", "category"])
    ws.append(["I1", dt.datetime(2024, 5, 1, 22, 5), -8.06, 111.71, "judi"])
    ws.append(["I2", "01/05/2024 23.40", -8.06, 111.71, "Balap Liar"])
    wb.save(tmp_path / "incidents.xlsx")
    inc = read_incidents(tmp_path / "incidents.xlsx")
    assert inc["occurred_at"].iloc[0] == pd.Timestamp("2024-05-01 22:05", tz=WIB)
    assert inc["occurred_at"].iloc[1] == pd.Timestamp("2024-05-01 23:40", tz=WIB)
    assert inc["category"].tolist() == ["judi", "balap_liar"]


def test_bad_stations(dataset_dir: Path) -> None:
    (dataset_dir / "stations.csv").write_text(
        "station_id,name,kind,lat,lon,kecamatan\n"
        "POLRES,Polres,polres,-8.055,111.715,Trenggalek\n"
        "PSK-POG,Polsek,koramil,-8.045,111.725,Pogalan\n"
        "PSK2,Polsek 2,polsek,-8.045,111.725,Pogalan Kota\n"
    )
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert find(probs, file="stations.csv", column="kind", row=3).value == "koramil"
    assert find(probs, file="stations.csv", column="kecamatan", row=4).value == "Pogalan Kota"
    # the squad of a station with a bad row is not also reported: its station_id exists
    assert {p.file for p in probs} == {"stations.csv"}
    assert len(probs) == 2


def test_bad_roster(dataset_dir: Path) -> None:
    (dataset_dir / "squads.toml").write_text(
        """
[[squad]]
squad_id = "R01"
station_id = "POLRESS"
members = 6
shift = "19:00-02:00"
vehicle = "mobil"

[[squad]]
squad_id = "R01"
station_id = "POLRES"
members = 0
shift = "03:00-19:00"
vehicle = "sepeda"
area = ["Trenggalek", "Atlantis"]

[[squad]]
squad_id = "R03"
station_id = "POLRES"
shift = "malam"
vehicle = "motor"
aera = ["Pogalan"]
"""
    )
    probs = problems_of(lambda: load_dataset(dataset_dir))
    f = "squads.toml"
    st = find(probs, file=f, column="squad[1].station_id")
    assert st.value == "POLRESS" and "POLRES" in st.expected("en")
    assert find(probs, file=f, column="squad[2].squad_id").value == "R01"
    assert find(probs, file=f, column="squad[2].members").value == 0
    shift = find(probs, file=f, column="squad[2].shift")
    assert "ends after it starts" in shift.expected("en")
    assert find(probs, file=f, column="squad[2].vehicle").value == "sepeda"
    assert find(probs, file=f, column="squad[2].area").value == "Atlantis"
    assert find(probs, file=f, column="squad[3].shift").value == "malam"
    assert find(probs, file=f, column="squad[3].members").value is None
    assert find(probs, file=f, column="squad[3].aera").value == "aera"
    assert len(probs) == 9


def test_read_roster_alone(dataset_dir: Path) -> None:
    stations = read_stations(dataset_dir / "stations.csv")
    squads = read_roster(dataset_dir / "squads.toml", stations=stations)
    assert [s.area for s in squads] == [None, ("Pogalan",), ("Pogalan", "Trenggalek")]
    assert read_roster(dataset_dir / "squads.toml")[1].area is None  # no stations: unknown


def test_bad_settings_file_reported_with_key(dataset_dir: Path) -> None:
    (dataset_dir / "planner.toml").write_text("[routing]\ntime_limit_s = -1\n")
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert find(probs, file="planner.toml", column="routing.time_limit_s").value == -1


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


# ---------------------------------------------------------------------------- safety, speed


def test_bad_input_leaves_files_unchanged(dataset_dir: Path) -> None:
    write_venues(dataset_dir, ["V1,A,warkop,111.71,-8.06,18:00,02:00,,,,,", "V1,,x,a,b,c,d,,,,,"])
    (dataset_dir / "planner.toml").write_text("[routing]\nseeed = 1\n")
    before = folder_hash(dataset_dir)
    with pytest.raises(InputError):
        load_dataset(dataset_dir)
    assert folder_hash(dataset_dir) == before
    assert sorted(p.name for p in dataset_dir.iterdir()) == sorted(before)


def test_error_renders_file_row_column_in_both_languages(dataset_dir: Path) -> None:
    write_venues(dataset_dir, ["V1,A,warkop,-8.06,abc,18:00,02:00,,,,,"])
    with pytest.raises(InputError) as info:
        load_dataset(dataset_dir)
    assert "venues.csv, baris 2, kolom lon" in info.value.render("id")
    assert "venues.csv, row 2, column lon" in info.value.render("en")


def test_thousands_of_rows_validate_fast(dataset_dir: Path) -> None:
    rng = np.random.default_rng(7)
    n = 3000
    lat = rng.uniform(-8.069, -8.031, n)
    lon = rng.uniform(111.701, 111.739, n)
    rows = [
        f"V{i},Warkop {i},{('warkop', 'kafe', 'angkringan')[i % 3]},{la:.6f},{lo:.6f},18:00,02:00,,,,,"
        for i, (la, lo) in enumerate(zip(lat, lon, strict=True))
    ]
    write_venues(dataset_dir, rows)
    inc = ["incident_id,occurred_at,lat,lon,category,severity,venue_id"] + [
        f"I{i},0{1 + i % 9}/05/2024 2{i % 4}:15,{la:.6f},{lo:.6f},curanmor,,V{i}"
        for i, (la, lo) in enumerate(zip(lat, lon, strict=True))
    ]
    (dataset_dir / "incidents.csv").write_text("\n".join(inc) + "\n")
    t0 = time.perf_counter()
    ds = load_dataset(dataset_dir)
    elapsed = time.perf_counter() - t0
    assert len(ds.venues) == n and len(ds.incidents) == n
    assert ds.venues["desa_code"].ne("").all()
    assert elapsed < 5.0, elapsed
    assert not math.isnan(ds.incidents["severity"].sum())


# ---------------------------------------------------------------------------- shared data


@pytest.mark.skipif(not (SHARED / "desa.geojson").exists(), reason="../shared data not present")
def test_real_trenggalek_desa_with_levels(tmp_path: Path) -> None:
    real = gpd.read_file(SHARED / "desa.geojson")
    real["kerawanan"] = "sedang"
    real.to_file(tmp_path / "desa.gpkg", driver="GPKG")
    desa = read_desa(tmp_path / "desa.gpkg")
    assert len(desa) == 157 and desa["kecamatan"].nunique() == 14
    assert desa["desa_code"].is_unique
    # without kerawanan the real file is reported, naming the column
    probs = problems_of(lambda: read_desa(SHARED / "desa.geojson"))
    assert [(p.file, p.column) for p in probs] == [("desa.geojson", "kerawanan")]


# ---------------------------------------------------------------------------- CLI


def _validate_args(*args: str) -> list[str]:
    """``validate`` args; while the app has a single command Typer runs it without its name."""
    import typer.main

    from planner.cli import app

    is_group = hasattr(typer.main.get_command(app), "commands")
    return ["validate", *args] if is_group else list(args)


def test_cli_validate_prints_summary(dataset_dir: Path) -> None:
    from typer.testing import CliRunner

    from planner.cli import app

    result = CliRunner().invoke(app, _validate_args(str(dataset_dir)))
    assert result.exit_code == 0, result.output
    assert "Tempat per kecamatan" in result.output and "Pogalan" in result.output
    en = CliRunner().invoke(app, _validate_args(str(dataset_dir), "--lang", "en"))
    assert en.exit_code == 0 and "Venues per kecamatan" in en.output
    js = CliRunner().invoke(app, _validate_args(str(dataset_dir), "--json"))
    assert js.exit_code == 0
    import json

    assert json.loads(js.stdout)["venues_per_kecamatan"] == {"Pogalan": 3, "Trenggalek": 2}


def test_cli_validate_bad_dataset_exits_2_with_table(dataset_dir: Path) -> None:
    from typer.testing import CliRunner

    from planner.cli import app

    write_venues(dataset_dir, ["V1,A,warkop,111.71,-8.06,18:00,02:00,,,,,"])
    before = folder_hash(dataset_dir)
    result = CliRunner().invoke(app, _validate_args(str(dataset_dir)))
    assert result.exit_code == 2
    out = result.output
    assert "Traceback" not in out
    assert "Berkas" in out and "venues.csv" in out and "tertukar" in out
    en = CliRunner().invoke(app, _validate_args(str(dataset_dir), "--lang", "en"))
    assert en.exit_code == 2 and "swapped" in en.output and "Expected" in en.output
    assert folder_hash(dataset_dir) == before


def test_cli_validate_subprocess_has_no_traceback(dataset_dir: Path) -> None:
    import os
    import subprocess
    import sys

    (dataset_dir / "squads.toml").write_text(SQUADS.replace('"19:00-02:00"', '"02:00-19:00"'))
    proc = subprocess.run(
        [sys.executable, "-m", "planner.cli", *_validate_args(str(dataset_dir), "--lang", "en")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "squads.toml" in proc.stderr and "squad[1].shift" in proc.stderr


# ---------------------------------------------------------------------------- invariants

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


@given(
    st.floats(-90, 90, allow_nan=False).map(lambda x: round(x, 6)),
    st.floats(-180, 180, allow_nan=False).map(lambda x: round(x, 6)),
    st.booleans(),
)
def test_decimal_comma_or_point_parse_the_same(lat: float, lon: float, comma: bool) -> None:
    from planner.sources import _to_float

    def text(x: float) -> str:
        s = f"{x:.6f}"
        return s.replace(".", ",") if comma else s

    values, bad = _to_float(pd.Series([text(lat), text(lon), ""]))
    assert not bad.any()
    assert values[0] == pytest.approx(lat, abs=1e-9) and values[1] == pytest.approx(lon, abs=1e-9)
    assert math.isnan(values[2])


DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.mark.skipif(not (DEMO / "squads.toml").exists(), reason="data/demo not generated yet")
def test_bundled_demo_validates_quickly() -> None:
    t0 = time.perf_counter()
    ds = load_dataset(DEMO)
    elapsed = time.perf_counter() - t0
    s = summarize(ds)
    assert s["desa"] > 0 and s["venues"] > 0 and s["stations"] > 0 and s["squads"] > 0
    assert ds.venues["desa_code"].ne("").all() and ds.venues["kecamatan"].ne("").all()
    assert elapsed < 5.0, elapsed
