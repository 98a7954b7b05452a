"""Recent incidents of a dataset: ``incidents.csv`` / ``incidents.xlsx`` (optional).

Each incident has an id, a time, a location and a category; its severity defaults to its
category's (``[incidents.categories]``). Times are ISO 8601 or day-first ``DD/MM/YYYY HH:MM``;
a time without a zone is WIB (docs/dataset.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._tables import Table, read_table
from planner.config import Settings
from planner.domain import WIB
from planner.errors import Problem, ProblemCollector
from planner.sources._columns import (
    COORD_ALIASES,
    add_rows,
    check_header,
    col,
    coords,
    level_col,
    one_of,
    parse_distinct,
    raise_problems,
    settings_or_default,
    to_float,
)
from planner.text import msg

INCIDENT_COLUMNS = ("incident_id", "occurred_at", "category", "severity", "venue_id")
"""The columns of :func:`read_incidents`'s frame besides geometry, in order."""

_ALIASES = {
    **COORD_ALIASES,
    "id": "incident_id",
    "waktu": "occurred_at",
    "kategori": "category",
    "bobot": "severity",
}
_REQUIRED = ("incident_id", "occurred_at", "lat", "lon", "category")

_TIME_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H.%M",
    "%d/%m/%Y",
    "%d-%m-%Y",
)


def read_incidents(
    path: str | Path,
    *,
    settings: Settings | None = None,
    venue_ids: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Read incidents (CSV or XLSX). ``occurred_at`` is ISO or ``DD/MM/YYYY HH:MM``; times
    without a zone are WIB. With ``venue_ids``, an unknown ``venue_id`` is a problem."""
    known = set(venue_ids) if venue_ids is not None else None
    gdf, problems = collect_incidents(
        Path(path), settings=settings_or_default(settings), venue_ids=known
    )
    raise_problems(problems)
    return gdf


def empty_incidents() -> gpd.GeoDataFrame:
    """An incidents frame without rows, with the dtypes of a read one."""
    return gpd.GeoDataFrame(
        {
            "incident_id": pd.Series(dtype=object),
            "occurred_at": pd.Series(pd.DatetimeIndex([], tz=WIB)),
            "category": pd.Series(dtype=object),
            "severity": pd.Series(dtype=float),
            "venue_id": pd.Series(dtype=object),
        },
        geometry=gpd.GeoSeries([], crs=4326),
    )


def parse_time(text: str) -> dt.datetime:
    """An incident time in WIB: ISO 8601 or day-first, a time without a zone being WIB.

    Raises
    ------
    ValueError
        When the text is none of the accepted forms.
    """
    t = text.strip()
    when: dt.datetime | None = None
    try:
        when = dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _TIME_FORMATS:
            try:
                when = dt.datetime.strptime(t, fmt)
                break
            except ValueError:
                continue
    if when is None:
        raise ValueError(text)
    return when.replace(tzinfo=WIB) if when.tzinfo is None else when.astimezone(WIB)


def collect_incidents(
    path: Path, *, settings: Settings, venue_ids: set[str] | None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read the incidents file and collect every problem in it instead of raising.

    With ``venue_ids`` (the ids of the venues file), an unknown ``venue_id`` is a problem.

    Returns
    -------
    tuple
        The incidents frame (no rows when there is any problem) and the problems.
    """
    bag = ProblemCollector(path.name)
    table = read_table(path, bag, geo_ok=False)
    if table is None:
        return empty_incidents(), bag.problems
    missing = check_header(table, bag, required=_REQUIRED, aliases=_ALIASES, unique="incident_id")
    good = np.ones(len(table.data), dtype=bool)

    times, bad = _times(bag, table)
    good &= ~bad
    cats = settings.incidents.categories
    scat = level_col(table, "category")
    good &= ~one_of(
        bag,
        table,
        "category",
        scat,
        cats,
        msg("kategori kejadian", "an incident category"),
    )
    sev, bad = _severity(bag, table, scat, cats)
    good &= ~bad
    svenue = col(table, "venue_id")
    if venue_ids is not None:
        good &= ~_unknown_venues(bag, table, svenue, venue_ids)
    lat, lon, ok = coords(bag, table, missing)
    good &= ok

    keep = np.flatnonzero(good) if not bag else np.arange(0)
    occurred = pd.Series(
        pd.to_datetime([times[i] for i in keep], utc=True), dtype="datetime64[ns, UTC]"
    ).dt.tz_convert(WIB)
    out = gpd.GeoDataFrame(
        {
            "incident_id": col(table, "incident_id").to_numpy()[keep],
            "occurred_at": occurred,
            "category": scat.to_numpy()[keep],
            "severity": sev[keep].astype(float),
            "venue_id": pd.Series([svenue.iloc[i] or None for i in keep], dtype=object),
        },
        geometry=gpd.points_from_xy(lon[keep], lat[keep]),
        crs=4326,
    )
    return out, bag.problems


def _times(bag: ProblemCollector, table: Table) -> tuple[list[dt.datetime | None], np.ndarray]:
    """``occurred_at`` in WIB (each distinct text parsed once); returns (times, bad)."""
    stime = col(table, "occurred_at")
    times = parse_distinct(stime, parse_time)
    bad = np.array([t is None for t in times], dtype=bool)
    add_rows(
        bag,
        table,
        bad & (stime != "").to_numpy(),
        "occurred_at",
        stime,
        msg(
            "waktu WIB seperti 2024-05-01 21:30 atau 01/05/2024 21:30",
            "a WIB time like 2024-05-01 21:30 or 01/05/2024 21:30",
        ),
    )
    return times, bad


def _severity(
    bag: ProblemCollector,
    table: Table,
    category: pd.Series,
    categories: dict[str, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Each incident's severity (blank: its category's); returns (severity, bad)."""
    ssev = col(table, "severity")
    sev, bad = to_float(ssev)
    neg = np.isfinite(sev) & (sev < 0)
    add_rows(
        bag,
        table,
        bad | neg,
        "severity",
        ssev,
        msg(
            "sebuah angka ≥ 0 (kosong = bobot kategorinya)",
            "a number ≥ 0 (blank = its category's)",
        ),
    )
    default = category.map(lambda c: categories.get(c, np.nan)).to_numpy(dtype=float)
    return np.where(np.isfinite(sev), sev, default), bad | neg


def _unknown_venues(
    bag: ProblemCollector, table: Table, svenue: pd.Series, venue_ids: set[str]
) -> np.ndarray:
    """Report the ``venue_id`` cells that name no venue of the venues file; returns them."""
    unknown = ((svenue != "") & ~svenue.isin(venue_ids)).to_numpy()
    add_rows(
        bag,
        table,
        unknown,
        "venue_id",
        svenue,
        msg(
            "venue_id yang ada di berkas venues, atau kosong",
            "a venue_id from the venues file, or blank",
        ),
    )
    return unknown


__all__ = [
    "INCIDENT_COLUMNS",
    "collect_incidents",
    "empty_incidents",
    "parse_time",
    "read_incidents",
]
