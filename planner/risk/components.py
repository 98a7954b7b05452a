"""The components of the priority other than incidents: kerawanan, rotation, kind and reports.

Each step returns the component per venue (in the order of the venue ids) together with what its
reason needs, so that the reasons are written from the same numbers as the priority.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.config import Settings
from planner.errors import ProblemCollector
from planner.risk.clock import age_days
from planner.risk.places import Places, desa_texts, text_or_none, texts_or_none
from planner.text import msg

# ------------------------------------------------------------------------------ kerawanan


@dataclass(frozen=True)
class Kerawanan:
    """``K`` per venue, the level it comes from (``None``: outside every desa) and whose it is."""

    value: np.ndarray
    level: list[str | None]
    own: list[bool]
    """True where the level is the venue's own ``kerawanan``, False where it is its desa's."""


def kerawanan_component(
    venues: pd.DataFrame, desa: pd.DataFrame, places: Places, settings: Settings
) -> Kerawanan:
    """``kerawanan.levels[level]`` of the venue's own level when set, else of its desa's.

    Raises
    ------
    InputError
        A level (of a venue or of a desa) is not a key of ``kerawanan.levels``.
    """
    levels = settings.kerawanan.levels
    desa_level = desa_texts(desa, "kerawanan")
    own = texts_or_none(venues, "kerawanan")
    level = [
        o if o is not None else desa_level.get(c)
        for o, c in zip(own, places.desa_codes, strict=True)
    ]
    bag = ProblemCollector("venues")
    expected = msg(
        "tingkat dari kerawanan.levels: " + ", ".join(levels),
        "a level of kerawanan.levels: " + ", ".join(levels),
    )
    for vid, lv, o in zip(places.ids, level, own, strict=True):
        if lv is not None and lv not in levels:
            where = "venues" if o is not None else "desa"
            bag.add(file=where, column="kerawanan", value=f"{lv} ({vid})", expected=expected)
    bag.raise_if_any()
    value = np.array([levels[lv] if lv is not None else 0.0 for lv in level], dtype=float)
    return Kerawanan(value, level, [o is not None for o in own])


# ------------------------------------------------------------------------------ rotation


@dataclass(frozen=True)
class Rotation:
    """``R`` per venue and the days since its last visit (``inf``: never visited)."""

    value: np.ndarray
    days: np.ndarray


def rotation_component(
    ids: np.ndarray,
    last_visits: Mapping[str, Any] | pd.Series | None,
    start: dt.datetime,
    settings: Settings,
) -> Rotation:
    """``min(cap, max(0, days - target_days) / target_days)``; ``cap`` for a venue never visited."""
    rot = settings.rotation
    days = _rotation_days(ids, last_visits, start)
    value = np.where(
        np.isinf(days),
        rot.cap,
        np.minimum(rot.cap, np.maximum(0.0, days - rot.target_days) / rot.target_days),
    )
    return Rotation(value, days)


def _rotation_days(
    ids: np.ndarray, last_visits: Mapping[str, Any] | pd.Series | None, start: dt.datetime
) -> np.ndarray:
    """Days since the last visit (``inf`` = never visited; visits after the start count as 0)."""
    days = np.full(len(ids), np.inf)
    if last_visits is None or len(last_visits) == 0:
        return days
    series = last_visits if isinstance(last_visits, pd.Series) else pd.Series(dict(last_visits))
    keys = pd.Index([str(k) for k in series.index], dtype=object)
    age = age_days(series, start)
    idx = pd.Index(ids).get_indexer(keys)
    ok = (idx >= 0) & np.isfinite(age)
    days[idx[ok]] = np.maximum(age[ok], 0.0)
    return days


def recent_factor(rotation: Rotation, settings: Settings) -> np.ndarray:
    """``F = min(1, floor + (1 - floor) * days / target_days)``: 1 for a venue never visited.

    A venue visited just now keeps ``rotation.recent_floor`` of its priority, and recovers
    linearly to all of it over ``rotation.target_days`` (rotation inside a desa).
    """
    rot = settings.rotation
    floor = rot.recent_floor
    with np.errstate(invalid="ignore"):
        value = floor + (1.0 - floor) * rotation.days / rot.target_days
    return np.where(np.isinf(rotation.days), 1.0, np.minimum(1.0, value))


# ------------------------------------------------------------------------------ kind


@dataclass(frozen=True)
class Kind:
    """``W`` per venue and the venue's kind (``None`` when it has none: weight 1)."""

    value: np.ndarray
    kinds: list[str | None]


