"""Directives checked against the dataset (risk.validate_directives, issue 17): an unknown
kecamatan, desa, venue or polygon file, a factor out of range and an exclude/must-visit clash
on any common night are problems naming the key, before any night is scored."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import box
from sources._support import problems_of

from planner.config import settings_from_dict
from planner.errors import InputError
from planner.risk import validate_directives
from planner.sources import load_dataset


def _check(root: Path, *directives: dict[str, Any]) -> None:
    ds = load_dataset(root)
    items = [{"from": "2026-12-01", "to": "2026-12-10", **d} for d in directives]
    settings = settings_from_dict({"directives": items})
    validate_directives(settings, ds.desa, ds.venues, root=root)


def _columns(root: Path, *directives: dict[str, Any]) -> list[str | None]:
    return [p.column for p in problems_of(lambda: _check(root, *directives))]


@pytest.mark.parametrize(
    ("directive", "column"),
    [
        ({"kecamatan": "Atlantis", "factor": 2}, "directives[0].kecamatan"),
        ({"desa": "Tidakada"}, "directives[0].desa"),
        ({"desa_code": "35.03.99.9999"}, "directives[0].desa_code"),
        ({"venue_id": ["V1", "V99"], "action": "exclude"}, "directives[0].venue_id"),
        ({"polygon": "areas/tidak-ada.geojson"}, "directives[0].polygon"),
        ({"category": "begal"}, "directives[0].category"),
    ],
)
def test_a_directive_naming_what_is_not_there_is_a_problem(
    dataset_dir: Path, directive: dict[str, Any], column: str
) -> None:
    assert _columns(dataset_dir, directive) == [column]


def test_a_polygon_file_that_is_not_a_polygon_file(dataset_dir: Path) -> None:
    (dataset_dir / "area.geojson").write_text("bukan geojson", encoding="utf-8")
    probs = problems_of(lambda: _check(dataset_dir, {"polygon": "area.geojson"}))
    assert [p.column for p in probs] == ["directives[0].polygon"]
    assert "readable" in probs[0].expected("en")


def test_a_real_polygon_file_is_accepted(dataset_dir: Path) -> None:
    import geopandas as gpd

    gpd.GeoDataFrame(geometry=[box(111.70, -8.07, 111.72, -8.05)], crs=4326).to_file(
        dataset_dir / "area.geojson", driver="GeoJSON"
    )
    _check(dataset_dir, {"polygon": "area.geojson", "factor": 2})


def test_exclude_and_must_visit_of_one_venue_clash_on_a_common_night(dataset_dir: Path) -> None:
    probs = problems_of(
        lambda: _check(
            dataset_dir,
            {"action": "must_visit", "kecamatan": "Trenggalek"},  # V1 and V2
            {"action": "exclude", "venue_id": "V2", "from": "2026-12-06", "to": "2026-12-06"},
        )
    )
    (p,) = probs
    assert (p.file, p.column, p.value) == ("planner.toml", "directives[1], directives[0]", "V2")
    assert "2026-12-06" in p.expected("en") and "excluded" in p.expected("en")


def test_the_same_orders_on_nights_that_do_not_overlap_are_fine(dataset_dir: Path) -> None:
    _check(
        dataset_dir,
        {"action": "must_visit", "venue_id": "V2", "to": "2026-12-05"},
        {"action": "exclude", "venue_id": "V2", "from": "2026-12-06", "to": "2026-12-06"},
    )


def test_exclude_and_must_visit_of_different_venues_are_fine(dataset_dir: Path) -> None:
    _check(
        dataset_dir,
        {"action": "must_visit", "venue_id": "V1"},
        {"action": "exclude", "kecamatan": "Pogalan"},
    )


@pytest.mark.parametrize("factor", [math.inf, math.nan, -1, 101, 1e300])
def test_a_factor_out_of_range_is_a_settings_problem(factor: float) -> None:
    with pytest.raises(InputError) as info:
        settings_from_dict(
            {"directives": [{"from": "2026-12-01", "to": "2026-12-02", "factor": factor}]}
        )
    assert [p.column for p in info.value.problems] == ["directives[0].factor"]


def test_load_dataset_reports_a_factor_out_of_range_with_the_file(dataset_dir: Path) -> None:
    (dataset_dir / "planner.toml").write_text(
        '[[directives]]\nfrom = 2026-12-01\nto = 2026-12-10\nkecamatan = "Pogalan"\nfactor = inf\n',
        encoding="utf-8",
    )
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert [(p.file, p.column) for p in probs] == [("planner.toml", "directives[0].factor")]


def _score(root: Path, *directives: dict[str, Any]) -> Any:
    from planner.domain import Night
    from planner.risk.priority import VisitHistory, score_dataset

    items = [{"from": "2026-12-01", "to": "2026-12-10", **d} for d in directives]
    (root / "planner.toml").write_text("", encoding="utf-8")
    ds = load_dataset(root, settings=settings_from_dict({"directives": items}))
    return score_dataset(ds, Night.parse("2026-12-03"), history=VisitHistory())


def test_overlapping_boosts_may_multiply_up_to_100(dataset_dir: Path) -> None:
    scores = _score(
        dataset_dir, {"kecamatan": "Pogalan", "factor": 10}, {"venue_id": "V3", "factor": 10}
    ).set_index("venue_id")
    assert scores.loc["V3", "directive_factor"] == 100
    assert scores.loc["V4", "directive_factor"] == 10


def test_boosts_multiplying_past_100_are_one_problem_naming_them(dataset_dir: Path) -> None:
    """Ten boosts of x100 made 1e20: the solver's integers overflowed (exit 70)."""
    probs = problems_of(
        lambda: _score(
            dataset_dir,
            {"kecamatan": "Pogalan", "factor": 100},
            {"venue_id": "V1", "factor": 2},
            {"venue_id": ["V3", "V4"], "factor": 1.5},
        )
    )
    (p,) = probs
    assert (p.file, p.column) == ("planner.toml", "directives[0], directives[2]")
    assert p.value == "×150: V3, V4" and "100" in p.expected("en")


def test_category_boosts_multiplying_past_100_are_refused(dataset_dir: Path) -> None:
    probs = problems_of(
        lambda: _score(
            dataset_dir,
            {"category": "curanmor", "factor": 50},
            {"category": "curanmor", "factor": 50, "venue_id": "V1"},
        )
    )
    assert [p.value for p in probs] == ["×2.5e+03: V1"]
