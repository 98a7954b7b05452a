"""What the planner draws and prints, from a planned night (nothing here decides anything).

- :mod:`planner.render.maps`: the self-contained map pages (the night as JSON, drawn by the
  pinned Leaflet inlined from ``render/assets``; docs/maps.md);
- :mod:`planner.render.mapdata`: what the maps show, as plain data (no HTML);
- :mod:`planner.render.checkin`: the squad page's check-in block and "Kirim laporan";
- :mod:`planner.render.presence`: why a stop, in desa terms (the presence curve's rank and
  weight, the days since presence), for the sheet and the maps, and each desa's presence state;
- :mod:`planner.render.sheets`: the printable route sheet, the stops CSV, the routes GeoJSON
  and the machine-readable summary;
- :mod:`planner.render.activity`: the printable activity report for the Kapolres;
- :mod:`planner.render.outputs`: the one writer of a night's folder.

This package only hands its modules on: ``import planner.render`` imports none of them (and so
no pandas); ``planner.render.maps`` is imported when first used.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_MODULES = ("activity", "checkin", "mapdata", "maps", "outputs", "presence", "sheets")


def __getattr__(name: str) -> ModuleType:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = list(_MODULES)
