"""Tests of planner.sources.dataset: a whole folder read at once, its summary and
``planner validate``."""

from __future__ import annotations

import math
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from sources._support import DESA, SQUADS, STATIONS, find, folder_hash, problems_of, write_venues

from planner.config import Settings
from planner.errors import InputError
from planner.sources import Dataset, load_dataset, summarize


def test_load_dataset_reads_every_file(dataset_dir: Path) -> None:
    ds = load_dataset(dataset_dir)
    assert isinstance(ds, Dataset)
    assert ds.root == dataset_dir
    assert list(ds.desa["desa_code"]) == [d[0] for d in DESA]
    assert ds.desa.crs.to_epsg() == 4326
    assert len(ds.venues) == 5 and ds.venues.crs.to_epsg() == 4326
    assert len(ds.incidents) == 3 and len(ds.stations) == 2
    assert [s.squad_id for s in ds.squads] == ["R01", "R02", "R03"]
    assert ds.roads is None
    assert ds.settings == Settings()
    assert ds == ds and len({ds}) == 1  # compares by identity, never by its tables
    assert ds.station("PSK-POG")["kecamatan"] == "Pogalan"
    with pytest.raises(KeyError):
        ds.station("NOPE")


def test_roads_file_is_found_not_loaded(dataset_dir: Path) -> None:
    (dataset_dir / "roads.osm.pbf").write_bytes(b"not really a pbf")
    assert load_dataset(dataset_dir).roads == dataset_dir / "roads.osm.pbf"


def test_summarize(dataset_dir: Path) -> None:
    s = summarize(load_dataset(dataset_dir))
    assert s["desa"] == 4 and s["kecamatan"] == 2
    assert s["venues"] == 5 and s["venues_active"] == 4
    assert s["venues_per_kecamatan"] == {"Pogalan": 3, "Trenggalek": 2}
    assert s["venues_per_kind"] == {"angkringan": 1, "kafe": 1, "warkop": 3}
    assert s["incidents"] == 3 and s["incidents_from"] == "2024-05-01"
    assert s["stations"] == 2 and s["stations_per_kind"] == {"polres": 1, "polsek": 1}
    assert s["squads"] == 3 and s["members"] == 16
    assert s["roads"] is None


def test_settings_file_is_used(dataset_dir: Path) -> None:
    (dataset_dir / "planner.toml").write_text(
        "[kinds]\nweights = {warkop = 1.0, angkringan = 1.0, kafe = 1.0}\ndwell_min = {warkop = 40.0}\n"
    )
    v = load_dataset(dataset_dir).venues.set_index("venue_id")
    assert v.loc["V1", "dwell_min"] == 40.0


def test_ambiguous_venue_files(dataset_dir: Path) -> None:
    shutil.copy(dataset_dir / "venues.csv", dataset_dir / "venues.geojson")
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert any("venues.geojson" in p.value_text() for p in probs)


def test_missing_files_are_reported_together(tmp_path: Path) -> None:
    probs = problems_of(lambda: load_dataset(tmp_path))
    files = {p.file for p in probs}
    assert {"desa.gpkg", "venues.csv", "stations.csv", "squads.toml"} <= files
    assert not any(p.file.startswith("incidents") for p in probs)  # incidents are optional


def test_not_a_folder(tmp_path: Path) -> None:
    probs = problems_of(lambda: load_dataset(tmp_path / "nope"))
    assert len(probs) == 1 and "nope" in probs[0].file


def test_every_problem_in_every_file_at_once(dataset_dir: Path) -> None:
    write_venues(dataset_dir, ["V1,A,warkop,abc,111.71,18:00,02:00,,,,,"])
    (dataset_dir / "stations.csv").write_text(STATIONS.replace("polsek", "koramil"))
    (dataset_dir / "squads.toml").write_text(SQUADS.replace('"mobil"', '"sepeda"'))
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert {p.file for p in probs} >= {"venues.csv", "stations.csv", "squads.toml"}


def test_bad_settings_file_reported_with_key(dataset_dir: Path) -> None:
    (dataset_dir / "planner.toml").write_text("[routing]\ntime_limit_s = -1\n")
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert find(probs, file="planner.toml", column="routing.time_limit_s").value == -1


def test_bad_input_leaves_files_unchanged(dataset_dir: Path) -> None:
    write_venues(dataset_dir, ["V1,A,warkop,111.71,-8.06,18:00,02:00,,,,,", "V1,,x,a,b,c,d,,,,,"])
    (dataset_dir / "planner.toml").write_text("[routing]\nseeed = 1\n")
    before = folder_hash(dataset_dir)
    with pytest.raises(InputError):
        load_dataset(dataset_dir)
    assert folder_hash(dataset_dir) == before
    assert sorted(p.name for p in dataset_dir.iterdir()) == sorted(before)


def test_error_renders_file_row_column_in_both_languages(dataset_dir: Path) -> None:
    write_venues(dataset_dir, ["V1,A,warkop,-8.06,abc,18:00,02:00,,,,,"])
    with pytest.raises(InputError) as info:
        load_dataset(dataset_dir)
    assert "venues.csv, baris 2, kolom lon" in info.value.render("id")
    assert "venues.csv, row 2, column lon" in info.value.render("en")


