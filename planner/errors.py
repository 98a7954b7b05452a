"""The planner's exception tree.

Every error a user can cause derives from :class:`PlannerError`. Bad input raises
:class:`InputError`, which carries *every* problem found in the input at once, so a planner
fixes a spreadsheet in one pass instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.text import Lang, Msg, number, pick


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input.

    Attributes
    ----------
    file
        The file as the user named it (or its name inside the dataset folder).
    row
        The row as a spreadsheet user counts it: the header is row 1, the first data row is 2.
        ``None`` when the problem concerns the whole file or a column.
    column
        The column, or the settings key (``incidents.half_life_days``).
    value
        What was found (shown as text).
    expected
        What was expected, and where possible how to fix it.
    """

    file: str
    row: int | None
    column: str | None
    value: Any
    expected: Msg

    def render(self, lang: Lang = "id") -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{pick(lang, 'baris', 'row')} {self.row}")
        if self.column:
            where.append(f"{pick(lang, 'kolom', 'column')} {self.column}")
        found = pick(lang, "ditemukan", "found")
        return f"{', '.join(where)}: {found} {self.value_text()!s}; {self.expected(lang)}"

    def value_text(self) -> str:
        if self.value is None:
            return "—"
        text = str(self.value)
        return text if len(text) <= 60 else text[:57] + "..."


#: Exit codes of the ``planner`` command (docs/exit-codes.md). They live here, next to the
#: exceptions that choose them, so every layer can name one without importing the CLI.
EXIT_OK = 0
EXIT_MUST_VISIT = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_OUTPUT = 73  # EX_CANTCREAT (sysexits.h): an output could not be written
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug, details in a log file
EXIT_CANCELLED = 130  # 128 + SIGINT: Ctrl-C


@dataclass(frozen=True)
class InputWarning:
    """Something in the input that is accepted but worth a look (shown by ``planner validate``
    and on the map); same places as a :class:`Problem`, plus what it is about.

    Attributes
    ----------
    file, row, column, value
        As in :class:`Problem`.
    message
        What was accepted and why it may need fixing.
    kind
        A stable word for programs (``"outside_desa"``).
    venue_id
        The venue it concerns, if any (the map marks it).
    distance_m
        For ``outside_desa``: how far the venue lies outside its desa's polygon, in metres.
    """

    file: str
    row: int | None
    column: str | None
    value: Any
    message: Msg
    kind: str = "input"
    venue_id: str | None = None
    distance_m: float | None = None

    def as_problem(self) -> Problem:
        """The warning in the shape of a problem (one row of the problem table)."""
        return Problem(self.file, self.row, self.column, self.value, self.message)

    def render(self, lang: Lang = "id") -> str:
        return self.as_problem().render(lang)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values (``planner validate --json``, the map)."""
        return {
            "kind": self.kind,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "venue_id": self.venue_id,
            "distance_m": None if self.distance_m is None else round(self.distance_m, 1),
            "id": self.message("id"),
            "en": self.message("en"),
        }


class PlannerError(Exception):
    """Base class of every error the planner raises on purpose.

    ``exit_code`` is the code the ``planner`` command exits with when this error reaches it.
    """

    exit_code: int = EXIT_BAD_INPUT

    def __init__(self, message: Msg | str) -> None:
        self.msg = message if isinstance(message, Msg) else Msg(message, message)
        super().__init__(self.msg("en"))

    def render(self, lang: Lang = "id") -> str:
        return self.msg(lang)


class InputError(PlannerError, ValueError):
    """Bad input: carries every problem found, each with file, row, column, value, expected."""

    def __init__(self, problems: Iterable[Problem], summary: Msg | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        files = sorted({p.file for p in self.problems})
        n = len(self.problems)
        self.summary = summary or Msg(
            f"{number(n, 'id', 0)} masalah pada data masukan ({', '.join(files)})",
            f"{number(n, 'en', 0)} problem(s) in the input ({', '.join(files)})",
        )
        super().__init__(self.summary)

    def __str__(self) -> str:
        lines = [self.summary("en")] + ["  - " + p.render("en") for p in self.problems]
        return "\n".join(lines)

    def render(self, lang: Lang = "id") -> str:
        return "\n".join([self.summary(lang)] + ["  - " + p.render(lang) for p in self.problems])


class InfeasibleError(PlannerError):
    """No feasible plan exists for tonight (not a bug; the input makes it impossible)."""

    exit_code = EXIT_INFEASIBLE


class OutputError(PlannerError):
    """An output could not be written: a read-only or missing folder, a full disk, no permission.

    Raise it *before* solving when the output folder is not writable, and when writing fails
    (``OSError`` with ``errno`` ENOSPC, EROFS, EACCES, ...). The message names the path and what
    to do; :func:`output_error` builds one from an ``OSError``. The command exits with
    :data:`EXIT_OUTPUT` (73), the input was fine.
    """

    exit_code = EXIT_OUTPUT

    def __init__(self, message: Msg | str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)


def output_error(path: object, exc: OSError, *, then: Msg | None = None) -> OutputError:
    """The :class:`OutputError` of writing ``path`` having failed with ``exc``.

    ``then`` says what was kept, e.g. "the previous night's outputs were left as they were".
    """
    import errno

    reason = {
        errno.ENOSPC: Msg("disk penuh", "the disk is full"),
        errno.EDQUOT: Msg("kuota disk habis", "the disk quota is exhausted"),
        errno.EROFS: Msg("disk hanya-baca", "the file system is read-only"),
        errno.EACCES: Msg("tidak ada izin menulis", "no permission to write there"),
        errno.EPERM: Msg("tidak ada izin menulis", "no permission to write there"),
        errno.ENOENT: Msg("folder tidak ada", "the folder does not exist"),
        errno.ENOTDIR: Msg("bukan folder", "it is not a folder"),
        errno.EISDIR: Msg(
            "itu sebuah folder, bukan nama berkas", "it is a folder, not a file name"
        ),
    }.get(exc.errno or 0, Msg(exc.strerror or str(exc), exc.strerror or str(exc)))
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    hint = (
        Msg("Kosongkan disk atau pilih folder lain.", "Free some space or choose another folder.")
        if full
        else Msg("Pilih lokasi lain.", "Choose another location.")
    )
    where = str(path)
    after_id = f" {then.id}" if then else ""
    after_en = f" {then.en}" if then else ""
    return OutputError(
        Msg(
            f"Tidak dapat menulis {where}: {reason.id}. {hint.id}" + after_id,
            f"Cannot write {where}: {reason.en}. {hint.en}" + after_en,
        ),
        path=where,
    )


@dataclass
class ProblemCollector:
    """Collects problems while validating, then raises them all at once.

    >>> bag = ProblemCollector("venues.csv")
    >>> bag.add(row=3, column="lat", value="abc", expected=msg("angka", "a number"))
    >>> bag.raise_if_any()
    Traceback (most recent call last):
    ...
    planner.errors.InputError: 1 problem(s) in the input (venues.csv)
      - venues.csv, row 3, column lat: found abc; a number
    """

    file: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)

    def add(
        self,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        expected: Msg,
        file: str | None = None,
    ) -> None:
        self.problems.append(Problem(file or self.file, row, column, value, expected))

    def warn(
        self,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        message: Msg,
        kind: str = "input",
        venue_id: str | None = None,
        distance_m: float | None = None,
        file: str | None = None,
    ) -> None:
        """Note something accepted but worth a look (it does not make the input bad)."""
        self.warnings.append(
            InputWarning(file or self.file, row, column, value, message, kind, venue_id, distance_m)
        )

    def extend(self, problems: Sequence[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
