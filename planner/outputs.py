# shim: removed by the lead at integration
"""Moved to :mod:`planner.render.outputs`; this old path is the same module object.

The module itself (not a copy of its names) is put in ``sys.modules``, so that callers that
monkeypatch ``planner.outputs.<name>`` still reach the code that uses it. The names below are
imported for type checkers.
"""

import sys

from planner.render import outputs as _moved
from planner.render.outputs import (
    map_data,
    night_folder,
    render_night,
    write_night,
)

sys.modules[__name__] = _moved

__all__ = [
    "map_data",
    "night_folder",
    "render_night",
    "write_night",
]
