"""Tests of planner.config: defaults and settings errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.config import Settings, load_settings, settings_from_dict
from planner.errors import InputError, Problem


def problems_of(data: dict) -> tuple[Problem, ...]:
    with pytest.raises(InputError) as info:
        settings_from_dict(data, source="planner.toml")
    return info.value.problems


def test_defaults_are_valid() -> None:
    s = Settings()
    assert settings_from_dict({}) == s
    assert s.general.lang == "id"
    assert set(s.kerawanan.levels) >= {"rendah", "sedang", "tinggi", "sangat_tinggi"}
    assert {"motor", "mobil"} <= set(s.network.profiles)
    assert all(d >= 10 for d in s.kinds.dwell_min.values())
    assert s.routing.time_limit_s > 0
    # the defaults survive a round trip through their own dump
    assert settings_from_dict(s.model_dump(by_alias=True)) == s


def test_missing_or_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(None) == Settings()
    assert load_settings(tmp_path / "absent.toml") == Settings()
    (tmp_path / "planner.toml").write_text("")
    assert load_settings(tmp_path / "planner.toml") == Settings()


def test_file_values_are_read(tmp_path: Path) -> None:
    (tmp_path / "planner.toml").write_text(
        "\ufeff[routing]\nseed = 7\n\n[kerawanan.levels]\nrendah = 1\ntinggi = 4\n"
    )
    s = load_settings(tmp_path / "planner.toml")
    assert s.routing.seed == 7
    assert s.kerawanan.levels == {"rendah": 1.0, "tinggi": 4.0}


def test_wrong_type_names_the_key() -> None:
    (p,) = problems_of({"routing": {"time_limit_s": "cepat"}})
    assert (p.file, p.row, p.column, p.value) == (
        "planner.toml",
        None,
        "routing.time_limit_s",
        "cepat",
    )


def test_out_of_range_names_the_key() -> None:
    (p,) = problems_of({"incidents": {"half_life_days": 0}})
    assert p.column == "incidents.half_life_days" and p.value == 0
    (p,) = problems_of({"kinds": {"dwell_min": {"warkop": 5}}})
    assert p.column == "kinds.dwell_min" and "10" in p.expected("en")


def test_unknown_key_is_reported_not_ignored() -> None:
    (p,) = problems_of({"routing": {"seeed": 3}})
    assert p.column == "routing.seeed"
    assert "unknown key" in p.expected("en") and "tidak dikenal" in p.expected("id")
    (p,) = problems_of({"rooting": {}})
    assert p.column == "rooting"


def test_every_problem_at_once() -> None:
    probs = problems_of(
        {"routing": {"time_limit_s": -1, "seeed": 1}, "network": {"snap_max_m": "jauh"}}
    )
    assert {p.column for p in probs} == {
        "routing.time_limit_s",
        "routing.seeed",
        "network.snap_max_m",
    }


def test_list_items_are_indexed() -> None:
    probs = problems_of({"directives": [{"from": "2024-05-01", "to": "2024-05-02", "factor": -2}]})
    assert [p.column for p in probs] == ["directives[0].factor"]


def test_bad_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "planner.toml"
    path.write_text("[routing\nseed = 1\n")
    with pytest.raises(InputError) as info:
        load_settings(path)
    (p,) = info.value.problems
    assert p.file == "planner.toml" and "TOML" in p.expected("en")


def test_with_overrides_validates() -> None:
    s = Settings().with_overrides(routing={"seed": 3})
    assert s.routing.seed == 3 and s.routing.time_limit_s == Settings().routing.time_limit_s
    with pytest.raises(InputError) as info:
        Settings().with_overrides(routing={"time_limit_s": 0})
    assert info.value.problems[0].column == "routing.time_limit_s"
    assert info.value.problems[0].file == "<overrides>"


def test_settings_are_frozen() -> None:
    s = Settings()
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its ValidationError
        s.routing.seed = 5  # type: ignore[misc]
