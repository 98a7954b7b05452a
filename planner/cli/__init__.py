"""The ``planner`` command: thin. Parse arguments, call the package, print.

Every command catches :class:`~planner.errors.PlannerError` and prints it as a table in the
chosen language, exiting with code 2 for bad input and no traceback. The commands live in one
module per family (:mod:`.plan`, :mod:`.network`, :mod:`.visits`, :mod:`.analysis`,
:mod:`.demo`) and are registered here, in the order ``planner --help`` lists them; their words
come from :mod:`planner.text.cli`. Importing this package stays light: each command imports
what it needs (pandas, OR-Tools, Folium, ...) when it runs.
"""

from __future__ import annotations

import errno
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from planner.cli._click_text import PlannerGroup, current_lang
from planner.errors import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_INFEASIBLE,
    EXIT_INTERNAL,
    EXIT_MUST_VISIT,
    EXIT_OK,
    EXIT_OUTPUT,
    InputError,
    OutputError,
    PlannerError,
    Problem,
    output_error,
)
from planner.text import LANGS, Lang, Msg, msg, number
from planner.text import cli as T
from planner.text import history as H

app = typer.Typer(
    cls=PlannerGroup,
    help=T.HELP_APP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# emoji=False: ":fire:" in a venue's name is printed as written (the planner's own words use
# no emoji codes); markup in data is escaped by safe()/plain() below.
console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DATASET = Path("data/demo")


def _lang_option(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
    """``--lang``: as given, else the invocation's (``planner --lang``, ``PLANNER_LANG``)."""
    from typer._click.core import ParameterSource

    if param.name and ctx.get_parameter_source(param.name) is ParameterSource.DEFAULT:
        return current_lang()
    return parse_lang(value)


LangOpt = Annotated[
    str,
    typer.Option(
        "--lang", help=T.HELP_LANG, metavar="<id|en>", callback=_lang_option, show_default=False
    ),
]
DatasetArg = Annotated[Path, typer.Argument(help=T.HELP_DATASET, show_default=True)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=T.HELP_QUIET)]

# The exit codes (EXIT_OK, EXIT_MUST_VISIT, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OUTPUT,
# EXIT_INTERNAL, EXIT_CANCELLED) are defined in planner.errors and re-exported here;
# docs/exit-codes.md says what each means.

SHOWN_PROBLEMS = 20
"""At most this many problems are printed; the full list goes to a CSV (docs/exit-codes.md)."""

_MORE_PROBLEMS = msg(
    "… dan {more} masalah lain. Daftar lengkap ({total} masalah): {path}",
    "… and {more} more problem(s). The full list ({total} problems): {path}",
)
_KINDS_TITLE = msg("Masalah per jenis", "Problems by kind")
_KINDS_HEADS = (
    msg("Berkas", "File"),
    msg("Kolom", "Column"),
    msg("Jumlah", "Count"),
    msg("Contoh", "Example"),
)
_OUTPUT_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EROFS") if hasattr(errno, name)
)
"""An OSError with one of these errnos escaping a command is an output problem, not a bug."""
_OUTPUT_HINT = msg("Hasil lama tidak diubah.", "Nothing that was there before was changed.")


# ---------------------------------------------------------------- printing
# Every string that comes from data or from a user (a cell, a file name, a squad's name, an
# exception's text) reaches Rich through these helpers, so ``[/red]`` or ``[link=…]`` in a
# venues file is printed as written instead of being read as markup (or crashing Rich).


def safe(text: object) -> str:
    """``text`` with Rich markup escaped, for putting data inside a markup string.

    ``console.print(f"[bold]{safe(name)}[/]")``. Prefer :func:`plain` when the whole line
    is one style.
    """
    return escape(str(text))


def plain(text: object, style: str = "") -> Text:
    """``text`` as a Rich :class:`~rich.text.Text`: never read as markup or emoji codes."""
    return Text(str(text), style=style)


def print_error(text: object, *, style: str = "bold red") -> None:
    """Print one error line (from any source) to stderr, as written."""
    err_console.print(plain(text, style))


