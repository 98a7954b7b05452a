"""Tests of planner.render.outputs: the one writer of a night's folder, all or nothing."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from planner.domain import Squad, parse_window
from planner.pipeline import NightResult
from planner.planfile import plan_from_json
from planner.render import maps, outputs, sheets
from planner.render.mapdata import empty_route

NIGHT_FILES = {
    "index.html",
    "regu-R01.html",
    "regu-R02.html",
    "plan.json",
    "routes.geojson",
    "rencana-patroli-2026-11-28.csv",
    "rencana-patroli-2026-11-28.html",
}


def _fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


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
    assert written["routes.geojson"].read_bytes() == sheets.routes_geojson(night_result)
    assert written["rencana-patroli-2026-11-28.csv"].read_bytes() == sheets.stops_csv(night_result)
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
    (folder / "notes.txt").write_text("not ours", encoding="utf-8")
    written = outputs.write_night(night_result, folder)
    assert not (folder / "regu-OLD.html").exists()
    assert (folder / "notes.txt").exists()  # only stale squad maps are removed
    assert {p.name for p in folder.iterdir()} == set(written) | {"notes.txt"}


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
