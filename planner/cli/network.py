"""``planner network import`` and ``network fetch``: the dataset's road network as GraphML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from planner.cli import LangOpt, console, guarded, parse_lang, plain
from planner.text import Lang, number
from planner.text import cli as T

GraphmlOut = Annotated[Path, typer.Option("--out", help=T.HELP_NETWORK_OUT)]


def _print_import_report(report: Any, lang: Lang) -> None:
    # the output path is the user's: shown as written, never read as Rich markup
    title = plain(T.NETWORK_TITLE.format(out=report.out)(lang))
    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column(T.NETWORK_KEPT(lang), justify="right")
    table.add_column(T.NETWORK_DROPPED(lang), justify="right")
    for label, kept, dropped, digits in (
        (T.NETWORK_NODES(lang), report.nodes_kept, report.nodes_dropped, 0),
        (T.NETWORK_EDGES(lang), report.edges_kept, report.edges_dropped, 0),
        ("km", report.length_km_kept, report.length_km_dropped, 1),
    ):
        table.add_row(label, number(kept, lang, digits), number(dropped, lang, digits))
    console.print(table)
    if report.pieces_dropped:
        pieces = number(report.pieces_dropped, lang, 0)
        console.print(plain(T.NETWORK_PIECES_DROPPED.format(n=pieces)(lang)))


@guarded
def network_import_cmd(
    src: Annotated[Path, typer.Argument(help=T.HELP_NETWORK_SRC)],
    out: GraphmlOut = Path("roads.graphml"),
    lang: LangOpt = "id",
) -> None:
    """Convert a road file (GraphML or OSM XML/PBF) to the dataset's GraphML."""
    from planner.network import import_network

    lg = parse_lang(lang)
    _print_import_report(import_network(src, out), lg)


@guarded
def network_fetch_cmd(
    place: Annotated[str, typer.Option("--place", help=T.HELP_NETWORK_PLACE)],
    out: GraphmlOut = Path("roads.graphml"),
    lang: LangOpt = "id",
) -> None:
    """Download a place's drivable roads from OpenStreetMap, then import them like a file."""
    import tempfile

    from planner.network import fetch_network, import_network, save_graphml

    lg = parse_lang(lang)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "download.graphml"
        save_graphml(fetch_network(place), raw)
        _print_import_report(import_network(raw, out), lg)
