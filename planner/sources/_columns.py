"""What the table readers of a dataset folder share: headers, cell checks and coordinates.

Every reader of :mod:`planner.sources` reads its file with :func:`planner._tables.read_table`
and then checks it with these steps, so a problem in ``venues.csv`` and one in
``stations.xlsx`` are found and worded the same way:

- :func:`apply_aliases` renames a known alias (``lintang`` → ``lat``) when the canonical
  column is absent, and :func:`check_columns` reports a missing required column, naming an
  unused header that looks like a misspelling of it;
- :func:`require_values`, :func:`duplicates` and :func:`one_of` report blank, repeated and
  unknown cells row by row;
- :func:`to_float` reads numbers with a decimal comma or point, and :func:`coords` reads the
  location from ``lat``/``lon`` or from a geo file's Point geometry.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._tables import Table
from planner.config import Settings
from planner.errors import InputError, Problem, ProblemCollector
from planner.text import Msg, msg

COORD_ALIASES: dict[str, str] = {
    "latitude": "lat",
    "lintang": "lat",
    "y": "lat",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "bujur": "lon",
    "x": "lon",
}
"""Header aliases of the coordinate columns, shared by every point table."""

LAT_LON = ("lat", "lon")

T = TypeVar("T")

MISSING = msg("sebuah nilai (sel ini kosong)", "a value (this cell is empty)")


def settings_or_default(settings: Settings | None) -> Settings:
    """``settings``, or the defaults when the caller gave none."""
    return settings if settings is not None else Settings()


def raise_problems(problems: list[Problem]) -> None:
    """Raise one :class:`~planner.errors.InputError` with ``problems`` when there are any."""
    if problems:
        raise InputError(problems)


def geometry(table: Table) -> gpd.GeoSeries | None:
    """The features' geometry of a geo file (EPSG:4326); ``None`` for CSV and XLSX tables."""
    geom = table.geometry
    return geom if isinstance(geom, gpd.GeoSeries) else None


# ---------------------------------------------------------------------------- headers


def apply_aliases(table: Table, aliases: Mapping[str, str]) -> None:
    """Rename alias headers to their canonical name, only where that name is absent."""
    cols = list(table.data.columns)
    present = set(cols)
    renames: dict[str, str] = {}
    for c in cols:
        target = aliases.get(c)
        if target and target not in present and target not in renames.values():
            renames[c] = target
    if renames:
        table.data = table.data.rename(columns=renames)


def _near_column(col: str, unused: Sequence[str], aliases: Mapping[str, str]) -> str | None:
    """The unused header that looks most like ``col`` or one of its aliases (a misspelling)."""
    names = [col, *(a for a, target in aliases.items() if target == col and len(a) > 2)]
    best, best_ratio = None, 0.0
    for h in unused:
        for name in names:
            ratio = difflib.SequenceMatcher(None, h, name).ratio()
            if ratio > best_ratio:
                best, best_ratio = h, ratio
    return best if best_ratio >= 0.75 else None


def check_columns(
    table: Table,
    required: Sequence[str],
    bag: ProblemCollector,
    aliases: Mapping[str, str] | None = None,
) -> set[str]:
    """Report missing required columns (with a near match); return the missing ones."""
    cols = [c for c in table.data.columns if c]
    missing = {c for c in required if c not in table.data.columns}
    unused = [c for c in cols if c not in required]
    for col in required:
        if col not in missing:
            continue
        near = _near_column(col, unused, aliases or {})
        if near:
            expected = msg(
                f"kolom wajib '{col}' tidak ada; apakah '{near}' maksudnya? ganti namanya",
                f"required column '{col}' is missing; is '{near}' meant? rename it",
            )
        else:
            expected = msg(
                f"kolom wajib '{col}' tidak ada (kolom yang ada: {', '.join(cols) or '—'})",
                f"required column '{col}' is missing (columns found: {', '.join(cols) or '—'})",
            )
        bag.add(column=col, value=near, expected=expected)
    return missing


def check_header(
    table: Table,
    bag: ProblemCollector,
    *,
    required: Sequence[str],
    aliases: Mapping[str, str],
    unique: str,
) -> set[str]:
    """The header steps every reader takes, in order; returns the missing required columns.

    Aliases are applied, missing required columns reported, blank required cells reported
    (the coordinates are checked later, by :func:`coords`) and repeated ids in ``unique``
    reported.
    """
    apply_aliases(table, aliases)
    missing = check_columns(table, required, bag, aliases)
    require_values(bag, table, [c for c in required if c not in missing and c not in LAT_LON])
    duplicates(bag, table, unique)
    return missing


