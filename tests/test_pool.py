"""The one fork pool: tasks see the shared state, results come back in order, a lost child
loses no task, and where forking is not allowed the same call runs here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --------------------------------------------------------------------------- dying together

# A parent process whose pool's children spin on a busy task; it prints their pids.
_BUSY_PARENT = textwrap.dedent(
    """
    import os, sys, time
    from planner import _pool

    if sys.argv[1] == "poll-only":  # no prctl: the children's watch thread must do it
        _pool._die_with_parent = lambda parent_pid: False

    def busy(i):
        os.write(1, f"{os.getpid()}\\n".encode())  # one write: two children's lines never mix
        end = time.monotonic() + 60
        while time.monotonic() < end:
            pass
        return i

    try:
        with _pool.ForkPool(2) as pool:
            pool.map(busy, range(2))
    except KeyboardInterrupt:
        print("cancelled", flush=True)
        sys.exit(130)
    """
)


def _running(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _start_busy_parent(mode: str) -> tuple[subprocess.Popen[str], list[int]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _BUSY_PARENT, mode],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert proc.stdout is not None
    lines = [proc.stdout.readline().strip() for _ in range(2)]
    if not all(line.isdigit() for line in lines):  # the parent failed: say how
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"the busy parent printed {lines!r}, stderr: {err[-2000:]}")
    workers = [int(line) for line in lines]
    assert all(_running(pid) for pid in workers) and proc.pid not in workers
    return proc, workers


def _gone_within(pids: list[int], seconds: float) -> float:
    start = time.monotonic()
    while any(_running(pid) for pid in pids):
        if time.monotonic() - start > seconds:
            for pid in pids:  # do not leave them spinning after a failed test
                if _running(pid):
                    os.kill(pid, signal.SIGKILL)
            pytest.fail(f"children {pids} still running {seconds} s after their parent died")
        time.sleep(0.02)
    return time.monotonic() - start


@needs_fork
@pytest.mark.parametrize("mode", ["prctl", "poll-only"])
def test_children_die_within_2_s_of_a_kill_9_of_their_parent(mode: str) -> None:
    proc, workers = _start_busy_parent(mode)
    proc.kill()
    proc.wait(timeout=10)
    waited = _gone_within(workers, 2.0)
    if mode == "prctl":
        assert waited < 0.5  # the kernel's signal, not the 0.25 s poll
    proc.communicate()


@needs_fork
def test_ctrl_c_stops_the_pool_quietly() -> None:
    """SIGINT to the whole process group (what Ctrl-C in a terminal does): the parent stops at
    once (it does not wait the 60 s of the tasks), the children print no traceback and are gone."""
    proc, workers = _start_busy_parent("prctl")
    time.sleep(0.2)
    start = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert time.monotonic() - start < 5
    assert proc.returncode == 130 and out.strip() == "cancelled"
    assert "Traceback" not in err and "Process" not in err, err
    _gone_within(workers, 2.0)


@needs_fork
def test_a_child_whose_parent_died_before_the_prctl_exits() -> None:
    """The race the check after ``prctl`` closes: the pid the child was forked by is not its
    parent any more (here: a pid that is not the parent), so it leaves at once."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            _pool._die_with_parent(os.getppid() + 10_000_000)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_compact_square_equals_the_copy_it_saves(data: st.DataObject) -> None:
    """The sub-matrices written over the block's own memory are those fancy indexing copies,
    whatever the depots' order; a layout it cannot move in place gives None, untouched."""
    n = data.draw(st.integers(1, 24))
    n_planes = data.draw(st.integers(1, 3))
    stations = data.draw(st.integers(0, n))
    depots = data.draw(st.permutations(range(stations)))[: data.draw(st.integers(0, stations))]
    venues = sorted(data.draw(st.sets(st.integers(stations, n - 1))) if stations < n else [])
    planes = sorted(data.draw(st.sets(st.integers(0, n_planes - 1), min_size=1)))
    rows = np.array([*depots, *venues], dtype=np.int64)
    shared = data.draw(st.booleans())
    block = (
        _pool.shared_array((n_planes, n, n), np.int32)
        if shared
        else np.empty((n_planes, n, n), np.int32)
    )
    block[:] = np.random.default_rng(n).integers(-5, 10**6, size=block.shape)
    want = block[np.ix_(planes, rows, rows)].copy()
    got = _pool.compact_square(block, planes, rows, lead=len(depots))
    assert got is not None and np.array_equal(got, want)
    assert np.shares_memory(got, block) or got.size == 0
    if len(venues) >= 2:  # venues out of order: refused, the block left as it was
        again = np.arange(n_planes * n * n, dtype=np.int32).reshape(n_planes, n, n)
        before = again.copy()
        bad = np.array([*depots, *venues[::-1]], dtype=np.int64)
        assert _pool.compact_square(again, planes, bad, lead=len(depots)) is None
        assert np.array_equal(again, before)
