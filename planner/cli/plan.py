"""``planner validate``, ``plan``, ``score`` and ``check``: a dataset, a night's plan, its check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from planner.cli import (
    DEFAULT_DATASET,
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_MUST_VISIT,
    DatasetArg,
    LangOpt,
    console,
    date_problem,
    err_console,
    guarded,
    parse_lang,
    plain,
    safe,
)
from planner.errors import InputError, Problem
from planner.text import Lang, long_date, number
from planner.text import cli as T

if TYPE_CHECKING:
    from planner.domain import Night

# ---- validate (owner: pipeline: the checks of plan, without the solve) ----------------------


def _parse_night(date: str | None) -> Night:
    from planner.domain import Night

    if date is None:
        return Night.tonight()
    try:
        return Night.parse(date)
    except ValueError:
        raise date_problem("--date", date, column="--date", expected=T.PLAN_DATE_EXPECTED) from None


def _unreachable_rows(dropped: Any, venues: Any, lang: Lang) -> list[dict[str, str]]:
    """The venues of ``dropped`` left out as unreachable: id, name, kecamatan, why."""
    from planner.text.plan import detail_text, drop_text

    by_id = {str(r["venue_id"]): r for r in venues.to_dict("records")}
    rows = []
    for d in (d for d in dropped if d.reason == "unreachable"):
        row = by_id.get(d.venue_id, {})
        rows.append(
            {
                "venue_id": d.venue_id,
                "name": str(row.get("name", "")),
                "kecamatan": str(row.get("kecamatan", "")),
                "why": detail_text(d.detail, lang) if d.detail else drop_text(d.reason, "", lang),
            }
        )
    return rows


def _print_unreachable(rows: list[dict[str, str]], lang: Lang) -> None:
    """The unreachable venues as a table on stderr (the first few; the count of the rest)."""
    if not rows:
        return
    title = T.UNREACHABLE_TITLE.format(n=number(len(rows), lang, 0))(lang)
    table = Table(title=title, title_justify="left")
    for head in T.UNREACHABLE_HEADS:
        table.add_column(head(lang), overflow="fold")
    for r in rows[: T.UNREACHABLE_SHOWN]:
        table.add_row(*(safe(r[k]) for k in ("venue_id", "name", "kecamatan", "why")))
    err_console.print(table)
    if len(rows) > T.UNREACHABLE_SHOWN:
        more = T.UNREACHABLE_MORE.format(n=number(len(rows) - T.UNREACHABLE_SHOWN, lang, 0))(lang)
        err_console.print(safe(more))


@guarded
def validate_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    roster: Annotated[Path | None, typer.Option("--roster", help=T.HELP_VALIDATE_ROSTER)] = None,
    date: Annotated[str | None, typer.Option("--date", help=T.HELP_VALIDATE_DATE)] = None,
    out: Annotated[Path | None, typer.Option("--out", help=T.HELP_VALIDATE_OUT)] = None,
    as_json: Annotated[bool, typer.Option("--json", help=T.HELP_VALIDATE_JSON)] = False,
    lang: LangOpt = "id",
) -> None:
    """Check a dataset folder as ``planner plan`` would (every check before the solve:
    ``pipeline.preflight``) and print its summary, or the problems."""
    import json

    from planner import pipeline
    from planner.sources import summarize

    lg = parse_lang(lang)
    night = _parse_night(date)
    pre = pipeline.preflight(dataset, night, roster=roster, out=out, lang=lg)
    summary = summarize(pre.dataset)
    unreachable = _unreachable_rows(pre.unreachable, pre.dataset.venues, lg)
    candidates = pre.problem.n_nodes - pre.problem.n_depots
    if as_json:
        summary |= {
            "night": night.date.isoformat(),
            "candidates": candidates,
            "unreachable": unreachable,
        }
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    title = T.VALIDATE_TITLE.format(dataset=safe(dataset))(lg)
    totals = Table(title=title, title_justify="left")
    what, count = T.COUNT_HEADS
    totals.add_column(what(lg))
    totals.add_column(count(lg), justify="right")
    for key, label in T.VALIDATE_ROWS:
        totals.add_row(label(lg), number(summary[key], lg, 0))
    if summary["incidents"]:
        span = f"{summary['incidents_from']} … {summary['incidents_to']}"
        totals.add_row(T.VALIDATE_INCIDENT_DATES(lg), safe(span))
    totals.add_row(T.VALIDATE_ROADS(lg), safe(summary["roads"] or "—"))
    console.print(totals)
    per_kec = Table(title=T.VALIDATE_PER_KECAMATAN(lg), title_justify="left")
    per_kec.add_column("Kecamatan")
    per_kec.add_column(T.VALIDATE_VENUES(lg), justify="right")
    for kec, n in summary["venues_per_kecamatan"].items():
        per_kec.add_row(safe(kec), number(n, lg, 0))
    console.print(per_kec)
    night_line = T.VALIDATE_NIGHT.format(
        date=long_date(night.date, lg), candidates=number(candidates, lg, 0)
    )
    console.print(safe(night_line(lg)))
    _print_warnings(pre.dataset.warnings, lg)
    _print_unreachable(unreachable, lg)


def _print_warnings(warnings: Any, lang: Lang) -> None:
    """What the dataset's readers accepted with a warning, one row each."""
    if not warnings:
        return
    title = T.WARNINGS_TITLE.format(n=number(len(warnings), lang, 0))(lang)
    table = Table(title=title, title_justify="left")
    for head in T.INPUT_ERROR_HEADS:
        table.add_column(head(lang), overflow="fold")
    for w in warnings:
        p = w.as_problem()
        row = "" if p.row is None else str(p.row)
        cells = (p.file, row, p.column or "", p.value_text(), p.expected(lang))
        table.add_row(*(safe(c) for c in cells))
    err_console.print(table)


