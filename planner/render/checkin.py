"""Check-in and the night's report on a squad's phone page (issue 15).

The squad page (``render.maps.render_squad``) appends :func:`checkin_block` to its body. The
block is self-contained HTML + CSS + JavaScript (no request leaves the file). It finds the stop
list's items by their ``data-venue`` attribute and fills each item's empty
``<div class="checkin-slot"></div>`` with the "Tiba" / "Selesai" buttons and the visit form
(a page without those slots gets the stops in the block itself); what the squad records is kept
in the browser's local storage per night, squad and plan, and "Kirim laporan" shares it in the
versioned format read by ``planner visits import`` (``planner.history.report``).

The form's fields and code lists are the visit template's (:class:`planner.history.Known`:
the report categories and agencies of the settings), so what the phone sends is what the
importer accepts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.config import Settings
from planner.history import Known
from planner.history import report as fmt
from planner.render._html import render
from planner.render.mapdata import memo
from planner.text.checkin import checkin_labels

if TYPE_CHECKING:
    from planner.render.mapdata import MapData
    from planner.text import Lang

STORAGE_PREFIX = "warkop-checkin"
"""Local-storage keys are ``warkop-checkin:v1:<night>:<squad>:<plan id>``."""
MAX_PEOPLE = 1000  # the template's bound on jumlah_warga (planner.history.rows)


def checkin_data(
    data: MapData, squad_id: str, *, lang: Lang = "id", settings: Settings | None = None
) -> dict[str, Any]:
    """What the block's script reads (embedded in the page as JSON): the night, squad, plan id,
    the stops in order, the code lists and the labels."""
    settings = settings or getattr(data, "settings", None) or Settings()
    known = Known.from_settings(settings, venue_ids=())
    route = next((r for r in data.plan.routes if r.squad_id == squad_id), None)
    venue_ids = [s.venue_id for s in route.stops] if route else []
    names = memo(
        data,
        "checkin_names",
        lambda: dict(zip(data.venues["venue_id"].astype(str), data.venues["name"], strict=True)),
    )
    night = data.night.date
    plan = fmt.plan_id(night, squad_id, venue_ids)
    return {
        "format": fmt.HEADER,
        "night": night.isoformat(),
        "squad": squad_id,
        "plan": plan,
        "key": f"{STORAGE_PREFIX}:v{fmt.VERSION}:{night.isoformat()}:{squad_id}:{plan}",
        "stops": [
            {"order": n, "venue": v, "name": str(names.get(v, v))}
            for n, v in enumerate(venue_ids, start=1)
        ],
        "categories": list(known.categories),
        "agencies": list(known.agencies),
        "max_people": MAX_PEOPLE,
        "t": checkin_labels(lang),
    }


def checkin_block(
    data: MapData, squad_id: str, *, lang: Lang = "id", settings: Settings | None = None
) -> str:
    """The HTML (a ``<section>``, its style and inline ``<script>``) appended to ``squad_id``'s
    page. ``settings`` (default: the map data's, else the defaults) give the code lists."""
    payload = checkin_data(data, squad_id, lang=lang, settings=settings)
    return render("map_checkin.html.j2", data=payload, lang=lang, t=payload["t"])


__all__ = ["MAX_PEOPLE", "STORAGE_PREFIX", "checkin_block", "checkin_data"]
