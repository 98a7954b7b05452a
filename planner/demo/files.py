"""The demo's files: CSV, GeoJSON, TOML and README writers, :func:`build_demo` (the dataset in
memory) and :func:`write_demo` (the dataset folder, atomically).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from planner import config
from planner.demo.facts import (
    DATASET_FILES,
    DEFAULT_N_VENUES,
    DEFAULT_SEED,
    INCIDENT_DAYS,
    KINDS,
    LEVELS,
    REFERENCE_DATE,
    StationFact,
)
from planner.demo.geometry import coord6, geom_to_lonlat, to_lonlat
from planner.demo.incidents import Incident, make_incidents
from planner.demo.roads import graphml_bytes
from planner.demo.venues import Venue, place_venues
from planner.demo.world import World, make_world
from planner.errors import PlannerError
from planner.text import msg


@dataclass(frozen=True)
class DemoCounts:
    """What a generated demo holds."""

    desa: int
    kecamatan: int
    venues: int
    venues_by_kind: dict[str, int]
    incidents: int
    incidents_by_category: dict[str, int]
    kerawanan: dict[str, int]
    stations: int
    squads: int
    road_nodes: int
    road_edges: int


@dataclass(frozen=True)
class DemoData:
    """A generated dataset in memory: file name -> exact bytes, plus its counts."""

    seed: int
    files: dict[str, bytes]
    counts: DemoCounts


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`write_demo` wrote."""

    out: Path
    seed: int
    counts: DemoCounts
    file_bytes: dict[str, int]
    elapsed_s: float


