"""The ``planner`` command: thin. Parse arguments, call the pipeline, print.

Every command catches :class:`~planner.errors.PlannerError` and prints it as a table in the
chosen language, exiting with code 2 for bad input and no traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from planner.errors import InfeasibleError, InputError, PlannerError
from planner.text import Lang

app = typer.Typer(
    help="Perencana patroli Warkop Kamtibmas Polres Trenggalek. "
    "(Warkop Kamtibmas patrol planner; use --lang en for English.)",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DATASET = Path("data/demo")

LangOpt = Annotated[str, typer.Option("--lang", help="id (Bahasa Indonesia) atau en (English)")]
DatasetArg = Annotated[
    Path, typer.Argument(help="Folder dataset (default: data/demo)", show_default=True)
]

EXIT_OK = 0
EXIT_MUST_VISIT = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug, details in a log file


def _lang(value: str) -> Lang:
    if value not in ("id", "en"):
        err_console.print(f"--lang: 'id' atau 'en' (got {value!r})")
        raise typer.Exit(EXIT_BAD_INPUT)
    return value  # type: ignore[return-value]


def print_input_error(exc: InputError, lang: Lang) -> None:
    """Print every problem of an InputError as one table."""
    heads = (
        ("Berkas", "Baris", "Kolom", "Ditemukan", "Yang diharapkan")
        if lang == "id"
        else ("File", "Row", "Column", "Found", "Expected")
    )
    table = Table(title=exc.summary(lang), show_lines=False, title_justify="left")
    for h in heads:
        table.add_column(h, overflow="fold")
    for p in sorted(exc.problems, key=lambda p: (p.file, p.row or 0, p.column or "")):
        table.add_row(
            p.file,
            "" if p.row is None else str(p.row),
            p.column or "",
            p.value_text(),
            p.expected(lang),
        )
    err_console.print(table)


def guarded(func: F) -> F:
    """Turn PlannerErrors into a clear message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang: Lang = kwargs.get("lang", "id") if kwargs.get("lang") in ("id", "en") else "id"
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            print_input_error(exc, lang)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except InfeasibleError as exc:
            err_console.print(f"[bold red]{exc.render(lang)}[/]")
            raise typer.Exit(EXIT_INFEASIBLE) from None
        except PlannerError as exc:
            err_console.print(f"[bold red]{exc.render(lang)}[/]")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            err_console.print("Dibatalkan." if lang == "id" else "Cancelled.")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:  # a bug: keep the details in a log, show a short message
            log = _write_crash_log(exc)
            if lang == "id":
                err_console.print(
                    f"[bold red]Kesalahan internal (bug): {type(exc).__name__}: {exc}[/]\n"
                    f"Rincian tersimpan di {log}. Mohon kirimkan berkas itu ke tim pengembang."
                )
            else:
                err_console.print(
                    f"[bold red]Internal error (a bug): {type(exc).__name__}: {exc}[/]\n"
                    f"Details were saved to {log}. Please send that file to the developers."
                )
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def _write_crash_log(exc: BaseException) -> Path:
    """Save the traceback of an unexpected error (atomically) and return the file's path."""
    import datetime as dt
    import tempfile
    import traceback

    from planner._atomic import write_text

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"planner-error-{stamp}.log"
    text = "".join(traceback.format_exception(exc))
    return write_text(path, f"planner {' '.join(sys.argv[1:])}\n\n{text}")


# ---------------------------------------------------------------- commands
# Each command below is a thin wrapper. Keep logic in the modules it calls.


# ---- validate (owner: sources) ----------------------------------------------------------


@app.command("validate")
@guarded
def validate_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    roster: Annotated[
        Path | None, typer.Option("--roster", help="squads.toml lain / another roster file")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="ringkasan sebagai JSON")] = False,
    lang: LangOpt = "id",
) -> None:
    """Periksa folder dataset dan tampilkan ringkasan. (Validate a dataset folder.)"""
    import json

    from planner.sources import load_dataset, summarize

    lg = _lang(lang)
    summary = summarize(load_dataset(dataset, roster=roster))
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    en = lg == "en"
    title = f"Dataset {dataset}: OK" if en else f"Dataset {dataset}: valid"
    totals = Table(title=title, title_justify="left")
    totals.add_column("What" if en else "Data")
    totals.add_column("Count" if en else "Jumlah", justify="right")
    rows = [
        ("Desa/kelurahan", summary["desa"]),
        ("Kecamatan", summary["kecamatan"]),
        ("Venues" if en else "Tempat (warkop)", summary["venues"]),
        ("  active" if en else "  aktif", summary["venues_active"]),
        ("Incidents" if en else "Kejadian", summary["incidents"]),
        ("Stations" if en else "Kantor (Polres/Polsek)", summary["stations"]),
        ("Squads" if en else "Regu", summary["squads"]),
        ("  officers" if en else "  personel", summary["members"]),
    ]
    for label, n in rows:
        totals.add_row(label, str(n))
    if summary["incidents"]:
        span = f"{summary['incidents_from']} … {summary['incidents_to']}"
        totals.add_row("Incident dates" if en else "Rentang kejadian", span)
    totals.add_row("Road network" if en else "Jaringan jalan", summary["roads"] or "—")
    console.print(totals)
    per_kec = Table(
        title="Venues per kecamatan" if en else "Tempat per kecamatan", title_justify="left"
    )
    per_kec.add_column("Kecamatan")
    per_kec.add_column("Venues" if en else "Tempat", justify="right")
    for kec, n in summary["venues_per_kecamatan"].items():
        per_kec.add_row(kec, str(n))
    console.print(per_kec)


