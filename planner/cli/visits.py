"""``planner visits import/template/add``, ``followups`` and ``report``: the visit log."""

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
from planner.errors import PlannerError
from planner.text import Lang, number, short_date
from planner.text import cli as T
from planner.text import history as H

if TYPE_CHECKING:
    import datetime as dt

    from planner.history import Known
    from planner.history.report import Prepared

HistDatasetOpt = Annotated[Path, typer.Option("--dataset", "-d", help=T.HELP_DATASET)]
StoreOpt = Annotated[Path | None, typer.Option("--store", help=T.HELP_STORE)]
TEMPLATE_OUT = Path("templat-kunjungan.xlsx")


def _known_and_store(dataset: Path, store: Path | None) -> tuple[Known, Path]:
    """What a visit is validated against (the loaded dataset), and the log to write it to."""
    from planner.history import Known, default_store_path
    from planner.sources import load_dataset

    ds = load_dataset(dataset)
    return Known.from_dataset(ds), store or default_store_path(ds.root, ds.settings)


def _existing_store(dataset: Path, store: Path | None) -> Path:
    from planner.config import load_settings
    from planner.history import default_store_path

    path = store or default_store_path(dataset, load_settings(dataset / "planner.toml"))
    if not path.exists():
        raise PlannerError(T.NO_VISIT_LOG.format(path=path))
    return path


def _print_import_result(result: Any, path: Path, lang: Lang) -> None:
    from rich.markup import escape

    console.print(f"[bold green]OK[/] {escape(result.message(lang))}")
    console.print(T.VISIT_LOG(lang) + escape(str(path)))


ImportSourceArg = Annotated[Path | None, typer.Argument(help=H.HELP_IMPORT_SOURCE)]
_SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")


def _read_source(file: Path | None) -> tuple[str, str | None, Path | None]:
    """``(name, text, path)`` of what to import: standard input (``-``, or no file while input
    is piped: ``text``), or a file (``path``; ``text`` too when it is not a spreadsheet)."""
    import sys

    if file is None or str(file) == "-":
        if file is None and sys.stdin.isatty():
            raise PlannerError(H.NO_IMPORT_SOURCE)
        return H.STDIN_SOURCE, sys.stdin.read(), None
    if not file.is_file() or file.suffix.lower() in _SHEET_SUFFIXES[:2]:
        return file.name, None, file  # the sheet reader names a missing file
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return file.name, None, file
    return file.name, text, file


def _plan_night(plan: Path) -> tuple[dt.date, dict[str, str]]:
    """The night of a plan folder (or plan.json) and each squad's plan id in it."""
    import json

    from planner.errors import InputError, Problem
    from planner.history.report import plan_id
    from planner.planfile import plan_from_json

    path = plan / "plan.json" if plan.is_dir() else plan
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise InputError([Problem(str(path), None, None, str(path), H.PLAN_NOT_READ)]) from None
    read = plan_from_json(doc, file=str(path))
    night = read.night.date
    return night, {r.squad_id: plan_id(night, r.squad_id, [s.venue_id for s in r.stops])
                   for r in read.routes}  # fmt: skip


def _import_night(
    date: str | None, plan: Path | None
) -> tuple[dt.date | None, dict[str, str] | None]:
    """The night a report must be of (``--date``, or the plan's) and the plan ids to match."""
    import datetime as dt

    from planner.errors import InputError, Problem

    night = None
    if date is not None:
        try:
            night = dt.date.fromisoformat(date)
        except ValueError:
            raise date_problem("--date", date) from None
    if plan is None:
        return night, None
    plan_date, ids = _plan_night(plan)
    if night is not None and night != plan_date:
        expected = H.DATE_VS_PLAN.format(plan=plan_date.isoformat())
        raise InputError([Problem("--date", None, None, date, expected)])
    return plan_date, ids


