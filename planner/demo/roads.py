"""The synthetic road network: arterials between the kecamatan seats, collector roads to every
desa centre, a small town grid, and the GraphML file osmnx loads.

Roads are built in local metres (:mod:`planner.demo.geometry`) as a :class:`Roads` of nodes and
OSM-like ways; :func:`graphml_bytes` writes them in osmnx's GraphML conventions, byte-stable.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape

import networkx as nx
import numpy as np
from scipy.spatial import Delaunay, cKDTree

from planner.demo.facts import MOUNTAIN_KECAMATAN, TOWN_KECAMATAN, DesaFact, station_facts, words
from planner.demo.geometry import coord6, haversine_m, to_lonlat, to_xy, winding


@dataclass
class Way:
    """An OSM way: its id, highway class, name and speed limit (all its edges share them)."""

    osmid: int
    highway: str
    name: str | None
    maxspeed: str | None
    oneway: bool = False


@dataclass
class Roads:
    """A growing road network in local metres; node ids are list positions."""

    xy: list[tuple[float, float]] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    linked: list[bool] = field(default_factory=list)
    ways: list[Way] = field(default_factory=list)
    edges: list[tuple[int, int, int]] = field(default_factory=list)  # (u, v, way)
    _tree: cKDTree | None = None
    _tree_ids: np.ndarray | None = None

    def add_node(self, x: float, y: float, role: str, *, linked: bool = True) -> int:
        self.xy.append((float(x), float(y)))
        self.role.append(role)
        self.linked.append(linked)
        self._tree = None
        return len(self.xy) - 1

    def add_way(
        self, highway: str, name: str | None, maxspeed: str | None, *, oneway: bool = False
    ) -> int:
        self.ways.append(Way(len(self.ways) + 1, highway, name, maxspeed, oneway))
        return len(self.ways) - 1

    def add_path(self, start: int, end: int | None, pts: np.ndarray, way: int, role: str) -> int:
        """Add the road through ``pts`` from node ``start``; ``end`` is an existing node (or
        ``None``: a new node at the last point). Returns the last node."""
        prev = start
        inner = pts[1:-1]
        for p in inner:
            node = self.add_node(p[0], p[1], role)
            self.edges.append((prev, node, way))
            prev = node
        last = end if end is not None else self.add_node(pts[-1][0], pts[-1][1], role)
        self.linked[last] = True
        self._tree = None
        self.edges.append((prev, last, way))
        return last

    def nearest(
        self, x: float, y: float, *, roles: Iterable[str] | None = None
    ) -> tuple[int, float]:
        """The nearest linked node (optionally only of some roles) and its distance in metres."""
        if roles is not None:
            wanted = set(roles)
            ids = np.array(
                [
                    i
                    for i, (r, ok) in enumerate(zip(self.role, self.linked, strict=True))
                    if ok and r in wanted
                ]
            )
            tree = cKDTree(np.asarray(self.xy)[ids])
        else:
            nodes, dists = self.nearest_many(np.array([[x, y]]))
            return int(nodes[0]), float(dists[0])
        dist, pos = tree.query([x, y])
        return int(ids[int(pos)]), float(dist)

    def nearest_many(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each point the nearest linked node and its distance in metres."""
        if self._tree is None:
            self._tree_ids = np.flatnonzero(np.asarray(self.linked))
            self._tree = cKDTree(np.asarray(self.xy)[self._tree_ids])
        assert self._tree_ids is not None
        dist, pos = self._tree.query(pts)
        return self._tree_ids[pos], dist

    def connect(
        self,
        start: int,
        end: int,
        *,
        way: int,
        ratio: float,
        spacing_m: float,
        rng: np.random.Generator,
        role: str,
    ) -> None:
        """A winding road (``ratio`` times the straight line) between two existing nodes."""
        pts = winding(
            np.asarray(self.xy[start]),
            np.asarray(self.xy[end]),
            ratio=ratio,
            spacing_m=spacing_m,
            rng=rng,
        )
        self.add_path(start, end, pts, way, role)


def winding_ratio(
    mountain_share: float, rng: np.random.Generator, *, collector: bool = False
) -> float:
    """A winding ratio: flat 1.02-1.08, mountain 1.3-1.6 (collectors a bit less)."""
    flat = rng.uniform(1.02, 1.10 if collector else 1.07)
    steep = rng.uniform(1.25, 1.5) if collector else rng.uniform(1.3, 1.6)
    return float(flat + mountain_share * (steep - flat))


