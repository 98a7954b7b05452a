"""The one seam between the planner's words and the words Typer and Click print themselves.

Typer 0.29 carries its own copy of Click, whose messages are English f-strings ("No such
option", "Missing option", "Usage: "), and draws ``--help`` and errors with Rich in
``typer.rich_utils``, whose panel titles are English constants. None of that goes through a
translation catalogue, so this module puts the planner's words in their place, from
:mod:`planner.text.cli` (``CLICK_*``), in the language of the invocation:

* :class:`PlannerGroup` is the root command. Before Click parses anything it reads the
  language from the arguments (``--lang``, the last one wins, anywhere on the line) or from
  ``PLANNER_LANG``, because ``--help`` is printed while the arguments are parsed, before any
  command's ``--lang`` has a value.
* :func:`install` sets ``typer.rich_utils``' words and wraps its two printers: help (each
  command's help text, its options' help texts, their types and the usage line, translated
  where they are printed) and errors (each Click exception's message rebuilt from its fields).

Everything else about Typer is left as it is; an upgrade of Typer touches this file only.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from typer.core import TyperGroup

from planner.errors import EXIT_BAD_INPUT
from planner.text import LANGS, Lang, help_text
from planner.text import cli as T

ENV_VAR = "PLANNER_LANG"

_state: dict[str, Lang] = {"lang": "id"}

_CLICK_ENGLISH = {T.CLICK_HELP_OPTION.en: T.CLICK_HELP_OPTION}
"""Help texts Click writes itself (the ``--help`` option's), by their English."""


class LangRefused(ValueError):
    """``PLANNER_LANG`` holds neither ``id`` nor ``en``."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def current_lang() -> Lang:
    """The language of the running invocation (``id`` until one has started)."""
    return _state["lang"]


def lang_from_args(args: Sequence[str]) -> str | None:
    """The value of the last ``--lang`` (``--lang en`` or ``--lang=en``) before ``--``."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found


def resolve_lang(args: Sequence[str], environ: Mapping[str, str]) -> Lang:
    """The invocation's language: ``--lang``, else ``PLANNER_LANG``, else Bahasa Indonesia.

    An invalid ``--lang`` is left to the option itself to refuse (this answer only chooses
    the words of ``--help``); an invalid ``PLANNER_LANG`` raises :class:`LangRefused`.
    """
    env = environ.get(ENV_VAR, "").strip()
    if env and env not in LANGS:
        raise LangRefused(env)
    arg = lang_from_args(args)
    if arg in LANGS:
        return arg  # type: ignore[return-value]
    return env if env else "id"  # type: ignore[return-value]


class PlannerGroup(TyperGroup):
    """The ``planner`` command: chooses the language of the invocation before parsing."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = sys.argv[1:] if args is None else list(args)
        try:
            lang = resolve_lang(argv, os.environ)
        except LangRefused as exc:
            for lg in LANGS:  # the language is what is wrong: say it in both
                print(T.ENV_LANG_REFUSED.format(value=exc.value)(lg), file=sys.stderr)
            if standalone_mode:
                sys.exit(EXIT_BAD_INPUT)
            return EXIT_BAD_INPUT
        install(lang)
        return super().main(
            args=args,
            prog_name=prog_name,
            complete_var=complete_var,
            standalone_mode=standalone_mode,
            windows_expand_args=windows_expand_args,
            **extra,
        )


# ---------------------------------------------------------------- Typer's printers


def install(lang: Lang) -> None:
    """Make Typer's help and error printers speak ``lang`` for this invocation."""
    from typer import rich_utils as ru

    _state["lang"] = lang
    ru.ARGUMENTS_PANEL_TITLE = T.CLICK_ARGUMENTS(lang)
    ru.OPTIONS_PANEL_TITLE = T.CLICK_OPTIONS(lang)
    ru.COMMANDS_PANEL_TITLE = T.CLICK_COMMANDS(lang)
    ru.ERRORS_PANEL_TITLE = T.CLICK_ERROR(lang)
    ru.ABORTED_TEXT = T.CLICK_ABORTED(lang)
    ru.DEPRECATED_STRING = T.CLICK_DEPRECATED(lang)
    ru.DEFAULT_STRING = T.CLICK_DEFAULT(lang)
    ru.ENVVAR_STRING = T.CLICK_ENVVAR(lang)
    ru.REQUIRED_LONG_STRING = T.CLICK_REQUIRED(lang)
    ru.RICH_HELP = T.CLICK_TRY_HELP(lang)
    usage = rf"(?P<usage>{re.escape(T.CLICK_USAGE.id)})"
    if usage not in ru.OptionHighlighter.highlights:
        ru.OptionHighlighter.highlights = [*ru.OptionHighlighter.highlights, usage]
    if not getattr(ru.rich_format_help, "_planner", False):
        ru.rich_format_help = _wrap_help(ru.rich_format_help)
        ru.rich_format_error = _wrap_error(ru.rich_format_error)  # type: ignore[assignment]


def _wrap_help(original: Callable[..., None]) -> Callable[..., None]:
    def rich_format_help(*, obj: Any, ctx: Any, markup_mode: Any) -> None:
        lang = current_lang()
        translate_command(obj, ctx, lang)
        if isinstance(obj, TyperGroup):
            for name in obj.list_commands(ctx):
                sub = obj.get_command(ctx, name)
                if sub is not None:
                    _translate_help(sub, lang)
        original(obj=obj, ctx=ctx, markup_mode=markup_mode)

    rich_format_help._planner = True  # type: ignore[attr-defined]
    return rich_format_help


def _wrap_error(original: Callable[[Any], None]) -> Callable[[Any], None]:
    def rich_format_error(exc: Any) -> None:
        lang = current_lang()
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            translate_command(ctx.command, ctx, lang)
        text = error_text(exc, lang)
        exc.format_message = lambda: text
        original(exc)

    return rich_format_error


def _translate_help(command: Any, lang: Lang) -> None:
    for attr in ("help", "short_help"):
        value = getattr(command, attr, None)
        if isinstance(value, str):
            setattr(command, attr, help_text(value, lang))


def translate_command(command: Any, ctx: Any, lang: Lang) -> None:
    """Put ``lang``'s words into one command's help, parameters and usage line (in place).

    The command objects are built afresh by Typer for each invocation, so changing them in
    place changes nothing another invocation sees; doing it twice changes nothing more.
    """
    _translate_help(command, lang)
    if getattr(command, "options_metavar", None):
        command.options_metavar = T.CLICK_OPTIONS_METAVAR(lang)
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = T.CLICK_COMMAND_METAVAR(lang)
    if not getattr(command.get_usage, "_planner", False):
        command.get_usage = _usage(command.get_usage, lang)
    for param in command.get_params(ctx):
        value = getattr(param, "help", None)
        if isinstance(value, str):
            known = _CLICK_ENGLISH.get(value)
            param.help = known(lang) if known is not None else help_text(value, lang)
        if not getattr(param.display_type_rich, "_planner", False):
            param.display_type_rich = _type_label(param, param.display_type_rich, lang)


def _usage(original: Callable[[Any], str], lang: Lang) -> Callable[[Any], str]:
    def get_usage(ctx: Any) -> str:
        text = original(ctx)
        english = T.CLICK_USAGE.en
        return T.CLICK_USAGE(lang) + text[len(english) :] if text.startswith(english) else text

    get_usage._planner = True  # type: ignore[attr-defined]
    return get_usage


def _type_label(param: Any, original: Callable[[Any], str | None], lang: Lang) -> Any:
    def display_type_rich(ctx: Any) -> str | None:
        if getattr(param, "is_flag", False):
            return None  # a flag takes no value: "<bool>" beside it only puzzles
        label = original(ctx)
        known = T.CLICK_TYPES.get(label or "")
        return known(lang) if known is not None else label

    display_type_rich._planner = True  # type: ignore[attr-defined]
    return display_type_rich


# ---------------------------------------------------------------- Click's error messages

_NO_SUCH_COMMAND = re.compile(
    r"No such command (?P<name>'.*?')\.(?: Did you mean (?P<near>.*)\?)?$"
)
_EXTRA = re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)$")
_NEEDS_VALUE = re.compile(r"Option (?P<name>'.*') requires an argument\.$")
_NEEDS_VALUES = re.compile(r"Option (?P<name>'.*') requires (?P<n>\d+) arguments\.$")
_NO_VALUE = re.compile(r"Option (?P<name>'.*') does not take a value\.$")
_ARG_VALUES = re.compile(r"Argument (?P<name>'.*') takes (?P<n>\d+) values\.$")


