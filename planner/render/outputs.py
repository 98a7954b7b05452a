"""The one writer of a planned night's folder: maps, route sheet, exports — all or nothing.

The CLI calls :func:`write_night` after the pipeline. It renders every file in memory first and
then replaces the night's folder content in one go (:func:`planner._atomic.replace_all`): if
rendering fails half way, or the user presses Ctrl-C, the previous files of that night stay
exactly as they were.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from planner._atomic import replace_all
from planner.pipeline import NightResult
from planner.planfile import plan_to_json
from planner.render import maps, sheets
from planner.text import Lang


def night_folder(base: Path, result: NightResult) -> Path:
    """``maps/<YYYY-MM-DD>/`` under ``base``."""
    return Path(base) / result.night.date.isoformat()


def map_data(result: NightResult) -> maps.MapData:
    """The plain data the maps show, from a night's result."""
    return maps.MapData(
        night=result.night,
        plan=result.plan,
        squads=result.squads,
        stations=result.dataset.stations,
        venues=result.dataset.venues,
        scores=result.scores,
        desa=result.dataset.desa,
        incidents=result.dataset.incidents,
        legs=result.legs,
        kerawanan_levels=tuple(result.settings.kerawanan.levels),
        problem=result.problem,
    )


def render_night(result: NightResult, *, lang: Lang = "id") -> dict[str, bytes]:
    """Every file of the night, by file name, rendered in memory."""
    date = result.night.date.isoformat()
    data = map_data(result)
    files: dict[str, bytes] = {"index.html": maps.render_overview(data, lang=lang).encode()}
    for squad in result.squads:
        html = maps.render_squad(data, squad.squad_id, lang=lang)
        files[maps.squad_map_filename(squad.squad_id)] = html.encode()
    plan_doc = plan_to_json(result.plan, result.problem, result.result, settings=result.settings)
    files["plan.json"] = json.dumps(plan_doc, ensure_ascii=False, indent=1).encode()
    files["routes.geojson"] = sheets.routes_geojson(result)
    files[f"rencana-patroli-{date}.csv"] = sheets.stops_csv(result)
    files[f"rencana-patroli-{date}.html"] = sheets.route_sheet_html(result, lang=lang).encode()
    return files


def write_night(
    result: NightResult,
    out_dir: Path,
    *,
    lang: Lang = "id",
    timings: dict[str, float] | None = None,
) -> dict[str, Path]:
    """Render and write the night's files into ``out_dir`` atomically, as one set.

    ``timings``, when given, receives the seconds spent rendering and writing.
    Squad maps of an earlier plan of the same night for squads no longer on the roster are
    removed (after the new files are in place), so the folder shows tonight's plan only.
    """
    out_dir = Path(out_dir)
    t0 = time.perf_counter()
    files = render_night(result, lang=lang)
    t1 = time.perf_counter()
    written = replace_all({out_dir / name: data for name, data in files.items()})
    keep = {p.name for p in written}
    for stale in out_dir.glob("regu-*.html"):
        if stale.name not in keep:
            stale.unlink(missing_ok=True)
    if timings is not None:
        timings["render"] = t1 - t0
        timings["write"] = time.perf_counter() - t1
    return {p.name: p for p in written}
