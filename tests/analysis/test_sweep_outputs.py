"""The sweep's read-outs on a synthetic results table (no replay runs): the per-setting summary
(mean and spread over the start dates), the chart (labels that do not overlap, desa reach
charted) and the CSV dialect of its files."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from planner.analysis import sweep

pytest.importorskip("matplotlib")
pytest.importorskip("pyarrow")

KEYS = ("presence.target_days.sangat_tinggi", "weights.incidents", "routing.desa_decay")


def results(*, starts: int = 3, seed: int = 1) -> pd.DataFrame:
    """A results table as ``run_serial`` returns it: 3 × 2 × 2 settings, ``starts`` start dates,
    two methods, every metric random (but seeded)."""
    rng = np.random.default_rng(seed)
    grid = list(itertools.product((1.5, 3.25, 7.0), (0.5, 2.0), (1.0, 0.25)))
    rows: list[dict[str, Any]] = []
    for v, values in enumerate(grid):
        for s in range(starts):
            for method in ("optimizer", "baseline"):
                row = {
                    "task": len(rows),
                    "variant": v,
                    "method": method,
                    "start": f"2026-11-{3 + 7 * s:02d}",
                    "nights": 7,
                    "jitter_pct": 0.0,
                    "settings": "{}",
                    **dict(zip(KEYS, values, strict=True)),
                }
                for m in sweep.VARIANT_METRICS:
                    row[m] = float(rng.uniform(0.05, 0.95))
                rows.append(row)
    return pd.DataFrame(rows)


def test_one_row_per_setting_with_mean_and_spread() -> None:
    table = results()
    summary = sweep.variant_means(table, grid_keys=KEYS, lang="en")
    assert len(summary) == 12 * 2  # settings × methods, not the 72 raw rows
    assert (summary["starts"] == 3).all()
    # methods in the order of the table (the optimiser first), every setting once per method
    assert summary["method"].tolist()[:2] == ["optimizer", "baseline"]
    for r in summary.itertuples():
        runs = table[(table["variant"] == r.variant) & (table["method"] == r.method)]
        assert len(runs) == 3
        for m in ("coverage", "desa_7d_share_mean", "jaccard_mean"):
            values = runs[m].to_numpy()
            assert getattr(r, m) == pytest.approx(values.mean())
            assert getattr(r, f"{m}_std") == pytest.approx(values.std(ddof=1))
            assert getattr(r, f"{m}_min") == values.min()
            assert getattr(r, f"{m}_max") == values.max()
    one = sweep.variant_means(table[table["start"] == "2026-11-03"], grid_keys=KEYS)
    assert one["coverage_std"].isna().all()  # one start: no spread to show
    assert (one["coverage_min"] == one["coverage_max"]).all()


def test_labels_are_numbers_in_the_language() -> None:
    table = results(starts=1)
    ids = sweep.variant_means(table, grid_keys=KEYS, lang="id")["label"]
    ens = sweep.variant_means(table, grid_keys=KEYS, lang="en")["label"]
    assert ids[0] == "target_days.sangat_tinggi=1,5; incidents=0,5; desa_decay=1"
    assert ens[0] == "target_days.sangat_tinggi=1.5; incidents=0.5; desa_decay=1"
    assert "desa_decay=0,25" in set(ids.str.split("; ").explode())


def _boxes(fig: Any, texts: list[Any]) -> list[Any]:
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in texts if t.get_text()]


def _overlapping(boxes: list[Any]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, j in itertools.combinations(range(len(boxes)), 2)
        if boxes[i].overlaps(boxes[j])
    ]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_chart_labels_do_not_overlap_and_desa_reach_is_charted(lang: str) -> None:
    import matplotlib.pyplot as plt

    fig = sweep.chart_figure(results(), grid_keys=KEYS, lang=lang)  # type: ignore[arg-type]
    try:
        fig.canvas.draw()
        axes = fig.axes
        titles = [ax.get_title() for ax in axes]
        reach = "Jangkauan desa" if lang == "id" else "Desa reach"
        assert titles[:2] == (["Cakupan", reach] if lang == "id" else ["Coverage", reach])
        assert len(axes) == len(sweep.CHART_PANELS)
        # the desa reach panel draws the means of desa_7d_share_mean (in %), per bar
        summary = sweep.variant_means(results(), grid_keys=KEYS, lang=lang)  # type: ignore[arg-type]
        widths = sorted(round(p.get_width(), 6) for p in axes[1].patches)
        assert widths == sorted(round(x * 100, 6) for x in summary["desa_7d_share_mean"])
        # every variant has its label, and no two labels (or tick numbers) overlap
        labels = [t for t in axes[0].get_yticklabels() if t.get_text()]
        assert len(labels) == 12
        assert _overlapping(_boxes(fig, labels)) == []
        for ax in axes:
            assert _overlapping(_boxes(fig, list(ax.get_xticklabels()))) == []
        # the labels sit left of the first panel, inside the figure
        left = axes[0].get_window_extent(fig.canvas.get_renderer()).x0
        assert all(b.x0 >= 0 and b.x1 <= left for b in _boxes(fig, labels))
        # tick numbers in the language's format
        ticks = [t.get_text() for t in axes[3].get_xticklabels() if t.get_text()]
        assert any(("," if lang == "id" else ".") in t for t in ticks), ticks
    finally:
        plt.close(fig)


def test_results_are_in_the_office_csv_dialect(tmp_path: Path) -> None:
    table = results(starts=2)
    table.loc[0, "settings"] = '=HYPERLINK("http://x","y")'
    sweep.write_results(table, tmp_path, grid_keys=KEYS, lang="id")
    for name in ("sweep.csv", "sweep_variants.csv"):
        raw = (tmp_path / name).read_bytes()
        assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
        assert raw.splitlines()[0].count(b";") >= 10
    back = pd.read_csv(tmp_path / "sweep.csv", sep=";", decimal=",")
    assert len(back) == len(table)
    np.testing.assert_allclose(back["coverage"], table["coverage"])
    assert back.loc[0, "settings"].startswith("'=")  # formula-safe
    variants = pd.read_csv(tmp_path / "sweep_variants.csv", sep=";", decimal=",")
    assert len(variants) == 24
    np.testing.assert_allclose(
        variants["coverage"],
        sweep.variant_means(table, grid_keys=KEYS)["coverage"],
    )
    assert variants["label"][0] == "target_days.sangat_tinggi=1,5; incidents=0,5; desa_decay=1"
