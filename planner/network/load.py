"""Reading and writing road network files: GraphML, OSM XML, OSM PBF, and OpenStreetMap online.

This is the only module of the planner that imports :mod:`osmnx` (lazily, inside the functions
that need it: a cached re-plan never loads it), and the only one that imports :mod:`pyrosm`
(lazily too: it is the optional extra ``.[pbf]``).

* :func:`load_graphml`, :func:`graph_from_xml`, :func:`graph_from_pbf`, :func:`load_network`
  (by suffix) read a file into an osmnx-style :class:`networkx.MultiDiGraph` in EPSG:4326;
* :func:`fetch_network` downloads one (needs internet);
* :func:`import_network` turns any of them into the dataset's GraphML (:func:`save_graphml`),
  keeping the largest strongly connected piece (:func:`largest_strong_component`).
"""

from __future__ import annotations

import ast
import contextlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import shapely

from planner import _atomic as atomic
from planner._tables import parse_yes_no
from planner.config import NetworkSettings, Settings
from planner.errors import InputError, PlannerError, Problem, ProblemCollector
from planner.network.speeds import add_travel_times
from planner.text import msg

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


def file_problem(path: Path, value: Any, expected_id: str, expected_en: str) -> InputError:
    """A problem with the file ``path`` itself (missing, unreadable, of the wrong kind)."""
    return InputError([Problem(path.name, None, None, value, msg(expected_id, expected_en))])


def check_exists(path: Path) -> None:
    """Raise an :class:`InputError` naming ``path`` when it is not a file."""
    if not path.is_file():
        raise file_problem(
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


def _flag(value: Any) -> bool:
    """A GraphML/OSM yes/no attribute (``oneway``, ``reversed``) as a bool; a list is true when
    any of its values is."""
    if isinstance(value, list):
        return any(_flag(v) for v in value)
    # OSM's oneway=-1 means one-way against the drawing direction: still one-way
    if str(value).strip() == "-1":
        return True
    return parse_yes_no(value) is True


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
                data[attr] = _flag(data[attr])
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
    check_exists(path)
    try:
        G = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx raises many kinds for a bad file
        raise file_problem(
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
    check_exists(path)
    try:
        G = ox.graph_from_xml(path, simplify=False, retain_all=True)
    except Exception as exc:  # osmnx/expat raise many kinds for a bad file
        raise file_problem(
            path, type(exc).__name__, "berkas OSM XML yang valid", "a valid OSM XML file"
        ) from None
    G = _keep_drivable(G, highways)
    if len(G) == 0:
        raise file_problem(
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
    check_exists(path)
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
        raise file_problem(
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
    raise file_problem(
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
        raise file_problem(src, "0", "jaringan jalan yang terhubung", "a connected road network")
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


__all__ = [
    "DRIVABLE_HIGHWAYS",
    "GRAPHML_SUFFIXES",
    "PBF_SUFFIXES",
    "XML_SUFFIXES",
    "ImportReport",
    "check_exists",
    "fetch_network",
    "file_problem",
    "graph_from_pbf",
    "graph_from_xml",
    "import_network",
    "largest_strong_component",
    "load_graphml",
    "load_network",
    "save_graphml",
]