def col(table: Table, name: str) -> pd.Series:
    """The stripped text of column ``name``; blank cells when the column is absent."""
    if name in table.data.columns:
        return table.data[name].astype(str).str.strip()
    return pd.Series([""] * len(table.data), index=table.data.index, dtype=object)


def level_col(table: Table, name: str) -> pd.Series:
    """Column ``name`` as a settings key: lower case, spaces as ``_`` (``Sangat Tinggi``)."""
    return col(table, name).str.lower().str.replace(" ", "_", regex=False)


# ---------------------------------------------------------------------------- cell checks


def add_rows(
    bag: ProblemCollector,
    table: Table,
    mask: np.ndarray | pd.Series,
    column: str,
    values: pd.Series,
    expected: Msg,
) -> None:
    """One problem per row of ``mask``, showing that row's cell of ``values``."""
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    if not len(idx):
        return
    cells = values.to_numpy(dtype=object)[idx]  # one array per column, not one .iloc per row
    rows = np.asarray(table.rows)[idx]
    for row, value in zip(rows.tolist(), cells.tolist(), strict=True):
        bag.add(row=int(row), column=column, value=value, expected=expected)


def require_values(bag: ProblemCollector, table: Table, cols: Iterable[str]) -> None:
    """Report every blank cell of the columns ``cols`` that the table has."""
    for c in cols:
        if c in table.data.columns:
            s = col(table, c)
            add_rows(bag, table, (s == "").to_numpy(), c, s, MISSING)


