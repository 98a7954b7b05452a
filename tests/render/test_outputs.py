"""Tests of planner.render.outputs: the one writer of a night's folder, all or nothing."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from planner import _atomic
from planner.domain import Squad, parse_window
from planner.errors import OutputError
from planner.pipeline import NightResult
from planner.planfile import plan_from_json
from planner.render import geoexport, maps, outputs, sheets
from planner.render.mapdata import empty_route

NIGHT_FILES = {
    "index.html",
    "regu-R01.html",
    "regu-R02.html",
    "plan.json",
    "routes.geojson",
    "routes.gpkg",
    "rencana-patroli-2026-11-28.csv",
    "rencana-patroli-2026-11-28.html",
    "rencana-patroli-2026-11-28.xlsx",
}


def _fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _content(path: Path) -> bytes:
    """A file's bytes; a workbook's members without the time it was saved (openpyxl stamps
    the zip entries and docProps/core.xml with the clock)."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as book:
        names = sorted(n for n in book.namelist() if n != "docProps/core.xml")
        return b"".join(n.encode() + book.read(n) for n in names)


def _same_in_any_process(folder: Path) -> dict[str, str]:
    """:func:`_fingerprint` without random element ids (32 hex digits) and a workbook's save
    time (they differ per process and per second)."""
    return {
        p.name: hashlib.sha256(re.sub(rb"[0-9a-f]{32}", b"#", _content(p))).hexdigest()
        for p in sorted(folder.iterdir())
    }


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_every_export_is_a_planner_file_and_a_persons_file_is_not() -> None:
    for name in NIGHT_FILES | {"rencana-patroli-2026-12-01.xlsx", "regu-PS-X.html"}:
        assert outputs.is_planner_file(name), name
    for name in ("catatan.xlsx", "routes.gpkg-journal", "my-routes.gpkg", "rencana.xlsx"):
        assert not outputs.is_planner_file(name), name


def test_night_folder(night_result: NightResult, tmp_path: Path) -> None:
    assert outputs.night_folder(tmp_path, night_result) == tmp_path / "2026-11-28"


def test_write_night_writes_every_file_of_the_night(
    night_result: NightResult, tmp_path: Path
) -> None:
    folder = outputs.night_folder(tmp_path / "maps", night_result)
    timings: dict[str, float] = {}
    written = outputs.write_night(night_result, folder, timings=timings)
    assert set(written) == NIGHT_FILES
    assert {p.name for p in folder.iterdir()} == NIGHT_FILES  # no temporary files left
    assert all(written[name] == folder / name for name in written)
    assert set(timings) == {"render", "write"} and all(t >= 0 for t in timings.values())
    # Each file is what its renderer makes of the night.
    assert written["routes.geojson"].read_bytes() == geoexport.routes_geojson(night_result)
    assert written["routes.gpkg"].read_bytes() == geoexport.night_gpkg(night_result)  # the same
    assert written["rencana-patroli-2026-11-28.csv"].read_bytes() == sheets.stops_csv(night_result)
    xlsx = written["rencana-patroli-2026-11-28.xlsx"]
    assert xlsx.read_bytes().startswith(b"PK")  # a zip: the workbook
    assert _content(xlsx) == _content(
        _written(tmp_path / "x.xlsx", sheets.stops_xlsx(night_result))
    )
    doc = json.loads(written["plan.json"].read_text(encoding="utf-8"))
    assert plan_from_json(doc).routes == night_result.plan.routes
    assert doc["solver"]["status"] == "feasible" and doc["totals"]["visits"] == 5
    for name in ("index.html", "regu-R01.html", "rencana-patroli-2026-11-28.html"):
        assert written[name].read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype")
    assert "Kopi Pak Min" in written["regu-R01.html"].read_text(encoding="utf-8")
    assert "Kopi Pak Min" not in written["regu-R02.html"].read_text(encoding="utf-8")


def test_english_night(night_result: NightResult, tmp_path: Path) -> None:
    written = outputs.write_night(night_result, tmp_path, lang="en")
    assert "Stop list" in written["regu-R02.html"].read_text(encoding="utf-8")
    assert "(night)" in written["rencana-patroli-2026-11-28.html"].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "renderer"),
    [
        (maps, "render_squad"),  # half way: the overview is already rendered
        (sheets, "stops_csv"),
        (geoexport, "night_gpkg"),
        (sheets, "stops_xlsx"),
        (sheets, "route_sheet_html"),  # the last file rendered
    ],
)
def test_a_render_failure_leaves_the_previous_night_intact(
    night_result: NightResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    renderer: str,
) -> None:
    folder = tmp_path / "2026-11-28"
    outputs.write_night(night_result, folder)
    before = _fingerprint(folder)

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(module, renderer, boom)
    # A different plan of the same night (English, a squad fewer): every file would change.
    replanned = dataclasses.replace(night_result, squads=night_result.squads[:1])
    with pytest.raises(RuntimeError, match="renderer failed"):
        outputs.write_night(replanned, folder, lang="en")
    assert _fingerprint(folder) == before


