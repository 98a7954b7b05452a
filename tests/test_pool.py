"""The one fork pool: tasks see the shared state, results come back in order, a lost child
loses no task, and where forking is not allowed the same call runs here."""

from __future__ import annotations

import os

import numpy as np
import pytest

from planner import _pool
from planner._pool import ForkPool, can_fork, shared_array, state

needs_fork = pytest.mark.skipif(not can_fork(), reason="this platform cannot fork children")


def _scaled(x: int) -> tuple[int, int]:
    return x * state()["factor"], os.getpid()


def _write_row(i: int) -> None:
    out = state()
    out[i] = np.arange(out.shape[1]) + 10 * i


def _die_in_child_on_two(x: int) -> int:
    if x == 2 and _pool._IN_CHILD:
        os._exit(1)  # the out-of-memory killer, as far as the parent can tell
    return x * x


def _nested(_: int) -> bool:
    return can_fork()


def _boom(x: int) -> int:
    raise ValueError(f"bad task {x}")


@needs_fork
def test_tasks_run_in_children_that_share_the_state() -> None:
    with ForkPool(2, state={"factor": 3}) as pool:
        assert pool.workers == 2
        got = pool.map(_scaled, range(8))
    assert [v for v, _ in got] == [3 * i for i in range(8)]
    assert all(pid != os.getpid() for _, pid in got)


@needs_fork
def test_children_write_into_a_shared_array() -> None:
    out = shared_array((5, 4), np.int64)
    with ForkPool(2, state=out) as pool:
        pool.map(_write_row, range(5))
    assert out.tolist() == [[10 * i + j for j in range(4)] for i in range(5)]


@needs_fork
def test_a_lost_child_loses_no_task() -> None:
    with ForkPool(2, state=None) as pool:
        got = pool.map(_die_in_child_on_two, range(6))
        assert pool.lost == 1 and pool.workers == 1
        assert pool.map(_die_in_child_on_two, [7]) == [49]  # serial from now on
    assert got == [x * x for x in range(6)]


@needs_fork
def test_children_do_not_fork_again() -> None:
    with ForkPool(2) as pool:
        assert pool.map(_nested, range(2)) == [False, False]


def test_one_worker_runs_here_with_the_same_state() -> None:
    with ForkPool(1, state={"factor": 2}) as pool:
        assert pool.workers == 1
        got = pool.map(_scaled, [1, 2])
    assert got == [(2, os.getpid()), (4, os.getpid())]


def test_a_failing_task_raises_its_own_error() -> None:
    for workers in (1, 2):
        with ForkPool(workers) as pool, pytest.raises(ValueError, match="bad task"):
            pool.map(_boom, [1])


def test_state_outside_a_pool_and_two_pools_at_once_are_errors() -> None:
    with pytest.raises(RuntimeError, match="outside"):
        state()
    with ForkPool(1), pytest.raises(RuntimeError, match="already open"):
        ForkPool(1)
    with ForkPool(1, state=5):  # closed pools leave nothing behind
        assert state() == 5
