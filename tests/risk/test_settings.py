"""The settings of the priority formula: the commented default file, and every key documented."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from planner.config import Directive, Settings, default_settings_toml, settings_from_dict


def test_default_settings_toml_parses_back_to_defaults() -> None:
    text = default_settings_toml()
    assert settings_from_dict(tomllib.loads(text)) == Settings()
    assert "[[directives]]" in text  # the example is there, commented out
    assert "# half_life_days" not in text and "half_life_days = 14.0" in text


def leaf_keys(model: Any, prefix: str = "") -> list[str]:
    keys = []
    for name, field in type(model).model_fields.items():
        key = f"{prefix}{field.alias or name}"
        value = getattr(model, name)
        if hasattr(type(value), "model_fields") and name != "profiles":
            keys += leaf_keys(value, key + ".")
        else:
            keys.append(key)
    return keys


def test_every_settings_key_is_documented() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
    text = doc.read_text(encoding="utf-8")
    keys = [k for k in leaf_keys(Settings()) if k != "directives"]  # a list: keys below
    missing = [k for k in keys if f"`{k}`" not in text]
    directive_keys = [f"`directives[].{f.alias or n}`" for n, f in Directive.model_fields.items()]
    missing += [k for k in directive_keys if k not in text]
    assert not missing, f"undocumented keys in docs/settings.md: {missing}"
