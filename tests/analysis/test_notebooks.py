"""The analysts' notebooks run top to bottom (nbclient) on a small dataset and a few nights,
and are committed with their outputs stripped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_demo import POLRES_AND_TUGU, small_demo

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ("01_bobot_prioritas.ipynb", "02_evaluasi_rute.ipynb", "03_presence_tradeoff.ipynb")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("nb") / "kecil"
    return small_demo(root, POLRES_AND_TUGU)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name: str) -> None:
    doc = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    code = [c for c in doc["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code"
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    text = "".join("".join(c["source"]) for c in doc["cells"] if c["cell_type"] == "markdown")
    assert "English summary" in text  # narrative in Bahasa Indonesia with a short English summary


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(
    name: str, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # jupyter_core warns about its paths moving to platformdirs unless this is set
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("PLANNER_NB_DATASET", str(dataset))
    monkeypatch.setenv("PLANNER_NB_NIGHTS", "3")
    monkeypatch.setenv("PLANNER_NB_TIME_LIMIT", "0.5")
    monkeypatch.setenv("PLANNER_NB_DECAYS", "1.0,0.5")  # 03: two points of the curve
    before = sorted(p.name for p in NOTEBOOKS.iterdir())
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    shown = [o for o in outputs if o.get("output_type") in ("execute_result", "display_data")]
    assert any("image/png" in o.get("data", {}) for o in shown) or name.startswith("02")
    assert any("text/html" in o.get("data", {}) for o in shown)
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == before  # nothing written beside them
