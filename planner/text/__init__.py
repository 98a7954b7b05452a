"""Everything a person reads, in Bahasa Indonesia first and English with ``--lang en``.

A sentence is a :class:`Msg` (both languages side by side, so a translation cannot drift from
its original); numbers and dates are formatted here, through Babel's Indonesian and English
locales, and nowhere else. The wording of each surface lives in a module of its own
(``text.plan`` for plan and drop-reason words, ``text.cli`` for the command line, and so on);
messages about bad input stay next to the check that finds the problem, as ``msg(id, en)``
pairs, so that the check and its explanation are read together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from babel.dates import format_date as _babel_date
from babel.dates import get_day_names, get_month_names
from babel.numbers import format_decimal

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")


@dataclass(frozen=True)
class Msg:
    """A short human message in Bahasa Indonesia and English."""

    id: str
    en: str

    def __call__(self, lang: Lang = "id") -> str:
        return self.en if lang == "en" else self.id

    def format(self, **kwargs: Any) -> Msg:
        """Fill ``{placeholders}`` in both languages."""
        return Msg(self.id.format(**kwargs), self.en.format(**kwargs))


def msg(id: str, en: str) -> Msg:  # "id" is the language code here, not the builtin
    """Build a bilingual message: ``msg("angka", "a number")``."""
    return Msg(id, en)


_HELP: dict[str, Msg] = {}
"""Every help text of the command line, by its Bahasa Indonesia wording (see :func:`help_msg`)."""


def help_msg(id: str, en: str) -> str:
    """A ``--help`` text: returns the Bahasa Indonesia wording, remembers its English.

    Typer takes a help text as a plain string when a command is defined, long before
    ``--lang`` is read, so the command line is built with the Indonesian and
    :func:`help_text` finds the English when help is printed.
    """
    _HELP[id] = Msg(id, en)
    return id


def help_text(text: str, lang: Lang = "id") -> str:
    """The help text ``text`` (registered with :func:`help_msg`) in ``lang``; else as given."""
    found = _HELP.get(text)
    return found(lang) if found is not None else text


def pick(lang: Lang, id: str, en: str) -> str:
    """The one of two words that ``lang`` reads (for a word used once, where a Msg is noise)."""
    return en if lang == "en" else id


# ---------------------------------------------------------------- numbers


@cache
def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def number(value: float, lang: Lang = "id", digits: int = 1) -> str:
    """``1.234,5`` in Bahasa Indonesia, ``1,234.5`` in English, with ``digits`` decimals."""
    return format_decimal(value, format=_pattern(digits), locale=lang)


def exact_number(value: float, lang: Lang = "id") -> str:
    """Up to six decimals, trailing zeros dropped (``3,25`` / ``3.25``): for values compared
    exactly, such as the checker's, where rounding would hide the difference it reports."""
    return format_decimal(value, format="#,##0.######", locale=lang)


def short_number(value: float, lang: Lang = "id") -> str:
    """A whole number as is (``3``), anything else with one decimal (``2,5`` / ``2.5``)."""
    x = float(value)
    return number(x, lang, 0 if x.is_integer() else 1)


# ---------------------------------------------------------------- dates


def month_names(lang: Lang = "id", *, short: bool = False) -> tuple[str, ...]:
    """January … December (``short``: Jan … Des/Dec) in ``lang``."""
    names = get_month_names("abbreviated" if short else "wide", locale=lang)
    return tuple(names[m] for m in range(1, 13))


def day_names(lang: Lang = "id") -> tuple[str, ...]:
    """Monday … Sunday in ``lang`` (index = ``date.weekday()``)."""
    names = get_day_names("wide", locale=lang)
    return tuple(names[d] for d in range(7))


def long_date(date: dt.date, lang: Lang = "id") -> str:
    """``Selasa, 1 Desember 2026`` / ``Tuesday, 1 December 2026``."""
    return _babel_date(date, "EEEE, d MMMM y", locale=lang)


def short_date(date: dt.date, lang: Lang = "id", *, year: bool = False) -> str:
    """``1 Des`` (``year``: ``1 Des 2026``) / ``1 Dec``."""
    return _babel_date(date, "d MMM y" if year else "d MMM", locale=lang)


def date_range(start: dt.date, end: dt.date, lang: Lang = "id") -> str:
    """``1–10 Des``, ``28 Nov–3 Des``, ``28 Des 2026–3 Jan 2027``."""
    if start == end:
        return short_date(start, lang)
    if start.year != end.year:
        return f"{short_date(start, lang, year=True)}–{short_date(end, lang, year=True)}"
    if start.month == end.month:
        return f"{start.day}–{short_date(end, lang)}"
    return f"{short_date(start, lang)}–{short_date(end, lang)}"


__all__ = [
    "LANGS",
    "Lang",
    "Msg",
    "date_range",
    "day_names",
    "exact_number",
    "help_msg",
    "help_text",
    "long_date",
    "month_names",
    "msg",
    "number",
    "pick",
    "short_date",
    "short_number",
]
