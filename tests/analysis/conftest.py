"""Fixtures of the analysis tests: a small generated Trenggalek with three squads."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_demo import POLRES_AND_TUGU, small_demo

SQUADS = (*POLRES_AND_TUGU, ("PS-POGALAN-1", "PS-POGALAN", 5, "20:00-01:00", "motor"))


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with 80 venues and the three squads of ``SQUADS`` (written once)."""
    root = tmp_path_factory.mktemp("sim") / "kecil"
    return small_demo(root, SQUADS)
