# shim: removed by the lead at integration
"""Moved to :mod:`planner.render.outputs`; this old path is the same module object.

The module itself (not a copy of its names) is put in ``sys.modules``, so that callers that
monkeypatch ``planner.outputs.<name>`` still reach the code that uses it.
"""

import sys

from planner.render import outputs as _moved
from planner.render.outputs import (
    map_data as map_data,
    night_folder as night_folder,
    render_night as render_night,
    write_night as write_night,
)

sys.modules[__name__] = _moved