# ---- plan (owner: pipeline) ------------------------------------------------------------------


def _time_limit(value: float | None) -> float | None:
    """``--time-limit``: a finite number of seconds above 0 (or not given)."""
    import math

    if value is None or (math.isfinite(value) and value > 0):
        return value
    raise InputError([Problem("--time-limit", None, "--time-limit", value, T.TIME_LIMIT_EXPECTED)])


def _squad_table(summary: dict[str, Any], lang: Lang) -> Table:
    import datetime as dt

    date = long_date(dt.date.fromisoformat(summary["date"]), lang)
    table = Table(title=T.PLAN_TITLE.format(date=date)(lang), title_justify="left")
    for i, head in enumerate(T.PLAN_HEADS):
        table.add_column(head(lang), justify="right" if i in (2, 3, 4) else "left")
    for s in summary["squads"]:
        table.add_row(
            safe(s["name"]), safe(s["shift"]), number(s["visits"], lang, 0),
            number(s["priority"], lang, 1), number(s["km"], lang, 1), safe(s["depart"]),
            safe(s["last_visit_end"] or "—"), safe(s["return"]),
        )  # fmt: skip
    return table


@guarded
def plan_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    date: Annotated[str | None, typer.Option("--date", help=T.HELP_PLAN_DATE)] = None,
    roster: Annotated[Path | None, typer.Option("--roster", help=T.HELP_PLAN_ROSTER)] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help=T.HELP_PLAN_TIME_LIMIT)
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help=T.HELP_PLAN_SEED)] = None,
    reproducible: Annotated[
        bool, typer.Option("--reproducible", help=T.HELP_PLAN_REPRODUCIBLE)
    ] = False,
    out: Annotated[Path, typer.Option("--out", help=T.HELP_PLAN_OUT)] = Path("maps"),
    export_problem: Annotated[
        Path | None, typer.Option("--export-problem", help=T.HELP_PLAN_EXPORT_PROBLEM)
    ] = None,
    lang: LangOpt = "id",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=T.HELP_PLAN_QUIET)] = False,
    json_out: Annotated[bool, typer.Option("--json", help=T.HELP_PLAN_JSON)] = False,
) -> None:
    """Plan one night, write its maps, route sheets and exports, print the squads' table.

    Exits 1 when a must-visit venue could not be planned and 3 when no plan is feasible.
    """
    import json as _json

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from planner import pipeline
    from planner._atomic import write_json
    from planner.planfile import problem_to_json
    from planner.render import outputs, sheets

    lg = parse_lang(lang)
    night = _parse_night(date)
    time_limit = _time_limit(time_limit)
    if export_problem is not None:  # refused before the solve, not after it
        pipeline.check_writable_file(export_problem)
    show = not (quiet or json_out)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        console=err_console, disable=not show, transient=False,
    ) as progress:  # fmt: skip
        tasks: dict[str, Any] = {}

        def hook(phase: str, event: str, seconds: float) -> None:
            label = T.PHASES[phase](lg) if phase in T.PHASES else phase
            if event == "start":
                tasks[phase] = progress.add_task(label, total=1)
            elif event == "failed":
                progress.update(tasks[phase], description=f"{label} ✗")
            else:
                progress.update(tasks[phase], completed=1, description=f"{label} ✓")

        result = pipeline.plan_night(
            dataset, night, roster=roster, time_limit_s=time_limit, seed=seed,
            reproducible=reproducible or None, lang=lg, on_phase=hook, out=out,
        )  # fmt: skip
        hook("write", "start", 0.0)
        folder = outputs.night_folder(out, result)
        write_timings: dict[str, float] = {}
        files = outputs.write_night(result, folder, lang=lg, timings=write_timings)
        if export_problem is not None:
            write_json(export_problem, problem_to_json(result.problem, streamed=True))
        hook("write", "end", 0.0)
    summary = sheets.summary(result, files=files, extra_timings=write_timings)
    if json_out:
        console.print_json(_json.dumps(summary, ensure_ascii=False))
    elif not quiet:
        console.print(_squad_table(summary, lg))
        done = T.PLAN_DONE(lg).format(
            visits=number(summary["visits"], lg, 0),
            collected=number(summary["priority_collected"], lg, 1),
            total=number(summary["priority_total"], lg, 1),
            share=number(summary["share"] * 100, lg, 0), km=number(summary["km"], lg, 0),
            map=folder / "index.html",
        )  # fmt: skip
        console.print(safe(done))
        stopped = _search_stopped(result.result.stats, lg)
        if stopped:
            console.print(plain(stopped, "dim"))
    if not quiet and not json_out:
        rows = _unreachable_rows(result.plan.dropped, result.dataset.venues, lg)
        _print_unreachable(rows, lg)
    if result.plan.unmet_must_visit:
        from planner.text.plan import drop_text

        for venue_id, why in result.plan.unmet_must_visit:
            line = f"{T.MUST_VISIT_UNMET(lg)}: {venue_id} — {drop_text(why, '', lg)}"
            err_console.print(f"[bold yellow]{safe(line)}[/]")
        raise typer.Exit(EXIT_MUST_VISIT)
    if result.status == "no_solution":
        err_console.print(f"[bold red]{T.NO_FEASIBLE_PLAN(lg)}[/]")
        raise typer.Exit(EXIT_INFEASIBLE)


