"""The follow-up pages a Polres hands to each agency (``planner followups --html``).

One printable A4 page (landscape; more when the list is long) per agency: the open reports passed to
it, with the venue's and the desa's names, the due date, a blank column for the outcome and a
hand-over block to sign. The police's own follow-ups come last, on a page of their own. The page
is self-contained HTML (inline CSS; no script, nothing from the internet), in Bahasa Indonesia
by default; its markup is ``planner/templates/followups.html.j2``, which escapes every string
from the data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from planner._atomic import write_text
from planner.history import by_agency
from planner.render._html import render
from planner.render.sheets import NAME_CHARS, TEXT_CHARS, clip
from planner.text import Lang, long_date, number, short_date
from planner.text.history import FOLLOWUP_PAGE, POLICE_AGENCY


def _label(code: object) -> str:
    """A settings word as a person reads it (``balap_liar`` → ``balap liar``)."""
    return str(code or "").replace("_", " ")


def _row(r: Any, lang: Lang) -> dict[str, object]:
    """One report as the page shows it."""
    venue_name = getattr(r, "venue_name", "")
    desa = ", ".join(x for x in (getattr(r, "desa_name", ""), getattr(r, "kecamatan", "")) if x)
    return {
        "no": number(r.report_id, lang, 0),
        "night": short_date(r.night, lang, year=True),
        "venue": clip(venue_name, NAME_CHARS),
        "venue_id": clip(r.venue_id, NAME_CHARS),
        "desa": clip(desa, NAME_CHARS),
        "category": clip(_label(r.category), NAME_CHARS),
        "text": clip(r.text, TEXT_CHARS),
        "due": "" if r.due_date is None else short_date(r.due_date, lang, year=True),
        "late": bool(r.overdue),
        "days_open": number(r.days_open, lang, 0),
    }


def followup_pages(table: pd.DataFrame, *, lang: Lang = "id") -> list[dict[str, object]]:
    """What each agency's page shows: the agency, its counts and its rows (oldest first)."""
    police = POLICE_AGENCY(lang)
    pages = []
    for agency, part in by_agency(table, lang=lang).items():
        late = int(part["overdue"].sum())
        pages.append(
            {
                "agency": clip(agency, NAME_CHARS),
                "police": agency == police,
                "count": FOLLOWUP_PAGE["count"].format(
                    n=number(len(part), lang, 0), k=number(late, lang, 0)
                )(lang),
                "rows": [_row(r, lang) for r in part.itertuples(index=False)],
            }
        )
    return pages


def followups_html(table: pd.DataFrame, *, today: dt.date, lang: Lang = "id") -> str:
    """The follow-up table (named by :func:`planner.history.name_followups`) as one printable
    page per agency, in ``lang``; every string from the data escaped."""
    t = {k: v(lang) for k, v in FOLLOWUP_PAGE.items()}
    return render(
        "followups.html.j2",
        lang=lang,
        t=t,
        as_of=long_date(today, lang),
        pages=followup_pages(table, lang=lang),
    )


def write_followups_html(
    table: pd.DataFrame, path: Path | str, *, today: dt.date, lang: Lang = "id"
) -> Path:
    """Write :func:`followups_html` atomically."""
    return write_text(path, followups_html(table, today=today, lang=lang))


__all__ = ["followup_pages", "followups_html", "write_followups_html"]