# ---- plan (owner: pipeline) ------------------------------------------------------------------


def _parse_night(date: str | None, lang: Lang) -> Any:
    from planner.domain import Night
    from planner.errors import InputError, Problem
    from planner.text import msg

    if date is None:
        from planner.pipeline import default_night

        return default_night()
    try:
        return Night.parse(date)
    except ValueError:
        raise InputError(
            [
                Problem(
                    "--date", None, "--date", date, msg("tanggal YYYY-MM-DD", "a date YYYY-MM-DD")
                )
            ]
        ) from None


def _squad_table(summary: dict[str, Any], lang: Lang) -> Table:
    id_ = lang == "id"
    table = Table(
        title=(
            f"Rencana patroli malam {summary['date']}"
            if id_
            else f"Patrol plan, night of {summary['date']}"
        ),
        title_justify="left",
    )
    heads = (
        (
            "Regu",
            "Jam dinas",
            "Kunjungan",
            "Prioritas",
            "km",
            "Berangkat",
            "Kunjungan terakhir selesai",
            "Kembali",
        )
        if id_
        else ("Squad", "Shift", "Visits", "Priority", "km", "Leave", "Last visit ends", "Back")
    )
    for i, h in enumerate(heads):
        table.add_column(h, justify="right" if i in (2, 3, 4) else "left")
    for s in summary["squads"]:
        table.add_row(
            s["name"], s["shift"], str(s["visits"]), f"{s['priority']:.1f}", f"{s['km']:.1f}",
            s["depart"], s["last_visit_end"] or "—", s["return"],
        )  # fmt: skip
    return table


@app.command("plan")
@guarded
def plan_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    date: Annotated[
        str | None,
        typer.Option("--date", help="Tanggal malam (YYYY-MM-DD, WIB); default: malam ini"),
    ] = None,
    roster: Annotated[
        Path | None, typer.Option("--roster", help="Daftar regu lain (squads.toml)")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Batas waktu solver (detik)")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Benih acak (hasil dapat diulang)")
    ] = None,
    reproducible: Annotated[
        bool,
        typer.Option(
            "--reproducible", help="Anggaran pencarian tetap: rencana identik setiap kali"
        ),
    ] = False,
    out: Annotated[Path, typer.Option("--out", help="Folder keluaran (default: maps/)")] = Path(
        "maps"
    ),
    export_problem: Annotated[
        Path | None, typer.Option("--export-problem", help="Tulis NightProblem ke JSON")
    ] = None,
    lang: LangOpt = "id",
    quiet: Annotated[bool, typer.Option("--quiet", help="Hanya tampilkan kesalahan")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Ringkasan untuk mesin (JSON)")] = False,
) -> None:
    """Rencanakan rute patroli malam ini dan tulis peta, lembar rute dan ekspor.

    (Plan tonight's routes and write maps, route sheets and exports.)
    """
    import json as _json

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from planner import outputs, pipeline, reports
    from planner._atomic import write_text
    from planner.planfile import problem_to_json

    lg = _lang(lang)
    night = _parse_night(date, lg)
    names = {
        "load": ("Membaca data", "Loading data"),
        "score": ("Menghitung prioritas", "Scoring venues"),
        "network": ("Memuat jaringan jalan", "Loading road network"),
        "matrix": ("Menghitung waktu tempuh", "Computing travel times"),
        "compile": ("Menyusun model", "Compiling the model"),
        "solve": ("Mencari rute (OR-Tools)", "Solving routes (OR-Tools)"),
        "check": ("Memeriksa kelayakan", "Checking feasibility"),
        "legs": ("Menggambar rute di jalan", "Drawing legs along roads"),
        "write": ("Menulis peta dan lembar rute", "Writing maps and sheets"),
    }
    show = not (quiet or json_out)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        console=err_console, disable=not show, transient=False,
    ) as progress:  # fmt: skip
        tasks: dict[str, Any] = {}

        def hook(phase: str, event: str, seconds: float) -> None:
            label = names.get(phase, (phase, phase))[0 if lg == "id" else 1]
            if event == "start":
                tasks[phase] = progress.add_task(label, total=1)
            else:
                progress.update(tasks[phase], completed=1, description=f"{label} ✓")

        result = pipeline.plan_night(
            dataset, night, roster=roster, time_limit_s=time_limit, seed=seed,
            reproducible=reproducible or None, lang=lg, on_phase=hook,
        )  # fmt: skip
        hook("write", "start", 0.0)
        folder = outputs.night_folder(out, result)
        write_timings: dict[str, float] = {}
        files = outputs.write_night(result, folder, lang=lg, timings=write_timings)
        if export_problem is not None:
            write_text(
                export_problem, _json.dumps(problem_to_json(result.problem), ensure_ascii=False)
            )
        hook("write", "end", 0.0)
    summary = reports.summary(result, files=files, extra_timings=write_timings)
    if json_out:
        console.print_json(_json.dumps(summary, ensure_ascii=False))
    elif not quiet:
        console.print(_squad_table(summary, lg))
        share = summary["share"] * 100
        if lg == "id":
            console.print(
                f"{summary['visits']} kunjungan, prioritas {summary['priority_collected']:.1f} dari "
                f"{summary['priority_total']:.1f} ({share:.0f}%), {summary['km']:.0f} km. "
                f"Peta: {folder / 'index.html'}"
            )
        else:
            console.print(
                f"{summary['visits']} visits, priority {summary['priority_collected']:.1f} of "
                f"{summary['priority_total']:.1f} ({share:.0f}%), {summary['km']:.0f} km. "
                f"Map: {folder / 'index.html'}"
            )
    if result.plan.unmet_must_visit:
        for venue_id, why in result.plan.unmet_must_visit:
            err_console.print(
                f"[bold yellow]{'Wajib dikunjungi tetapi tidak dapat dijadwalkan' if lg == 'id' else 'Must-visit venue could not be planned'}: {venue_id} — {why}[/]"
            )
        raise typer.Exit(EXIT_MUST_VISIT)
    if result.status == "no_solution":
        err_console.print(
            "[bold red]"
            + ("Tidak ada rencana yang layak." if lg == "id" else "No feasible plan.")
            + "[/]"
        )
        raise typer.Exit(EXIT_INFEASIBLE)


