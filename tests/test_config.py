"""Tests of planner.config: defaults and settings errors that name the key."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from planner.config import Settings, load_settings, setting_ranges, settings_from_dict
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
    assert p.value == "warkop = 5"  # the entry of the table is named with its value


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


# ------------------------------------------------------------------ ranges (issue 17)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        ({"weights": {"rotation": math.inf}}, "weights.rotation", "finite"),
        ({"weights": {"rotation": 1e308}}, "weights.rotation", "≤ 100"),
        ({"weights": {"kerawanan": math.nan}}, "weights.kerawanan", "finite"),
        ({"routing": {"exchange_rate_min": 1e300}}, "routing.exchange_rate_min", "≤ 1000"),
        ({"routing": {"exchange_rate_min": 1e-9}}, "routing.exchange_rate_min", "≥ 0.5"),
        ({"routing": {"seed": -1}}, "routing.seed", "≥ 0"),
        ({"routing": {"seed": 2**31}}, "routing.seed", "≤ 2147483647"),
        ({"routing": {"time_limit_s": math.inf}}, "routing.time_limit_s", "finite"),
        ({"rotation": {"target_days": math.inf}}, "rotation.target_days", "finite"),
        ({"rotation": {"cap": 1e9}}, "rotation.cap", "≤ 100"),
        ({"presence": {"weight": 101}}, "presence.weight", "≤ 100"),
        ({"kinds": {"weights": {"kafe": math.inf}}}, "kinds.weights", "finite"),
        ({"kinds": {"dwell_min": {"kafe": 10_000}}}, "kinds.dwell_min", "≤ 480"),
        ({"incidents": {"cap": math.nan}}, "incidents.cap", "> 0"),
        ({"incidents": {"cap": 1e308}}, "incidents.cap", "or inf"),
        ({"incidents": {"radius_m": math.inf}}, "incidents.radius_m", "finite"),
        ({"kerawanan": {"levels": {"tinggi": 1e200}}}, "kerawanan.levels", "≤ 100"),
        ({"history": {"report_weight": math.inf}}, "history.report_weight", "finite"),
        (
            {"network": {"profiles": {"motor": {"max_kph": math.inf}}}},
            "network.profiles.motor.max_kph",
            "finite",
        ),
        (
            {"directives": [{"from": "2026-12-01", "to": "2026-12-02", "factor": math.inf}]},
            "directives[0].factor",
            "finite",
        ),
        (
            {"directives": [{"from": "2026-12-01", "to": "2026-12-02", "factor": 1e6}]},
            "directives[0].factor",
            "≤ 100",
        ),
        ({"general": {"boundary_tolerance_m": -1}}, "general.boundary_tolerance_m", "≥ 0"),
    ],
)
def test_every_number_is_finite_and_in_range(data: dict[str, Any], key: str, words: str) -> None:
    (p,) = problems_of(data)
    assert (p.file, p.column) == ("planner.toml", key)
    assert words in p.expected("en") and "docs/settings.md" in p.expected("en")
    assert "docs/settings.md" in p.expected("id") and p.expected("id") != p.expected("en")


def test_inf_in_a_toml_file_names_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "planner.toml"
    path.write_text("[weights]\nrotation = inf\n\n[routing]\nexchange_rate_min = 1e300\n")
    with pytest.raises(InputError) as info:
        load_settings(path)
    assert {(p.file, p.column) for p in info.value.problems} == {
        ("planner.toml", "weights.rotation"),
        ("planner.toml", "routing.exchange_rate_min"),
    }


def test_no_cap_is_still_allowed_for_incidents() -> None:
    assert settings_from_dict({"incidents": {"cap": math.inf}}).incidents.cap == math.inf


@pytest.mark.parametrize(
    ("crs", "words"),
    [
        ("EPSG:4326", "degree"),
        ("EPSG:999999", "pyproj"),
        ("EPSG:2229", "foot"),  # California zone 5, US survey feet
        ("bukan crs", "pyproj"),
    ],
)
def test_metric_crs_must_be_projected_in_metres(crs: str, words: str) -> None:
    (p,) = problems_of({"general": {"metric_crs": crs}})
    assert (p.column, p.value) == ("general.metric_crs", crs)
    assert words in p.expected("en") and "EPSG:32749" in p.expected("id")


@pytest.mark.parametrize("crs", ["EPSG:32749", "EPSG:23839", "epsg:32749"])
def test_metric_crs_in_metres_is_accepted(crs: str) -> None:
    assert settings_from_dict({"general": {"metric_crs": crs}}).general.metric_crs == crs


def _float_keys() -> list[tuple[str, ...]]:
    """The path of every single-number setting whose range is finite (incidents.cap excepted)."""
    out = []
    for key in setting_ranges():
        if "[]" in key or "<name>" in key or key == "incidents.cap":
            continue
        out.append(tuple(key.split(".")))
    return out


def _setting(path: tuple[str, ...], value: object) -> dict[str, Any]:
    """Settings holding ``value`` at ``path`` (as the entry ``x`` of a table of numbers)."""
    data: dict[str, Any] = {}
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    default = Settings().model_dump()
    for part in path:
        default = default[part]
    node[path[-1]] = {"x": value} if isinstance(default, dict) else value
    return data


@pytest.mark.parametrize("path", _float_keys(), ids=".".join)
@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan, 1e308, -1e308])
def test_no_number_accepts_inf_nan_or_huge(path: tuple[str, ...], bad: float) -> None:
    probs = problems_of(_setting(path, bad))
    assert [p.column for p in probs] == [".".join(path)]


def test_ranges_are_documented() -> None:
    """docs/settings.md's "Ranges" table is setting_ranges(), row for row."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Ranges", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `([^`]+)` \| ([^|]+?) \|$", section, flags=re.M))
    assert rows == setting_ranges()
    assert rows["weights.rotation"] == "0 ≤ x ≤ 100"
    assert rows["routing.seed"] == "0 ≤ n ≤ 2147483647"


def test_every_default_lies_in_its_range() -> None:
    # the demo's planner.toml (the defaults) must stay valid under the ranges
    assert settings_from_dict(Settings().model_dump(by_alias=True)) == Settings()


@pytest.mark.parametrize("path", _float_keys(), ids=".".join)
def test_true_is_not_a_number(path: tuple[str, ...]) -> None:
    """pydantic reads `rotation = true` as 1: a typo the planner must not guess at."""
    (p,) = problems_of(_setting(path, True))
    assert p.column == ".".join(path) and "true/false" in p.expected("en")


def test_true_is_still_a_yes_where_a_yes_belongs() -> None:
    s = settings_from_dict({"routing": {"reproducible": True, "ruin_recreate": False}})
    assert s.routing.reproducible is True and s.routing.ruin_recreate is False


@pytest.mark.parametrize(
    "raw",
    ["[routing]\nseed = 1\n".encode("utf-16"), bytes(range(256)), b"\xff\xfe\x00"],
    ids=["utf-16", "binary", "bom-only"],
)
def test_a_settings_file_that_is_not_utf8_is_one_problem(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "planner.toml"
    path.write_bytes(raw)
    with pytest.raises(InputError) as info:
        load_settings(path)
    (p,) = info.value.problems
    assert p.file == "planner.toml" and "UTF-8" in p.expected("en")
