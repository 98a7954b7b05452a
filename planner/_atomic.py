"""Atomic writes: a file, a set of files, or a whole folder, replaced so no reader sees half.

- :func:`write_bytes` / :func:`write_text` / :func:`write_json` / :func:`staged`: one file,
  written to a temporary sibling (``.<name>.<pid>.<random>.tmp``), fsynced, then renamed over
  the old file.
- :func:`replace_all`: several files, each replaced only after every one was written.
- :func:`replace_folder`: a whole folder (a night's outputs). The new files are written to a
  sibling folder ``.<name>.new-<pid>`` and swapped with the old folder in one step
  (``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames, see the function), so a reader
  or a ``kill -9`` at any moment sees the old folder complete or the new one complete.

Temporaries carry the writer's process id: a later write removes the leftovers of writers that
are no longer running (a process killed half way), and never those of one still at work.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import glob
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO


def _alive(pid: int) -> bool:
    """Process ``pid`` is running (this one counts as alive)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


_TMP_FILE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.tmp$")
_LEFTOVER_DIR = re.compile(r"^\.(?P<name>.+)\.(?P<kind>new|old)-(?P<pid>\d+)$")


def _remove_dead_tmp_files(folder: Path, name: str) -> None:
    """Remove ``.<name>.<pid>.*.tmp`` of writers no longer running."""
    with contextlib.suppress(OSError):
        for tmp in folder.glob(f".{glob.escape(name)}.*.tmp"):
            m = _TMP_FILE.match(tmp.name)
            if m and m["name"] == name and not _alive(int(m["pid"])):
                tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A private folder in the system's temp folder (``<prefix><pid>-<random>``), removed on exit.

    For a library that can only write to a path (GDAL's GeoPackage driver). A process killed
    inside the block leaves its folder behind; the next call with the same ``prefix`` removes
    the folders of processes no longer running, so they do not pile up.
    """
    base = Path(tempfile.gettempdir())
    pattern = re.compile(re.escape(prefix) + r"(?P<pid>\d+)-")
    with contextlib.suppress(OSError):
        for old in base.glob(glob.escape(prefix) + "*"):
            m = pattern.match(old.name)
            if m and old.is_dir() and not _alive(int(m["pid"])):
                shutil.rmtree(old, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-") as tmp:
        yield Path(tmp)


def _tmp_for(path: Path) -> Path:
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    os.close(fd)
    return Path(name)


def _write_file(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """``data`` into ``path`` (created or truncated), fsynced, mode 644; ``data`` may be a
    function that writes to the open file (a large file streamed a piece at a time)."""
    with open(path, "wb") as fh:
        if callable(data):
            data(fh)
        else:
            fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o644)


def _named(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path`` when it names no file (a full disk fails a ``write``, which has
    no file name): the message a person reads says which file could not be written."""
    if exc.filename is None:
        exc.filename = str(path)
    return exc


def _write_tmp(path: Path, data: bytes | Callable[[BinaryIO], None]) -> Path:
    """``data`` in a durable temporary sibling of ``path`` (removed again if writing fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_dead_tmp_files(path.parent, path.name)
    tmp = _tmp_for(path)
    try:
        _write_file(tmp, data)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _named(exc, path) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _json_pieces(value: Any) -> Iterator[str]:
    """The JSON text of ``value`` in pieces (see :func:`write_json`)."""
    if hasattr(value, "json_chunks"):
        yield from value.json_chunks()
    elif isinstance(value, dict):
        yield "{"
        for i, (key, item) in enumerate(value.items()):
            yield ("," if i else "") + json.dumps(str(key), ensure_ascii=False) + ":"
            yield from _json_pieces(item)
        yield "}"
    elif isinstance(value, list | tuple) and any(
        hasattr(x, "json_chunks") or isinstance(x, dict | list | tuple) for x in value
    ):
        yield "["
        for i, item in enumerate(value):
            if i:
                yield ","
            yield from _json_pieces(item)
        yield "]"
    else:
        yield json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (fsync, then rename over the old file)."""
    return _write_atomic(Path(path), data)


def _write_atomic(path: Path, data: bytes | Callable[[BinaryIO], None]) -> Path:
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


def write_json(path: Path | str, doc: Any) -> Path:
    """Write ``doc`` as UTF-8 JSON (``ensure_ascii=False``) to ``path`` atomically, encoded
    and written a piece at a time: the text of a large document is never held whole. A value
    with a ``json_chunks()`` method is written as the JSON text it yields (a problem's packed
    matrices, made a block of rows at a time: :func:`planner.planfile.problem_to_json` with
    ``streamed``)."""

    def dump(fh: BinaryIO) -> None:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        for piece in _json_pieces(doc):
            text.write(piece)
        text.flush()
        text.detach()  # the file stays open for its fsync

    return _write_atomic(Path(path), dump)


@contextlib.contextmanager
def staged(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` for a writer that wants a file name (e.g.
    ``GeoDataFrame.to_file``); on success it is renamed over ``path``, on error removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_dead_tmp_files(path.parent, path.name)
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
    before that, the temporaries are removed and every old file stays as it was. A ``kill -9``
    during the renames can leave some files new and some old: a set that must change as one
    belongs in a folder of its own, replaced with :func:`replace_folder`.
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


# --------------------------------------------------------------------------- whole folders

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _load_renameat2() -> Callable[..., int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):  # not glibc >= 2.28, not Linux
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn  # type: ignore[no-any-return]


_RENAMEAT2 = _load_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap the paths ``a`` and ``b`` in one atomic step (Linux ``RENAME_EXCHANGE``).

    ``False`` when the system or file system cannot (then nothing was changed).
    """
    if _RENAMEAT2 is None:
        return False
    rc = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every system can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def clean_leftovers(folder: Path | str) -> list[Path]:
    """Remove what writers of ``folder`` that were killed left next to it; return it.

    ``.<name>.new-<pid>`` (a new folder half written, or after a swap the old one) and
    ``.<name>.old-<pid>`` are removed when process ``pid`` no longer runs — except that when
    ``folder`` itself is missing and an ``.old-`` folder is there (a kill between the two renames
    of the fallback swap), the old folder is put back: it was complete.
    """
    folder = Path(folder)
    parent = folder.parent
    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    for entry in sorted(parent.glob(f".{glob.escape(folder.name)}.*-*")):
        m = _LEFTOVER_DIR.match(entry.name)
        if not m or m["name"] != folder.name or _alive(int(m["pid"])):
            continue
        if m["kind"] == "old" and not folder.exists():
            with contextlib.suppress(OSError):
                os.rename(entry, folder)
                continue
        shutil.rmtree(entry, ignore_errors=True)
        with contextlib.suppress(OSError):
            entry.unlink()  # a plain file of that name
        removed.append(entry)
    return removed


def _carry(old: Path, new: Path, keep: Callable[[str], bool]) -> None:
    """Hard-link (else copy) the entries of ``old`` that ``keep`` names into ``new``."""
    for entry in old.iterdir():
        name = entry.name
        if (new / name).exists() or not keep(name):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(new / name))


def _link_or_copy(src: str, dst: str) -> str:
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return dst
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def replace_folder(
    folder: Path | str,
    files: Mapping[str, bytes],
    *,
    keep: Callable[[str], bool] | None = None,
) -> list[Path]:
    """Make ``folder`` hold ``files`` (name → content), replacing the old folder as a whole.

    The files are written and fsynced into the sibling ``.<name>.new-<pid>``; entries of the old
    folder for which ``keep(name)`` is true (and that ``files`` does not name) are hard-linked
    (else copied) into it; then the two folders are swapped in one atomic step and the old one
    is removed. A failure (a full disk, Ctrl-C) before the swap removes the new folder and
    leaves the old one untouched; a ``kill -9`` at any moment leaves the old folder complete or
    the new one complete, and the next call removes what the killed one left
    (:func:`clean_leftovers`).

    Where the atomic exchange is not available (not Linux, or a file system without
    ``RENAME_EXCHANGE``) the old folder is renamed to ``.<name>.old-<pid>`` and the new one into
    place: for that moment the folder is missing, and a kill there is repaired by the next call.
    A file put into the old folder after it was read here (milliseconds) is not carried over.

    Returns
    -------
    list of Path
        The paths of ``files`` inside ``folder``, in the order given.
    """
    folder = Path(folder).absolute()
    for name in files:
        if not name or "/" in name or os.sep in name or name in (".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(folder)
    pid = os.getpid()
    new = parent / f".{folder.name}.new-{pid}"
    shutil.rmtree(new, ignore_errors=True)  # a leftover of an earlier call in this process
    try:
        new.mkdir()
        for name, data in files.items():
            _write_file(new / name, data)
        if keep is not None and folder.is_dir():
            _carry(folder, new, keep)
        os.chmod(new, 0o755)
        _fsync_dir(new)
        _swap(new, folder, parent / f".{folder.name}.old-{pid}")
    except OSError as exc:
        shutil.rmtree(new, ignore_errors=True)
        if str(exc.filename or "").startswith(str(new)):
            exc.filename = None  # the temporary folder means nothing to a person: name ours
        raise _named(exc, folder) from None
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    _fsync_dir(parent)
    return [folder / name for name in files]


def _swap(new: Path, folder: Path, old: Path) -> None:
    """Put ``new`` in the place of ``folder``; the old folder is removed afterwards."""
    if not folder.exists():
        os.rename(new, folder)
        return
    if exchange(new, folder):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now names the old night
        return
    os.rename(folder, old)
    try:
        os.rename(new, folder)
    except BaseException:
        os.rename(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


__all__ = [
    "clean_leftovers",
    "exchange",
    "replace_all",
    "replace_folder",
    "scratch_dir",
    "staged",
    "write_bytes",
    "write_json",
    "write_text",
]
