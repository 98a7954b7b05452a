"""Presence per desa: the days since any squad was in a venue's desa, against its target.

A desa is reached when any of its venues is visited. ``desa_days`` is the time from the most
recent last visit over the desa's venues to the night's start (``inf``: none of them was ever
visited); its target interval ``presence.target_days[level]`` depends on the desa's kerawanan
level (the desa's own, not a venue's override). From the target on, every venue of the desa gains
``S = min(cap, weight * desa_days / target)``; before it ``S = 0``; a desa never visited gets
``cap``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.config import Settings
from planner.risk.components import Rotation
from planner.risk.places import Places, desa_texts


@dataclass(frozen=True)
class Presence:
    """``S`` per venue, and for its reason the desa's days, target and name.

    ``days`` and ``target`` are NaN (and ``name`` ``None``) for a venue without a desa.
    """

    value: np.ndarray
    days: np.ndarray
    target: np.ndarray
    name: list[str | None]


def desa_days(desa_codes: np.ndarray, venue_days: np.ndarray) -> np.ndarray:
    """Per venue, the fewest days since a visit over the venues of its desa.

    Parameters
    ----------
    desa_codes
        The desa code of each venue (``None``: no desa).
    venue_days
        Days since each venue's last visit (``inf``: never visited).

    Returns
    -------
    numpy.ndarray
        ``min(venue_days)`` over the venue's desa: ``inf`` when no venue of the desa was ever
        visited, NaN for a venue without a desa.
    """
    group, _ = pd.factorize(pd.Series(desa_codes, dtype=object), use_na_sentinel=True)
    out = np.full(len(venue_days), np.nan)
    has = group >= 0
    if not has.any():
        return out
    best = np.full(int(group.max()) + 1, np.inf)
    np.minimum.at(best, group[has], venue_days[has])
    out[has] = best[group[has]]
    return out


def presence_component(
    places: Places,
    desa: pd.DataFrame,
    rotation: Rotation,
    settings: Settings,
    *,
    logged: bool = True,
) -> Presence:
    """``S`` of every venue: its desa's overdue bonus (the module docstring).

    ``logged`` False: the visit log holds no visit at all (a fresh install, the first night of
    a replay). Then nothing is
    known about presence: ``desa_days`` is NaN and ``S`` is 0 everywhere. Calling every desa
    "never visited" would add the cap to every venue alike, which only dilutes kerawanan and
    incidents (tonight's demo plan: 71 % of the plain sum's risk with it, see docs/presence.md).
    """
    cfg = settings.presence
    default = cfg.default_target_days
    days = desa_days(places.desa_codes, rotation.days)
    if not logged:
        days = np.full(len(days), np.nan)
    levels = desa_texts(desa, "kerawanan")
    names = desa_texts(desa, "desa")
    has = ~np.isnan(days)
    target = np.full(len(days), np.nan)
    name: list[str | None] = [None] * len(days)
    for v in np.flatnonzero(has):
        code = str(places.desa_codes[v])
        level = levels.get(code)
        target[v] = cfg.target_days.get(level, default) if level is not None else default
        name[v] = names.get(code) or code
    value = np.zeros(len(days))
    never = has & np.isinf(days)
    value[never] = cfg.cap
    due = has & ~never
    due[due] = days[due] >= target[due]
    value[due] = np.minimum(cfg.cap, cfg.weight * days[due] / target[due])
    return Presence(value, days, target, name)


__all__ = ["Presence", "desa_days", "presence_component"]
