"""Road network: load it, give every road a travel time per vehicle profile, snap stations and
venues onto it, and compute travel-time matrices and road-following leg geometry.

This is the only module that imports :mod:`osmnx` (lazily: a cached re-plan never loads it).

Units: travel times in seconds (``travel_s``), distances in metres (``dist_m``), speeds in km/h
(``speed_kph``). Coordinates come in and go out in EPSG:4326; snapping and geometry work in a
metric CRS (``settings.general.metric_crs`` or the UTM zone of the network, EPSG:32749 for
Trenggalek).

Families of functions, osmnx-style:

* loading: :func:`load_graphml`, :func:`graph_from_xml`, :func:`graph_from_pbf`,
  :func:`fetch_network` (online), :func:`load_network` (by suffix), :func:`save_graphml`,
  :func:`import_network` (any supported file to the dataset's GraphML);
* speeds: :func:`parse_maxspeed`, :func:`add_travel_times`;
* snapping and matrices: :func:`snap_points` -> :class:`Snapped`, :func:`travel_matrices` ->
  :class:`Matrices`, :func:`leg_geometry`, and the facade :func:`build_matrices`.

How a matrix is computed: every snapped point becomes an extra node splitting the road it lies
on (both directions of a two-way road), and multi-source calls to
:func:`scipy.sparse.csgraph.dijkstra` solve all origins in compiled code. Each arc's weight
packs the travel time (integer milliseconds, high bits) and the length (integer decimetres, low
bits) into one exactly representable float, so one pass gives the fastest path's time *and* its
length (ties in time go to the shorter path). Matrices run on a contracted copy of the graph
(dead ends removed, the middles of chains bridged: exact, since packed weights are integers) and,
when large, in forked processes sharing the origins (:func:`matrix_workers`); neither changes a
value. Predecessors are recomputed lazily, per origin, only for legs that are drawn.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import itertools
import json
import math
import mmap
import multiprocessing
import os
import re
import signal
import sys
import warnings
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from shapely.geometry import LineString, Point

from planner import _atomic as atomic
from planner.config import NetworkSettings, ProfileSettings, Settings
from planner.errors import InputError, PlannerError, Problem, ProblemCollector
from planner.text import Msg, msg

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
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
    "metric_crs_for",
    "parse_maxspeed",
    "reason_msg",
    "save_graphml",
    "snap_points",
    "travel_matrices",
]

UNREACHABLE_S = 10_000_000
"""Matrix entry for a pair with no road path (only possible between points that are each tied
to a different station's piece of network). Far above any night; the problem builder must treat
it as forbidden. The matching ``dist_m`` entry is ``inf``."""

DRIVABLE_HIGHWAYS = frozenset(
    {
        "motorway",
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "track",
        "road",
        "motorway_link",
        "trunk_link",
        "primary_link",
        "secondary_link",
        "tertiary_link",
    }
)
"""OSM ``highway`` classes kept from raw OSM files (cars and motorbikes can use them)."""

GRAPHML_SUFFIXES = (".graphml",)
XML_SUFFIXES = (".osm", ".osm.bz2", ".osm.xml", ".xml", ".osm.gz")
PBF_SUFFIXES = (".osm.pbf", ".pbf")

CACHE_VERSION = "network-matrices-1"
_LEN_BITS = 26  # low bits of a packed weight: length in decimetres (< 6,700 km)
_LEN_SCALE = float(1 << _LEN_BITS)
_SNAP_NODE_M = 0.5  # a point this close to an arc end is on that node (free to leave both ways)
_CHUNK_CELLS = 1_000_000  # dijkstra rows per call: rows x nodes <= this (8 MB; small is faster)
_PARALLEL_MIN_WORK = 4_000_000  # origins x arcs below which forking costs more than it saves
MATRIX_WORKERS_ENV = "PLANNER_MATRIX_WORKERS"
"""Environment variable overriding ``network.matrix_workers`` (``1``: one process)."""
MATRIX_CACHE_FORMAT = 2  # 2: int32 row-delta byte planes, deflated; 1 (absent): raw int64/float64
_GEOD = Geod(ellps="WGS84")

Reason = Literal["too_far", "isolated"]

REASONS: dict[str, Msg] = {
    "too_far": msg(
        "berjarak {dist_m:.0f} m dari jalan terdekat (batas {limit_m:.0f} m); tidak dirutekan",
        "{dist_m:.0f} m from the nearest road (limit {limit_m:.0f} m); not routed",
    ),
    "isolated": msg(
        "di potongan jaringan jalan yang tidak terhubung (pergi dan pulang) dengan Polres/Polsek "
        "mana pun; tidak dirutekan",
        "on a piece of the road network with no way to and from any station; not routed",
    ),
}


def reason_msg(reason: str, dist_m: float, *, limit_m: float | None = None) -> Msg:
    """The bilingual message for an unreachable point (``reason`` from :attr:`Snapped.unreachable`).

    Returns
    -------
    Msg
        Call it with ``"id"`` or ``"en"``.
    """
    template = REASONS.get(reason)
    if template is None:
        return msg(f"tidak terjangkau ({reason})", f"unreachable ({reason})")
    return template.format(dist_m=dist_m, limit_m=limit_m if limit_m is not None else math.nan)


# =========================================================================== loading


def _file_problem(path: Path, value: Any, expected_id: str, expected_en: str) -> InputError:
    return InputError([Problem(path.name, None, None, value, msg(expected_id, expected_en))])


def _check_exists(path: Path) -> None:
    if not path.is_file():
        raise _file_problem(
            path,
            str(path),
            "berkas jaringan jalan yang ada; periksa path-nya",
            "an existing road network file; check the path",
        )


def _literal(value: Any) -> Any:
    """Stringified lists (osmnx GraphML: "['residential', 'tertiary']") back to lists."""
    if isinstance(value, str) and value[:1] in "[{" and value[-1:] in "]}":
        with contextlib.suppress(SyntaxError, ValueError):
            return ast.literal_eval(value)
    return value


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, list):
        return any(_to_bool(v) for v in value)
    text = str(value).strip().lower()
    return text in {"true", "yes", "1", "-1"}


def _normalise_graph(G: nx.MultiDiGraph, source: Path) -> nx.MultiDiGraph:
    """Convert GraphML strings to osmnx types; every problem is reported at once."""
    bag = ProblemCollector(source.name)
    labels = list(G.nodes)
    numeric = all(isinstance(n, str) and re.fullmatch(r"-?\d+", n) for n in labels)
    if numeric:
        G = nx.relabel_nodes(G, {n: int(n) for n in labels}, copy=True)
    bad_nodes: list[str] = []
    for n, data in G.nodes(data=True):
        try:
            data["x"] = float(data["x"])
            data["y"] = float(data["y"])
            if not (math.isfinite(data["x"]) and math.isfinite(data["y"])):
                raise ValueError
        except (KeyError, TypeError, ValueError):
            bad_nodes.append(str(n))
        for k in ("street_count",):
            if k in data:
                with contextlib.suppress(TypeError, ValueError):
                    data[k] = int(data[k])
    if bad_nodes:
        bag.add(
            column="node x/y",
            value=", ".join(bad_nodes[:5]) + (" …" if len(bad_nodes) > 5 else ""),
            expected=msg(
                f"koordinat x (bujur) dan y (lintang) numerik di setiap simpul "
                f"({len(bad_nodes)} simpul tanpa koordinat)",
                f"numeric x (longitude) and y (latitude) on every node "
                f"({len(bad_nodes)} node(s) without them)",
            ),
        )
    bad_geom = 0
    for _, _, data in G.edges(data=True):
        data.pop("id", None)
        for attr, value in list(data.items()):
            data[attr] = _literal(value)
        if "length" in data:
            try:
                data["length"] = float(data["length"])
            except (TypeError, ValueError):
                data.pop("length")
        for attr in ("oneway", "reversed"):
            if attr in data:
                data[attr] = _to_bool(data[attr])
        geom = data.get("geometry")
        if isinstance(geom, str):
            try:
                data["geometry"] = shapely.from_wkt(geom)
            except shapely.errors.GEOSException:
                bad_geom += 1
                data.pop("geometry")
    if bad_geom:
        bag.add(
            column="edge geometry",
            value=f"{bad_geom}×",
            expected=msg("geometri WKT LINESTRING yang valid", "a valid WKT LINESTRING"),
        )
    bag.raise_if_any()
    for attr in ("node_default", "edge_default"):  # added by networkx's reader; breaks saving
        G.graph.pop(attr, None)
    G.graph.setdefault("crs", "epsg:4326")
    return G


def load_graphml(path: Path | str) -> nx.MultiDiGraph:
    """Load a road network saved as GraphML (osmnx's format, or typed GraphML by networkx).

    Node ``x``/``y`` become floats (longitude/latitude unless the graph's ``crs`` says
    otherwise), numeric node ids become ints, edge ``length`` a float (metres), ``oneway`` a
    bool, ``geometry`` a LineString, and stringified lists (``"['40', '50']"``) lists.

    Raises
    ------
    InputError
        If the file is missing, is not GraphML, or has nodes without coordinates.
    """
    path = Path(path)
    _check_exists(path)
    try:
        G = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx raises many kinds for a bad file
        raise _file_problem(
            path, type(exc).__name__, "berkas GraphML yang valid", "a valid GraphML file"
        ) from None
    if not G.is_directed():
        G = G.to_directed()
    return _normalise_graph(nx.MultiDiGraph(G), path)


def _keep_drivable(G: nx.MultiDiGraph, highways: Iterable[str]) -> nx.MultiDiGraph:
    keep = set(highways)

    def drivable(hw: Any) -> bool:
        values = hw if isinstance(hw, list) else [hw]
        return any(isinstance(v, str) and v in keep for v in values)

    drop = [(u, v, k) for u, v, k, hw in G.edges(keys=True, data="highway") if not drivable(hw)]
    G.remove_edges_from(drop)
    G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])
    return G


def graph_from_xml(
    path: Path | str, *, highways: Iterable[str] = DRIVABLE_HIGHWAYS, simplify: bool = True
) -> nx.MultiDiGraph:
    """Load a raw OSM XML file (``.osm``, ``.osm.bz2``) with osmnx, keeping drivable roads.

    Ways whose ``highway`` is not in ``highways`` (footways, steps, untagged ways) are removed
    before the topology is simplified. Every connected piece is kept (see
    :func:`largest_strong_component` and :func:`import_network`).
    """
    import osmnx as ox

    path = Path(path)
    _check_exists(path)
    try:
        G = ox.graph_from_xml(path, simplify=False, retain_all=True)
    except Exception as exc:  # osmnx/expat raise many kinds for a bad file
        raise _file_problem(
            path, type(exc).__name__, "berkas OSM XML yang valid", "a valid OSM XML file"
        ) from None
    G = _keep_drivable(G, highways)
    if len(G) == 0:
        raise _file_problem(
            path,
            "0",
            "jalan yang dapat dilalui kendaraan (tag highway)",
            "drivable roads (highway tags)",
        )
    if simplify:
        G = ox.simplify_graph(G)
    return G


def graph_from_pbf(path: Path | str) -> nx.MultiDiGraph:
    """Load an OSM PBF extract (what users download for a region) through pyrosm.

    The driving network is taken (pyrosm's ``network_type="driving"``), all pieces kept.

    Raises
    ------
    PlannerError
        If the optional extra is not installed (``pip install -e ".[pbf]"``).
    """
    path = Path(path)
    _check_exists(path)
    try:
        from pyrosm import OSM
    except ImportError:
        raise PlannerError(
            msg(
                'Membaca .osm.pbf butuh paket tambahan: pip install -e ".[pbf]" (pyrosm), '
                "atau ubah dulu ke .osm/.graphml.",
                'Reading .osm.pbf needs the optional extra: pip install -e ".[pbf]" (pyrosm), '
                "or convert the file to .osm/.graphml first.",
            )
        ) from None
    try:
        osm = OSM(str(path))
        nodes, edges = osm.get_network(network_type="driving", nodes=True)
        if edges is None or len(edges) == 0:
            raise ValueError("no roads")
        G = osm.to_graph(nodes, edges, graph_type="networkx", retain_all=True)
    except Exception as exc:  # pyrosm raises many kinds for a bad file
        raise _file_problem(
            path,
            f"{type(exc).__name__}: {exc}"[:60],
            "berkas OSM PBF yang valid dengan jalan",
            "a valid OSM PBF file with roads",
        ) from None
    G = nx.MultiDiGraph(G)
    G.graph["crs"] = "epsg:4326"
    for _, _, data in G.edges(data=True):
        for attr in ("u", "v"):
            data.pop(attr, None)
    return G


def fetch_network(place: str, *, network_type: str = "drive") -> nx.MultiDiGraph:
    """Download the drivable road network of a place from OpenStreetMap (needs internet).

    ``place`` is a geocodable name such as ``"Kabupaten Trenggalek, Jawa Timur, Indonesia"``.
    Uses osmnx ``graph_from_place`` (simplified, all pieces kept).

    Raises
    ------
    PlannerError
        If the place is not found or the download fails.
    """
    import osmnx as ox

    try:
        return ox.graph_from_place(place, network_type=network_type, retain_all=True)
    except Exception as exc:  # network, geocoding and Overpass errors
        raise PlannerError(
            msg(
                f"Gagal mengunduh jaringan jalan untuk {place!r}: {exc}. Periksa nama tempat "
                "dan koneksi internet, atau unduh ekstrak .osm.pbf lalu pakai "
                "'planner network import'.",
                f"Could not download the road network for {place!r}: {exc}. Check the place "
                "name and the internet connection, or download a .osm.pbf extract and use "
                "'planner network import'.",
            )
        ) from None


def load_network(
    path: Path | str, settings: NetworkSettings | Settings | None = None
) -> nx.MultiDiGraph:
    """Load a road network file, choosing the reader by its suffix.

    ``.graphml`` -> :func:`load_graphml`; ``.osm``, ``.osm.bz2``, ``.osm.xml`` ->
    :func:`graph_from_xml`; ``.osm.pbf`` -> :func:`graph_from_pbf`. With ``settings``, every
    profile's travel times are added (:func:`add_travel_times`).
    """
    path = Path(path)
    name = path.name.lower()
    G: nx.MultiDiGraph | None = None
    if name.endswith(PBF_SUFFIXES):
        G = graph_from_pbf(path)
    elif name.endswith(GRAPHML_SUFFIXES):
        G = load_graphml(path)
    elif name.endswith(XML_SUFFIXES):
        G = graph_from_xml(path)
    if G is not None:
        return add_travel_times(G, settings) if settings is not None else G
    raise _file_problem(
        path,
        path.suffix or path.name,
        "berkas .graphml, .osm, .osm.bz2 atau .osm.pbf",
        "a .graphml, .osm, .osm.bz2 or .osm.pbf file",
    )


def save_graphml(G: nx.MultiDiGraph, path: Path | str) -> Path:
    """Save a road network as osmnx GraphML, atomically (a failed write keeps the old file)."""
    import osmnx as ox

    path = Path(path)
    with atomic.staged(path) as tmp:
        ox.save_graphml(G, tmp)
    return path


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_network` kept and dropped."""

    source: Path
    out: Path
    nodes_in: int
    edges_in: int
    nodes_kept: int
    edges_kept: int
    pieces_dropped: int
    """Strongly connected pieces other than the largest one."""
    length_km_kept: float
    """Kilometres of arcs (a two-way road counts once per direction, as osmnx counts)."""
    length_km_dropped: float

    @property
    def nodes_dropped(self) -> int:
        return self.nodes_in - self.nodes_kept

    @property
    def edges_dropped(self) -> int:
        return self.edges_in - self.edges_kept


def largest_strong_component(G: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, int]:
    """The largest strongly connected piece (every road reachable from every other, one-way
    streets respected) and how many other pieces were dropped."""
    if len(G) == 0:
        return G.copy(), 0
    pieces = list(nx.strongly_connected_components(G))
    biggest = max(pieces, key=len)
    return G.subgraph(biggest).copy(), len(pieces) - 1


def _total_length_km(G: nx.MultiDiGraph) -> float:
    return float(sum(float(d) for _, _, d in G.edges(data="length", default=0.0))) / 1000.0


def import_network(src: Path | str, out: Path | str) -> ImportReport:
    """Convert any supported road file into the dataset's GraphML.

    Keeps the largest strongly connected piece so that every kept road can be driven to and
    from every other; what was dropped is counted in the report. The output is written
    atomically.
    """
    src, out = Path(src), Path(out)
    G = load_network(src)
    nodes_in, edges_in = G.number_of_nodes(), G.number_of_edges()
    length_in = _total_length_km(G)
    H, dropped = largest_strong_component(G)
    if H.number_of_edges() == 0:
        raise _file_problem(src, "0", "jaringan jalan yang terhubung", "a connected road network")
    length_kept = _total_length_km(H)
    save_graphml(H, out)
    return ImportReport(
        source=src,
        out=out,
        nodes_in=nodes_in,
        edges_in=edges_in,
        nodes_kept=H.number_of_nodes(),
        edges_kept=H.number_of_edges(),
        pieces_dropped=dropped,
        length_km_kept=length_kept,
        length_km_dropped=max(0.0, length_in - length_kept),
    )


def file_digest(path: Path | str) -> str:
    """A content hash of a file (BLAKE2b): a changed network file gives a different key."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "blake2b").hexdigest()


# =========================================================================== speeds

_SPEED = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$", re.IGNORECASE)


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


def _edge_length_m(G: nx.MultiDiGraph, u: Hashable, v: Hashable, data: Mapping[str, Any]) -> float:
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
    net = settings.network if isinstance(settings, Settings) else settings
    names = list(profiles) if profiles is not None else list(net.profiles)
    unknown = [p for p in names if p not in net.profiles]
    if unknown:
        raise _unknown_profiles(unknown, net)
    for u, v, data in G.edges(data=True):
        length = _edge_length_m(G, u, v, data)
        data["length"] = length
        for p in names:
            kph = edge_speed_kph(data, net.profiles[p])
            data[f"speed_kph_{p}"] = kph
            data[f"travel_s_{p}"] = length / (kph / 3.6)
    return G


def _unknown_profiles(names: Sequence[str], net: NetworkSettings) -> InputError:
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


# =========================================================================== compiled network


def metric_crs_for(lon: float, lat: float) -> str:
    """The UTM zone (WGS 84) of a position: ``EPSG:32749`` for Trenggalek."""
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return f"EPSG:{(32700 if lat < 0 else 32600) + zone}"


def _transform_geoms(geoms: Any, transformer: Transformer) -> Any:
    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


@dataclass(frozen=True, eq=False)
class RoadIndex:
    """A road graph compiled to arrays, in a metric CRS, for snapping and matrices.

    Road nodes are numbered ``0..n_nodes-1`` in the graph's node order; arcs ``0..n_arcs-1`` in
    its edge order. ``arc_travel_s[profile]`` holds each arc's travel time; ``arc_geom`` each
    arc's metric LineString oriented from ``arc_u`` to ``arc_v``.
    """

    nodes: tuple[Hashable, ...]
    node_xy: np.ndarray
    arc_u: np.ndarray
    arc_v: np.ndarray
    arc_key: tuple[Any, ...]
    arc_length_m: np.ndarray
    arc_travel_s: dict[str, np.ndarray]
    arc_geom: np.ndarray
    crs: str
    to_lonlat: Transformer
    from_lonlat: Transformer
    _tree: list[shapely.STRtree] = field(default_factory=list, repr=False)

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_arcs(self) -> int:
        return len(self.arc_u)

    @property
    def tree(self) -> shapely.STRtree:
        if not self._tree:
            self._tree.append(shapely.STRtree(self.arc_geom))
        return self._tree[0]

    @classmethod
    def from_graph(
        cls,
        G: nx.MultiDiGraph,
        settings: NetworkSettings | Settings,
        *,
        profiles: Sequence[str] | None = None,
        metric_crs: str | None = None,
    ) -> RoadIndex:
        """Compile ``G``. Edge ``travel_s_<profile>`` attributes are used where present (a
        GraphML may carry its own travel times), else computed as in :func:`add_travel_times`
        without changing ``G``."""
        general_crs = settings.general.metric_crs if isinstance(settings, Settings) else None
        net = settings.network if isinstance(settings, Settings) else settings
        names = list(profiles) if profiles is not None else list(net.profiles)
        unknown = [p for p in names if p not in net.profiles]
        if unknown:
            raise _unknown_profiles(unknown, net)
        if G.number_of_edges() == 0:
            raise PlannerError(msg("Jaringan jalan kosong.", "The road network has no roads."))
        nodes = tuple(G.nodes)
        pos = {n: i for i, n in enumerate(nodes)}
        xy_src = np.array([(G.nodes[n]["x"], G.nodes[n]["y"]) for n in nodes], dtype=float)
        src_crs = CRS.from_user_input(G.graph.get("crs", "epsg:4326"))
        to_ll = Transformer.from_crs(src_crs, "EPSG:4326", always_xy=True)
        lon, lat = to_ll.transform(xy_src[:, 0], xy_src[:, 1])
        crs = metric_crs or general_crs or metric_crs_for(float(np.mean(lon)), float(np.mean(lat)))
        to_metric = Transformer.from_crs(src_crs, crs, always_xy=True)
        mx, my = to_metric.transform(xy_src[:, 0], xy_src[:, 1])
        node_xy = np.column_stack([mx, my])

        edges = list(G.edges(keys=True, data=True))
        arc_u = np.fromiter((pos[e[0]] for e in edges), dtype=np.int64, count=len(edges))
        arc_v = np.fromiter((pos[e[1]] for e in edges), dtype=np.int64, count=len(edges))
        keys = tuple(e[2] for e in edges)
        geoms = np.empty(len(edges), dtype=object)
        has_geom = np.zeros(len(edges), dtype=bool)
        for i, e in enumerate(edges):
            g = e[3].get("geometry")
            if isinstance(g, LineString) and not g.is_empty:
                geoms[i] = g
                has_geom[i] = True
        metric = np.empty(len(edges), dtype=object)
        if has_geom.any():
            metric[has_geom] = _transform_geoms(geoms[has_geom], to_metric)
            # orient each geometry from its arc's u to its v
            starts = shapely.get_coordinates(shapely.get_point(metric[has_geom], 0))
            du = np.hypot(*(starts - node_xy[arc_u[has_geom]]).T)
            dv = np.hypot(*(starts - node_xy[arc_v[has_geom]]).T)
            flip = np.flatnonzero(has_geom)[dv < du]
            if len(flip):
                metric[flip] = shapely.reverse(metric[flip])
        straight = ~has_geom
        if straight.any():
            pts = np.stack([node_xy[arc_u[straight]], node_xy[arc_v[straight]]], axis=1)
            metric[straight] = shapely.linestrings(pts)

        length = np.empty(len(edges))
        travel = {p: np.empty(len(edges)) for p in names}
        for i, (u, v, _, data) in enumerate(edges):
            length[i] = _edge_length_m(G, u, v, data)
            for p in names:
                given = data.get(f"travel_s_{p}")
                value = math.nan
                if given is not None:
                    with contextlib.suppress(TypeError, ValueError):
                        value = float(given)
                if not (math.isfinite(value) and value >= 0):
                    value = length[i] / (edge_speed_kph(data, net.profiles[p]) / 3.6)
                travel[p][i] = value
        return cls(
            nodes=nodes,
            node_xy=node_xy,
            arc_u=arc_u,
            arc_v=arc_v,
            arc_key=keys,
            arc_length_m=length,
            arc_travel_s=travel,
            arc_geom=metric,
            crs=crs,
            to_lonlat=Transformer.from_crs(crs, "EPSG:4326", always_xy=True),
            from_lonlat=Transformer.from_crs("EPSG:4326", crs, always_xy=True),
        )

    def twins(self, arcs: np.ndarray) -> np.ndarray:
        """For each arc u→v, the arc v→u of the same road (about the same length), or -1."""
        lookup: dict[tuple[int, int], list[int]] = {}
        wanted = {(int(self.arc_v[a]), int(self.arc_u[a])) for a in arcs}
        for b, key in enumerate(zip(self.arc_u.tolist(), self.arc_v.tolist(), strict=True)):
            if key in wanted:
                lookup.setdefault(key, []).append(b)
        out = np.full(len(arcs), -1, dtype=np.int64)
        for i, a in enumerate(arcs):
            cands = lookup.get((int(self.arc_v[a]), int(self.arc_u[a])), [])
            la = self.arc_length_m[a]
            best = [b for b in cands if abs(self.arc_length_m[b] - la) <= max(1.0, 0.01 * la)]
            if best:
                out[i] = min(best, key=lambda b: abs(self.arc_length_m[b] - la))
        return out


# =========================================================================== snapping


@dataclass(frozen=True, eq=False)
class Snapped:
    """Points placed on the road network.

    Attributes
    ----------
    ids
        The routable points, in input order.
    station_ids
        The ids (a subset of ``ids``) that squads start from and return to.
    point_xy, road_xy
        Each point's position and its snapped position on the road (metric CRS, ``n × 2``).
    snap_dist_m
        Straight-line distance point → road (the access leg).
    arc, frac
        The road arc (a :class:`RoadIndex` arc number) and the position along it
        (0 = its start node, 1 = its end node).
    unreachable
        ``id -> (reason, distance_m)`` for points left out: ``"too_far"`` (farther than
        ``snap_max_m`` from any road) or ``"isolated"`` (no way to and from any station);
        the distance is the snap distance.
    """

    ids: tuple[str, ...]
    station_ids: tuple[str, ...]
    point_xy: np.ndarray
    road_xy: np.ndarray
    snap_dist_m: np.ndarray
    arc: np.ndarray
    frac: np.ndarray
    unreachable: dict[str, tuple[str, float]]
    index: RoadIndex = field(repr=False)
    snap_max_m: float = 1000.0

    @property
    def crs(self) -> str:
        return self.index.crs

    def position(self, point_id: str) -> int:
        try:
            return self.ids.index(point_id)
        except ValueError:
            raise KeyError(point_id) from None

    def road_lonlat(self) -> np.ndarray:
        """Snapped positions in EPSG:4326 (``n × 2``, lon/lat)."""
        lon, lat = self.index.to_lonlat.transform(self.road_xy[:, 0], self.road_xy[:, 1])
        return np.column_stack([lon, lat])

    def signature(self) -> str:
        """A hash of everything about the snap that the matrices depend on."""
        h = hashlib.blake2b(digest_size=16)
        h.update(json.dumps([self.ids, self.station_ids, self.index.crs]).encode())
        for arr in (self.road_xy, self.snap_dist_m, self.arc, self.frac):
            h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()


def _points_table(
    points: gpd.GeoDataFrame, id_column: str
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """ids, lon, lat of the points (EPSG:4326); every problem reported at once."""
    bag = ProblemCollector("points")
    if id_column not in points.columns:
        bag.add(column=id_column, value=None, expected=msg("kolom id", "an id column"))
        bag.raise_if_any()
    gdf = points
    if gdf.crs is not None and not CRS.from_user_input(gdf.crs).equals(CRS("EPSG:4326")):
        gdf = gdf.to_crs("EPSG:4326")
    ids = [str(v) for v in gdf[id_column].tolist()]
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    seen: set[str] = set()
    for row, (pid, g) in enumerate(zip(ids, geoms, strict=True), start=2):
        if pid in seen:
            bag.add(
                row=row,
                column=id_column,
                value=pid,
                expected=msg("id yang unik", "a unique id"),
            )
        seen.add(pid)
        if g is None or not isinstance(g, Point) or g.is_empty:
            bag.add(
                row=row,
                column="geometry",
                value=None if g is None else g.geom_type,
                expected=msg("titik (Point) dengan koordinat", "a Point with coordinates"),
            )
    bag.raise_if_any()
    xy = shapely.get_coordinates(geoms)
    return ids, xy[:, 0], xy[:, 1]


def _station_ids(ids: Sequence[str], station_ids: Iterable[str]) -> tuple[str, ...]:
    stations = tuple(dict.fromkeys(str(s) for s in station_ids))
    missing = [s for s in stations if s not in set(ids)]
    if missing:
        raise InputError(
            [
                Problem(
                    "points",
                    None,
                    "station_id",
                    s,
                    msg("id stasiun yang ada di daftar titik", "a station id among the points"),
                )
                for s in missing
            ]
        )
    return stations


def snap_points(
    G: nx.MultiDiGraph | RoadIndex,
    points: gpd.GeoDataFrame,
    settings: NetworkSettings | Settings,
    *,
    station_ids: Iterable[str] = (),
    id_column: str = "id",
    profiles: Sequence[str] | None = None,
) -> Snapped:
    """Place stations and venues on the nearest road.

    Each point goes to the nearest point of the nearest road arc (metric CRS). Points farther
    than ``snap_max_m`` are reported as ``"too_far"``. With ``station_ids``, points that cannot
    drive to *and* back from any snapped station (one-way streets respected) are reported as
    ``"isolated"``. Reported points are left out of :attr:`Snapped.ids`, never silently.

    Parameters
    ----------
    G
        The road graph (or an already compiled :class:`RoadIndex`).
    points
        A GeoDataFrame with an ``id_column`` and Point geometry (any CRS; EPSG:4326 if unset).
    station_ids
        Which ids are stations (the reachability reference).
    """
    net = settings.network if isinstance(settings, Settings) else settings
    index = G if isinstance(G, RoadIndex) else RoadIndex.from_graph(G, settings, profiles=profiles)
    ids, lon, lat = _points_table(points, id_column)
    stations = _station_ids(ids, station_ids)
    px, py = index.from_lonlat.transform(lon, lat)
    point_xy = np.column_stack([px, py]) if len(ids) else np.zeros((0, 2))
    pts = shapely.points(point_xy) if len(ids) else np.empty(0, dtype=object)
    if len(ids):
        (src, arc), dist = index.tree.query_nearest(pts, return_distance=True, all_matches=False)
        order = np.argsort(src)
        arc, dist = arc[order].astype(np.int64), dist[order]
        geoms = index.arc_geom[arc]
        frac = np.nan_to_num(shapely.line_locate_point(geoms, pts, normalized=True))
        road = shapely.get_coordinates(shapely.line_interpolate_point(geoms, frac, normalized=True))
    else:
        arc = np.zeros(0, dtype=np.int64)
        dist = frac = np.zeros(0)
        road = np.zeros((0, 2))

    unreachable: dict[str, tuple[str, float]] = {}
    keep = np.ones(len(ids), dtype=bool)
    for i, pid in enumerate(ids):
        if dist[i] > net.snap_max_m:
            unreachable[pid] = ("too_far", float(dist[i]))
            keep[i] = False

    def build(mask: np.ndarray) -> Snapped:
        sel = np.flatnonzero(mask)
        kept = tuple(ids[i] for i in sel)
        return Snapped(
            ids=kept,
            station_ids=tuple(s for s in stations if s in set(kept)),
            point_xy=point_xy[sel],
            road_xy=road[sel],
            snap_dist_m=np.asarray(dist, dtype=float)[sel],
            arc=arc[sel],
            frac=np.asarray(frac, dtype=float)[sel],
            unreachable=dict(unreachable),
            index=index,
            snap_max_m=net.snap_max_m,
        )

    snapped = build(keep)
    if stations:
        # strict reachability: one-way streets respected (a subset of every profile's roads)
        graph = _AugmentedGraph.build(index, snapped, travel_s=None, oneway=True)
        _, labels = connected_components(graph.csr, directed=True, connection="strong")
        point_labels = labels[graph.n_road + np.arange(len(snapped.ids))]
        station_labels = {point_labels[snapped.ids.index(s)] for s in stations if s in snapped.ids}
        for i, pid in enumerate(snapped.ids):
            if pid not in stations and point_labels[i] not in station_labels:
                j = ids.index(pid)
                unreachable[pid] = ("isolated", float(dist[j]))
                keep[j] = False
        snapped = build(keep)
    return snapped


# =========================================================================== compiled graph


@dataclass(frozen=True, eq=False)
class _AugmentedGraph:
    """The road arcs of one profile, with every snapped point inserted as an extra node.

    Node ``n_road + i`` is point ``i`` of the :class:`Snapped`. Each arc of the CSR is a piece
    of a road arc: ``piece_arc`` (RoadIndex arc), and ``piece_from``/``piece_to`` (fractions
    along that arc's geometry, in the direction of travel: ``from > to`` is a reverse drive).
    Weights pack integer milliseconds (high bits) and decimetres (low bits).
    """

    csr: csr_matrix
    n_road: int
    piece_arc: np.ndarray
    piece_from: np.ndarray
    piece_to: np.ndarray

    @classmethod
    def build(
        cls,
        index: RoadIndex,
        snapped: Snapped,
        *,
        travel_s: np.ndarray | None,
        oneway: bool,
    ) -> _AugmentedGraph:
        n_road, n_pts = index.n_nodes, len(snapped.ids)
        A = index.n_arcs
        base = np.arange(A)
        # carriers: every arc (fractions 0→1), plus, ignoring one-ways, its reverse (1→0)
        c_arc = base if oneway else np.concatenate([base, base])
        c_rev = np.zeros(len(c_arc), dtype=bool)
        if not oneway:
            c_rev[A:] = True
        c_x = np.where(c_rev, index.arc_v[c_arc], index.arc_u[c_arc])
        c_y = np.where(c_rev, index.arc_u[c_arc], index.arc_v[c_arc])
        # without travel times (a connectivity check) every arc weighs 1 ms
        t_ms = np.ones(A) if travel_s is None else np.asarray(travel_s, dtype=float) * 1000.0
        l_dm = index.arc_length_m * 10.0

        # where each point sits on carriers: its own arc, its twin, and their reverses
        pts = np.arange(n_pts)
        twins = index.twins(snapped.arc) if n_pts else np.zeros(0, dtype=np.int64)
        has_twin = twins >= 0
        on_arc = [snapped.arc, twins[has_twin]]
        on_pt = [pts, pts[has_twin]]
        on_f = [snapped.frac, 1.0 - snapped.frac[has_twin]]  # base fraction along that arc
        on_rev = [np.zeros(n_pts, dtype=bool), np.zeros(int(has_twin.sum()), dtype=bool)]
        if not oneway:
            on_arc += [snapped.arc, twins[has_twin]]
            on_pt += [pts, pts[has_twin]]
            on_f += [snapped.frac, 1.0 - snapped.frac[has_twin]]
            on_rev += [np.ones(n_pts, dtype=bool), np.ones(int(has_twin.sum()), dtype=bool)]
        s_arc = np.concatenate(on_arc).astype(np.int64)
        s_pt = np.concatenate(on_pt).astype(np.int64)
        s_f = np.clip(np.concatenate(on_f).astype(float), 0.0, 1.0)
        s_rev = np.concatenate(on_rev)
        s_carrier = s_arc + np.where(s_rev, A, 0)
        # drop duplicate (carrier, point) pairs (an arc that is its own twin: a loop)
        _, first = np.unique(s_carrier * max(n_pts, 1) + s_pt, return_index=True)
        s_arc, s_pt, s_f, s_rev, s_carrier = (
            s_arc[first],
            s_pt[first],
            s_f[first],
            s_rev[first],
            s_carrier[first],
        )
        # position along the carrier in its direction of travel
        s_g = np.where(s_rev, 1.0 - s_f, s_f)

        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        w_ms: list[np.ndarray] = []
        w_dm: list[np.ndarray] = []
        p_arc: list[np.ndarray] = []
        p_from: list[np.ndarray] = []
        p_to: list[np.ndarray] = []

        split = np.zeros(len(c_arc), dtype=bool)
        split[s_carrier] = True
        whole = np.flatnonzero(~split & (c_x != c_y))
        rows.append(c_x[whole])
        cols.append(c_y[whole])
        w_ms.append(np.rint(t_ms[c_arc[whole]]))
        w_dm.append(np.rint(l_dm[c_arc[whole]]))
        p_arc.append(c_arc[whole])
        p_from.append(np.where(c_rev[whole], 1.0, 0.0))
        p_to.append(np.where(c_rev[whole], 0.0, 1.0))

        if len(s_carrier):
            order = np.lexsort((s_pt, s_g, s_carrier))
            s_carrier, s_arc, s_pt, s_g, s_rev = (
                s_carrier[order],
                s_arc[order],
                s_pt[order],
                s_g[order],
                s_rev[order],
            )
            starts = np.r_[True, s_carrier[1:] != s_carrier[:-1]]
            ends = np.r_[s_carrier[1:] != s_carrier[:-1], True]
            vnode = n_road + s_pt
            prev_node = np.where(starts, c_x[s_carrier], np.r_[0, vnode[:-1]])
            prev_g = np.where(starts, 0.0, np.r_[0.0, s_g[:-1]])
            # pieces: previous node -> point, for every point; last point -> carrier end
            seg_from = np.concatenate([prev_node, vnode[ends]])
            seg_to = np.concatenate([vnode, c_y[s_carrier[ends]]])
            g0 = np.concatenate([prev_g, s_g[ends]])
            g1 = np.concatenate([s_g, np.ones(int(ends.sum()))])
            arc = np.concatenate([s_arc, s_arc[ends]])
            rev = np.concatenate([s_rev, s_rev[ends]])
            rows.append(seg_from)
            cols.append(seg_to)
            # rounded cumulative differences: pieces add up exactly to the whole arc
            w_ms.append(np.rint(t_ms[arc] * g1) - np.rint(t_ms[arc] * g0))
            w_dm.append(np.rint(l_dm[arc] * g1) - np.rint(l_dm[arc] * g0))
            p_arc.append(arc)
            p_from.append(np.where(rev, 1.0 - g0, g0))
            p_to.append(np.where(rev, 1.0 - g1, g1))
            # a point (almost) on a node can leave and reach that node in every direction
            near = []
            for g_lim, node in ((0.0, c_x[s_carrier]), (1.0, c_y[s_carrier])):
                close = np.abs(s_g - g_lim) * index.arc_length_m[s_arc] <= _SNAP_NODE_M
                near.append((np.flatnonzero(close), node))
            for sel, node in near:
                if len(sel) == 0:
                    continue
                for a, b in ((vnode[sel], node[sel]), (node[sel], vnode[sel])):
                    rows.append(a)
                    cols.append(b)
                    w_ms.append(np.zeros(len(sel)))
                    w_dm.append(np.zeros(len(sel)))
                    p_arc.append(s_arc[sel])
                    f = np.where(s_rev[sel], 1.0 - s_g[sel], s_g[sel])
                    p_from.append(f)
                    p_to.append(f)

        r = np.concatenate(rows).astype(np.int64)
        c = np.concatenate(cols).astype(np.int64)
        weight = np.concatenate(w_ms) * _LEN_SCALE + np.concatenate(w_dm)
        pa = np.concatenate(p_arc).astype(np.int64)
        pf = np.concatenate(p_from)
        pt = np.concatenate(p_to)
        loop = r == c
        r, c, weight, pa, pf, pt = (
            r[~loop],
            c[~loop],
            weight[~loop],
            pa[~loop],
            pf[~loop],
            pt[~loop],
        )
        # keep the lightest of parallel arcs; sort by row then column (CSR order)
        order = np.lexsort((weight, c, r))
        r, c, weight, pa, pf, pt = (
            r[order],
            c[order],
            weight[order],
            pa[order],
            pf[order],
            pt[order],
        )
        first = np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])]
        r, c, weight, pa, pf, pt = (
            r[first],
            c[first],
            weight[first],
            pa[first],
            pf[first],
            pt[first],
        )
        n = n_road + n_pts
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(indptr, r + 1, 1)
        indptr = np.cumsum(indptr)
        csr = csr_matrix((weight, c.astype(np.int32), indptr.astype(np.int32)), shape=(n, n))
        return cls(csr=csr, n_road=n_road, piece_arc=pa, piece_from=pf, piece_to=pt)

    def piece(self, x: int, y: int) -> int:
        """The CSR position of the arc x→y."""
        lo, hi = self.csr.indptr[x], self.csr.indptr[x + 1]
        j = lo + int(np.searchsorted(self.csr.indices[lo:hi], y))
        if j >= hi or self.csr.indices[j] != y:
            raise KeyError((x, y))
        return j


def _unpack(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Packed weights -> (travel_s, dist_m); inf stays inf."""
    finite = np.isfinite(packed)
    safe = np.where(finite, packed, 0.0)
    ms = np.floor(safe / _LEN_SCALE)
    dm = safe - ms * _LEN_SCALE
    travel = np.where(finite, ms / 1000.0, np.inf)
    dist = np.where(finite, dm / 10.0, np.inf)
    return travel, dist


def _env_workers() -> int | None:
    """``PLANNER_MATRIX_WORKERS`` as an int, ``None`` when unset."""
    raw = os.environ.get(MATRIX_WORKERS_ENV, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise InputError(
            [
                Problem(
                    MATRIX_WORKERS_ENV,
                    None,
                    None,
                    raw,
                    msg("bilangan bulat ≥ 1 (1 = satu proses)", "an integer ≥ 1 (1 = one process)"),
                )
            ]
        )
    return value


def _can_fork() -> bool:
    """Forking children is safe and allowed here: Linux, and not a daemonic process (a Dask or
    multiprocessing worker may not have children)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    return not multiprocessing.current_process().daemon


def matrix_workers(
    n_origins: int,
    n_arcs: int,
    settings: NetworkSettings | Settings | None = None,
    *,
    workers: int | None = None,
) -> int:
    """How many processes a matrix of ``n_origins`` rows on ``n_arcs`` arcs will use.

    ``workers`` (explicit) wins, else the environment variable ``PLANNER_MATRIX_WORKERS``, else
    ``network.matrix_workers``. Without an explicit ``workers`` the count is capped by the CPUs
    this process may use, and a small problem (origins × arcs under about 4 million, where
    forking costs more than it saves) uses one process. Always 1 where forking is not possible
    or not allowed (not Linux; inside a daemonic process such as a Dask worker).
    """
    if workers is not None:
        wanted, explicit = int(workers), True
    else:
        explicit = False
        env = _env_workers()
        if env is not None:
            wanted = env
        else:
            net = settings.network if isinstance(settings, Settings) else settings
            wanted = net.matrix_workers if net is not None else 2
    if wanted <= 1 or n_origins < 2 or not _can_fork():
        return 1
    if explicit:
        return min(wanted, n_origins)
    if n_origins * n_arcs < _PARALLEL_MIN_WORK:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(wanted, cores or 1, n_origins))


def _shared_array(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """A zeroed array in anonymous shared memory: a forked child's writes are seen here."""
    nbytes = max(1, int(np.prod(shape)) * np.dtype(dtype).itemsize)
    buf = mmap.mmap(-1, nbytes)
    return np.frombuffer(buf, dtype=dtype, count=int(np.prod(shape))).reshape(shape)


def _solve_chunks(
    csr: csr_matrix,
    n_road: int,
    chunks: Sequence[np.ndarray],
    starts: np.ndarray,
    out: np.ndarray,
    done: np.ndarray,
    claim: np.ndarray,
    lock: Any,
) -> None:
    """Take chunks of origins until none is left; packed rows go to ``out``."""
    while True:
        with lock:
            k = int(claim[0])
            claim[0] = k + 1
        if k >= len(chunks):
            return
        _solve_chunk(csr, n_road, chunks, starts, out, k)
        done[k] = 1


def _solve_chunk(
    csr: csr_matrix,
    n_road: int,
    chunks: Sequence[np.ndarray],
    starts: np.ndarray,
    out: np.ndarray,
    k: int,
) -> None:
    """Rows of chunk ``k`` of origins: one multi-source Dijkstra, point columns kept."""
    block = dijkstra(csr, directed=True, indices=n_road + chunks[k])
    out[starts[k] : starts[k] + len(chunks[k])] = block[:, n_road:]


def _point_rows(csr: csr_matrix, n_road: int, rows: np.ndarray, *, workers: int = 1) -> np.ndarray:
    """Packed shortest-path weights from the points ``rows`` to every point (``len(rows) ×
    n_points``), by multi-source Dijkstra in chunks of origins.

    With ``workers > 1`` the process forks ``workers - 1`` children that share the chunks
    with it (each takes the next chunk when done: a busy core slows nobody down) and write
    their rows into shared memory. Each row is an independent Dijkstra, so the result is
    identical to one process. A chunk a child did not finish (killed, crashed) is computed
    here. scipy's Dijkstra holds the GIL, hence processes, not threads; forking shares the
    graph without copying or pickling it.
    """
    n = csr.shape[0]
    n_pts = n - n_road
    step = max(1, _CHUNK_CELLS // max(1, n))
    if workers > 1:  # enough chunks to balance the work between busy and idle cores
        step = max(1, min(step, -(-len(rows) // (4 * workers))))
    chunks = [rows[lo : lo + step] for lo in range(0, len(rows), step)]
    starts = np.arange(0, len(rows), step, dtype=np.int64)
    workers = min(workers, len(chunks))
    if workers <= 1:
        out = np.empty((len(rows), n_pts))
        for k in range(len(chunks)):
            _solve_chunk(csr, n_road, chunks, starts, out, k)
        return out
    out = _shared_array((len(rows), n_pts), np.float64)
    done = _shared_array((len(chunks),), np.uint8)
    claim = _shared_array((1,), np.int64)
    lock = multiprocessing.get_context("fork").Lock()
    args = (csr, n_road, chunks, starts, out, done, claim, lock)
    pids: list[int] = []
    try:
        for _ in range(workers - 1):
            with warnings.catch_warnings():  # Python >= 3.12 warns about fork with threads
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # child: compute, then leave at once (no atexit, no stdio flush)
                code = 1
                try:
                    _solve_chunks(*args)
                    code = 0
                finally:
                    os._exit(code)
            pids.append(pid)
        _solve_chunks(*args)
    except BaseException:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        raise
    finally:
        for pid in pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    for lost in np.flatnonzero(done == 0).tolist():  # a child died before finishing it
        _solve_chunk(csr, n_road, chunks, starts, out, lost)
    return np.array(out)  # a private copy; the shared memory is released with its views


_CONTRACT_MIN_SHARE = 0.1  # contract only when at least this share of road nodes may go


def _contract_chains(csr: csr_matrix, n_road: int) -> tuple[csr_matrix, int] | None:
    """The graph without the road nodes no shortest path between points needs to stop at.

    A road node (not a point) with one distinct neighbour is a dead end and is removed; one with
    two distinct neighbours ``a`` and ``b`` is the middle of a chain and is replaced by the
    arcs ``a -> b`` and ``b -> a`` it carried (weights summed; the lighter of parallel arcs
    kept), repeatedly. Packed weights are integers, so sums are exact and the distances between
    the remaining nodes are exactly those of the whole graph. Points keep their order and stay
    the last nodes. Returns the contracted CSR and its number of road nodes, or ``None`` when
    too few nodes would go to pay for the work (a street grid).
    """
    n = csr.shape[0]
    indptr, indices, data = csr.indptr, csr.indices, csr.data
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    cols = indices.astype(np.int64)
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    pairs = np.unique(lo[lo != hi] * n + hi[lo != hi])
    degree = np.bincount(pairs // n, minlength=n) + np.bincount(pairs % n, minlength=n)
    candidates = np.flatnonzero(degree[:n_road] <= 2)
    if len(candidates) < _CONTRACT_MIN_SHARE * max(1, n_road):
        return None
    out: list[dict[int, float]] = [{} for _ in range(n)]
    into: list[dict[int, float]] = [{} for _ in range(n)]
    for u, v, w in zip(rows.tolist(), cols.tolist(), data.tolist(), strict=True):
        if u != v:
            out[u][v] = w
            into[v][u] = w
    alive = np.ones(n, dtype=bool)
    stack = candidates.tolist()
    while stack:
        x = stack.pop()
        if not alive[x]:
            continue
        around = out[x].keys() | into[x].keys()
        if len(around) > 2:
            continue
        if len(around) == 2:  # the middle of a chain: bridge it
            for p, wp in into[x].items():
                for q, wq in out[x].items():
                    if q == p:
                        continue
                    old = out[p].get(q)
                    if old is None or wp + wq < old:
                        out[p][q] = into[q][p] = wp + wq
        for p in into[x]:
            del out[p][x]
        for q in out[x]:
            del into[q][x]
        out[x], into[x] = {}, {}
        alive[x] = False
        stack.extend(y for y in around if y < n_road and alive[y])
    kept = np.flatnonzero(alive)
    new = np.full(n, -1, dtype=np.int64)
    new[kept] = np.arange(len(kept))
    r_list: list[int] = []
    c_list: list[int] = []
    w_list: list[float] = []
    for u in kept.tolist():
        for v, w in out[u].items():
            r_list.append(u)
            c_list.append(v)
            w_list.append(w)
    r = new[np.array(r_list, dtype=np.int64)]
    c = new[np.array(c_list, dtype=np.int64)]
    w = np.array(w_list, dtype=float)
    order = np.lexsort((c, r))
    r, c, w = r[order], c[order], w[order]
    m = len(kept)
    ptr = np.zeros(m + 1, dtype=np.int64)
    np.add.at(ptr, r + 1, 1)
    ptr = np.cumsum(ptr)
    core = csr_matrix((w, c.astype(np.int32), ptr.astype(np.int32)), shape=(m, m))
    return core, int(alive[:n_road].sum())


class Router:
    """Shortest paths between snapped points, per profile, in compiled code.

    Builds each profile's augmented graph on first use. :meth:`leg` recomputes predecessors
    for one origin when a leg is drawn and keeps the last ``keep_origins`` rows.
    """

    def __init__(
        self,
        index: RoadIndex,
        snapped: Snapped,
        settings: NetworkSettings | Settings,
        *,
        keep_origins: int = 256,
    ) -> None:
        self.index = index
        self.snapped = snapped
        self.network = settings.network if isinstance(settings, Settings) else settings
        self._graphs: dict[str, _AugmentedGraph] = {}
        self._cores: dict[str, tuple[csr_matrix, int]] = {}
        self._preds: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        self._keep = keep_origins

    def graph(self, profile: str) -> _AugmentedGraph:
        if profile not in self._graphs:
            if profile not in self.index.arc_travel_s:
                raise _unknown_profiles([profile], self.network)
            self._graphs[profile] = _AugmentedGraph.build(
                self.index,
                self.snapped,
                travel_s=self.index.arc_travel_s[profile],
                oneway=self.network.profiles[profile].oneway,
            )
        return self._graphs[profile]

    def road_matrix(
        self,
        profile: str,
        origins: Sequence[int] | None = None,
        *,
        workers: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Road-only travel seconds and metres between snapped points (no access legs).

        Rows are ``origins`` (point positions, default all), columns every point; ``inf``
        where no road path exists. ``workers`` processes share the work (default: see
        :func:`matrix_workers`); the result does not depend on it.
        """
        n_pts = len(self.snapped.ids)
        rows = np.arange(n_pts) if origins is None else np.asarray(origins, dtype=np.int64)
        csr, n_road = self.core(profile)
        n = matrix_workers(len(rows), csr.nnz, self.network, workers=workers)
        return _unpack(_point_rows(csr, n_road, rows, workers=n))

    def core(self, profile: str) -> tuple[csr_matrix, int]:
        """The profile's graph with dead ends and the middles of chains contracted away (see
        :func:`_contract_chains`; the whole graph when that would not pay) and its number of
        road nodes: the points are its last nodes. Matrices use it; legs use :meth:`graph`."""
        if profile not in self._cores:
            g = self.graph(profile)
            self._cores[profile] = _contract_chains(g.csr, g.n_road) or (g.csr, g.n_road)
        return self._cores[profile]

    def _pred(self, profile: str, origin: int) -> np.ndarray:
        key = (profile, origin)
        if key in self._preds:
            self._preds.move_to_end(key)
            return self._preds[key]
        g = self.graph(profile)
        _, pred = dijkstra(
            g.csr, directed=True, indices=g.n_road + origin, return_predecessors=True
        )
        self._preds[key] = pred
        if len(self._preds) > self._keep:
            self._preds.popitem(last=False)
        return pred

    def leg(
        self,
        profile: str,
        from_id: str,
        to_id: str,
        *,
        crs: Literal["EPSG:4326", "metric"] = "EPSG:4326",
    ) -> LineString:
        """The road geometry of the fastest leg ``from_id`` → ``to_id``.

        Starts at the from-point's snapped road position, ends at the to-point's, and follows
        the roads' geometry. ``crs="metric"`` returns it in the network's metric CRS.

        Raises
        ------
        KeyError
            If an id is not a routable point.
        PlannerError
            If no road path exists.
        """
        i, j = self.snapped.position(from_id), self.snapped.position(to_id)
        g = self.graph(profile)
        start = self.snapped.road_xy[i]
        if i == j:
            line = LineString([start, start])
        else:
            pred = self._pred(profile, i)
            node, src = g.n_road + j, g.n_road + i
            path = [node]
            while node != src:
                node = int(pred[node])
                if node < 0:
                    raise PlannerError(
                        msg(
                            f"Tidak ada jalan dari {from_id} ke {to_id}.",
                            f"No road path from {from_id} to {to_id}.",
                        )
                    )
                path.append(node)
            path.reverse()
            coords: list[np.ndarray] = [start[None, :]]
            for x, y in itertools.pairwise(path):
                p = g.piece(x, y)
                coords.append(
                    _piece_coords(
                        self.index.arc_geom[g.piece_arc[p]], g.piece_from[p], g.piece_to[p]
                    )
                )
            coords.append(self.snapped.road_xy[j][None, :])
            xy = np.concatenate(coords)
            keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]
            xy = xy[keep]
            line = LineString(xy if len(xy) >= 2 else np.vstack([xy, xy]))
        if crs == "metric":
            return line
        return _transform_geoms(line, self.index.to_lonlat)


def _piece_coords(geom: LineString, f0: float, f1: float) -> np.ndarray:
    lo, hi = (f0, f1) if f0 <= f1 else (f1, f0)
    if lo == 0.0 and hi == 1.0:  # a whole arc (most of a leg): no substring needed
        xy = shapely.get_coordinates(geom)
        return xy[::-1] if f0 > f1 else xy
    if hi - lo <= 0:
        pt = shapely.line_interpolate_point(geom, lo, normalized=True)
        return shapely.get_coordinates(pt)
    from shapely.ops import substring

    part = substring(geom, lo, hi, normalized=True)
    xy = shapely.get_coordinates(part)
    return xy[::-1] if f0 > f1 else xy


# =========================================================================== matrices


@dataclass(frozen=True, eq=False)
class Matrices:
    """Travel-time and distance matrices between the routable points, per vehicle profile.

    Attributes
    ----------
    ids
        Point ids; matrix row/column ``k`` is ``ids[k]`` (stations first when the caller
        passed them first).
    travel_s
        Per profile an ``n × n`` int64 matrix of seconds, access legs included (point → road
        and road → point at ``access_kph``), zero diagonal; :data:`UNREACHABLE_S` where no road
        path exists.
    dist_m
        Per profile an ``n × n`` float64 matrix of metres along the same paths, access legs
        included; ``inf`` where no path exists.
    unreachable
        ``id -> (reason, distance_m)`` for points left out (see :class:`Snapped`); a point
        that cannot reach a station and come back under *any* requested profile is left out
        with reason ``"isolated"``.
    snap_dist_m
        Per id, the access distance (metres) included at each end of its legs.
    key
        The cache key (empty when not cached).
    """

    ids: tuple[str, ...]
    travel_s: dict[str, np.ndarray]
    dist_m: dict[str, np.ndarray]
    unreachable: dict[str, tuple[str, float]]
    snap_dist_m: np.ndarray
    key: str = ""
    from_cache: bool = False
    _router: list[Any] = field(default_factory=list, repr=False)

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(self.travel_s)

    def position(self, point_id: str) -> int:
        return self.ids.index(point_id)

    @property
    def router(self) -> Router:
        """The router behind these matrices (loaded from the network file on first use when
        the matrices came from the cache)."""
        if not self._router:
            raise PlannerError(
                msg(
                    "Matriks ini tidak punya jaringan jalan untuk menggambar rute.",
                    "These matrices have no road network to draw legs with.",
                )
            )
        item = self._router[0]
        if callable(item) and not isinstance(item, Router):
            self._router[0] = item()
        return self._router[0]


def _matrices_from_road(
    snapped: Snapped,
    road: Mapping[str, tuple[np.ndarray, np.ndarray]],
    access_kph: float,
) -> Matrices:
    """Add access legs, drop points isolated under any profile, round to int seconds."""
    n = len(snapped.ids)
    stations = np.array([snapped.ids.index(s) for s in snapped.station_ids], dtype=np.int64)
    unreachable = dict(snapped.unreachable)
    keep = np.ones(n, dtype=bool)
    if len(stations):
        st = np.zeros(n, dtype=bool)
        st[stations] = True
        for t, _ in road.values():
            there = np.isfinite(t[np.ix_(stations, np.arange(n))])
            back = np.isfinite(t[np.ix_(np.arange(n), stations)]).T
            ok = np.any(there & back, axis=0) | st
            keep &= ok
        for i in np.flatnonzero(~keep):
            unreachable[snapped.ids[i]] = ("isolated", float(snapped.snap_dist_m[i]))
    sel = np.flatnonzero(keep)
    access_s = snapped.snap_dist_m / (access_kph / 3.6)
    travel: dict[str, np.ndarray] = {}
    dist: dict[str, np.ndarray] = {}
    for p, (t, d) in road.items():
        t = t[np.ix_(sel, sel)] + access_s[sel][:, None] + access_s[sel][None, :]
        d = (
            d[np.ix_(sel, sel)]
            + snapped.snap_dist_m[sel][:, None]
            + snapped.snap_dist_m[sel][None, :]
        )
        ti = np.where(np.isfinite(t), np.rint(np.minimum(t, UNREACHABLE_S)), UNREACHABLE_S)
        ti = ti.astype(np.int64)
        np.fill_diagonal(ti, 0)
        np.fill_diagonal(d, 0.0)
        travel[p] = ti
        dist[p] = d
    return Matrices(
        ids=tuple(snapped.ids[i] for i in sel),
        travel_s=travel,
        dist_m=dist,
        unreachable=unreachable,
        snap_dist_m=snapped.snap_dist_m[sel].copy(),
    )


def _cache_key(parts: Mapping[str, Any]) -> str:
    text = json.dumps({"version": CACHE_VERSION, **parts}, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _cache_path(cache_dir: Path, key: str) -> Path:
    return Path(cache_dir) / f"matrices-{key}.npz"


CACHE_KEEP = 24
"""How many files of each kind (``matrices-*``, ``roads-*``) a cache folder keeps (newest)."""


def _write_npz(path: Path, arrays: dict[str, np.ndarray], *, compress: bool = False) -> None:
    buf = io.BytesIO()
    save = np.savez_compressed if compress else np.savez
    save(buf, **arrays)  # type: ignore[arg-type]  # numpy's stub types the kwargs oddly
    atomic.write_bytes(path, buf.getvalue())
    _prune_cache(path.parent, path.name.split("-", 1)[0])


def _prune_cache(cache_dir: Path, prefix: str, keep: int | None = None) -> None:
    """Remove all but the ``keep`` (default :data:`CACHE_KEEP`) most recently used
    ``<prefix>-*.npz`` files."""
    keep = CACHE_KEEP if keep is None else keep
    files = sorted(
        cache_dir.glob(f"{prefix}-*.npz"), key=lambda f: f.stat().st_mtime_ns, reverse=True
    )
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


def _labels_array(labels: Sequence[Any]) -> np.ndarray:
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in labels):
        return np.asarray(labels, dtype=np.int64)
    return np.asarray([str(v) for v in labels], dtype=str)


def _save_index(path: Path, key: str, index: RoadIndex) -> None:
    _, coords, offsets = shapely.to_ragged_array(index.arc_geom)
    names = list(index.arc_travel_s)
    arrays: dict[str, np.ndarray] = {
        "key": np.array(key),
        "crs": np.array(index.crs),
        "nodes": _labels_array(index.nodes),
        "node_xy": index.node_xy,
        "arc_u": index.arc_u,
        "arc_v": index.arc_v,
        "arc_key": _labels_array(index.arc_key),
        "arc_length_m": index.arc_length_m,
        "geom_coords": coords,
        "geom_offsets": offsets[0],
        "profiles": np.array(names, dtype=str),
    }
    for k, p in enumerate(names):
        arrays[f"travel_s_{k}"] = index.arc_travel_s[p]
    _write_npz(path, arrays)


def _load_index(path: Path, key: str) -> RoadIndex | None:
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["key"]) != key:
                return None
            crs = str(z["crs"])
            geoms = shapely.from_ragged_array(
                shapely.GeometryType.LINESTRING, z["geom_coords"], (z["geom_offsets"],)
            )
            names = [str(p) for p in z["profiles"]]
            index = RoadIndex(
                nodes=tuple(z["nodes"].tolist()),
                node_xy=z["node_xy"],
                arc_u=z["arc_u"],
                arc_v=z["arc_v"],
                arc_key=tuple(z["arc_key"].tolist()),
                arc_length_m=z["arc_length_m"],
                arc_travel_s={p: z[f"travel_s_{k}"] for k, p in enumerate(names)},
                arc_geom=np.asarray(geoms, dtype=object),
                crs=crs,
                to_lonlat=Transformer.from_crs(crs, "EPSG:4326", always_xy=True),
                from_lonlat=Transformer.from_crs("EPSG:4326", crs, always_xy=True),
            )
    except (OSError, ValueError, KeyError, EOFError):
        return None  # a damaged cache file is rebuilt and overwritten
    _touch(path)
    return index


def load_road_index(
    path: Path | str,
    settings: Settings | None = None,
    *,
    profiles: Sequence[str] | None = None,
    cache_dir: Path | str | None = None,
    digest: str | None = None,
) -> RoadIndex:
    """Load a road file straight into a compiled :class:`RoadIndex`, cached on disk.

    Parsing a large GraphML dominates a cold run (seconds for 100,000 roads); with
    ``cache_dir`` the compiled arrays are kept as ``roads-<key>.npz``, keyed by the file's bytes,
    the profile settings and the metric CRS, so a new venue list does not re-read the network.
    """
    settings = settings if settings is not None else Settings()
    net = settings.network
    path = Path(path)
    names = list(dict.fromkeys(profiles)) if profiles is not None else list(net.profiles)
    unknown = [p for p in names if p not in net.profiles]
    if unknown:
        raise _unknown_profiles(unknown, net)
    file = None
    key = ""
    if cache_dir is not None:
        _check_exists(path)
        key = _cache_key(
            {
                "kind": "road-index",
                "network": digest or file_digest(path),
                "profiles": {p: net.profiles[p].model_dump() for p in names},
                "metric_crs": settings.general.metric_crs,
            }
        )
        file = Path(cache_dir) / f"roads-{key}.npz"
        hit = _load_index(file, key)
        if hit is not None:
            return hit
    index = RoadIndex.from_graph(load_network(path), settings, profiles=names)
    if file is not None:
        _save_index(file, key, index)
    return index


def _encode_ints(a: np.ndarray) -> np.ndarray:
    """An integer matrix whose values fit in int32, as byte planes (``k × cells`` uint8, least
    significant first) of its zigzagged differences along rows. Neighbouring cells of a travel
    matrix differ little, so the high planes are almost all zero and deflate packs the whole
    about twenty times smaller than int64; decoding is exact (modular int32 arithmetic)."""
    b: np.ndarray = a.astype(np.int32)
    if b.size:
        b = np.diff(b, axis=1, prepend=np.int32(0))
    u = (np.left_shift(b, 1) ^ np.right_shift(b, 31)).view(np.uint32).ravel()
    top = int(u.max()) if u.size else 0
    planes = np.empty((max(1, (top.bit_length() + 7) // 8), u.size), dtype=np.uint8)
    for i in range(len(planes)):
        planes[i] = (u >> np.uint32(8 * i)) & np.uint32(0xFF)
    return planes


def _decode_ints(planes: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The int32 matrix :func:`_encode_ints` encoded."""
    u = planes[0].astype(np.uint32)
    for i in range(1, len(planes)):
        u |= planes[i].astype(np.uint32) << np.uint32(8 * i)
    b = (u >> np.uint32(1)).view(np.int32) ^ -(u & np.uint32(1)).view(np.int32)
    return np.cumsum(b.reshape(shape), axis=1, dtype=np.int32)


def _fits_int32(a: np.ndarray) -> bool:
    info = np.iinfo(np.int32)
    return a.dtype.kind in "iu" and (a.size == 0 or (a.min() >= info.min and a.max() <= info.max))


def _dist_from_dm(road_dm: np.ndarray, snap_dist_m: np.ndarray) -> np.ndarray:
    """``dist_m`` as :func:`_matrices_from_road` computes it, from whole road decimetres (-1:
    no path): the same float operations in the same order, so bit for bit the same."""
    d = road_dm / 10.0 + snap_dist_m[:, None] + snap_dist_m[None, :]
    d[road_dm < 0] = np.inf
    np.fill_diagonal(d, 0.0)
    return d


def _road_dm(dist_m: np.ndarray, snap_dist_m: np.ndarray) -> np.ndarray | None:
    """The whole road decimetres behind a ``dist_m`` matrix, or ``None`` when they do not give
    it back exactly (then the floats are stored as they are)."""
    if dist_m.size == 0:
        return None
    finite = np.isfinite(dist_m)
    with np.errstate(invalid="ignore"):
        road = dist_m - snap_dist_m[:, None] - snap_dist_m[None, :]
        dm = np.where(finite, np.rint(road * 10.0), -1.0)
    np.fill_diagonal(dm, 0.0)
    if dm.max() > np.iinfo(np.int32).max or (dm[finite] < 0).any():
        return None
    exact = dm.astype(np.int32)
    if not np.array_equal(_dist_from_dm(exact, snap_dist_m), dist_m):
        return None
    return exact


def _save_cache(path: Path, m: Matrices) -> None:
    arrays: dict[str, np.ndarray] = {
        "format": np.array(MATRIX_CACHE_FORMAT),
        "key": np.array(m.key),
        "ids": np.array(m.ids, dtype=str),
        "profiles": np.array(m.profiles, dtype=str),
        "snap_dist_m": m.snap_dist_m,
        "unreachable_ids": np.array(list(m.unreachable), dtype=str),
        "unreachable_reasons": np.array([r for r, _ in m.unreachable.values()], dtype=str),
        "unreachable_dist_m": np.array([d for _, d in m.unreachable.values()], dtype=float),
    }
    for k, p in enumerate(m.profiles):
        travel = m.travel_s[p]
        arrays[f"travel_s_{k}"] = _encode_ints(travel) if _fits_int32(travel) else travel
        road_dm = _road_dm(m.dist_m[p], m.snap_dist_m)
        if road_dm is not None:
            arrays[f"road_dm_{k}"] = _encode_ints(road_dm)
        else:
            arrays[f"dist_m_{k}"] = m.dist_m[p]
    _write_npz(path, arrays, compress=True)


def _load_cache(path: Path, key: str) -> Matrices | None:
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["key"]) != key or int(z["format"]) != MATRIX_CACHE_FORMAT:
                return None
            ids = tuple(str(s) for s in z["ids"])
            profiles = [str(p) for p in z["profiles"]]
            snap = z["snap_dist_m"]
            shape = (len(ids), len(ids))
            travel: dict[str, np.ndarray] = {}
            dist: dict[str, np.ndarray] = {}
            for k, p in enumerate(profiles):
                t = z[f"travel_s_{k}"]
                travel[p] = _decode_ints(t, shape).astype(np.int64) if t.dtype == np.uint8 else t
                if f"road_dm_{k}" in z.files:
                    dist[p] = _dist_from_dm(_decode_ints(z[f"road_dm_{k}"], shape), snap)
                else:
                    dist[p] = z[f"dist_m_{k}"]
            unreachable = {
                str(i): (str(r), float(d))
                for i, r, d in zip(
                    z["unreachable_ids"],
                    z["unreachable_reasons"],
                    z["unreachable_dist_m"],
                    strict=True,
                )
            }
            m = Matrices(
                ids=ids,
                travel_s=travel,
                dist_m=dist,
                unreachable=unreachable,
                snap_dist_m=snap,
                key=key,
                from_cache=True,
            )
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error):
        return None  # a damaged cache file is recomputed and overwritten
    _touch(path)
    return m


def _profile_parts(net: NetworkSettings, profiles: Sequence[str]) -> dict[str, Any]:
    return {
        "profiles": {p: net.profiles[p].model_dump() for p in profiles},
        "access_kph": net.access_kph,
        "snap_max_m": net.snap_max_m,
    }


def travel_matrices(
    G: nx.MultiDiGraph | None,
    snapped: Snapped | gpd.GeoDataFrame,
    profiles: Sequence[str],
    settings: NetworkSettings | Settings | None = None,
    *,
    station_ids: Iterable[str] = (),
    id_column: str = "id",
    cache_dir: Path | str | None = None,
    network_key: str | None = None,
    network_path: Path | str | None = None,
) -> Matrices:
    """Many-to-many travel times and distances between the snapped points, per profile.

    One multi-source :func:`scipy.sparse.csgraph.dijkstra` call per profile (chunked to bound
    memory). ``travel_s`` is rounded to whole seconds once, here.

    Parameters
    ----------
    G
        The road graph. May be ``None`` when ``snapped`` came from :func:`snap_points` (it
        carries its compiled network).
    snapped
        A :class:`Snapped`, or a GeoDataFrame of points (``id_column`` + Point geometry) that
        is snapped here with ``station_ids``.
    profiles
        Vehicle profiles (keys of ``settings.network.profiles``).
    cache_dir, network_key, network_path
        With ``cache_dir`` and a network identity (``network_key``, e.g. :func:`file_digest`
        of the road file, or ``network_path`` whose bytes are hashed), the result is cached as
        ``.npz`` keyed by the network, the profile settings and the snapped points.
    """
    settings = settings if settings is not None else Settings()
    net = settings.network if isinstance(settings, Settings) else settings
    profiles = list(dict.fromkeys(profiles))
    unknown = [p for p in profiles if p not in net.profiles]
    if unknown:
        raise _unknown_profiles(unknown, net)
    if not isinstance(snapped, Snapped):
        if G is None:
            raise PlannerError(msg("Jaringan jalan belum dimuat.", "No road network was given."))
        snapped = snap_points(
            G, snapped, settings, station_ids=station_ids, id_column=id_column, profiles=profiles
        )
    if network_key is None and network_path is not None:
        network_key = file_digest(network_path)
    key = ""
    if cache_dir is not None and network_key is not None:
        key = _cache_key(
            {
                "network": network_key,
                "snapped": snapped.signature(),
                **_profile_parts(net, profiles),
            }
        )
        hit = _load_cache(_cache_path(Path(cache_dir), key), key)
        if hit is not None:
            hit._router.append(Router(snapped.index, snapped, net))
            return hit
    missing = [p for p in profiles if p not in snapped.index.arc_travel_s]
    index = snapped.index
    if missing:
        if G is None:
            raise _unknown_profiles(missing, net)
        index = RoadIndex.from_graph(G, net, profiles=profiles, metric_crs=index.crs)
        snapped = Snapped(**{**snapped.__dict__, "index": index})
    router = Router(index, snapped, net)
    road = {p: router.road_matrix(p) for p in profiles}
    m = _matrices_from_road(snapped, road, net.access_kph)
    m = Matrices(**{**m.__dict__, "key": key, "_router": [router]})
    if key:
        _save_cache(_cache_path(Path(cache_dir), key), m)  # type: ignore[arg-type]
    return m


def leg_geometry(
    matrices_or_router: Matrices | Router,
    profile: str,
    from_id: str,
    to_id: str,
    *,
    crs: Literal["EPSG:4326", "metric"] = "EPSG:4326",
) -> LineString:
    """The road-following LineString of one leg (EPSG:4326 by default), from the from-point's
    snapped road position to the to-point's. See :meth:`Router.leg`."""
    router = (
        matrices_or_router.router
        if isinstance(matrices_or_router, Matrices)
        else matrices_or_router
    )
    return router.leg(profile, from_id, to_id, crs=crs)


def _points_parts(points: gpd.GeoDataFrame, id_column: str) -> dict[str, Any]:
    ids, lon, lat = _points_table(points, id_column)
    return {"ids": ids, "lonlat": np.round(np.column_stack([lon, lat]), 7).tolist()}


def build_matrices(
    road_path: Path | str,
    points: gpd.GeoDataFrame,
    station_ids: Iterable[str],
    profiles: Sequence[str],
    settings: Settings | None = None,
    cache_dir: Path | str | None = None,
    *,
    id_column: str = "id",
) -> Matrices:
    """Load, snap and compute in one go, with a disk cache: the pipeline's entry point.

    The cache key hashes the road file's bytes, the points (ids and coordinates), the station
    ids, the profile and snapping settings and the metric CRS, so any change recomputes. A
    cache hit does not load the network; :attr:`Matrices.router` loads it when a leg is drawn.
    The compiled network is cached too (:func:`load_road_index`), so new points on an unchanged
    network skip parsing the road file.

    Parameters
    ----------
    road_path
        ``.graphml``, ``.osm``, ``.osm.bz2`` or ``.osm.pbf``.
    points
        GeoDataFrame with ``id_column`` and Point geometry: stations and venues (stations
        first keeps them first in the matrices).
    station_ids
        The ids that are stations.
    cache_dir
        Folder for the ``.npz`` cache; ``None`` disables caching.
    """
    settings = settings if settings is not None else Settings()
    net = settings.network
    road_path = Path(road_path)
    _check_exists(road_path)
    profiles = list(dict.fromkeys(profiles))
    unknown = [p for p in profiles if p not in net.profiles]
    if unknown:
        raise _unknown_profiles(unknown, net)
    stations = tuple(str(s) for s in station_ids)

    digest = file_digest(road_path) if cache_dir is not None else None

    def compute() -> tuple[RoadIndex, Snapped]:
        index = load_road_index(
            road_path, settings, profiles=profiles, cache_dir=cache_dir, digest=digest
        )
        snapped = snap_points(index, points, settings, station_ids=stations, id_column=id_column)
        return index, snapped

    key = ""
    if cache_dir is not None:
        key = _cache_key(
            {
                "network": digest,
                "points": _points_parts(points, id_column),
                "stations": stations,
                "metric_crs": settings.general.metric_crs,
                **_profile_parts(net, profiles),
            }
        )
        hit = _load_cache(_cache_path(Path(cache_dir), key), key)
        if hit is not None:

            def load_router() -> Router:
                index, snapped = compute()
                return Router(index, snapped, net)

            hit._router.append(load_router)
            return hit
    _, snapped = compute()
    m = travel_matrices(None, snapped, profiles, settings)
    m = Matrices(**{**m.__dict__, "key": key})
    if key:
        _save_cache(_cache_path(Path(cache_dir), key), m)  # type: ignore[arg-type]
    return m
