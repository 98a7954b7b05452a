"""Real boundaries must not block the night (issue 17): a venue just outside the desa its
``desa_code`` names is accepted with a warning, within ``general.boundary_tolerance_m``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from sources._support import DESA, find, problems_of, write_venues

from planner.errors import InputError
from planner.sources import load_dataset, summarize

# The four desa squares of sources._support touch each other: Ngantru (111.70–111.72) and
# Sumbergedong (111.72–111.74) share the edge lon = 111.72, both span lat -8.07 .. -8.05; the
# grid's southern edge is lat = -8.07. 0.001° of latitude is about 110.6 m.
NGANTRU = "35.03.11.1001"
SUMBERGEDONG = "35.03.11.1002"
ROW = "{vid},Warkop,warkop,{lat},{lon},18:00,02:00,{code},,,,"


def venue(vid: str, lat: float, lon: float, code: str = "") -> str:
    return ROW.format(vid=vid, lat=lat, lon=lon, code=code)


def warnings_of(root: Path) -> list[dict[str, Any]]:
    return summarize(load_dataset(root))["warnings"]


def test_touching_polygons_a_point_on_the_shared_edge_is_inside(dataset_dir: Path) -> None:
    write_venues(dataset_dir, [venue("V1", -8.06, 111.72)])
    ds = load_dataset(dataset_dir)
    assert ds.venues["desa_code"].tolist()[0] in {NGANTRU, SUMBERGEDONG}
    assert ds.warnings == ()


def test_just_outside_its_named_desa_is_accepted_with_a_warning(dataset_dir: Path) -> None:
    # about 330 m south of Ngantru's southern edge (beyond the silent 50 m)
    write_venues(dataset_dir, [venue("V1", -8.073, 111.71, NGANTRU)])
    ds = load_dataset(dataset_dir)
    assert ds.venues["desa_code"].tolist() == [NGANTRU]
    assert ds.venues["desa"].tolist() == ["Ngantru"]
    (w,) = summarize(ds)["warnings"]
    assert (w["kind"], w["file"], w["row"], w["venue_id"]) == (
        "outside_desa",
        "venues.csv",
        2,
        "V1",
    )
    assert 300 < float(w["distance_m"]) < 360
    assert "Ngantru" in str(w["en"]) and "1,000 m" in str(w["en"])
    assert "toleransi" in str(w["id"]) and w["id"] != w["en"]


def test_the_same_point_without_desa_code_stays_an_error(dataset_dir: Path) -> None:
    write_venues(dataset_dir, [venue("V1", -8.073, 111.71)])
    probs = problems_of(lambda: load_dataset(dataset_dir))
    p = find(probs, file="venues.csv", column="lat/lon", row=2)
    assert "Ngantru" in p.expected("en") and "desa_code" in p.expected("en")


def test_just_within_and_just_beyond_the_tolerance(dataset_dir: Path) -> None:
    rows = [
        venue("V1", -8.0785, 111.71, NGANTRU),  # about 940 m outside: accepted
        venue("V2", -8.0795, 111.73, SUMBERGEDONG),  # about 1,050 m outside: an error
    ]
    write_venues(dataset_dir, rows)
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert [(p.row, p.column) for p in probs] == [(3, "lat/lon")]
    text = probs[0].expected("en")
    assert "Sumbergedong" in text and "general.boundary_tolerance_m" in text
    assert "1,000 m" in text


def test_the_tolerance_is_a_setting(dataset_dir: Path) -> None:
    rows = [venue("V1", -8.0785, 111.71, NGANTRU), venue("V2", -8.0795, 111.73, SUMBERGEDONG)]
    write_venues(dataset_dir, rows)
    (dataset_dir / "planner.toml").write_text("[general]\nboundary_tolerance_m = 1200\n")
    assert [w["venue_id"] for w in warnings_of(dataset_dir)] == ["V1", "V2"]
    (dataset_dir / "planner.toml").write_text("[general]\nboundary_tolerance_m = 0\n")
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert [p.row for p in probs] == [2, 3]


def test_a_code_naming_another_desa_does_not_borrow_its_tolerance(dataset_dir: Path) -> None:
    # 330 m south of Ngantru but named Sumbergedong: about 1.3 km from that desa → error
    write_venues(dataset_dir, [venue("V1", -8.073, 111.705, SUMBERGEDONG)])
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert "Sumbergedong" in find(probs, file="venues.csv", column="lat/lon", row=2).expected("en")


def test_within_50_m_is_still_silent(dataset_dir: Path) -> None:
    write_venues(dataset_dir, [venue("V1", -8.0702, 111.71, NGANTRU)])
    assert warnings_of(dataset_dir) == []


def test_inside_a_desa_gives_no_warning(dataset_dir: Path) -> None:
    assert warnings_of(dataset_dir) == []
    assert summarize(load_dataset(dataset_dir))["warnings"] == []


def test_the_distance_uses_the_configured_metric_crs(dataset_dir: Path) -> None:
    write_venues(dataset_dir, [venue("V1", -8.073, 111.71, NGANTRU)])
    utm = float(warnings_of(dataset_dir)[0]["distance_m"])
    (dataset_dir / "planner.toml").write_text('[general]\nmetric_crs = "EPSG:3857"\n')
    mercator = float(warnings_of(dataset_dir)[0]["distance_m"])
    assert 1.005 < mercator / utm < 1.025  # Web Mercator stretches by about 1/cos(8.07°)


def test_desa_ids_in_support_are_what_these_tests_assume() -> None:
    assert (DESA[0][0], DESA[0][4]) == (NGANTRU, (111.70, -8.07, 111.72, -8.05))
    assert (DESA[1][0], DESA[1][4]) == (SUMBERGEDONG, (111.72, -8.07, 111.74, -8.05))


# ------------------------------------------------------------------ the real boundaries

REPO = Path(__file__).resolve().parents[2]
REAL_DESA = REPO.parent / "shared" / "data" / "trenggalek" / "desa.geojson"
DEMO = REPO / "data" / "demo"


@pytest.fixture
def real_boundaries(tmp_path: Path) -> Path:
    """The demo dataset with the 157 real desa polygons of Trenggalek in place of its own
    (columns renamed, the demo's kerawanan joined by code); skipped when ../shared is absent."""
    if not REAL_DESA.is_file():
        pytest.skip("../shared/data/trenggalek/desa.geojson is not on this machine")
    root = tmp_path / "real"
    root.mkdir()
    for name in ("venues.csv", "incidents.csv", "stations.csv", "squads.toml", "planner.toml"):
        shutil.copy(DEMO / name, root / name)
    real = gpd.read_file(REAL_DESA).rename(columns={"code": "desa_code", "name": "desa"})
    demo = gpd.read_file(DEMO / "desa.geojson")
    joined = real[["desa_code", "desa", "kecamatan", "geometry"]].merge(
        demo[["desa_code", "kerawanan"]], on="desa_code", how="left"
    )
    assert len(joined) == 157 and joined["kerawanan"].notna().all()
    joined.to_file(root / "desa.geojson", driver="GeoJSON")
    return root


def test_real_boundaries_leave_only_venues_beyond_the_tolerance(real_boundaries: Path) -> None:
    """With the default 1 km, 17 demo venues 61 m–1 km outside their real desa are accepted
    with a warning; the 5 that lie 1.1–2.9 km outside Dermosari (and 1.4–3 km outside the
    kabupaten: the demo's generated border differs from the real one) stay errors."""
    with pytest.raises(InputError) as info:
        load_dataset(real_boundaries)
    probs = info.value.problems
    assert {p.column for p in probs} == {"lat/lon"}
    assert len(probs) == 5
    assert all("Dermosari" in p.expected("en") for p in probs)


def test_real_boundaries_pass_with_warnings_inside_the_tolerance(real_boundaries: Path) -> None:
    (real_boundaries / "planner.toml").write_text(
        (DEMO / "planner.toml")
        .read_text(encoding="utf-8")
        .replace("[general]\n", "[general]\nboundary_tolerance_m = 3000\n", 1),
        encoding="utf-8",
    )
    summary = summarize(load_dataset(real_boundaries))
    warned = summary["warnings"]
    assert summary["desa"] == 157 and summary["venues"] == 1500
    # the 22 venues beyond 50 m of every polygon
    assert len(warned) == 22
    distances = sorted(float(w["distance_m"]) for w in warned)
    assert distances[0] > 50 and distances[-1] < 3000
    assert sum(d <= 1000 for d in distances) == 17


def test_the_warning_names_the_venue_in_its_value(dataset_dir: Path) -> None:
    write_venues(dataset_dir, [venue("V1", -8.06, 111.71), venue("V7", -8.073, 111.71, NGANTRU)])
    (w,) = load_dataset(dataset_dir).warnings
    assert w.value == "V7: lat=-8.073000, lon=111.710000" and w.as_problem().row == 3
    assert "V7" in w.render("id") and "Ngantru" in w.render("en")
