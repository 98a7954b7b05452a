"""The ``planner`` command: thin. Parse arguments, call the package, print.

Every command catches :class:`~planner.errors.PlannerError` and prints it as a table in the
chosen language, exiting with code 2 for bad input and no traceback. The commands live in one
module per family (:mod:`.plan`, :mod:`.network`, :mod:`.visits`, :mod:`.analysis`,
:mod:`.demo`) and are registered here, in the order ``planner --help`` lists them; their words
come from :mod:`planner.text.cli`. Importing this package stays light: each command imports
what it needs (pandas, OR-Tools, Folium, ...) when it runs.
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

from planner.errors import InfeasibleError, InputError, PlannerError, Problem
from planner.text import Lang, Msg
from planner.text import cli as T

app = typer.Typer(
    help=T.HELP_APP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DATASET = Path("data/demo")

LangOpt = Annotated[str, typer.Option("--lang", help=T.HELP_LANG)]
DatasetArg = Annotated[Path, typer.Argument(help=T.HELP_DATASET, show_default=True)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=T.HELP_QUIET)]

EXIT_OK = 0
EXIT_MUST_VISIT = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug, details in a log file


def parse_lang(value: str) -> Lang:
    """The ``--lang`` value, or exit 2 with a message in both languages."""
    if value not in ("id", "en"):
        err_console.print(T.LANG_REFUSED.format(value=value))
        raise typer.Exit(EXIT_BAD_INPUT)
    return value  # type: ignore[return-value]


def date_problem(
    option: str, value: str | None, *, column: str | None = None, expected: Msg = T.DATE_EXPECTED
) -> InputError:
    """The InputError of an option that should have been a ``YYYY-MM-DD`` date."""
    return InputError([Problem(option, None, column, value, expected)])


def print_input_error(exc: InputError, lang: Lang) -> None:
    """Print every problem of an InputError as one table."""
    table = Table(title=exc.summary(lang), show_lines=False, title_justify="left")
    for head in T.INPUT_ERROR_HEADS:
        table.add_column(head(lang), overflow="fold")
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
            err_console.print(T.CANCELLED(lang))
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:  # a bug: keep the details in a log, show a short message
            log = _write_crash_log(exc)
            error = T.INTERNAL_ERROR.format(kind=type(exc).__name__, error=exc)(lang)
            err_console.print(f"[bold red]{error}[/]\n{T.CRASH_LOG_SAVED.format(log=log)(lang)}")
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
# The modules below import the shared pieces above, so they are imported after them.

from planner.cli import analysis, demo, network, plan, visits  # noqa: E402

app.command("validate", help=T.HELP_VALIDATE)(plan.validate_cmd)
app.command("plan", help=T.HELP_PLAN)(plan.plan_cmd)
app.command("score", help=T.HELP_SCORE)(plan.score_cmd)
app.command("demo", help=T.HELP_DEMO)(demo.demo_cmd)

network_app = typer.Typer(help=T.HELP_NETWORK, no_args_is_help=True)
network_app.command("import", help=T.HELP_NETWORK_IMPORT)(network.network_import_cmd)
network_app.command("fetch", help=T.HELP_NETWORK_FETCH)(network.network_fetch_cmd)
app.add_typer(network_app, name="network")

app.command("check", help=T.HELP_CHECK)(plan.check_cmd)

visits_app = typer.Typer(help=T.HELP_VISITS, no_args_is_help=True)
visits_app.command("import", help=T.HELP_VISITS_IMPORT)(visits.visits_import_cmd)
visits_app.command("template", help=T.HELP_VISITS_TEMPLATE)(visits.visits_template_cmd)
visits_app.command("add", help=T.HELP_VISITS_ADD)(visits.visits_add_cmd)
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
    "EXIT_INFEASIBLE",
    "EXIT_INTERNAL",
    "EXIT_MUST_VISIT",
    "EXIT_OK",
    "app",
    "guarded",
    "main",
    "print_input_error",
]
