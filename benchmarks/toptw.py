"""TOPTW benchmark instances as NightProblems, and a PyVRP adapter for side-by-side runs.

Format and rounding: ``../shared/bench/toptw/README.md``. Travel times are Euclidean distances
×100 rounded *up* to integers (as in the reference runs): a route feasible in integers is
feasible with exact distances. Service times, windows and ``Tmax`` are scaled by 100 too. The
window ``[O, C]`` of a customer bounds the *start* of service, exactly like a NightProblem
venue window (whose latest start is close − dwell).
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from planner.domain import Night
from planner.problem import NightProblem

SCALE = 100
ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "toptw"


@dataclass(frozen=True)
class Instance:
    name: str
    set: str
    xy: np.ndarray  # (n + 1, 2), depot first
    service: np.ndarray
    score: np.ndarray
    open_: np.ndarray
    close: np.ndarray
    n_depots: int = 1
    """Chao's TOP files: 2 (the start point, then the end point, first in ``xy``)."""
    m: int | None = None
    """Routes given by the file (Chao's TOP sets); None: the benchmark's ``m``."""

    @property
    def tmax(self) -> float:
        return float(self.close[0])


def read_instance(path: Path) -> Instance:
    """Read a KU Leuven TOPTW file (vertex lines = lines with at least 9 numbers)."""
    rows = []
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) < 9:
            continue
        try:
            nums = [float(x) for x in parts]
        except ValueError:
            continue
        rows.append(nums)
    rows.sort(key=lambda r: r[0])
    return Instance(
        name=Path(path).stem,
        set=Path(path).parent.name,
        xy=np.array([[r[1], r[2]] for r in rows]),
        service=np.array([r[3] for r in rows]),
        score=np.array([r[4] for r in rows]),
        open_=np.array([r[-2] for r in rows]),
        close=np.array([r[-1] for r in rows]),
    )


def read_chao(path: Path) -> Instance:
    """Read a Chao, Golden & Wasil TOP file (``n``, ``m``, ``tmax``, then ``x y score`` lines,
    the start point first and the end point last): no windows, no service times.

    The depots go first (start, end), then the customers in file order.
    """
    head: dict[str, float] = {}
    pts: list[list[float]] = []
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("n", "m", "tmax"):
            head[parts[0]] = float(parts[1])
        elif len(parts) == 3:
            pts.append([float(x) for x in parts])
    xy = np.array([p[:2] for p in pts])
    score = np.array([p[2] for p in pts])
    order = [0, len(pts) - 1, *range(1, len(pts) - 1)]
    n = len(pts)
    tmax = head["tmax"]
    return Instance(
        name=Path(path).stem,
        set=f"chao_{Path(path).parent.name}",
        xy=xy[order],
        service=np.zeros(n),
        score=np.concatenate([[0.0, 0.0], score[order[2:]]]),
        open_=np.zeros(n),
        close=np.full(n, tmax),
        n_depots=2,
        m=int(head["m"]),
    )


DEFAULT_WEIGHT = 10_000


def to_problem(inst: Instance, m: int, *, score_weight: int | None = None) -> NightProblem:
    """The instance with ``m`` routes as a NightProblem (one depot, ``m`` identical squads;
    Chao's files: a start and an end depot, and their own ``m``).

    The presence curve is off (``desa_decay`` 1, no desa groups): the pure team orienteering
    problem of the literature.

    ``penalty = score × score_weight`` (travel is in 1/100 distance units); ``score_weight=0``
    means lexicographic: larger than any possible total travel (``m × Tmax``). Measured at
    3 s on the default subset: lexicographic 4.45 % mean gap, 1 000 → 4.76 %, 10 000 → 2.96 %
    (guided local search works badly when penalties dwarf arc costs).
    """
    m = inst.m if inst.m is not None else m
    n = len(inst.xy)
    nd = inst.n_depots
    d = np.sqrt(((inst.xy[:, None, :] - inst.xy[None, :, :]) ** 2).sum(axis=2))
    travel = np.ceil(np.round(d * SCALE, 6)).astype(np.int64)
    tmax = math.ceil(inst.tmax * SCALE)
    weight = DEFAULT_WEIGHT if score_weight is None else score_weight
    if weight == 0:
        weight = m * tmax + 1
    open_s = np.round(inst.open_ * SCALE).astype(np.int64)
    latest = np.floor(inst.close * SCALE + 1e-6).astype(np.int64)
    open_s[:nd], latest[:nd] = 0, tmax
    return NightProblem(
        night=Night.parse("2000-01-01"),
        node_ids=(
            *(("depot",) if nd == 1 else ("start", "end")),
            *(f"c{i}" for i in range(1, n - nd + 1)),
        ),
        n_depots=nd,
        open_s=open_s,
        latest_start_s=latest,
        dwell_s=np.ceil(inst.service * SCALE - 1e-6).astype(np.int64),
        prize=inst.score,
        penalty=(inst.score * weight).astype(np.int64),
        must_visit=np.zeros(n, dtype=bool),
        allowed=np.hstack([np.zeros((m, nd), dtype=bool), np.ones((m, n - nd), dtype=bool)]),
        desa_group=np.full(n, -1),
        desa_codes=(),
        kecamatan=("",) * n,
        squad_ids=tuple(f"v{k + 1}" for k in range(m)),
        start_node=np.zeros(m, dtype=np.int64),
        end_node=np.full(m, nd - 1),
        shift_start_s=np.zeros(m, dtype=np.int64),
        shift_end_s=np.full(m, tmax),
        squad_profile=np.zeros(m, dtype=np.int64),
        profiles=("euclid",),
        travel_s=travel[None],
        dist_m=d[None],
        total_priority=float(inst.score.sum()),
        desa_decay=1.0,
    )