def error_text(exc: Any, lang: Lang) -> str:
    """The message of a Click exception in ``lang`` (Click's own message if none matches)."""
    from typer._click import exceptions as ce

    english = exc.format_message()
    if lang == "en":
        return str(english)
    if isinstance(exc, ce.NoSuchOption):
        text = T.CLICK_NO_SUCH_OPTION.format(name=exc.option_name)(lang)
        if exc.possibilities:
            near = ", ".join(sorted(exc.possibilities))
            text += " " + T.CLICK_POSSIBLE_OPTIONS.format(options=near)(lang)
        return text
    if isinstance(exc, ce.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else None)
        hint = _param_hint(exc)
        return T.CLICK_MISSING.get(kind or "parameter", T.CLICK_MISSING["parameter"]).format(
            hint=hint
        )(lang)
    if isinstance(exc, ce.BadParameter):
        why = _invalid_why(exc, lang)
        return T.CLICK_INVALID_VALUE.format(hint=_param_hint(exc), why=why)(lang)
    return _usage_error_text(str(getattr(exc, "message", english)), lang) or str(english)


def _param_hint(exc: Any) -> str:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint()
    if isinstance(hint, (list, tuple)):
        return " / ".join(f"'{h}'" for h in hint)
    return str(hint or "")


def _invalid_why(exc: Any, lang: Lang) -> str:
    """Why Typer refused a value: from the conversion error behind it, in ``lang``."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
        except (IndexError, TypeError, ValueError):
            first = None
        if first is not None:
            ctx = {k: str(v) for k, v in (first.get("ctx") or {}).items()}
            known = T.CLICK_INVALID.get(str(first.get("type")))
            value = first.get("input")
            try:
                if known is not None:
                    return known.format(value=value, **ctx)(lang)
            except (KeyError, IndexError):
                pass
            return T.CLICK_INVALID_OTHER.format(value=value)(lang)
    return str(exc.message)


def _usage_error_text(message: str, lang: Lang) -> str | None:
    """A UsageError's message (Click builds these from fixed sentences) in ``lang``."""
    if message == T.CLICK_MISSING_COMMAND.en:
        return T.CLICK_MISSING_COMMAND(lang)
    if m := _NO_SUCH_COMMAND.match(message):
        text = T.CLICK_NO_SUCH_COMMAND.format(name=m["name"].strip("'"))(lang)
        if m["near"]:
            text += " " + T.CLICK_DID_YOU_MEAN.format(names=m["near"])(lang)
        return text
    if m := _EXTRA.match(message):
        return T.CLICK_EXTRA_ARGUMENTS.format(args=m["args"])(lang)
    if m := _NEEDS_VALUE.match(message):
        return T.CLICK_NEEDS_VALUE.format(name=m["name"])(lang)
    if m := _NEEDS_VALUES.match(message):
        return T.CLICK_NEEDS_VALUES.format(name=m["name"], n=m["n"])(lang)
    if m := _NO_VALUE.match(message):
        return T.CLICK_TAKES_NO_VALUE.format(name=m["name"])(lang)
    if m := _ARG_VALUES.match(message):
        return T.CLICK_ARGUMENT_VALUES.format(name=m["name"], n=m["n"])(lang)
    return None


__all__ = [
    "ENV_VAR",
    "LangRefused",
    "PlannerGroup",
    "current_lang",
    "error_text",
    "install",
    "lang_from_args",
    "resolve_lang",
    "translate_command",
]
