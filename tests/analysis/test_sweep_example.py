"""The example sweep file the docs point to reads, and plans the tasks it says it plans."""

from __future__ import annotations

from pathlib import Path

from planner.analysis import sweep

EXAMPLE = Path(__file__).resolve().parents[2] / "notebooks" / "SWEEP.toml"


def test_the_example_sweep_reads_and_plans_its_tasks() -> None:
    spec = sweep.read_sweep(EXAMPLE)
    assert spec.dataset.resolve() == (EXAMPLE.parent.parent / "data" / "demo").resolve()
    tasks = sweep.plan_tasks(spec)
    # 2 decays × 2 rotation weights × 2 starts × 2 methods, as its header says
    assert len(tasks) == 16
    assert {t.method for t in tasks} == {"optimizer", "baseline"}
