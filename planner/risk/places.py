"""Where each venue is: its id, desa, kecamatan and position in a metric CRS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._geo import metric_crs, project
from planner.config import Settings
from planner.errors import InputError, Problem
from planner.text import msg

WGS84 = "EPSG:4326"


def text_or_none(value: Any) -> str | None:
    """A cell's text without outer spaces; ``None`` for an empty, NaN or NA cell.

    Not ``planner._tables.cell_text``: the tables risk reads are already loaded, and this keeps
    what they hold (``3.0`` stays ``"3.0"``, ``pd.NA`` is empty), as the scores always did.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def texts_or_none(frame: pd.DataFrame, column: str) -> list[str | None]:
    """:func:`text_or_none` of every cell of ``column``; all ``None`` when there is no column."""
    if column not in frame.columns:
        return [None] * len(frame)
    return [text_or_none(v) for v in frame[column]]


def desa_texts(desa: pd.DataFrame, column: str) -> dict[str, str | None]:
    """desa_code → :func:`text_or_none` of the desa's ``column`` (all ``None`` without it)."""
    codes = desa["desa_code"].astype(str)
    return dict(zip(codes, texts_or_none(desa, column), strict=True))


def wgs84_geometry(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """The frame's geometry in EPSG:4326 (a frame without a CRS is taken to be in it)."""
    geom = frame.geometry
    if frame.crs is not None and not frame.crs.equals(WGS84):
        geom = geom.to_crs(WGS84)
    return geom


def lonlat(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (degrees) of a frame of points."""
    geom = wgs84_geometry(frame)
    if len(geom) == 0:
        return np.empty(0), np.empty(0)
    return np.asarray(geom.x, dtype=float), np.asarray(geom.y, dtype=float)


def venue_ids(venues: pd.DataFrame) -> np.ndarray:
    """The venue ids as text, in order; repeated ids are an :class:`InputError`."""
    ids = np.array([str(v) for v in venues["venue_id"]], dtype=object)
    dup = pd.Index(ids)[pd.Index(ids).duplicated()].unique()
    if len(dup):
        raise InputError(
            [
                Problem(
                    "venues", None, "venue_id", v, msg("venue_id yang unik", "a unique venue_id")
                )
                for v in dup
            ]
        )
    return ids


def desa_codes_named(name: str, desa: pd.DataFrame, kecamatan: str | None) -> list[str]:
    """Codes of the desa whose code equals ``name`` or whose name matches it (case-blind)."""
    codes = desa["desa_code"].astype(str)
    hit = (codes == name) | (desa["desa"].astype(str).str.casefold() == name.casefold())
    if kecamatan is not None:
        hit &= desa["kecamatan"].astype(str).str.casefold() == kecamatan.casefold()
    return sorted(set(codes[hit]))


@dataclass(frozen=True)
class Places:
    """Where each venue is: ids, desa code, kecamatan (lower-cased) and the geometry."""

    ids: np.ndarray
    desa_codes: np.ndarray
    kecamatan_cf: np.ndarray
    venues: gpd.GeoDataFrame


def locate(venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame, ids: np.ndarray) -> Places:
    """Each venue's desa code (its own, else the desa polygon holding it) and kecamatan."""
    codes = _desa_codes(venues, desa)
    by_code = dict(zip(desa["desa_code"].astype(str), desa["kecamatan"].astype(str), strict=True))
    kecamatan = [
        own if own is not None else by_code.get(code) if code is not None else None
        for own, code in zip(texts_or_none(venues, "kecamatan"), codes, strict=True)
    ]
    folded = [None if k is None else str(k).casefold() for k in kecamatan]
    return Places(ids, codes, np.array(folded, dtype=object), venues)


def _desa_codes(venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame) -> np.ndarray:
    """Each venue's desa_code: from its column, else from the desa polygon holding it."""
    codes = np.array(texts_or_none(venues, "desa_code"), dtype=object)
    missing = np.flatnonzero(pd.isna(codes))
    if len(missing) and len(desa) and "geometry" in venues:
        pts = gpd.GeoDataFrame(geometry=venues.geometry.iloc[missing].values, crs=venues.crs)
        polys = desa[["desa_code", "geometry"]]
        if polys.crs != pts.crs and pts.crs is not None:
            polys = polys.to_crs(pts.crs)
        joined = gpd.sjoin(pts, polys, how="left", predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        found = joined["desa_code"].reindex(range(len(missing)))
        codes[missing] = [text_or_none(v) for v in found]
    return codes


def venue_xy(venues: gpd.GeoDataFrame, settings: Settings) -> tuple[np.ndarray, str]:
    """The venues in metres (an ``(n, 2)`` array) and the metric CRS they are measured in."""
    n = len(venues)
    lon, lat = lonlat(venues) if n else (np.empty(0), np.empty(0))
    crs = metric_crs(lon, lat, configured=settings.general.metric_crs)
    return (project(lon, lat, crs) if n else np.empty((0, 2))), crs


__all__ = [
    "Places",
    "desa_codes_named",
    "desa_texts",
    "locate",
    "lonlat",
    "text_or_none",
    "texts_or_none",
    "venue_ids",
    "venue_xy",
    "wgs84_geometry",
]
