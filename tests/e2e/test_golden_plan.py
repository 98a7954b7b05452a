"""The demo night's plan.json is the same plan before and after any change that says so.

``tests/golden/plan-demo-2026-12-01.json`` was written by ``planner plan --reproducible --date
2026-12-01 --time-limit 600`` on the bundled demo (the generous time limit is a safety net only:
reproducible mode ends by its search budgets, here in about 45 s, so the plan does not depend on
the machine's speed). A change that moves code must give the same plan; a change that means to
change the plan writes the file again, and says why in its commit.

The golden file holds the plan without the compiled problem that ``plan.json`` embeds (plan
format v2): that copy of the night's input is checked by ``planner check`` on the written file
instead, which must pass with no other file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from planner.cli import app

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "demo"
GOLDEN = REPO / "tests" / "golden" / "plan-demo-2026-12-01.json"

pytestmark = pytest.mark.slow


def without_timings(doc: dict[str, Any]) -> dict[str, Any]:
    """The plan with what measures the machine left out (wall times, per-phase seconds)."""
    out = json.loads(json.dumps(doc))
    solver = out.get("solver", {})
    solver.pop("wall_s", None)
    stats = solver.get("stats", {})
    for key in [k for k in stats if k.endswith("_s") and k != "time_limit_s"]:
        del stats[key]
    return out


def test_without_timings_keeps_the_plan() -> None:
    doc = json.loads(GOLDEN.read_text(encoding="utf-8"))
    kept = without_timings(doc)
    assert kept["routes"] == doc["routes"] and kept["totals"] == doc["totals"]
    assert "wall_s" not in kept["solver"] and "greedy_s" not in kept["solver"]["stats"]
    assert kept["solver"]["stats"]["time_limit_s"] == 600.0


def test_reproducible_demo_night_matches_the_golden_plan(tmp_path: Path) -> None:
    dataset = tmp_path / "demo"
    shutil.copytree(DEMO, dataset, ignore=shutil.ignore_patterns(".cache", "history.sqlite*"))
    out = tmp_path / "maps"
    res = CliRunner().invoke(
        app,
        [
            "plan", str(dataset), "--reproducible", "--date", "2026-12-01",
            "--time-limit", "600", "--out", str(out), "--quiet",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    got = json.loads((out / "2026-12-01" / "plan.json").read_text(encoding="utf-8"))
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got["solver"]["stats"]["budget_hit"] != "time", "the safety-net clock cut the search"
    assert "problem" in got, "plan.json embeds the night's problem"
    checked = CliRunner().invoke(app, ["check", str(out / "2026-12-01" / "plan.json")])
    assert checked.exit_code == 0, checked.output
    got.pop("problem")
    got, want = without_timings(got), without_timings(want)
    for key in sorted(set(got) | set(want)):
        assert got.get(key) == want.get(key), f"plan.json differs from the golden file in {key!r}"
