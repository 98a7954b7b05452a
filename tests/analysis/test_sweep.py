"""sweep: the sweep file, task expansion, a real 2-worker LocalCluster against serial runs,
atomic results and the `planner sweep` command."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from small_demo import small_demo
from typer.testing import CliRunner

from planner.analysis import sweep
from planner.cli import app
from planner.errors import InputError, PlannerError

pytest.importorskip("dask.distributed")
pytest.importorskip("pyarrow")

runner = CliRunner()

SQUADS = (
    ("R01", "POLRES", 6, "19:00-00:00", "mobil"),
    ("PS-TUGU-1", "PS-TUGU", 5, "19:00-23:00", "motor"),
)

SWEEP = """
dataset = "kecil"
starts = [2026-11-20, "2026-11-24"]
nights = 2
time_limit_s = 30
reproducible = true
methods = ["optimizer", "baseline"]
out = "hasil"

[settings]
"routing.solution_limit" = 2
"routing.ruin_recreate_steps" = 50

[grid]
"weights.incidents" = [0.5, 2.0]
"""

TIMING = ["wall_s", "solve_s_mean", "task_s"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    small_demo(root / "kecil", SQUADS, n_venues=60)
    (root / "sweep.toml").write_text(SWEEP, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def spec(folder: Path) -> sweep.SweepSpec:
    return sweep.read_sweep(folder / "sweep.toml")


@pytest.fixture(scope="module")
def serial(spec: sweep.SweepSpec) -> pd.DataFrame:
    return sweep.run_serial(spec)


def test_read_sweep(spec: sweep.SweepSpec, folder: Path) -> None:
    assert spec.dataset == (folder / "kecil").resolve()
    assert spec.starts == (dt.date(2026, 11, 20), dt.date(2026, 11, 24))
    assert spec.methods == ("optimizer", "baseline")
    assert spec.grid == {"weights.incidents": (0.5, 2.0)}
    assert spec.out == (folder / "hasil").resolve()


def test_bad_sweep_files_report_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'starts = ["2026-02-30"]\nnights = 0\nmethods = ["magic"]\njitter_pct = [200]\n'
        "colour = 1\n[grid]\nweights = { incidents = [1, 2] }\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        sweep.read_sweep(bad)
    cols = {p.column for p in err.value.problems}
    assert cols >= {"starts[0]", "nights", "methods", "jitter_pct", "colour", "grid.weights"}
    assert all(p.file == "bad.toml" for p in err.value.problems)
    bad.write_text("starts = [\n", encoding="utf-8")
    with pytest.raises(InputError):
        sweep.read_sweep(bad)
    with pytest.raises(InputError):
        sweep.read_sweep(tmp_path / "missing.toml")


def test_tasks_are_the_full_grid(spec: sweep.SweepSpec) -> None:
    tasks = sweep.plan_tasks(spec)
    assert len(tasks) == 2 * 2 * 2  # grid values x starts x methods
    assert [t.index for t in tasks] == list(range(8))
    assert {dict(t.overrides)["weights.incidents"] for t in tasks} == {0.5, 2.0}
    assert all(dict(t.overrides)["routing.solution_limit"] == 2 for t in tasks)


def test_bad_grid_values_name_the_key(spec: sweep.SweepSpec) -> None:
    import dataclasses

    broken = dataclasses.replace(
        spec, grid={"weights.incidents": (1.0, -3.0), "weights.nope": (1,)}
    )
    with pytest.raises(InputError) as err:
        sweep.plan_tasks(broken)
    cols = {p.column for p in err.value.problems}
    assert "grid.weights.nope" in cols and "grid.weights.incidents" in cols


def test_local_cluster_equals_serial_runs(spec: sweep.SweepSpec, serial: pd.DataFrame) -> None:
    seen: list[int] = []
    table = sweep.run_sweep(
        spec, n_workers=2, processes=True, on_task=lambda done, total, row: seen.append(done)
    )
    assert seen == list(range(1, 9))
    keep = [c for c in serial.columns if c not in TIMING]
    pd.testing.assert_frame_equal(table[keep], serial[keep])
    # the grid really changes something, and both methods are there
    assert set(table["method"]) == {"optimizer", "baseline"}
    assert table.groupby("weights.incidents")["coverage"].mean().nunique() == 2


def test_unreachable_scheduler_is_a_clear_error(spec: sweep.SweepSpec) -> None:
    with pytest.raises(PlannerError) as err:
        sweep.run_sweep(spec, scheduler="tcp://127.0.0.1:9", connect_timeout_s=1)
    assert "127.0.0.1:9" in err.value.render("en")


def test_results_are_written_atomically(
    serial: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "hasil"
    written = sweep.write_results(serial, out, grid_keys=["weights.incidents"], lang="en")
    assert sorted(p.name for p in written) == sorted(sweep.RESULT_FILES)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sweep.parquet"), serial)
    back = pd.read_csv(out / "sweep.csv", sep=";", decimal=",")  # the office dialect
    assert len(back) == len(serial)
    assert back["coverage"].tolist() == pytest.approx(serial["coverage"].tolist())
    assert (out / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(sweep, "chart_png", boom)
    with pytest.raises(RuntimeError):
        sweep.write_results(serial.head(2), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_cli_sweep_serial(folder: Path, tmp_path: Path) -> None:
    shutil.copy(folder / "sweep.toml", tmp_path / "sweep.toml")
    (tmp_path / "sweep.toml").write_text(
        (folder / "sweep.toml")
        .read_text(encoding="utf-8")
        .replace('dataset = "kecil"', f'dataset = "{(folder / "kecil").as_posix()}"')
        .replace('methods = ["optimizer", "baseline"]', 'methods = ["baseline"]'),
        encoding="utf-8",
    )
    res = runner.invoke(app, ["sweep", str(tmp_path / "sweep.toml"), "--serial", "-q"])
    assert res.exit_code == 0, res.output
    assert "4 simulasi: 2 pengaturan" in " ".join(res.output.split())
    assert (tmp_path / "hasil" / "sweep.csv").exists()


def test_cli_sweep_bad_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text("nights = -1\n", encoding="utf-8")
    res = runner.invoke(app, ["sweep", str(bad), "--lang", "en"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output and "nights" in res.output


def test_presence_keys_are_grid_axes(spec: sweep.SweepSpec) -> None:
    import dataclasses

    grid = {
        "routing.desa_decay": (1.0, 0.25),
        "presence.weight": (0.0, 2.0),
        "presence.target_days.tinggi": (1.5,),
    }
    tasks = sweep.plan_tasks(dataclasses.replace(spec, grid=grid, methods=("baseline",)))
    assert len(tasks) == 2 * 2 * 1 * 2  # grid x starts
    assert {dict(t.overrides)["routing.desa_decay"] for t in tasks} == {1.0, 0.25}
    assert all(dict(t.overrides)["presence.target_days.tinggi"] == 1.5 for t in tasks)
    # the nested key really reaches the settings of the replay
    row = sweep.run_task(dataclasses.replace(tasks[-1], nights=1))
    assert row["routing.desa_decay"] == 0.25 and row["presence.weight"] == 2.0
    assert '"presence.target_days.tinggi": 1.5' in row["settings"]
    assert {"risk_share", "high_desa_missed", "rawan_unvisited_14n"} <= set(row)
    bad = dataclasses.replace(spec, grid={"presence.target_days.tinggi": (-1.0,)})
    with pytest.raises(InputError) as err:
        sweep.plan_tasks(bad)
    assert any((p.column or "").startswith("grid.presence.target_days") for p in err.value.problems)


def test_variant_means_average_the_starts(serial: pd.DataFrame) -> None:
    mean = sweep.variant_means(serial, grid_keys=["weights.incidents"], lang="en")
    assert len(mean) == 2 * 2  # variants x methods
    assert (mean["starts"] == 2).all()
    assert set(mean["label"]) == {"incidents=0.5", "incidents=2"}
    for r in mean.itertuples():
        rows = serial[(serial["variant"] == r.variant) & (serial["method"] == r.method)]
        assert r.risk_share == pytest.approx(rows["risk_share"].mean())
        assert r.rawan_unvisited_14n == pytest.approx(rows["rawan_unvisited_14n"].mean())
        assert r.coverage_std == pytest.approx(rows["coverage"].std())
        assert r.coverage_min == rows["coverage"].min() and r.coverage_max == rows["coverage"].max()
    assert set(sweep.VARIANT_METRICS) <= set(mean.columns)