# --------------------------------------------------------------------------- writers


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file: UTF-8, ``\\n`` line ends, quoting only where needed."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _geojson_bytes(features: list[dict[str, object]]) -> bytes:
    """A compact FeatureCollection, one feature a line (small diffs, stable bytes)."""
    lines = ['{"type":"FeatureCollection","name":"desa","features":[']
    body = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    lines.append(",\n".join(body))
    lines.append("]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _round_coords(geom: BaseGeometry) -> object:
    """The GeoJSON geometry of ``geom`` with coordinates rounded to six decimals."""
    mapping = shapely.geometry.mapping(geom)

    def fix(obj: object) -> object:
        if isinstance(obj, (list, tuple)):
            if obj and isinstance(obj[0], float):
                return [round(float(c), 6) for c in obj]
            return [fix(o) for o in obj]
        return obj

    return {"type": mapping["type"], "coordinates": fix(mapping["coordinates"])}


def _squads_toml(stations: Sequence[StationFact], rng: np.random.Generator) -> bytes:
    """The roster: two Polres squads (anywhere), one per Polsek (its own kecamatan)."""
    lines = [
        "# Demo roster (synthetic): two Polres squads that may go anywhere and one squad per",
        "# Polsek for its own kecamatan. Shifts are WIB night-clock windows (19:00-02:00 ends",
        "# the next morning); vehicle is a key of [network.profiles] in planner.toml.",
        "",
    ]

    def block(
        squad_id: str,
        name: str,
        station: str,
        members: int,
        shift: str,
        vehicle: str,
        area: str | None,
    ) -> None:
        lines.extend(
            [
                "[[squad]]",
                f'squad_id = "{squad_id}"',
                f'name = "{name}"',
                f'station_id = "{station}"',
                f"members = {members}",
                f'shift = "{shift}"',
                f'vehicle = "{vehicle}"',
            ]
        )
        if area is not None:
            lines.append(f'area = ["{area}"]')
        lines.append("")

    block("R01", "Regu 1 Samapta Polres", "POLRES", 6, "19:00-02:00", "mobil", None)
    block("R02", "Regu 2 Samapta Polres", "POLRES", 6, "20:00-03:00", "mobil", None)
    shifts = ("19:00-01:00", "19:00-02:00", "20:00-02:00", "20:00-03:00")
    for s in stations:
        if s.kind != "polsek":
            continue
        members = int(rng.integers(5, 7))
        shift = shifts[int(rng.integers(len(shifts)))]
        vehicle = "mobil" if rng.random() < 0.2 else "motor"
        block(
            f"{s.station_id}-1",
            f"Regu {s.name}",
            s.station_id,
            members,
            shift,
            vehicle,
            s.kecamatan,
        )
    return "\n".join(lines).rstrip("\n").encode("utf-8") + b"\n"


def _planner_toml() -> bytes:
    """The default settings, commented (``config.default_settings_toml``)."""
    return config.default_settings_toml().encode("utf-8")


def _readme(seed: int, counts: DemoCounts) -> bytes:
    """The dataset's README. Its text is part of the committed demo (byte-compared), so it
    still names the generator's old paths until the demo is regenerated."""

    def fmt(d: dict[str, int]) -> str:
        return ", ".join(f"{k} {v}" for k, v in d.items())

    text = f"""# Demo dataset: a synthetic Trenggalek

Generated by `planner demo --out data/demo --seed {seed}` (planner/demo/). **Synthetic**: the
14 kecamatan and 157 desa/kelurahan with their official codes, names and a point inside each are
real; the desa polygons, kerawanan levels, venues, incidents, roster and roads are made up and
describe no real place, person or event. Station positions are approximate (kecamatan seats).

Reference date: **{REFERENCE_DATE.isoformat()}** (the demo's "today"): the incidents cover the
{INCIDENT_DAYS} days before it (WIB); plan nights around it, e.g. `planner plan --date {REFERENCE_DATE.isoformat()}`.

| file | what | count |
| --- | --- | --- |
| `desa.geojson` | desa polygons (Voronoi cells of the desa points, clipped to an outline) with kerawanan | {counts.desa} desa in {counts.kecamatan} kecamatan |
| `venues.csv` | coffee stalls | {counts.venues} ({fmt(counts.venues_by_kind)}) |
| `incidents.csv` | incidents, near-repeat clustered, `occurred_at` DD/MM/YYYY HH:MM WIB | {counts.incidents} |
| `stations.csv` | Polres Trenggalek and one Polsek per kecamatan | {counts.stations} |
| `squads.toml` | roster: 2 Polres squads (anywhere), 1 per Polsek (own kecamatan) | {counts.squads} |
| `roads.graphml` | synthetic road network in osmnx GraphML conventions | {counts.road_nodes} nodes, {counts.road_edges} edges |
| `planner.toml` | the default settings, commented | |

Kerawanan levels: {fmt(counts.kerawanan)}.
Incidents by category: {fmt(counts.incidents_by_category)}.

Roads: arterials between the kecamatan seats (to Tulungagung, Ponorogo and Pacitan, and the
coastal Jalur Lintas Selatan), collector roads to every desa centre, a local road to every venue;
roads in the mountainous south are winding (1.3-1.6x the straight line) and slower. Every venue
and station can be reached from every station.

Do not edit these files by hand: `tests/demo/test_demo.py` checks that they equal what the generator
makes. Change `planner/demo/` and regenerate with
`planner demo --out data/demo --seed {seed} --force`.

## Attribution

Desa codes, names and interior points are derived from **cahyadsn/wilayah_boundaries**
(GitHub), MIT License, Copyright (c) 2024 Cahya DSN; the full notice is in
`planner/data/README.md`.
"""
    return text.encode("utf-8")


def build_demo(*, seed: int = DEFAULT_SEED, n_venues: int = DEFAULT_N_VENUES) -> DemoData:
    """Generate the demo dataset in memory.

    Parameters
    ----------
    seed
        Seed of every random choice; the same seed gives byte-identical files.
    n_venues
        About how many coffee stalls to place (the real demo has 1,500; tests use fewer).

    Returns
    -------
    DemoData
        The files (name -> bytes, in the formats of the dataset folder) and their counts.
    """
    if n_venues < 1:
        raise PlannerError(msg("n_venues harus minimal 1", "n_venues must be at least 1"))
    # One generator for everything, drawn in this order: world, venues, incidents, roster.
    rng = np.random.default_rng(seed)
    world = make_world(rng)
    venues = place_venues(world, n_venues, rng)
    incidents = make_incidents(world, venues, rng)
    files: dict[str, bytes] = {
        "desa.geojson": _desa_geojson(world),
        "venues.csv": _venues_csv(world, venues),
        "incidents.csv": _incidents_csv(incidents),
        "stations.csv": _stations_csv(world.stations),
        "squads.toml": _squads_toml(world.stations, rng),
    }
    graphml, n_nodes, n_edges = graphml_bytes(world.roads)
    files["roads.graphml"] = graphml
    files["planner.toml"] = _planner_toml()
    counts = DemoCounts(
        desa=len(world.desa),
        kecamatan=len({d.kecamatan for d in world.desa}),
        venues=len(venues),
        venues_by_kind={k: sum(v.kind == k for v in venues) for k in KINDS},
        incidents=len(incidents),
        incidents_by_category=dict(
            sorted(Counter(e.category for e in incidents).items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        kerawanan={lvl: world.kerawanan.count(lvl) for lvl in LEVELS},
        stations=len(world.stations),
        squads=files["squads.toml"].count(b"[[squad]]"),
        road_nodes=n_nodes,
        road_edges=n_edges,
    )
    files["README.md"] = _readme(seed, counts)
    return DemoData(seed=seed, files=dict(sorted(files.items())), counts=counts)


def _desa_geojson(world: World) -> bytes:
    """``desa.geojson``: the desa polygons in degrees with code, names and kerawanan."""
    features = []
    for i, d in enumerate(world.desa):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "desa_code": d.desa_code,
                    "desa": d.desa,
                    "kecamatan": d.kecamatan,
                    "kerawanan": world.kerawanan[i],
                },
                "geometry": _round_coords(geom_to_lonlat(world.desa_cells[i])),
            }
        )
    return _geojson_bytes(features)


