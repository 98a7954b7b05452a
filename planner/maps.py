# shim: removed by the lead at integration
"""Moved to :mod:`planner.render.maps`; this old path is the same module object.

The module itself (not a copy of its names) is put in ``sys.modules``, so that callers that
monkeypatch ``planner.maps.<name>`` still reach the code that uses it. The names below are
imported for type checkers.
"""

import sys

from planner.render import maps as _moved
from planner.render.maps import (
    KERAWANAN_COLOURS,
    SQUAD_COLOURS,
    MapData,
    google_maps_directions_url,
    render_overview,
    render_squad,
    squad_map_filename,
    write_maps,
)

sys.modules[__name__] = _moved

__all__ = [
    "KERAWANAN_COLOURS",
    "SQUAD_COLOURS",
    "MapData",
    "google_maps_directions_url",
    "render_overview",
    "render_squad",
    "squad_map_filename",
    "write_maps",
]
