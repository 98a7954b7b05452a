"""The CLI's shared behaviour: error handling and exit codes."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from planner import pipeline
from planner.cli import EXIT_BAD_INPUT, EXIT_INTERNAL, app

runner = CliRunner()
DEMO = str(Path(__file__).resolve().parents[1] / "data" / "demo")


def test_a_bug_is_reported_briefly_with_the_traceback_in_a_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(pipeline, "plan_night", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    res = runner.invoke(app, ["plan", DEMO, "--date", "2026-12-01", "--out", str(tmp_path)])
    assert res.exit_code == EXIT_INTERNAL
    assert "Traceback" not in res.output
    assert "Kesalahan internal" in res.output
    logs = list(tmp_path.glob("planner-error-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "something inside broke" in text
    assert re.search(r"planner-error-\d{8}-\d{6}\.log", res.output.replace("\n", ""))


def test_bad_date_is_bad_input(tmp_path: Path) -> None:
    res = runner.invoke(app, ["plan", DEMO, "--date", "1 Desember", "--out", str(tmp_path)])
    assert res.exit_code == EXIT_BAD_INPUT
    assert "--date" in res.output and "YYYY-MM-DD" in res.output
    assert not any(tmp_path.iterdir())


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    res = runner.invoke(app, ["plan", DEMO, "--lang", "jv", "--out", str(tmp_path)])
    assert res.exit_code == EXIT_BAD_INPUT
    assert not any(tmp_path.iterdir())
