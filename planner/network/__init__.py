"""Road network: load it, give every road a travel time per vehicle profile, snap stations and
venues onto it, and compute travel-time matrices and road-following leg geometry.

Units: travel times in seconds (``travel_s``), distances in metres (``dist_m``), speeds in km/h
(``speed_kph``). Coordinates come in and go out in EPSG:4326; snapping and geometry work in a
metric CRS (``settings.general.metric_crs`` or the UTM zone of the network, EPSG:32749 for
Trenggalek: :func:`planner._geo.metric_crs`).

The modules, bottom to top:

* :mod:`~planner.network.speeds`: :func:`parse_maxspeed`, :func:`add_travel_times`;
* :mod:`~planner.network.load`: :func:`load_graphml`, :func:`graph_from_xml`,
  :func:`graph_from_pbf`, :func:`fetch_network` (online), :func:`load_network` (by suffix),
  :func:`save_graphml`, :func:`import_network` — the only module that imports :mod:`osmnx`
  (lazily: a cached re-plan never loads it);
* :mod:`~planner.network.graph`: :class:`RoadIndex`, :func:`snap_points` -> :class:`Snapped`,
  the augmented graph and chain contraction;
* :mod:`~planner.network.cache`: :func:`load_road_index` and the matrix cache on disk;
* :mod:`~planner.network.matrix`: :class:`Router`, :func:`travel_matrices` ->
  :class:`Matrices`, :func:`leg_geometry`, :func:`matrix_workers` and the facade
  :func:`build_matrices`.
"""

from __future__ import annotations

from planner.network.cache import CACHE_KEEP, file_digest, load_road_index
from planner.network.graph import RoadIndex, Snapped, reason_msg, snap_points
from planner.network.load import (
    DRIVABLE_HIGHWAYS,
    ImportReport,
    fetch_network,
    graph_from_pbf,
    graph_from_xml,
    import_network,
    largest_strong_component,
    load_graphml,
    load_network,
    save_graphml,
)
from planner.network.matrix import (
    MATRIX_WORKERS_ENV,
    UNREACHABLE_S,
    Matrices,
    Router,
    build_matrices,
    leg_geometry,
    matrix_workers,
    travel_matrices,
)
from planner.network.speeds import add_travel_times, edge_speed_kph, parse_maxspeed

__all__ = [
    "CACHE_KEEP",
    "DRIVABLE_HIGHWAYS",
    "MATRIX_WORKERS_ENV",
    "UNREACHABLE_S",
    "ImportReport",
    "Matrices",
    "RoadIndex",
    "Router",
    "Snapped",
    "add_travel_times",
    "build_matrices",
    "edge_speed_kph",
    "fetch_network",
    "file_digest",
    "graph_from_pbf",
    "graph_from_xml",
    "import_network",
    "largest_strong_component",
    "leg_geometry",
    "load_graphml",
    "load_network",
    "load_road_index",
    "matrix_workers",
    "parse_maxspeed",
    "reason_msg",
    "save_graphml",
    "snap_points",
    "travel_matrices",
]
