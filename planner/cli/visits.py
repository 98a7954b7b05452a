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
from planner.text import Lang
from planner.text import cli as T

if TYPE_CHECKING:
    import datetime as dt

    from planner.history import Known

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


@guarded
def visits_import_cmd(
    file: Annotated[Path, typer.Argument(help=T.HELP_VISITS_IMPORT_FILE)],
    dataset: HistDatasetOpt = DEFAULT_DATASET,
    store: StoreOpt = None,
    replace: Annotated[
        bool, typer.Option("--ganti", "--replace", help=T.HELP_VISITS_IMPORT_REPLACE)
    ] = False,
    quiet: QuietOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Import a visit template or a returned route sheet into the log, all rows or none."""
    from rich.progress import Progress

    from planner.history import import_file, open_store

    lg = parse_lang(lang)
    known, path = _known_and_store(dataset, store)
    with open_store(path) as st, Progress(console=err_console, disable=quiet) as bar:
        task = bar.add_task(T.VISITS_SAVING(lg), total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = import_file(st, file, known, replace=replace, progress=progress)
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
    with open_store(path) as st:
        result = add_visit(st, record, known, source="visits add")
    _print_import_result(result, path, lg)


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
    close: Annotated[
        int | None, typer.Option("--close", "--selesai", help=T.HELP_FOLLOWUPS_CLOSE)
    ] = None,
    outcome: Annotated[
        str, typer.Option("--outcome", "--hasil", help=T.HELP_FOLLOWUPS_OUTCOME)
    ] = "",
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Print the open referrals and follow-ups, oldest first (or write them, or close one)."""
    import datetime as dt

    from rich.markup import escape

    from planner._atomic import write_text
    from planner.domain import WIB
    from planner.history import close_report, followups, followups_csv, open_store

    lg = parse_lang(lang)
    today = dt.datetime.now(WIB).date()
    with open_store(_existing_store(dataset, store)) as st:
        if close is not None:
            close_report(st, close, outcome=outcome, on=today)
            console.print(T.REPORT_CLOSED.format(n=close)(lg))
            return
        table = followups(st, today=today, agency=agency, overdue=overdue)
    if csv_path is not None:
        write_text(csv_path, followups_csv(table))
        console.print(T.FOLLOWUPS_WRITTEN.format(n=len(table), p=escape(str(csv_path)))(lg))
        return
    out = Table(title=T.FOLLOWUPS_TITLE.format(n=len(table))(lg), title_justify="left")
    for head in T.FOLLOWUPS_HEADS:
        out.add_column(head(lg), overflow="fold")
    for r in table.itertuples(index=False):
        due = "" if r.due_date is None else r.due_date.isoformat()
        out.add_row(
            str(r.report_id),
            r.night.isoformat(),
            escape(r.venue_id),
            escape(r.category),
            escape(r.text),
            escape(r.agency or T.POLICE(lg)),
            r.status,
            f"[bold red]{due}[/]" if r.overdue else due,
            str(r.days_open),
        )
    console.print(out)


def _report_dates(start: str | None, end: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """``--from`` and ``--to``: the last 30 nights up to today unless given."""
    import datetime as dt

    dates: dict[str, dt.date | None] = {}
    for name, text in (("--from", start), ("--to", end)):
        try:
            dates[name] = dt.date.fromisoformat(text) if text else None
        except ValueError:
            raise date_problem(name, text) from None
    last = dates["--to"] or today
    return dates["--from"] or last - dt.timedelta(days=29), last


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
    import datetime as dt

    from rich.markup import escape

    from planner.domain import WIB
    from planner.history import open_store
    from planner.render.activity import write_activity_report
    from planner.sources import load_dataset

    lg = parse_lang(lang)
    today = dt.datetime.now(WIB).date()
    first, last = _report_dates(start, end, today)
    path = _existing_store(dataset, store)
    ds = load_dataset(dataset)
    target = out or Path("maps") / f"laporan-kegiatan-{first}_{last}.html"
    with open_store(path) as st:
        written, summary = write_activity_report(
            st, ds.venues, target, start=first, end=last, today=today, lang=lg
        )
    done = T.REPORT_DONE.format(p=escape(str(written)), v=summary.visits, r=summary.reports)
    console.print(done(lg))
