"""One process pool for the CPU-bound parts: travel-time matrix rows and the routing portfolio.

The children are *forked*, so they inherit what the parent holds — a compiled night problem, a
sparse road graph — without pickling it: the parent hands that object to :class:`ForkPool` as its
``state`` and a task function reads it back with :func:`state`. A task's result travels back by
pickling, so a task whose result is large writes into a :func:`shared_array` instead.

Where forking is impossible or not allowed (not Linux, no ``fork``, inside a daemonic process such
as a Dask worker, or inside a child of this pool) the same :meth:`ForkPool.map` runs the tasks in
this process, one after another: the caller writes one code path. A child that dies (killed by
the out-of-memory killer, say) does not lose its work: the tasks without a result are run again
here, and the pool goes on serially.

Children never outlive the parent: on Linux each asks the kernel for SIGKILL when its parent
dies (``prctl(PR_SET_PDEATHSIG)``), and every child also watches its parent's pid from a thread
(where ``prctl`` is unavailable, and to close the race of a parent killed before the ``prctl``).
Children ignore Ctrl-C (SIGINT, sent to the whole process group): the parent handles it, and
when a pool is left by an exception — Ctrl-C included — its children are killed instead of
being waited for, with no traceback of theirs on the screen.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import itertools
import mmap
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")
R = TypeVar("R")

_STATE: Any = None
_HAS_STATE = False
_IN_CHILD = False


def can_fork() -> bool:
    """Forking children is possible and allowed here (see the module docstring)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if _IN_CHILD or multiprocessing.current_process().daemon:
        return False
    return "fork" in multiprocessing.get_all_start_methods()


