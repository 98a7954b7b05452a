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
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from planner.config import Settings
from planner.domain import Dropped, Night, Plan, Route, Stop
from planner.errors import ProblemCollector
from planner.problem import NightProblem, SolveResult, curve_weights
from planner.text import Msg, msg

PROBLEM_FORMAT = "warkop-night-problem"
PROBLEM_VERSION = 4
"""v4 (issue 18): compact. Matrices always packed (:data:`PLANES`, one deflated stream per
byte plane, written a block of rows at a time), nodes as columns, and the distances exact
(road decimetres plus each node's ``access_m``) when the problem holds them so; about 30 times
smaller than v3's nested lists. v3 (issue 17): no road is ``null`` in ``dist_m`` (v2 wrote the
invalid JSON ``Infinity``), matrices may be packed (:data:`PACKED`) and may hold only some
nodes' legs (``matrix_nodes``, the copy embedded in a plan.json); v2 (issue 14) added
``desa_decay``; v1, v2 and v3 are still read."""
PROBLEM_VERSIONS_READ = (1, 2, 3, 4)
PLAN_FORMAT = "warkop-plan"
PLAN_VERSION = 2
"""v2 (issue 17): the problem is embedded by default (``problem``, packed, with the legs of the
plan's nodes), so ``planner check plan.json`` checks every rule; v1 files are still read."""
PLAN_VERSIONS_READ = (1, 2)
PACKED = "int32-rowdelta-planes-zlib-base64"
"""A packed matrix of v3: int32, as byte planes of its zigzagged differences along rows
(``planner.network.cache.encode_ints``, the matrix cache's exact codec), deflated as one stream,
base64; ``dist_m`` in decimetres, -1 where no road leads. Still read."""
PLANES = "int32-rowdelta-zigzag-4planes-zlib-base64"
"""A packed matrix of v4: int32; each cell the zigzagged difference to its left neighbour
(the first cell of a row: to 0), as an unsigned 32-bit number; its four bytes, least
significant first, make four planes of ``rows × cols`` bytes (row-major), each deflated and
base64-encoded on its own (``data``: a list of 4 strings). Exact, and neighbouring cells of a
travel matrix differ little, so the high planes deflate to almost nothing. ``dist_m``: road
decimetres, -1 where no road leads (see ``access_m``)."""
UNKNOWN_LEG_S = 10_000_000
"""Travel seconds of a leg a checking copy of the problem does not hold (as the road network
marks "no path"); its distance is ``inf``."""
_BLOCK_CELLS = 1 << 20
"""Cells a block of rows holds while a matrix is packed or unpacked (4 MB as int32; its
temporaries are a few times that, so an export adds little to a large night's memory)."""
_ZLIB_LEVEL = 6
"""Deflate level of :data:`PLANES`: at 5,000 venues 9 is slower for a few percent."""


# ------------------------------------------------------------------------ problem JSON


def _pack(arr: np.ndarray) -> dict[str, Any]:
    """A v3 packed matrix (:data:`PACKED`), kept to write the files of older versions in tests."""
    from planner.network.cache import encode_ints  # the one codec (loads the network module)

    planes = encode_ints(np.asarray(arr, dtype=np.int64))
    data = base64.b64encode(zlib.compress(planes.tobytes(), 9)).decode()
    return {"encoding": PACKED, "shape": list(arr.shape), "planes": len(planes), "data": data}