def _prepare_import(
    file: Path | None, known: Known, *, date: str | None, plan: Path | None
) -> Prepared:
    """Read and check what to import, touching no store: a phone report (from a file or
    standard input) or a visit sheet. Raises InputError with every problem."""
    from planner.errors import InputError, Problem
    from planner.history.report import looks_like_report, prepare_report, prepare_sheet

    name, text, path = _read_source(file)
    night, plan_ids = _import_night(date, plan)
    if text is not None and looks_like_report(text):
        return prepare_report(text, known, file=name, night=night, plan_ids=plan_ids)
    if path is None:
        raise InputError([Problem(name, None, None, (text or "").strip()[:40] or None,
                                  H.STDIN_NOT_REPORT)])  # fmt: skip
    prepared = prepare_sheet(path, known)
    if night is not None:
        wrong = [
            Problem(prepared.source, v.row, "tanggal", v.night.isoformat(),
                    H.OTHER_NIGHT_ROW.format(night=night.isoformat()))
            for v in prepared.visits
            if v.night != night
        ]  # fmt: skip
        if wrong:
            raise InputError(wrong)
    return prepared


@guarded
def visits_import_cmd(
    file: ImportSourceArg = None,
    dataset: HistDatasetOpt = DEFAULT_DATASET,
    store: StoreOpt = None,
    replace: Annotated[
        bool, typer.Option("--ganti", "--replace", help=T.HELP_VISITS_IMPORT_REPLACE)
    ] = False,
    date: Annotated[
        str | None, typer.Option("--date", "--tanggal", help=H.HELP_IMPORT_DATE)
    ] = None,
    plan: Annotated[
        Path | None, typer.Option("--plan", "--rencana", help=H.HELP_IMPORT_PLAN)
    ] = None,
    quiet: QuietOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Import a phone report, a visit template or a returned route sheet into the log, all
    visits or none. Everything is read and checked before the log is opened: a missing file,
    a bad header or a refused report leaves no log behind."""
    from rich.progress import Progress

    from planner.history import open_store
    from planner.history.report import commit

    lg = parse_lang(lang)
    known, path = _known_and_store(dataset, store)
    prepared = _prepare_import(file, known, date=date, plan=plan)
    with open_store(path) as st, Progress(console=err_console, disable=quiet) as bar:
        task = bar.add_task(T.VISITS_SAVING(lg), total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = commit(st, prepared, replace=replace, progress=progress)
    _print_import_result(result, path, lg)


@guarded
def visits_template_cmd(
    out: Annotated[Path, typer.Argument(help=T.HELP_VISITS_TEMPLATE_OUT)] = TEMPLATE_OUT,
    dataset: HistDatasetOpt = DEFAULT_DATASET,
    lang: LangOpt = "id",
) -> None:
    """Write an empty visit template (XLSX or CSV) with its instructions."""
    from rich.markup import escape

    from planner.config import load_settings
    from planner.history import Known, write_template

    lg = parse_lang(lang)
    known = Known.from_settings(load_settings(dataset / "planner.toml"), venue_ids=())
    written = write_template(out, known)
    console.print(T.TEMPLATE_DONE.format(p=escape(str(written)))(lg))


@guarded
def visits_add_cmd(
    regu: Annotated[str, typer.Option("--regu", help=T.HELP_ADD_REGU)],
    venue: Annotated[str, typer.Option("--venue", help=T.HELP_ADD_VENUE)],
    tiba: Annotated[str, typer.Option("--tiba", help=T.HELP_ADD_TIBA)],
    tanggal: Annotated[str | None, typer.Option("--tanggal", help=T.HELP_ADD_TANGGAL)] = None,
    berangkat: Annotated[str, typer.Option("--berangkat", help=T.HELP_ADD_BERANGKAT)] = "",
    warga: Annotated[int | None, typer.Option("--warga", min=0, help=T.HELP_ADD_WARGA)] = None,
    catatan: Annotated[str, typer.Option("--catatan", help=T.HELP_ADD_CATATAN)] = "",
    tambahan: Annotated[bool, typer.Option("--tambahan", help=T.HELP_ADD_TAMBAHAN)] = False,
    kategori: Annotated[str, typer.Option("--kategori", help=T.HELP_ADD_KATEGORI)] = "",
    isi: Annotated[str, typer.Option("--isi", help=T.HELP_ADD_ISI)] = "",
    polisi: Annotated[
        bool | None, typer.Option("--polisi/--bukan-polisi", help=T.HELP_ADD_POLISI)
    ] = None,
    rujuk: Annotated[str, typer.Option("--rujuk", help=T.HELP_ADD_RUJUK)] = "",
    dataset: HistDatasetOpt = DEFAULT_DATASET,
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Record one visit typed by hand, checked like a row of the visit template."""
    from planner.domain import Night
    from planner.history import add_visit, open_store

    lg = parse_lang(lang)
    known, path = _known_and_store(dataset, store)
    # the template's own columns and words, so that the row is checked like an imported one
    record = {
        "tanggal": tanggal or str(Night.tonight()),
        "regu": regu,
        "venue_id": venue,
        "tiba": tiba,
        "berangkat": berangkat,
        "jumlah_warga": "" if warga is None else str(warga),
        "sesuai_rencana": "tidak" if tambahan else "ya",
        "catatan": catatan,
        "laporan_kategori": kategori,
        "laporan_isi": isi,
        "urusan_polisi": "" if polisi is None else ("ya" if polisi else "tidak"),
        "dirujuk_ke": rujuk,
    }
    with open_store(":memory:") as dry:  # checked first: a refused visit creates no log
        add_visit(dry, record, known, source="visits add")
    with open_store(path) as st:
        result = add_visit(st, record, known, source="visits add")
    _print_import_result(result, path, lg)


def _followup_cells(r: Any, lg: Lang) -> list[str]:
    """One follow-up as the terminal table shows it (data escaped for Rich)."""
    from rich.markup import escape

    due = "" if r.due_date is None else short_date(r.due_date, lg, year=True)
    desa = ", ".join(x for x in (r.desa_name, r.kecamatan) if x)
    status = H.STATUS_TEXT.get(r.status)
    return [
        str(r.report_id),
        short_date(r.night, lg, year=True),
        f"{escape(r.venue_name)} ({escape(r.venue_id)})",
        escape(desa),
        escape(r.category),
        escape(r.text),
        escape(r.agency or H.POLICE_AGENCY(lg)),
        status(lg) if status else escape(r.status),
        f"[bold red]{due}[/]" if r.overdue else due,
        number(r.days_open, lg, 0),
    ]


def _write_followups(
    table: Any, *, csv_path: Path | None, xlsx_path: Path | None, html_path: Path | None,
    today: dt.date, lg: Lang,
) -> None:  # fmt: skip
    """Write the follow-up files asked for (each atomically) and say what was written."""
    from rich.markup import escape

    from planner._atomic import write_bytes
    from planner.history import by_agency, followups_csv, followups_xlsx
    from planner.render.followups import write_followups_html

    n, agencies = number(len(table), lg, 0), number(len(by_agency(table)), lg, 0)
    for path, write in (
        (csv_path, lambda p: write_bytes(p, followups_csv(table))),
        (xlsx_path, lambda p: write_bytes(p, followups_xlsx(table))),
        (html_path, lambda p: write_followups_html(table, p, today=today, lang=lg)),
    ):
        if path is not None:
            written = write(path)
            done = H.FOLLOWUPS_FILES_WRITTEN.format(n=n, a=agencies, p=escape(str(written)))
            console.print(done(lg))


@guarded
def followups_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    agency: Annotated[
        str | None, typer.Option("--agency", "--instansi", help=T.HELP_FOLLOWUPS_AGENCY)
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", "--terlambat", help=T.HELP_FOLLOWUPS_OVERDUE)
    ] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help=T.HELP_FOLLOWUPS_CSV)] = None,
    xlsx_path: Annotated[Path | None, typer.Option("--xlsx", help=H.HELP_FOLLOWUPS_XLSX)] = None,
    html_path: Annotated[Path | None, typer.Option("--html", help=H.HELP_FOLLOWUPS_HTML)] = None,
    close: Annotated[
        int | None, typer.Option("--close", "--selesai", help=T.HELP_FOLLOWUPS_CLOSE)
    ] = None,
    outcome: Annotated[
        str, typer.Option("--outcome", "--hasil", help=T.HELP_FOLLOWUPS_OUTCOME)
    ] = "",
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Print the open referrals and follow-ups, oldest first, with the venue's and the desa's
    names from the dataset (or write them for the agencies as CSV, XLSX or HTML; or close
    one)."""

    from planner.domain import now_wib
    from planner.history import Names, close_report, followups, name_followups, open_store
    from planner.sources import load_dataset

    lg = parse_lang(lang)
    today = now_wib().date()
    with open_store(_existing_store(dataset, store)) as st:
        if close is not None:
            close_report(st, close, outcome=outcome, on=today)
            console.print(T.REPORT_CLOSED.format(n=close)(lg))
            return
        table = followups(st, today=today, agency=agency, overdue=overdue).reset_index(drop=True)
    names = Names.from_dataset(load_dataset(dataset))
    if csv_path or xlsx_path or html_path:
        # the files go to Indonesian offices: names they cannot find read in Indonesian
        _write_followups(
            name_followups(table, names), csv_path=csv_path, xlsx_path=xlsx_path,
            html_path=html_path, today=today, lg=lg,
        )  # fmt: skip
        return
    title = T.FOLLOWUPS_TITLE.format(n=number(len(table), lg, 0))(lg)
    out = Table(title=title, title_justify="left")
    for head in H.FOLLOWUP_HEADS:
        out.add_column(head(lg), overflow="fold")
    for r in name_followups(table, names, lang=lg).itertuples(index=False):
        out.add_row(*_followup_cells(r, lg))
    console.print(out)


@guarded
def visits_export_cmd(
    out: Annotated[Path | None, typer.Argument(help=H.HELP_EXPORT_OUT)] = None,
    dataset: HistDatasetOpt = DEFAULT_DATASET,
    start: Annotated[str | None, typer.Option("--from", help=H.HELP_EXPORT_FROM)] = None,
    end: Annotated[str | None, typer.Option("--to", help=H.HELP_EXPORT_TO)] = None,
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Write the visit log (or the nights ``--from``..``--to``) as a CSV in the template's
    format; importing it into an empty log gives the same visits and reports."""
    from rich.markup import escape

    from planner.history import export_csv, open_store

    lg = parse_lang(lang)
    first, last = _dates(start, end)
    span = f"-{first or ''}_{last or ''}" if first or last else ""
    target = out or Path(f"kunjungan{span}.csv")
    with open_store(_existing_store(dataset, store)) as st:
        written = export_csv(st, target, start=first, end=last)
        visits, reports = _counts(st, first, last)
    done = H.EXPORT_DONE.format(
        v=number(visits, lg, 0), r=number(reports, lg, 0), p=escape(str(written))
    )
    console.print(done(lg))