# ---- score (owner: risk) -------------------------------------------------------------------


@app.command("score")
@guarded
def score_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    date: Annotated[
        str | None,
        typer.Option("--date", help="tanggal malam (YYYY-MM-DD, WIB); default: malam ini"),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, help="jumlah tempat teratas di tabel / rows shown")
    ] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="semua tempat sebagai JSON")] = False,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="tulis semua tempat ke berkas CSV / write a CSV")
    ] = None,
    lang: LangOpt = "id",
) -> None:
    """Prioritas tiap tempat malam ini beserta alasannya. (Tonight's venue priorities.)"""
    import json

    from planner._atomic import write_text
    from planner.domain import Night
    from planner.errors import Problem
    from planner.risk import score_dataset, score_table
    from planner.sources import load_dataset
    from planner.text import msg

    lg = _lang(lang)
    if as_json and csv_path is not None:
        raise InputError(
            [Problem("--json/--csv", None, None, "--json --csv", msg("pilih satu", "choose one"))]
        )
    try:
        night = Night.parse(date) if date else Night.tonight()
    except ValueError:
        raise InputError(
            [Problem("--date", None, None, date, msg("tanggal YYYY-MM-DD", "a YYYY-MM-DD date"))]
        ) from None
    data = load_dataset(dataset)
    scores = score_dataset(data, night, lang=lg)
    table = score_table(scores, data.venues, join_reasons=False)
    if as_json:
        typer.echo(json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=2))
        return
    if csv_path is not None:
        write_text(csv_path, score_table(scores, data.venues).to_csv(index=False))
        done = msg("{n} tempat ditulis ke {p}", "{n} venues written to {p}")
        console.print(done.format(n=len(table), p=csv_path)(lg))
        return
    en = lg == "en"
    shown = table.head(top)
    title = (
        f"Top {len(shown)} of {len(table)} venues, night of {night}"
        if en
        else f"{len(shown)} teratas dari {len(table)} tempat, malam {night}"
    )
    out = Table(title=title, title_justify="left", show_lines=True)
    for head in ("#", "venue_id", "Name" if en else "Nama", "Kecamatan"):
        out.add_column(head)
    out.add_column("Priority" if en else "Prioritas", justify="right")
    out.add_column("Reasons" if en else "Alasan", overflow="fold")
    for rank, row in enumerate(shown.itertuples(index=False), start=1):
        flags = []
        if row.must_visit:
            flags.append("MUST VISIT" if en else "WAJIB")
        if row.excluded:
            flags.append("EXCLUDED" if en else "DIKECUALIKAN")
        reasons = "\n".join(row.reasons) if len(row.reasons) else "—"
        out.add_row(
            str(rank),
            str(row.venue_id),
            str(getattr(row, "name", "")),
            str(getattr(row, "kecamatan", "")),
            f"{row.priority:.2f}" + (f" ({', '.join(flags)})" if flags else ""),
            reasons,
        )
    console.print(out)


