"""The coffee stalls: where they stand, what they are called, when they open.

Venues are spread over the desa in proportion to a weight (more in the town, the kelurahan, the
kecamatan seats and along the arterials), each on or a little off a road; a venue off the road
gets a local road to it, so every venue can be reached. Names fit the kind (warkop, angkringan,
kafe) and the owner's title; hours follow the kind, some warkop never close.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from planner.demo.facts import (
    KINDS,
    LOWLAND_KECAMATAN,
    MOUNTAIN_KECAMATAN,
    TOWN_KECAMATAN,
    DesaFact,
    words,
)
from planner.demo.world import World

_DUSUN = words(
    "Krajan|Ngrayung|Sumberejo|Kedungsari|Ngelo|Gondang|Karanganyar|Sidomulyo|Tawang|"
    "Ngemplak|Jati|Mloko|Bulu|Mbendo|Sambi|Cerme"
)
_MEN = words(
    "Sarno|Gimin|Paijo|Tukiman|Slamet|Suparman|Wagiman|Karto|Parmin|Sutris|Jarwo|Bejo|Tarno|"
    "Warsito|Ngadimin|Kasmin|Darto|Gito|Sugeng|Kuwot|Yanto|Budi|Eko|Agus|Joko|Wahyu|Heru|"
    "Didik|Gatot|Bambang|Nanang|Mujiono|Supri|Kateno|Pardi|Rohmat|Imam|Sardi|Ponidi|Mukidi|"
    "Giyanto|Sutrisno|Wardoyo|Harno"
)
_WOMEN = words(
    "Sainem|Marni|Tumini|Painem|Ratmi|Sumi|Sri|Yuli|Ninik|Endang|Lilik|Puji|Katmi|Tumirah|"
    "Suyati|Warsini|Jumiati|Sulastri"
)
_FEMALE_TITLES = ("Bu", "Mbok")
_WARKOP_TITLES = words(
    "Warkop Mbah|Warkop Pak|Warkop Bu|Warkop Cak|Warkop Mas|Warung Kopi Mbok|"
    "Warung Kopi Pak|Kedai Kopi Cak|Warkop Lik"
)
_WARKOP_WORDS = words(
    "Sumber Rejeki|Barokah|Lestari|Rukun|Podo Moro|Sederhana|Mampir|Lancar|Sido Mulyo|"
    "Cangkruk|Pojok|Joglo|Asri|Sahabat|Kawan Lama|Tombo Kangen|Mbah Kuwot|Gubuk|Ngopi Sik|"
    "Lesehan"
)
_ANGKRINGAN_TITLES = words(
    "Angkringan Pak|Angkringan Mas|Angkringan Lik|Angkringan Mbah|Angkringan Cak|Angkringan Bu"
)
_ANGKRINGAN_WORDS = words(
    "Lesehan|Wong Cilik|Sego Kucing|Remang|Ndeso|Kangen|Pinggir Kali|Mbois|Nyaman|Ojo Lali"
)
_KAFE_A = words(
    "Kenangan|Senja|Rindu|Teras|Sudut|Langit|Bukit|Sawah|Lereng|Teman|Cerita|Tepi|Daun|"
    "Embun|Kabut|Pelangi|Tenang|Singgah"
)
_KAFE_B = words("Senja|Kita|Desa|Malam|Hujan|Jingga|Biru|Kali|Djadoel|Kota")


def _person(title: str, pick: Callable[[Sequence[str]], str]) -> str:
    """A name that fits the title: "Bu"/"Mbok" take a woman's name, "Mbah" either."""
    last = title.rsplit(" ", 1)[-1]
    if last in _FEMALE_TITLES:
        return pick(_WOMEN)
    return pick(_MEN + _WOMEN) if last == "Mbah" else pick(_MEN)


def _venue_name(kind: str, desa: str, kecamatan: str, rng: np.random.Generator) -> str:
    def pick(seq: Sequence[str]) -> str:
        return seq[int(rng.integers(len(seq)))]

    if kind == "warkop":
        if rng.random() < 0.7:
            title = pick(_WARKOP_TITLES)
            return f"{title} {_person(title, pick)}"
        return f"Warkop {pick(_WARKOP_WORDS)}"
    if kind == "angkringan":
        if rng.random() < 0.75:
            title = pick(_ANGKRINGAN_TITLES)
            return f"{title} {_person(title, pick)}"
        return f"Angkringan {pick(_ANGKRINGAN_WORDS)}"
    roll = rng.random()
    if kecamatan == "Watulimo" and roll < 0.2:
        return f"Kopi Pantai {pick(('Prigi', 'Karanggongso', 'Pelang', 'Damas'))}"
    if roll < 0.35:
        name = f"Kopi {pick(_KAFE_A)} {pick(_KAFE_B)}"
    elif roll < 0.6:
        name = f"Kafe {pick(_KAFE_A)}"
    elif roll < 0.8:
        name = f"{pick(_KAFE_A)} Coffee"
    else:
        name = f"Kedai Kopi {pick(_KAFE_A)}"
    return f"{name} {desa}" if rng.random() < 0.25 else name


