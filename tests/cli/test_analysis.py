"""``planner simulate`` and ``sweep`` on two nights of the small demo dataset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from cli._support import Demo, Invoke, cells, flat, no_traceback, table_rows

from planner.cli import EXIT_BAD_INPUT


def id_number(text: str) -> float:
    """A number as Babel writes it in Indonesian (``2.084,9``)."""
    return float(text.replace(".", "").replace(",", "."))


QUICK = ("--reproducible", "--set", "routing.solution_limit=2", "-q")
"""A solution budget of two: each night solves in well under a second, the same each time."""


def test_simulate_against_the_baseline(demo: Demo, invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "tabel"
    res = invoke(
        "simulate", demo.path, "--start", "2026-11-20", "--nights", "2", "--baseline",
        "--jitter", "5", "--out", out, *QUICK,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert "2 malam 2026-11-20 … 2026-11-21, prioritas diacak ±5%" in text
    assert "Simulasi ulang" in text and "Optimasi vs manual: cakupan" in text
    assert cells(res.output, "Ukuran") == ["Ukuran", "optimasi", "manual", "Unggul"]
    coverage = cells(res.output, "Cakupan berbobot risiko")
    assert all(0 < id_number(c.rstrip("%")) <= 100 for c in coverage[1:3])
    assert coverage[3] in {"optimasi", "manual", "seri"}
    # the presence measures of issue 14, each with its winner
    for label in (
        "Risiko terkumpul (tolok ukur tetap)", "Desa terjangkau per 7 malam",
        "Desa rawan terlewat dalam jendela 7 malam", "Tempat rawan tanpa kunjungan 14 malam (maks.)",
        "Keterdugaan (Jaccard)", "Km per kunjungan", "Kunjungan terbanyak satu desa semalam",
    ):  # fmt: skip
        row = cells(res.output, label)
        assert len(row) == 4 and row[3] in {"optimasi", "manual", "seri"}, label
    assert "," in cells(res.output, "Km per kunjungan")[1]  # Indonesian decimals
    assert re.search(r"Optimasi unggul pada [0-5] dari 5 ukuran kehadiran", text)
    assert f"Tabel: {out}" in text
    assert any(out.glob("*.csv"))


def test_simulate_in_english_and_as_json(demo: Demo, invoke: Invoke) -> None:
    base = ("simulate", demo.path, "--start", "2026-11-20", "--nights", "2", *QUICK)
    res = invoke(*base, "--lang", "en")
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert "2 nights 2026-11-20 … 2026-11-21" in text and "priorities ±" not in text
    assert cells(res.output, "Metric") == ["Metric", "optimiser"]
    assert "Risk-weighted coverage" in text and "Predictability (Jaccard)" in text
    km = cells(res.output, "Km per visit")
    assert len(km) == 2 and "." in km[1] and "," not in km[1]  # English decimals
    assert "Risk collected (fixed yardstick)" in text and "presence measures" not in text

    res = invoke(*base, "--json")
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.output)
    assert metrics["start"] == "2026-11-20" and metrics["nights"] == 2
    assert set(metrics) == {"start", "nights", "optimizer"}
    assert 0 < metrics["optimizer"]["coverage"] <= 1
    for key in (
        "risk_collected",
        "risk_share",
        "high_desa_missed",
        "rawan_unvisited_14n",
        "desa_max_visits_night",
        "km_per_visit",
        "jaccard_mean",
        "desa_7d_share_mean",
    ):
        assert key in metrics["optimizer"], key  # fmt: skip
    assert 0 < metrics["optimizer"]["risk_share"] <= 1


def test_simulate_names_every_bad_option(demo: Demo, invoke: Invoke) -> None:
    res = invoke("simulate", demo.path, "--start", "20 Nov", "--set", "nonsense", "--lang", "en")
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert "2 problem(s) in the input (--set, --start)" in flat(res.output)
    assert cells(res.output, "--set")[:4] == ["--set", "", "", "nonsense"]
    assert cells(res.output, "--start")[:4] == ["--start", "", "--start", "20 Nov"]
    assert "a YYYY-MM-DD date" in res.output


def _sweep_file(folder: Path, dataset: Path) -> Path:
    path = folder / "sweep.toml"
    path.write_text(
        f'dataset = "{dataset.as_posix()}"\n'
        'starts = ["2026-11-20"]\nnights = 2\ntime_limit_s = 30\nreproducible = true\n'
        'methods = ["baseline"]\nout = "hasil"\n'
        '[grid]\n"weights.incidents" = [0.5, 2.0]\n',
        encoding="utf-8",
    )
    return path


def test_sweep_runs_the_grid(demo: Demo, invoke: Invoke, tmp_path: Path) -> None:
    spec = _sweep_file(tmp_path, demo.path)
    res = invoke("sweep", spec, "--serial", "-q")
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert "2 simulasi" in text
    header = cells(res.output, "Metode")
    assert header == [
        "Metode", "Mulai", "weights.incidents", "±%", "Cakupan", "Risiko", "Desa/7",
        "Desa rawan terlewat", "Rawan 14 malam", "Jaccard", "Km/kunjungan",
    ]  # fmt: skip
    assert sorted(r[2] for r in table_rows(res.output) if r[0] == "baseline") == ["0.5", "2.0"]
    assert f"Ditulis: {tmp_path / 'hasil' / 'sweep.csv'}" in text
    assert (tmp_path / "hasil" / "sweep.csv").is_file()
    variants = pd.read_csv(tmp_path / "hasil" / "sweep_variants.csv")
    assert sorted(variants["weights.incidents"]) == [0.5, 2.0]
    assert {"risk_share", "high_desa_missed", "rawan_unvisited_14n"} <= set(variants.columns)

    en = invoke("sweep", spec, "--serial", "-q", "--lang", "en", "--out", tmp_path / "en")
    assert en.exit_code == 0, en.output
    assert "2 replays" in flat(en.output)
    assert cells(en.output, "Method")[:2] == ["Method", "Start"]
    assert f"Written: {tmp_path / 'en' / 'sweep.csv'}" in flat(en.output)


def test_sweep_names_the_bad_key(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "salah.toml"
    bad.write_text("nights = -1\n", encoding="utf-8")
    res = invoke("sweep", bad)
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "salah.toml")[:4] == ["salah.toml", "", "nights", "-1"]


def test_replay_tables_are_formula_safe(tmp_path: Path) -> None:
    """The replays' CSVs carry venue and squad names: a name like a formula is written as text
    (planner._tables.neutralise_cell), numbers (also negative ones) stay numbers."""
    import csv
    from types import SimpleNamespace

    from planner._tables import restore_cell
    from planner.analysis import simulate

    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]
    frame = pd.DataFrame({"name": hostile, "delta": [-1.5, 2.0, -3.25, 0.0, -8.05]})
    replay = SimpleNamespace(
        method="=1+1", per_night=frame, visits=frame, per_venue=frame, per_squad=frame,
        desa_weekly=frame, per_desa=frame,
    )  # fmt: skip
    written = simulate.write_tables([replay], tmp_path, comparison=frame)  # type: ignore[list-item]
    assert len(written) == 7
    for path in written:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            assert not row["name"].startswith(("=", "+", "-", "@")), row
            assert float(row["delta"]) <= 2.0  # still a number
        assert [restore_cell(r["name"]) for r in rows] == hostile
        if "method" in rows[0]:
            assert {r["method"] for r in rows} == {"'=1+1"}
