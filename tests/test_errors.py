"""Tests of planner.errors: bilingual messages and InputError carrying every problem."""

from __future__ import annotations

import errno
import os

import pytest

from planner.errors import InfeasibleError, InputError, PlannerError, Problem, ProblemCollector
from planner.text import Msg, msg


def two_problems() -> list[Problem]:
    return [
        Problem("venues.csv", 3, "lat", "abc", msg("sebuah angka", "a number")),
        Problem("squads.toml", None, "squad[1].vehicle", "sepeda", msg("motor/mobil", "motor/car")),
    ]


def test_msg_languages_and_format() -> None:
    m = msg("{n} tempat", "{n} venues")
    assert m.format(n=3) == Msg("3 tempat", "3 venues")
    assert m.format(n=3)("id") == "3 tempat" and m.format(n=3)("en") == "3 venues"
    assert m.format(n=3)() == "3 tempat"  # Indonesian by default


def test_input_error_carries_every_problem() -> None:
    problems = two_problems()
    exc = InputError(problems)
    assert exc.problems == tuple(problems)
    assert isinstance(exc, PlannerError) and isinstance(exc, ValueError)
    assert "2 problem(s)" in str(exc) and "squads.toml, venues.csv" in str(exc)


def test_input_error_renders_in_both_languages() -> None:
    exc = InputError(two_problems())
    id_text, en_text = exc.render("id"), exc.render("en")
    assert id_text.startswith("2 masalah pada data masukan (squads.toml, venues.csv)")
    assert "venues.csv, baris 3, kolom lat: ditemukan abc; sebuah angka" in id_text
    assert "venues.csv, row 3, column lat: found abc; a number" in en_text
    # a problem without a row names no row
    assert "squads.toml, column squad[1].vehicle: found sepeda; motor/car" in en_text
    assert "baris" not in id_text.splitlines()[2]
    assert str(exc).splitlines()[1:] == en_text.splitlines()[1:]


def test_input_error_needs_a_problem_and_accepts_a_summary() -> None:
    with pytest.raises(ValueError):
        InputError([])
    exc = InputError(two_problems()[:1], summary=msg("Berkas rusak", "Broken file"))
    assert exc.render("en").startswith("Broken file")
    assert exc.render("id").startswith("Berkas rusak")


def test_problem_value_text() -> None:
    p = Problem("a.csv", 2, "x", None, msg("-", "-"))
    assert p.value_text() == "—"
    long = Problem("a.csv", 2, "x", "y" * 100, msg("-", "-"))
    assert len(long.value_text()) == 60 and long.value_text().endswith("...")
    assert Problem("a.csv", 2, "x", 0, msg("-", "-")).value_text() == "0"


def test_problem_collector_raises_all_at_once() -> None:
    bag = ProblemCollector("venues.csv")
    assert not bag
    bag.raise_if_any()  # nothing yet: no error
    bag.add(row=2, column="lat", value="abc", expected=msg("angka", "a number"))
    bag.add(row=5, column="kind", value="bar", expected=msg("jenis", "a kind"))
    bag.add(file="desa.gpkg", column="kerawanan", expected=msg("kolom", "a column"))
    bag.extend(two_problems()[1:])
    assert bag
    with pytest.raises(InputError) as info:
        bag.raise_if_any()
    probs = info.value.problems
    assert [(p.file, p.row, p.column) for p in probs] == [
        ("venues.csv", 2, "lat"),
        ("venues.csv", 5, "kind"),
        ("desa.gpkg", None, "kerawanan"),
        ("squads.toml", None, "squad[1].vehicle"),
    ]


def test_other_errors_render() -> None:
    e = InfeasibleError(msg("Tidak ada rute", "No route"))
    assert e.render("id") == "Tidak ada rute" and str(e) == "No route"
    plain = PlannerError("same in both")
    assert plain.render("id") == plain.render("en") == "same in both"


# ---------------------------------------------------------------- issue 17


def test_exit_codes_travel_with_the_exceptions() -> None:
    from planner.errors import (
        EXIT_BAD_INPUT,
        EXIT_INFEASIBLE,
        EXIT_OUTPUT,
        InfeasibleError,
        OutputError,
        PlannerError,
    )

    problem = Problem("venues.csv", 2, "lat", "x", msg("angka", "a number"))
    assert InputError([problem]).exit_code == EXIT_BAD_INPUT == 2
    assert PlannerError("x").exit_code == EXIT_BAD_INPUT
    assert InfeasibleError("x").exit_code == EXIT_INFEASIBLE == 3
    assert OutputError("x", path="/p").exit_code == EXIT_OUTPUT == 73


@pytest.mark.parametrize(
    ("code", "words_id", "words_en", "hint_en"),
    [
        (errno.ENOSPC, "disk penuh", "disk is full", "Free some space"),
        (errno.EROFS, "hanya-baca", "read-only", "Choose another location."),
        (errno.EACCES, "izin", "permission", "Choose another location."),
        (errno.ENOENT, "tidak ada", "does not exist", "Choose another location."),
        (errno.EISDIR, "bukan nama berkas", "not a file name", "Choose another location."),
    ],
)
def test_output_error_says_why_in_both_languages(
    code: int, words_id: str, words_en: str, hint_en: str
) -> None:
    """The reason in both languages; freeing disk space is suggested only when the disk is
    full, another location otherwise."""
    from planner.errors import output_error

    err = output_error(
        "maps/2026-12-01", OSError(code, os.strerror(code)), then=msg("Lama utuh.", "Old kept.")
    )
    assert words_id in err.render("id") and "maps/2026-12-01" in err.render("id")
    assert words_en in err.render("en") and err.render("en").endswith("Old kept.")
    assert hint_en in err.render("en")
    assert ("Kosongkan disk" in err.render("id")) == (code == errno.ENOSPC)


def test_a_collector_keeps_warnings_apart_from_problems() -> None:
    bag = ProblemCollector("venues.csv")
    bag.warn(row=5, column="lat/lon", value="V1", message=msg("diterima", "accepted"),
             kind="outside_desa", venue_id="V1", distance_m=312.345)  # fmt: skip
    assert not bag and bag.problems == []
    bag.raise_if_any()  # warnings alone raise nothing
    (w,) = bag.warnings
    assert w.as_dict() == {
        "kind": "outside_desa", "file": "venues.csv", "row": 5, "column": "lat/lon",
        "value": "V1", "venue_id": "V1", "distance_m": 312.3, "id": "diterima", "en": "accepted",
    }  # fmt: skip
    assert w.render("en") == "venues.csv, row 5, column lat/lon: found V1; accepted"