def parse_lang(value: str) -> Lang:
    """The ``--lang`` value, or exit 2 with a message in both languages."""
    if value not in LANGS:
        for lg in LANGS:  # the language is what is wrong: say it in both
            err_console.print(plain(T.LANG_REFUSED.format(value=value)(lg)))
        raise typer.Exit(EXIT_BAD_INPUT)
    return value  # type: ignore[return-value]


def date_problem(
    option: str, value: str | None, *, column: str | None = None, expected: Msg = T.DATE_EXPECTED
) -> InputError:
    """The InputError of an option that should have been a ``YYYY-MM-DD`` date."""
    return InputError([Problem(option, None, column, value, expected)])


def print_input_error(exc: InputError, lang: Lang, *, shown: int = SHOWN_PROBLEMS) -> None:
    """Print the problems of an InputError as one table: the first ``shown`` of them.

    With more problems than that, a second table counts them per file and column, and the
    full list is written to a CSV in the temporary folder, named in the last line (the
    dataset folder is never written to). Every cell is printed as written (no Rich markup).
    """
    problems = sorted(exc.problems, key=lambda p: (p.file, p.row or 0, p.column or ""))
    table = Table(title=plain(exc.summary(lang)), show_lines=False, title_justify="left")
    for head in T.INPUT_ERROR_HEADS:
        table.add_column(head(lang), overflow="fold")
    for p in problems[:shown]:
        table.add_row(*(plain(cell) for cell in _problem_cells(p, lang)))
    err_console.print(table)
    if len(problems) <= shown:
        return
    kinds = Table(title=plain(_KINDS_TITLE(lang)), title_justify="left")
    for head in _KINDS_HEADS:
        kinds.add_column(head(lang), overflow="fold")
    for (file, column), (count, example) in _count_kinds(problems, lang).items():
        kinds.add_row(plain(file), plain(column), plain(number(count, lang, 0)), plain(example))
    err_console.print(kinds)
    try:
        path: object = _write_problem_list(problems, lang)
    except OSError as exc:  # a full or read-only temp folder must not hide the problems
        path = output_error(exc.filename or "?", exc).render(lang)
    more = _MORE_PROBLEMS.format(
        more=number(len(problems) - shown, lang, 0), total=number(len(problems), lang, 0), path=path
    )
    err_console.print(plain(more(lang), "bold"), soft_wrap=True)  # the path in one piece


def _problem_cells(p: Problem, lang: Lang) -> tuple[str, str, str, str, str]:
    row = "" if p.row is None else str(p.row)
    return (p.file, row, p.column or "", p.value_text(), p.expected(lang))


def _count_kinds(problems: list[Problem], lang: Lang) -> dict[tuple[str, str], tuple[int, str]]:
    """(file, column) → (how many problems, the first one's "expected"), most frequent first."""
    counts: dict[tuple[str, str], list[Any]] = {}
    for p in problems:
        entry = counts.setdefault((p.file, p.column or ""), [0, p])
        entry[0] += 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return {key: (count, first.expected(lang)) for key, (count, first) in ordered}


def _write_problem_list(problems: list[Problem], lang: Lang) -> Path:
    """Write every problem to ``<tmp>/planner-problems-<time>.csv`` and return its path.

    The planner's one CSV dialect (``_tables.csv_bytes``: ``;``, BOM, formula-safe cells).
    """
    import datetime as dt
    import tempfile

    from planner._atomic import write_bytes
    from planner._tables import csv_bytes

    rows = (
        (
            p.file,
            "" if p.row is None else str(p.row),
            p.column or "",
            "" if p.value is None else str(p.value),
            p.expected(lang),
        )
        for p in problems
    )
    data = csv_bytes(rows, header=[head(lang) for head in T.INPUT_ERROR_HEADS])
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = Path(tempfile.gettempdir()) / f"planner-problems-{stamp}.csv"
    return write_bytes(path, data)


