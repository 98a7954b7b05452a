"""overrides: dotted planner.toml keys onto settings, and `--set KEY=VALUE` items."""

from __future__ import annotations

import pytest

from planner.analysis.overrides import apply_overrides, parse_assignments
from planner.config import Settings
from planner.errors import InputError


def test_apply_overrides_and_bad_keys() -> None:
    base = Settings()
    cfg = apply_overrides(base, {"weights.incidents": 2.5, "kerawanan.levels.tinggi": 4})
    assert cfg.weights.incidents == 2.5 and cfg.kerawanan.levels["tinggi"] == 4
    assert cfg.weights.rotation == base.weights.rotation
    with pytest.raises(InputError) as err:
        apply_overrides(base, {"weights.incidentz": 1.0, "nosuch.key": 1, "rotation.cap": -1})
    cols = {p.column for p in err.value.problems}
    assert "nosuch.key" in cols and "weights.incidentz" in cols and "rotation.cap" in cols


def test_parse_assignments_reads_toml_values_and_reports_every_bad_item() -> None:
    got = parse_assignments(["weights.incidents=2", "routing.metaheuristic=gls", "a.b=[1, 2]"])
    assert got == {"weights.incidents": 2, "routing.metaheuristic": "gls", "a.b": [1, 2]}
    assert isinstance(got["weights.incidents"], int)
    with pytest.raises(InputError) as err:
        parse_assignments(["nokey", "=3", "ok=true"])
    assert [p.value for p in err.value.problems] == ["nokey", "=3"]
    assert all(p.file == "--set" for p in err.value.problems)
