"""``planner simulate`` and ``sweep``: replays of many nights, one or a grid of settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from planner.cli import (
    DEFAULT_DATASET,
    DatasetArg,
    LangOpt,
    QuietOpt,
    console,
    date_problem,
    err_console,
    guarded,
    parse_lang,
)
from planner.errors import InputError
from planner.text import Lang, short_number
from planner.text import analysis as A
from planner.text import cli as T

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from planner.config import Settings
    from planner.errors import Problem
    from planner.sources import Dataset


def _metric_table(
    columns: dict[str, dict[str, float]], lang: Lang, comparison: pd.DataFrame | None = None
) -> Table:
    """The replay metrics, one column per replay (optimiser, manual baseline, ...), and with a
    ``comparison`` (``simulate.compare``) the better of the two per metric."""
    table = Table(title=T.REPLAY_TITLE(lang), title_justify="left")
    table.add_column(T.METRIC_HEAD(lang))
    for name in columns:
        table.add_column(name, justify="right")
    winners = comparison.set_index("metric")["winner"].to_dict() if comparison is not None else {}
    if comparison is not None:
        table.add_column(A.WINNER_HEAD(lang))
    for key, label, fmt in A.REPLAY_METRICS:
        if not all(key in metrics for metrics in columns.values()):
            continue
        cells = [A.metric_value(metrics[key], fmt, lang) for metrics in columns.values()]
        if comparison is not None:
            cells.append(_winner_name(winners.get(key), lang))
        table.add_row(label(lang), *cells)
    return table


def _winner_name(winner: str | None, lang: Lang) -> str:
    """The better method of a metric as a person reads it ("" when not compared)."""
    if winner is None:
        return ""
    if winner in A.METHOD_NAMES:
        return A.METHOD_NAMES[winner](lang)
    return A.TIE(lang) if winner == "tie" else winner


def _issue_wins(comparison: pd.DataFrame) -> tuple[int, int]:
    """On how many of the measures the optimiser must win (issue 14) it does."""
    from planner.analysis.measures import BEAT_BASELINE

    rows = comparison[comparison["metric"].isin(BEAT_BASELINE)]
    return int((rows["winner"] == "optimizer").sum()), len(rows)


def _replay_inputs(
    dataset: Path, start: str | None, overrides: list[str]
) -> tuple[Dataset, Settings, dt.date | None]:
    """The dataset, its settings with ``--set`` applied and the first night; every problem at once."""
    import datetime as dt

    from planner.analysis.overrides import apply_overrides, parse_assignments
    from planner.sources import load_dataset

    problems: list[Problem] = []
    try:
        changes = parse_assignments(overrides)
    except InputError as exc:
        problems.extend(exc.problems)
        changes = {}
    first = None
    if start is not None:
        try:
            first = dt.date.fromisoformat(start)
        except ValueError:
            problems.extend(date_problem("--start", start, column="--start").problems)
    ds = load_dataset(dataset)
    try:
        cfg = apply_overrides(ds.settings, changes, source="--set")
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return ds, cfg, first


@guarded
def simulate_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    start: Annotated[str | None, typer.Option("--start", help=T.HELP_SIMULATE_START)] = None,
    nights: Annotated[int, typer.Option("--nights", "--malam", help=T.HELP_SIMULATE_NIGHTS)] = 14,
    baseline: Annotated[bool, typer.Option("--baseline", help=T.HELP_SIMULATE_BASELINE)] = False,
    jitter: Annotated[float, typer.Option("--jitter", help=T.HELP_SIMULATE_JITTER)] = 0.0,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help=T.HELP_SIMULATE_TIME_LIMIT)
    ] = 2.0,
    reproducible: Annotated[
        bool, typer.Option("--reproducible", help=T.HELP_SIMULATE_REPRODUCIBLE)
    ] = False,
    overrides: Annotated[list[str] | None, typer.Option("--set", help=T.HELP_SIMULATE_SET)] = None,
    out: Annotated[Path | None, typer.Option("--out", help=T.HELP_SIMULATE_OUT)] = None,
    as_json: Annotated[bool, typer.Option("--json", help=T.HELP_SIMULATE_JSON)] = False,
    quiet: QuietOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Replay ``nights`` nights with the optimiser (and the manual baseline) and print metrics."""
    import datetime as dt
    import json

    from rich.markup import escape
    from rich.progress import Progress

    from planner.analysis import simulate

    lg = parse_lang(lang)
    ds, cfg, first = _replay_inputs(dataset, start, overrides or [])
    methods: list[simulate.Method] = ["optimizer", "baseline"] if baseline else ["optimizer"]
    replays = []
    with Progress(console=err_console, disable=quiet or as_json, transient=True) as bar:
        for method in methods:
            task = bar.add_task(A.METHOD_NAMES[method](lg), total=nights)

            def tick(done: int, total: int, night: Any, task: Any = task) -> None:
                bar.update(task, completed=done, total=total)

            replays.append(
                simulate.run(
                    ds, cfg, first, nights, method=method, jitter_pct=jitter, seed=seed,
                    time_limit_s=time_limit, reproducible=reproducible or None, on_night=tick,
                )
            )  # fmt: skip
    comparison = simulate.compare(replays[0], replays[1]) if baseline else None
    if out is not None:
        simulate.write_tables(replays, out, comparison=comparison)
    if as_json:
        payload = {r.method: r.metrics for r in replays}
        typer.echo(
            json.dumps({"start": str(replays[0].start), "nights": nights, **payload}, indent=2)
        )
        return
    r0 = replays[0]
    last = r0.start + dt.timedelta(days=nights - 1)
    heading = T.SIMULATE_NIGHTS.format(n=nights, first=r0.start, last=last)(lg)
    console.print(heading + (T.SIMULATE_JITTER.format(jitter=jitter)(lg) if jitter else ""))
    names = {A.METHOD_NAMES[r.method](lg): r.metrics for r in replays}
    console.print(_metric_table(names, lg, comparison))
    if comparison is not None:
        row = comparison.set_index("metric")
        gain = (row.at["coverage", "ratio"] - 1) * 100
        eff = (row.at["priority_per_km", "ratio"] - 1) * 100
        console.print(T.SIMULATE_COMPARE.format(gain=gain, eff=eff)(lg))
        won, total = _issue_wins(comparison)
        console.print(A.ISSUE_WINS.format(won=won, total=total)(lg))
    if out is not None:
        console.print(T.TABLES(lg) + escape(str(out)))


