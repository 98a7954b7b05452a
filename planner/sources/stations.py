"""The police offices of a dataset: ``stations.csv`` / ``stations.xlsx``.

The Polres and the Polsek offices squads start from and return to; a Polsek's kecamatan is the
default area of its squads (docs/dataset.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._tables import read_table
from planner.errors import Problem, ProblemCollector
from planner.sources._columns import (
    COORD_ALIASES,
    check_header,
    col,
    coords,
    one_of,
    raise_problems,
)
from planner.text import msg

STATION_COLUMNS = ("station_id", "name", "kind", "kecamatan")
"""The columns of :func:`read_stations`'s frame besides geometry, in order."""

STATION_KINDS = ("polres", "polsek")

_ALIASES = {**COORD_ALIASES, "id": "station_id", "nama": "name", "jenis": "kind"}
_REQUIRED = ("station_id", "name", "kind", "lat", "lon", "kecamatan")


def read_stations(path: str | Path, *, kecamatan: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Read the Polres and Polsek offices (CSV or XLSX). With ``kecamatan``, a station in an
    unknown kecamatan is a problem."""
    kec = set(kecamatan) if kecamatan is not None else None
    gdf, problems, _ = collect_stations(Path(path), kecamatan=kec)
    raise_problems(problems)
    return gdf


def empty_stations() -> gpd.GeoDataFrame:
    """A stations frame without rows."""
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in STATION_COLUMNS},
        geometry=gpd.GeoSeries([], crs=4326),
    )


def collect_stations(
    path: Path, *, kecamatan: set[str] | None
) -> tuple[gpd.GeoDataFrame, list[Problem], set[str] | None]:
    """Read the stations file and collect every problem in it instead of raising.

    With ``kecamatan`` (those of the desa file), a station elsewhere is a problem.

    Returns
    -------
    tuple
        The stations frame (no rows when there is any problem), the problems, and the station
        ids of the file (so the roster can be checked against them even when a row is bad;
        ``None`` when the file could not be read, so no squad is reported for it again).
    """
    bag = ProblemCollector(path.name)
    table = read_table(path, bag, geo_ok=False)
    if table is None:
        return empty_stations(), bag.problems, None
    missing = check_header(table, bag, required=_REQUIRED, aliases=_ALIASES, unique="station_id")
    good = np.ones(len(table.data), dtype=bool)
    kind = col(table, "kind").str.lower()
    good &= ~one_of(bag, table, "kind", kind, STATION_KINDS, msg("jenis kantor", "a station kind"))
    skec = col(table, "kecamatan")
    if kecamatan is not None:
        good &= ~one_of(
            bag,
            table,
            "kecamatan",
            skec,
            sorted(kecamatan),
            msg("kecamatan dari berkas desa", "a kecamatan of the desa file"),
        )
    lat, lon, ok = coords(bag, table, missing)
    good &= ok
    ids = col(table, "station_id")
    keep = np.flatnonzero(good) if not bag else np.arange(0)
    out = gpd.GeoDataFrame(
        {
            "station_id": ids.to_numpy()[keep],
            "name": col(table, "name").to_numpy()[keep],
            "kind": kind.to_numpy()[keep],
            "kecamatan": skec.to_numpy()[keep],
        },
        geometry=gpd.points_from_xy(lon[keep], lat[keep]),
        crs=4326,
    )
    known = None if "station_id" in missing else {v for v in ids if v}
    return out, bag.problems, known


__all__ = [
    "STATION_COLUMNS",
    "STATION_KINDS",
    "collect_stations",
    "empty_stations",
    "read_stations",
]
