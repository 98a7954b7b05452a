"""Tests of planner.risk on a loaded dataset: score_dataset, its visit history and ``planner score``."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

from planner import history
from planner.cli import app
from planner.domain import WIB, Night
from planner.pipeline import visit_history
from planner.risk import VisitHistory, night_start_of, score_dataset
from planner.sources import load_dataset

DESA_LL = [
    ("35.03.11.1001", "Ngantru", "Trenggalek", "tinggi", (111.70, -8.07, 111.72, -8.05)),
    ("35.03.12.2001", "Ngadirejo", "Pogalan", "rendah", (111.70, -8.05, 111.72, -8.03)),
]
VENUES_CSV = """venue_id,name,kind,lat,lon,opens,closes
V1,Warkop Mbah Kuwot,warkop,-8.060,111.710,18:00,02:00
V2,Kafe Senja,kafe,-8.040,111.711,16:00,23:00
V3,Angkringan Pak Dul,angkringan,-8.041,111.712,19:00,01:00
"""
INCIDENTS_CSV = """incident_id,occurred_at,lat,lon,category,severity,venue_id
I1,2026-12-05 21:30,-8.0601,111.7101,curanmor,,
I2,2026-12-07 21:30,-8.0401,111.7111,narkoba,,
"""
STATIONS_CSV = """station_id,name,kind,lat,lon,kecamatan
POLRES,Polres Trenggalek,polres,-8.055,111.715,Trenggalek
"""
SQUADS_TOML = """[[squad]]
squad_id = "R01"
station_id = "POLRES"
members = 6
shift = "19:00-02:00"
vehicle = "mobil"
"""


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    root.mkdir()
    gpd.GeoDataFrame(
        {
            "desa_code": [d[0] for d in DESA_LL],
            "desa": [d[1] for d in DESA_LL],
            "kecamatan": [d[2] for d in DESA_LL],
            "kerawanan": [d[3] for d in DESA_LL],
        },
        geometry=[box(*d[4]) for d in DESA_LL],
        crs=4326,
    ).to_file(root / "desa.geojson", driver="GeoJSON")
    (root / "venues.csv").write_text(VENUES_CSV)
    (root / "incidents.csv").write_text(INCIDENTS_CSV)
    (root / "stations.csv").write_text(STATIONS_CSV)
    (root / "squads.toml").write_text(SQUADS_TOML)
    return root


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, ["score", *args], catch_exceptions=False)


def test_cli_table(dataset_dir: Path) -> None:
    res = invoke(str(dataset_dir), "--date", "2026-12-06", "--top", "2")
    assert res.exit_code == 0, res.output
    assert "Prioritas" in res.output and "2 teratas dari 3 tempat" in res.output
    assert "V1" in res.output  # tinggi desa and a curanmor at its door: first
    assert "V3" not in res.output.split("Alasan", 1)[1]  # only the top 2 are shown
    en = invoke(str(dataset_dir), "--date", "2026-12-06", "--lang", "en")
    assert en.exit_code == 0 and "Reasons" in en.output and "Never visited" in en.output


def test_cli_json(dataset_dir: Path) -> None:
    res = invoke(str(dataset_dir), "--date", "2026-12-06", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows[0]["venue_id"] == "V1" and len(rows) == 3
    assert [r["priority"] for r in rows] == sorted((r["priority"] for r in rows), reverse=True)
    v1 = rows[0]
    assert v1["incidents"] > 0 and isinstance(v1["reasons"], list)
    assert any(
        re.match(r"1 kejadian dalam 14 hari terakhir \(curanmor\)", r) for r in v1["reasons"]
    )
    # the narkoba incident of 7 Dec is in the future of the night of 6 Dec
    assert all(r["incidents"] == 0 for r in rows if r["venue_id"] != "V1")


def test_cli_csv_and_bad_directive(dataset_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "scores.csv"
    res = invoke(str(dataset_dir), "--date", "2026-12-06", "--csv", str(out))
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")  # the office dialect
    assert list(table.columns[:2]) == ["venue_id", "name"] and len(table) == 3
    bad_out = tmp_path / "bad.csv"
    (dataset_dir / "planner.toml").write_text(
        '[[directives]]\nfrom = 2026-12-01\nto = 2026-12-10\ndesa = "Atlantis"\nfactor = 2.0\n'
    )
    res = invoke(str(dataset_dir), "--date", "2026-12-06", "--csv", str(bad_out))
    assert res.exit_code == 2
    assert "directives[0].desa" in res.output and "Atlantis" in res.output
    assert not bad_out.exists()
    (dataset_dir / "planner.toml").write_text(
        "[[directives]]\nfrom = 2026-12-10\nto = 2026-12-01\n"
    )
    res = invoke(str(dataset_dir), "--date", "2026-12-06")
    assert res.exit_code == 2 and "directives[0].to" in res.output


def test_cli_bad_date(dataset_dir: Path) -> None:
    res = invoke(str(dataset_dir), "--date", "6 Des")
    assert res.exit_code == 2 and "--date" in res.output


def _visit_to_v1() -> history.VisitIn:
    """R01 at V1 on the night of 1 December, 20:00, with one report of motorbike theft."""
    return history.VisitIn(
        night=dt.date(2026, 12, 1),
        squad_id="R01",
        venue_id="V1",
        arrived_at=dt.datetime(2026, 12, 1, 20, 0, tzinfo=WIB),
        reports=(history.ReportIn(category="curanmor", text="Motor hilang", police_matter=True),),
    )


def test_score_dataset_reads_the_visit_log(dataset_dir: Path) -> None:
    data = load_dataset(dataset_dir)
    visit = _visit_to_v1()
    with history.open_store(history.default_store_path(dataset_dir, data.settings)) as store:
        history.add_visits(store, [visit], source="test")

    def scored(night: Night) -> pd.DataFrame:
        return score_dataset(
            data, night, history=visit_history(data, night_start_of(night))
        ).set_index("venue_id")

    out = scored(Night(dt.date(2026, 12, 6)))
    assert out.loc["V1", "rotation"] == 0.0  # visited 4.7 days before the start
    assert out.loc["V2", "rotation"] == 2.0  # never
    assert out.loc["V1", "reports"] == pytest.approx(2 ** (-(4 + 16 / 24) / 7), abs=1e-9)
    assert "1 laporan warga soal curanmor minggu ini" in out.loc["V1", "reasons"]
    before = scored(Night(dt.date(2026, 11, 30)))
    assert before.loc["V1", "rotation"] == 2.0 and before.loc["V1", "reports"] == 0.0
    plain = score_dataset(data, Night(dt.date(2026, 12, 6)), history=VisitHistory())
    assert (plain["rotation"] == 2.0).all()


def test_score_dataset_takes_the_history_its_caller_read(dataset_dir: Path) -> None:
    data = load_dataset(dataset_dir)
    visit = _visit_to_v1()
    night = Night(dt.date(2026, 12, 6))
    start = night_start_of(night)
    path = history.default_store_path(dataset_dir, data.settings)
    with history.open_store(path) as store:
        history.add_visits(store, [visit], source="test")
        given = VisitHistory(
            last_visits=history.last_visits(store, before=start),
            reports=history.recent_reports(
                store, before=start, days=data.settings.history.report_lookback_days
            ),
        )
        from_store = score_dataset(data, night, history=visit_history(data, start, store=store))
    new = score_dataset(data, night, history=given)
    on_disk = score_dataset(data, night, history=visit_history(data, start))
    pd.testing.assert_frame_equal(new, on_disk)
    pd.testing.assert_frame_equal(new, from_store)
    assert new.set_index("venue_id").loc["V1", "rotation"] == 0.0
    # what the caller hands in is all risk sees: the visit log on disk is not read
    none = score_dataset(data, night, history=VisitHistory())
    assert (none["rotation"] == 2.0).all() and (none["reports"] == 0.0).all()
    assert visit_history(data, start).last_visits  # the log on disk has the visit
    path.unlink()
    pd.testing.assert_frame_equal(
        none, score_dataset(data, night, history=visit_history(data, start))
    )
