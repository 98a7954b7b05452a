"""Words and numbers a person reads: Bahasa Indonesia first, English when asked."""

from __future__ import annotations

import datetime as dt

from planner.text import (
    Msg,
    date_range,
    day_names,
    exact_number,
    help_msg,
    help_text,
    long_date,
    month_names,
    msg,
    number,
    pick,
    short_date,
    short_number,
)
from planner.text.plan import DROP_REASON_TEXT

TUESDAY = dt.date(2026, 12, 1)


def test_messages_speak_indonesian_by_default() -> None:
    m = msg("{n} kunjungan", "{n} visits").format(n=3)
    assert m == Msg("3 kunjungan", "3 visits")
    assert (m(), m("en")) == ("3 kunjungan", "3 visits")
    assert pick("id", "malam", "night") == "malam" and pick("en", "malam", "night") == "night"


def test_numbers_use_each_languages_separators() -> None:
    assert number(1234.56, "id") == "1.234,6"
    assert number(1234.56, "en") == "1,234.6"
    assert number(10033.7, "id", 0) == "10.034"
    assert number(0.5, "en", 2) == "0.50"
    assert (short_number(3.0, "id"), short_number(2.5, "id"), short_number(2.5, "en")) == (
        "3",
        "2,5",
        "2.5",
    )


def test_dates_in_both_languages() -> None:
    assert long_date(TUESDAY, "id") == "Selasa, 1 Desember 2026"
    assert long_date(TUESDAY, "en") == "Tuesday, 1 December 2026"
    assert short_date(TUESDAY, "id") == "1 Des" and short_date(TUESDAY, "en") == "1 Dec"
    assert month_names("id")[7] == "Agustus" and month_names("id", short=True)[7] == "Agu"
    assert day_names("id")[TUESDAY.weekday()] == "Selasa" and day_names("en")[6] == "Sunday"


def test_date_ranges_name_month_and_year_only_when_needed() -> None:
    assert date_range(TUESDAY, TUESDAY) == "1 Des"
    assert date_range(TUESDAY, dt.date(2026, 12, 10)) == "1–10 Des"
    assert date_range(dt.date(2026, 11, 28), dt.date(2026, 12, 3)) == "28 Nov–3 Des"
    assert date_range(dt.date(2026, 12, 28), dt.date(2027, 1, 3), "en") == "28 Dec 2026–3 Jan 2027"


def test_every_drop_reason_has_both_languages() -> None:
    assert set(DROP_REASON_TEXT) >= {"not_worth", "no_fit", "unreachable", "closed", "excluded"}
    for text in DROP_REASON_TEXT.values():
        assert text("id") and text("en") and text("id") != text("en")


def test_help_texts_are_given_in_indonesian_and_found_in_english() -> None:
    text = help_msg("Folder keluaran uji", "A test output folder")
    assert text == "Folder keluaran uji"  # what Typer is given
    assert help_text(text, "en") == "A test output folder"
    assert help_text(text, "id") == text
    assert help_text("tidak terdaftar", "en") == "tidak terdaftar"  # unknown: as given


def test_every_cli_help_has_its_english_and_no_gloss() -> None:
    """Each help text of text.cli is a help_msg: its English differs, and the Indonesian carries
    no English gloss in brackets any more (the old '(Plan tonight's routes ...)')."""
    from planner.text import cli as T

    helps = {k: v for k, v in vars(T).items() if k.startswith("HELP_")}
    assert len(helps) > 50
    for name, text in helps.items():
        assert help_text(text, "en") != text, name
        assert "default:" not in text and "(default" not in text, name
        assert help_text(text, "en") not in text, name  # no "id / en" gloss


def test_exact_numbers_keep_every_decimal_that_matters() -> None:
    assert exact_number(3.25) == "3,25" and exact_number(3.25, "en") == "3.25"
    assert exact_number(1234.0) == "1.234" and exact_number(0.1234567, "en") == "0.123457"
