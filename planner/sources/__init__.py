"""Reading and validating a dataset folder into GeoDataFrames.

A dataset is a folder (docs/dataset.md); one module reads each of its files:

- :mod:`~planner.sources.dataset`: the folder as a whole (:func:`load_dataset`,
  :class:`Dataset`, :func:`summarize`) and the file names;
- :mod:`~planner.sources.desa`, :mod:`~planner.sources.venues`,
  :mod:`~planner.sources.incidents`, :mod:`~planner.sources.stations`,
  :mod:`~planner.sources.roster`: one input file each, read with the one table reader
  (:mod:`planner._tables`) and checked with the steps they share
  (:mod:`planner.sources._columns`).

Each reader collects *every* problem in its file and raises one
:class:`~planner.errors.InputError`; :func:`load_dataset` reports the problems of all files
together. Reading never writes to disk.
"""

from __future__ import annotations

from planner.sources.dataset import (
    DESA_FILES,
    INCIDENT_FILES,
    ROAD_FILES,
    ROSTER_FILE,
    SETTINGS_FILE,
    STATION_FILES,
    VENUE_FILES,
    Dataset,
    find_file,
    load_dataset,
    summarize,
)
from planner.sources.desa import DESA_COLUMNS, read_desa
from planner.sources.incidents import INCIDENT_COLUMNS, read_incidents
from planner.sources.roster import read_roster
from planner.sources.stations import STATION_COLUMNS, read_stations
from planner.sources.venues import (
    EDGE_TOLERANCE_M,
    MIN_DWELL_MIN,
    VENUE_COLUMNS,
    parse_closed_days,
    read_venues,
)

__all__ = [
    "DESA_COLUMNS",
    "DESA_FILES",
    "EDGE_TOLERANCE_M",
    "INCIDENT_COLUMNS",
    "INCIDENT_FILES",
    "MIN_DWELL_MIN",
    "ROAD_FILES",
    "ROSTER_FILE",
    "SETTINGS_FILE",
    "STATION_COLUMNS",
    "STATION_FILES",
    "VENUE_COLUMNS",
    "VENUE_FILES",
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
