"""The analysts' tools: replaying many nights, the manual baseline and settings sweeps.

- :mod:`planner.analysis.simulate`: replay consecutive nights through the pipeline, tidy tables,
  metrics, two replays side by side;
- :mod:`planner.analysis.measures`: every metric of a replay from its tidy tables (coverage, risk
  on the fixed yardstick, desa reach, rawan gaps, predictability, ...), comparisons with a winner
  per metric and the targets of issue 14;
- :mod:`planner.analysis.baseline`: the manual planner baseline (``manual_plan``);
- :mod:`planner.analysis.overrides`: dotted ``planner.toml`` overrides for replays and sweeps;
- :mod:`planner.analysis.sweep`: a grid of settings × start dates on Dask (optional: the
  ``analysis`` extra; Dask is imported only when a sweep runs on it).

This package only hands its modules on: ``import planner.analysis`` imports none of them (and so
no pandas or Dask); a module is imported when first used.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_MODULES = ("baseline", "measures", "overrides", "simulate", "sweep")


def __getattr__(name: str) -> ModuleType:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = list(_MODULES)
