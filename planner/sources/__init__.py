"""Reading and validating a dataset folder into GeoDataFrames.

A dataset is a folder (DESIGN.md, docs/dataset.md): desa polygons, venues, incidents, stations,
the roster ``squads.toml``, optional ``planner.toml`` and an optional road network file. Each
reader collects *every* problem in its file and raises one :class:`~planner.errors.InputError`;
:func:`load_dataset` reads all files and reports the problems of all of them together.

Reading never writes to disk. Rows are numbered as a spreadsheet user counts them: the header
is row 1, the first data row (or the first feature of a GeoJSON/GeoPackage) is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
import tomllib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.config import Settings, load_settings
from planner.domain import WIB, Squad, Window, format_clock, is_all_day, parse_clock
from planner.errors import InputError, Problem, ProblemCollector
from planner.text import Msg, msg

__all__ = [
    "DESA_COLUMNS",
    "INCIDENT_COLUMNS",
    "STATION_COLUMNS",
    "VENUE_COLUMNS",
    "Dataset",
    "find_file",
    "load_dataset",
    "parse_closed_days",
    "read_desa",
    "read_incidents",
    "read_roster",
    "read_stations",
    "read_venues",
    "summarize",
]

# ---------------------------------------------------------------------------- file names

DESA_FILES = ("desa.gpkg", "desa.geojson", "desa.json", "desa.shp")
VENUE_FILES = ("venues.csv", "venues.xlsx", "venues.gpkg", "venues.geojson")
INCIDENT_FILES = ("incidents.csv", "incidents.xlsx")
STATION_FILES = ("stations.csv", "stations.xlsx")
ROSTER_FILE = "squads.toml"
SETTINGS_FILE = "planner.toml"
ROAD_FILES = ("roads.graphml", "roads.osm", "roads.osm.bz2", "roads.osm.pbf")

# Output schemas (columns besides geometry), in order.
DESA_COLUMNS = ("desa_code", "desa", "kecamatan", "kerawanan")
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
INCIDENT_COLUMNS = ("incident_id", "occurred_at", "category", "severity", "venue_id")
STATION_COLUMNS = ("station_id", "name", "kind", "kecamatan")

# Header aliases: a column named like the key is read as the value (only when the canonical
# name is absent). Headers are compared lower-case with spaces and dashes as underscores.
_COORD_ALIASES = {
    "latitude": "lat",
    "lintang": "lat",
    "y": "lat",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "bujur": "lon",
    "x": "lon",
}
_DESA_ALIASES = {
    "kode_desa": "desa_code",
    "kode": "desa_code",
    "code": "desa_code",
    "nama_desa": "desa",
    "name": "desa",
    "nama": "desa",
    "desa_kelurahan": "desa",
    "kelurahan": "desa",
    "level_kerawanan": "kerawanan",
    "tingkat_kerawanan": "kerawanan",
}
_VENUE_ALIASES = {
    **_COORD_ALIASES,
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
_INCIDENT_ALIASES = {
    **_COORD_ALIASES,
    "id": "incident_id",
    "waktu": "occurred_at",
    "kategori": "category",
    "bobot": "severity",
}
_STATION_ALIASES = {**_COORD_ALIASES, "id": "station_id", "nama": "name", "jenis": "kind"}

_REQUIRED_DESA = ("desa_code", "desa", "kecamatan", "kerawanan")
_REQUIRED_VENUES = ("venue_id", "name", "kind", "lat", "lon", "opens", "closes")
_REQUIRED_INCIDENTS = ("incident_id", "occurred_at", "lat", "lon", "category")
_REQUIRED_STATIONS = ("station_id", "name", "kind", "lat", "lon", "kecamatan")

MIN_DWELL_MIN = 10.0
EDGE_TOLERANCE_M = 50.0
"""A venue at most this far outside every desa polygon (simplified borders, coastlines) is put
in the nearest desa without complaint; farther away it is reported with its distance."""

_WEEKDAYS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("senin", "mon", "monday"),
        ("selasa", "tue", "tues", "tuesday"),
        ("rabu", "wed", "wednesday"),
        ("kamis", "thu", "thur", "thurs", "thursday"),
        ("jumat", "jum'at", "jumaat", "fri", "friday"),
        ("sabtu", "sat", "saturday"),
        ("minggu", "ahad", "sun", "sunday"),
    )
):
    for _n in _names:
        _WEEKDAYS[_n] = _i

_TRUE = {"true", "ya", "y", "yes", "1", "benar", "aktif", "t"}
_FALSE = {"false", "tidak", "n", "no", "0", "salah", "nonaktif", "tidak_aktif", "f"}


# ---------------------------------------------------------------------------- dataset


@dataclass(frozen=True, eq=False)  # tables do not compare with ==; identity is what is meant
class Dataset:
    """A validated dataset folder; every GeoDataFrame is in EPSG:4326 (docs/interfaces.md)."""

    root: Path
    desa: gpd.GeoDataFrame
    venues: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    squads: tuple[Squad, ...]
    settings: Settings
    roads: Path | None = None

    def station(self, station_id: str) -> pd.Series:
        """The stations row of ``station_id`` (``KeyError`` when unknown)."""
        hit = self.stations[self.stations["station_id"] == station_id]
        if hit.empty:
            raise KeyError(station_id)
        return hit.iloc[0]


def find_file(root: Path, names: Sequence[str]) -> list[Path]:
    """The files among ``names`` that exist in ``root`` (in the order of ``names``)."""
    return [root / n for n in names if (root / n).is_file()]


def _pick(
    root: Path, names: Sequence[str], bag: ProblemCollector, *, required: bool
) -> Path | None:
    found = find_file(root, names)
    if len(found) > 1:
        bag.add(
            file=found[0].name,
            value=", ".join(p.name for p in found),
            expected=msg(
                "hanya satu berkas; hapus atau ganti nama yang lain",
                "only one of these files; remove or rename the others",
            ),
        )
        return None
    if not found:
        if required:
            bag.add(
                file=names[0],
                value=None,
                expected=msg(
                    f"berkas ini di folder dataset ({' / '.join(names)})",
                    f"this file in the dataset folder ({' / '.join(names)})",
                ),
            )
        return None
    return found[0]


def load_dataset(
    root: str | Path,
    *,
    roster: str | Path | None = None,
    settings: Settings | str | Path | None = None,
) -> Dataset:
    """Read and validate a whole dataset folder.

    Parameters
    ----------
    root
        The dataset folder (e.g. ``data/demo``).
    roster
        A roster file to use instead of ``root/squads.toml``.
    settings
        Settings to use, or a path to a ``planner.toml``; by default ``root/planner.toml``
        (the defaults when that file is absent).

    Returns
    -------
    Dataset
        Every table validated and in EPSG:4326; the road network file is only located, not
        loaded (``network.py`` does that).

    Raises
    ------
    InputError
        With the problems of every file together; nothing on disk is changed.
    """
    root = Path(root)
    bag = ProblemCollector(root.name or str(root))
    if not root.is_dir():
        bag.add(
            file=str(root),
            value=str(root),
            expected=msg("sebuah folder dataset yang ada", "an existing dataset folder"),
        )
        bag.raise_if_any()

    if isinstance(settings, Settings):
        cfg = settings
    else:
        path = Path(settings) if settings is not None else root / SETTINGS_FILE
        if settings is not None and not path.is_file():
            bag.add(
                file=str(path),
                value=str(path),
                expected=msg("berkas pengaturan yang ada", "an existing settings file"),
            )
            cfg = Settings()
        else:
            try:
                cfg = load_settings(path)
            except InputError as exc:
                bag.extend(exc.problems)
                cfg = Settings()

    desa_path = _pick(root, DESA_FILES, bag, required=True)
    venue_path = _pick(root, VENUE_FILES, bag, required=True)
    incident_path = _pick(root, INCIDENT_FILES, bag, required=False)
    station_path = _pick(root, STATION_FILES, bag, required=True)
    roads_found = find_file(root, ROAD_FILES)
    roads = roads_found[0] if roads_found else None
    if roster is not None:
        given = Path(roster)
        roster_path: Path | None = given
        if not given.is_file():
            bag.add(
                file=str(given),
                value=str(given),
                expected=msg("berkas roster yang ada", "an existing roster file"),
            )
            roster_path = None
    else:
        roster_path = _pick(root, (ROSTER_FILE,), bag, required=True)

    desa, desa_ok = _empty_desa(), False
    if desa_path is not None:
        desa, probs = _read_desa(desa_path, cfg)
        bag.extend(probs)
        desa_ok = not probs
    venues = _empty_venues()
    venue_ids: set[str] = set()
    if venue_path is not None:
        venues, probs, venue_ids = _read_venues(venue_path, cfg, desa if desa_ok else None)
        bag.extend(probs)
    stations = _empty_stations()
    station_ids: set[str] = set()
    kecamatan = set(desa["kecamatan"]) if desa_ok else None
    if station_path is not None:
        stations, probs, station_ids = _read_stations(station_path, kecamatan)
        bag.extend(probs)
    incidents = _empty_incidents()
    if incident_path is not None:
        known = venue_ids if venue_path is not None else None
        incidents, probs = _read_incidents(incident_path, cfg, known)
        bag.extend(probs)
    squads: tuple[Squad, ...] = ()
    if roster_path is not None:
        squads, probs = _read_roster(
            roster_path,
            cfg,
            stations=stations if station_path is not None else None,
            station_ids=station_ids if station_path is not None else None,
            kecamatan=kecamatan,
        )
        bag.extend(probs)

    bag.raise_if_any()
    return Dataset(
        root=root,
        desa=desa,
        venues=venues,
        incidents=incidents,
        stations=stations,
        squads=squads,
        settings=cfg,
        roads=roads,
    )


def summarize(dataset: Dataset) -> dict[str, Any]:
    """Counts for the ``validate`` command and notebooks (plain JSON-able values).

    Keys: ``root``, ``desa``, ``kecamatan``, ``venues``, ``venues_active``,
    ``venues_per_kecamatan`` (kecamatan → count, sorted by name), ``venues_per_kind``,
    ``incidents``, ``incidents_from``/``incidents_to`` (ISO dates or ``None``), ``stations``,
    ``stations_per_kind``, ``squads``, ``members``, ``roads`` (file name or ``None``).
    """
    v = dataset.venues
    per_kec = v.groupby("kecamatan", sort=True).size() if len(v) else pd.Series(dtype=int)
    kec_names = sorted(set(dataset.desa["kecamatan"]))
    venues_per_kec = {k: int(per_kec.get(k, 0)) for k in kec_names}
    for k, n in per_kec.items():  # venues whose kecamatan has no desa (cannot happen, but be safe)
        venues_per_kec.setdefault(str(k), int(n))
    inc = dataset.incidents
    return {
        "root": str(dataset.root),
        "desa": len(dataset.desa),
        "kecamatan": len(kec_names),
        "venues": len(v),
        "venues_active": int(v["active"].sum()) if len(v) else 0,
        "venues_per_kecamatan": venues_per_kec,
        "venues_per_kind": {
            str(k): int(n) for k, n in v["kind"].value_counts().sort_index().items()
        },
        "incidents": len(inc),
        "incidents_from": inc["occurred_at"].min().date().isoformat() if len(inc) else None,
        "incidents_to": inc["occurred_at"].max().date().isoformat() if len(inc) else None,
        "stations": len(dataset.stations),
        "stations_per_kind": {
            str(k): int(n) for k, n in dataset.stations["kind"].value_counts().sort_index().items()
        },
        "squads": len(dataset.squads),
        "members": sum(s.members for s in dataset.squads),
        "roads": dataset.roads.name if dataset.roads is not None else None,
    }


# ---------------------------------------------------------------------------- public readers


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else Settings()


def read_desa(path: str | Path, *, settings: Settings | None = None) -> gpd.GeoDataFrame:
    """Read desa polygons (GeoPackage, GeoJSON or Shapefile, any CRS) into EPSG:4326.

    Columns: ``desa_code``, ``desa``, ``kecamatan``, ``kerawanan`` (a key of
    ``settings.kerawanan.levels``), geometry (Multi)Polygon.

    Raises
    ------
    InputError
        With every problem in the file.
    """
    gdf, problems = _read_desa(Path(path), _settings(settings))
    _raise(problems)
    return gdf


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
    gdf, problems, _ = _read_venues(Path(path), _settings(settings), desa)
    _raise(problems)
    return gdf


def read_incidents(
    path: str | Path,
    *,
    settings: Settings | None = None,
    venue_ids: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Read incidents (CSV or XLSX). ``occurred_at`` is ISO or ``DD/MM/YYYY HH:MM``; times
    without a zone are WIB. With ``venue_ids``, an unknown ``venue_id`` is a problem."""
    known = set(venue_ids) if venue_ids is not None else None
    gdf, problems = _read_incidents(Path(path), _settings(settings), known)
    _raise(problems)
    return gdf


