"""The one writer of a planned night's folder: maps, route sheet, exports — all or nothing.

The files of a night (``docs/exports.md``): ``index.html`` and ``regu-<squad>.html`` (the
maps), ``rencana-patroli-<date>.html`` / ``.csv`` / ``.xlsx`` (the route sheet to print, and to
fill in and import), ``routes.geojson`` and ``routes.gpkg`` (for QGIS) and ``plan.json``.

The CLI calls :func:`write_night` after the pipeline. It renders every file in memory first and
then replaces the night's folder as a whole (:func:`planner._atomic.replace_folder`: a sibling
folder ``.<date>.new-<pid>`` written, then swapped in one atomic step): if rendering fails half
way, the disk fills up, the user presses Ctrl-C or the process is killed, the folder holds the
previous night's files complete or the new night's files complete, never a mix, and the next run
removes what a killed one left behind.

Files a person put into a night's folder (anything whose name is not one the planner writes) are
carried into the new folder; the planner's own files of an earlier plan (a squad map of a squad
no longer on the roster, a route sheet of another date) are not, so the folder shows tonight's
plan only.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from planner._atomic import replace_folder
from planner.errors import output_error
from planner.pipeline import NightResult
from planner.planfile import plan_to_json
from planner.render import geoexport, maps, sheets
from planner.text import Lang, msg

_PLANNER_FILE = re.compile(
    r"^(index\.html|plan\.json|routes\.(geojson|gpkg)|regu-.+\.html"
    r"|rencana-patroli-.+\.(csv|html|xlsx))$"
)
_KEPT_AS_THEY_WERE = msg(
    "Berkas malam itu yang sudah ada tidak diubah.",
    "The night's existing files were left as they were.",
)


def is_planner_file(name: str) -> bool:
    """``name`` is one of the files :func:`write_night` writes (of any plan of any night)."""
    return bool(_PLANNER_FILE.match(name))


def _keep(name: str) -> bool:
    """A person's file, carried into the new folder; not the planner's, not a temporary."""
    return not is_planner_file(name) and not (name.startswith(".") and name.endswith(".tmp"))


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
        roads=None if result.dataset.roads is None else maps.road_frame(result.dataset.roads),
        settings=result.settings,
    )


def render_night(result: NightResult, *, lang: Lang = "id") -> dict[str, bytes]:
    """Every file of the night, by file name, rendered in memory."""
    date = result.night.date.isoformat()
    data = map_data(result)
    files: dict[str, bytes] = {"index.html": maps.render_overview(data, lang=lang).encode()}
    map_files: dict[str, str] = {}
    for squad in result.squads:
        html = maps.render_squad(data, squad.squad_id, lang=lang)
        map_files[squad.squad_id] = maps.squad_map_filename(squad.squad_id)
        files[map_files[squad.squad_id]] = html.encode()
    plan_doc = plan_to_json(result.plan, result.problem, result.result, settings=result.settings)
    files["plan.json"] = json.dumps(plan_doc, ensure_ascii=False, indent=1).encode()
    # the stop rows once per language: the sheet and the layers in ``lang``, the CSV and the
    # workbook in the reasons' language (the same unless --lang differs from the settings)
    rows = sheets.stop_rows(result, lang=lang)
    own = rows if result.lang == lang else sheets.stop_rows(result)
    layers = geoexport.night_layers(result, lang=lang, rows=rows)
    files["routes.geojson"] = geoexport.routes_geojson(result, lang=lang, layers=layers)
    files["routes.gpkg"] = geoexport.night_gpkg(result, lang=lang, layers=layers)
    files[f"rencana-patroli-{date}.csv"] = sheets.stops_csv(result, rows=own)
    files[f"rencana-patroli-{date}.xlsx"] = sheets.stops_xlsx(result, lang=lang, rows=own)
    sheet = sheets.route_sheet_html(result, lang=lang, map_files=map_files, rows=rows)
    files[f"rencana-patroli-{date}.html"] = sheet.encode()
    return files


def write_night(
    result: NightResult,
    out_dir: Path,
    *,
    lang: Lang = "id",
    timings: dict[str, float] | None = None,
) -> dict[str, Path]:
    """Render the night's files and replace the folder ``out_dir`` with them, as a whole.

    ``timings``, when given, receives the seconds spent rendering and writing. The folder need
    not exist. A person's own files in it are kept (see the module docstring).

    Raises
    ------
    OutputError
        When the files cannot be written (a full disk, a read-only folder, no permission): the
        message names the folder and why; nothing of the new night is left behind and the old
        folder is as it was.
    """
    out_dir = Path(out_dir)
    t0 = time.perf_counter()
    files = render_night(result, lang=lang)
    t1 = time.perf_counter()
    try:
        written = replace_folder(out_dir, files, keep=_keep)
    except OSError as exc:
        raise output_error(out_dir, exc, then=_KEPT_AS_THEY_WERE) from exc
    written = [out_dir / p.name for p in written]
    if timings is not None:
        timings["render"] = t1 - t0
        timings["write"] = time.perf_counter() - t1
    return {p.name: p for p in written}
