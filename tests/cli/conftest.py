"""Fixtures of the command tests: a small synthetic dataset made by ``planner demo`` and a
planned night on it, each built once per session (a few seconds) and read by many tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli._support import N_VENUES, NIGHT, ROSTER, SEED, Demo, Invoke, Planned, copy_dataset
from typer.testing import CliRunner, Result

from planner.cli import app


@pytest.fixture(scope="session")
def invoke() -> Invoke:
    """Run a command in-process on a wide terminal (rich then wraps no table cell)."""
    runner = CliRunner(env={"COLUMNS": "200"})

    def run(*args: str | Path | int) -> Result:
        return runner.invoke(app, [str(a) for a in args])

    return run


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, invoke: Invoke) -> Demo:
    """A 30-venue synthetic Trenggalek with two squads, written by ``planner demo`` (read-only)."""
    path = tmp_path_factory.mktemp("cli") / "kecil"
    res = invoke("demo", "--out", path, "--seed", SEED, "--venues", N_VENUES)
    assert res.exit_code == 0, res.output
    (path / "squads.toml").write_text(ROSTER, encoding="utf-8")
    return Demo(path, res.output)


@pytest.fixture(scope="session")
def planned(tmp_path_factory: pytest.TempPathFactory, demo: Demo, invoke: Invoke) -> Planned:
    """``planner plan`` of the small dataset with its exported problem (read-only)."""
    root = tmp_path_factory.mktemp("plan")
    problem = root / "problem.json"
    res = invoke(
        "plan", demo.path, "--date", NIGHT, "--time-limit", "2", "--seed", "1",
        "--out", root / "maps", "--export-problem", problem,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    return Planned(res.output, root / "maps" / NIGHT, problem)


@pytest.fixture
def dataset_copy(demo: Demo, tmp_path: Path) -> Path:
    """A private copy of the small dataset (for tests that change it)."""
    return copy_dataset(demo, tmp_path / "kecil")
