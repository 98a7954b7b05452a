"""A whole dataset folder read and validated at once: :func:`load_dataset` → :class:`Dataset`.

A dataset is a folder (docs/dataset.md): desa polygons, venues, incidents, stations,
the roster ``squads.toml``, optional ``planner.toml`` and an optional road network file. Each
reader collects *every* problem in its file; :func:`load_dataset` reads all files and raises
one :class:`~planner.errors.InputError` with the problems of all of them together.

Reading never writes to disk. Rows are numbered as a spreadsheet user counts them: the header
is row 1, the first data row (or the first feature of a GeoJSON/GeoPackage) is row 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from planner.config import Settings, load_settings
from planner.domain import Squad
from planner.errors import InputError, InputWarning, ProblemCollector
from planner.sources.desa import collect_desa, empty_desa
from planner.sources.incidents import collect_incidents, empty_incidents
from planner.sources.roster import collect_roster
from planner.sources.stations import collect_stations, empty_stations
from planner.sources.venues import collect_venues, empty_venues
from planner.text import msg

DESA_FILES = ("desa.gpkg", "desa.geojson", "desa.json", "desa.shp")
VENUE_FILES = ("venues.csv", "venues.xlsx", "venues.gpkg", "venues.geojson")
INCIDENT_FILES = ("incidents.csv", "incidents.xlsx")
STATION_FILES = ("stations.csv", "stations.xlsx")
ROSTER_FILE = "squads.toml"
SETTINGS_FILE = "planner.toml"
ROAD_FILES = ("roads.graphml", "roads.osm", "roads.osm.bz2", "roads.osm.pbf")


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
    warnings: tuple[InputWarning, ...] = ()
    """What was accepted but is worth a look (venues just outside their desa, ...)."""

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
    """The one file of a kind in ``root``; two of a kind, or a missing required one, is a
    problem."""
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


def _settings(
    root: Path, settings: Settings | str | Path | None, bag: ProblemCollector
) -> Settings:
    """The settings to use: given, from a given file, or ``root/planner.toml`` (defaults when
    that file is absent). A bad file's problems go to ``bag`` and the defaults are used."""
    if isinstance(settings, Settings):
        return settings
    path = Path(settings) if settings is not None else root / SETTINGS_FILE
    if settings is not None and not path.is_file():
        bag.add(
            file=str(path),
            value=str(path),
            expected=msg("berkas pengaturan yang ada", "an existing settings file"),
        )
        return Settings()
    try:
        return load_settings(path)
    except InputError as exc:
        bag.extend(exc.problems)
        return Settings()


def _roster_path(root: Path, roster: str | Path | None, bag: ProblemCollector) -> Path | None:
    """The roster file: ``roster`` when given (it must exist), else ``root/squads.toml``."""
    if roster is None:
        return _pick(root, (ROSTER_FILE,), bag, required=True)
    given = Path(roster)
    if given.is_file():
        return given
    bag.add(
        file=str(given),
        value=str(given),
        expected=msg("berkas roster yang ada", "an existing roster file"),
    )
    return None


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
        loaded (``planner.network`` does that).

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
    cfg = _settings(root, settings, bag)
    desa_path = _pick(root, DESA_FILES, bag, required=True)
    venue_path = _pick(root, VENUE_FILES, bag, required=True)
    incident_path = _pick(root, INCIDENT_FILES, bag, required=False)
    station_path = _pick(root, STATION_FILES, bag, required=True)
    roads_found = find_file(root, ROAD_FILES)
    roster_path = _roster_path(root, roster, bag)

    # The desa file checks the venues and stations only when it reads without a problem: a bad
    # desa file must not make every venue look outside every desa too. The ids of the venues
    # and stations files check incidents and squads even when some of their rows are bad.
    desa, desa_ok = empty_desa(), False
    if desa_path is not None:
        desa, probs = collect_desa(desa_path, settings=cfg)
        bag.extend(probs)
        desa_ok = not probs
    venues = empty_venues()
    venue_ids: set[str] | None = None
    if venue_path is not None:
        venues, probs, venue_ids, warned = collect_venues(
            venue_path, settings=cfg, desa=desa if desa_ok else None
        )
        bag.extend(probs)
        bag.warnings.extend(warned)
    stations = empty_stations()
    station_ids: set[str] | None = None
    kecamatan = set(desa["kecamatan"]) if desa_ok else None
    if station_path is not None:
        stations, probs, station_ids = collect_stations(station_path, kecamatan=kecamatan)
        bag.extend(probs)
    incidents = empty_incidents()
    if incident_path is not None:
        # an unreadable venues file (venue_ids None) checks no incident against it: its
        # problem is reported once, not again as every incident's unknown venue_id
        incidents, probs = collect_incidents(incident_path, settings=cfg, venue_ids=venue_ids)
        bag.extend(probs)
    squads: tuple[Squad, ...] = ()
    if roster_path is not None:
        squads, probs = collect_roster(
            roster_path,
            cfg,
            stations=stations if station_ids is not None else None,
            station_ids=station_ids,
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
        roads=roads_found[0] if roads_found else None,
        warnings=tuple(bag.warnings),
    )


def summarize(dataset: Dataset) -> dict[str, Any]:
    """Counts for the ``validate`` command and notebooks (plain JSON-able values).

    Keys: ``root``, ``desa``, ``kecamatan``, ``venues``, ``venues_active``,
    ``venues_per_kecamatan`` (kecamatan → count, sorted by name), ``venues_per_kind``,
    ``incidents``, ``incidents_from``/``incidents_to`` (ISO dates or ``None``), ``stations``,
    ``stations_per_kind``, ``squads``, ``members``, ``roads`` (file name or ``None``),
    ``warnings`` (a list of :meth:`InputWarning.as_dict`: ``kind``, ``file``, ``row``,
    ``column``, ``value``, ``venue_id``, ``distance_m``, the sentence in ``id`` and ``en``).
    """
    v = dataset.venues
    per_kec = v.groupby("kecamatan", sort=True).size() if len(v) else pd.Series(dtype=int)
    kec_names = sorted(set(dataset.desa["kecamatan"]))
    venues_per_kec = {k: int(per_kec.get(k, 0)) for k in kec_names}
    for (
        k,
        n,
    ) in per_kec.items():  # venues whose kecamatan has no desa (cannot happen, but be safe)
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
        "warnings": [w.as_dict() for w in dataset.warnings],
    }


__all__ = [
    "DESA_FILES",
    "INCIDENT_FILES",
    "ROAD_FILES",
    "ROSTER_FILE",
    "SETTINGS_FILE",
    "STATION_FILES",
    "VENUE_FILES",
    "Dataset",
    "find_file",
    "load_dataset",
    "summarize",
]