# Arterial corridors: (from, to, highway, name, via points (lat, lon)). Kecamatan names stand for
# their seat; "@lat,lon" is a point at the regency border towards the neighbouring regency.
_CORRIDORS: tuple[tuple[str, str, str, str, tuple[tuple[float, float], ...]], ...] = (
    ("Trenggalek", "Pogalan", "primary", "Jalan Raya Trenggalek-Tulungagung", ()),
    ("Pogalan", "Durenan", "primary", "Jalan Raya Trenggalek-Tulungagung", ()),
    ("Durenan", "@-8.095,111.846", "primary", "Jalan Raya Trenggalek-Tulungagung", ()),
    ("Trenggalek", "Tugu", "primary", "Jalan Raya Trenggalek-Ponorogo", ()),
    ("Tugu", "@-7.935,111.585", "primary", "Jalan Raya Trenggalek-Ponorogo", ((-7.975, 111.61),)),
    ("Trenggalek", "Karangan", "primary", "Jalan Raya Trenggalek-Pacitan", ()),
    ("Karangan", "Suruh", "primary", "Jalan Raya Trenggalek-Pacitan", ()),
    ("Suruh", "Pule", "primary", "Jalan Raya Trenggalek-Pacitan", ()),
    ("Pule", "Panggul", "primary", "Jalan Raya Trenggalek-Pacitan", ((-8.17, 111.49),)),
    ("Panggul", "@-8.215,111.395", "primary", "Jalan Raya Trenggalek-Pacitan", ()),
    ("Panggul", "Munjungan", "primary", "Jalur Lintas Selatan", ((-8.300, 111.505),)),
    ("Munjungan", "Watulimo", "primary", "Jalur Lintas Selatan", ((-8.295, 111.66),)),
    ("Watulimo", "@-8.275,111.80", "primary", "Jalur Lintas Selatan", ()),
    ("Trenggalek", "Bendungan", "secondary", "Jalan Raya Bendungan", ()),
    ("Pogalan", "Gandusari", "secondary", "Jalan Raya Prigi", ()),
    ("Gandusari", "Watulimo", "secondary", "Jalan Raya Prigi", ()),
    ("Durenan", "Gandusari", "secondary", "Jalan Raya Durenan-Gandusari", ()),
    ("Gandusari", "Kampak", "secondary", "Jalan Raya Kampak", ()),
    ("Kampak", "Munjungan", "secondary", "Jalan Raya Kampak-Munjungan", ()),
    ("Pule", "Dongko", "secondary", "Jalan Raya Dongko", ()),
    ("Dongko", "Panggul", "secondary", "Jalan Raya Dongko-Panggul", ()),
    ("Suruh", "Dongko", "tertiary", "Jalan Suruh-Dongko", ()),
    ("Dongko", "Kampak", "tertiary", "Jalan Dongko-Kampak", ()),
)


_TOWN_STREETS_EW = words(
    "Jalan Panglima Sudirman|Jalan Brigjen Sutran|Jalan Soekarno-Hatta|Jalan Kartini|"
    "Jalan Ahmad Yani|Jalan Diponegoro"
)
_TOWN_STREETS_NS = words(
    "Jalan Mayjen Sungkono|Jalan Supriyadi|Jalan Ronggowarsito|Jalan Yos Sudarso|"
    "Jalan Dr. Sutomo|Jalan Pahlawan"
)


def build_roads(
    desa: tuple[DesaFact, ...],
    desa_xy: np.ndarray,
    seat_of: dict[str, int],
    rng: np.random.Generator,
) -> tuple[Roads, list[int]]:
    """The road network between the desa centres (venues and stations are linked later).

    Arterials join the kecamatan seats (``seat_of``: kecamatan -> desa index) and the regency
    border, a street grid fills the town, a collector road reaches every desa centre (nearest to
    the network first) and some extra links between neighbouring desa make loops. Returns the
    roads and the node of every desa centre.
    """
    roads = Roads()
    centre = [roads.add_node(x, y, "centre", linked=False) for x, y in desa_xy]
    mountain = np.array([d.kecamatan in MOUNTAIN_KECAMATAN for d in desa], dtype=float)
    _arterials(roads, centre, mountain, seat_of, rng)
    # A small street grid in the town around the Polres, a few one-way streets among them.
    _town_grid(roads, rng)
    _collectors(roads, centre, mountain, desa, rng)
    _loops(roads, centre, mountain, desa, desa_xy, rng)
    return roads, centre


