"""Atomic writes: a failure at any point leaves the old files whole and no temporary behind."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from planner import _atomic
from planner._atomic import replace_all, staged, write_bytes, write_json, write_text


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _night(tag: bytes, n: int = 20, size: int = 40_000) -> dict[str, bytes]:
    """A night of ``n`` files whose every byte says which night it is."""
    names = ["index.html", *(f"regu-R{i:02d}.html" for i in range(1, n))]
    return {name: tag * size for name in names}


def test_write_replaces_the_file_and_creates_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "plan.json"
    write_text(target, "one")
    write_text(target, "dua ✓")
    assert target.read_text(encoding="utf-8") == "dua ✓"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert _leftovers(target.parent) == []


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "index.html"
    write_bytes(target, b"old")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space") as info:
        write_bytes(target, b"new")
    assert info.value.filename == str(target)  # a failed write() names no file by itself
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_write_json_streams_the_document_and_keeps_the_old_file_when_it_fails(
    tmp_path: Path,
) -> None:
    target = tmp_path / "problem.json"
    doc = {"night": "2026-12-01", "desa": ["Dongko", "Sumberbening ✓"], "m": "x" * 200_000}
    write_json(target, doc)
    raw = target.read_bytes()
    assert json.loads(raw.decode("utf-8")) == doc
    assert "Sumberbening ✓".encode() in raw  # UTF-8 as written, not \u escapes
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    # a document that cannot be written part way through: the old file stays whole
    with pytest.raises(TypeError):
        write_json(target, {"first": "y" * 100_000, "then": object()})
    assert target.read_bytes() == raw
    assert _leftovers(tmp_path) == []


def test_replace_all_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = (tmp_path / n for n in ("a.html", "b.html", "c.csv"))
    replace_all({a: b"a1", b: b"b1", c: b"c1"})
    real = _atomic._write_tmp
    calls = []

    def fail_on_third(path: Path, data: bytes) -> Path:
        calls.append(path.name)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the last file is written
        return real(path, data)

    monkeypatch.setattr(_atomic, "_write_tmp", fail_on_third)
    with pytest.raises(KeyboardInterrupt):
        replace_all({a: b"a2", b: b"b2", c: b"c2"})
    assert [p.read_bytes() for p in (a, b, c)] == [b"a1", b"b1", b"c1"]
    assert _leftovers(tmp_path) == []
    monkeypatch.setattr(_atomic, "_write_tmp", real)
    assert replace_all({a: b"a3", c: b"c3"}) == [a, c]
    assert [p.read_bytes() for p in (a, b, c)] == [b"a3", b"b1", b"c3"]


def test_staged_renames_on_success_and_cleans_up_on_error(tmp_path: Path) -> None:
    target = tmp_path / "roads.graphml"
    with staged(target) as tmp:
        assert not tmp.exists() and tmp.suffix == ".graphml" and tmp.parent == tmp_path
        tmp.write_text("<graphml/>", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "<graphml/>"
    with pytest.raises(RuntimeError), staged(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("writer failed")
    assert target.read_text(encoding="utf-8") == "<graphml/>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roads.graphml"]


# --------------------------------------------------------------------------- whole folders


def test_replace_folder_creates_then_replaces_the_whole_folder(tmp_path: Path) -> None:
    night = tmp_path / "maps" / "2026-12-01"  # neither folder exists yet
    written = _atomic.replace_folder(night, {"index.html": b"1", "regu-A.html": b"a"})
    assert written == [night / "index.html", night / "regu-A.html"]
    assert _contents(night) == {"index.html": b"1", "regu-A.html": b"a"}
    _atomic.replace_folder(night, {"index.html": b"2"})
    assert _contents(night) == {"index.html": b"2"}  # regu-A.html was of the old night
    assert _hidden(night.parent) == [] and _hidden(night) == []
    assert oct(night.stat().st_mode & 0o777) == oct(0o755)


def test_replace_folder_carries_what_keep_names(tmp_path: Path) -> None:
    night = tmp_path / "2026-12-01"
    _atomic.replace_folder(night, {"index.html": b"1"})
    (night / "catatan.txt").write_text("a person's note", encoding="utf-8")
    (night / "foto").mkdir()
    (night / "foto" / "a.jpg").write_bytes(b"jpg")
    (night / ".index.html.4242.abcd.tmp").write_bytes(b"junk of an old kill")
    _atomic.replace_folder(
        night, {"index.html": b"2"}, keep=lambda n: not n.endswith((".tmp", ".html"))
    )
    assert _contents(night / "foto") == {"a.jpg": b"jpg"}
    assert sorted(p.name for p in night.iterdir()) == ["catatan.txt", "foto", "index.html"]
    assert (night / "catatan.txt").read_text(encoding="utf-8") == "a person's note"


@pytest.mark.parametrize("when", [1, 5, 20])
def test_a_full_disk_keeps_the_old_folder_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: int
) -> None:
    night = tmp_path / "2026-12-01"
    _atomic.replace_folder(night, _night(b"A"))
    real = _atomic._write_file
    calls: list[str] = []

    def full(path: Path, data: bytes) -> None:
        calls.append(path.name)
        if len(calls) == when:
            real(path, data[: len(data) // 2])  # half a file on disk, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(_atomic, "_write_file", full)
    with pytest.raises(OSError) as info:
        _atomic.replace_folder(night, _night(b"B"))
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(night)
    assert _contents(night) == _night(b"A")
    assert _hidden(tmp_path) == [] and _hidden(night) == []


def test_the_next_call_removes_leftovers_of_dead_writers_only(tmp_path: Path) -> None:
    night = tmp_path / "2026-12-01"
    _atomic.replace_folder(night, {"index.html": b"old"})
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead_pid = int(dead.stdout)
    for name in (f".2026-12-01.new-{dead_pid}", f".2026-12-01.old-{dead_pid}"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_bytes(b"x" * 939_000)
    busy = tmp_path / f".2026-12-01.new-{os.getppid()}"  # a writer still at work
    busy.mkdir()
    other = tmp_path / f".2026-11-30.new-{dead_pid}"  # another night's: its own writer cleans
    other.mkdir()
    _atomic.replace_folder(night, {"index.html": b"new"})
    assert _hidden(tmp_path) == sorted([busy.name, other.name])
    assert _contents(night) == {"index.html": b"new"}


def test_a_kill_between_the_fallback_renames_is_repaired(tmp_path: Path) -> None:
    """Without RENAME_EXCHANGE the folder is missing for a moment; a kill there leaves the old
    folder as ``.old-<pid>``, and the next call puts it back before writing."""
    night = tmp_path / "2026-12-01"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    old = tmp_path / f".2026-12-01.old-{int(dead.stdout)}"
    old.mkdir()
    (old / "index.html").write_bytes(b"old night")
    assert _atomic.clean_leftovers(night) == []
    assert _contents(night) == {"index.html": b"old night"} and _hidden(tmp_path) == []


def test_the_fallback_swap_without_exchange(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_atomic, "_RENAMEAT2", None)
    night = tmp_path / "2026-12-01"
    _atomic.replace_folder(night, _night(b"A", 3))
    _atomic.replace_folder(night, _night(b"B", 4))
    assert _contents(night) == _night(b"B", 4) and _hidden(tmp_path) == []


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_bytes(b"in a")
    if not _atomic.exchange(a, b):
        pytest.skip("this file system has no RENAME_EXCHANGE (the fallback is tested above)")
    assert (b / "x").read_bytes() == b"in a" and not (a / "x").exists()


# A child process that replaces the night over and over, alternating two nights, until killed.
_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from planner import _atomic

    night, mode = Path(sys.argv[1]), sys.argv[2]
    def files(tag, n=20, size=40_000):
        names = ["index.html", *(f"regu-R{i:02d}.html" for i in range(1, n))]
        return {name: tag * size for name in names}
    if mode == "fallback":
        _atomic._RENAMEAT2 = None
    if mode.startswith("die-"):  # kill -9 of this process at one exact step of the swap
        step = mode[4:]
        real_exchange, real_rename = _atomic.exchange, os.rename
        def die():
            os.kill(os.getpid(), signal.SIGKILL)
        def exchange(a, b):
            if step == "before-exchange":
                die()
            done = real_exchange(a, b)
            if step == "after-exchange":
                die()
            return done
        def rename(a, b):
            if step == "between-renames" and ".old-" in str(a) + str(b) and Path(b).name != night.name:
                real_rename(a, b)
                die()
            real_rename(a, b)
        _atomic.exchange = exchange
        if step == "between-renames":
            _atomic._RENAMEAT2 = None
            os.rename = rename
    print("ready", flush=True)
    i = 1  # the first night written is B (the folder holds A)
    while True:
        _atomic.replace_folder(night, files(b"AB"[i % 2 : i % 2 + 1]))
        i += 1
    """
)