_HOURS: dict[str, tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]] = {
    "angkringan": (
        (("16:30", 1), ("17:00", 4), ("17:30", 2), ("18:00", 3), ("18:30", 1)),
        (("23:00", 2), ("00:00", 3), ("01:00", 4), ("02:00", 2), ("03:00", 1)),
    ),
    "warkop": (
        (("15:00", 1), ("16:00", 4), ("17:00", 2), ("18:00", 1)),
        (("23:00", 2), ("24:00", 4), ("00:00", 1), ("01:00", 2), ("02:00", 1)),
    ),
    "kafe": (
        (("10:00", 1), ("16:00", 2), ("17:00", 2), ("18:00", 3), ("19:00", 1)),
        (("22:00", 2), ("23:00", 3), ("00:00", 2), ("01:00", 1), ("02:00", 1)),
    ),
}
_CLOSED_DAYS = (("Jumat", 4), ("Senin", 1), ("Selasa", 1), ("Minggu", 1))


def _weighted(options: Sequence[tuple[str, float]], rng: np.random.Generator) -> str:
    w = np.array([o[1] for o in options], dtype=float)
    return options[int(rng.choice(len(options), p=w / w.sum()))][0]


def _hours(kind: str, rng: np.random.Generator) -> tuple[str, str]:
    if kind == "warkop":
        roll = rng.random()
        if roll < 0.16:
            return "24 jam", "24 jam"
        if roll < 0.22:
            return _weighted((("06:00", 1), ("07:00", 1)), rng), _weighted(
                (("21:00", 1), ("22:00", 2), ("23:00", 1)), rng
            )
    opens, closes = _HOURS[kind]
    return _weighted(opens, rng), _weighted(closes, rng)


