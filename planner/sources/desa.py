"""The desa (village) polygons of a dataset: ``desa.gpkg`` / ``desa.geojson`` / ``desa.shp``.

One polygon per desa/kelurahan with its Kemendagri code, name, kecamatan and vulnerability level
(*kerawanan*); any CRS, converted to EPSG:4326. Slightly invalid polygons, common in published
boundaries, are repaired rather than reported (docs/dataset.md).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._tables import GEO_SUFFIXES, read_table
from planner.config import Settings
from planner.errors import Problem, ProblemCollector
from planner.sources._columns import (
    check_header,
    col,
    geometry,
    level_col,
    one_of,
    raise_problems,
    settings_or_default,
)
from planner.text import msg

DESA_COLUMNS = ("desa_code", "desa", "kecamatan", "kerawanan")
"""The columns of :func:`read_desa`'s frame besides geometry, in order."""

_ALIASES = {
    "kode_desa": "desa_code",
    "kode": "desa_code",
    "code": "desa_code",
    "nama_desa": "desa",
    "name": "desa",
    "nama": "desa",
    "desa_kelurahan": "desa",
    "kelurahan": "desa",
    "level_kerawanan": "kerawanan",
    "tingkat_kerawanan": "kerawanan",
}
_REQUIRED = ("desa_code", "desa", "kecamatan", "kerawanan")
_POLYGONAL = ("Polygon", "MultiPolygon")


def read_desa(path: str | Path, *, settings: Settings | None = None) -> gpd.GeoDataFrame:
    """Read desa polygons (GeoPackage, GeoJSON or Shapefile, any CRS) into EPSG:4326.

    Columns: ``desa_code``, ``desa``, ``kecamatan``, ``kerawanan`` (a key of
    ``settings.kerawanan.levels``), geometry (Multi)Polygon.

    Raises
    ------
    InputError
        With every problem in the file.
    """
    gdf, problems = collect_desa(Path(path), settings=settings_or_default(settings))
    raise_problems(problems)
    return gdf


def empty_desa() -> gpd.GeoDataFrame:
    """A desa frame without rows (what a dataset holds when its desa file is unusable)."""
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in DESA_COLUMNS},
        geometry=gpd.GeoSeries([], crs=4326),
    )


def collect_desa(path: Path, *, settings: Settings) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read the desa file and collect every problem in it instead of raising.

    Returns
    -------
    tuple
        The desa frame (every row, even with problems) and the problems.
    """
    bag = ProblemCollector(path.name)
    if path.suffix.lower() not in GEO_SUFFIXES:
        bag.add(
            value=path.suffix,
            expected=msg(
                "GeoPackage, GeoJSON atau Shapefile",
                "a GeoPackage, GeoJSON or Shapefile",
            ),
        )
        return empty_desa(), bag.problems
    table = read_table(path, bag, geo_ok=True)
    if table is None:
        return empty_desa(), bag.problems
    check_header(table, bag, required=_REQUIRED, aliases=_ALIASES, unique="desa_code")
    levels = list(settings.kerawanan.levels)
    ker = level_col(table, "kerawanan")
    one_of(
        bag,
        table,
        "kerawanan",
        ker,
        levels,
        msg("tingkat kerawanan", "a kerawanan level"),
    )

    geom = geometry(table)
    assert geom is not None  # a geo file always has a geometry column
    rows = table.rows
    out = gpd.GeoDataFrame(
        {
            "desa_code": col(table, "desa_code").to_numpy(),
            "desa": col(table, "desa").to_numpy(),
            "kecamatan": col(table, "kecamatan").to_numpy(),
            "kerawanan": ker.to_numpy(),
        },
        geometry=gpd.GeoSeries(_polygons(bag, rows, geom), crs=4326),
    )
    return out, bag.problems


def _polygons(bag: ProblemCollector, rows: np.ndarray, geom: gpd.GeoSeries) -> np.ndarray:
    """The geometries as an array, invalid polygons repaired; empty or non-polygonal ones are
    problems (at spreadsheet row ``rows[i]``)."""
    empty = (geom.isna() | geom.is_empty).to_numpy()
    types = geom.geom_type.to_numpy()
    polygonal = np.isin(types, _POLYGONAL)
    for i in np.flatnonzero(empty):
        bag.add(
            row=int(rows[i]),
            column="geometry",
            value=None,
            expected=msg("sebuah poligon (geometri kosong)", "a polygon (empty geometry)"),
        )
    for i in np.flatnonzero(~empty & ~polygonal):
        bag.add(
            row=int(rows[i]),
            column="geometry",
            value=types[i],
            expected=msg("Polygon atau MultiPolygon", "a Polygon or MultiPolygon"),
        )
    arr = geom.to_numpy()
    invalid = ~empty & polygonal & ~shapely.is_valid(arr)
    if invalid.any():  # published boundaries are often slightly invalid: repair, keep areas
        fixed = shapely.make_valid(arr[invalid])
        fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
        arr = arr.copy()
        arr[invalid] = fixed
    return arr


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of a repaired geometry (``make_valid`` may add lines and points)."""
    if g.geom_type in _POLYGONAL:
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in _POLYGONAL]
    return shapely.unary_union(parts) if parts else g


__all__ = ["DESA_COLUMNS", "collect_desa", "empty_desa", "read_desa"]
