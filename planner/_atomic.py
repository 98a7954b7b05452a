"""Atomic file writes: write to a temporary file in the same folder, then rename.

An error or Ctrl-C half way leaves the previous file as it was; readers never see a half-written
file. ``replace_all`` commits a whole set of files (a night's outputs) only after every one of
them was written successfully.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path


def _tmp_for(path: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(name)


def _write_tmp(path: Path, data: bytes) -> Path:
    """``data`` in a durable temporary sibling of ``path`` (removed again if writing fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_for(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (fsync, then rename over the old file)."""
    path = Path(path)
    tmp = _write_tmp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path | str, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically."""
    return write_bytes(path, text.encode(encoding))


@contextlib.contextmanager
def staged(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` for a writer that wants a file name (e.g.
    ``GeoDataFrame.to_file``); on success it is renamed over ``path``, on error removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_for(path)
    tmp.unlink()  # some writers refuse to overwrite; give them a fresh name
    tmp = tmp.with_suffix(path.suffix)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def replace_all(files: Mapping[Path, bytes]) -> list[Path]:
    """Write several files so that either all are replaced or none is.

    Every file is first written to a temporary sibling; only when all were written are they
    renamed into place (renames are quick and do not fail on a healthy disk). If anything fails
    before that, the temporaries are removed and every old file stays as it was.
    """
    staged_files: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            staged_files.append((_write_tmp(path, data), path))
    except BaseException:
        for tmp, _ in staged_files:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged_files:
        os.replace(tmp, path)
    return [p for _, p in staged_files]
