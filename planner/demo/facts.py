"""The real facts behind the demo: the desa and stations of Kabupaten Trenggalek, and the
demo's constants (reference date, kinds, levels, the kecamatan of town, plain and mountains).

The desa codes, names, interior points and areas come from the package data
``planner/data/trenggalek_desa.csv`` (MIT, Cahya DSN); the station positions from
``planner/data/trenggalek_stations.csv`` are approximate (see ``planner/data/README.md``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from planner._tables import read_table
from planner.errors import ProblemCollector

REFERENCE_DATE = dt.date(2026, 12, 1)
"""The demo's "today": incidents cover the 90 days before it; tests plan the nights around it."""
INCIDENT_DAYS = 90
DEFAULT_SEED = 1
DEFAULT_N_VENUES = 1500
KINDS = ("angkringan", "warkop", "kafe")
LEVELS = ("rendah", "sedang", "tinggi", "sangat_tinggi")
TOWN_KECAMATAN = "Trenggalek"
LOWLAND_KECAMATAN = frozenset({"Trenggalek", "Pogalan", "Tugu", "Durenan"})
MOUNTAIN_KECAMATAN = frozenset(
    {"Panggul", "Munjungan", "Watulimo", "Dongko", "Pule", "Bendungan", "Kampak"}
)
"""Kecamatan whose roads are winding (1.3-1.6x the straight distance) and slower."""
DATASET_FILES = (
    "README.md",
    "desa.geojson",
    "incidents.csv",
    "planner.toml",
    "roads.graphml",
    "squads.toml",
    "stations.csv",
    "venues.csv",
)


# --------------------------------------------------------------------------- facts

_Fact = TypeVar("_Fact", "DesaFact", "StationFact")


@dataclass(frozen=True)
class DesaFact:
    """One real desa/kelurahan: official code and name, and a point inside its polygon."""

    desa_code: str
    desa: str
    type: str  # "desa" or "kelurahan"
    kecamatan_code: str
    kecamatan: str
    lat: float
    lon: float
    area_km2: float


@dataclass(frozen=True)
class StationFact:
    """Polres or Polsek with an approximate position (see planner/data/README.md)."""

    station_id: str
    name: str
    kind: str
    kecamatan_code: str
    kecamatan: str
    lat: float
    lon: float


def _read_package_csv(name: str) -> list[dict[str, str]]:
    """The rows of ``planner/data/<name>`` (leading ``#`` lines are its notes), read by the one
    table reader; a broken package file is a packaging bug, raised as an :class:`InputError`."""
    bag = ProblemCollector(name)
    with resources.as_file(resources.files("planner").joinpath("data", name)) as path:
        table = read_table(path, bag)
    bag.raise_if_any()
    assert table is not None  # read_table only returns None after adding a problem
    return [dict(zip(table.header, cells, strict=True)) for _, cells in table.records()]


@cache
def desa_facts() -> tuple[DesaFact, ...]:
    """The 157 desa/kelurahan of Kabupaten Trenggalek, ordered by code."""
    facts = _read_facts(DesaFact, "trenggalek_desa.csv", lat="inside_lat", lon="inside_lon")
    return tuple(sorted(facts, key=lambda f: f.desa_code))


@cache
def station_facts() -> tuple[StationFact, ...]:
    """Polres Trenggalek first, then one Polsek per kecamatan in code order."""
    facts = _read_facts(StationFact, "trenggalek_stations.csv")
    return tuple(sorted(facts, key=lambda f: (f.kind != "polres", f.kecamatan_code)))


def _read_facts(cls: type[_Fact], name: str, **columns: str) -> list[_Fact]:
    """One ``cls`` per row of ``planner/data/<name>``: every field from the column of its name
    (or the one ``columns`` gives for it), ``float`` fields parsed."""
    fields = dataclasses.fields(cls)

    def value(field: dataclasses.Field[Any], row: dict[str, str]) -> Any:
        cell = row[columns.get(field.name, field.name)]
        return float(cell) if field.type == "float" else cell

    return [cls(**{f.name: value(f, r) for f in fields}) for r in _read_package_csv(name)]


def words(text: str) -> tuple[str, ...]:
    """Split a ``|``-separated word list (keeps long name lists compact)."""
    return tuple(w.strip() for w in text.split("|") if w.strip())
