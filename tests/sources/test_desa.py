"""Tests of planner.sources.desa: desa polygons in any CRS and format, and their problems."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from sources._support import DESA, desa_frame, find, problems_of

from planner.sources import load_dataset, read_desa

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "trenggalek"


def test_desa_geojson_in_utm_is_converted(dataset_dir: Path) -> None:
    (dataset_dir / "desa.geojson").unlink()
    desa_frame().to_crs(32749).to_file(dataset_dir / "desa.geojson", driver="GeoJSON")
    desa = read_desa(dataset_dir / "desa.geojson")
    assert desa.crs.to_epsg() == 4326
    xmin, ymin, xmax, ymax = desa.total_bounds
    assert (xmin, ymin, xmax, ymax) == pytest.approx((111.70, -8.07, 111.74, -8.03), abs=1e-6)
    v = load_dataset(dataset_dir).venues.set_index("venue_id")
    assert v.loc["V1", "desa_code"] == "35.03.11.1001"


def test_desa_shapefile_and_aliases(tmp_path: Path) -> None:
    frame = desa_frame().rename(columns={"desa_code": "Kode Desa", "desa": "Nama Desa"})
    frame.to_file(tmp_path / "desa.shp")
    desa = read_desa(tmp_path / "desa.shp")
    assert list(desa.columns) == ["desa_code", "desa", "kecamatan", "kerawanan", "geometry"]
    assert list(desa["desa"]) == [d[1] for d in DESA]


def test_bad_desa_file(dataset_dir: Path) -> None:
    frame = desa_frame()
    frame.loc[1, "desa_code"] = frame.loc[0, "desa_code"]
    frame.loc[2, "kerawanan"] = "parah"
    frame.to_file(dataset_dir / "desa.geojson", driver="GeoJSON")
    probs = problems_of(lambda: read_desa(dataset_dir / "desa.geojson"))
    assert find(probs, file="desa.geojson", column="desa_code", row=3).value == "35.03.11.1001"
    assert find(probs, file="desa.geojson", column="kerawanan", row=4).value == "parah"
    assert len(probs) == 2


def test_desa_file_without_kerawanan(dataset_dir: Path) -> None:
    desa_frame().drop(columns="kerawanan").to_file(dataset_dir / "desa.geojson", driver="GeoJSON")
    probs = problems_of(lambda: load_dataset(dataset_dir))
    find(probs, file="desa.geojson", column="kerawanan")
    # a bad desa file does not make every venue look "outside every desa"
    assert {p.file for p in probs} == {"desa.geojson"}


@pytest.mark.skipif(not (SHARED / "desa.geojson").exists(), reason="../shared data not present")
def test_real_trenggalek_desa_with_levels(tmp_path: Path) -> None:
    real = gpd.read_file(SHARED / "desa.geojson")
    real["kerawanan"] = "sedang"
    real.to_file(tmp_path / "desa.gpkg", driver="GPKG")
    desa = read_desa(tmp_path / "desa.gpkg")
    assert len(desa) == 157 and desa["kecamatan"].nunique() == 14
    assert desa["desa_code"].is_unique
    # without kerawanan the real file is reported, naming the column
    probs = problems_of(lambda: read_desa(SHARED / "desa.geojson"))
    assert [(p.file, p.column) for p in probs] == [("desa.geojson", "kerawanan")]