def read_stations(path: str | Path, *, kecamatan: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Read the Polres and Polsek offices (CSV or XLSX). With ``kecamatan``, a station in an
    unknown kecamatan is a problem."""
    kec = set(kecamatan) if kecamatan is not None else None
    gdf, problems, _ = _read_stations(Path(path), kec)
    _raise(problems)
    return gdf


def read_roster(
    path: str | Path,
    *,
    stations: gpd.GeoDataFrame | None = None,
    settings: Settings | None = None,
    kecamatan: Iterable[str] | None = None,
) -> tuple[Squad, ...]:
    """Read ``squads.toml`` (format in docs/interfaces.md) into squads.

    With ``stations``, a squad's station must exist and a Polsek squad's default area is its
    kecamatan (a Polres squad's default is anywhere, ``None``). With ``kecamatan``, every name
    in ``area`` must be one of them.
    """
    kec = set(kecamatan) if kecamatan is not None else None
    ids = set(stations["station_id"]) if stations is not None else None
    squads, problems = _read_roster(
        Path(path), _settings(settings), stations=stations, station_ids=ids, kecamatan=kec
    )
    _raise(problems)
    return squads


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


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)


# ---------------------------------------------------------------------------- table reading


@dataclass
class _Table:
    """A file read as text: ``data`` has str cells ("" for blank), ``rows`` the spreadsheet row
    of each record, ``geometry`` the features' geometry (geo files only, in EPSG:4326)."""

    name: str
    data: pd.DataFrame
    rows: np.ndarray
    geometry: gpd.GeoSeries | None = None


def _norm_header(h: object) -> str:
    text = str(h if h is not None else "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _cell_text(v: object) -> str:
    """A cell as text, with spreadsheet types turned into what a person would type."""
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        if v.tzinfo is None and v.hour == v.minute == v.second == 0 and v.year < 1901:
            return ""  # pragma: no cover - Excel's empty-date artefacts
        return v.isoformat(sep=" ")
    if isinstance(v, dt.time):
        return f"{v.hour:02d}:{v.minute:02d}"
    if isinstance(v, dt.timedelta):  # Excel duration cells for times
        minutes = int(v.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return str(v).strip()


def _frame(name: str, header: list[object], records: list[list[object]], rows: list[int]) -> _Table:
    cols = [_norm_header(h) for h in header]
    width = len(cols)
    fixed = []
    for rec in records:
        cells = [_cell_text(c) for c in rec[:width]]
        cells += [""] * (width - len(cells))
        fixed.append(cells)
    data = pd.DataFrame(fixed, columns=cols, dtype=object) if cols else pd.DataFrame()
    return _Table(name, data, np.asarray(rows, dtype=int))


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel "CSV (MS-DOS)" exports; cp1252 decodes every byte.
        return raw.decode("cp1252", errors="replace")


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, bag: ProblemCollector) -> _Table | None:
    text = _decode(path.read_bytes())
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        bag.add(value=None, expected=msg("baris judul kolom", "a header row"))
        return None
    delim = _sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header: list[object] | None = None
    records: list[list[object]] = []
    rows: list[int] = []
    for rowno, rec in enumerate(reader, start=1):
        if header is None:
            if not any(c.strip() for c in rec):
                continue
            header = list(rec)
            continue
        if not any(c.strip() for c in rec):
            continue
        if len(rec) > len(header) and any(c.strip() for c in rec[len(header) :]):
            bag.add(
                row=rowno,
                value=delim.join(rec[len(header) :]),
                expected=msg(
                    f"paling banyak {len(header)} kolom seperti judulnya (pemisah '{delim}'); "
                    "beri tanda kutip pada nilai yang mengandung pemisah",
                    f"at most {len(header)} columns like the header (separator '{delim}'); "
                    "quote values that contain the separator",
                ),
            )
        records.append(list(rec))
        rows.append(rowno)
    assert header is not None
    return _frame(path.name, header, records, rows)


def _read_xlsx(path: Path, bag: ProblemCollector) -> _Table | None:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's style/extension chatter
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any unreadable workbook is a user problem
        bag.add(value=type(exc).__name__, expected=msg("berkas Excel .xlsx", "an Excel .xlsx file"))
        return None
    try:
        ws = wb.worksheets[0]
        header: list[object] | None = None
        records: list[list[object]] = []
        rows: list[int] = []
        for rowno, rec in enumerate(ws.iter_rows(values_only=True), start=1):
            blank = all(c is None or (isinstance(c, str) and not c.strip()) for c in rec)
            if blank:
                continue
            if header is None:
                header = list(rec)
                while header and header[-1] is None:
                    header.pop()
                continue
            records.append(list(rec))
            rows.append(rowno)
    finally:
        wb.close()
    if header is None:
        bag.add(value=None, expected=msg("baris judul kolom", "a header row"))
        return None
    return _frame(path.name, header, records, rows)


def _read_geo(path: Path, bag: ProblemCollector) -> _Table | None:
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # GDAL's many errors are all "cannot read"
        bag.add(
            value=str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__,
            expected=msg(
                "berkas GeoPackage/GeoJSON/Shapefile yang bisa dibaca",
                "a readable GeoPackage/GeoJSON/Shapefile",
            ),
        )
        return None
    if gdf.crs is None:
        xmin, ymin, xmax, ymax = gdf.total_bounds if len(gdf) else (0, 0, 0, 0)
        if len(gdf) and not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            bag.add(
                value=msg("tanpa CRS", "no CRS")("en"),
                expected=msg(
                    "berkas dengan sistem koordinat (CRS); simpan ulang dengan .prj",
                    "a file with a coordinate reference system; save it again with its .prj",
                ),
            )
            return None
        gdf = gdf.set_crs(4326)
    elif not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs(4326)
    attrs = gdf.drop(columns=gdf.geometry.name)
    header = list(attrs.columns)
    records = attrs.astype(object).where(attrs.notna(), None).values.tolist()
    table = _frame(path.name, header, records, list(range(2, len(gdf) + 2)))
    table.geometry = gdf.geometry.reset_index(drop=True)
    return table


def _read_any(path: Path, bag: ProblemCollector, *, geo_ok: bool) -> _Table | None:
    suffix = path.suffix.lower()
    try:
        if suffix in {".csv", ".txt"}:
            return _read_csv(path, bag)
        if suffix in {".xlsx", ".xlsm"}:
            return _read_xlsx(path, bag)
        if geo_ok and suffix in {".gpkg", ".geojson", ".json", ".shp"}:
            return _read_geo(path, bag)
    except OSError as exc:
        bag.add(value=str(exc), expected=msg("berkas yang bisa dibaca", "a readable file"))
        return None
    kinds = "CSV, XLSX, GeoPackage, GeoJSON, Shapefile" if geo_ok else "CSV, XLSX"
    bag.add(value=path.suffix, expected=msg(f"jenis berkas: {kinds}", f"a file type: {kinds}"))
    return None


def _apply_aliases(table: _Table, aliases: Mapping[str, str]) -> None:
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


def _check_columns(
    table: _Table,
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
        near_col = _near_column(col, unused, aliases or {})
        near = [near_col] if near_col else []
        if near:
            expected = msg(
                f"kolom wajib '{col}' tidak ada; apakah '{near[0]}' maksudnya? ganti namanya",
                f"required column '{col}' is missing; is '{near[0]}' meant? rename it",
            )
        else:
            expected = msg(
                f"kolom wajib '{col}' tidak ada (kolom yang ada: {', '.join(cols) or '—'})",
                f"required column '{col}' is missing (columns found: {', '.join(cols) or '—'})",
            )
        bag.add(column=col, value=near[0] if near else None, expected=expected)
    return missing


def _col(table: _Table, name: str) -> pd.Series:
    if name in table.data.columns:
        return table.data[name].astype(str).str.strip()
    return pd.Series([""] * len(table.data), index=table.data.index, dtype=object)


# ---------------------------------------------------------------------------- cell checks

_MISSING = msg("sebuah nilai (sel ini kosong)", "a value (this cell is empty)")


def _add_rows(
    bag: ProblemCollector,
    table: _Table,
    mask: np.ndarray | pd.Series,
    column: str,
    values: pd.Series,
    expected: Msg,
) -> None:
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    for i in idx:
        bag.add(row=int(table.rows[i]), column=column, value=values.iloc[i], expected=expected)


def _require_values(bag: ProblemCollector, table: _Table, cols: Iterable[str]) -> None:
    for c in cols:
        if c in table.data.columns:
            s = _col(table, c)
            _add_rows(bag, table, (s == "").to_numpy(), c, s, _MISSING)


def _to_float(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
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


def _duplicates(bag: ProblemCollector, table: _Table, column: str) -> None:
    s = _col(table, column)
    nonblank = s != ""
    dup = s.duplicated(keep="first") & nonblank
    if not dup.any():
        return
    first_row = {}
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


def _one_of(
    bag: ProblemCollector,
    table: _Table,
    column: str,
    s: pd.Series,
    allowed: Iterable[str],
    what: Msg,
) -> np.ndarray:
    """Report non-blank values of ``s`` not in ``allowed`` (with a near match); return bad."""
    allowed = list(allowed)
    bad = (~s.isin(allowed) & (s != "")).to_numpy()
    for i in np.flatnonzero(bad):
        v = s.iloc[i]
        near = difflib.get_close_matches(str(v), allowed, n=1, cutoff=0.6)
        hint_id = f"; maksudnya '{near[0]}'?" if near else ""
        hint_en = f"; did you mean '{near[0]}'?" if near else ""
        bag.add(
            row=int(table.rows[i]),
            column=column,
            value=v,
            expected=msg(
                f"{what('id')}: {', '.join(allowed)}{hint_id}",
                f"{what('en')}: {', '.join(allowed)}{hint_en}",
            ),
        )
    return bad


def _coords(
    bag: ProblemCollector, table: _Table, missing: set[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude/longitude from the lat/lon columns or the geometry; returns (lat, lon, ok)."""
    n = len(table.data)
    if table.geometry is not None:  # geo files: the geometry is the location
        geom = table.geometry
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
                    expected=msg(
                        "sebuah titik (geometri kosong)", "a point (the geometry is empty)"
                    ),
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
        missing.discard("lat")
        missing.discard("lon")
        return lat, lon, ok
    if "lat" in missing or "lon" in missing:
        return np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    slat, slon = _col(table, "lat"), _col(table, "lon")
    _require_values(bag, table, ("lat", "lon"))
    lat, bad_lat = _to_float(slat)
    lon, bad_lon = _to_float(slon)
    number = msg(
        "sebuah angka desimal (mis. -8,05 atau -8.05)", "a decimal number (e.g. -8.05 or -8,05)"
    )
    _add_rows(bag, table, bad_lat, "lat", slat, number)
    _add_rows(bag, table, bad_lon, "lon", slon, number)
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat_out = ok & (np.abs(lat) > 90)
    lon_out = ok & (np.abs(lon) > 180)
    swapped = ok & lat_out & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    for k in np.flatnonzero(swapped):
        bag.add(
            row=int(table.rows[k]),
            column="lat",
            value=f"lat={slat.iloc[k]}, lon={slon.iloc[k]}",
            expected=msg(
                "lintang dan bujur tertukar: lat adalah lintang (-90..90, Trenggalek ≈ -8), "
                "lon adalah bujur (Trenggalek ≈ 111,7); tukar kedua kolom",
                "latitude and longitude are swapped: lat is the latitude (-90..90, Trenggalek "
                "≈ -8), lon the longitude (Trenggalek ≈ 111.7); swap the two columns",
            ),
        )
    rest_lat = lat_out & ~swapped
    _add_rows(
        bag,
        table,
        rest_lat,
        "lat",
        slat,
        msg("lintang antara -90 dan 90", "a latitude between -90 and 90"),
    )
    rest_lon = lon_out & ~swapped
    _add_rows(
        bag,
        table,
        rest_lon,
        "lon",
        slon,
        msg("bujur antara -180 dan 180", "a longitude between -180 and 180"),
    )
    ok &= ~lat_out & ~lon_out
    return lat, lon, ok


def _clock_text(text: str) -> str:
    """``"19:00:00"`` (Excel) → ``"19:00"``; other text unchanged."""
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})[:.]00\s*", text)
    return f"{m.group(1)}:{m.group(2)}" if m else text


def _metric_crs(desa: gpd.GeoDataFrame, settings: Settings) -> Any:
    if settings.general.metric_crs:
        return settings.general.metric_crs
    try:
        crs = desa.estimate_utm_crs()
    except Exception:  # degenerate extents; Trenggalek's zone is a fine default
        crs = None
    return crs or "EPSG:32749"


# ---------------------------------------------------------------------------- desa


def _empty_desa() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in DESA_COLUMNS}, geometry=gpd.GeoSeries([], crs=4326)
    )


def _read_desa(path: Path, settings: Settings) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    bag = ProblemCollector(path.name)
    if path.suffix.lower() not in {".gpkg", ".geojson", ".json", ".shp"}:
        bag.add(
            value=path.suffix,
            expected=msg(
                "GeoPackage, GeoJSON atau Shapefile", "a GeoPackage, GeoJSON or Shapefile"
            ),
        )
        return _empty_desa(), bag.problems
    table = _read_any(path, bag, geo_ok=True)
    if table is None:
        return _empty_desa(), bag.problems
    _apply_aliases(table, _DESA_ALIASES)
    missing = _check_columns(table, _REQUIRED_DESA, bag, _DESA_ALIASES)
    _require_values(bag, table, [c for c in _REQUIRED_DESA if c not in missing])
    _duplicates(bag, table, "desa_code")
    levels = list(settings.kerawanan.levels)
    ker = _col(table, "kerawanan").str.lower().str.replace(" ", "_", regex=False)
    _one_of(bag, table, "kerawanan", ker, levels, msg("tingkat kerawanan", "a kerawanan level"))

    assert table.geometry is not None
    geom = table.geometry
    empty = (geom.isna() | geom.is_empty).to_numpy()
    types = geom.geom_type.to_numpy()
    polygonal = np.isin(types, ["Polygon", "MultiPolygon"])
    for i in np.flatnonzero(empty):
        bag.add(
            row=int(table.rows[i]),
            column="geometry",
            value=None,
            expected=msg("sebuah poligon (geometri kosong)", "a polygon (empty geometry)"),
        )
    for i in np.flatnonzero(~empty & ~polygonal):
        bag.add(
            row=int(table.rows[i]),
            column="geometry",
            value=types[i],
            expected=msg("Polygon atau MultiPolygon", "a Polygon or MultiPolygon"),
        )
    arr = geom.to_numpy()
    invalid = ~empty & polygonal & ~shapely.is_valid(arr)
    if invalid.any():  # published boundaries are often slightly invalid: repair, keep areas
        fixed = shapely.make_valid(arr[invalid])
        fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
        arr = arr.copy()
        arr[invalid] = fixed

    out = gpd.GeoDataFrame(
        {
            "desa_code": _col(table, "desa_code").to_numpy(),
            "desa": _col(table, "desa").to_numpy(),
            "kecamatan": _col(table, "kecamatan").to_numpy(),
            "kerawanan": ker.to_numpy(),
        },
        geometry=gpd.GeoSeries(arr, crs=4326),
    )
    return out, bag.problems


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.unary_union(parts) if parts else g


# ---------------------------------------------------------------------------- venues


def _empty_venues() -> gpd.GeoDataFrame:
    cols: dict[str, pd.Series] = {c: pd.Series(dtype=object) for c in VENUE_COLUMNS}
    cols["dwell_min"] = pd.Series(dtype=float)
    cols["active"] = pd.Series(dtype=bool)
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=4326))


def _read_venues(
    path: Path, settings: Settings, desa: gpd.GeoDataFrame | None
) -> tuple[gpd.GeoDataFrame, list[Problem], set[str]]:
    bag = ProblemCollector(path.name)
    table = _read_any(path, bag, geo_ok=True)
    if table is None:
        return _empty_venues(), bag.problems, set()
    _apply_aliases(table, _VENUE_ALIASES)
    required = [c for c in _REQUIRED_VENUES if table.geometry is None or c not in ("lat", "lon")]
    missing = _check_columns(table, required, bag, _VENUE_ALIASES)
    _require_values(
        bag, table, [c for c in required if c not in missing and c not in ("lat", "lon")]
    )
    _duplicates(bag, table, "venue_id")
    ids = _col(table, "venue_id")
    n = len(table.data)
    good = np.ones(n, dtype=bool)

    kind = _col(table, "kind").str.lower()
    good &= ~_one_of(
        bag, table, "kind", kind, settings.kinds.weights, msg("jenis tempat", "a venue kind")
    )

    # Opening hours: parse each distinct text once.
    opens, closes = _col(table, "opens").map(_clock_text), _col(table, "closes").map(_clock_text)
    bad_clock = msg(
        "jam seperti 18:00 atau 18.00, atau '24 jam'", "a time like 18:00 or 18.00, or '24 hours'"
    )
    clock_cache: dict[str, int | None] = {}

    def clock(text: str) -> int | None:
        if text not in clock_cache:
            try:
                clock_cache[text] = -1 if is_all_day(text) else parse_clock(text)
            except ValueError:
                clock_cache[text] = None
        return clock_cache[text]

    windows: list[tuple[Window, ...]] = [()] * n
    for col, s in (("opens", opens), ("closes", closes)):
        if col in missing:
            good[:] = False
            continue
        bad = np.array([t != "" and clock(t) is None for t in s], dtype=bool)
        _add_rows(bag, table, bad, col, s, bad_clock)
        good &= ~bad & (s != "").to_numpy()
    win_cache: dict[tuple[str, str], tuple[Window, ...]] = {}
    for i in np.flatnonzero(good):
        key = (opens.iloc[i], closes.iloc[i])
        if key not in win_cache:
            win_cache[key] = _windows(clock(key[0]), clock(key[1]))
        windows[i] = win_cache[key]
    norm_open = [
        "24 jam" if clock(t) == -1 else format_clock(clock(t)) if clock(t) is not None else t  # type: ignore[arg-type]
        for t in opens
    ]
    norm_close = [
        "24 jam" if clock(t) == -1 else format_clock(clock(t)) if clock(t) is not None else t  # type: ignore[arg-type]
        for t in closes
    ]

    # dwell_min: blank -> the kind's default.
    sdwell = _col(table, "dwell_min")
    dwell, bad = _to_float(sdwell)
    _add_rows(
        bag, table, bad, "dwell_min", sdwell, msg("jumlah menit (angka)", "minutes (a number)")
    )
    low = np.isfinite(dwell) & (dwell < MIN_DWELL_MIN)
    _add_rows(
        bag,
        table,
        low,
        "dwell_min",
        sdwell,
        msg(f"paling sedikit {MIN_DWELL_MIN:g} menit", f"at least {MIN_DWELL_MIN:g} minutes"),
    )
    defaults = kind.map(lambda k: settings.kinds.dwell_min.get(k, settings.kinds.default_dwell_min))
    dwell = np.where(np.isfinite(dwell), dwell, defaults.to_numpy(dtype=float))
    good &= ~bad & ~low

    # kerawanan override
    sker = _col(table, "kerawanan").str.lower().str.replace(" ", "_", regex=False)
    good &= ~_one_of(
        bag,
        table,
        "kerawanan",
        sker,
        settings.kerawanan.levels,
        msg("tingkat kerawanan (atau kosong)", "a kerawanan level (or blank)"),
    )
    kerawanan = [v if v else None for v in sker]

    # active
    sact = _col(table, "active")
    low_act = sact.str.lower()
    bad = (~low_act.isin(_TRUE | _FALSE) & (sact != "")).to_numpy()
    _add_rows(
        bag,
        table,
        bad,
        "active",
        sact,
        msg(
            "ya/tidak, true/false atau 1/0 (kosong = ya)", "yes/no, true/false or 1/0 (blank = yes)"
        ),
    )
    active = ~low_act.isin(_FALSE).to_numpy()

    # closed_days
    sdays = _col(table, "closed_days")
    closed: list[frozenset[int]] = [frozenset()] * n
    day_cache: dict[str, frozenset[int] | None] = {}
    for r, text in enumerate(sdays):
        if not text:
            continue
        if text not in day_cache:
            try:
                day_cache[text] = parse_closed_days(text)
            except ValueError:
                day_cache[text] = None
        days = day_cache[text]
        if days is None:
            good[r] = False
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

    lat, lon, ok = _coords(bag, table, missing)
    good &= ok

    # desa: from desa_code, else by spatial join; every venue must lie in (or next to) a desa.
    scode = _col(table, "desa_code")
    desa_code = scode.to_numpy(dtype=object).copy()
    desa_name = _col(table, "desa").to_numpy(dtype=object).copy()
    kec = _col(table, "kecamatan").to_numpy(dtype=object).copy()
    if desa is not None and len(desa):
        by_code = desa.set_index("desa_code")
        known = scode.isin(by_code.index).to_numpy()
        unknown = (scode != "").to_numpy() & ~known
        for i in np.flatnonzero(unknown):
            near = difflib.get_close_matches(scode.iloc[i], list(by_code.index), n=1, cutoff=0.8)
            hint = f" ('{near[0]}'?)" if near else ""
            bag.add(
                row=int(table.rows[i]),
                column="desa_code",
                value=scode.iloc[i],
                expected=msg(
                    f"kode desa yang ada di berkas desa{hint}, atau kosong (diisi dari lokasi)",
                    f"a desa code from the desa file{hint}, or blank (filled from the location)",
                ),
            )
        good &= ~unknown
        if known.any():
            desa_name[known] = by_code.loc[scode[known], "desa"].to_numpy()
            kec[known] = by_code.loc[scode[known], "kecamatan"].to_numpy()
        _place_in_desa(
            bag, table, desa, settings, lat, lon, ok, known, desa_code, desa_name, kec, good
        )

    keep = np.flatnonzero(good) if not bag else np.arange(0)
    out = gpd.GeoDataFrame(
        {
            "venue_id": ids.to_numpy()[keep],
            "name": _col(table, "name").to_numpy()[keep],
            "kind": kind.to_numpy()[keep],
            "opens": np.asarray(norm_open, dtype=object)[keep],
            "closes": np.asarray(norm_close, dtype=object)[keep],
            "windows": pd.Series([windows[i] for i in keep], dtype=object),
            "desa_code": desa_code[keep],
            "desa": desa_name[keep],
            "kecamatan": kec[keep],
            "dwell_min": dwell[keep].astype(float),
            "kerawanan": pd.Series([kerawanan[i] for i in keep], dtype=object),
            "active": active[keep].astype(bool),
            "closed_days": pd.Series([closed[i] for i in keep], dtype=object),
        },
        geometry=gpd.points_from_xy(lon[keep], lat[keep]),
        crs=4326,
    )
    return out, bag.problems, {v for v in ids if v}


def _windows(opens: int | None, closes: int | None) -> tuple[Window, ...]:
    from planner.domain import ALL_NIGHT, opening_intervals

    if opens == -1 or closes == -1:
        return (ALL_NIGHT,)
    assert opens is not None and closes is not None
    return opening_intervals(format_clock(opens), format_clock(closes))


def _place_in_desa(
    bag: ProblemCollector,
    table: _Table,
    desa: gpd.GeoDataFrame,
    settings: Settings,
    lat: np.ndarray,
    lon: np.ndarray,
    ok: np.ndarray,
    has_code: np.ndarray,
    desa_code: np.ndarray,
    desa_name: np.ndarray,
    kec: np.ndarray,
    good: np.ndarray,
) -> None:
    """Fill desa for venues without a code; report venues outside every desa."""
    idx = np.flatnonzero(ok)
    if not len(idx):
        return
    pts = shapely.points(lon[idx], lat[idx])
    tree = shapely.STRtree(desa.geometry.to_numpy())
    pt_i, poly_i = tree.query(pts, predicate="within")
    inside = np.full(len(idx), -1)
    # First desa wins where (simplified) polygons overlap; reversed assignment keeps the first.
    inside[pt_i[::-1]] = poly_i[::-1]
    outside = np.flatnonzero(inside < 0)
    if len(outside):
        crs = _metric_crs(desa, settings)
        desa_m = desa.geometry.to_crs(crs).to_numpy()
        out_pts = gpd.GeoSeries(pts[outside], crs=4326).to_crs(crs).to_numpy()
        mtree = shapely.STRtree(desa_m)
        (near_pt, near_poly), dist_m = mtree.query_nearest(
            out_pts, return_distance=True, all_matches=False
        )
        nearest = np.full(len(outside), -1)
        dist = np.full(len(outside), np.inf)
        nearest[near_pt] = near_poly
        dist[near_pt] = dist_m
        bounds = desa.total_bounds
        for j, k in enumerate(outside):
            if dist[j] <= EDGE_TOLERANCE_M:
                inside[k] = nearest[j]
                continue
            i = idx[k]
            good[i] = False
            row = int(table.rows[i])
            sw_lon, sw_lat = lat[i], lon[i]
            swapped = (
                bounds[0] <= sw_lon <= bounds[2]
                and bounds[1] <= sw_lat <= bounds[3]
                and bool(
                    shapely.intersects(
                        shapely.points(sw_lon, sw_lat), desa.geometry.to_numpy()
                    ).any()
                )
            )
            value = f"lat={lat[i]:.6f}, lon={lon[i]:.6f}"
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
                continue
            d = desa.iloc[nearest[j]]
            km = dist[j] / 1000.0
            bag.add(
                row=row,
                column="lat/lon",
                value=value,
                expected=msg(
                    f"lokasi di dalam sebuah desa; titik ini {dist[j]:,.0f} m ({km:.1f} km) di luar "
                    f"desa terdekat {d['desa']} ({d['desa_code']}, Kec. {d['kecamatan']}); "
                    "periksa koordinatnya",
                    f"a location inside a desa; this point is {dist[j]:,.0f} m ({km:.1f} km) outside "
                    f"the nearest desa {d['desa']} ({d['desa_code']}, {d['kecamatan']}); check the "
                    "coordinates",
                ),
            )
    fill = (inside >= 0) & ~has_code[idx]
    rows_fill = idx[fill]
    src = inside[fill]
    desa_code[rows_fill] = desa["desa_code"].to_numpy()[src]
    desa_name[rows_fill] = desa["desa"].to_numpy()[src]
    kec[rows_fill] = desa["kecamatan"].to_numpy()[src]


# ---------------------------------------------------------------------------- incidents


def _empty_incidents() -> gpd.GeoDataFrame:
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


_TIME_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H.%M",
    "%d/%m/%Y",
    "%d-%m-%Y",
)


def _parse_time(text: str) -> dt.datetime | None:
    t = text.strip()
    if not t:
        return None
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
        return None
    return when.replace(tzinfo=WIB) if when.tzinfo is None else when.astimezone(WIB)


def _read_incidents(
    path: Path, settings: Settings, venue_ids: set[str] | None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    bag = ProblemCollector(path.name)
    table = _read_any(path, bag, geo_ok=False)
    if table is None:
        return _empty_incidents(), bag.problems
    _apply_aliases(table, _INCIDENT_ALIASES)
    missing = _check_columns(table, _REQUIRED_INCIDENTS, bag, _INCIDENT_ALIASES)
    _require_values(
        bag, table, [c for c in _REQUIRED_INCIDENTS if c not in missing and c not in ("lat", "lon")]
    )
    _duplicates(bag, table, "incident_id")
    n = len(table.data)
    good = np.ones(n, dtype=bool)

    stime = _col(table, "occurred_at")
    cache: dict[str, dt.datetime | None] = {}
    times: list[dt.datetime | None] = []
    for t in stime:
        if t not in cache:
            cache[t] = _parse_time(t)
        times.append(cache[t])
    bad = np.array([t is None for t in times], dtype=bool)
    _add_rows(
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
    good &= ~bad

    cats = settings.incidents.categories
    scat = _col(table, "category").str.lower().str.replace(" ", "_", regex=False)
    good &= ~_one_of(
        bag, table, "category", scat, cats, msg("kategori kejadian", "an incident category")
    )

    ssev = _col(table, "severity")
    sev, bad = _to_float(ssev)
    neg = np.isfinite(sev) & (sev < 0)
    _add_rows(
        bag,
        table,
        bad | neg,
        "severity",
        ssev,
        msg(
            "sebuah angka ≥ 0 (kosong = bobot kategorinya)", "a number ≥ 0 (blank = its category's)"
        ),
    )
    good &= ~bad & ~neg
    default_sev = scat.map(lambda c: cats.get(c, np.nan)).to_numpy(dtype=float)
    sev = np.where(np.isfinite(sev), sev, default_sev)

    svenue = _col(table, "venue_id")
    if venue_ids is not None:
        unknown = ((svenue != "") & ~svenue.isin(venue_ids)).to_numpy()
        _add_rows(
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
        good &= ~unknown

    lat, lon, ok = _coords(bag, table, missing)
    good &= ok
    keep = np.flatnonzero(good) if not bag else np.arange(0)
    occurred = pd.Series(
        pd.to_datetime([times[i] for i in keep], utc=True), dtype="datetime64[ns, UTC]"
    ).dt.tz_convert(WIB)
    out = gpd.GeoDataFrame(
        {
            "incident_id": _col(table, "incident_id").to_numpy()[keep],
            "occurred_at": occurred,
            "category": scat.to_numpy()[keep],
            "severity": sev[keep].astype(float),
            "venue_id": pd.Series([svenue.iloc[i] or None for i in keep], dtype=object),
        },
        geometry=gpd.points_from_xy(lon[keep], lat[keep]),
        crs=4326,
    )
    return out, bag.problems


# ---------------------------------------------------------------------------- stations


def _empty_stations() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in STATION_COLUMNS}, geometry=gpd.GeoSeries([], crs=4326)
    )


def _read_stations(
    path: Path, kecamatan: set[str] | None
) -> tuple[gpd.GeoDataFrame, list[Problem], set[str]]:
    bag = ProblemCollector(path.name)
    table = _read_any(path, bag, geo_ok=False)
    if table is None:
        return _empty_stations(), bag.problems, set()
    _apply_aliases(table, _STATION_ALIASES)
    missing = _check_columns(table, _REQUIRED_STATIONS, bag, _STATION_ALIASES)
    _require_values(
        bag, table, [c for c in _REQUIRED_STATIONS if c not in missing and c not in ("lat", "lon")]
    )
    _duplicates(bag, table, "station_id")
    good = np.ones(len(table.data), dtype=bool)
    kind = _col(table, "kind").str.lower()
    good &= ~_one_of(
        bag, table, "kind", kind, ("polres", "polsek"), msg("jenis kantor", "a station kind")
    )
    skec = _col(table, "kecamatan")
    if kecamatan is not None:
        good &= ~_one_of(
            bag,
            table,
            "kecamatan",
            skec,
            sorted(kecamatan),
            msg("kecamatan dari berkas desa", "a kecamatan of the desa file"),
        )
    lat, lon, ok = _coords(bag, table, missing)
    good &= ok
    ids = _col(table, "station_id")
    keep = np.flatnonzero(good) if not bag else np.arange(0)
    out = gpd.GeoDataFrame(
        {
            "station_id": ids.to_numpy()[keep],
            "name": _col(table, "name").to_numpy()[keep],
            "kind": kind.to_numpy()[keep],
            "kecamatan": skec.to_numpy()[keep],
        },
        geometry=gpd.points_from_xy(lon[keep], lat[keep]),
        crs=4326,
    )
    return out, bag.problems, {v for v in ids if v}


# ---------------------------------------------------------------------------- roster

_SQUAD_KEYS = {"squad_id", "name", "station_id", "members", "shift", "vehicle", "area"}
_ANYWHERE = {"*", "semua", "all", "anywhere"}


def _read_roster(
    path: Path,
    settings: Settings,
    *,
    stations: gpd.GeoDataFrame | None,
    station_ids: set[str] | None,
    kecamatan: set[str] | None,
) -> tuple[tuple[Squad, ...], list[Problem]]:
    bag = ProblemCollector(path.name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        bag.add(value=str(exc), expected=msg("berkas TOML yang valid", "valid TOML"))
        return (), bag.problems
    entries = data.get("squad")
    if not isinstance(entries, list) or not entries:
        bag.add(
            column="squad",
            value=None,
            expected=msg("paling sedikit satu blok [[squad]]", "at least one [[squad]] block"),
        )
        return (), bag.problems
    for key in data:
        if key != "squad":
            bag.add(
                column=key,
                value=key,
                expected=msg(
                    "hanya blok [[squad]]; periksa ejaan", "only [[squad]] blocks; check spelling"
                ),
            )
    station_kind: dict[str, tuple[str, str]] = {}
    if stations is not None:
        station_kind = {
            r.station_id: (r.kind, r.kecamatan)
            for r in stations[["station_id", "kind", "kecamatan"]].itertuples()
        }
    profiles = list(settings.network.profiles)
    seen: dict[str, int] = {}
    squads: list[Squad] = []
    for n, entry in enumerate(entries, start=1):
        where = f"squad[{n}]"
        if not isinstance(entry, dict):
            bag.add(
                column=where,
                value=entry,
                expected=msg("sebuah blok [[squad]]", "a [[squad]] block"),
            )
            continue
        before = len(bag.problems)
        for key in entry:
            if key not in _SQUAD_KEYS:
                near = difflib.get_close_matches(key, sorted(_SQUAD_KEYS), n=1)
                hint = f" ('{near[0]}'?)" if near else ""
                bag.add(
                    column=f"{where}.{key}",
                    value=key,
                    expected=msg(
                        f"kunci yang dikenal: {', '.join(sorted(_SQUAD_KEYS))}{hint}",
                        f"a known key: {', '.join(sorted(_SQUAD_KEYS))}{hint}",
                    ),
                )
        for key in ("squad_id", "station_id", "members", "shift", "vehicle"):
            if key not in entry:
                bag.add(
                    column=f"{where}.{key}",
                    value=None,
                    expected=msg("kunci wajib ini", "this required key"),
                )
        squad_id = str(entry.get("squad_id", "")).strip()
        if "squad_id" in entry:
            if not squad_id:
                bag.add(column=f"{where}.squad_id", value=entry["squad_id"], expected=_MISSING)
            elif squad_id in seen:
                bag.add(
                    column=f"{where}.squad_id",
                    value=squad_id,
                    expected=msg(
                        f"squad_id yang unik (sudah dipakai oleh squad[{seen[squad_id]}])",
                        f"a unique squad_id (already used by squad[{seen[squad_id]}])",
                    ),
                )
            else:
                seen[squad_id] = n
        station_id = str(entry.get("station_id", "")).strip()
        if "station_id" in entry and station_ids is not None and station_id not in station_ids:
            near = difflib.get_close_matches(station_id, sorted(station_ids), n=1)
            hint = f"; maksudnya '{near[0]}'?" if near else ""
            hint_en = f"; did you mean '{near[0]}'?" if near else ""
            bag.add(
                column=f"{where}.station_id",
                value=station_id,
                expected=msg(
                    f"station_id yang ada di stations.csv{hint}",
                    f"a station_id from stations.csv{hint_en}",
                ),
            )
        members = entry.get("members")
        if "members" in entry and (
            isinstance(members, bool) or not isinstance(members, int) or members < 1
        ):
            bag.add(
                column=f"{where}.members",
                value=members,
                expected=msg("bilangan bulat ≥ 1", "a whole number ≥ 1"),
            )
        shift: Window | None = None
        if "shift" in entry:
            shift = _roster_shift(bag, f"{where}.shift", entry["shift"])
        vehicle = str(entry.get("vehicle", "")).strip()
        if "vehicle" in entry and vehicle not in profiles:
            bag.add(
                column=f"{where}.vehicle",
                value=vehicle,
                expected=msg(
                    f"profil kendaraan dari [network.profiles]: {', '.join(profiles)}",
                    f"a vehicle profile of [network.profiles]: {', '.join(profiles)}",
                ),
            )
        area: tuple[str, ...] | None = None
        raw_area = entry.get("area")
        if raw_area is not None:
            items = [raw_area] if isinstance(raw_area, str) else raw_area
            if (
                not isinstance(items, list)
                or not all(isinstance(a, str) for a in items)
                or not items
            ):
                bag.add(
                    column=f"{where}.area",
                    value=raw_area,
                    expected=msg(
                        'daftar kecamatan, mis. ["Trenggalek", "Pogalan"], atau "*"',
                        'a list of kecamatan, e.g. ["Trenggalek", "Pogalan"], or "*"',
                    ),
                )
            elif any(a.strip().lower() in _ANYWHERE for a in items):
                area = None
            else:
                area = tuple(a.strip() for a in items)
                if kecamatan is not None:
                    for a in area:
                        if a not in kecamatan:
                            near = difflib.get_close_matches(a, sorted(kecamatan), n=1)
                            hint = f" ('{near[0]}'?)" if near else ""
                            bag.add(
                                column=f"{where}.area",
                                value=a,
                                expected=msg(
                                    f"kecamatan dari berkas desa{hint}",
                                    f"a kecamatan of the desa file{hint}",
                                ),
                            )
        elif station_id in station_kind and station_kind[station_id][0] == "polsek":
            area = (station_kind[station_id][1],)
        if len(bag.problems) == before and shift is not None:
            squads.append(
                Squad(
                    squad_id=squad_id,
                    station_id=station_id,
                    members=int(members),  # type: ignore[arg-type]
                    shift=shift,
                    vehicle=vehicle,
                    area=area,
                    name=str(entry.get("name", "")).strip(),
                )
            )
    return tuple(squads), bag.problems


def _roster_shift(bag: ProblemCollector, column: str, value: object) -> Window | None:
    text = str(value).strip()
    parts = re.split(r"\s*(?:-|–|—|s/d|sampai|to)\s*", text)
    example = msg('jam dinas seperti "19:00-02:00"', 'a shift like "19:00-02:00"')
    if len(parts) != 2:
        bag.add(column=column, value=value, expected=example)
        return None
    try:
        start, end = parse_clock(parts[0]), parse_clock(parts[1])
    except ValueError:
        bag.add(column=column, value=value, expected=example)
        return None
    if end <= start:
        bag.add(
            column=column,
            value=value,
            expected=msg(
                "jam dinas yang berakhir setelah mulai pada jam malam (12:00 s/d 12:00 esoknya), "
                'mis. "19:00-02:00"',
                "a shift that ends after it starts on the night clock (noon to noon), "
                'e.g. "19:00-02:00"',
            ),
        )
        return None
    return Window(start, end)
