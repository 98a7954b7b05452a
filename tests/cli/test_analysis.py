"""``planner simulate`` and ``sweep`` on two nights of the small demo dataset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from cli._support import Demo, Invoke, cells, flat, no_traceback, table_rows

from planner.analysis import simulate
from planner.cli import EXIT_BAD_INPUT
from planner.text import analysis as A


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
    assert "2 malam 20 Nov 2026 … 21 Nov 2026, prioritas diacak ±5%" in text
    assert "Simulasi ulang" in text and "Optimasi dibanding manual: cakupan " in text
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
    # The headline names where each method is better, the baseline's wins as plainly as the
    # optimiser's, and they agree with the comparison written to banding.csv.
    banding = pd.read_csv(out / "banding.csv", sep=";", decimal=",")
    winner = dict(zip(banding["metric"], banding["winner"], strict=True))
    for line_start, method in (
        ("Optimasi unggul pada: ", "optimizer"),
        ("Manual unggul pada: ", "baseline"),
    ):
        found = re.search(re.escape(line_start) + r"([^.]*)\.", text)
        assert found is not None, line_start
        line = found.group(0)
        listed = found.group(1).split(", ")
        expected = [
            A.HEADLINE_NAMES[k]("id") for k in simulate.HEADLINE_METRICS if winner.get(k) == method
        ]
        assert listed == (expected or ["tidak ada"]), (line, winner)
    gain = (banding.set_index("metric").at["coverage", "ratio"] - 1) * 100
    assert f"cakupan {A.signed_percent(gain, 'id')}," in text


def test_simulate_in_english_and_as_json(demo: Demo, invoke: Invoke) -> None:
    base = ("simulate", demo.path, "--start", "2026-11-20", "--nights", "2", *QUICK)
    res = invoke(*base, "--lang", "en")
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert "2 nights 20 Nov 2026 … 21 Nov 2026" in text and "priorities ±" not in text
    assert cells(res.output, "Metric") == ["Metric", "optimiser"]
    assert "Risk-weighted coverage" in text and "Predictability (Jaccard)" in text
    km = cells(res.output, "Km per visit")
    assert len(km) == 2 and "." in km[1] and "," not in km[1]  # English decimals
    assert "Risk collected (fixed yardstick)" in text and "presence measures" not in text
    assert "better on:" not in text  # no headline without the baseline

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
        'starts = ["2026-11-20", "2026-11-23"]\nnights = 2\ntime_limit_s = 30\n'
        'reproducible = true\nmethods = ["baseline"]\nout = "hasil"\n'
        '[grid]\n"weights.incidents" = [0.5, 2.0]\n',
        encoding="utf-8",
    )
    return path


def test_sweep_prints_one_row_per_setting(demo: Demo, invoke: Invoke, tmp_path: Path) -> None:
    """2 settings × 2 start dates: the table has 2 rows (mean ± spread over the starts), the 4
    raw rows are in sweep.csv, and both CSVs are in the office dialect."""
    spec = _sweep_file(tmp_path, demo.path)
    res = invoke("sweep", spec, "--serial", "-q")
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert (
        "4 simulasi: 2 pengaturan × metode, rata-rata ±simpangan baku atas 2 tanggal mulai" in text
    )
    header = cells(res.output, "Pengaturan")
    assert header == [
        "Pengaturan", "Metode", "Tgl mulai", "Cakupan", "Risiko", "Desa/7",
        "Desa rawan terlewat", "Rawan 14 malam", "Jaccard", "Km/kunjungan",
    ]  # fmt: skip
    rows = [r for r in table_rows(res.output) if r and r[0].startswith("incidents=")]
    assert [r[0] for r in rows] == ["incidents=0,5", "incidents=2"]  # Indonesian numbers
    assert all(r[1] == "manual" and r[2] == "2" for r in rows)  # one word for the method
    raw = pd.read_csv(tmp_path / "hasil" / "sweep.csv", sep=";", decimal=",")
    assert len(raw) == 4 and sorted(raw["weights.incidents"]) == [0.5, 0.5, 2.0, 2.0]
    for row in rows:  # each cell is the mean over the two starts ± their standard deviation
        value = 0.5 if row[0] == "incidents=0,5" else 2.0
        runs = raw[raw["weights.incidents"] == value]
        coverage = runs["coverage"]
        assert row[3] == (
            f"{A.metric_value(coverage.mean(), 'pct')} ±"
            f"{A.metric_value(coverage.std(), 'pct').rstrip('%')}"
        )
        km = runs["km_per_visit"]
        assert row[9].startswith(A.metric_value(km.mean(), "1") + " ±")
    assert f"Tiap simulasi (per tanggal mulai) ada di {tmp_path / 'hasil' / 'sweep.csv'}" in text
    assert f"Ditulis: {tmp_path / 'hasil' / 'sweep.csv'}" in text
    variants = pd.read_csv(tmp_path / "hasil" / "sweep_variants.csv", sep=";", decimal=",")
    assert sorted(variants["weights.incidents"]) == [0.5, 2.0]
    assert (variants["starts"] == 2).all()
    assert {"risk_share", "risk_share_std", "coverage_min", "coverage_max"} <= set(variants.columns)
    raw_bytes = (tmp_path / "hasil" / "sweep_variants.csv").read_bytes()
    assert raw_bytes.startswith("\ufeff".encode()) and b"\r\n" in raw_bytes

    en = invoke("sweep", spec, "--serial", "-q", "--lang", "en", "--out", tmp_path / "en")
    assert en.exit_code == 0, en.output
    assert "4 replays: 2 settings × methods, mean ±standard deviation over 2 start dates" in flat(
        en.output
    )
    assert cells(en.output, "Setting")[:3] == ["Setting", "Method", "Starts"]
    assert [r[0] for r in table_rows(en.output) if r and r[0].startswith("incidents=")] == [
        "incidents=0.5",
        "incidents=2",
    ]
    assert f"Written: {tmp_path / 'en' / 'sweep.csv'}" in flat(en.output)


def test_sweep_names_the_bad_key(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "salah.toml"
    bad.write_text("nights = -1\n", encoding="utf-8")
    res = invoke("sweep", bad)
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "salah.toml")[:4] == ["salah.toml", "", "nights", "-1"]


def test_replay_tables_are_formula_safe(tmp_path: Path) -> None:
    """The replays' CSVs carry venue and squad names: a name like a formula is written as text
    (planner._tables.neutralise_cell), numbers (also negative ones) stay numbers; every CSV is in
    the office dialect (';', decimal comma, CRLF, BOM) and pandas reads it back with
    sep=";", decimal=","."""
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
        raw = path.read_bytes()
        assert raw.startswith("\ufeff".encode()) and raw.count(b"\r\n") == len(hostile) + 1
        back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
        assert back["delta"].tolist() == [-1.5, 2.0, -3.25, 0.0, -8.05]  # still numbers
        assert not back["name"].str.startswith(("=", "+", "-", "@")).any()
        assert [restore_cell(n) for n in back["name"]] == hostile
        if "method" in back.columns:
            assert set(back["method"]) == {"'=1+1"}