def test_replanning_replaces_files_and_removes_stale_squad_maps(
    night_result: NightResult, tmp_path: Path
) -> None:
    folder = tmp_path / "2026-11-28"
    folder.mkdir()
    (folder / "regu-OLD.html").write_text("an earlier roster", encoding="utf-8")
    (folder / "rencana-patroli-2026-11-27.csv").write_text("another date", encoding="utf-8")
    (folder / "notes.txt").write_text("not ours", encoding="utf-8")
    (folder / "foto").mkdir()
    (folder / "foto" / "warkop.jpg").write_bytes(b"jpeg")
    (folder / ".index.html.abc123.tmp").write_bytes(b"x" * 939_000)  # an old version's kill
    written = outputs.write_night(night_result, folder)
    assert not (folder / "regu-OLD.html").exists()
    # A person's files stay; the planner's files of an earlier plan and temporaries do not.
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "not ours"
    assert (folder / "foto" / "warkop.jpg").read_bytes() == b"jpeg"
    assert {p.name for p in folder.iterdir()} == set(written) | {"notes.txt", "foto"}
    assert [p.name for p in tmp_path.iterdir()] == ["2026-11-28"]


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(
    night_result: NightResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "maps" / "2026-11-28"
    outputs.write_night(night_result, folder)
    before = _fingerprint(folder)
    real = _atomic._write_file

    def full(path: Path, data: bytes) -> None:
        if path.name == "plan.json":
            real(path, data[:100])
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(_atomic, "_write_file", full)
    for _ in range(3):  # every retry, too
        with pytest.raises(OutputError) as info:
            outputs.write_night(night_result, folder, lang="en")
        assert info.value.exit_code == 73
    assert "disk penuh" in info.value.render("id") and str(folder) in info.value.render("id")
    assert "the disk is full" in info.value.render("en")
    assert "left as they were" in info.value.render("en")
    assert _fingerprint(folder) == before
    assert [p.name for p in folder.parent.iterdir()] == ["2026-11-28"]


def test_a_read_only_folder_is_a_clear_error(
    night_result: NightResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EROFS as a read-only mount gives it (chmod does not stop root, who runs the tests)."""

    def read_only(self: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(OutputError, match="read-only") as info:
        outputs.write_night(night_result, tmp_path / "2026-11-28", lang="en")
    assert info.value.exit_code == 73 and list(tmp_path.iterdir()) == []


_NIGHT_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from render.conftest import make_night_result
    from planner.render import outputs

    result = make_night_result()
    # What this process's code makes of the new night (other sessions may be editing the map
    # templates meanwhile: the test compares with this, not with its own rendering).
    outputs.write_night(result, Path(sys.argv[2]), lang="en")
    print("ready", flush=True)
    while True:
        outputs.write_night(result, Path(sys.argv[1]), lang="en")
    """
)


def test_kill_9_while_write_night_runs_leaves_one_whole_night(
    night_result: NightResult, tmp_path: Path
) -> None:
    """8 kills at random moments of ``write_night`` (rendering, writing, swapping): the folder
    is the night before the kill (Bahasa Indonesia at first) or the new one (English), file for
    file, never a mix."""
    folder = tmp_path / "maps" / "2026-11-28"
    t0 = time.perf_counter()
    outputs.write_night(night_result, folder)
    # Kill within about two writes: on a loaded machine one write takes longer than a fixed
    # window would allow, and no kill would come after a swap.
    window_s = max(0.6, 2.5 * (time.perf_counter() - t0))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    rng = random.Random(28)
    seen = []
    for i in range(8):
        before = _same_in_any_process(folder)
        ref = tmp_path / f"ref-{i}"
        proc = subprocess.Popen(
            [sys.executable, "-c", _NIGHT_WRITER, str(folder), str(ref)],
            stdout=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, window_s))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        new = _same_in_any_process(ref)
        now = _same_in_any_process(folder)
        assert now in (before, new)
        seen.append(now == new != before)
    outputs.write_night(night_result, folder)  # the next good run
    assert set(_same_in_any_process(folder)) == NIGHT_FILES
    assert [p.name for p in folder.parent.iterdir()] == ["2026-11-28"]
    assert any(seen)  # some kill came after a swap (the loop saw the night change)


def test_a_squad_without_stops_gets_its_map_and_sheet(
    night_result: NightResult, tmp_path: Path
) -> None:
    spare = Squad("R03", "POLRES", 4, parse_window("21:00-01:00"), "motor", None, "Regu Cadangan")
    plan = night_result.plan
    plan = dataclasses.replace(plan, routes=(*plan.routes, empty_route(spare)))
    bigger = dataclasses.replace(
        night_result,
        squads=(*night_result.squads, spare),
        result=dataclasses.replace(night_result.result, plan=plan),
    )
    written = outputs.write_night(bigger, tmp_path)
    assert set(written) == NIGHT_FILES | {"regu-R03.html"}
    assert "Tidak ada kunjungan terjadwal" in written["regu-R03.html"].read_text(encoding="utf-8")
    sheet = written["rencana-patroli-2026-11-28.html"].read_text(encoding="utf-8")
    assert sheet.count('class="page"') == 3
