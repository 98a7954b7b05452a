"""Fixtures of the render tests: a small planned night, made by hand (no solver, no network).

``night_result`` is the tiny night of ``test_maps.build_map_data`` (two squads, five stops,
hostile venue names) wrapped as the :class:`~planner.pipeline.NightResult` that the route
sheet, the exports and the night's writer read. ``sealed_page`` opens a page in headless
Chromium with every request refused but the page's own file (``browser_support``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import browser_support as bs
import pytest
from render.test_maps import build_map_data

from planner.config import Settings
from planner.pipeline import NightResult
from planner.problem import SolveResult
from planner.render.mapdata import MapData
from planner.sources import Dataset


def make_night_result(
    *, with_legs: bool = True, with_presence: bool = True, data: MapData | None = None
) -> NightResult:
    """The map tests' night (or ``data``) as a pipeline result; its problem feeds plan.json's
    totals and the presence curve's lines."""
    data = data or build_map_data(with_legs=with_legs, with_presence=with_presence)
    settings = Settings()
    assert data.problem is not None
    problem = data.problem
    dataset = Dataset(
        root=Path("."),
        desa=data.desa,
        venues=data.venues,
        incidents=data.incidents,
        stations=data.stations,
        squads=data.squads,
        settings=settings,
    )
    return NightResult(
        night=data.night,
        dataset=dataset,
        settings=settings,
        squads=data.squads,
        scores=data.scores,
        problem=problem,
        result=SolveResult("feasible", 0, 0.1, data.plan, {"note": "made by hand"}),
        legs=data.legs,
    )


@pytest.fixture(scope="module")
def night_result() -> NightResult:
    return make_night_result()


@pytest.fixture
def sealed_page(chromium: Any) -> Iterator[Callable[..., bs.OfflinePage]]:
    """Factory: ``sealed_page(viewport={"width": 360, "height": 640}, is_mobile=True)`` — a page
    of a fresh context whose every request but the opened file is refused and recorded
    (``.router.refused``), with its JavaScript errors, console errors and dialogs."""
    contexts: list[Any] = []

    def make(**context_options: Any) -> bs.OfflinePage:
        context = chromium.new_context(**context_options)
        contexts.append(context)
        router = bs.OfflineRouter().attach(context)
        return bs.watch(context.new_page(), router)

    yield make
    for context in contexts:
        context.close()
