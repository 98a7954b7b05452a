"""One voice on the command line (issue 16 §3): every ``--help`` and the common errors in Bahasa
Indonesia, and in English with ``--lang en`` (on the command or before it) or ``PLANNER_LANG=en``.

The commands are found by walking Typer's command tree, so a new command is covered without
a line here. Each output is searched for words of the other language, from the lists below:
Typer and Click's own words, and everyday words of the planner's help texts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from planner.cli import EXIT_BAD_INPUT, app
from planner.cli._click_text import lang_from_args, resolve_lang
from planner.text import Lang, help_text

ENGLISH = (
    "Usage", "Options", "Arguments", "Commands", "Show this message", "Invalid value",
    "No such option", "No such command", "Possible options", "Missing", "default", "Error",
    "Try", "for help", "Did you mean", "Got unexpected", "requires an argument", "Input should",
    "OPTIONS", "COMMAND", "ARGS", "TEXT", "INTEGER", "PATH", "bool", "str", "int", "float",
    "path", "required", "the", "and", "or", "of", "with", "without", "tonight", "File", "Row",
    "Expected", "Found",
)  # fmt: skip
"""Words that an Indonesian ``--help`` or error must not contain (whole words, case as written)."""

INDONESIAN = (
    "Penggunaan", "Opsi", "OPSI", "Argumen", "Perintah", "PERINTAH", "Tampilkan", "bantuan",
    "bawaan", "Kesalahan", "Coba", "wajib", "dikenal", "Nilai", "sah", "mungkin", "maksudnya",
    "teks", "lokasi", "bilangan", "angka", "tanpa", "malam", "ini", "dan", "atau", "yang",
    "untuk", "dari", "tidak", "tempat", "regu", "Tanggal", "Berkas", "Baris", "Kolom",
    "Ditemukan", "diharapkan", "harus", "bukan",
)  # fmt: skip
"""Words that an English ``--help`` or error must not contain."""

FORBIDDEN: dict[Lang, tuple[str, ...]] = {"id": ENGLISH, "en": INDONESIAN}


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += _commands(sub, (*path, name))
    return found


TREE = _commands(typer.main.get_command(app))
COMMANDS = [path for path, _ in TREE]


def _runner(**env: str | None) -> CliRunner:
    # PLANNER_LANG of the machine running the tests must not choose the language here
    return CliRunner(env={"COLUMNS": "200", "PLANNER_LANG": None, **env})


def _run(args: list[str], **env: str | None) -> Result:
    return _runner(**env).invoke(app, args, prog_name="planner")


def _text(output: str) -> str:
    """The output without Rich's box lines, runs of whitespace as one space."""
    return " ".join(re.sub(r"[│┃╭╮╰╯─━]", " ", output).split())


def _foreign(text: str, lang: Lang) -> list[str]:
    """The words of the other language found in ``text`` (a help text's option names and
    ``--lang``'s own 'id (Bahasa Indonesia) / en (English)' are allowed)."""
    text = re.sub(r"--[\w-]+", " ", text)  # --tanggal, --date, --bukan-polisi: option names
    text = text.replace("(Bahasa Indonesia)", " ").replace("(English)", " ")
    return [w for w in FORBIDDEN[lang] if re.search(rf"(?<![\w<-]){re.escape(w)}(?![\w>-])", text)]


def _variants(path: tuple[str, ...], lang: Lang) -> list[tuple[list[str], dict[str, str]]]:
    """The ways of asking for ``path``'s help in ``lang``."""
    if lang == "id":
        return [([*path, "--help"], {})]
    return [
        ([*path, "--help", "--lang", "en"], {}),
        (["--lang", "en", *path, "--help"], {}),
        ([*path, "--help"], {"PLANNER_LANG": "en"}),
    ]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "planner")
def test_every_help_speaks_one_language(path: tuple[str, ...], lang: Lang) -> None:
    command = dict(TREE)[path]
    for args, env in _variants(path, lang):
        res = _run(args, **env)
        assert res.exit_code == 0, res.output
        text = _text(res.output)
        assert _foreign(text, lang) == [], (args, env, text)
        # the command's own help, in this language
        assert _text(help_text(command.help or "", lang)) in text, (args, text)
        for param in command.params:
            if param.help:
                assert _text(help_text(param.help, lang)) in text, (args, param.name, text)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "planner")
def test_every_help_text_has_its_english(path: tuple[str, ...]) -> None:
    """Each help text given to Typer is a help_msg: Indonesian as given, English registered."""
    command = dict(TREE)[path]
    texts = {"(command)": command.help or ""} | {p.name: p.help for p in command.params if p.help}
    untranslated = {name: t for name, t in texts.items() if help_text(t, "en") == t}
    assert untranslated == {}


def test_help_is_in_the_asked_language_only() -> None:
    """The Indonesian help carries no English gloss, the English no Indonesian (the two differ)."""
    ind = _text(_run(["plan", "--help"]).output)
    eng = _text(_run(["plan", "--lang", "en", "--help"]).output)
    assert "Penggunaan: planner plan [OPSI]" in ind and "Usage: planner plan [OPTIONS]" in eng
    assert "Rencanakan rute patroli" in ind and "Rencanakan rute patroli" not in eng
    assert "Plan tonight's patrol routes" in eng and "Plan tonight's" not in ind


