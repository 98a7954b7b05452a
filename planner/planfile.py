"""The versioned JSON formats of a plan (``plan.json``) and of a compiled problem.

``planner plan`` writes ``plan.json`` with :func:`plan_to_json`; ``planner plan --export-problem``
writes the compiled :class:`~planner.problem.NightProblem` with :func:`problem_to_json`;
``planner check`` reads both back (:func:`plan_from_json`, :func:`problem_from_json`) and re-verifies
the plan without loading OR-Tools. The formats are documented in ``docs/plan-format.md``; a reader
refuses a format or version it does not know with an :class:`~planner.errors.InputError`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import math
import zlib
from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np

from planner.config import Settings
from planner.domain import Dropped, Night, Plan, Route, Stop
from planner.errors import ProblemCollector
from planner.problem import NightProblem, SolveResult, curve_weights
from planner.text import Msg, msg

PROBLEM_FORMAT = "warkop-night-problem"
PROBLEM_VERSION = 3
"""v3 (issue 17): no road is ``null`` in ``dist_m`` (v2 wrote the invalid JSON ``Infinity``),
matrices may be packed (:data:`PACKED`) and may hold only some nodes' legs (``matrix_nodes``,
the copy embedded in a plan.json); v2 (issue 14) added ``desa_decay``; v1 and v2 are still read."""
PROBLEM_VERSIONS_READ = (1, 2, 3)
PLAN_FORMAT = "warkop-plan"
PLAN_VERSION = 2
"""v2 (issue 17): the problem is embedded by default (``problem``, packed, with the legs of the
plan's nodes), so ``planner check plan.json`` checks every rule; v1 files are still read."""
PLAN_VERSIONS_READ = (1, 2)
PACKED = "int32-rowdelta-planes-zlib-base64"
"""A packed matrix: int32, as byte planes of its zigzagged differences along rows
(``planner.network.cache.encode_ints``, the matrix cache's exact codec), deflated, base64;
``dist_m`` in decimetres, -1 where no road leads."""
UNKNOWN_LEG_S = 10_000_000
"""Travel seconds of a leg a checking copy of the problem does not hold (as the road network
marks "no path"); its distance is ``inf``."""


# ------------------------------------------------------------------------ problem JSON


def _pack(arr: np.ndarray) -> dict[str, Any]:
    from planner.network.cache import encode_ints  # the one codec (loads the network module)

    planes = encode_ints(np.asarray(arr, dtype=np.int64))
    data = base64.b64encode(zlib.compress(planes.tobytes(), 9)).decode()
    return {"encoding": PACKED, "shape": list(arr.shape), "planes": len(planes), "data": data}


def _unpack(doc: Any) -> np.ndarray:
    from planner.network.cache import decode_ints

    if doc.get("encoding") != PACKED:
        raise ValueError(f"unknown matrix encoding {doc.get('encoding')!r}, expected {PACKED}")
    rows, cols = (int(x) for x in doc["shape"])
    raw = zlib.decompress(base64.b64decode(doc["data"], validate=True))
    planes = np.frombuffer(raw, dtype=np.uint8).reshape(int(doc["planes"]), rows * cols)
    return decode_ints(planes, (rows, cols)).astype(np.int64)


def _dist_doc(dist: np.ndarray, *, packed: bool) -> Any:
    """Metres rounded to 0.1 m; no road (inf) is null, or -1 decimetres when packed."""
    finite = np.isfinite(dist)
    if packed:
        return _pack(np.where(finite, np.rint(np.where(finite, dist, 0) * 10), -1))
    rounded = np.round(np.where(finite, dist, 0), 1).tolist()
    if finite.all():
        return rounded
    return [[v if ok else None for v, ok in zip(row, oks, strict=True)] for row, oks in
            zip(rounded, finite.tolist(), strict=True)]  # fmt: skip


def _dist_from(doc: Any) -> np.ndarray:
    if isinstance(doc, Mapping):
        dm = _unpack(doc)
        return np.where(dm >= 0, dm / 10.0, np.inf)
    return np.array([[np.inf if v is None else v for v in row] for row in doc], dtype=np.float64)


def _travel_from(doc: Any) -> np.ndarray:
    return _unpack(doc) if isinstance(doc, Mapping) else np.array(doc, dtype=np.int64)


def _leg_nodes_of(problem: NightProblem, plan: Plan | None) -> np.ndarray | None:
    """The nodes whose legs a copy keeps: the stations and the venues ``plan`` visits (and
    only those the problem itself knows); None: every node."""
    known = problem.leg_nodes
    if plan is None:
        return None if known is None else known.copy()
    keep = np.zeros(problem.n_nodes, dtype=bool)
    keep[: problem.n_depots] = True
    for r in plan.routes:
        for stop in r.stops:
            with contextlib.suppress(KeyError):
                keep[problem.node_of(stop.venue_id)] = True
    return keep if known is None else keep & known


def problem_to_json(
    problem: NightProblem, *, packed: bool = False, legs_of: Plan | None = None
) -> dict[str, Any]:
    """The problem as a JSON-ready dict (format ``warkop-night-problem`` v3).

    See ``docs/plan-format.md``. Matrices are nested lists of integers (travel) and metres
    rounded to 0.1 m (``null``: no road), or with ``packed`` int32 arrays (:data:`PACKED`).
    With ``legs_of`` only the legs between the stations and the venues that plan visits are
    kept (``matrix_nodes``): the copy a plan.json embeds, enough to check that plan.
    """
    legs = _leg_nodes_of(problem, legs_of)
    rows = np.arange(problem.n_nodes) if legs is None else np.flatnonzero(legs)
    travel = problem.travel_s[:, rows][:, :, rows]
    dist = problem.dist_m[:, rows][:, :, rows]
    out: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "version": PROBLEM_VERSION,
        "night": problem.night.date.isoformat(),
        "time_unit": "seconds after 12:00 WIB of the night's date",
        "n_depots": problem.n_depots,
        "nodes": [
            {
                "id": nid,
                "kind": "depot" if i < problem.n_depots else "venue",
                "open_s": int(problem.open_s[i]),
                "latest_start_s": int(problem.latest_start_s[i]),
                "dwell_s": int(problem.dwell_s[i]),
                "prize": float(problem.prize[i]),
                "penalty": int(problem.penalty[i]),
                "must_visit": bool(problem.must_visit[i]),
                "desa": (
                    problem.desa_codes[problem.desa_group[i]]
                    if problem.desa_group[i] >= 0
                    else None
                ),
                "kecamatan": problem.kecamatan[i],
                "allowed_squads": [
                    problem.squad_ids[k] for k in np.flatnonzero(problem.allowed[:, i])
                ],
            }
            for i, nid in enumerate(problem.node_ids)
        ],
        "squads": [
            {
                "id": sid,
                "start": problem.node_ids[problem.start_node[k]],
                "end": problem.node_ids[problem.end_node[k]],
                "shift_start_s": int(problem.shift_start_s[k]),
                "shift_end_s": int(problem.shift_end_s[k]),
                "profile": problem.profiles[problem.squad_profile[k]],
            }
            for k, sid in enumerate(problem.squad_ids)
        ],
        "profiles": list(problem.profiles),
    }
    if packed:
        out["nodes"] = _columns(out["nodes"])
    if legs is not None:
        out["matrix_nodes"] = [problem.node_ids[i] for i in rows]
    out |= {
        "travel_s": {
            p: _pack(travel[i]) if packed else travel[i].tolist()
            for i, p in enumerate(problem.profiles)
        },
        "dist_m": {p: _dist_doc(dist[i], packed=packed) for i, p in enumerate(problem.profiles)},
        "max_stops": problem.max_stops,
        "max_per_desa": problem.max_per_desa,
        "desa_decay": problem.desa_decay,
        "total_priority": problem.total_priority,
        "exchange_rate_min": problem.exchange_rate_min,
        "dropped": [dataclasses.asdict(d) for d in problem.dropped],
        "unmet_must_visit": [list(u) for u in problem.unmet_must_visit],
    }
    return out


