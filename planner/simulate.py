# shim: removed by the lead at integration
"""Moved: replays and metrics to :mod:`planner.analysis.simulate`, the manual baseline to
:mod:`planner.analysis.baseline`, the settings overrides to :mod:`planner.analysis.overrides`.

This old path re-exports what callers used of it (``planner/cli.py``: ``from planner import
simulate``; ``simulate.parse_assignments``, ``apply_overrides``, ``Method``, ``run``,
``compare``, ``write_tables``).
"""

from planner.analysis.baseline import manual_plan
from planner.analysis.overrides import (
    apply_overrides,
    parse_assignments,
)
from planner.analysis.simulate import (
    COMPARE_METRICS,
    DEFAULT_NIGHTS,
    DEFAULT_TIME_LIMIT_S,
    HIGH_LEVELS,
    METHODS,
    TIMING_METRICS,
    Method,
    NightHook,
    Replay,
    compare,
    default_start,
    jaccard,
    jitter_priorities,
    longest_gap_days,
    night_seed,
    run,
    summarize,
    with_settings,
    write_tables,
)

__all__ = [
    "COMPARE_METRICS",
    "DEFAULT_NIGHTS",
    "DEFAULT_TIME_LIMIT_S",
    "HIGH_LEVELS",
    "METHODS",
    "TIMING_METRICS",
    "Method",
    "NightHook",
    "Replay",
    "apply_overrides",
    "compare",
    "default_start",
    "jaccard",
    "jitter_priorities",
    "longest_gap_days",
    "manual_plan",
    "night_seed",
    "parse_assignments",
    "run",
    "summarize",
    "with_settings",
    "write_tables",
]
