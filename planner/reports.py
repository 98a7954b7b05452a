# shim: removed by the lead at integration
"""Moved to :mod:`planner.render.sheets`; this old path is the same module object.

The module itself (not a copy of its names) is put in ``sys.modules``, so that callers that
monkeypatch ``planner.reports.<name>`` still reach the code that uses it. The names below are
imported for type checkers.
"""

import sys

from planner.render import sheets as _moved
from planner.render.sheets import (
    CSV_COLUMNS,
    StopRow,
    night_date_text,
    route_sheet_html,
    routes_geojson,
    squad_summaries,
    stop_rows,
    stops_csv,
    summary,
)

sys.modules[__name__] = _moved

__all__ = [
    "CSV_COLUMNS",
    "StopRow",
    "night_date_text",
    "route_sheet_html",
    "routes_geojson",
    "squad_summaries",
    "stop_rows",
    "stops_csv",
    "summary",
]
