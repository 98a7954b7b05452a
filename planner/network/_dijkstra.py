"""Shortest-path rows in machine code: Dijkstra from many origins to a set of target nodes.

The matrices' hot loop (:mod:`planner.network.matrix`). It computes what
:func:`scipy.sparse.csgraph.dijkstra` gives on the same CSR graph (every stored entry an arc,
``inf`` where no path), for the target columns only, about twice as fast. Three things make
that: the weights are the graph's packed weights as int64 (exact: whole numbers below 2**53,
see :mod:`planner.network.graph`), the queue is a 4-ary heap with decrease-key over flat
arrays, and a search stops once every target is settled. Compiled by
:func:`planner._compiled.jit`; it runs without the GIL, so threads may share the origins.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from planner._compiled import jit

_OPEN = -1  # heap position of a node not reached yet
_DONE = -2  # ... of a node settled


@jit
def _search(
    indptr: np.ndarray,
    indices: np.ndarray,
    weight: np.ndarray,
    source: int,
    col_of: np.ndarray,
    n_targets: int,
    dist: np.ndarray,
    heap: np.ndarray,
    key: np.ndarray,
    pos: np.ndarray,
    row: np.ndarray,
) -> None:
    """One origin: ``row[col_of[v]]`` = the shortest distance to every target ``v``."""
    n = len(indptr) - 1
    for i in range(n):
        pos[i] = _OPEN
    for j in range(len(row)):
        row[j] = np.inf
    dist[source] = 0
    heap[0] = source
    key[0] = 0
    pos[source] = 0
    size = 1
    left = n_targets
    while size > 0:
        u = heap[0]
        du = dist[u]
        pos[u] = _DONE
        size -= 1
        if size > 0:  # the last leaf to the root, sifted down
            x = heap[size]
            dx = key[size]
            i = 0
            while True:
                c = 4 * i + 1
                if c >= size:
                    break
                best, bd = c, key[c]
                for k in range(c + 1, min(c + 4, size)):
                    dk = key[k]
                    if dk < bd:
                        best, bd = k, dk
                if bd >= dx:
                    break
                heap[i] = heap[best]
                key[i] = bd
                pos[heap[i]] = i
                i = best
            heap[i] = x
            key[i] = dx
            pos[x] = i
        col = col_of[u]
        if col >= 0:
            row[col] = du
            left -= 1
            if left == 0:
                return
        for a in range(indptr[u], indptr[u + 1]):
            v = indices[a]
            pv = pos[v]
            if pv == _DONE:
                continue
            nd = du + weight[a]
            if pv == _OPEN:
                i = size
                size += 1
            elif nd < dist[v]:
                i = pv
            else:
                continue
            dist[v] = nd
            while i > 0:  # sift up
                p = (i - 1) >> 2
                if key[p] <= nd:
                    break
                hp = heap[p]
                heap[i] = hp
                key[i] = key[p]
                pos[hp] = i
                i = p
            heap[i] = v
            key[i] = nd
            pos[v] = i


@jit
def _rows(
    indptr: np.ndarray,
    indices: np.ndarray,
    weight: np.ndarray,
    sources: np.ndarray,
    col_of: np.ndarray,
    n_targets: int,
    out: np.ndarray,
) -> None:
    n = len(indptr) - 1
    dist = np.empty(n, dtype=np.int64)
    heap = np.empty(n, dtype=np.int32)
    key = np.empty(n, dtype=np.int64)
    pos = np.empty(n, dtype=np.int32)
    for k in range(len(sources)):
        _search(
            indptr, indices, weight, sources[k], col_of, n_targets, dist, heap, key, pos, out[k]
        )


class Graph:
    """A CSR graph of packed weights as the compiled search reads it, converted once."""

    __slots__ = ("indices", "indptr", "n", "weight")

    def __init__(self, csr: csr_matrix) -> None:
        csr = csr.tocsr()
        self.n = csr.shape[0]
        self.indptr = csr.indptr.astype(np.int64)
        self.indices = csr.indices.astype(np.int32)
        data = csr.data
        whole = np.isfinite(data) & (data >= 0) & (data < 2.0**53) & (data == np.floor(data))
        if not whole.all():
            raise ValueError("packed weights must be whole numbers from 0 below 2**53")
        self.weight = data.astype(np.int64)

    def rows(self, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Shortest distances (float64, ``inf``: no path) from each of ``sources`` to each of
        ``targets`` (node numbers, distinct): ``len(sources) × len(targets)``."""
        src = np.asarray(sources, dtype=np.int64)
        for nodes in (src, np.asarray(targets)):  # the compiled loop does not check bounds
            if nodes.size and (nodes.min() < 0 or nodes.max() >= self.n):
                raise ValueError(f"node numbers must be in 0 .. {self.n - 1}")
        col_of = np.full(self.n, -1, dtype=np.int32)
        col_of[targets] = np.arange(len(targets), dtype=np.int32)
        if len(np.unique(col_of[targets])) != len(targets):
            raise ValueError("targets must be distinct")
        out = np.empty((len(src), len(targets)), dtype=np.float64)
        _rows(self.indptr, self.indices, self.weight, src, col_of, len(targets), out)
        return out


def warm() -> None:
    """Compile (or load from the cache) before any child is forked: children inherit it."""
    Graph(csr_matrix(np.ones((2, 2)))).rows(np.array([0]), np.array([0, 1]))


__all__ = ["Graph", "warm"]
