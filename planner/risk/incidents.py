"""The incident component ``I``: recent incidents near a venue, decayed by age and distance.

``I = c * (1 - exp(-S / c))`` with ``c = incidents.cap`` and
``S = sum_j s_j * 2 ** (-age_j / half_life_days) * k(d_ij)`` over the incidents strictly before
the night's start and at most ``lookback_days`` before it (the package docstring has the rest).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from planner._geo import project
from planner.config import IncidentSettings, Settings
from planner.risk.clock import age_days
from planner.risk.directives import CategoryBoost
from planner.risk.places import lonlat


def kernel_weight(dist_m: np.ndarray, radius_m: float, kernel: str) -> np.ndarray:
    """Weight of an incident at ``dist_m`` from a venue: 1 at 0, non-increasing, 0 beyond r.

    ``kernel`` is ``linear`` (1 - d/r), ``gaussian`` (exp(-2 (d/r)^2)) or ``uniform`` (1).
    """
    d = np.asarray(dist_m, dtype=float)
    inside = d <= radius_m
    if kernel == "uniform":
        w = np.ones_like(d)
    elif kernel == "gaussian":
        w = np.exp(-2.0 * (d / radius_m) ** 2)
    else:
        w = 1.0 - d / radius_m
    return np.where(inside, np.maximum(w, 0.0), 0.0)


def soft_cap(raw: np.ndarray, cap: float) -> np.ndarray:
    """``cap * (1 - exp(-raw / cap))``: close to ``raw`` when small, increasing, below ``cap``."""
    raw = np.asarray(raw, dtype=float)
    if math.isinf(cap):
        return raw
    return cap * -np.expm1(-raw / cap)


@dataclass(frozen=True)
class Incidents:
    """The component per venue, and the counts its reason reads.

    ``recent`` and ``total`` are venue × category matrices of the incidents counted (within the
    half-life and within the look-back); ``categories`` names their columns, sorted.
    """

    value: np.ndarray
    recent: np.ndarray
    total: np.ndarray
    categories: tuple[str, ...]


@dataclass(frozen=True)
class _Pairs:
    """Venue–incident pairs that count: venue ``v``, incident ``j``, weight ``k``.

    ``counted`` marks the one pair that counts each incident for a venue (a linked incident
    inside the radius has two pairs, the kernel's and the linked remainder).
    """

    v: np.ndarray
    j: np.ndarray
    k: np.ndarray
    counted: np.ndarray


def incident_component(
    xy: np.ndarray,
    ids: np.ndarray,
    incidents: gpd.GeoDataFrame | None,
    start: dt.datetime,
    settings: Settings,
    *,
    crs: str,
    category_boosts: Sequence[CategoryBoost],
) -> Incidents:
    """The incident component of every venue (``xy`` in metres of ``crs``, ids in order)."""
    n = len(ids)
    cfg = settings.incidents
    none = Incidents(np.zeros(n), np.zeros((n, 0), int), np.zeros((n, 0), int), ())
    if incidents is None or len(incidents) == 0 or n == 0:
        return none
    age = age_days(incidents["occurred_at"], start)
    keep = np.flatnonzero((age > 0) & (age <= cfg.lookback_days))
    if len(keep) == 0:
        return none
    sub = incidents.iloc[keep]
    age = age[keep]
    category = sub["category"].astype(str).to_numpy(dtype=object)
    base = _severity(sub, category, cfg) * np.exp2(-age / cfg.half_life_days)
    pairs = _pairs(xy, ids, sub, project(*lonlat(sub), crs), cfg)

    contrib = base[pairs.j] * pairs.k
    for boost in category_boosts:
        hit = (category[pairs.j] == boost.category) & boost.mask[pairs.v]
        contrib = np.where(hit, contrib * boost.factor, contrib)
    value = soft_cap(np.bincount(pairs.v, weights=contrib, minlength=n), cfg.cap)

    codes, names = pd.factorize(pd.Series(category), sort=True)  # sorted: ties read A→Z
    ncat = len(names)
    counted = pairs.counted
    recent = counted & (age[pairs.j] <= min(cfg.half_life_days, cfg.lookback_days))
    flat_all = pairs.v[counted] * ncat + codes[pairs.j[counted]]
    flat_recent = pairs.v[recent] * ncat + codes[pairs.j[recent]]
    total = np.bincount(flat_all, minlength=n * ncat).reshape(n, ncat)
    rec = np.bincount(flat_recent, minlength=n * ncat).reshape(n, ncat)
    return Incidents(value, rec, total, tuple(str(c) for c in names))


def _severity(sub: pd.DataFrame, category: np.ndarray, cfg: IncidentSettings) -> np.ndarray:
    """Each incident's severity: its own column, else its category's, else the default; ≥ 0."""
    sev = (
        pd.to_numeric(sub["severity"], errors="coerce").to_numpy(dtype=float)
        if "severity" in sub.columns
        else np.full(len(sub), np.nan)
    )
    by_cat = pd.Series(category).map(cfg.categories).to_numpy(dtype=float)
    sev = np.where(np.isnan(sev), by_cat, sev)
    return np.clip(np.where(np.isnan(sev), cfg.default_severity, sev), 0.0, None)


def _pairs(
    xy: np.ndarray,
    ids: np.ndarray,
    sub: pd.DataFrame,
    inc_xy: np.ndarray,
    cfg: IncidentSettings,
) -> _Pairs:
    """The venue–incident pairs within the radius, plus each incident linked by ``venue_id``."""
    # spatial pairs within the radius: one dual-tree query, no Python loop over pairs
    v_ok = np.flatnonzero(np.isfinite(xy).all(axis=1))
    i_ok = np.flatnonzero(np.isfinite(inc_xy).all(axis=1))
    if len(v_ok) and len(i_ok):
        found = cKDTree(xy[v_ok]).sparse_distance_matrix(
            cKDTree(inc_xy[i_ok]), cfg.radius_m, output_type="ndarray"
        )
        pv = v_ok[found["i"]]
        pj = i_ok[found["j"]]
        pk = kernel_weight(found["v"], cfg.radius_m, cfg.kernel)
    else:
        pv = pj = np.empty(0, dtype=np.intp)
        pk = np.empty(0)

    counted = pk > 0
    # An incident linked to a venue by venue_id counts at full weight there. Rather than look
    # the linked pairs up among the spatial ones, add each linked pair with the weight the
    # kernel left out, 1 - k(d): inside the radius the two parts sum to 1, outside it k = 0.
    if "venue_id" in sub.columns:
        linked_ids = sub["venue_id"].astype(object).where(sub["venue_id"].notna(), None)
        lv = pd.Index(ids).get_indexer(pd.Index(linked_ids.to_numpy(dtype=object), dtype=object))
        lj = np.flatnonzero(lv >= 0)
        lv = lv[lj]
        if len(lj):
            dist = np.hypot(*(xy[lv] - inc_xy[lj]).T)
            k_left = kernel_weight(np.nan_to_num(dist, nan=np.inf), cfg.radius_m, cfg.kernel)
            pv = np.concatenate([pv, lv])
            pj = np.concatenate([pj, lj])
            pk = np.concatenate([pk, 1.0 - k_left])
            counted = np.concatenate([counted, k_left == 0])  # count each incident once
    return _Pairs(pv, pj, pk, counted)


__all__ = ["Incidents", "incident_component", "kernel_weight", "soft_cap"]