def _arterials(
    roads: Roads,
    centre: list[int],
    mountain: np.ndarray,
    seat_of: dict[str, int],
    rng: np.random.Generator,
) -> None:
    """Arterials between the kecamatan seats, one OSM way per corridor leg."""

    def endpoint(label: str) -> tuple[int, float]:
        if label.startswith("@"):
            lat, lon = (float(v) for v in label[1:].split(","))
            xy = to_xy(lon, lat)
            return roads.add_node(xy[0], xy[1], "arterial", linked=False), 0.0
        i = seat_of[label]
        return centre[i], float(mountain[i])

    for frm, to, highway, name, via in _CORRIDORS:
        a, ma = endpoint(frm)
        b, mb = endpoint(to)
        share = (ma + mb) / 2
        maxspeed = None
        if rng.random() < 0.35:
            maxspeed = ("40" if share > 0 else "60") if highway == "primary" else "40"
            if share >= 1:
                maxspeed = "30" if highway != "primary" else "40"
        way = roads.add_way(highway, name, maxspeed)
        roads.linked[a] = True
        stops = [a]
        for lat, lon in via:
            xy = to_xy(lon, lat)
            stops.append(roads.add_node(xy[0], xy[1], "arterial", linked=True))
        stops.append(b)
        for u, v in itertools.pairwise(stops):
            roads.connect(
                u,
                v,
                way=way,
                ratio=winding_ratio(share, rng),
                spacing_m=160.0 if share > 0 else 260.0,
                rng=rng,
                role="arterial",
            )


def _collectors(
    roads: Roads,
    centre: list[int],
    mountain: np.ndarray,
    desa: tuple[DesaFact, ...],
    rng: np.random.Generator,
) -> None:
    """Collector roads: connect every desa centre, nearest to the network first."""
    todo = [i for i in range(len(desa)) if not roads.linked[centre[i]]]
    while todo:
        nodes, dists = roads.nearest_many(np.asarray([roads.xy[centre[i]] for i in todo]))
        k = int(np.argmin(dists))  # first of equals: stable
        best_i, best_node, best_d = todo[k], int(nodes[k]), float(dists[k])
        d = desa[best_i]
        share = float(mountain[best_i])
        highway = "tertiary" if (d.type == "kelurahan" or best_d > 3500) else "unclassified"
        maxspeed = ("20" if share else "30") if rng.random() < 0.2 else None
        way = roads.add_way(highway, f"Jalan Desa {d.desa}", maxspeed)
        _collector(roads, best_node, centre[best_i], way, share, rng)
        todo.remove(best_i)