def _search_stopped(stats: dict[str, Any], lang: Lang) -> str:
    """How the search ended (``stats["stopped"]``: converged, the time limit, its budget) and
    when it last improved; empty for a solver that does not say."""
    how = T.SEARCH_STOPPED_HOW.get(str(stats.get("stopped")))
    if how is None:
        return ""
    last = stats.get("last_improvement_s")
    if last is None:
        return T.SEARCH_STOPPED.format(how=how(lang))(lang)
    at = number(float(last), lang, 0)
    return T.SEARCH_STOPPED_AT.format(how=how(lang), t=at)(lang)


# ---- score (owner: risk) -------------------------------------------------------------------


@guarded
def score_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    date: Annotated[str | None, typer.Option("--date", help=T.HELP_SCORE_DATE)] = None,
    top: Annotated[int, typer.Option("--top", min=1, help=T.HELP_SCORE_TOP)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help=T.HELP_SCORE_JSON)] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help=T.HELP_SCORE_CSV)] = None,
    xlsx_path: Annotated[Path | None, typer.Option("--xlsx", help=T.HELP_SCORE_XLSX)] = None,
    lang: LangOpt = "id",
) -> None:
    """Score every venue for one night and print the top ones with their reasons.

    ``--csv`` writes the office CSV dialect (``;``, decimal comma, BOM; a ``.xlsx`` name
    writes a workbook instead), ``--xlsx`` a workbook with typed columns.
    """
    import json

    from planner.domain import Night
    from planner.pipeline import visit_history
    from planner.risk import night_start_of, score_dataset, score_table
    from planner.sources import load_dataset

    lg = parse_lang(lang)
    if csv_path is not None and csv_path.suffix.lower() == ".xlsx" and xlsx_path is None:
        csv_path, xlsx_path = None, csv_path
    if as_json and (csv_path is not None or xlsx_path is not None):
        given = "--json --csv" if csv_path is not None else "--json --xlsx"
        raise InputError([Problem("--json/--csv/--xlsx", None, None, given, T.CHOOSE_ONE)])
    try:
        night = Night.parse(date) if date else Night.tonight()
    except ValueError:
        raise date_problem("--date", date) from None
    data = load_dataset(dataset)
    history = visit_history(data, night_start_of(night))
    scores = score_dataset(data, night, lang=lg, history=history)
    table = score_table(scores, data.venues, join_reasons=False)
    if as_json:
        typer.echo(json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=2))
        return
    if csv_path is not None or xlsx_path is not None:
        for path in _write_scores(score_table(scores, data.venues), csv_path, xlsx_path, lg):
            console.print(safe(T.SCORE_CSV_DONE.format(n=number(len(table), lg, 0), p=path)(lg)))
        return
    shown = table.head(top)
    title = safe(
        T.SCORE_TITLE.format(
            shown=number(len(shown), lg, 0), total=number(len(table), lg, 0),
            night=long_date(night.date, lg),
        )(lg)
    )  # fmt: skip
    out = Table(title=title, title_justify="left", show_lines=True)
    for head in ("#", "venue_id", T.SCORE_NAME(lg), "Kecamatan"):
        out.add_column(head)
    out.add_column(T.SCORE_PRIORITY(lg), justify="right")
    out.add_column(T.SCORE_REASONS(lg), overflow="fold")
    for rank, row in enumerate(shown.itertuples(index=False), start=1):
        flags = []
        if row.must_visit:
            flags.append(T.SCORE_MUST_VISIT(lg))
        if row.excluded:
            flags.append(T.SCORE_EXCLUDED(lg))
        reasons = "\n".join(row.reasons) if len(row.reasons) else "—"
        out.add_row(
            str(rank),
            safe(row.venue_id),
            safe(getattr(row, "name", "")),
            safe(getattr(row, "kecamatan", "")),
            number(row.priority, lg, 2) + (f" ({', '.join(flags)})" if flags else ""),
            safe(reasons),
        )
    console.print(out)


