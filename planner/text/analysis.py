"""Words of the analysts' tools (``planner.analysis``): replay methods and the sweep chart."""

from __future__ import annotations

from planner.text import Msg, msg

METHOD_NAMES: dict[str, Msg] = {
    "optimizer": msg("optimasi", "optimiser"),
    "baseline": msg("manual", "manual"),
}
"""How a replay's method is named to a person (``simulate.METHODS``)."""

SWEEP_CHART: dict[str, Msg] = {
    "coverage_axis": msg("Cakupan berbobot risiko (%)", "Risk-weighted coverage (%)"),
    "coverage_title": msg("Cakupan per pengaturan", "Coverage per setting"),
    "jaccard_axis": msg(
        "Keterdugaan: Jaccard malam berturut", "Predictability: Jaccard of consecutive nights"
    ),
    "tradeoff_title": msg("Cakupan vs keterdugaan", "Coverage vs predictability"),
    "default_variant": msg("default", "default"),
}
"""Titles, axes and labels of the sweep's comparison chart (``sweep.png``)."""

__all__ = ["METHOD_NAMES", "SWEEP_CHART"]