def usable_cores() -> int:
    """How many CPUs this process may run on (its affinity, else the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def shared_array(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """A zeroed array in anonymous shared memory: what a forked child writes, the parent sees."""
    count = int(np.prod(shape))
    buf = mmap.mmap(-1, max(1, count * np.dtype(dtype).itemsize))
    return np.frombuffer(buf, dtype=dtype, count=count).reshape(shape)


_ROWS_CELLS = 4_000_000
"""Cells :func:`compact_square` gathers at a time (16 MB of int32)."""


def compact_square(
    block: np.ndarray, planes: Sequence[int], rows: np.ndarray, *, lead: int = 0
) -> np.ndarray | None:
    """``block[planes][:, rows][:, :, rows]`` written over ``block``'s own memory, or ``None``.

    ``block`` is a C-contiguous stack of square matrices (``P × N × N``); the result, a
    ``len(planes) × m × m`` view of its first cells, holds the matrices between ``rows`` only,
    and ``block`` is consumed (its cells are overwritten). No second matrix is ever held, so a
    night's problem can take over the network's travel times without doubling the memory. The
    rows are moved forward a block at a time: each block is gathered (a copy of a few MB) before
    it is written, and every row still to be read lies past what is written, provided
    ``planes`` increase and ``rows[lead:]`` increase with ``rows[r] >= r``; the first ``lead``
    rows (a night's depots, in any order) are gathered first and written last. When the layout
    does not allow it (or ``block`` is not contiguous), ``None``: the caller copies instead.

    When ``block`` lies in :func:`shared_array` memory, the pages past the result are given
    back to the system (``MADV_REMOVE``).
    """
    rows = np.asarray(rows, dtype=np.int64)
    planes = [int(k) for k in planes]
    if block.ndim != 3 or block.shape[1] != block.shape[2] or not block.flags.c_contiguous:
        return None
    n_planes, n, _ = block.shape
    m = len(rows)
    tail = rows[lead:]
    if (
        not block.flags.writeable
        or any(b <= a for a, b in itertools.pairwise(planes))
        or any(not 0 <= k < n_planes for k in planes)
        or (m and (rows.min() < 0 or rows.max() >= n))
        or (len(tail) and ((np.diff(tail) <= 0).any() or (tail < np.arange(lead, m)).any()))
    ):
        return None
    flat = block.reshape(-1)
    head = block[np.ix_(np.asarray(planes, dtype=np.int64), rows[:lead], rows)] if lead else None
    step = max(1, _ROWS_CELLS // max(1, n))
    for q, k in enumerate(planes):
        plane = block[k]
        for lo in range(lead, m, step):
            hi = min(m, lo + step)
            part = plane[np.ix_(rows[lo:hi], rows)]
            at = (q * m + lo) * m
            flat[at : at + part.size] = part.reshape(-1)
        if head is not None:
            flat[q * m * m : q * m * m + lead * m] = head[q].reshape(-1)
    out = flat[: len(planes) * m * m].reshape(len(planes), m, m)
    _release_after(block, out.nbytes)
    return out


def _mmap_of(arr: np.ndarray) -> mmap.mmap | None:
    base: Any = arr
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):  # np.frombuffer keeps a view of the buffer
        base = base.obj
    return base if isinstance(base, mmap.mmap) else None


def is_shared(arr: np.ndarray) -> bool:
    """Whether ``arr`` lies in :func:`shared_array` memory (what forked children write to)."""
    return _mmap_of(arr) is not None


def _release_after(arr: np.ndarray, used: int) -> None:
    """Give the pages of ``arr``'s :func:`shared_array` memory past its first ``used`` bytes
    back to the system (they read as zeros afterwards); nothing for other arrays."""
    base = _mmap_of(arr)
    remove = getattr(mmap, "MADV_REMOVE", None)
    if base is None or remove is None:
        return
    start = -(-used // mmap.PAGESIZE) * mmap.PAGESIZE
    if start < len(base):
        with contextlib.suppress(OSError, ValueError):
            base.madvise(remove, start, len(base) - start)


def state() -> Any:
    """The ``state`` of the :class:`ForkPool` this task runs under (in a child or serially)."""
    if not _HAS_STATE:
        raise RuntimeError("planner._pool.state() called outside a ForkPool task")
    return _STATE


_PR_SET_PDEATHSIG = 1
_PARENT_POLL_S = 0.25


def _die_with_parent(parent_pid: int) -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies; ``False`` if it cannot.

    The death signal is tied to the parent *thread* that forked: a pool's children are forked
    by the thread that first submits to it, which waits for their results, so it outlives them.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        ok = libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent_pid:  # the parent died before the prctl: nobody to signal us
        os._exit(1)
    return ok


def _watch_parent(parent_pid: int) -> None:
    """Exit as soon as the parent is gone (re-parented children see another ``getppid``)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(_PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="planner-parent-watch", daemon=True).start()


def _init_child(parent_pid: int) -> None:
    """The first thing a forked child runs: be a child, die with the parent, ignore Ctrl-C."""
    global _IN_CHILD
    _IN_CHILD = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    _watch_parent(parent_pid)


class ForkPool:
    """Run tasks in up to ``workers`` forked children that share ``state`` (see module docstring).

    Use as a context manager; one pool at a time per process::

        with ForkPool(2, state=problem) as pool:
            costs = pool.map(solve_with_seed, seeds)   # solve_with_seed reads _pool.state()

    Attributes
    ----------
    workers
        The number of children; 1 when the tasks run in this process.
    lost
        How many times a child died and its tasks were run again here.
    """

    def __init__(self, workers: int, *, state: Any = None) -> None:
        global _STATE, _HAS_STATE
        if _HAS_STATE:
            raise RuntimeError("a ForkPool is already open in this process")
        _STATE, _HAS_STATE = state, True  # set before any child is forked
        self.lost = 0
        self._executor: ProcessPoolExecutor | None = None
        self.workers = max(1, int(workers)) if can_fork() else 1
        if self.workers > 1:
            try:
                self._executor = ProcessPoolExecutor(
                    self.workers,
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=_init_child,
                    initargs=(os.getpid(),),
                )
            except OSError:  # pragma: no cover - no processes to be had (ulimit)
                self.workers = 1

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> list[R]:
        """``[fn(t) for t in tasks]``, in the children when there are any, in task order."""
        items = list(tasks)
        if self._executor is None:
            return [fn(t) for t in items]
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns that fork() in a process with threads may deadlock; the
                # children run only the task (no locks held by other threads are touched).
                warnings.simplefilter("ignore", DeprecationWarning)
                futures: list[Future[R]] = [self._executor.submit(fn, t) for t in items]
        except BrokenProcessPool:
            return self._go_serial(fn, items, [])
        results: list[R] = []
        for i, fut in enumerate(futures):
            try:
                results.append(fut.result())
            except BrokenProcessPool:
                return self._go_serial(fn, items[i:], results, futures[i:])
        return results

    def _go_serial(
        self,
        fn: Callable[[T], R],
        rest: list[T],
        done: list[R],
        futures: list[Future[R]] | None = None,
    ) -> list[R]:
        """A child died: keep what finished, run the rest here, and stay serial from now on."""
        self.lost += 1
        self._shutdown()
        pending: list[Future[R] | None] = list(futures) if futures else [None] * len(rest)
        for t, fut in zip(rest, pending, strict=True):
            if fut is not None and fut.done() and fut.exception() is None:
                done.append(fut.result())
            else:
                done.append(fn(t))
        return done

    def _shutdown(self, *, kill: bool = False) -> None:
        if self._executor is not None:
            if kill:
                self._kill_children()
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            self.workers = 1

    def _kill_children(self) -> None:
        """SIGKILL every child (they ignore SIGINT, and a task may run for minutes)."""
        # ProcessPoolExecutor has no public way to stop running tasks; its ``_processes`` is
        # the documented-in-source map pid → Process (CPython 3.9 to 3.13).
        procs = getattr(self._executor, "_processes", None) or {}
        for proc in list(procs.values()):
            if proc.is_alive():
                proc.kill()
        for proc in list(procs.values()):
            proc.join(timeout=5)

    def close(self, *, kill: bool = False) -> None:
        """Stop the children (``kill``: without waiting for their tasks) and forget the state."""
        global _STATE, _HAS_STATE
        try:
            self._shutdown(kill=kill)
        finally:
            _STATE, _HAS_STATE = None, False

    def __enter__(self) -> ForkPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(kill=exc_type is not None)


__all__ = [
    "ForkPool",
    "can_fork",
    "compact_square",
    "is_shared",
    "shared_array",
    "state",
    "usable_cores",
]