# ---- demo (owner: demo) ----------------------------------------------------------------------


@app.command("demo")
@guarded
def demo_cmd(
    out: Annotated[
        Path, typer.Option("--out", help="folder tujuan / output folder (default: data/demo)")
    ] = DEFAULT_DATASET,
    seed: Annotated[int, typer.Option("--seed", help="seed acak / random seed")] = 1,
    venues: Annotated[
        int, typer.Option("--venues", min=1, help="jumlah tempat / number of venues")
    ] = 1500,
    force: Annotated[
        bool, typer.Option("--force", help="ganti folder yang tidak kosong / replace a folder")
    ] = False,
    lang: LangOpt = "id",
) -> None:
    """Buat dataset demo Trenggalek sintetis. (Generate the synthetic demo dataset.)"""
    from planner.demo import write_demo

    lg = _lang(lang)
    done = write_demo(out, seed=seed, n_venues=venues, force=force)
    c = done.counts
    en = lg == "en"
    table = Table(
        title=(
            f"Demo dataset written to {done.out} (seed {done.seed}, {done.elapsed_s:.1f} s)"
            if en
            else f"Dataset demo ditulis ke {done.out} (seed {done.seed}, {done.elapsed_s:.1f} dtk)"
        ),
        title_justify="left",
    )
    table.add_column("What" if en else "Data")
    table.add_column("Count" if en else "Jumlah", justify="right")
    kinds = ", ".join(f"{k} {n}" for k, n in c.venues_by_kind.items())
    for label, value in (
        ("Desa/kelurahan", f"{c.desa} ({c.kecamatan} kecamatan)"),
        ("Venues" if en else "Tempat", f"{c.venues} ({kinds})"),
        ("Incidents" if en else "Kejadian", str(c.incidents)),
        ("Stations" if en else "Kantor (Polres/Polsek)", str(c.stations)),
        ("Squads" if en else "Regu", str(c.squads)),
        ("Road nodes / edges" if en else "Simpul / ruas jalan", f"{c.road_nodes} / {c.road_edges}"),
    ):
        table.add_row(label, value)
    console.print(table)


# ---- network (owner: network) ------------------------------------------------------------------

network_app = typer.Typer(
    help="Jaringan jalan: unduh atau impor ke GraphML. (Road network: fetch or import.)",
    no_args_is_help=True,
)
app.add_typer(network_app, name="network")


def _print_import_report(report: Any, lang: Lang) -> None:
    en = lang == "en"
    table = Table(
        title=(f"Road network written to {report.out}" if en else f"Jaringan jalan ditulis ke {report.out}"),
        title_justify="left",
    )  # fmt: skip
    table.add_column("")
    table.add_column("Kept" if en else "Dipakai", justify="right")
    table.add_column("Dropped" if en else "Dibuang", justify="right")
    nodes, edges = ("Nodes", "Edges") if en else ("Simpul", "Ruas")
    table.add_row(nodes, f"{report.nodes_kept:,}", f"{report.nodes_dropped:,}")
    table.add_row(edges, f"{report.edges_kept:,}", f"{report.edges_dropped:,}")
    table.add_row("km", f"{report.length_km_kept:,.1f}", f"{report.length_km_dropped:,.1f}")
    console.print(table)
    if report.pieces_dropped:
        console.print(
            f"{report.pieces_dropped} disconnected piece(s) dropped (only the largest strongly "
            "connected part is kept)."
            if en
            else f"{report.pieces_dropped} potongan jaringan yang terpisah dibuang (hanya bagian "
            "terbesar yang saling terhubung yang dipakai)."
        )


@network_app.command("import")
@guarded
def network_import_cmd(
    src: Annotated[Path, typer.Argument(help=".graphml, .osm, .osm.bz2 atau .osm.pbf")],
    out: Annotated[Path, typer.Option("--out", help="GraphML keluaran / output GraphML")] = Path(
        "roads.graphml"
    ),
    lang: LangOpt = "id",
) -> None:
    """Ubah berkas jalan ke GraphML dataset. (Convert a road file to the dataset's GraphML.)"""
    from planner.network import import_network

    lg = _lang(lang)
    _print_import_report(import_network(src, out), lg)


@network_app.command("fetch")
@guarded
def network_fetch_cmd(
    place: Annotated[
        str,
        typer.Option("--place", help='mis. "Kabupaten Trenggalek, Jawa Timur, Indonesia"'),
    ],
    out: Annotated[Path, typer.Option("--out", help="GraphML keluaran / output GraphML")] = Path(
        "roads.graphml"
    ),
    lang: LangOpt = "id",
) -> None:
    """Unduh jaringan jalan dari OpenStreetMap (butuh internet). (Download from OSM.)"""
    import tempfile

    from planner.network import fetch_network, import_network, save_graphml

    lg = _lang(lang)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "download.graphml"
        save_graphml(fetch_network(place), raw)
        _print_import_report(import_network(raw, out), lg)