def _allocate(weights: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """Integer counts proportional to ``weights`` summing exactly to ``total`` (largest
    remainder), each at least ``minimum`` (the minimum is dropped when ``total`` is too small)."""
    n = len(weights)
    if minimum * n > total:
        minimum = 0
    rest = total - minimum * n
    share = weights / weights.sum() * rest
    counts = np.floor(share).astype(int)
    left = rest - int(counts.sum())
    order = np.lexsort((np.arange(n), -(share - counts)))
    counts[order[:left]] += 1
    return minimum + counts


@dataclass(frozen=True)
class Venue:
    """A generated venue in local metres (``desa_index`` into ``World.desa``)."""

    venue_id: str
    name: str
    kind: str
    x: float
    y: float
    desa_index: int
    opens: str
    closes: str
    dwell_min: int | None
    active: bool
    closed_days: str


def place_venues(world: World, n_venues: int, rng: np.random.Generator) -> list[Venue]:
    """About ``n_venues`` venues (exactly, by largest remainder) over the desa, ids ``V0001`` …
    in desa order; adds the local roads of the venues off the road to ``world.roads``."""
    weights = _desa_weights(world)
    counts = _allocate(weights, n_venues, minimum=2 if n_venues >= 4 * len(weights) else 1)
    venues: list[Venue] = []
    for i, d in enumerate(world.desa):
        inner, cand, w = _anchors(world, i)
        kind_p = _kind_shares(world, i)
        used_names: set[str] = set()
        for _ in range(int(counts[i])):
            vx, vy = _place(world, i, inner, cand, w, rng)
            venues.append(_venue(d, i, vx, vy, kind_p, used_names, rng))
    return [dataclasses.replace(v, venue_id=f"V{k + 1:04d}") for k, v in enumerate(venues)]


def _desa_weights(world: World) -> np.ndarray:
    """How many venues a desa gets, relatively: more in the town, the kelurahan, the seats and
    along the arterials, fewer in the mountains."""
    roads = world.roads
    seats = set(world.seat_of.values())
    art_ids = np.array([i for i, r in enumerate(roads.role) if r == "arterial"])
    art_d, _ = cKDTree(np.asarray(roads.xy)[art_ids]).query(world.desa_xy)
    return np.array(
        [
            (4.0 if d.type == "kelurahan" else 1.0)
            * (2.5 if d.kecamatan == TOWN_KECAMATAN else 1.0)
            * (2.5 if i in seats else 1.0)
            * (1.5 if art_d[i] < 1000 else 1.0)
            * (0.8 if d.kecamatan in MOUNTAIN_KECAMATAN else 1.0)
            for i, d in enumerate(world.desa)
        ]
    )


def _anchors(world: World, i: int) -> tuple[BaseGeometry, np.ndarray, np.ndarray]:
    """Desa ``i``'s inner area (a venue stands inside it), the road nodes in it that a venue
    may stand by, and their chances (near the centre and on the main roads more likely)."""
    roads = world.roads
    node_xy = np.asarray(roads.xy)
    linked = np.asarray(roads.linked)
    cell = world.desa_cells[i]
    inner = cell.buffer(-35.0)
    if inner.is_empty:
        inner = cell.buffer(-5.0)
    shapely.prepare(inner)
    inside = linked & shapely.contains_xy(inner, node_xy[:, 0], node_xy[:, 1])
    cand = np.flatnonzero(inside)
    if len(cand) == 0:
        cand = np.array([world.centre_node[i]])
    dist_c = np.hypot(*(node_xy[cand] - world.desa_xy[i]).T)
    w = np.exp(-dist_c / 1500.0) + np.array(
        [1.5 if roads.role[c] in ("arterial", "grid") else 0.0 for c in cand]
    )
    return inner, cand, w / w.sum()


def _kind_shares(world: World, i: int) -> tuple[float, float, float]:
    """The chances of angkringan, warkop and kafe in desa ``i`` (kafe mostly in town)."""
    d = world.desa[i]
    if d.kecamatan == TOWN_KECAMATAN:
        return (0.30, 0.42, 0.28)
    if i in set(world.seat_of.values()) or d.kecamatan in LOWLAND_KECAMATAN:
        return (0.33, 0.52, 0.15)
    return (0.35, 0.60, 0.05)


def _place(
    world: World,
    i: int,
    inner: BaseGeometry,
    cand: np.ndarray,
    w: np.ndarray,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """Where a venue of desa ``i`` stands: by a road node, on the road or a little off it (then
    a local road leads from the node to the front of the venue)."""
    roads = world.roads
    d = world.desa[i]
    town = d.kecamatan == TOWN_KECAMATAN
    mountain = d.kecamatan in MOUNTAIN_KECAMATAN
    anchor = int(cand[int(rng.choice(len(cand), p=w))])
    ax, ay = roads.xy[anchor]
    on_road = rng.random() < 0.4
    for attempt in range(40):
        reach = 1.0 if attempt < 25 else 0.4
        r = rng.uniform(15, 40) if on_road else rng.uniform(60, 200 if town else 380) * reach
        theta = rng.uniform(0, 2 * math.pi)
        vx, vy = ax + r * math.cos(theta), ay + r * math.sin(theta)
        if shapely.contains_xy(inner, vx, vy):
            break
    else:  # fall back to the anchor's surroundings along the centre
        cx, cy = world.desa_xy[i]
        vx, vy = cx + rng.uniform(-10, 10), cy + rng.uniform(-10, 10)
        anchor, r, on_road = world.centre_node[i], 12.0, True
        ax, ay = roads.xy[anchor]
    if not on_road:
        # a local road from the anchor to a point 10-40 m in front of the venue
        back = rng.uniform(10, 40)
        frac = max(0.0, (r - back) / r)
        end = np.array([ax + (vx - ax) * frac, ay + (vy - ay) * frac])
        track = mountain and rng.random() < 0.35
        way = roads.add_way(
            "track" if track else "residential",
            None
            if track or rng.random() < 0.5
            else f"Jalan Dusun {_DUSUN[int(rng.integers(len(_DUSUN)))]}",
            None,
        )
        bend = rng.random() < 0.5 and r > 120
        pts = [np.array([ax, ay])]
        if bend:
            mid = (np.array([ax, ay]) + end) / 2 + rng.normal(0, r * 0.15, size=2)
            pts.append(mid)
        pts.append(end)
        roads.add_path(anchor, None, np.asarray(pts), way, "local")
    return vx, vy


def _venue(
    d: DesaFact,
    i: int,
    vx: float,
    vy: float,
    kind_p: tuple[float, float, float],
    used_names: set[str],
    rng: np.random.Generator,
) -> Venue:
    """A venue at ``(vx, vy)`` in desa ``d`` (index ``i``): kind, a name not yet used in the
    desa (five tries), hours, dwell, closing days and the active flag. The id comes later."""
    kind = KINDS[int(rng.choice(3, p=kind_p))]
    name = _venue_name(kind, d.desa, d.kecamatan, rng)
    for _ in range(5):
        if name not in used_names:
            break
        name = _venue_name(kind, d.desa, d.kecamatan, rng)
    used_names.add(name)
    opens, closes = _hours(kind, rng)
    dwell = int(rng.choice([15, 20, 30, 45])) if rng.random() < 0.2 else None
    roll = rng.random()
    closed = ""
    if roll < 0.07:
        closed = _weighted(_CLOSED_DAYS, rng)
    elif roll < 0.08:
        closed = "Senin, Kamis"
    return Venue(
        venue_id="",
        name=name,
        kind=kind,
        x=vx,
        y=vy,
        desa_index=i,
        opens=opens,
        closes=closes,
        dwell_min=dwell,
        active=rng.random() >= 0.02,
        closed_days=closed,
    )