def read_bks(path: Path | None = None) -> dict[tuple[str, str, int], dict[str, str]]:
    path = path or ROOT / "bks.csv"
    with open(path, newline="") as fh:
        return {(r["set"], r["instance"], int(r["m"])): r for r in csv.DictReader(fh)}


def read_reference(path: Path | None = None) -> dict[tuple[str, str, int, float], dict[str, str]]:
    path = path or ROOT / "reference_runs.csv"
    with open(path, newline="") as fh:
        return {
            (r["set"], r["instance"], int(r["m"]), float(r["T"])): r for r in csv.DictReader(fh)
        }


# ---------------------------------------------------------------------------- PyVRP


def solve_pyvrp(
    problem: NightProblem, *, time_limit_s: float, seed: int = 0
) -> tuple[list[list[int]], float]:
    """Solve a NightProblem with PyVRP (prize-collecting clients), as node routes per squad.

    Jurisdiction is encoded with one routing profile per squad whose forbidden venues are
    unreachable (a duration beyond every shift); must-visit venues are required clients.
    Prizes are the NightProblem penalties, so PyVRP's cost equals our objective.
    """
    import pyvrp
    from pyvrp.stop import MaxRuntime

    t0 = time.perf_counter()
    n = problem.n_nodes
    nd = problem.n_depots
    horizon = int(problem.shift_end_s.max()) + 1
    locations = [pyvrp.Location(float(i), 0.0) for i in range(n)]
    depots = [
        pyvrp.Depot(i, tw_early=int(problem.open_s[i]), tw_late=int(problem.latest_start_s[i]))
        for i in range(nd)
    ]
    clients = [
        pyvrp.Client(
            v,
            service_duration=int(problem.dwell_s[v]),
            tw_early=int(problem.open_s[v]),
            tw_late=int(problem.latest_start_s[v]),
            prize=int(problem.penalty[v]),
            required=bool(problem.must_visit[v]),
        )
        for v in range(nd, n)
    ]
    # one matrix per distinct (profile, allowed set); identical squads share a vehicle type
    keys: dict[tuple[int, bytes], int] = {}
    mats: list[np.ndarray] = []
    # vehicle type key: (matrix, start, end, tw_early, tw_late)
    counts: dict[tuple[int, int, int, int, int], int] = {}
    squad_of_type: dict[tuple[int, int, int, int, int], list[int]] = {}
    for k in range(problem.n_squads):
        key = (int(problem.squad_profile[k]), problem.allowed[k].tobytes())
        if key not in keys:
            t = np.array(problem.travel(k), dtype=np.int64)
            forbidden = np.flatnonzero(~problem.allowed[k][nd:]) + nd
            t[forbidden, :] = horizon
            t[:, forbidden] = horizon
            np.fill_diagonal(t, 0)
            keys[key] = len(mats)
            mats.append(t)
        vt = (
            keys[key],
            int(problem.start_node[k]),
            int(problem.end_node[k]),
            int(problem.shift_start_s[k]),
            int(problem.shift_end_s[k]),
        )
        counts[vt] = counts.get(vt, 0) + 1
        squad_of_type.setdefault(vt, []).append(k)
    types = list(counts)
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=counts[vt],
            start_depot=vt[1],
            end_depot=vt[2],
            tw_early=vt[3],
            tw_late=vt[4],
            profile=vt[0],
        )
        for vt in types
    ]
    data = pyvrp.ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        mats,  # type: ignore[arg-type]
        mats,  # type: ignore[arg-type]
    )
    result = pyvrp.solve(
        data,
        stop=MaxRuntime(max(0.01, time_limit_s - (time.perf_counter() - t0))),
        seed=seed,
        display=False,
    )
    wall = time.perf_counter() - t0
    routes: list[list[int]] = [[] for _ in range(problem.n_squads)]
    used = {vt: 0 for vt in types}
    if not result.is_feasible():
        return routes, wall
    for r in result.best.routes():
        vt = types[r.vehicle_type()]
        k = squad_of_type[vt][used[vt]]
        used[vt] += 1
        routes[k] = [nd + int(a.idx) for a in r if a.is_client()]
    return routes, wall


def score_of(problem: NightProblem, routes: Sequence[Sequence[int]]) -> float:
    return float(sum(problem.prize[v] for r in routes for v in r))
