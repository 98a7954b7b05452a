"""Install hints reach the screen as written: Rich must not read ``[analysis]`` as markup."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cli._support import flat
from typer.testing import CliRunner

from planner.cli import EXIT_BAD_INPUT, app

EXAMPLE = Path(__file__).resolve().parents[2] / "notebooks" / "SWEEP.toml"


def test_sweep_without_dask_names_the_extra_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import → ImportError
    res = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["sweep", str(EXAMPLE)])
    assert res.exit_code == EXIT_BAD_INPUT, res.output
    assert "pip install -e '.[analysis]'" in flat(res.output)
    assert "Traceback" not in res.output
