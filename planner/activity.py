# shim: removed by the lead at integration
"""Moved to :mod:`planner.render.activity`; this old path is the same module object.

The module itself (not a copy of its names) is put in ``sys.modules``, so that callers that
monkeypatch ``planner.activity.<name>`` still reach the code that uses it.
"""

import sys

from planner.render import activity as _moved
from planner.render.activity import (
    ActivitySummary as ActivitySummary,
    bar_chart_svg as bar_chart_svg,
    render_html as render_html,
    summarize as summarize,
    write_activity_report as write_activity_report,
)

sys.modules[__name__] = _moved
