"""The night's start, and the age of what happened before it.

Nothing at or after the night's start counts for tonight's priority, so replaying history never
sees the future; every age here is measured back from that instant, in days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from planner.domain import WIB, Night

_DAY_S = 86_400.0


def night_start_of(night: Night, night_start: dt.datetime | None = None) -> dt.datetime:
    """The instant from which nothing counts: ``night_start`` (naive = WIB) or D 12:00 WIB.

    Parameters
    ----------
    night
        The night being planned.
    night_start
        The caller's start (the pipeline passes the first shift's start); ``None`` for noon.

    Returns
    -------
    datetime.datetime
        A tz-aware instant.
    """
    if night_start is None:
        return night.noon
    return night_start if night_start.tzinfo is not None else night_start.replace(tzinfo=WIB)


def age_days(values: Any, start: dt.datetime) -> np.ndarray:
    """Days from each timestamp to ``start`` (positive = before it); naive times are WIB.

    ``values`` is a Series or any sequence of timestamps, datetimes or text; a value that is not a
    time is NaN. Naive and aware values may be mixed.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    series = series.reset_index(drop=True)
    if not (
        isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series)
    ):
        try:
            series = pd.to_datetime(series)
        except (TypeError, ValueError):  # naive and aware mixed, or odd values: one by one
            series = pd.to_datetime(
                pd.Series([_as_wib_timestamp(t) for t in series], dtype=object), utc=True
            )
    if not isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(WIB)
    delta = pd.Timestamp(start) - series
    return np.asarray(delta.dt.total_seconds(), dtype=float) / _DAY_S


def _as_wib_timestamp(value: Any) -> pd.Timestamp:
    """One timestamp, naive taken as WIB (for columns mixing naive and aware values)."""
    if value is None or (not isinstance(value, str | dt.datetime) and pd.isna(value)):
        return pd.NaT
    try:
        t = pd.Timestamp(value)
    except (TypeError, ValueError):
        return pd.NaT
    return t.tz_localize(WIB) if t.tzinfo is None else t


__all__ = ["age_days", "night_start_of"]
