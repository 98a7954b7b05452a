"""Data and helpers shared by the command tests (imported as ``cli._support``)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from small_demo import roster_toml
from typer.testing import Result

NIGHT = "2026-12-01"
SEED = 3
N_VENUES = 30

# two squads instead of the demo's sixteen: the plan and the replays stay small and quick
ROSTER = roster_toml(
    [
        ("R01", "POLRES", 6, "19:00-00:00", "mobil"),
        ("PS-TUGU-1", "PS-TUGU", 5, "19:00-23:00", "motor"),
    ],
    names={"R01": "Regu 1 Samapta Polres"},
)

Invoke = Callable[..., Result]
"""``invoke("plan", "--help")``: run a command in-process (the ``invoke`` fixture)."""


@dataclass(frozen=True)
class Demo:
    """The small dataset and what ``planner demo`` printed when it wrote it."""

    path: Path
    output: str


@dataclass(frozen=True)
class Planned:
    """One planned night on the small dataset: the command's output and its files."""

    output: str
    folder: Path
    problem: Path


def copy_dataset(demo: Demo, to: Path) -> Path:
    """A private copy of the small dataset, to break or to write a visit log into."""
    return Path(shutil.copytree(demo.path, to, ignore=shutil.ignore_patterns(".cache")))


def flat(text: str) -> str:
    """The output with runs of whitespace as one space (rich pads and wraps its tables)."""
    return " ".join(text.split())


def no_traceback(text: str) -> bool:
    """True when the output shows no Python traceback."""
    return "Traceback" not in text and 'File "' not in text


def squeezed(text: str) -> str:
    """The output without any whitespace (a table's title wraps at the table's width)."""
    return "".join(text.split())


def table_rows(output: str) -> list[list[str]]:
    """The rows of the tables rich drew in ``output`` (heading rows too), as stripped cells."""
    rows = []
    for line in output.splitlines():
        if line.startswith(("│", "┃")):
            rows.append([cell.strip() for cell in re.split("[│┃]", line)[1:-1]])
    return rows


def cells(output: str, first: str) -> list[str]:
    """The cells of the first table row whose first cell is ``first``."""
    for row in table_rows(output):
        if row and row[0] == first:
            return row
    raise AssertionError(f"no table row starting with {first!r} in:\n{output}")
