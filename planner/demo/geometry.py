"""Geometry of the synthetic Trenggalek: a local metric projection and winding roads.

The generator works in metres of a local equirectangular projection centred on the regency
(error < 0.2 % here) rather than the planner's UTM rule (``planner._geo``): the committed demo
files are a function of these exact numbers, and a different projection would move every
generated point. Lengths written to the road network are great-circle lengths as osmnx computes
them.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from scipy.interpolate import CubicSpline
from shapely.geometry.base import BaseGeometry

_EARTH_R_M = 6_371_009.0  # the radius osmnx uses for great-circle lengths
_LAT0, _LON0 = -8.12, 111.62  # origin of the local metric projection (regency centre)
_KY = _EARTH_R_M * math.pi / 180.0
_KX = _KY * math.cos(math.radians(_LAT0))


def to_xy(lon: np.ndarray | float, lat: np.ndarray | float) -> np.ndarray:
    """Degrees -> metres in a local equirectangular projection (error < 0.2 % here)."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return np.stack([(lon_a - _LON0) * _KX, (lat_a - _LAT0) * _KY], axis=-1)


def to_lonlat(xy: np.ndarray) -> np.ndarray:
    """Metres -> (lon, lat) degrees, inverse of :func:`to_xy`."""
    xy = np.asarray(xy, dtype=float)
    return np.stack([xy[..., 0] / _KX + _LON0, xy[..., 1] / _KY + _LAT0], axis=-1)


def coord6(v: float) -> str:
    """A coordinate or degree value as the files write it: six decimals, fixed."""
    return f"{v:.6f}"


def geom_to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """A geometry in local metres back in degrees, snapped to 1e-6 (what the files hold)."""
    out = shapely.transform(geom, to_lonlat)
    return shapely.set_precision(out, 1e-6)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The great-circle distance in metres, as osmnx computes edge lengths."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_R_M * math.asin(min(1.0, math.sqrt(h)))


def winding(
    a: np.ndarray,
    b: np.ndarray,
    *,
    ratio: float,
    spacing_m: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Vertices of a road from ``a`` to ``b`` (both included), about ``ratio`` times as long as
    the straight line, with vertices about ``spacing_m`` apart along the road."""
    d = b - a
    length = float(math.hypot(d[0], d[1]))
    if length < 1.0:
        return np.array([a, b])
    normal = np.array([-d[1], d[0]]) / length
    n_dense = max(64, int(length / 15))
    t = np.linspace(0.0, 1.0, n_dense)
    # Hairpins every few hundred metres in the hills, long gentle bends in the plain.
    wave_m = rng.uniform(450.0, 900.0) if ratio > 1.2 else rng.uniform(1800.0, 3500.0)
    taper = np.minimum(1.0, np.minimum(t, 1.0 - t) * length / min(wave_m / 2, length / 2))
    # A smooth random wander (a Brownian bridge through a few knots, spline-smoothed) ...
    n_knots = max(3, int(length / (wave_m / 2)) + 1)
    knots_t = np.linspace(0.0, 1.0, n_knots)
    bridge = np.cumsum(rng.normal(size=n_knots))
    bridge = bridge - bridge[0] - knots_t * (bridge[-1] - bridge[0])
    walk = CubicSpline(knots_t, bridge, bc_type="natural")(t)
    # ... plus a few wiggles of about one wavelength with random phases.
    wiggle = sum(
        np.sin(2 * np.pi * (t * length / (wave_m * rng.uniform(0.6, 1.4))) + rng.uniform(0, 6.3))
        for _ in range(3)
    )
    shape = taper * (
        walk / max(1e-9, float(np.max(np.abs(walk))))
        + (0.6 if ratio > 1.2 else 0.25) * wiggle / 3.0
    )
    peak = float(np.max(np.abs(shape)))
    shape = shape / peak if peak > 0 else np.sin(np.pi * t)
    base = a + np.outer(t, d)

    def resample(amp: float) -> np.ndarray:
        dense = base + np.outer(amp * shape, normal)
        seg = np.hypot(*np.diff(dense, axis=0).T)
        arc = np.concatenate([[0.0], np.cumsum(seg)])
        n = max(1, round(arc[-1] / spacing_m))
        s = np.linspace(0.0, arc[-1], n + 1)
        pts = np.stack([np.interp(s, arc, dense[:, 0]), np.interp(s, arc, dense[:, 1])], axis=1)
        pts[0], pts[-1] = a, b
        return pts

    def ratio_of(pts: np.ndarray) -> float:
        return float(np.hypot(*np.diff(pts, axis=0).T).sum()) / length

    if ratio <= 1.002:
        return resample(0.0)
    lo, hi = 0.0, length
    for _ in range(26):
        mid = (lo + hi) / 2
        if ratio_of(resample(mid)) < ratio:
            lo = mid
        else:
            hi = mid
    return resample((lo + hi) / 2)
