"""Data and helpers shared by the tests of planner.sources (imported as ``sources._support``).

A small dataset near Trenggalek town: four 0.02° desa squares (two in Trenggalek, two in
Pogalan), five venues, three incidents, two stations and three squads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from planner.errors import InputError, Problem
from planner.sources import load_dataset

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


def venue_problems(root: Path, rows: list[str], header: str = VENUES_HEADER) -> tuple[Problem, ...]:
    write_venues(root, rows, header)
    return problems_of(lambda: load_dataset(root))