# ---- check (owner: routing/check) -------------------------------------------------------------


@app.command("check")
@guarded
def check_cmd(
    plan_file: Annotated[Path, typer.Argument(help="plan.json dari `planner plan`")],
    problem: Annotated[
        Path | None,
        typer.Option("--problem", help="Berkas --export-problem (NightProblem JSON)"),
    ] = None,
    lang: LangOpt = "id",
) -> None:
    """Periksa ulang rencana tersimpan terhadap semua aturan. (Re-verify a saved plan.)"""
    from rich.markup import escape

    from planner.check import check_file

    lg = _lang(lang)
    en = lg == "en"
    report = check_file(plan_file, problem)
    if not report.full:
        err_console.print(
            "No problem given (--problem): only the plan's own consistency was checked."
            if en
            else "Tanpa --problem: hanya konsistensi rencana itu sendiri yang diperiksa."
        )
    if report.ok:
        visits = report.plan.visits
        console.print(
            f"[bold green]OK[/]: {visits} visits, every rule holds."
            if en
            else f"[bold green]OK[/]: {visits} kunjungan, semua aturan terpenuhi."
        )
        return
    table = Table(
        title=(
            f"{len(report.violations)} violation(s)"
            if en
            else f"{len(report.violations)} pelanggaran"
        ),
        title_justify="left",
    )
    for head in (
        ("Rule", "Squad", "Venue", "Detail") if en else ("Aturan", "Regu", "Tempat", "Rincian")
    ):
        table.add_column(head, overflow="fold")
    for v in report.violations:
        table.add_row(v.rule, escape(v.squad_id or ""), escape(v.venue_id or ""), escape(v.detail))
    console.print(table)
    raise typer.Exit(EXIT_MUST_VISIT if report.only_declared_must_visits else EXIT_INFEASIBLE)


# ---- visit log, follow-ups, activity report (owner: history) ---------------------------------

visits_app = typer.Typer(
    help="Log kunjungan regu: impor, templat, tambah. (Visit log: import, template, add.)",
    no_args_is_help=True,
)
app.add_typer(visits_app, name="visits")

HistDatasetOpt = Annotated[
    Path, typer.Option("--dataset", "-d", help="Folder dataset (default: data/demo)")
]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Berkas log kunjungan (default: <dataset>/history.sqlite)"),
]
TEMPLATE_OUT = Path("templat-kunjungan.xlsx")


def _history_known(dataset: Path, store: Path | None) -> tuple[Any, Any, Path]:
    """Load the dataset; return it with what imports are validated against and the store."""
    from planner.history import Known, default_store_path
    from planner.sources import load_dataset

    ds = load_dataset(dataset)
    return ds, Known.from_dataset(ds), store or default_store_path(ds.root, ds.settings)


def _existing_store(dataset: Path, store: Path | None) -> Path:
    from planner.config import load_settings
    from planner.history import default_store_path
    from planner.text import msg

    path = store or default_store_path(dataset, load_settings(dataset / "planner.toml"))
    if not path.exists():
        raise PlannerError(
            msg(
                f"Belum ada log kunjungan di {path}; impor dulu: planner visits import BERKAS",
                f"No visit log at {path} yet; import first: planner visits import FILE",
            )
        )
    return path


def _print_import_result(result: Any, path: Path, lang: Lang) -> None:
    from rich.markup import escape

    console.print(f"[bold green]OK[/] {escape(result.message(lang))}")
    console.print(("Log: " if lang == "en" else "Log kunjungan: ") + escape(str(path)))


