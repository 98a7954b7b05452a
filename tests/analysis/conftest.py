"""Fixtures of the analysis tests: a small generated Trenggalek with three squads."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.demo import write_demo

ROSTER = """
[[squad]]
squad_id = "R01"
station_id = "POLRES"
members = 6
shift = "19:00-01:00"
vehicle = "mobil"

[[squad]]
squad_id = "PS-TUGU-1"
station_id = "PS-TUGU"
members = 5
shift = "19:00-00:00"
vehicle = "motor"

[[squad]]
squad_id = "PS-POGALAN-1"
station_id = "PS-POGALAN"
members = 5
shift = "20:00-01:00"
vehicle = "motor"
"""


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with 80 venues and the three squads of ``ROSTER`` (written once)."""
    root = tmp_path_factory.mktemp("sim") / "kecil"
    write_demo(root, n_venues=80)
    (root / "squads.toml").write_text(ROSTER, encoding="utf-8")
    return root
