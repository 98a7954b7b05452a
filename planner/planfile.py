"""The versioned JSON formats of a plan (``plan.json``) and of a compiled problem.

``planner plan`` writes ``plan.json`` with :func:`plan_to_json`; ``planner plan --export-problem``
writes the compiled :class:`~planner.problem.NightProblem` with :func:`problem_to_json`;
``planner check`` reads both back (:func:`plan_from_json`, :func:`problem_from_json`) and re-verifies
the plan without loading OR-Tools. The formats are documented in ``docs/plan-format.md``; a reader
refuses a format or version it does not know with an :class:`~planner.errors.InputError`.
"""

from __future__ import annotations

import dataclasses
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
PROBLEM_VERSION = 2
"""v2 (issue 14) adds ``desa_decay``, the presence curve; v1 files are still read (no curve)."""
PROBLEM_VERSIONS_READ = (1, 2)
PLAN_FORMAT = "warkop-plan"
PLAN_VERSION = 1


# ------------------------------------------------------------------------ problem JSON


def problem_to_json(problem: NightProblem) -> dict[str, Any]:
    """The problem as a JSON-ready dict (format ``warkop-night-problem`` v2).

    See ``docs/plan-format.md``. Matrices are nested lists of integers (travel) and
    metres rounded to 0.1 m.
    """
    return {
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
        "travel_s": {p: problem.travel_s[i].tolist() for i, p in enumerate(problem.profiles)},
        "dist_m": {
            p: np.round(problem.dist_m[i], 1).tolist() for i, p in enumerate(problem.profiles)
        },
        "max_stops": problem.max_stops,
        "max_per_desa": problem.max_per_desa,
        "desa_decay": problem.desa_decay,
        "total_priority": problem.total_priority,
        "exchange_rate_min": problem.exchange_rate_min,
        "dropped": [dataclasses.asdict(d) for d in problem.dropped],
        "unmet_must_visit": [list(u) for u in problem.unmet_must_visit],
    }


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
        nodes = data["nodes"]
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
            travel_s=np.array([data["travel_s"][p] for p in profiles], dtype=np.int64),
            dist_m=np.array([data["dist_m"][p] for p in profiles], dtype=np.float64),
            max_stops=data.get("max_stops"),
            max_per_desa=data.get("max_per_desa"),
            # v1 knew no curve: the plain sum
            desa_decay=float(data["desa_decay"]) if data["version"] >= 2 else 1.0,
            total_priority=float(data.get("total_priority", 0.0)),
            dropped=tuple(Dropped(**d) for d in data.get("dropped", [])),
            unmet_must_visit=tuple((str(a), str(b)) for a, b in data.get("unmet_must_visit", [])),
            exchange_rate_min=float(data.get("exchange_rate_min", 10.0)),
        )
    except (KeyError, ValueError, TypeError, IndexError) as exc:
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
    embed_problem: bool = False,
) -> dict[str, Any]:
    """The plan as a JSON-ready dict (format ``warkop-plan`` v1, see docs/plan-format.md).

    ``problem`` adds the totals (desa and kecamatan covered); ``result`` adds the solver
    status, objective, wall time and stats; ``settings`` records the routing settings used;
    ``embed_problem`` includes the whole compiled problem so ``planner check`` needs no
    second file.
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
        out["problem"] = problem_to_json(problem)
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
    _check_format(data, bag, format_name=PLAN_FORMAT, version=PLAN_VERSION)
    routes = []
    for ri, r in enumerate(data.get("routes", [])):
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
    for di, d in enumerate(data.get("dropped", [])):
        try:
            dropped.append(Dropped(**d))
        except TypeError as exc:
            bag.add(column=f"dropped[{di}]", value=str(exc), expected=msg("venue", "a venue"))
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
        total_priority=float(data.get("total_priority", 0.0)),
        unmet_must_visit=tuple((str(a), str(b)) for a, b in data.get("unmet_must_visit", [])),
        meta=meta,
    )


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
    "PROBLEM_FORMAT",
    "PROBLEM_VERSION",
    "PROBLEM_VERSIONS_READ",
    "plan_from_json",
    "plan_to_json",
    "plan_totals",
    "problem_from_json",
    "problem_to_json",
]