def kind_component(venues: pd.DataFrame, settings: Settings) -> Kind:
    """``kinds.weights[kind]``, ``kinds.default_weight`` for an unlisted kind, 1 for no kind."""
    kinds = texts_or_none(venues, "kind")
    weights, default = settings.kinds.weights, settings.kinds.default_weight
    value = np.array([weights.get(k, default) if k else 1.0 for k in kinds], dtype=float)
    return Kind(value, kinds)


# ------------------------------------------------------------------------------ reports


@dataclass(frozen=True)
class Reports:
    """``P`` per venue, and for its reason: the reports counted within the half-life and within
    the look-back, with the most frequent category of each (``None``: no category named)."""

    value: np.ndarray
    recent: np.ndarray
    total: np.ndarray
    top_recent: list[str | None]
    top_total: list[str | None]


def reports_component(
    ids: np.ndarray,
    desa_codes: np.ndarray,
    reports: pd.DataFrame | None,
    start: dt.datetime,
    settings: Settings,
) -> Reports:
    """``sum_r m_r * 2 ** (-age_r / report_half_life_days)`` over tonight's community reports.

    ``m_r`` is 1 for a report about the venue, ``weights.report_desa_share`` for a report tied
    only to the venue's desa, times ``weights.report_not_police`` when not a police matter.
    """
    n = len(ids)
    none = Reports(np.zeros(n), np.zeros(n, int), np.zeros(n, int), [None] * n, [None] * n)
    if reports is None or len(reports) == 0 or n == 0:
        return none
    long = _report_weights(ids, desa_codes, reports, start, settings)
    if long.empty:
        return none
    vv = long["v"].to_numpy(dtype=np.intp)
    value = np.bincount(vv, weights=long["w"].to_numpy(dtype=float), minlength=n)
    rec_mask = long["age"].to_numpy() <= settings.history.report_half_life_days
    recent = np.bincount(vv[rec_mask], minlength=n)
    total = np.bincount(vv, minlength=n)
    return Reports(value, recent, total, _top_category(long[rec_mask], n), _top_category(long, n))


def _report_weights(
    ids: np.ndarray,
    desa_codes: np.ndarray,
    reports: pd.DataFrame,
    start: dt.datetime,
    settings: Settings,
) -> pd.DataFrame:
    """One row per (venue ``v``, report) that counts: its weight ``w``, ``age`` and category."""
    n = len(ids)
    empty = pd.DataFrame({"v": [], "w": [], "age": [], "category": []})
    age = age_days(reports["reported_at"], start)
    keep = (age > 0) & (age <= settings.history.report_lookback_days)
    if not keep.any():
        return empty
    rep = reports.loc[keep].reset_index(drop=True)
    age = age[keep]
    police = (
        rep["police_matter"].fillna(False).astype(bool).to_numpy()
        if "police_matter" in rep.columns
        else np.ones(len(rep), bool)
    )
    w = np.exp2(-age / settings.history.report_half_life_days) * np.where(
        police, 1.0, settings.weights.report_not_police
    )
    category = [str(c) if text_or_none(c) else "" for c in _column(rep, "category")]
    v_idx = pd.Index(ids).get_indexer(pd.Index(texts_or_none(rep, "venue_id"), dtype=object))
    linked = pd.DataFrame({"v": v_idx, "w": w, "age": age, "category": category}).loc[v_idx >= 0]
    dcode = texts_or_none(rep, "desa_code")
    by_desa = pd.DataFrame({"desa_code": dcode, "w": w, "age": age, "category": category}).loc[
        (v_idx < 0) & pd.notna(pd.Series(dcode, dtype=object)).to_numpy()
    ]
    venues_desa = pd.DataFrame({"v": np.arange(n), "desa_code": desa_codes}).dropna()
    spread = by_desa.merge(venues_desa, on="desa_code", how="inner")
    spread["w"] = spread["w"] * settings.weights.report_desa_share
    return pd.concat([linked, spread[["v", "w", "age", "category"]]], ignore_index=True)


def _column(frame: pd.DataFrame, column: str) -> list[Any]:
    return list(frame[column]) if column in frame.columns else [""] * len(frame)


def _top_category(frame: pd.DataFrame, n: int) -> list[str | None]:
    """Each venue's most frequent named category in ``frame`` (ties: A→Z), else ``None``."""
    out: list[str | None] = [None] * n
    named = frame[frame["category"] != ""]
    if named.empty:
        return out
    counts = named.groupby(["v", "category"]).size().reset_index(name="k")
    counts = counts.sort_values(["v", "k", "category"], ascending=[True, False, True])
    for v, cat in counts.drop_duplicates("v")[["v", "category"]].itertuples(index=False):
        out[int(v)] = str(cat)
    return out


__all__ = [
    "Kerawanan",
    "Kind",
    "Reports",
    "Rotation",
    "kerawanan_component",
    "kind_component",
    "recent_factor",
    "reports_component",
    "rotation_component",
]