def _loops(
    roads: Roads,
    centre: list[int],
    mountain: np.ndarray,
    desa: tuple[DesaFact, ...],
    desa_xy: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Extra links between neighbouring desa of one kecamatan, so the network has loops."""
    tri = Delaunay(desa_xy)
    pairs = sorted(
        {
            (min(a, b), max(a, b))
            for simplex in tri.simplices
            for a, b in (
                (simplex[0], simplex[1]),
                (simplex[1], simplex[2]),
                (simplex[0], simplex[2]),
            )
        }
    )
    for a, b in pairs:
        da, db = desa[a], desa[b]
        if da.kecamatan != db.kecamatan:
            continue
        dist = float(np.hypot(*(desa_xy[a] - desa_xy[b])))
        keep = 0.9 if da.kecamatan == TOWN_KECAMATAN else 0.35
        if dist > 4500 or rng.random() > keep:
            continue
        share = float((mountain[a] + mountain[b]) / 2)
        way = roads.add_way("unclassified", f"Jalan {da.desa}-{db.desa}", None)
        _collector(roads, centre[a], centre[b], way, share, rng)


def _collector(
    roads: Roads, a: int, b: int, way: int, share: float, rng: np.random.Generator
) -> None:
    """A collector road from node ``a`` to node ``b``, the more winding the more of it lies in
    the mountains (``share``, 0-1)."""
    roads.connect(
        a,
        b,
        way=way,
        ratio=winding_ratio(share, rng, collector=True),
        spacing_m=160.0 if share else 260.0,
        rng=rng,
        role="collector",
    )


def _town_grid(roads: Roads, rng: np.random.Generator) -> None:
    polres = next(s for s in station_facts() if s.kind == "polres")
    origin = to_xy(polres.lon, polres.lat) + np.array([-110.0, -110.0])
    n, step = 6, 230.0
    ids = np.zeros((n, n), dtype=int)
    for r in range(n):
        for c in range(n):
            jx, jy = rng.uniform(-20, 20, size=2)
            x = origin[0] + (c - (n - 1) / 2) * step + jx
            y = origin[1] + (r - (n - 1) / 2) * step + jy
            ids[r, c] = roads.add_node(x, y, "grid", linked=True)
    # Rows run west-east, columns south-north. Two rows form a one-way pair and one column
    # is one-way southbound, as in a small Javanese town centre.
    oneway_rows = {2: "east", 3: "west"}
    oneway_cols = {3: "south"}
    for r in range(n):
        ow = oneway_rows.get(r)
        way = roads.add_way(
            "secondary" if r in (2, 3) else "residential",
            _TOWN_STREETS_EW[r],
            "30" if r in (2, 3) else None,
            oneway=ow is not None,
        )
        for c in range(n - 1):
            u, v = int(ids[r, c]), int(ids[r, c + 1])
            roads.edges.append((v, u, way) if ow == "west" else (u, v, way))
    for c in range(n):
        ow = oneway_cols.get(c)
        way = roads.add_way("residential", _TOWN_STREETS_NS[c], None, oneway=ow is not None)
        for r in range(n - 1):
            u, v = int(ids[r, c]), int(ids[r + 1, c])
            roads.edges.append((v, u, way) if ow == "south" else (u, v, way))
    # Tie the grid's corners to the arterial network.
    for r, c in ((0, 0), (0, n - 1), (n - 1, 0), (n - 1, n - 1)):
        node = int(ids[r, c])
        target, _ = roads.nearest(*roads.xy[node], roles=("arterial", "centre"))
        way = roads.add_way("tertiary", None, None)
        roads.connect(node, target, way=way, ratio=1.03, spacing_m=250.0, rng=rng, role="local")


def graphml_bytes(roads: Roads) -> tuple[bytes, int, int]:
    """The road network as osmnx GraphML, with its node and edge counts.

    Only nodes on an edge are written (ids from 1), every two-way way as two directed edges.

    Raises
    ------
    RuntimeError
        If the network is not strongly connected (a generator bug, never the user's fault).
    """
    lonlat = np.round(to_lonlat(np.asarray(roads.xy)), 6)
    used = sorted({n for u, v, _ in roads.edges for n in (u, v)})
    g = nx.MultiDiGraph(crs="epsg:4326", created_with="planner.demo")
    neighbours: dict[int, set[int]] = {n: set() for n in used}
    for u, v, _ in roads.edges:
        neighbours[u].add(v)
        neighbours[v].add(u)
    for n in used:
        g.add_node(
            n + 1,
            y=coord6(lonlat[n, 1]),
            x=coord6(lonlat[n, 0]),
            street_count=str(len(neighbours[n])),
        )
    for u, v, w in roads.edges:
        way = roads.ways[w]
        length = haversine_m(lonlat[u, 0], lonlat[u, 1], lonlat[v, 0], lonlat[v, 1])
        attrs: dict[str, str] = {"osmid": str(way.osmid), "highway": way.highway}
        if way.name:
            attrs["name"] = way.name
        if way.maxspeed:
            attrs["maxspeed"] = way.maxspeed
        attrs["oneway"] = str(way.oneway)
        attrs["length"] = f"{length:.3f}"
        g.add_edge(u + 1, v + 1, **attrs, reversed="False")
        if not way.oneway:
            g.add_edge(v + 1, u + 1, **attrs, reversed="True")
    if not nx.is_strongly_connected(g):  # a generator bug, never the user's fault
        raise RuntimeError("demo road network is not strongly connected")
    return _write_graphml(g), g.number_of_nodes(), g.number_of_edges()


def _write_graphml(g: nx.MultiDiGraph) -> bytes:
    """GraphML as osmnx saves it (every attribute a string), written directly: much faster
    than networkx's writer and byte-stable (keys in first-seen order, no timestamps)."""

    def keys_of(items: Iterable[dict[str, str]]) -> list[str]:
        seen: dict[str, None] = {}
        for data in items:
            for k in data:
                seen.setdefault(k, None)
        return list(seen)

    graph_keys = list(g.graph)
    node_keys = keys_of(d for _, d in g.nodes(data=True))
    edge_keys = keys_of(d for *_, d in g.edges(data=True))
    ids: dict[tuple[str, str], str] = {}
    out = [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for domain, names in (("graph", graph_keys), ("node", node_keys), ("edge", edge_keys)):
        for name in names:
            key = f"d{len(ids)}"
            ids[(domain, name)] = key
            out.append(f'  <key id="{key}" for="{domain}" attr.name="{name}" attr.type="string" />')
    out.append('  <graph edgedefault="directed">')
    for name in graph_keys:
        value = xml_escape(str(g.graph[name]))
        out.append(f'    <data key="{ids[("graph", name)]}">{value}</data>')

    def data_lines(domain: str, data: dict[str, str]) -> str:
        return "".join(
            f'<data key="{ids[(domain, k)]}">{xml_escape(str(v))}</data>' for k, v in data.items()
        )

    for n, data in g.nodes(data=True):
        out.append(f'    <node id="{n}">{data_lines("node", data)}</node>')
    for u, v, k, data in g.edges(keys=True, data=True):
        out.append(
            f'    <edge source="{u}" target="{v}" id="{k}">{data_lines("edge", data)}</edge>'
        )
    out.extend(["  </graph>", "</graphml>", ""])
    return "\n".join(out).encode("utf-8")
