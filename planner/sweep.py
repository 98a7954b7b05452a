# shim: removed by the lead at integration
"""Moved to :mod:`planner.analysis.sweep`; this old path is the same module object.

The module itself (not a copy of its names) is put in ``sys.modules``, so that callers that
monkeypatch ``planner.sweep.<name>`` still reach the code that uses it (``planner/cli.py``:
``from planner import sweep``; ``read_sweep``, ``plan_tasks``, ``run_serial``, ``run_sweep``,
``write_results``).
"""

import sys

from planner.analysis import sweep as _moved
from planner.analysis.sweep import (
    RESULT_FILES,
    SweepSpec,
    SweepTask,
    chart_png,
    plan_tasks,
    read_sweep,
    run_serial,
    run_sweep,
    run_task,
    warm_cache,
    write_results,
)

__all__ = [
    "RESULT_FILES",
    "SweepSpec",
    "SweepTask",
    "chart_png",
    "plan_tasks",
    "read_sweep",
    "run_serial",
    "run_sweep",
    "run_task",
    "warm_cache",
    "write_results",
]

sys.modules[__name__] = _moved
