"""The coffee stalls of a dataset: ``venues.csv`` / ``.xlsx`` / ``.gpkg`` / ``.geojson``.

Every venue has an id, a name, a kind, a location and opening hours; optional columns override
its dwell time and kerawanan, switch it off or name its weekly closing days (docs/dataset.md).
Opening hours become windows on the night clock, and a venue without a ``desa_code`` is put in
the desa polygon that holds it; a venue outside every desa is reported with its distance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._geo import metric_crs, project
from planner._tables import Table, parse_yes_no, read_table
from planner.config import Settings
from planner.domain import (
    ALL_NIGHT,
    Window,
    format_clock,
    is_all_day,
    opening_intervals,
    parse_clock,
)
from planner.errors import InputWarning, Problem, ProblemCollector
from planner.sources._columns import (
    COORD_ALIASES,
    LAT_LON,
    add_rows,
    check_header,
    col,
    coords,
    geometry,
    guess,
    level_col,
    one_of,
    parse_distinct,
    raise_problems,
    settings_or_default,
    to_float,
)
from planner.text import msg, number

VENUE_COLUMNS = (
    "venue_id",
    "name",
    "kind",
    "opens",
    "closes",
    "windows",
    "desa_code",
    "desa",
    "kecamatan",
    "dwell_min",
    "kerawanan",
    "active",
    "closed_days",
)
"""The columns of :func:`read_venues`'s frame besides geometry, in order."""

MIN_DWELL_MIN = 10.0
EDGE_TOLERANCE_M = 50.0
"""A venue at most this far outside every desa polygon (simplified borders, coastlines) is put
in the nearest desa without complaint; farther away it is reported with its distance, unless
its ``desa_code`` names a desa it lies within ``general.boundary_tolerance_m`` of (accepted
with a warning)."""

_ALIASES = {
    **COORD_ALIASES,
    "id": "venue_id",
    "nama": "name",
    "jenis": "kind",
    "buka": "opens",
    "tutup": "closes",
    "kode_desa": "desa_code",
    "aktif": "active",
    "libur": "closed_days",
    "hari_libur": "closed_days",
}
_REQUIRED = ("venue_id", "name", "kind", "lat", "lon", "opens", "closes")

_WEEKDAYS: dict[str, int] = {
    name: day
    for day, names in enumerate(
        (
            ("senin", "mon", "monday"),
            ("selasa", "tue", "tues", "tuesday"),
            ("rabu", "wed", "wednesday"),
            ("kamis", "thu", "thur", "thurs", "thursday"),
            ("jumat", "jum'at", "jumaat", "fri", "friday"),
            ("sabtu", "sat", "saturday"),
            ("minggu", "ahad", "sun", "sunday"),
        )
    )
    for name in names
}
"""Weekday words as people write them, Indonesian and English (Monday = 0)."""

_ALL_DAY = -1
"""The clock of ``24 jam`` in an ``opens``/``closes`` cell."""


