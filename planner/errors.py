"""The planner's exception tree.

Every error a user can cause derives from :class:`PlannerError`. Bad input raises
:class:`InputError`, which carries *every* problem found in the input at once, so a planner
fixes a spreadsheet in one pass instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.text import Lang, Msg, pick


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


class PlannerError(Exception):
    """Base class of every error the planner raises on purpose."""

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
            f"{n} masalah pada data masukan ({', '.join(files)})",
            f"{n} problem(s) in the input ({', '.join(files)})",
        )
        super().__init__(self.summary)

    def __str__(self) -> str:
        lines = [self.summary("en")] + ["  - " + p.render("en") for p in self.problems]
        return "\n".join(lines)

    def render(self, lang: Lang = "id") -> str:
        return "\n".join([self.summary(lang)] + ["  - " + p.render(lang) for p in self.problems])


class InfeasibleError(PlannerError):
    """No feasible plan exists for tonight (not a bug; the input makes it impossible)."""


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

    def extend(self, problems: Sequence[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