def _start_writer(night: Path, mode: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(night), mode], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _assert_one_whole_night(night: Path) -> bytes:
    """The folder holds exactly night A or exactly night B; which one."""
    found = _contents(night)
    assert found in (_night(b"A"), _night(b"B")), sorted(
        (name, len(data), data[:1]) for name, data in found.items()
    )
    return found["index.html"][:1]


@pytest.mark.parametrize("mode", ["exchange", "fallback"])
def test_kill_9_at_random_moments_leaves_one_whole_night(tmp_path: Path, mode: str) -> None:
    """30 writers killed after a random delay: a reader right after the kill sees one whole
    night (with the exchange; the fallback after the next call's repair), and the next call
    leaves no leftover."""
    night = tmp_path / "maps" / "2026-12-01"
    _atomic.replace_folder(night, _night(b"A"))
    rng = random.Random(17)
    seen = set()
    for _ in range(30):
        proc = _start_writer(night, mode)
        time.sleep(rng.uniform(0.0, 0.12))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.stdout is not None
        proc.stdout.close()
        if mode == "exchange":
            seen.add(_assert_one_whole_night(night))
        _atomic.clean_leftovers(night)
        seen.add(_assert_one_whole_night(night))
        assert _hidden(night.parent) == [] and _hidden(night) == []
    assert seen == {b"A", b"B"}  # the kills did land between the swaps, both ways
    _atomic.replace_folder(night, {"index.html": b"good"})
    assert _contents(night) == {"index.html": b"good"}


