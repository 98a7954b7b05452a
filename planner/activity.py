# shim: removed by the lead at integration
"""Moved to :mod:`planner.render.activity`; this old path is the same module object.

The module itself (not a copy of its names) is put in ``sys.modules``, so that callers that
monkeypatch ``planner.activity.<name>`` still reach the code that uses it. The names below are
imported for type checkers.
"""

import sys

from planner.render import activity as _moved
from planner.render.activity import (
    ActivitySummary,
    bar_chart_svg,
    render_html,
    summarize,
    write_activity_report,
)

sys.modules[__name__] = _moved

__all__ = [
    "ActivitySummary",
    "bar_chart_svg",
    "render_html",
    "summarize",
    "write_activity_report",
]