def read_venues(
    path: str | Path,
    *,
    desa: gpd.GeoDataFrame | None = None,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Read venues (CSV, XLSX, GeoJSON or GeoPackage) into EPSG:4326 points.

    With ``desa``, a venue without ``desa_code`` gets it (and ``desa``, ``kecamatan``) by a
    spatial join, and a venue outside every desa is reported with its distance to the nearest
    one. Columns: see :data:`VENUE_COLUMNS` and docs/dataset.md.
    """
    gdf, problems, _, _ = collect_venues(
        Path(path), settings=settings_or_default(settings), desa=desa
    )
    raise_problems(problems)
    return gdf


def parse_closed_days(text: str) -> frozenset[int]:
    """``"Jumat, Minggu"`` or ``"Fri,Sun"`` → ``frozenset({4, 6})`` (Monday = 0).

    Raises
    ------
    ValueError
        Naming the first word that is not a weekday.
    """
    days: set[int] = set()
    for word in re.split(r"[,;/\s]+", str(text).strip().lower()):
        if not word or word in {"-", "tidak_ada", "none"}:
            continue
        day = _WEEKDAYS.get(word.rstrip("."))
        if day is None:
            raise ValueError(word)
        days.add(day)
    return frozenset(days)


def empty_venues() -> gpd.GeoDataFrame:
    """A venues frame without rows, with the dtypes of a read one."""
    cols: dict[str, pd.Series] = {c: pd.Series(dtype=object) for c in VENUE_COLUMNS}
    cols["dwell_min"] = pd.Series(dtype=float)
    cols["active"] = pd.Series(dtype=bool)
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=4326))


def collect_venues(
    path: Path, *, settings: Settings, desa: gpd.GeoDataFrame | None
) -> tuple[gpd.GeoDataFrame, list[Problem], set[str] | None, list[InputWarning]]:
    """Read the venues file and collect every problem in it instead of raising.

    ``desa`` (or ``None`` when the desa file is absent or bad) places the venues in desa.

    Returns
    -------
    tuple
        The venues frame (no rows when there is any problem), the problems, the venue ids of
        the file (so incidents can be checked against them even when a venue row is bad;
        ``None`` when the file could not be read at all, so nothing is checked against it),
        and the warnings (venues accepted just outside their desa).
    """
    bag = ProblemCollector(path.name)
    table = read_table(path, bag, geo_ok=True)
    if table is None:
        return empty_venues(), bag.problems, None, bag.warnings
    is_geo = geometry(table) is not None
    required = [c for c in _REQUIRED if not is_geo or c not in LAT_LON]
    missing = check_header(table, bag, required=required, aliases=_ALIASES, unique="venue_id")
    ids = col(table, "venue_id")
    good = np.ones(len(table.data), dtype=bool)

    kind = col(table, "kind").str.lower()
    good &= ~one_of(
        bag,
        table,
        "kind",
        kind,
        settings.kinds.weights,
        msg("jenis tempat", "a venue kind"),
    )
    hours = _opening_hours(bag, table, missing)
    good &= hours.ok
    windows = hours.windows(good)
    dwell, bad = _dwell(bag, table, kind, settings)
    good &= ~bad
    kerawanan, bad = _kerawanan(bag, table, settings)
    good &= ~bad
    active = _active(bag, table)
    closed, bad = _closed_days(bag, table)
    good &= ~bad
    lat, lon, ok = coords(bag, table, missing)
    good &= ok
    where = _Where.of(table)
    if desa is not None and len(desa):
        good &= ~_place_in_desa(bag, table, desa, settings, lat, lon, ok, where)

    keep = np.flatnonzero(good) if not bag else np.arange(0)
    out = gpd.GeoDataFrame(
        {
            "venue_id": ids.to_numpy()[keep],
            "name": col(table, "name").to_numpy()[keep],
            "kind": kind.to_numpy()[keep],
            "opens": np.asarray(hours.shown("opens"), dtype=object)[keep],
            "closes": np.asarray(hours.shown("closes"), dtype=object)[keep],
            "windows": pd.Series([windows[i] for i in keep], dtype=object),
            "desa_code": where.desa_code[keep],
            "desa": where.desa[keep],
            "kecamatan": where.kecamatan[keep],
            "dwell_min": dwell[keep].astype(float),
            "kerawanan": pd.Series([kerawanan[i] for i in keep], dtype=object),
            "active": active[keep].astype(bool),
            "closed_days": pd.Series([closed[i] for i in keep], dtype=object),
        },
        geometry=gpd.points_from_xy(lon[keep], lat[keep]),
        crs=4326,
    )
    known_ids = None if "venue_id" in missing else {v for v in ids if v}
    return out, bag.problems, known_ids, bag.warnings


# ---------------------------------------------------------------------------- opening hours

_BAD_CLOCK = msg(
    "jam seperti 18:00 atau 18.00, atau '24 jam'",
    "a time like 18:00 or 18.00, or '24 hours'",
)


def _clock_text(text: str) -> str:
    """``"19:00:00"`` (Excel) → ``"19:00"``; other text unchanged."""
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})[:.]00\s*", text)
    return f"{m.group(1)}:{m.group(2)}" if m else text


def _clock(text: str) -> int:
    """Night-clock minutes of an opening or closing time; ``_ALL_DAY`` for ``24 jam``."""
    return _ALL_DAY if is_all_day(text) else parse_clock(text)


@dataclass(frozen=True)
class _Hours:
    """The ``opens`` and ``closes`` cells as text and as night-clock minutes (``None``: not a
    time); ``ok`` where both are given and are times."""

    text: dict[str, pd.Series]
    clock: dict[str, list[int | None]]
    ok: np.ndarray

    def shown(self, column: str) -> list[str]:
        """The cells written the one way: ``19.00`` → ``19:00``, all day → ``24 jam``."""
        return [
            "24 jam" if c == _ALL_DAY else format_clock(c) if c is not None else t
            for t, c in zip(self.text[column], self.clock[column], strict=True)
        ]

    def windows(self, rows: np.ndarray) -> list[tuple[Window, ...]]:
        """The opening windows of the ``rows`` (a mask within ``ok``); ``()`` elsewhere."""
        out: list[tuple[Window, ...]] = [()] * len(rows)
        for i in np.flatnonzero(rows):
            opens, closes = self.clock["opens"][i], self.clock["closes"][i]
            assert opens is not None and closes is not None
            out[i] = _windows(opens, closes)
        return out


def _opening_hours(bag: ProblemCollector, table: Table, missing: set[str]) -> _Hours:
    """Parse ``opens`` and ``closes`` (each distinct text once); report what is not a time."""
    ok = np.ones(len(table.data), dtype=bool)
    text: dict[str, pd.Series] = {}
    clock: dict[str, list[int | None]] = {}
    for column in ("opens", "closes"):
        s = col(table, column).map(_clock_text)
        text[column] = s
        clock[column] = parse_distinct(s, _clock)
        if column in missing:
            ok[:] = False
            continue
        bad = np.array(
            [t != "" and c is None for t, c in zip(s, clock[column], strict=True)], dtype=bool
        )
        add_rows(bag, table, bad, column, s, _BAD_CLOCK)
        ok &= ~bad & (s != "").to_numpy()
    return _Hours(text, clock, ok)


@lru_cache(maxsize=4096)
def _windows(opens: int, closes: int) -> tuple[Window, ...]:
    """The night-clock windows of one opening and closing time (``_ALL_DAY``: all night)."""
    if opens == _ALL_DAY or closes == _ALL_DAY:
        return (ALL_NIGHT,)
    return opening_intervals(format_clock(opens), format_clock(closes))


# ---------------------------------------------------------------------------- optional columns


def _dwell(
    bag: ProblemCollector, table: Table, kind: pd.Series, settings: Settings
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes a squad stays (blank: the kind's default); returns (minutes, bad)."""
    sdwell = col(table, "dwell_min")
    dwell, bad = to_float(sdwell)
    add_rows(
        bag,
        table,
        bad,
        "dwell_min",
        sdwell,
        msg("jumlah menit (angka)", "minutes (a number)"),
    )
    low = np.isfinite(dwell) & (dwell < MIN_DWELL_MIN)
    add_rows(
        bag,
        table,
        low,
        "dwell_min",
        sdwell,
        msg(
            f"paling sedikit {MIN_DWELL_MIN:g} menit",
            f"at least {MIN_DWELL_MIN:g} minutes",
        ),
    )
    kinds = settings.kinds
    defaults = kind.map(lambda k: kinds.dwell_min.get(k, kinds.default_dwell_min))
    dwell = np.where(np.isfinite(dwell), dwell, defaults.to_numpy(dtype=float))
    return dwell, bad | low


def _kerawanan(
    bag: ProblemCollector, table: Table, settings: Settings
) -> tuple[list[str | None], np.ndarray]:
    """The venue's own kerawanan level (``None``: its desa's); returns (levels, bad)."""
    sker = level_col(table, "kerawanan")
    bad = one_of(
        bag,
        table,
        "kerawanan",
        sker,
        settings.kerawanan.levels,
        msg("tingkat kerawanan (atau kosong)", "a kerawanan level (or blank)"),
    )
    return [v if v else None for v in sker], bad


def _active(bag: ProblemCollector, table: Table) -> np.ndarray:
    """Whether each venue is active: a yes/no word, blank is yes; any other word is reported
    (and the venue counts as active until it is fixed)."""
    sact = col(table, "active")
    words = {t: parse_yes_no(t) for t in sact.unique()}  # a handful of distinct words
    answer = [words[t] for t in sact]
    bad = np.array([a is None for a in answer], dtype=bool) & (sact != "").to_numpy()
    add_rows(
        bag,
        table,
        bad,
        "active",
        sact,
        msg(
            "ya/tidak, true/false atau 1/0 (kosong = ya)",
            "yes/no, true/false or 1/0 (blank = yes)",
        ),
    )
    return np.array([a is not False for a in answer], dtype=bool)


def _closed_days(bag: ProblemCollector, table: Table) -> tuple[list[frozenset[int]], np.ndarray]:
    """The weekdays each venue is closed (blank: none); returns (days, bad)."""
    sdays = col(table, "closed_days")
    parsed = parse_distinct(sdays, parse_closed_days)
    closed: list[frozenset[int]] = [frozenset()] * len(parsed)
    bad = np.zeros(len(parsed), dtype=bool)
    for r, (text, days) in enumerate(zip(sdays, parsed, strict=True)):
        if not text:
            continue
        if days is None:
            bad[r] = True
            bag.add(
                row=int(table.rows[r]),
                column="closed_days",
                value=text,
                expected=msg(
                    "nama hari dipisah koma: Senin, Selasa, Rabu, Kamis, Jumat, Sabtu, Minggu "
                    "(atau Mon..Sun)",
                    "weekday names separated by commas: Mon, Tue, Wed, Thu, Fri, Sat, Sun "
                    "(or Senin..Minggu)",
                ),
            )
        else:
            closed[r] = days
    return closed, bad


# ---------------------------------------------------------------------------- desa of a venue


@dataclass(frozen=True)
class _Where:
    """The desa code, desa and kecamatan of every venue (filled in place by the join)."""

    desa_code: np.ndarray
    desa: np.ndarray
    kecamatan: np.ndarray

    @classmethod
    def of(cls, table: Table) -> _Where:
        """The three columns as the file gives them (blank where it does not)."""
        return cls(
            col(table, "desa_code").to_numpy(dtype=object).copy(),
            col(table, "desa").to_numpy(dtype=object).copy(),
            col(table, "kecamatan").to_numpy(dtype=object).copy(),
        )


def _place_in_desa(
    bag: ProblemCollector,
    table: Table,
    desa: gpd.GeoDataFrame,
    settings: Settings,
    lat: np.ndarray,
    lon: np.ndarray,
    ok: np.ndarray,
    where: _Where,
) -> np.ndarray:
    """Fill ``where`` from the desa file: names from a known ``desa_code``, all three from the
    location when the code is blank. Returns the venues to reject: an unknown code, or a
    location outside every desa (beyond :data:`EDGE_TOLERANCE_M`)."""
    scode = col(table, "desa_code")
    by_code = desa.set_index("desa_code")
    known = scode.isin(by_code.index).to_numpy()
    unknown = (scode != "").to_numpy() & ~known
    for i in np.flatnonzero(unknown):
        hint = guess(scode.iloc[i], by_code.index, cutoff=0.8)
        bag.add(
            row=int(table.rows[i]),
            column="desa_code",
            value=scode.iloc[i],
            expected=msg(
                f"kode desa yang ada di berkas desa{hint}, atau kosong (diisi dari lokasi)",
                f"a desa code from the desa file{hint}, or blank (filled from the location)",
            ),
        )
    if known.any():
        where.desa[known] = by_code.loc[scode[known], "desa"].to_numpy()
        where.kecamatan[known] = by_code.loc[scode[known], "kecamatan"].to_numpy()

    idx = np.flatnonzero(ok)
    outside_bad = np.zeros(len(ok), dtype=bool)
    far: dict[int, tuple[int, float]] = {}  # row → nearest desa and distance, beyond 50 m
    if not len(idx):
        return unknown
    inside = _containing_desa(desa, lon[idx], lat[idx])
    outside = np.flatnonzero(inside < 0)
    if len(outside):
        crs = _metric_crs_of(desa, settings)
        nearest, dist = _nearest_desa(desa, lon[idx[outside]], lat[idx[outside]], crs)
        for j, k in enumerate(outside):
            if dist[j] <= EDGE_TOLERANCE_M:
                inside[k] = nearest[j]
                continue
            outside_bad[idx[k]] = True
            far[idx[k]] = (nearest[j], dist[j])
    if far:
        _own_desa_or_report(bag, table, desa, settings, lat, lon, far, outside_bad)
    fill = (inside >= 0) & ~known[idx]
    rows_fill = idx[fill]
    src = inside[fill]
    where.desa_code[rows_fill] = desa["desa_code"].to_numpy()[src]
    where.desa[rows_fill] = desa["desa"].to_numpy()[src]
    where.kecamatan[rows_fill] = desa["kecamatan"].to_numpy()[src]
    return unknown | outside_bad


_TOLERANCE_WORDS = msg(
    "lokasi di dalam desanya, atau paling jauh {tol} m di luarnya (general.boundary_tolerance_m)",
    "a location inside its desa, or at most {tol} m outside it (general.boundary_tolerance_m)",
)


def _own_desa_or_report(
    bag: ProblemCollector,
    table: Table,
    desa: gpd.GeoDataFrame,
    settings: Settings,
    lat: np.ndarray,
    lon: np.ndarray,
    far: dict[int, tuple[int, float]],
    outside_bad: np.ndarray,
) -> None:
    """Venues more than 50 m outside every desa: accepted with a warning when their
    ``desa_code`` names a desa they lie within ``general.boundary_tolerance_m`` of, reported
    otherwise (with the distance to their own desa when they name one)."""
    tolerance = settings.general.boundary_tolerance_m
    codes = col(table, "desa_code").to_numpy(dtype=object)
    ids = col(table, "venue_id").to_numpy(dtype=object)
    by_code = desa.reset_index(drop=True)
    row_of = {str(c): r for r, c in enumerate(by_code["desa_code"])}
    named = [i for i in far if str(codes[i]) in row_of]
    own_dist: dict[int, float] = {}
    if named:
        crs = _metric_crs_of(desa, settings)
        polys = by_code.geometry.iloc[[row_of[str(codes[i])] for i in named]].to_crs(crs)
        pts = shapely.points(project(lon[named], lat[named], crs))
        own_dist = dict(zip(named, shapely.distance(pts, polys.to_numpy()).tolist(), strict=True))
    for i, (nearest, dist) in far.items():
        row = int(table.rows[i])
        if i in own_dist and own_dist[i] <= tolerance:
            outside_bad[i] = False
            d = by_code.iloc[row_of[str(codes[i])]]
            metres = own_dist[i]
            bag.warn(
                row=row,
                column="lat/lon",
                value=f"{ids[i]}: lat={lat[i]:.6f}, lon={lon[i]:.6f}",
                message=msg(
                    f"diterima: {metres:,.0f} m di luar poligon desanya {d['desa']} "
                    f"({d['desa_code']}), dalam toleransi {tolerance:,.0f} m; periksa "
                    "koordinat atau batas desanya",
                    f"accepted: {metres:,.0f} m outside the polygon of its desa {d['desa']} "
                    f"({d['desa_code']}), within the tolerance of {tolerance:,.0f} m; check "
                    "the coordinates or the desa boundary",
                ),
                kind="outside_desa",
                venue_id=str(ids[i]),
                distance_m=float(metres),
            )
        elif i in own_dist:
            d = by_code.iloc[row_of[str(codes[i])]]
            words = _TOLERANCE_WORDS.format(tol=f"{tolerance:,.0f}")
            metres = own_dist[i]
            bag.add(
                row=row,
                column="lat/lon",
                value=f"lat={lat[i]:.6f}, lon={lon[i]:.6f}",
                expected=msg(
                    f"{words.id}; titik ini {metres:,.0f} m di luar desanya {d['desa']} "
                    f"({d['desa_code']}); periksa koordinatnya",
                    f"{words.en}; this point is {metres:,.0f} m outside its desa {d['desa']} "
                    f"({d['desa_code']}); check the coordinates",
                ),
            )
        else:
            _report_outside(bag, row, lat[i], lon[i], desa, nearest, dist)


def _metric_crs_of(desa: gpd.GeoDataFrame, settings: Settings) -> str:
    """The metric CRS distances to the desa are measured in (``_geo.metric_crs``)."""
    xmin, ymin, xmax, ymax = desa.total_bounds
    return metric_crs([xmin, xmax], [ymin, ymax], configured=settings.general.metric_crs)


def _containing_desa(desa: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The row of the desa holding each point; -1 outside every desa.

    Where (simplified) polygons overlap the first desa wins: assigning the matches in reverse
    order leaves the first one.
    """
    tree = shapely.STRtree(desa.geometry.to_numpy())
    pt_i, poly_i = tree.query(shapely.points(lon, lat), predicate="within")
    inside = np.full(len(lon), -1)
    inside[pt_i[::-1]] = poly_i[::-1]
    return inside


def _nearest_desa(
    desa: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, crs: str
) -> tuple[np.ndarray, np.ndarray]:
    """The row of the nearest desa of each point and its distance in metres (in ``crs``)."""
    tree = shapely.STRtree(desa.geometry.to_crs(crs).to_numpy())
    pts = shapely.points(project(lon, lat, crs))
    (near_pt, near_poly), dist_m = tree.query_nearest(pts, return_distance=True, all_matches=False)
    nearest = np.full(len(lon), -1)
    dist = np.full(len(lon), np.inf)
    nearest[near_pt] = near_poly
    dist[near_pt] = dist_m
    return nearest, dist


def _report_outside(
    bag: ProblemCollector,
    row: int,
    lat: float,
    lon: float,
    desa: gpd.GeoDataFrame,
    nearest: int,
    dist: float,
) -> None:
    """Report a venue outside every desa: as swapped when ``lon, lat`` falls inside a desa,
    else with its distance to the nearest one."""
    bounds = desa.total_bounds
    value = f"lat={lat:.6f}, lon={lon:.6f}"
    swapped = (
        bounds[0] <= lat <= bounds[2]
        and bounds[1] <= lon <= bounds[3]
        and bool(shapely.intersects(shapely.points(lat, lon), desa.geometry.to_numpy()).any())
    )
    if swapped:
        bag.add(
            row=row,
            column="lat",
            value=value,
            expected=msg(
                "lintang dan bujur tertukar: dengan kedua kolom ditukar titik ini jatuh "
                "di dalam sebuah desa; tukar lat dan lon",
                "latitude and longitude are swapped: with the two columns swapped the "
                "point falls inside a desa; swap lat and lon",
            ),
        )
        return
    d = desa.iloc[nearest]
    km = dist / 1000.0
    bag.add(
        row=row,
        column="lat/lon",
        value=value,
        expected=msg(
            f"lokasi di dalam sebuah desa; titik ini {number(dist, 'id', 0)} m "
            f"({number(km, 'id', 1)} km) di luar "
            f"desa terdekat {d['desa']} ({d['desa_code']}, Kec. {d['kecamatan']}); "
            "periksa koordinatnya (atau isi desa_code bila titik ini memang di tepi desa itu)",
            f"a location inside a desa; this point is {number(dist, 'en', 0)} m "
            f"({number(km, 'en', 1)} km) outside "
            f"the nearest desa {d['desa']} ({d['desa_code']}, {d['kecamatan']}); check the "
            "coordinates (or fill in desa_code if the point is at that desa's edge)",
        ),
    )


__all__ = [
    "EDGE_TOLERANCE_M",
    "MIN_DWELL_MIN",
    "VENUE_COLUMNS",
    "collect_venues",
    "empty_venues",
    "parse_closed_days",
    "read_venues",
]