@pytest.mark.parametrize("step", ["before-exchange", "after-exchange", "between-renames"])
def test_kill_9_at_the_swap(tmp_path: Path, step: str) -> None:
    night = tmp_path / "2026-12-01"
    _atomic.replace_folder(night, _night(b"A"))
    proc = subprocess.run([sys.executable, "-c", _WRITER, str(night), f"die-{step}"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    leftovers = _hidden(tmp_path)
    assert leftovers, "the kill left its sibling folder (the test would prove nothing)"
    if step == "between-renames":
        assert not night.exists()  # the fallback's moment without a folder
    else:
        assert _contents(night) == (_night(b"B") if step == "after-exchange" else _night(b"A"))
    _atomic.replace_folder(night, _night(b"B"))  # the next good run
    assert _contents(night) == _night(b"B") and _hidden(tmp_path) == []


def test_write_bytes_removes_temporaries_of_killed_writers(tmp_path: Path) -> None:
    target = tmp_path / "laporan.html"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f".laporan.html.{int(dead.stdout)}.x1y2.tmp"
    stale.write_bytes(b"x" * 815_000)
    running = tmp_path / f".laporan.html.{os.getppid()}.x1y2.tmp"
    running.write_bytes(b"being written")
    write_text(target, "ok")
    assert _leftovers(tmp_path) == [running.name]


def test_scratch_dir_removes_what_dead_writers_left_and_nothing_else(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    from planner._atomic import scratch_dir

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    dead_pid = int(dead.stdout)
    left = tmp_path / f"planner-gpkg-{dead_pid}-abc"
    left.mkdir()
    (left / "routes.gpkg").write_bytes(b"half")
    alive = tmp_path / f"planner-gpkg-{os.getppid()}-xyz"  # a running process (our parent)
    alive.mkdir()
    other = tmp_path / f"other-{dead_pid}-abc"
    other.mkdir()
    with scratch_dir("planner-gpkg-") as tmp:
        assert tmp.is_dir() and tmp.name.startswith(f"planner-gpkg-{os.getpid()}-")
        (tmp / "x").write_text("x")
    assert not tmp.exists() and not left.exists()
    assert alive.exists() and other.exists()