def _columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The nodes as columns (one list per key): a packed problem's compact form."""
    keys = list(rows[0]) if rows else ["id"]
    return {k: [r[k] for r in rows] for k in keys}


def _rows(nodes: Any) -> list[Mapping[str, Any]]:
    """The nodes as one mapping each, from either form (a list of objects, or columns)."""
    if isinstance(nodes, Mapping):
        columns = {str(k): list(v) for k, v in nodes.items()}
        n = len(columns.get("id", []))
        if any(len(v) != n for v in columns.values()):
            raise ValueError("node columns of different lengths")
        return [{k: v[i] for k, v in columns.items()} for i in range(n)]
    if not isinstance(nodes, list) or not all(isinstance(nd, Mapping) for nd in nodes):
        raise TypeError("nodes must be a list of objects or an object of columns")
    return nodes


def _matrices_from(
    data: Mapping[str, Any], ids: list[str], profiles: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """travel_s, dist_m (every node; legs a copy does not hold read as no road) and the mask
    of the nodes whose legs are known (None: all)."""
    n = len(ids)
    travel = [_travel_from(data["travel_s"][p]) for p in profiles]
    dist = [_dist_from(data["dist_m"][p]) for p in profiles]
    if "matrix_nodes" not in data:
        return np.array(travel, dtype=np.int64), np.array(dist, dtype=np.float64), None
    index = {nid: i for i, nid in enumerate(ids)}
    rows = np.array([index[str(x)] for x in data["matrix_nodes"]], dtype=np.int64)
    full_t = np.full((len(profiles), n, n), UNKNOWN_LEG_S, dtype=np.int64)
    full_d = np.full((len(profiles), n, n), np.inf)
    for k in range(len(profiles)):
        full_t[k][np.ix_(rows, rows)] = travel[k]
        full_d[k][np.ix_(rows, rows)] = dist[k]
        np.fill_diagonal(full_t[k], 0)
        np.fill_diagonal(full_d[k], 0.0)
    known = np.zeros(n, dtype=bool)
    known[rows] = True
    return full_t, full_d, known


def problem_from_json(data: Mapping[str, Any], *, file: str = "problem.json") -> NightProblem:
    """Read a problem written by :func:`problem_to_json`.

    Raises
    ------
    InputError
        If the format, version or any field is wrong (the JSON key is the column).
    """
    bag = ProblemCollector(file)
    _check_format(
        data,
        bag,
        format_name=PROBLEM_FORMAT,
        version=PROBLEM_VERSIONS_READ,
        what=msg(" (berkas dari --export-problem)", " (a file written by --export-problem)"),
    )
    try:
        nodes = _rows(data["nodes"])
        ids = [str(nd["id"]) for nd in nodes]
        squads = data["squads"]
        sq_ids = [str(sq["id"]) for sq in squads]
        profiles = [str(p) for p in data["profiles"]]
        desa_codes = sorted({nd["desa"] for nd in nodes if nd.get("desa") is not None})
        desa_ix = {d: i for i, d in enumerate(desa_codes)}
        index = {nid: i for i, nid in enumerate(ids)}
        sq_index = {sid: k for k, sid in enumerate(sq_ids)}
        allowed = np.zeros((len(sq_ids), len(ids)), dtype=bool)
        for i, nd in enumerate(nodes):
            for sid in nd.get("allowed_squads", []):
                allowed[sq_index[sid], i] = True
        travel, dist, leg_nodes = _matrices_from(data, ids, profiles)
        return NightProblem(
            night=Night.parse(str(data["night"])),
            node_ids=tuple(ids),
            n_depots=int(data["n_depots"]),
            open_s=np.asarray([int(nd["open_s"]) for nd in nodes], dtype=np.int64),
            latest_start_s=np.asarray([int(nd["latest_start_s"]) for nd in nodes], dtype=np.int64),
            dwell_s=np.asarray([int(nd["dwell_s"]) for nd in nodes], dtype=np.int64),
            prize=np.asarray([float(nd["prize"]) for nd in nodes], dtype=np.float64),
            penalty=np.asarray([int(nd["penalty"]) for nd in nodes], dtype=np.int64),
            must_visit=np.asarray([bool(nd["must_visit"]) for nd in nodes], dtype=bool),
            allowed=allowed,
            desa_group=np.asarray(
                [desa_ix[nd["desa"]] if nd.get("desa") is not None else -1 for nd in nodes],
                dtype=np.int64,
            ),
            desa_codes=tuple(desa_codes),
            kecamatan=tuple(str(nd.get("kecamatan") or "") for nd in nodes),
            squad_ids=tuple(sq_ids),
            start_node=np.asarray([index[sq["start"]] for sq in squads], dtype=np.int64),
            end_node=np.asarray([index[sq["end"]] for sq in squads], dtype=np.int64),
            shift_start_s=np.asarray([int(sq["shift_start_s"]) for sq in squads], dtype=np.int64),
            shift_end_s=np.asarray([int(sq["shift_end_s"]) for sq in squads], dtype=np.int64),
            squad_profile=np.asarray(
                [profiles.index(sq["profile"]) for sq in squads], dtype=np.int64
            ),
            profiles=tuple(profiles),
            travel_s=travel,
            dist_m=dist,
            leg_nodes=leg_nodes,
            max_stops=data.get("max_stops"),
            max_per_desa=data.get("max_per_desa"),
            # v1 knew no curve: the plain sum
            desa_decay=float(data["desa_decay"]) if data["version"] >= 2 else 1.0,
            total_priority=float(data.get("total_priority", 0.0)),
            dropped=tuple(Dropped(**d) for d in data.get("dropped", [])),
            unmet_must_visit=tuple((str(a), str(b)) for a, b in data.get("unmet_must_visit", [])),
            exchange_rate_min=float(data.get("exchange_rate_min", 10.0)),
        )
    except (
        KeyError,
        ValueError,
        TypeError,
        IndexError,
        AttributeError,
        OverflowError,
        zlib.error,
        binascii.Error,
    ) as exc:
        bag.add(
            value=f"{type(exc).__name__}: {exc}",
            expected=msg(
                "masalah malam yang lengkap dan konsisten (lihat docs/plan-format.md)",
                "a complete, consistent night problem (see docs/plan-format.md)",
            ),
        )
        bag.raise_if_any()
        raise AssertionError("unreachable") from None


# ------------------------------------------------------------------------ plan totals


def plan_totals(plan: Plan, problem: NightProblem) -> dict[str, Any]:
    """The totals a person reads under a plan.

    Returns a dict with ``collected`` (priority), ``value`` (priority collected under the
    presence curve: the k-th visit of a desa counts ``desa_decay ** (k - 1)``), ``total_priority``,
    ``share``, ``visits``, ``desa`` and ``kecamatan`` (how many distinct ones were visited),
    ``desa_max_visits`` (the most visits of one desa), ``travel_s``, ``dist_m``, ``wait_s``,
    ``squads_used``.
    """
    desa: Counter[str] = Counter()
    kec: set[str] = set()
    nodes: list[int] = []
    for r in plan.routes:
        for s in r.stops:
            try:
                i = problem.node_of(s.venue_id)
            except KeyError:
                continue
            nodes.append(i)
            if problem.desa_group[i] >= 0:
                desa[problem.desa_codes[problem.desa_group[i]]] += 1
            kec.add(problem.kecamatan[i])
    collected = plan.collected
    value = float((problem.prize[nodes] * curve_weights(problem, nodes)).sum()) if nodes else 0.0
    return {
        "collected": round(collected, 6),
        "value": round(value, 6),
        "total_priority": round(plan.total_priority, 6),
        "share": round(collected / plan.total_priority, 6) if plan.total_priority > 0 else 0.0,
        "visits": plan.visits,
        "desa": len(desa),
        "desa_max_visits": max(desa.values(), default=0),
        "kecamatan": len(kec),
        "travel_s": int(sum(r.travel_s for r in plan.routes)),
        "dist_m": round(sum(r.dist_m for r in plan.routes), 1),
        "wait_s": int(sum(s.wait_s for r in plan.routes for s in r.stops)),
        "squads_used": sum(1 for r in plan.routes if r.stops),
    }


# ------------------------------------------------------------------------ plan JSON


def plan_to_json(
    plan: Plan,
    problem: NightProblem | None = None,
    result: SolveResult | None = None,
    *,
    settings: Settings | None = None,
    embed_problem: bool | str = True,
) -> dict[str, Any]:
    """The plan as a JSON-ready dict (format ``warkop-plan`` v2, see docs/plan-format.md).

    ``problem`` adds the totals (desa and kecamatan covered) and, with ``embed_problem`` (the
    default), the problem itself, packed and with the legs between the stations and the
    visited venues only (what every rule of ``planner check`` needs, about 10 % of the whole
    export on the demo night); ``embed_problem="whole"`` embeds every leg, ``False`` none.
    ``result`` adds the solver status, objective, wall time and stats; ``settings`` records
    the routing settings used.
    """
    out: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "night": plan.night.date.isoformat(),
        "time_unit": "seconds after 12:00 WIB of the night's date",
        "routes": [
            {
                "squad_id": r.squad_id,
                "station_id": r.station_id,
                "depart_s": r.depart_s,
                "return_s": r.return_s,
                "return_travel_s": r.return_travel_s,
                "return_dist_m": r.return_dist_m,
                "stops": [
                    {
                        "venue_id": s.venue_id,
                        "arrival_s": s.arrival_s,
                        "start_s": s.start_s,
                        "departure_s": s.departure_s,
                        "travel_s": s.travel_s,
                        "dist_m": s.dist_m,
                        "priority": s.priority,
                    }
                    for s in r.stops
                ],
            }
            for r in plan.routes
        ],
        "dropped": [dataclasses.asdict(d) for d in plan.dropped],
        "unmet_must_visit": [list(u) for u in plan.unmet_must_visit],
        "total_priority": plan.total_priority,
    }
    if problem is not None:
        out["totals"] = plan_totals(plan, problem)
    if result is not None:
        out["solver"] = {
            "status": result.status,
            "objective": int(result.objective),
            "wall_s": round(result.wall_s, 3),
            "stats": _jsonable(result.stats),
        }
    if settings is not None:
        out["settings"] = {"routing": settings.routing.model_dump()}
    if embed_problem and problem is not None:
        legs_of = None if embed_problem == "whole" else plan
        out["problem"] = problem_to_json(problem, packed=True, legs_of=legs_of)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def plan_from_json(data: Mapping[str, Any], *, file: str = "plan.json") -> Plan:
    """Read a plan written by :func:`plan_to_json` (the solver section goes to ``meta``).

    Raises
    ------
    InputError
        If the format or version is wrong or a field is missing or malformed.
    """
    bag = ProblemCollector(file)
    _check_format(data, bag, format_name=PLAN_FORMAT, version=PLAN_VERSIONS_READ)
    routes = []
    for ri, r in enumerate(_list_of(data, "routes", bag)):
        try:
            stops = tuple(
                Stop(
                    venue_id=str(s["venue_id"]),
                    arrival_s=int(s["arrival_s"]),
                    start_s=int(s["start_s"]),
                    departure_s=int(s["departure_s"]),
                    travel_s=int(s["travel_s"]),
                    dist_m=float(s["dist_m"]),
                    priority=float(s["priority"]),
                )
                for s in r["stops"]
            )
            routes.append(
                Route(
                    squad_id=str(r["squad_id"]),
                    station_id=str(r["station_id"]),
                    depart_s=int(r["depart_s"]),
                    return_s=int(r["return_s"]),
                    stops=stops,
                    return_travel_s=int(r["return_travel_s"]),
                    return_dist_m=float(r["return_dist_m"]),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            bag.add(
                column=f"routes[{ri}]",
                value=f"{type(exc).__name__}: {exc}",
                expected=msg("rute yang lengkap dan konsisten", "a complete, consistent route"),
            )
    dropped = []
    for di, d in enumerate(_list_of(data, "dropped", bag)):
        try:
            dropped.append(Dropped(**d))
        except (TypeError, ValueError) as exc:
            expected = msg(
                "{venue_id, reason, priority, detail}", "{venue_id, reason, priority, detail}"
            )
            bag.add(column=f"dropped[{di}]", value=str(exc), expected=expected)
    unmet: list[tuple[str, str]] = []
    for ui, u in enumerate(_list_of(data, "unmet_must_visit", bag)):
        if isinstance(u, list | tuple) and len(u) == 2:
            unmet.append((str(u[0]), str(u[1])))
        else:
            expected = msg("[venue_id, alasan]", "[venue_id, reason]")
            bag.add(column=f"unmet_must_visit[{ui}]", value=u, expected=expected)
    total = data.get("total_priority", 0.0)
    if isinstance(total, bool) or not isinstance(total, int | float) or not math.isfinite(total):
        bag.add(column="total_priority", value=total, expected=msg("angka", "a number"))
    try:
        night = Night.parse(str(data.get("night")))
    except ValueError:
        bag.add(column="night", value=data.get("night"), expected=msg("YYYY-MM-DD", "YYYY-MM-DD"))
    bag.raise_if_any()
    meta: dict[str, object] = {}
    for key in ("solver", "settings", "totals"):
        if key in data:
            meta[key] = data[key]
    return Plan(
        night=night,
        routes=tuple(routes),
        dropped=tuple(dropped),
        total_priority=float(total),
        unmet_must_visit=tuple(unmet),
        meta=meta,
    )


def _list_of(data: Mapping[str, Any], key: str, bag: ProblemCollector) -> list[Any]:
    """``data[key]`` when it is a list (missing: empty); anything else is a problem."""
    value = data.get(key, [])
    if isinstance(value, list):
        return value
    bag.add(column=key, value=type(value).__name__, expected=msg("daftar (JSON list)", "a list"))
    return []


def _check_format(
    data: Any,
    bag: ProblemCollector,
    *,
    format_name: str,
    version: int | tuple[int, ...],
    what: Msg | None = None,
) -> None:
    """Refuse (InputError) a document of another format, or of a version this reader does not
    know (``version``: the one, or the ones, it reads); ``what`` says where a right file comes
    from."""
    versions = (version,) if isinstance(version, int) else version
    if not isinstance(data, Mapping) or data.get("format") != format_name:
        hint = what or msg("", "")
        bag.add(
            column="format",
            value=data.get("format") if isinstance(data, Mapping) else type(data).__name__,
            expected=msg(f"'{format_name}'{hint.id}", f"'{format_name}'{hint.en}"),
        )
        bag.raise_if_any()
    if data.get("version") not in versions:
        known = " / ".join(str(v) for v in versions)
        bag.add(
            column="version",
            value=data.get("version"),
            expected=msg(f"versi {known}", f"version {known}"),
        )
        bag.raise_if_any()


__all__ = [
    "PLAN_FORMAT",
    "PLAN_VERSION",
    "PLAN_VERSIONS_READ",
    "PROBLEM_FORMAT",
    "PROBLEM_VERSION",
    "PROBLEM_VERSIONS_READ",
    "plan_from_json",
    "plan_to_json",
    "plan_totals",
    "problem_from_json",
    "problem_to_json",
]