@guarded
def sweep_cmd(
    sweep_file: Annotated[Path, typer.Argument(help=T.HELP_SWEEP_FILE)],
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help=T.HELP_SWEEP_SCHEDULER)
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help=T.HELP_SWEEP_WORKERS)] = 2,
    threads: Annotated[bool, typer.Option("--threads", help=T.HELP_SWEEP_THREADS)] = False,
    serial: Annotated[bool, typer.Option("--serial", help=T.HELP_SWEEP_SERIAL)] = False,
    out: Annotated[Path | None, typer.Option("--out", help=T.HELP_SWEEP_OUT)] = None,
    quiet: QuietOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Run a grid of settings × first nights (on Dask, or one by one) and print one row each."""
    from rich.markup import escape
    from rich.progress import Progress

    from planner.analysis import sweep

    lg = parse_lang(lang)
    spec = sweep.read_sweep(sweep_file)
    n_tasks = len(sweep.plan_tasks(spec))
    with Progress(console=err_console, disable=quiet, transient=True) as bar:
        task = bar.add_task("Sweep", total=n_tasks)

        def tick(done: int, total: int, row: Any) -> None:
            bar.update(task, completed=done, total=total)

        if serial:
            table = sweep.run_serial(spec, on_task=tick)
        else:
            table = sweep.run_sweep(
                spec, scheduler=scheduler, n_workers=workers, processes=not threads, on_task=tick
            )
    written = sweep.write_results(table, out or spec.out, grid_keys=list(spec.grid), lang=lg)
    summary = Table(title=T.SWEEP_TITLE.format(n=len(table))(lg), title_justify="left")
    keys = [k for k in spec.grid if k in table.columns]
    measures = [(key, head, fmt) for key, head, fmt in A.SWEEP_COLUMNS if key in table.columns]
    for head in [T.SWEEP_METHOD(lg), T.SWEEP_START(lg), *keys, "±%"]:
        summary.add_column(escape(head))
    for _, label, _ in measures:
        summary.add_column(label(lg), justify="right")
    for _, r in table.iterrows():
        summary.add_row(
            str(r["method"]), str(r["start"]), *(escape(str(r[k])) for k in keys),
            short_number(r["jitter_pct"], lg),
            *(A.metric_value(r[k], fmt, lg) for k, _, fmt in measures),
        )  # fmt: skip
    console.print(summary)
    for p in written:
        console.print(T.WRITTEN(lg) + escape(str(p)))