class _Packing:
    """The four planes of one :data:`PLANES` matrix, deflated in one pass over its rows (a
    large night's road distances are computed as they are read: once, not once per plane).

    The pass (:meth:`first`) hands on plane 0, the largest, as its deflated pieces come, and
    keeps the other three (the high bytes of small differences, little after deflate)."""

    __slots__ = ("high", "rows", "shape")

    def __init__(self, rows: Callable[[int, int], np.ndarray], shape: tuple[int, int]) -> None:
        self.rows, self.shape = rows, (int(shape[0]), int(shape[1]))
        self.high: list[bytes] | None = None
        """Planes 1-3 deflated, once a pass has ended."""

    def first(self) -> Iterator[bytes]:
        """One pass: plane 0 deflated, in pieces; planes 1-3 kept in :attr:`high`."""
        n_rows, n_cols = self.shape
        step = max(1, _BLOCK_CELLS // max(1, n_cols))
        streams = [zlib.compressobj(_ZLIB_LEVEL) for _ in range(4)]
        parts: list[list[bytes]] = [[], [], []]
        for lo in range(0, n_rows, step):
            planes = _planes_of(np.asarray(self.rows(lo, min(n_rows, lo + step))))
            yield streams[0].compress(planes[:, 0].tobytes())
            for i in (1, 2, 3):
                parts[i - 1].append(streams[i].compress(planes[:, i].tobytes()))
        yield streams[0].flush()
        self.high = [b"".join([*p, z.flush()]) for p, z in zip(parts, streams[1:], strict=True)]

    def plane(self, i: int) -> bytes:
        """Plane ``i`` (1-3) deflated, from the pass :meth:`first` made (or one made now)."""
        if self.high is None:
            for _ in self.first():
                pass
        return self.high[i - 1]  # type: ignore[index]  # set by the pass


class _Plane:
    """Plane ``i`` of a packed matrix as JSON text, base64-encoded as it is written
    (:func:`planner._atomic.write_json`): a large night's export never holds its packed
    text. ``str(plane)`` is the whole text (without quotes)."""

    __slots__ = ("i", "packing")

    def __init__(self, packing: _Packing, i: int) -> None:
        self.packing, self.i = packing, i

    def text_chunks(self) -> Iterator[str]:
        if self.i:
            yield base64.b64encode(self.packing.plane(self.i)).decode()
            return
        carry = b""
        for out in self.packing.first():
            carry += out
            whole = len(carry) - len(carry) % 3  # base64 of 3-byte groups concatenates
            if whole:
                yield base64.b64encode(carry[:whole]).decode()
                carry = carry[whole:]
        yield base64.b64encode(carry).decode()

    def json_chunks(self) -> Iterator[str]:
        """The plane as a JSON string, in pieces (the protocol of ``write_json``)."""
        yield '"'
        yield from self.text_chunks()
        yield '"'

    def __str__(self) -> str:
        return "".join(self.text_chunks())


def _pack_rows(
    rows: Callable[[int, int], np.ndarray], shape: tuple[int, int], *, streamed: bool = False
) -> dict[str, Any]:
    """A matrix as :data:`PLANES`, from ``rows(lo, hi)`` (int32-valued rows ``lo:hi``), a block
    at a time: no copy of the whole matrix is made. ``streamed``: the planes stay
    :class:`_Plane` objects, encoded only when ``write_json`` writes them (plane 0 first, so
    one pass makes all four)."""
    packing = _Packing(rows, shape)
    planes = [_Plane(packing, i) for i in range(4)]
    data: list[Any] = planes if streamed else [str(p) for p in planes]
    return {"encoding": PLANES, "shape": list(packing.shape), "data": data}


def _planes_of(block: np.ndarray) -> np.ndarray:
    """Rows of an int32-valued matrix as ``cells × 4`` bytes: the zigzagged differences along
    rows (the matrix cache's codec), little-endian (:data:`PLANES`)."""
    from planner.network.cache import zigzag_rows

    if block.size and (block.min() < np.iinfo(np.int32).min or block.max() > 2**31 - 1):
        raise ValueError("a matrix value does not fit in int32")
    return zigzag_rows(block, 0, len(block)).astype("<u4").view(np.uint8).reshape(-1, 4)


def _unpack(doc: Any) -> np.ndarray:
    """The int32 matrix of a packed document (:data:`PLANES` or v3's :data:`PACKED`)."""
    from planner.network.cache import decode_ints, unzigzag_rows

    rows, cols = (int(x) for x in doc["shape"])
    if rows < 0 or cols < 0:
        raise ValueError(f"a matrix of shape {doc['shape']}")
    if doc.get("encoding") == PLANES:
        data = doc["data"]
        if not isinstance(data, list) or len(data) != 4:
            raise ValueError(f"{PLANES} holds 4 planes, found {type(data).__name__}")
        planes = []
        for i, text in enumerate(data):
            raw = zlib.decompress(base64.b64decode(text, validate=True))
            if len(raw) != rows * cols:
                raise ValueError(f"plane {i}: {len(raw)} bytes for {rows}×{cols} cells")
            planes.append(np.frombuffer(raw, dtype=np.uint8))
        out = np.empty((rows, cols), dtype=np.int32)
        step = max(1, _BLOCK_CELLS // max(1, cols))
        for lo in range(0, rows, step):  # a block of rows at a time: no whole-matrix temporaries
            hi = min(rows, lo + step)
            u = np.zeros((hi - lo) * cols, dtype=np.uint32)
            for i, plane in enumerate(planes):
                u |= plane[lo * cols : hi * cols].astype(np.uint32) << np.uint32(8 * i)
            unzigzag_rows(u, out[lo:hi])
        return out
    if doc.get("encoding") != PACKED:
        raise ValueError(f"unknown matrix encoding {doc.get('encoding')!r}, expected {PLANES}")
    raw = zlib.decompress(base64.b64decode(doc["data"], validate=True))
    packed = np.frombuffer(raw, dtype=np.uint8).reshape(int(doc["planes"]), rows * cols)
    return decode_ints(packed, (rows, cols))


def _dist_doc(dist: np.ndarray, *, packed: bool) -> Any:
    """v3: metres rounded to 0.1 m; no road (inf) is null, or -1 decimetres when packed."""
    finite = np.isfinite(dist)
    if packed:
        return _pack(np.where(finite, np.rint(np.where(finite, dist, 0) * 10), -1))
    rounded = np.round(np.where(finite, dist, 0), 1).tolist()
    if finite.all():
        return rounded
    return [[v if ok else None for v, ok in zip(row, oks, strict=True)] for row, oks in
            zip(rounded, finite.tolist(), strict=True)]  # fmt: skip


def _decimetres(dist: np.ndarray) -> np.ndarray:
    """Metres as whole decimetres, -1 where no road leads (inf)."""
    finite = np.isfinite(dist)
    return np.where(finite, np.rint(np.where(finite, dist, 0) * 10), -1)


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
    problem: NightProblem,
    *,
    packed: bool = False,
    legs_of: Plan | None = None,
    version: int = PROBLEM_VERSION,
    streamed: bool = False,
) -> dict[str, Any]:
    """The problem as a JSON-ready dict (format ``warkop-night-problem``, v4 by default).

    See ``docs/plan-format.md``. v4 is compact: every matrix int32 and packed
    (:data:`PLANES`, a block of rows at a time, so writing adds little memory), the nodes as
    columns, distances exact when the problem holds them as road decimetres and access metres
    (``access_m``), else rounded to 0.1 m. ``version=3`` writes the previous format (matrices as
    nested lists of integers and metres rounded to 0.1 m, ``null``: no road; with ``packed``
    :data:`PACKED` arrays), for readers that know no v4. With ``legs_of`` only the legs
    between the stations and the venues that plan visits are kept (``matrix_nodes``): the copy
    a plan.json embeds, enough to check that plan. ``streamed`` (v4): the matrices' packed
    text is made only as :func:`planner._atomic.write_json` writes the document (the export
    of a large night then adds almost nothing to the memory the night holds); the dict is for
    that writer only.
    """
    if version not in (3, PROBLEM_VERSION):
        raise ValueError(f"problem_to_json writes version 3 or {PROBLEM_VERSION}, not {version}")
    legs = _leg_nodes_of(problem, legs_of)
    rows = np.arange(problem.n_nodes) if legs is None else np.flatnonzero(legs)
    out: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "version": version,
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
    if packed or version >= 4:
        out["nodes"] = _columns(out["nodes"])
    if legs is not None:
        out["matrix_nodes"] = [problem.node_ids[i] for i in rows]
    if version >= 4:
        out |= _compact_matrices(problem, rows, whole=legs is None, streamed=streamed)
    else:
        travel = problem.travel_s[:, rows][:, :, rows]
        dist = np.asarray(problem.dist_m)[:, rows][:, :, rows]
        out["travel_s"] = {
            p: _pack(travel[i]) if packed else travel[i].tolist()
            for i, p in enumerate(problem.profiles)
        }
        out["dist_m"] = {
            p: _dist_doc(dist[i], packed=packed) for i, p in enumerate(problem.profiles)
        }
    out |= {
        "max_stops": problem.max_stops,
        "max_per_desa": problem.max_per_desa,
        "desa_decay": problem.desa_decay,
        "total_priority": problem.total_priority,
        "exchange_rate_min": problem.exchange_rate_min,
        "dropped": [dataclasses.asdict(d) for d in problem.dropped],
        "unmet_must_visit": [list(u) for u in problem.unmet_must_visit],
    }
    return out


def _compact_matrices(
    problem: NightProblem, rows: np.ndarray, *, whole: bool, streamed: bool = False
) -> dict[str, Any]:
    """v4's ``travel_s``, ``dist_m`` (and ``access_m`` when the distances are exact road
    decimetres and access metres) between the nodes ``rows``, packed a block at a time."""
    shape = (len(rows), len(rows))

    def sub(mat: np.ndarray) -> Callable[[int, int], np.ndarray]:
        if whole:
            return lambda lo, hi: mat[lo:hi]
        return lambda lo, hi: mat[np.ix_(rows[lo:hi], rows)]

    out: dict[str, Any] = {
        "travel_s": {
            p: _pack_rows(sub(problem.travel_s[i]), shape, streamed=streamed)
            for i, p in enumerate(problem.profiles)
        }
    }
    dist = problem.dist_m
    if hasattr(dist, "road_dm") and len(problem.profiles):
        dists = [dist[i] if whole else dist[i].take(rows) for i in range(len(problem.profiles))]
        out["dist_m"] = {
            p: _pack_rows(d.road_rows, shape, streamed=streamed)
            for p, d in zip(problem.profiles, dists, strict=True)
        }
        access = dists[0].access_m if dists[0].nodes is None else dists[0].access_m[dists[0].nodes]
        out["access_m"] = [float(x) for x in access]
        return out

    def dm(mat: np.ndarray) -> Callable[[int, int], np.ndarray]:
        take = sub(mat)
        return lambda lo, hi: _decimetres(np.asarray(take(lo, hi), dtype=np.float64))

    out["dist_m"] = {
        p: _pack_rows(dm(np.asarray(dist[i])), shape, streamed=streamed)
        for i, p in enumerate(problem.profiles)
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
) -> tuple[np.ndarray, Any, np.ndarray | None]:
    """travel_s, dist_m (every node; legs a copy does not hold read as no road) and the mask
    of the nodes whose legs are known (None: all). Exact v4 distances (``access_m``) come back
    as the compact :class:`~planner.network.graph.Distances`."""
    n = len(ids)
    exact = "access_m" in data and int(data["version"]) >= 4
    travel = [_travel_from(data["travel_s"][p]) for p in profiles]
    dist = [
        _unpack(data["dist_m"][p]) if exact else _dist_from(data["dist_m"][p]) for p in profiles
    ]
    access = np.asarray([float(x) for x in data["access_m"]]) if exact else None
    rows: np.ndarray | None = None
    if "matrix_nodes" in data:
        index = {nid: i for i, nid in enumerate(ids)}
        rows = np.array([index[str(x)] for x in data["matrix_nodes"]], dtype=np.int64)
    m = n if rows is None else len(rows)
    for what, mats in (("travel_s", travel), ("dist_m", dist)):
        for mat in mats:
            if mat.shape != (m, m):
                raise ValueError(f"{what}: a {mat.shape} matrix for {m} nodes")
    if access is not None and access.shape != (m,):
        raise ValueError(f"access_m: {access.shape[0]} values for {m} nodes")
    if rows is None:
        full_t = np.array(travel, dtype=np.int32).reshape(len(profiles), n, n)
        if access is not None:
            return full_t, _distances(dist, access), None
        return full_t, np.array(dist, dtype=np.float64).reshape(len(profiles), n, n), None
    full_t = np.full((len(profiles), n, n), UNKNOWN_LEG_S, dtype=np.int32)
    ix = np.ix_(rows, rows)
    for k in range(len(profiles)):
        full_t[k][ix] = travel[k]
        np.fill_diagonal(full_t[k], 0)
    known = np.zeros(n, dtype=bool)
    known[rows] = True
    if access is not None:
        full_dm = []
        for k in range(len(profiles)):
            dm = np.full((n, n), -1, dtype=np.int32)
            dm[ix] = dist[k]
            full_dm.append(dm)
        full_access = np.zeros(n)
        full_access[rows] = access
        return full_t, _distances(full_dm, full_access), known
    full_d = np.full((len(profiles), n, n), np.inf)
    for k in range(len(profiles)):
        full_d[k][ix] = dist[k]
        np.fill_diagonal(full_d[k], 0.0)
    return full_t, full_d, known


def _distances(road_dm: list[np.ndarray], access_m: np.ndarray) -> Any:
    from planner.network.graph import Distances  # loads the network module, as the codec does

    return Distances.stack([Distances(d, access_m) for d in road_dm])


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
            desa_decay=float(data["desa_decay"]) if int(data["version"]) >= 2 else 1.0,
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
