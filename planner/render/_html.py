"""HTML helpers of every page the planner writes: escaping and the Jinja templates.

One escaping rule for text from input files (venue, desa and station names, kinds, reasons,
notes): :func:`esc` (HTML-escaped, on one line, and safe inside a JavaScript template literal,
where folium puts popup and tooltip HTML). Templates live in ``planner/templates`` and are
autoescaped; :func:`render` with ``js_safe=True`` (the maps) runs every plain-text value
through :func:`esc`, the printed pages (route sheet, activity report) through Jinja's own
HTML escaping.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

import jinja2
import markupsafe

_JS_LITERAL_CHARS = {"`": "&#96;", "$": "&#36;", "\\": "&#92;"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def js_safe(markup: str) -> str:
    """Make already-escaped HTML safe inside a JavaScript template literal.

    Folium wraps popup and tooltip HTML in backticks; ``${...}`` would run and a stray backslash
    would break the script. As HTML entities these characters still display the same.
    """
    return re.sub(r"[`$\\]", lambda m: _JS_LITERAL_CHARS[m.group(0)], markup)


def one_line(text: str) -> str:
    """Labels are one line: control characters and runs of white space become one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def esc(text: object) -> str:
    """Escape a value for HTML text inside a JavaScript template literal."""
    return js_safe(html.escape(one_line("" if text is None else str(text))))


def _finalize_js(value: Any) -> Any:
    # Every {{ value }} that is plain text is escaped for HTML *and* JS template literals, so a
    # template fragment stays safe wherever folium places it.
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(esc(value))
    return value


@cache
def _environment(js: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("planner", "templates"),
        autoescape=True,  # every string from input files is escaped
        finalize=_finalize_js if js else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, *, js_safe: bool = False, **context: Any) -> str:
    """Render ``planner/templates/<template>`` with ``context``.

    Parameters
    ----------
    template
        The template's file name.
    js_safe
        Escape plain-text values with :func:`esc` (for fragments folium places inside
        JavaScript); otherwise Jinja's HTML autoescaping applies.
    """
    return _environment(js_safe).get_template(template).render(**context)


__all__ = ["esc", "js_safe", "one_line", "render"]
