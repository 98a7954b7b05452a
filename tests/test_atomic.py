"""Atomic writes: a failure at any point leaves the old files whole and no temporary behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planner import _atomic
from planner._atomic import replace_all, staged, write_bytes, write_text


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


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
    with pytest.raises(OSError, match="No space"):
        write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
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