@visits_app.command("import")
@guarded
def visits_import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV/XLSX: templat kunjungan atau lembar rencana")],
    dataset: HistDatasetOpt = DEFAULT_DATASET,
    store: StoreOpt = None,
    replace: Annotated[
        bool,
        typer.Option("--ganti", "--replace", help="ganti kunjungan yang sudah tercatat berbeda"),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="tanpa progres")] = False,
    lang: LangOpt = "id",
) -> None:
    """Impor laporan kunjungan regu, utuh atau tidak sama sekali. (Import a visit sheet.)"""
    from rich.progress import Progress

    from planner.history import import_file, open_store

    lg = _lang(lang)
    _, known, path = _history_known(dataset, store)
    with open_store(path) as st, Progress(console=err_console, disable=quiet) as bar:
        task = bar.add_task("Menyimpan" if lg == "id" else "Saving", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = import_file(st, file, known, replace=replace, progress=progress)
    _print_import_result(result, path, lg)


@visits_app.command("template")
@guarded
def visits_template_cmd(
    out: Annotated[Path, typer.Argument(help="templat-kunjungan.xlsx atau .csv")] = TEMPLATE_OUT,
    dataset: HistDatasetOpt = DEFAULT_DATASET,
    lang: LangOpt = "id",
) -> None:
    """Tulis templat laporan kunjungan kosong dengan petunjuk. (Write the visit template.)"""
    from rich.markup import escape

    from planner.config import load_settings
    from planner.history import Known, write_template
    from planner.text import msg

    lg = _lang(lang)
    known = Known.from_settings(load_settings(dataset / "planner.toml"), venue_ids=())
    written = write_template(out, known)
    done = msg("Templat ditulis: {p} (petunjuk di dalamnya)", "Template written: {p}")
    console.print(done.format(p=escape(str(written)))(lg))


@visits_app.command("add")
@guarded
def visits_add_cmd(
    regu: Annotated[str, typer.Option("--regu", help="kode regu, mis. R01")],
    venue: Annotated[str, typer.Option("--venue", help="venue_id tempat")],
    tiba: Annotated[str, typer.Option("--tiba", help="jam tiba, mis. 21:30")],
    tanggal: Annotated[
        str | None, typer.Option("--tanggal", help="tanggal malam (default: malam ini)")
    ] = None,
    berangkat: Annotated[str, typer.Option("--berangkat", help="jam berangkat")] = "",
    warga: Annotated[
        int | None, typer.Option("--warga", min=0, help="perkiraan warga ditemui")
    ] = None,
    catatan: Annotated[str, typer.Option("--catatan", help="catatan petugas")] = "",
    tambahan: Annotated[
        bool, typer.Option("--tambahan", help="kunjungan di luar rencana / an extra stop")
    ] = False,
    kategori: Annotated[str, typer.Option("--kategori", help="kategori laporan warga")] = "",
    isi: Annotated[str, typer.Option("--isi", help="isi laporan warga")] = "",
    polisi: Annotated[
        bool | None, typer.Option("--polisi/--bukan-polisi", help="urusan polisi atau bukan")
    ] = None,
    rujuk: Annotated[str, typer.Option("--rujuk", help="instansi tujuan rujukan")] = "",
    dataset: HistDatasetOpt = DEFAULT_DATASET,
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Catat satu kunjungan yang diketik tangan. (Record one visit by hand.)"""
    from planner.domain import Night
    from planner.history import add_visit, open_store

    lg = _lang(lang)
    _, known, path = _history_known(dataset, store)
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


@app.command("followups")
@guarded
def followups_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    agency: Annotated[
        str | None, typer.Option("--agency", "--instansi", help="hanya instansi ini")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", "--terlambat", help="hanya yang lewat batas waktu")
    ] = False,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="tulis tabel ke CSV untuk instansi")
    ] = None,
    close: Annotated[
        int | None, typer.Option("--close", "--selesai", help="tandai laporan nomor ini selesai")
    ] = None,
    outcome: Annotated[str, typer.Option("--outcome", "--hasil", help="hasil tindak lanjut")] = "",
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Rujukan dan tindak lanjut yang belum selesai, terlama dulu. (Open follow-ups.)"""
    import datetime as dt

    from rich.markup import escape

    from planner._atomic import write_text
    from planner.domain import WIB
    from planner.history import close_report, followups, followups_csv, open_store

    lg = _lang(lang)
    en = lg == "en"
    today = dt.datetime.now(WIB).date()
    with open_store(_existing_store(dataset, store)) as st:
        if close is not None:
            close_report(st, close, outcome=outcome, on=today)
            console.print(f"Report {close} closed." if en else f"Laporan {close} selesai.")
            return
        table = followups(st, today=today, agency=agency, overdue=overdue)
    if csv_path is not None:
        write_text(csv_path, followups_csv(table))
        console.print(
            f"{len(table)} follow-ups written to {escape(str(csv_path))}"
            if en
            else f"{len(table)} tindak lanjut ditulis ke {escape(str(csv_path))}"
        )
        return
    out = Table(
        title=(f"{len(table)} open follow-ups" if en else f"{len(table)} tindak lanjut terbuka"),
        title_justify="left",
    )
    heads = (
        ("No.", "Night", "Venue", "Category", "Report", "Agency", "Status", "Due", "Days")
        if en
        else ("No.", "Malam", "Tempat", "Kategori", "Isi", "Instansi", "Status", "Batas", "Hari")
    )
    for head in heads:
        out.add_column(head, overflow="fold")
    for r in table.itertuples(index=False):
        due = "" if r.due_date is None else r.due_date.isoformat()
        out.add_row(
            str(r.report_id),
            r.night.isoformat(),
            escape(r.venue_id),
            escape(r.category),
            escape(r.text),
            escape(r.agency or ("Police" if en else "Polisi")),
            r.status,
            f"[bold red]{due}[/]" if r.overdue else due,
            str(r.days_open),
        )
    console.print(out)


@app.command("report")
@guarded
def report_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    start: Annotated[
        str | None, typer.Option("--from", help="malam pertama YYYY-MM-DD (default: 30 hari)")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="malam terakhir YYYY-MM-DD (default: hari ini)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="berkas HTML (default: maps/laporan-...html)")
    ] = None,
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Laporan kegiatan untuk Kapolres, siap cetak A4. (Printable activity report.)"""
    import datetime as dt

    from rich.markup import escape

    from planner.activity import write_activity_report
    from planner.domain import WIB
    from planner.errors import Problem
    from planner.history import open_store
    from planner.sources import load_dataset
    from planner.text import msg

    lg = _lang(lang)
    today = dt.datetime.now(WIB).date()
    dates: dict[str, dt.date | None] = {}
    for name, text in (("--from", start), ("--to", end)):
        try:
            dates[name] = dt.date.fromisoformat(text) if text else None
        except ValueError:
            bad = msg("tanggal YYYY-MM-DD", "a YYYY-MM-DD date")
            raise InputError([Problem(name, None, None, text, bad)]) from None
    last = dates["--to"] or today
    first = dates["--from"] or last - dt.timedelta(days=29)
    path = _existing_store(dataset, store)
    ds = load_dataset(dataset)
    target = out or Path("maps") / f"laporan-kegiatan-{first}_{last}.html"
    with open_store(path) as st:
        written, summary = write_activity_report(
            st, ds.venues, target, start=first, end=last, today=today, lang=lg
        )
    done = msg(
        "Laporan ditulis: {p} ({v} kunjungan, {r} laporan warga)",
        "Report written: {p} ({v} visits, {r} reports)",
    )
    console.print(done.format(p=escape(str(written)), v=summary.visits, r=summary.reports)(lg))


# ---- simulate, sweep (owner: simulate) --------------------------------------------------------


def _metric_table(columns: dict[str, dict[str, float]], lang: Lang) -> Table:
    """The replay metrics, one column per replay (optimiser, manual baseline, ...)."""
    en = lang == "en"
    rows = [
        ("coverage", "Risk-weighted coverage" if en else "Cakupan berbobot risiko", "pct"),
        ("coverage_night_min", "  worst night" if en else "  malam terendah", "pct"),
        ("visits_per_night", "Visits per night" if en else "Kunjungan per malam", "1"),
        ("km", "Kilometres" if en else "Kilometer", "0"),
        ("priority_per_km", "Priority per km" if en else "Prioritas per km", "2"),
        ("desa_7d_share_mean", "Desa reached per 7 nights" if en else "Desa terjangkau per 7 malam", "pct"),
        ("desa_reached_every_window", "  in every window" if en else "  di setiap jendela", "0"),
        ("high_gap_max_days", "Rawan venues: longest gap (days)" if en else "Tempat rawan: jeda terpanjang (hari)", "0"),
        ("high_gap_mean_days", "  mean longest gap" if en else "  rata-rata jeda terpanjang", "1"),
        ("high_never_visited", "  never visited" if en else "  tak pernah dikunjungi", "0"),
        ("squad_visits_cv", "Workload: CV of visits per squad" if en else "Beban: KV kunjungan per regu", "2"),
        ("squad_km_cv", "Workload: CV of km per squad" if en else "Beban: KV km per regu", "2"),
        ("jaccard_mean", "Predictability (Jaccard)" if en else "Keterdugaan (Jaccard)", "2"),
        ("wall_s", "Wall time (s)" if en else "Waktu (detik)", "1"),
    ]  # fmt: skip
    table = Table(title="Replay" if en else "Simulasi ulang", title_justify="left")
    table.add_column("Metric" if en else "Ukuran")
    for name in columns:
        table.add_column(name, justify="right")
    for key, label, fmt in rows:
        cells = []
        for metrics in columns.values():
            v = float(metrics[key])
            cells.append(f"{v * 100:.1f}%" if fmt == "pct" else f"{v:,.{int(fmt)}f}")
        table.add_row(label, *cells)
    return table


@app.command("simulate")
@guarded
def simulate_cmd(
    dataset: DatasetArg = DEFAULT_DATASET,
    start: Annotated[
        str | None,
        typer.Option(
            "--start", help="malam pertama YYYY-MM-DD (default: malam-malam terakhir data kejadian)"
        ),
    ] = None,
    nights: Annotated[int, typer.Option("--nights", "--malam", help="jumlah malam")] = 14,
    baseline: Annotated[
        bool,
        typer.Option(
            "--baseline", help="bandingkan dengan perencana manual / vs. the manual baseline"
        ),
    ] = False,
    jitter: Annotated[
        float,
        typer.Option("--jitter", help="acak prioritas ±persen per malam / randomise priorities ±%"),
    ] = 0.0,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit", help="detik per malam untuk solver / solver seconds per night"
        ),
    ] = 2.0,
    reproducible: Annotated[
        bool, typer.Option("--reproducible", help="anggaran solusi, hasil sama setiap kali")
    ] = False,
    overrides: Annotated[
        list[str] | None,
        typer.Option("--set", help="ubah pengaturan: weights.incidents=2 (boleh berulang)"),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="folder untuk tabel CSV / folder for the CSV tables"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="ukuran sebagai JSON")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="tanpa progres")] = False,
    lang: LangOpt = "id",
) -> None:
    """Simulasikan ulang beberapa minggu malam patroli. (Replay weeks of nights.)"""
    import datetime as dt
    import json

    from rich.markup import escape
    from rich.progress import Progress

    from planner import simulate
    from planner.errors import Problem
    from planner.sources import load_dataset
    from planner.text import msg

    lg = _lang(lang)
    problems: list[Problem] = []
    try:
        changes = simulate.parse_assignments(overrides or [])
    except InputError as exc:
        problems.extend(exc.problems)
        changes = {}
    first = None
    if start is not None:
        try:
            first = dt.date.fromisoformat(start)
        except ValueError:
            problems.append(
                Problem(
                    "--start",
                    None,
                    "--start",
                    start,
                    msg("tanggal YYYY-MM-DD", "a YYYY-MM-DD date"),
                )
            )
    ds = load_dataset(dataset)
    try:
        cfg = simulate.apply_overrides(ds.settings, changes, source="--set")
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    methods: list[simulate.Method] = ["optimizer", "baseline"] if baseline else ["optimizer"]
    replays = []
    with Progress(console=err_console, disable=quiet or as_json, transient=True) as bar:
        for method in methods:
            label = {"optimizer": "optimasi" if lg == "id" else "optimiser", "baseline": "manual"}
            task = bar.add_task(label[method], total=nights)

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
    names = {"optimizer": "optimasi" if lg == "id" else "optimiser", "baseline": "manual"}
    r0 = replays[0]
    last = r0.start + dt.timedelta(days=nights - 1)
    console.print(
        f"{nights} nights {r0.start} … {last}" + (f", priorities ±{jitter:g}%" if jitter else "")
        if lg == "en"
        else f"{nights} malam {r0.start} … {last}"
        + (f", prioritas diacak ±{jitter:g}%" if jitter else "")
    )
    console.print(_metric_table({names[r.method]: r.metrics for r in replays}, lg))
    if comparison is not None:
        row = comparison.set_index("metric")
        gain = (row.at["coverage", "ratio"] - 1) * 100
        eff = (row.at["priority_per_km", "ratio"] - 1) * 100
        console.print(
            f"Optimiser vs manual: coverage {gain:+.1f}%, priority per km {eff:+.1f}%."
            if lg == "en"
            else f"Optimasi vs manual: cakupan {gain:+.1f}%, prioritas per km {eff:+.1f}%."
        )
    if out is not None:
        console.print(("Tables: " if lg == "en" else "Tabel: ") + escape(str(out)))


@app.command("sweep")
@guarded
def sweep_cmd(
    sweep_file: Annotated[Path, typer.Argument(help="SWEEP.toml (lihat docs/analysis.md)")],
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="scheduler Dask yang ada, mis. tcp://host:8786"),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="pekerja LocalCluster")] = 2,
    threads: Annotated[
        bool, typer.Option("--threads", help="pekerja berupa thread, bukan proses")
    ] = False,
    serial: Annotated[bool, typer.Option("--serial", help="tanpa Dask, satu per satu")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="folder hasil (default: out di berkas)")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="tanpa progres")] = False,
    lang: LangOpt = "id",
) -> None:
    """Jalankan kisi pengaturan × tanggal dengan Dask. (Run a settings sweep on Dask.)"""
    from rich.markup import escape
    from rich.progress import Progress

    from planner import sweep

    lg = _lang(lang)
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
    en = lg == "en"
    summary = Table(
        title=f"{len(table)} replays" if en else f"{len(table)} simulasi", title_justify="left"
    )
    keys = [k for k in spec.grid if k in table.columns]
    for head in ["Method" if en else "Metode", "Start" if en else "Mulai", *keys, "±%",
                 "Coverage" if en else "Cakupan", "Jaccard", "Desa/7"]:  # fmt: skip
        summary.add_column(escape(head))
    for _, r in table.iterrows():
        summary.add_row(
            str(r["method"]), str(r["start"]), *(escape(str(r[k])) for k in keys),
            f"{r['jitter_pct']:g}", f"{r['coverage'] * 100:.1f}%", f"{r['jaccard_mean']:.2f}",
            f"{r['desa_7d_share_mean'] * 100:.0f}%",
        )  # fmt: skip
    console.print(summary)
    for p in written:
        console.print(("Written: " if en else "Ditulis: ") + escape(str(p)))


def main() -> None:  # pragma: no cover - console-script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
