"""Night-time speeds and travel times of roads, per vehicle profile.

A road's speed is its usable ``maxspeed`` tag, else the profile's speed for its ``highway``
class, times the profile's ``night_factor``, capped at ``max_kph`` (:func:`edge_speed_kph`).
Also here: the checks every part of the network shares about which settings apply
(:func:`network_settings`, :func:`require_profiles`).
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
from pyproj import Geod
from shapely.geometry import LineString

from planner.config import NetworkSettings, ProfileSettings, Settings
from planner.errors import InputError, Problem
from planner.text import msg

_GEOD = Geod(ellps="WGS84")
_SPEED = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$", re.IGNORECASE)


def network_settings(settings: NetworkSettings | Settings) -> NetworkSettings:
    """The ``[network]`` part of ``settings`` (which may already be just that part)."""
    return settings.network if isinstance(settings, Settings) else settings


def unknown_profiles(names: Sequence[str], net: NetworkSettings) -> InputError:
    """One problem per profile name that ``[network.profiles]`` does not define."""
    return InputError(
        [
            Problem(
                "planner.toml",
                None,
                "network.profiles",
                p,
                msg(
                    f"profil kendaraan yang ada: {', '.join(net.profiles)}",
                    f"a configured vehicle profile: {', '.join(net.profiles)}",
                ),
            )
            for p in names
        ]
    )


def require_profiles(names: Sequence[str], net: NetworkSettings) -> None:
    """Raise :func:`unknown_profiles` for the ``names`` that are not configured profiles."""
    unknown = [p for p in names if p not in net.profiles]
    if unknown:
        raise unknown_profiles(unknown, net)


def parse_maxspeed(value: Any) -> float | None:
    """A ``maxspeed`` tag as km/h, or ``None`` when there is no usable number.

    Accepts ``40``, ``"40"``, ``"40 km/h"``, ``"30 mph"``, lists (``"40;60"``, ``['40', '60']``:
    the mean) and ignores symbolic values such as ``"ID:urban"``, ``"walk"`` or ``"none"``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        return v if math.isfinite(v) and v > 0 else None
    items = list(value) if isinstance(value, list | tuple) else re.split(r"[;|]", str(value))
    speeds = []
    for item in items:
        if isinstance(item, list | tuple):
            sub = parse_maxspeed(item)
            if sub is not None:
                speeds.append(sub)
            continue
        if isinstance(item, int | float) and not isinstance(item, bool):
            if math.isfinite(item) and item > 0:
                speeds.append(float(item))
            continue
        m = _SPEED.match(str(item))
        if not m:
            continue
        v = float(m.group(1).replace(",", "."))
        unit = (m.group(2) or "").lower()
        if unit == "mph":
            v *= 1.609344
        elif unit == "knots":
            v *= 1.852
        if v > 0:
            speeds.append(v)
    return float(np.mean(speeds)) if speeds else None


def _highway_kph(highway: Any, profile: ProfileSettings) -> float:
    classes = highway if isinstance(highway, list) else [highway]
    speeds = []
    for c in classes:
        if not isinstance(c, str):
            continue
        kph = profile.speeds_kph.get(c)
        if kph is None and c.endswith("_link"):
            kph = profile.speeds_kph.get(c.removesuffix("_link"))
        if kph is not None:
            speeds.append(kph)
    return float(np.mean(speeds)) if speeds else profile.fallback_kph


def edge_speed_kph(data: Mapping[str, Any], profile: ProfileSettings) -> float:
    """Night-time speed of one road for one profile: ``maxspeed`` where usable, else the
    profile's speed for the road's ``highway`` class (mean over a list, ``*_link`` as its
    class, ``fallback_kph`` otherwise), times ``night_factor``, capped at ``max_kph``."""
    base = parse_maxspeed(data.get("maxspeed"))
    if base is None:
        base = _highway_kph(data.get("highway"), profile)
    return min(base * profile.night_factor, profile.max_kph)


def edge_length_m(G: nx.MultiDiGraph, u: Hashable, v: Hashable, data: Mapping[str, Any]) -> float:
    """An edge's ``length`` (metres) when usable, else the geodesic length of its geometry (or
    of the straight line between its nodes, in degrees)."""
    length = data.get("length")
    if length is not None:
        with contextlib.suppress(TypeError, ValueError):
            value = float(length)
            if math.isfinite(value) and value >= 0:
                return value
    geom = data.get("geometry")
    if isinstance(geom, LineString) and not geom.is_empty:
        xs, ys = geom.xy
    else:
        xs = [G.nodes[u]["x"], G.nodes[v]["x"]]
        ys = [G.nodes[u]["y"], G.nodes[v]["y"]]
    return float(_GEOD.line_length(list(xs), list(ys)))


def add_travel_times(
    G: nx.MultiDiGraph,
    settings: NetworkSettings | Settings,
    *,
    profiles: Sequence[str] | None = None,
) -> nx.MultiDiGraph:
    """Add ``speed_kph_<profile>`` and ``travel_s_<profile>`` (float seconds) to every edge.

    Speeds follow :func:`edge_speed_kph`. Edges without ``length`` get it (metres, along the
    geometry). The graph is changed in place and returned. One-way handling is a property of
    the profile used when matrices are computed: a profile with ``oneway = false`` may drive
    every road both ways (the reverse arcs are added when its graph is compiled, so the OSM
    graph itself keeps one arc per direction of travel).
    """
    net = network_settings(settings)
    names = list(profiles) if profiles is not None else list(net.profiles)
    require_profiles(names, net)
    for u, v, data in G.edges(data=True):
        length = edge_length_m(G, u, v, data)
        data["length"] = length
        for p in names:
            kph = edge_speed_kph(data, net.profiles[p])
            data[f"speed_kph_{p}"] = kph
            data[f"travel_s_{p}"] = length / (kph / 3.6)
    return G


__all__ = [
    "add_travel_times",
    "edge_length_m",
    "edge_speed_kph",
    "network_settings",
    "parse_maxspeed",
    "require_profiles",
    "unknown_profiles",
]
