"""Fixtures shared by the routing tests."""

from __future__ import annotations

import pytest

from planner.config import Settings


@pytest.fixture(scope="session")
def fast() -> Settings:
    """Settings whose searches end by their budgets (reproducible: 30 solutions, 100 ruin and
    recreate steps); the 3 s limit only ends the search on nights with a single possible plan."""
    return Settings().with_overrides(
        routing={
            "time_limit_s": 3.0,
            "reproducible": True,
            "solution_limit": 30,
            "ruin_recreate_steps": 100,
        }
    )