def _write_scores(
    table: Any, csv_path: Path | None, xlsx_path: Path | None, lang: Lang
) -> list[Path]:
    """The score table as the office CSV and/or a workbook (typed columns, priority "0.00"),
    each written atomically; the paths written."""
    from planner._atomic import write_bytes
    from planner._tables import frame_csv_bytes, xlsx_bytes

    written = []
    if csv_path is not None:
        written.append(write_bytes(csv_path, frame_csv_bytes(table)))
    if xlsx_path is not None:
        sheet = T.SCORE_SHEET(lang)
        data = xlsx_bytes({sheet: table}, formats={"priority": "0.00"})
        written.append(write_bytes(xlsx_path, data))
    return written


# ---- check (owner: routing/check) -------------------------------------------------------------


@guarded
def check_cmd(
    plan_file: Annotated[Path, typer.Argument(help=T.HELP_CHECK_PLAN)],
    problem: Annotated[Path | None, typer.Option("--problem", help=T.HELP_CHECK_PROBLEM)] = None,
    lang: LangOpt = "id",
) -> None:
    """Re-verify a saved plan.json (against the problem it embeds, or an exported one).

    Exits 1 when the only violations are must-visit venues the plan itself declares unmet,
    3 for any other violation, 2 when no violation was found but rules could not be checked
    (a v1 plan.json, which holds no problem, without ``--problem``).
    """
    from planner.check import check_file
    from planner.text.plan import RULE_TEXT

    lg = parse_lang(lang)
    report = check_file(plan_file, problem)
    if report.ok:
        done = T.CHECK_OK.format(visits=number(report.plan.visits, lg, 0))(lg)
        console.print(f"[bold green]OK[/]: {safe(done)}")
        return
    if report.violations:
        title = T.CHECK_VIOLATIONS.format(n=number(len(report.violations), lg, 0))(lg)
        table = Table(title=title, title_justify="left")
        for head in T.CHECK_HEADS:
            table.add_column(head(lg), overflow="fold")
        for v in report.violations:
            rule = RULE_TEXT.get(v.rule)
            name = f"{rule(lg)} [{v.rule}]" if rule else f"[{v.rule}]"
            cells = (name, v.squad_id or "", v.venue_id or "", v.message(lg))
            table.add_row(*(safe(c) for c in cells))
        console.print(table)
    if report.unchecked:
        names = ", ".join(RULE_TEXT[r](lg) if r in RULE_TEXT else r for r in report.unchecked)
        line = T.CHECK_UNCHECKED.format(n=len(report.unchecked), rules=names)(lg)
        err_console.print(f"[bold yellow]{safe(line)}[/]")
    if report.violations:
        raise typer.Exit(EXIT_MUST_VISIT if report.only_declared_must_visits else EXIT_INFEASIBLE)
    raise typer.Exit(EXIT_BAD_INPUT)
