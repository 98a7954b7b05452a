"""The on-disk cache of a dataset's compiled network and travel matrices (``.npz`` files).

Two kinds of files live in the cache folder, written atomically, read with
``allow_pickle=False``, and pruned to the :data:`CACHE_KEEP` most recently used of each kind:

* ``roads-<key>.npz`` (:func:`load_road_index`): a compiled :class:`RoadIndex`, keyed by the
  road file's bytes, the profiles' settings and the metric CRS;
* ``matrices-<key>.npz`` (:func:`save_matrices`, :func:`load_matrices`): travel matrices,
  stored compactly and exactly (format :data:`MATRIX_CACHE_FORMAT`: ``travel_s`` and the road
  part of ``dist_m`` as int32 byte planes of the differences between consecutive rows,
  deflated).

A damaged or outdated file is ignored (and later overwritten), never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import shapely

from planner import _atomic as atomic
from planner import _geo, _pool
from planner.config import Settings
from planner.network.graph import Distances, RoadIndex
from planner.network.load import check_exists, load_network
from planner.network.speeds import require_profiles

CACHE_VERSION = "network-matrices-1"
MATRIX_CACHE_FORMAT = 3
"""3: byte planes of each row's difference from the row before (neighbouring venues reach every
other point in about the same time: at 10,000 points 27 MB per profile deflated in 1.1 s,
against 66 MB in 1.8 s for the differences along rows of format 2); 2: along rows; 1: raw
int64/float64. A file of another format is recomputed."""
CACHE_KEEP = 24
"""How many files of each kind (``matrices-*``, ``roads-*``) a cache folder keeps (newest)."""

M = TypeVar("M")


def file_digest(path: Path | str) -> str:
    """A content hash of a file (BLAKE2b): a changed network file gives a different key."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "blake2b").hexdigest()


