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
from planner.text import Lang, number, short_date, short_number
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


def _headline(comparison: pd.DataFrame, lang: Lang) -> list[str]:
    """What ``simulate --baseline`` says under its table: the optimiser's change in coverage and
    priority per km, where the optimiser is better, where the manual baseline is better (as
    plainly as its losses), the ties, and the issue-14 count."""
    from planner.analysis import simulate

    row = comparison.set_index("metric")
    gain = (row.at["coverage", "ratio"] - 1) * 100
    eff = (row.at["priority_per_km", "ratio"] - 1) * 100
    lines = [
        A.COMPARE_HEADLINE.format(
            gain=A.signed_percent(gain, lang), eff=A.signed_percent(eff, lang)
        )(lang)
    ]
    won = simulate.wins(comparison)

    def names(keys: tuple[str, ...]) -> str:
        return ", ".join(A.HEADLINE_NAMES[k](lang) for k in keys) or A.NO_WINS(lang)

    lines.append(A.OPTIMIZER_WINS.format(what=names(won.get("optimizer", ())))(lang))
    lines.append(A.BASELINE_WINS.format(what=names(won.get("baseline", ())))(lang))
    if won.get("tie"):
        lines.append(A.TIES.format(what=names(won["tie"]))(lang))
    issue, total = _issue_wins(comparison)
    lines.append(A.ISSUE_WINS.format(won=issue, total=total)(lang))
    return lines


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
    heading = T.SIMULATE_NIGHTS.format(
        n=number(nights, lg, 0),
        first=short_date(r0.start, lg, year=True),
        last=short_date(last, lg, year=True),
    )(lg)
    spread = T.SIMULATE_JITTER.format(jitter=short_number(jitter, lg))(lg) if jitter else ""
    console.print(heading + spread)
    names = {A.METHOD_NAMES[r.method](lg): r.metrics for r in replays}
    console.print(_metric_table(names, lg, comparison))
    if comparison is not None:
        for line in _headline(comparison, lg):
            console.print(escape(line))
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
    """Run a grid of settings × first nights (on Dask, or one by one) and print one row per
    setting and method: the mean over the start dates and its spread."""
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
    console.print(_sweep_table(sweep.variant_means(table, grid_keys=list(spec.grid), lang=lg),
                               tasks=len(table), lang=lg))  # fmt: skip
    raw = next((p for p in written if p.name == "sweep.csv"), None)
    if raw is not None:
        console.print(escape(A.SWEEP_RAW.format(path=raw)(lg)))
    for p in written:
        console.print(T.WRITTEN(lg) + escape(str(p)))


def _sweep_table(variants: pd.DataFrame, *, tasks: int, lang: Lang) -> Table:
    """The sweep per setting and method (``sweep.variant_means``): each measure's mean over the
    start dates ± its standard deviation; the raw rows are in ``sweep.csv``."""
    from rich.markup import escape

    starts = int(variants["starts"].max()) if len(variants) else 0
    title = A.SWEEP_TITLE.format(tasks=tasks, variants=len(variants), starts=starts)(lang)
    summary = Table(title=escape(title), title_justify="left")
    measures = [(k, head, fmt) for k, head, fmt in A.SWEEP_COLUMNS if k in variants.columns]
    for name in (A.SWEEP_SETTING, A.SWEEP_METHOD, A.SWEEP_STARTS):
        summary.add_column(name(lang))
    for _, head, _ in measures:
        summary.add_column(head(lang), justify="right")
    for _, r in variants.iterrows():
        summary.add_row(
            escape(str(r["label"])), _winner_name(str(r["method"]), lang), str(int(r["starts"])),
            *(A.metric_spread(r[k], r[f"{k}_std"], fmt, lang) for k, _, fmt in measures),
        )  # fmt: skip
    return summary