def guarded(func: F) -> F:
    """Turn PlannerErrors into a clear message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang: Lang = kwargs.get("lang", "id") if kwargs.get("lang") in ("id", "en") else "id"
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            print_input_error(exc, lang)
            raise typer.Exit(exc.exit_code) from None
        except PlannerError as exc:
            print_error(exc.render(lang))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print(plain(T.CANCELLED(lang)))
            raise typer.Exit(EXIT_CANCELLED) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except OSError as exc:
            if exc.errno not in _OUTPUT_ERRNOS:
                return _crash(exc, lang)
            # A write that failed for want of space or permission is not a bug: say so.
            error = output_error(exc.filename or "?", exc, then=_OUTPUT_HINT)
            print_error(error.render(lang))
            raise typer.Exit(error.exit_code) from None
        except Exception as exc:  # a bug: keep the details in a log, show a short message
            return _crash(exc, lang)

    return wrapper  # type: ignore[return-value]


def _crash(exc: Exception, lang: Lang) -> None:
    """A bug: keep the traceback in a log file, show a short message, exit 70."""
    error = T.INTERNAL_ERROR.format(kind=type(exc).__name__, error=exc)(lang)
    print_error(error)
    try:
        log = _write_crash_log(exc)
    except OSError as log_exc:  # no room for the log either: say so, still no traceback
        print_error(output_error(log_exc.filename or "?", log_exc).render(lang), style="")
    else:
        err_console.print(plain(T.CRASH_LOG_SAVED.format(log=log)(lang)))
    raise typer.Exit(EXIT_INTERNAL) from None


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
# The modules below import the shared pieces above, so they are imported after them.

from planner.cli import analysis, demo, network, plan, visits  # noqa: E402


def _lang_only(lang: LangOpt = "id") -> None:
    """``planner [group] --lang en <command>``: the language of the commands below."""


app.callback()(_lang_only)


app.command("validate", help=T.HELP_VALIDATE)(plan.validate_cmd)
app.command("plan", help=T.HELP_PLAN)(plan.plan_cmd)
app.command("score", help=T.HELP_SCORE)(plan.score_cmd)
app.command("demo", help=T.HELP_DEMO)(demo.demo_cmd)

network_app = typer.Typer(help=T.HELP_NETWORK, no_args_is_help=True, callback=_lang_only)
network_app.command("import", help=T.HELP_NETWORK_IMPORT)(network.network_import_cmd)
network_app.command("fetch", help=T.HELP_NETWORK_FETCH)(network.network_fetch_cmd)
app.add_typer(network_app, name="network")

app.command("check", help=T.HELP_CHECK)(plan.check_cmd)

visits_app = typer.Typer(help=T.HELP_VISITS, no_args_is_help=True, callback=_lang_only)
visits_app.command("import", help=T.HELP_VISITS_IMPORT)(visits.visits_import_cmd)
visits_app.command("template", help=T.HELP_VISITS_TEMPLATE)(visits.visits_template_cmd)
visits_app.command("add", help=T.HELP_VISITS_ADD)(visits.visits_add_cmd)
visits_app.command("export", help=H.HELP_VISITS_EXPORT)(visits.visits_export_cmd)
app.add_typer(visits_app, name="visits")

app.command("followups", help=T.HELP_FOLLOWUPS)(visits.followups_cmd)
app.command("report", help=T.HELP_REPORT)(visits.report_cmd)
app.command("simulate", help=T.HELP_SIMULATE)(analysis.simulate_cmd)
app.command("sweep", help=T.HELP_SWEEP)(analysis.sweep_cmd)


def main() -> None:  # pragma: no cover - console-script entry
    """Run the ``planner`` command (``python -m planner.cli``)."""
    app()


__all__ = [
    "DEFAULT_DATASET",
    "EXIT_BAD_INPUT",
    "EXIT_CANCELLED",
    "EXIT_INFEASIBLE",
    "EXIT_INTERNAL",
    "EXIT_MUST_VISIT",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "OutputError",
    "app",
    "guarded",
    "main",
    "plain",
    "print_error",
    "print_input_error",
    "safe",
]