def cache_key(parts: Mapping[str, Any]) -> str:
    """The key of a cache entry: a hash of ``parts`` (JSON) and :data:`CACHE_VERSION`."""
    text = json.dumps({"version": CACHE_VERSION, **parts}, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def matrices_path(cache_dir: Path | str, key: str) -> Path:
    """Where the matrices of ``key`` are cached."""
    return Path(cache_dir) / f"matrices-{key}.npz"


_ZIP_LEVEL = 1
"""Deflate level of the matrix cache: the low byte plane of a large night's travel times is
nearly random and deflates slowly; at 10,000 points level 1 wrote it in 3.3 s instead of 5.6 s
(level 6) for a file 37 % larger (66 instead of 48 MB per profile). A cache is read far more
often than written, but it is written on the night a planner waits for."""


class _Planes:
    """An int32 matrix as byte planes (``k × cells`` uint8, least significant first) of the
    zigzagged differences between consecutive rows (:func:`zigzag_down`), written into an
    ``.npy`` stream a plane and a block of rows at a time (:func:`_write_npz`): the planes are
    never held whole (at 20,000 points they would be 800 MB next to the matrix)."""

    def __init__(self, a: np.ndarray) -> None:
        self.a = a
        self.rows = a.shape[0] if a.ndim else 0
        self.cols = a.shape[1] if a.ndim > 1 else 1
        self.step = max(1, _BLOCK_CELLS // max(1, self.cols))
        top = 0
        for lo in range(0, self.rows, self.step):
            u = zigzag_down(a, lo, lo + self.step)
            top = max(top, int(u.max()) if u.size else 0)
        self.planes = max(1, (top.bit_length() + 7) // 8)

    def write(self, fh: Any) -> None:
        header = {
            "descr": "|u1",
            "fortran_order": False,
            "shape": (self.planes, self.rows * self.cols),
        }
        np.lib.format.write_array_header_2_0(fh, header)
        for i in range(self.planes):
            for lo in range(0, self.rows, self.step):
                u = zigzag_down(self.a, lo, lo + self.step)
                fh.write(((u >> np.uint32(8 * i)) & np.uint32(0xFF)).astype(np.uint8).tobytes())


def zigzag_down(a: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Rows ``lo:hi`` of ``a`` as the zigzagged int32 differences from the row before (row 0:
    from zeros), flattened (uint32)."""
    b = np.ascontiguousarray(a[lo:hi]).astype(np.int32, copy=True)
    if b.size:
        b[1:] -= np.asarray(a[lo : lo + len(b) - 1]).astype(np.int32, copy=False)
        if lo > 0:
            b[0] -= np.asarray(a[lo - 1]).astype(np.int32, copy=False)
    return (np.left_shift(b, 1) ^ np.right_shift(b, 31)).view(np.uint32).ravel()


def _write_npz(
    path: Path,
    arrays: Mapping[str, np.ndarray | _Planes | Callable[[], np.ndarray]],
    *,
    compress: bool = False,
) -> None:
    """An ``.npz`` as :func:`numpy.savez` writes it, straight to a file renamed over ``path``
    when complete; an array given as a function is made only when it is written and dropped
    after, and :class:`_Planes` are streamed, so large ones are not all held at once."""
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with (
        atomic.staged(path) as tmp,
        zipfile.ZipFile(
            tmp, "w", compression=method, compresslevel=_ZIP_LEVEL, allowZip64=True
        ) as zf,
    ):
        for name, item in arrays.items():
            with zf.open(f"{name}.npy", "w", force_zip64=True) as fh:
                if isinstance(item, _Planes):
                    item.write(fh)
                    continue
                arr = np.asanyarray(item() if callable(item) else item)
                np.lib.format.write_array(fh, arr, allow_pickle=False)
                del arr
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
                to_lonlat=_geo.transformer(crs, inverse=True),
                from_lonlat=_geo.transformer(crs),
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
    require_profiles(names, net)
    file = None
    key = ""
    if cache_dir is not None:
        check_exists(path)
        key = cache_key(
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


_BLOCK_CELLS = 1 << 22
"""Cells a block of rows holds while a matrix is encoded or decoded (16 MB as int32): the
codec never makes a whole-matrix temporary besides its result."""


def zigzag_rows(a: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Rows ``lo:hi`` of ``a`` as the zigzagged int32 differences along rows (uint32)."""
    b = np.ascontiguousarray(a[lo:hi]).astype(np.int32, copy=False)
    if b.size:
        b = np.diff(b, axis=1, prepend=np.int32(0))
    return (np.left_shift(b, 1) ^ np.right_shift(b, 31)).view(np.uint32).ravel()


def encode_ints(a: np.ndarray) -> np.ndarray:
    """An integer matrix whose values fit in int32, as byte planes (``k × cells`` uint8, least
    significant first) of its zigzagged differences along rows. Neighbouring cells of a travel
    matrix differ little, so the high planes are almost all zero and deflate packs the whole
    about twenty times smaller than int64; decoding is exact (modular int32 arithmetic). Works
    a block of rows at a time: besides the planes, no copy of the matrix is made."""
    a = np.asarray(a)
    rows = a.shape[0] if a.ndim else 0
    cols = a.shape[1] if a.ndim > 1 else 1
    step = max(1, _BLOCK_CELLS // max(1, cols))
    top = 0
    for lo in range(0, rows, step):
        u = zigzag_rows(a, lo, lo + step)
        top = max(top, int(u.max()) if u.size else 0)
    planes = np.empty((max(1, (top.bit_length() + 7) // 8), a.size), dtype=np.uint8)
    for lo in range(0, rows, step):
        u = zigzag_rows(a, lo, lo + step)
        at = lo * cols
        for i in range(len(planes)):
            planes[i, at : at + u.size] = (u >> np.uint32(8 * i)) & np.uint32(0xFF)
    return planes


def decode_ints(
    planes: np.ndarray, shape: tuple[int, int], *, out: np.ndarray | None = None
) -> np.ndarray:
    """The int32 matrix :func:`encode_ints` encoded (a block of rows at a time; into ``out``
    when given)."""
    rows, cols = shape
    if out is None:
        out = np.empty(shape, dtype=np.int32)
    elif out.shape != shape or out.dtype != np.int32:
        raise ValueError(f"out must be int32 {shape}")
    step = max(1, _BLOCK_CELLS // max(1, cols))
    for lo in range(0, rows, step):
        hi = min(rows, lo + step)
        cells = slice(lo * cols, hi * cols)
        u = planes[0, cells].astype(np.uint32)
        for i in range(1, len(planes)):
            u |= planes[i, cells].astype(np.uint32) << np.uint32(8 * i)
        unzigzag_rows(u, out[lo:hi])
    return out


def _stream_planes(z: Any, name: str, out: np.ndarray) -> bool:
    """Decode the byte planes ``name`` of the open ``.npz`` ``z`` into the int32 matrix ``out``
    as they are read, a plane and a block at a time (reading the whole member first
    would hold its planes next to the matrix: 800 MB at 20,000 points). ``False`` when the
    member is not byte planes (an old file's raw integers)."""
    with z.zip.open(f"{name}.npy") as fh:
        version = np.lib.format.read_magic(fh)
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran, dtype = read_header(fh)
        if dtype != np.uint8 or fortran or len(shape) != 2 or shape[1] != out.size:
            return False
        cells = out.reshape(-1).view(np.uint32)
        cells[:] = 0
        step = _BLOCK_CELLS
        for i in range(shape[0]):
            for lo in range(0, out.size, step):
                n = min(step, out.size - lo)
                chunk = np.frombuffer(fh.read(n), dtype=np.uint8)
                if len(chunk) != n:
                    raise ValueError(f"{name}: the planes end early")
                cells[lo : lo + n] |= chunk.astype(np.uint32) << np.uint32(8 * i)
    rows, cols = out.shape
    rows_step = max(1, _BLOCK_CELLS // max(1, cols))
    carry = np.zeros(cols, dtype=np.int32)
    for lo in range(0, rows, rows_step):
        block = out[lo : lo + rows_step]
        u = block.reshape(-1).view(np.uint32)
        b = ((u >> np.uint32(1)).view(np.int32) ^ -(u & np.uint32(1)).view(np.int32)).reshape(
            block.shape
        )
        b[0] += carry  # int32 sums wrap as the differences were taken: exact
        np.cumsum(b, axis=0, dtype=np.int32, out=block)
        carry = block[-1].copy()
    return True


def unzigzag_rows(u: np.ndarray, out: np.ndarray) -> None:
    """Write into the int32 rows ``out`` the matrix whose :func:`zigzag_rows` are ``u``."""
    b = (u >> np.uint32(1)).view(np.int32) ^ -(u & np.uint32(1)).view(np.int32)
    np.cumsum(b.reshape(out.shape), axis=1, dtype=np.int32, out=out)


def _fits_int32(a: np.ndarray) -> bool:
    info = np.iinfo(np.int32)
    return a.dtype.kind in "iu" and (a.size == 0 or (a.min() >= info.min and a.max() <= info.max))


def _dist_from_dm(road_dm: np.ndarray, snap_dist_m: np.ndarray) -> np.ndarray:
    """``dist_m`` as :func:`planner.network.matrix.matrices_from_road` computes it, from whole road decimetres (-1:
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


class StoredMatrices(Protocol):
    """What :func:`save_matrices` stores of a :class:`planner.network.Matrices`."""

    @property
    def key(self) -> str: ...
    @property
    def ids(self) -> tuple[str, ...]: ...
    @property
    def profiles(self) -> tuple[str, ...]: ...
    @property
    def travel_s(self) -> dict[str, np.ndarray]: ...
    @property
    def dist_m(self) -> dict[str, Any]: ...
    @property
    def unreachable(self) -> dict[str, tuple[str, float]]: ...
    @property
    def snap_dist_m(self) -> np.ndarray: ...


def save_matrices(path: Path, m: StoredMatrices) -> None:
    """Write ``m`` to ``path`` (format :data:`MATRIX_CACHE_FORMAT`; see the module docstring)."""
    arrays: dict[str, np.ndarray | _Planes | Callable[[], np.ndarray]] = {
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
        if _fits_int32(travel):
            arrays[f"travel_s_{k}"] = _Planes(travel)
        else:
            arrays[f"travel_s_{k}"] = travel
        dist = m.dist_m[p]
        road_dm: np.ndarray | None
        if isinstance(dist, Distances) and not isinstance(dist.road_dm, np.ndarray | tuple):
            continue  # rows computed when read (a large night's): nothing to store
        if (
            isinstance(dist, Distances)
            and dist.nodes is None
            and isinstance(dist.road_dm, np.ndarray)
            and np.array_equal(dist.access_m, m.snap_dist_m)
        ):
            road_dm = dist.road_dm
        else:
            road_dm = _road_dm(np.asarray(dist), m.snap_dist_m)
        if road_dm is not None:
            arrays[f"road_dm_{k}"] = _Planes(road_dm)
        else:
            arrays[f"dist_m_{k}"] = np.asarray(dist)
    _write_npz(path, arrays, compress=True)


def load_matrices(path: Path, key: str, make: Callable[..., M]) -> M | None:
    """The matrices cached at ``path`` under ``key``, built by ``make`` (the
    :class:`planner.network.Matrices` class, called with its fields and ``from_cache=True``);
    ``None`` when the file is absent, of another key or format, or damaged."""
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
            # the travel matrices as planes of one shared block (see Matrices.move_travel)
            block = _pool.shared_array((len(profiles), *shape), np.int32)
            travel: dict[str, np.ndarray] = {}
            dist: dict[str, Any] = {}
            for k, p in enumerate(profiles):
                if not _stream_planes(z, f"travel_s_{k}", block[k]):
                    block[k] = z[f"travel_s_{k}"]
                travel[p] = block[k]
                if f"road_dm_{k}" in z.files:
                    road_dm = np.empty(shape, dtype=np.int32)
                    if not _stream_planes(z, f"road_dm_{k}", road_dm):
                        raise ValueError(f"road_dm_{k}: not byte planes")
                    dist[p] = Distances(road_dm, snap)
                elif f"dist_m_{k}" in z.files:
                    dist[p] = z[f"dist_m_{k}"]
                else:
                    dist[p] = None  # not stored: read from the roads when needed
            unreachable = {
                str(i): (str(r), float(d))
                for i, r, d in zip(
                    z["unreachable_ids"],
                    z["unreachable_reasons"],
                    z["unreachable_dist_m"],
                    strict=True,
                )
            }
            m = make(
                ids=ids,
                travel_s=travel,
                dist_m=dist,
                unreachable=unreachable,
                snap_dist_m=snap,
                key=key,
                from_cache=True,
                travel_block=block,
            )
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error):
        return None  # a damaged cache file is recomputed and overwritten
    _touch(path)
    return m


__all__ = [
    "CACHE_KEEP",
    "CACHE_VERSION",
    "MATRIX_CACHE_FORMAT",
    "StoredMatrices",
    "cache_key",
    "file_digest",
    "load_matrices",
    "load_road_index",
    "matrices_path",
    "save_matrices",
    "unzigzag_rows",
    "zigzag_rows",
]
