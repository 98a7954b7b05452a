"""``planner demo``: write the synthetic Trenggalek dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from planner.cli import DEFAULT_DATASET, LangOpt, console, guarded, parse_lang
from planner.text import cli as T
from planner.text import number


@guarded
def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help=T.HELP_DEMO_OUT)] = DEFAULT_DATASET,
    seed: Annotated[int, typer.Option("--seed", help=T.HELP_DEMO_SEED)] = 1,
    venues: Annotated[int, typer.Option("--venues", min=1, help=T.HELP_DEMO_VENUES)] = 1500,
    force: Annotated[bool, typer.Option("--force", help=T.HELP_DEMO_FORCE)] = False,
    lang: LangOpt = "id",
) -> None:
    """Generate the demo dataset into ``out`` and print what it holds."""
    from planner.demo import write_demo

    lg = parse_lang(lang)
    done = write_demo(out, seed=seed, n_venues=venues, force=force)
    c = done.counts
    seconds = number(done.elapsed_s, lg, 1)
    title = T.DEMO_TITLE.format(out=done.out, seed=done.seed, seconds=seconds)(lg)
    table = Table(title=title, title_justify="left")
    what, count = T.COUNT_HEADS
    table.add_column(what(lg))
    table.add_column(count(lg), justify="right")

    def n(value: int) -> str:
        return number(value, lg, 0)

    kinds = ", ".join(f"{k} {n(v)}" for k, v in c.venues_by_kind.items())
    for label, value in (
        (T.DEMO_DESA, f"{n(c.desa)} ({n(c.kecamatan)} kecamatan)"),
        (T.DEMO_VENUES, f"{n(c.venues)} ({kinds})"),
        (T.DEMO_INCIDENTS, n(c.incidents)),
        (T.DEMO_STATIONS, n(c.stations)),
        (T.DEMO_SQUADS, n(c.squads)),
        (T.DEMO_ROADS, f"{n(c.road_nodes)} / {n(c.road_edges)}"),
    ):
        table.add_row(label(lg), value)
    console.print(table)