def to_float(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers with a decimal comma or point; returns (values, bad) where blank cells
    are NaN and not bad."""
    t = s.str.replace("\u2212", "-", regex=False).str.replace(" ", "", regex=False)
    comma_only = t.str.contains(",", regex=False) & ~t.str.contains(".", regex=False)
    t = t.where(~comma_only, t.str.replace(",", ".", regex=False))
    vals = np.array(pd.to_numeric(t, errors="coerce"), dtype=float)
    blank = (s == "").to_numpy()
    bad = ~blank & ~np.isfinite(vals)
    vals[bad] = np.nan
    return vals, bad


def duplicates(bag: ProblemCollector, table: Table, column: str) -> None:
    """Report every repeat of a non-blank id in ``column``, naming the row that used it first."""
    s = col(table, column)
    nonblank = s != ""
    dup = s.duplicated(keep="first") & nonblank
    if not dup.any():
        return
    first_row: dict[str, int] = {}
    for i, v in enumerate(s):
        if v and v not in first_row:
            first_row[v] = int(table.rows[i])
    for k in np.flatnonzero(dup.to_numpy()):
        v = s.iloc[k]
        bag.add(
            row=int(table.rows[k]),
            column=column,
            value=v,
            expected=msg(
                f"id yang unik (sudah dipakai di baris {first_row[v]})",
                f"a unique id (already used in row {first_row[v]})",
            ),
        )


def nearest_word(value: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The one of ``choices`` that ``value`` most looks like (a misspelling), if any is close."""
    hits = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return hits[0] if hits else None


def guess(value: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str:
    """``" ('warkop'?)"`` after an expectation, naming the near choice; ``""`` when none."""
    near = nearest_word(value, choices, cutoff=cutoff)
    return f" ('{near}'?)" if near else ""


def did_you_mean(value: str, choices: Iterable[str], *, cutoff: float = 0.6) -> Msg:
    """``"; maksudnya 'warkop'?"`` / ``"; did you mean 'warkop'?"``; empty when none is near."""
    near = nearest_word(value, choices, cutoff=cutoff)
    if near is None:
        return msg("", "")
    return msg(f"; maksudnya '{near}'?", f"; did you mean '{near}'?")


def one_of(
    bag: ProblemCollector,
    table: Table,
    column: str,
    s: pd.Series,
    allowed: Iterable[str],
    what: Msg,
) -> np.ndarray:
    """Report non-blank values of ``s`` not in ``allowed`` (with a near match); return bad."""
    allowed = list(allowed)
    bad = (~s.isin(allowed) & (s != "")).to_numpy()
    idx = np.flatnonzero(bad)
    expected: dict[str, Msg] = {}  # one message (and one fuzzy match) per distinct bad word
    rows = np.asarray(table.rows)[idx].tolist()
    for row, v in zip(rows, s.to_numpy(dtype=object)[idx].tolist(), strict=True):
        if v not in expected:
            hint = did_you_mean(str(v), allowed)
            expected[v] = msg(
                f"{what('id')}: {', '.join(allowed)}{hint('id')}",
                f"{what('en')}: {', '.join(allowed)}{hint('en')}",
            )
        bag.add(row=int(row), column=column, value=v, expected=expected[v])
    return bad


def parse_distinct(texts: Iterable[str], parse: Callable[[str], T]) -> list[T | None]:
    """``parse`` of every text, called once per distinct text (thousands of rows share a few
    opening hours); ``None`` where it raises ``ValueError``."""
    seen: dict[str, T | None] = {}
    out: list[T | None] = []
    for text in texts:
        if text not in seen:
            try:
                seen[text] = parse(text)
            except ValueError:
                seen[text] = None
        out.append(seen[text])
    return out


# ---------------------------------------------------------------------------- coordinates

_NUMBER = msg(
    "sebuah angka desimal (mis. -8,05 atau -8.05)",
    "a decimal number (e.g. -8.05 or -8,05)",
)
_SWAPPED = msg(
    "lintang dan bujur tertukar: lat adalah lintang (-90..90, Trenggalek ≈ -8), "
    "lon adalah bujur (Trenggalek ≈ 111,7); tukar kedua kolom",
    "latitude and longitude are swapped: lat is the latitude (-90..90, Trenggalek "
    "≈ -8), lon the longitude (Trenggalek ≈ 111.7); swap the two columns",
)


def coords(
    bag: ProblemCollector, table: Table, missing: set[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude/longitude from the lat/lon columns or the geometry; returns (lat, lon, ok).

    For a geo file the Point geometry is the location and ``lat``/``lon`` leave ``missing``.
    """
    geom = geometry(table)
    if geom is not None:
        missing.discard("lat")
        missing.discard("lon")
        return _point_coords(bag, table, geom)
    n = len(table.data)
    if "lat" in missing or "lon" in missing:
        return np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    return _column_coords(bag, table)


def _point_coords(
    bag: ProblemCollector, table: Table, geom: gpd.GeoSeries
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude/longitude of Point features; an empty or non-point geometry is a problem."""
    n = len(table.data)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    ok = np.zeros(n, dtype=bool)
    types = geom.geom_type.to_numpy()
    empty = (geom.isna() | geom.is_empty).to_numpy()
    for i in range(n):
        if empty[i]:
            bag.add(
                row=int(table.rows[i]),
                column="geometry",
                value=None,
                expected=msg("sebuah titik (geometri kosong)", "a point (the geometry is empty)"),
            )
        elif types[i] != "Point":
            bag.add(
                row=int(table.rows[i]),
                column="geometry",
                value=types[i],
                expected=msg("sebuah titik (Point)", "a Point"),
            )
        else:
            ok[i] = True
    pts = geom[ok]
    lon[ok] = shapely.get_x(pts.to_numpy())
    lat[ok] = shapely.get_y(pts.to_numpy())
    return lat, lon, ok


def _column_coords(
    bag: ProblemCollector, table: Table
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude/longitude from the ``lat``/``lon`` cells: blank, not a number, out of range or
    swapped (said as swapped, so the fix is obvious) are problems."""
    slat, slon = col(table, "lat"), col(table, "lon")
    require_values(bag, table, LAT_LON)
    lat, bad_lat = to_float(slat)
    lon, bad_lon = to_float(slon)
    add_rows(bag, table, bad_lat, "lat", slat, _NUMBER)
    add_rows(bag, table, bad_lon, "lon", slon, _NUMBER)
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat_out = ok & (np.abs(lat) > 90)
    lon_out = ok & (np.abs(lon) > 180)
    swapped = ok & lat_out & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    for k in np.flatnonzero(swapped):
        bag.add(
            row=int(table.rows[k]),
            column="lat",
            value=f"lat={slat.iloc[k]}, lon={slon.iloc[k]}",
            expected=_SWAPPED,
        )
    add_rows(
        bag,
        table,
        lat_out & ~swapped,
        "lat",
        slat,
        msg("lintang antara -90 dan 90", "a latitude between -90 and 90"),
    )
    add_rows(
        bag,
        table,
        lon_out & ~swapped,
        "lon",
        slon,
        msg("bujur antara -180 dan 180", "a longitude between -180 and 180"),
    )
    ok &= ~lat_out & ~lon_out
    return lat, lon, ok
