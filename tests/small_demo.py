"""Small demo datasets for the tests that replay or plan whole nights: the synthetic Trenggalek
with a few dozen venues and a roster of a few squads, written in a temporary folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planner.demo import write_demo

SquadRow = tuple[str, str, int, str, str]
"""``(squad_id, station_id, members, shift, vehicle)``"""

POLRES_AND_TUGU: tuple[SquadRow, ...] = (
    ("R01", "POLRES", 6, "19:00-01:00", "mobil"),
    ("PS-TUGU-1", "PS-TUGU", 5, "19:00-00:00", "motor"),
)


def roster_toml(squads: Sequence[SquadRow], *, names: dict[str, str] | None = None) -> str:
    """A ``squads.toml`` with one ``[[squad]]`` table per row (``names``: squad id → name)."""
    blocks = []
    for squad_id, station_id, members, shift, vehicle in squads:
        name = f'name = "{names[squad_id]}"\n' if names and squad_id in names else ""
        blocks.append(
            f'[[squad]]\nsquad_id = "{squad_id}"\n{name}station_id = "{station_id}"\n'
            f'members = {members}\nshift = "{shift}"\nvehicle = "{vehicle}"\n'
        )
    return "\n".join(blocks)


def small_demo(root: Path, squads: Sequence[SquadRow], *, n_venues: int = 80) -> Path:
    """Write the demo with ``n_venues`` venues to ``root`` and replace its roster by ``squads``."""
    write_demo(root, n_venues=n_venues)
    (root / "squads.toml").write_text(roster_toml(squads), encoding="utf-8")
    return root