def _counts(st: Any, first: dt.date | None, last: dt.date | None) -> tuple[int, int]:
    from planner.history import reports_between, visits_between

    return (
        len(visits_between(st, start=first, end=last)),
        len(reports_between(st, start=first, end=last)),
    )


def _dates(start: str | None, end: str | None) -> tuple[dt.date | None, dt.date | None]:
    """``--from`` and ``--to`` as dates (``None`` when not given), or exit 2 naming the bad one."""
    import datetime as dt

    dates: dict[str, dt.date | None] = {}
    for name, text in (("--from", start), ("--to", end)):
        try:
            dates[name] = dt.date.fromisoformat(text) if text else None
        except ValueError:
            raise date_problem(name, text) from None
    return dates["--from"], dates["--to"]


def _report_dates(start: str | None, end: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """``--from`` and ``--to``: the last 30 nights up to today unless given."""
    import datetime as dt

    first, last = _dates(start, end)
    last = last or today
    return first or last - dt.timedelta(days=29), last


@guarded
def report_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    start: Annotated[str | None, typer.Option("--from", help=T.HELP_REPORT_FROM)] = None,
    end: Annotated[str | None, typer.Option("--to", help=T.HELP_REPORT_TO)] = None,
    out: Annotated[Path | None, typer.Option("--out", help=T.HELP_REPORT_OUT)] = None,
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Write the printable (A4) activity report of the visit log for the Kapolres."""

    from rich.markup import escape

    from planner.domain import now_wib
    from planner.history import open_store
    from planner.render.activity import write_activity_report
    from planner.sources import load_dataset

    lg = parse_lang(lang)
    today = now_wib().date()
    first, last = _report_dates(start, end, today)
    path = _existing_store(dataset, store)
    ds = load_dataset(dataset)
    target = out or Path("maps") / f"laporan-kegiatan-{first}_{last}.html"
    with open_store(path) as st:
        written, summary = write_activity_report(
            st, ds.venues, target, start=first, end=last, today=today, lang=lg,
            desa=ds.desa, levels=ds.settings.kerawanan.levels,
        )  # fmt: skip
    done = T.REPORT_DONE.format(
        p=escape(str(written)), v=number(summary.visits, lg, 0), r=number(summary.reports, lg, 0)
    )
    console.print(done(lg))