def test_thousands_of_rows_validate_fast(dataset_dir: Path) -> None:
    rng = np.random.default_rng(7)
    n = 3000
    lat = rng.uniform(-8.069, -8.031, n)
    lon = rng.uniform(111.701, 111.739, n)
    rows = [
        f"V{i},Warkop {i},{('warkop', 'kafe', 'angkringan')[i % 3]},{la:.6f},{lo:.6f},18:00,02:00,,,,,"
        for i, (la, lo) in enumerate(zip(lat, lon, strict=True))
    ]
    write_venues(dataset_dir, rows)
    inc = ["incident_id,occurred_at,lat,lon,category,severity,venue_id"] + [
        f"I{i},0{1 + i % 9}/05/2024 2{i % 4}:15,{la:.6f},{lo:.6f},curanmor,,V{i}"
        for i, (la, lo) in enumerate(zip(lat, lon, strict=True))
    ]
    (dataset_dir / "incidents.csv").write_text("\n".join(inc) + "\n")
    t0 = time.perf_counter()
    ds = load_dataset(dataset_dir)
    elapsed = time.perf_counter() - t0
    assert len(ds.venues) == n and len(ds.incidents) == n
    assert ds.venues["desa_code"].ne("").all()
    assert elapsed < 5.0, elapsed
    assert not math.isnan(ds.incidents["severity"].sum())


DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.mark.skipif(not (DEMO / "squads.toml").exists(), reason="data/demo not generated yet")
def test_bundled_demo_validates_quickly() -> None:
    t0 = time.perf_counter()
    ds = load_dataset(DEMO)
    elapsed = time.perf_counter() - t0
    s = summarize(ds)
    assert s["desa"] > 0 and s["venues"] > 0 and s["stations"] > 0 and s["squads"] > 0
    assert ds.venues["desa_code"].ne("").all() and ds.venues["kecamatan"].ne("").all()
    assert elapsed < 5.0, elapsed


def _validate_args(*args: str) -> list[str]:
    """``validate`` args; while the app has a single command Typer runs it without its name."""
    import typer.main

    from planner.cli import app

    is_group = hasattr(typer.main.get_command(app), "commands")
    return ["validate", *args] if is_group else list(args)


def test_cli_validate_bad_dataset_exits_2_with_table(dataset_dir: Path) -> None:
    from typer.testing import CliRunner

    from planner.cli import app

    write_venues(dataset_dir, ["V1,A,warkop,111.71,-8.06,18:00,02:00,,,,,"])
    before = folder_hash(dataset_dir)
    result = CliRunner().invoke(app, _validate_args(str(dataset_dir)))
    assert result.exit_code == 2
    out = result.output
    assert "Traceback" not in out
    assert "Berkas" in out and "venues.csv" in out and "tertukar" in out
    en = CliRunner().invoke(app, _validate_args(str(dataset_dir), "--lang", "en"))
    assert en.exit_code == 2 and "swapped" in en.output and "Expected" in en.output
    assert folder_hash(dataset_dir) == before


def test_cli_validate_subprocess_has_no_traceback(dataset_dir: Path) -> None:
    import os
    import subprocess
    import sys

    (dataset_dir / "squads.toml").write_text(SQUADS.replace('"19:00-02:00"', '"02:00-19:00"'))
    proc = subprocess.run(
        [sys.executable, "-m", "planner.cli", *_validate_args(str(dataset_dir), "--lang", "en")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "squads.toml" in proc.stderr and "squad[1].shift" in proc.stderr


# ---------------------------------------------------------------- issue 17: one problem, once


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_venues_file_in_utf16_without_bom_is_one_encoding_problem(
    dataset_dir: Path, encoding: str
) -> None:
    """Not 85 problems with 63 knock-on incident errors first: one, naming the encoding."""
    text = (dataset_dir / "venues.csv").read_text(encoding="utf-8")
    (dataset_dir / "venues.csv").write_bytes(text.encode(encoding))
    probs = problems_of(lambda: load_dataset(dataset_dir))
    (p,) = probs  # incidents.csv names V1: not reported against an unreadable venues file
    assert (p.file, p.value) == ("venues.csv", "UTF-16")
    assert "encoding" in p.expected("en") and "UTF-8" in p.expected("id")
    assert "\x00" not in p.render("id")


def test_a_venues_file_in_utf16_with_bom_is_read(dataset_dir: Path) -> None:
    text = (dataset_dir / "venues.csv").read_text(encoding="utf-8")
    (dataset_dir / "venues.csv").write_bytes(text.encode("utf-16"))  # BOM + little-endian
    assert len(load_dataset(dataset_dir).venues) == 5


def test_a_venues_file_without_venue_id_column_gives_no_incident_knock_on(
    dataset_dir: Path,
) -> None:
    write_venues(
        dataset_dir,
        ["A,warkop,-8.060,111.710,18:00,02:00"],
        header="name,kind,lat,lon,opens,closes",
    )
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert {p.file for p in probs} == {"venues.csv"}
    assert [p.column for p in probs] == ["venue_id"]


def test_an_unreadable_stations_file_gives_no_squad_knock_on(dataset_dir: Path) -> None:
    (dataset_dir / "stations.csv").write_bytes(STATIONS.encode("utf-16-le"))
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert [(p.file, p.value) for p in probs] == [("stations.csv", "UTF-16")]


def test_an_excel_workbook_named_csv_says_rename_it(dataset_dir: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["station_id", "name"])
    wb.save(dataset_dir / "stations.csv")
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert [(p.file, p.value) for p in probs] == [("stations.csv", "xlsx/zip")]
    assert ".xlsx" in probs[0].expected("en")


def test_summary_carries_an_empty_warning_list(dataset_dir: Path) -> None:
    assert summarize(load_dataset(dataset_dir))["warnings"] == []
