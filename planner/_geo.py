"""The one rule for the metric CRS, and projecting WGS 84 points into it.

Distances inside the planner are measured in a metric CRS: ``settings.general.metric_crs`` when
set, otherwise the UTM zone (WGS 84) of the data's mean position — ``EPSG:32749`` (UTM 49S) for
Trenggalek, which is also the answer when there is no position at all.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Transformer

DEFAULT_METRIC_CRS = "EPSG:32749"


def utm_crs_for(lon: float, lat: float) -> str:
    """The UTM zone (WGS 84) of a position: ``EPSG:32749`` for Trenggalek."""
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return f"EPSG:{(32700 if lat < 0 else 32600) + zone}"


def metric_crs(lon: object, lat: object, *, configured: str | None = None) -> str:
    """The metric CRS of points at ``lon``/``lat`` (degrees): ``configured``, else their UTM zone.

    Non-finite coordinates are ignored; with no finite point the answer is EPSG:32749.
    """
    if configured:
        return configured
    x = np.asarray(lon, dtype=float).ravel()
    y = np.asarray(lat, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return DEFAULT_METRIC_CRS
    return utm_crs_for(float(np.mean(x[ok])), float(np.mean(y[ok])))


@lru_cache(maxsize=8)
def transformer(crs: str, *, inverse: bool = False) -> Transformer:
    """A cached WGS 84 → ``crs`` transformer (``inverse``: ``crs`` → WGS 84), x = longitude."""
    if inverse:
        return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def project(lon: object, lat: object, crs: str) -> np.ndarray:
    """WGS 84 longitudes and latitudes as an ``(n, 2)`` array of metres in ``crs``."""
    x, y = transformer(crs).transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])


__all__ = ["DEFAULT_METRIC_CRS", "metric_crs", "project", "transformer", "utm_crs_for"]