def test_defaults_are_printed_once_and_flags_have_no_type() -> None:
    ind = _text(_run(["plan", "--help"]).output)
    assert ind.count("data/demo") == 1, ind
    assert "[bawaan: data/demo]" in ind
    eng = _text(_run(["plan", "--help", "--lang", "en"]).output)
    assert eng.count("data/demo") == 1 and "[default: data/demo]" in eng
    for text in (ind, eng):
        assert "<bool>" not in text
        assert re.search(r"--reproducible\s+A", text) or re.search(r"--reproducible\s+[A-Z]", text)


# ---------------------------------------------------------------- the common errors


def _errors(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """Each common mistake: the arguments, and what the message must name."""
    return {
        "unknown option": (["plan", "--bogus"], "--bogus"),
        "unknown command": (["plnn"], "plnn"),
        "invalid number": (["plan", "--time-limit", "x"], "--time-limit"),
        "invalid whole number": (["plan", "--seed", "1.5"], "--seed"),
        "below the minimum": (["score", "--top", "0"], "--top"),
        "missing argument": (["check"], "plan_file"),
        "missing option": (["visits", "add", "--venue", "V1", "--tiba", "21:30"], "--regu"),
        "option without its value": (["plan", "--date"], "--date"),
        "extra argument": (["plan", "a", "b"], "(b)"),
        "bad date": (["plan", str(tmp), "--date", "1-12-2026", "--out", str(tmp)], "1-12-2026"),
        "bad file": (["check", str(tmp / "tidak-ada.json")], "tidak-ada.json"),
    }


ERRORS = list(_errors(Path("/x")))


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("mistake", ERRORS)
def test_common_errors_speak_one_language(mistake: str, lang: Lang, tmp_path: Path) -> None:
    args, named = _errors(tmp_path)[mistake]
    ways: list[tuple[list[str], dict[str, str]]] = [(args, {})]
    if lang == "en":
        ways = [([*args, "--lang", "en"], {}), (args, {"PLANNER_LANG": "en"})]
        if args[0] != "plnn":
            ways.append((["--lang", "en", *args], {}))
    for argv, env in ways:
        res = _run(argv, **env)
        assert res.exit_code == EXIT_BAD_INPUT, (argv, res.output)
        assert "Traceback" not in res.output
        text = _text(res.output)
        assert named in text, (argv, text)
        assert _foreign(text.replace(str(tmp_path), " "), lang) == [], (argv, env, text)


def test_the_indonesian_errors_read_as_written() -> None:
    """A few messages as a person reads them (the rest are checked for foreign words above)."""
    assert "Opsi tidak dikenal: --bogus (mungkin maksudnya: --out)" in _text(
        _run(["plan", "--bogus"]).output
    )
    assert "Nilai tidak sah untuk '--top': harus paling sedikit 1" in _text(
        _run(["score", "--top", "0"]).output
    )
    text = _text(_run(["check"]).output)
    assert "Argumen 'plan_file' wajib diisi." in text
    assert "Coba 'planner check --help' untuk bantuan." in text
    assert "Kesalahan" in text


def test_english_errors_are_clicks_own_words() -> None:
    text = _text(_run(["plan", "--bogus", "--lang", "en"]).output)
    assert "No such option: --bogus (Possible options: --out)" in text
    assert "Try 'planner plan --help' for help." in text


# ---------------------------------------------------------------- choosing the language


def test_an_unknown_planner_lang_is_refused_in_both_languages() -> None:
    for args in (["--help"], ["plan", "--help"], ["plan", "--date", "2026-12-01"]):
        res = _run(args, PLANNER_LANG="jv")
        assert res.exit_code == EXIT_BAD_INPUT, res.output
        text = _text(res.output)
        assert "PLANNER_LANG='jv'" in text and "tidak dikenal" in text and "not known" in text
        assert "Traceback" not in res.output


@pytest.mark.parametrize("args", [["--lang", "jv", "plan"], ["plan", "--lang", "jv"]])
def test_an_unknown_lang_option_is_refused(args: list[str], tmp_path: Path) -> None:
    res = _run([*args, str(tmp_path), "--out", str(tmp_path / "out")])
    assert res.exit_code == EXIT_BAD_INPUT, res.output
    assert "'jv'" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


def test_the_command_line_lang_wins_over_the_environment() -> None:
    text = _text(_run(["plan", "--help", "--lang", "id"], PLANNER_LANG="en").output)
    assert "Penggunaan" in text and "Usage" not in text


def test_lang_is_read_from_the_arguments_before_parsing() -> None:
    assert lang_from_args(["plan", "--lang", "en", "--help"]) == "en"
    assert lang_from_args(["--lang=en", "plan", "--lang", "id"]) == "id"  # the last one
    assert lang_from_args(["visits", "add", "--", "--lang", "en"]) is None
    assert lang_from_args(["plan", "--lang"]) is None
    assert resolve_lang([], {"PLANNER_LANG": "en"}) == "en"
    assert resolve_lang(["--lang", "id"], {"PLANNER_LANG": "en"}) == "id"
    assert resolve_lang(["--lang", "jv"], {}) == "id"  # refused later by the option itself
    assert resolve_lang([], {"PLANNER_LANG": " "}) == "id"


def test_a_top_level_lang_reaches_the_command(tmp_path: Path) -> None:
    """`planner --lang en plan` speaks English in what the command prints, not only in help."""
    res = _run(["--lang", "en", "plan", str(tmp_path), "--date", "1 Dec", "--out", str(tmp_path)])
    assert res.exit_code == EXIT_BAD_INPUT
    text = _text(res.output)
    assert "Expected" in text and "Yang diharapkan" not in text
