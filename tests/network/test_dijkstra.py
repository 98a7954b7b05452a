"""The compiled Dijkstra (planner/network/_dijkstra.py) gives scipy's distances exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from planner.network import _dijkstra


@st.composite
def graphs(draw: st.DrawFn) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """A random directed graph (parallel arcs kept as separate entries, self-loops, zero
    weights, unreachable parts), whole-number weights up to 2**46 (paths stay below 2**53, as
    packed weights do), and sources and distinct targets among its nodes."""
    n = draw(st.integers(1, 40))
    m = draw(st.integers(0, 4 * n))
    u = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)), dtype=np.int64)
    v = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)), dtype=np.int32)
    top = 2**46 if draw(st.booleans()) else 9  # small weights: many ties
    w = np.array(draw(st.lists(st.integers(0, top), min_size=m, max_size=m)), dtype=np.float64)
    order = np.argsort(u, kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(u, minlength=n))])
    csr = csr_matrix((w[order], v[order], indptr), shape=(n, n))  # duplicates not summed
    sources = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n))
    targets = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    return csr, np.array(sources), np.array(targets)


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_rows_are_scipys_distances(case: tuple[csr_matrix, np.ndarray, np.ndarray]) -> None:
    csr, sources, targets = case
    want = dijkstra(csr, directed=True, indices=sources)[:, targets]
    got = _dijkstra.Graph(csr).rows(sources, targets)
    assert got.shape == (len(sources), len(targets)) and got.dtype == np.float64
    assert np.array_equal(got, want)  # inf where no path, exact integers elsewhere


def test_explicit_zero_weights_are_arcs() -> None:
    """A stored 0 is an arc of length 0 (scipy's rule for sparse graphs), not a missing one."""
    csr = csr_matrix((np.array([0.0, 5.0]), ([0, 1], [1, 2])), shape=(3, 3))
    got = _dijkstra.Graph(csr).rows(np.array([0, 2]), np.array([0, 1, 2]))
    assert got.tolist() == [[0.0, 0.0, 5.0], [np.inf, np.inf, 0.0]]


def test_a_search_stops_once_its_targets_are_settled() -> None:
    """Targets near the source are exact even on a long path graph: the search ends early but
    never before every target is settled (a farther target still gets its distance)."""
    n = 50_000
    csr = csr_matrix((np.ones(n - 1), (np.arange(n - 1), np.arange(1, n))), shape=(n, n))
    g = _dijkstra.Graph(csr)
    assert g.rows(np.array([0]), np.array([3, 1])).tolist() == [[3.0, 1.0]]
    assert g.rows(np.array([10]), np.array([n - 1, 5])).tolist() == [[n - 11.0, np.inf]]


def test_weights_nodes_and_targets_are_checked() -> None:
    """Fractional or negative weights, node numbers outside the graph (the compiled loop
    would read past its arrays) and repeated targets are refused."""
    for w in (1.5, -2.0, np.inf):
        with pytest.raises(ValueError, match="whole numbers"):
            _dijkstra.Graph(csr_matrix((np.array([w]), ([0], [1])), shape=(2, 2)))
    g = _dijkstra.Graph(csr_matrix((np.array([2.0]), ([0], [1])), shape=(2, 2)))
    with pytest.raises(ValueError, match="distinct"):
        g.rows(np.array([0]), np.array([1, 1]))
    for sources, targets in (([2], [0]), ([-1], [0]), ([0], [2])):
        with pytest.raises(ValueError, match=r"0 \.\. 1"):
            g.rows(np.array(sources), np.array(targets))
    assert g.rows(np.array([0]), np.array([], dtype=np.int64)).shape == (1, 0)