def _venues_csv(world: World, venues: Sequence[Venue]) -> bytes:
    """``venues.csv`` in the columns the venue reader takes."""
    v_ll = np.round(to_lonlat(np.array([[v.x, v.y] for v in venues])), 6)
    return _csv_bytes(
        (
            "venue_id",
            "name",
            "kind",
            "lat",
            "lon",
            "opens",
            "closes",
            "desa_code",
            "dwell_min",
            "active",
            "closed_days",
        ),
        (
            (
                v.venue_id,
                v.name,
                v.kind,
                coord6(v_ll[k, 1]),
                coord6(v_ll[k, 0]),
                v.opens,
                v.closes,
                world.desa[v.desa_index].desa_code,
                "" if v.dwell_min is None else v.dwell_min,
                "true" if v.active else "false",
                v.closed_days,
            )
            for k, v in enumerate(venues)
        ),
    )


def _incidents_csv(incidents: Sequence[Incident]) -> bytes:
    """``incidents.csv``: ids ``INS-0001`` … in time order, ``occurred_at`` DD/MM/YYYY HH:MM."""
    i_ll = np.round(to_lonlat(np.array([[e.x, e.y] for e in incidents])), 6)
    return _csv_bytes(
        ("incident_id", "occurred_at", "lat", "lon", "category", "severity", "venue_id"),
        (
            (
                f"INS-{k + 1:04d}",
                e.when.strftime("%d/%m/%Y %H:%M"),
                coord6(i_ll[k, 1]),
                coord6(i_ll[k, 0]),
                e.category,
                "" if e.severity is None else f"{e.severity:.1f}",
                e.venue_id or "",
            )
            for k, e in enumerate(incidents)
        ),
    )


def _stations_csv(stations: Sequence[StationFact]) -> bytes:
    """``stations.csv``: Polres first, then the Polsek."""
    return _csv_bytes(
        ("station_id", "name", "kind", "lat", "lon", "kecamatan"),
        (
            (s.station_id, s.name, s.kind, coord6(s.lat), coord6(s.lon), s.kecamatan)
            for s in stations
        ),
    )


def _looks_like_dataset(folder: Path) -> list[str]:
    """Names in ``folder`` that a demo dataset would not hold."""
    allowed = set(DATASET_FILES) | {".cache"}
    return sorted(p.name for p in folder.iterdir() if p.name not in allowed)


def write_demo(
    out: Path | str,
    *,
    seed: int = DEFAULT_SEED,
    n_venues: int = DEFAULT_N_VENUES,
    force: bool = False,
) -> DemoSummary:
    """Generate the demo dataset into the folder ``out``, atomically.

    The files are built in a temporary folder next to ``out`` and renamed into place only when
    all were written, so an error leaves ``out`` as it was.

    Parameters
    ----------
    out
        The dataset folder to create.
    seed, n_venues
        See :func:`build_demo`.
    force
        Replace ``out`` if it is not empty. Even then a folder that holds files a dataset would
        not hold is refused, so a mistyped ``--out`` cannot delete unrelated work.

    Raises
    ------
    PlannerError
        If ``out`` is a file, or a non-empty folder without ``force``.
    """
    started = time.perf_counter()
    out = Path(out)
    _check_target(out, force=force)
    data = build_demo(seed=seed, n_venues=n_venues)
    _replace_folder(out, data.files)
    return DemoSummary(
        out=out,
        seed=seed,
        counts=data.counts,
        file_bytes={name: len(content) for name, content in data.files.items()},
        elapsed_s=time.perf_counter() - started,
    )


def _check_target(out: Path, *, force: bool) -> None:
    """Refuse a file, a non-empty folder without ``force``, and a folder with strangers."""
    if out.exists() and not out.is_dir():
        raise PlannerError(
            msg(f"{out} adalah berkas, bukan folder", f"{out} is a file, not a folder")
        )
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise PlannerError(
                msg(
                    f"Folder {out} tidak kosong; pakai --force untuk menggantinya.",
                    f"Folder {out} is not empty; use --force to replace it.",
                )
            )
        strangers = _looks_like_dataset(out)
        if strangers:
            raise PlannerError(
                msg(
                    f"Folder {out} berisi berkas yang bukan bagian dataset "
                    f"({', '.join(strangers[:5])}); tidak diganti.",
                    f"Folder {out} holds files that are not part of a dataset "
                    f"({', '.join(strangers[:5])}); not replaced.",
                )
            )


def _replace_folder(out: Path, files: dict[str, bytes]) -> None:
    """Make ``out`` a folder of exactly ``files``, atomically: they are written to a temporary
    sibling folder that is renamed over ``out`` (the old folder, and its ``.cache``, removed).

    ``planner._atomic`` replaces files, not a whole folder; this is the folder-level swap.
    """
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    try:
        for name, content in files.items():
            (tmp / name).write_bytes(content)
            os.chmod(tmp / name, 0o644)
        os.chmod(tmp, 0o755)
        old: Path | None = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=parent))
            os.rmdir(old)
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
