"""Settings overrides for replays and sweeps: dotted ``planner.toml`` keys.

``simulate.run(ds, {"weights.incidents": 2.0}, …)``, ``planner simulate --set KEY=VALUE`` and a
sweep file's ``[settings]`` and ``[grid]`` tables all change the dataset's settings through
:func:`apply_overrides`, validated like a ``planner.toml``; :func:`parse_assignments` reads the
command line's ``KEY=VALUE`` items.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from planner.config import Settings, settings_from_dict
from planner.errors import InputError, Problem
from planner.text import msg


def apply_overrides(
    settings: Settings, overrides: Mapping[str, Any] | None, *, source: str = "<overrides>"
) -> Settings:
    """Settings with some keys changed: ``{"weights.incidents": 2.0, "rotation.cap": 3}``.

    Keys are dotted paths into ``planner.toml`` (``kerawanan.levels.tinggi`` works too). The
    result is validated like a ``planner.toml``.

    Raises
    ------
    InputError
        An unknown key or a bad value, with the key as the column.
    """
    if not overrides:
        return settings
    data = settings.model_dump(by_alias=True)
    problems: list[Problem] = []
    for key, value in overrides.items():
        parts = str(key).split(".")
        node: Any = data
        for part in parts[:-1]:
            if not isinstance(node, dict) or part not in node or not isinstance(node[part], dict):
                node = None
                break
            node = node[part]
        if not isinstance(node, dict) or (len(parts) < 2 and parts[-1] not in data):
            problems.append(
                Problem(
                    source,
                    None,
                    str(key),
                    value,
                    msg(
                        "kunci planner.toml bertitik, mis. weights.incidents",
                        "a dotted planner.toml key, e.g. weights.incidents",
                    ),
                )
            )
            continue
        node[parts[-1]] = value
    try:
        result = settings_from_dict(data, source=source)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return result


def parse_assignments(items: Sequence[str], *, source: str = "--set") -> dict[str, Any]:
    """``["weights.incidents=2", "routing.metaheuristic=gls"]`` → a dict of overrides.

    Values are read as TOML values (numbers, booleans, quoted strings, lists) and fall back to
    plain text. Every malformed item is reported at once.
    """
    out: dict[str, Any] = {}
    problems = []
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            problems.append(
                Problem(
                    source,
                    None,
                    None,
                    item,
                    msg(
                        "KUNCI=NILAI, mis. weights.incidents=2",
                        "KEY=VALUE, e.g. weights.incidents=2",
                    ),
                )
            )
            continue
        try:
            value: Any = tomllib.loads(f"v = {text.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = text.strip()
        out[key.strip()] = value
    if problems:
        raise InputError(problems)
    return out


__all__ = ["apply_overrides", "parse_assignments"]
