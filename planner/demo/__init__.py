"""The synthetic Trenggalek demo dataset behind ``data/demo/``.

The facts are real: the 14 kecamatan and 157 desa/kelurahan of Kabupaten Trenggalek with their
official codes, names and a point inside each desa (package data ``planner/data/``, MIT,
Cahya DSN), and the approximate places of Polres Trenggalek and its 14 Polsek. Everything else
is generated and deterministic for a seed: desa polygons (Voronoi cells of the desa points
clipped to a regency outline), kerawanan levels, about 1,500 coffee stalls, 90 days of incidents
before :data:`REFERENCE_DATE`, a roster and an OSM-like road network that ``osmnx`` loads.

The same seed gives byte-identical files: no timestamps, fixed float formatting, stable orders.
The modules follow what they generate, in the order :func:`build_demo` draws them:

- :mod:`~planner.demo.facts` — the real desa and stations, the demo's constants;
- :mod:`~planner.demo.geometry` — the local metric projection and winding road shapes;
- :mod:`~planner.demo.roads` — the road network and its GraphML file;
- :mod:`~planner.demo.world` — desa polygons, kecamatan seats, kerawanan, stations on roads;
- :mod:`~planner.demo.venues` — the coffee stalls, their names and hours;
- :mod:`~planner.demo.incidents` — near-repeat incidents;
- :mod:`~planner.demo.files` — the file writers, :func:`build_demo` and :func:`write_demo`.

>>> data = build_demo(seed=1, n_venues=300)  # doctest: +SKIP
>>> sorted(data.files)  # doctest: +SKIP
['README.md', 'desa.geojson', 'incidents.csv', ...]
"""

from __future__ import annotations

from planner.demo.facts import (
    DATASET_FILES,
    DEFAULT_N_VENUES,
    DEFAULT_SEED,
    INCIDENT_DAYS,
    KINDS,
    LEVELS,
    LOWLAND_KECAMATAN,
    MOUNTAIN_KECAMATAN,
    REFERENCE_DATE,
    TOWN_KECAMATAN,
    DesaFact,
    StationFact,
    desa_facts,
    station_facts,
)
from planner.demo.files import DemoCounts, DemoData, DemoSummary, build_demo, write_demo

__all__ = [
    "DATASET_FILES",
    "DEFAULT_N_VENUES",
    "DEFAULT_SEED",
    "INCIDENT_DAYS",
    "KINDS",
    "LEVELS",
    "LOWLAND_KECAMATAN",
    "MOUNTAIN_KECAMATAN",
    "REFERENCE_DATE",
    "TOWN_KECAMATAN",
    "DemoCounts",
    "DemoData",
    "DemoSummary",
    "DesaFact",
    "StationFact",
    "build_demo",
    "desa_facts",
    "station_facts",
    "write_demo",
]
