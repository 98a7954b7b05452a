"""The printable activity report for the Kapolres (``planner report``).

What the squads did over a period, from the visit log: visits per kecamatan and desa, the venues
not visited, how many people were met, what people reported (by category, with a bar chart),
referrals by agency and how many are closed, and the follow-ups that are overdue.

The page is self-contained HTML (inline CSS and SVG: no internet, no CDN), sized for A4 paper
(CSS ``@page``), in Bahasa Indonesia by default; its markup is the template
``planner/templates/laporan_kegiatan.html.j2`` (the chart: ``bar_chart.svg.j2``), which
escapes every string from the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner import domain
from planner._atomic import write_text
from planner.config import Settings
from planner.errors import InputError, Problem
from planner.history import HistoryStore, followups, reports_between, visits_between
from planner.render._html import render
from planner.render.sheets import NAME_CHARS, TEXT_CHARS, clip
from planner.risk.places import desa_texts, texts_or_none
from planner.text import Lang, long_date, msg, number, short_date
from planner.text.activity import MORE_VENUES, REPORT_TEXT, UNKNOWN
from planner.text.risk import level_name


@dataclass(frozen=True)
class ActivitySummary:
    """The numbers behind the report (also handy in a notebook).

    Attributes
    ----------
    start, end
        The nights covered (both included).
    today
        The day follow-ups are judged overdue against.
    visits, people_met, nights, squads, planned, extra
        Totals over the period.
    by_kecamatan
        ``kecamatan, venues, visited_venues, visits, people_met``.
    by_desa
        ``kecamatan, desa, venues, visited_venues, visits, people_met``.
    not_visited
        Venues without a visit in the period: ``venue_id, name, desa, kecamatan, kerawanan``
        (the venue's own level, else its desa's; ``None`` if neither), ``weight`` (the level's
        weight in ``kerawanan.levels``, 0 without a level) and ``last_visit`` (the last visit
        ever, or ``None`` if never); the most vulnerable first, then the longest unvisited
        (never visited before any date), then by kecamatan, desa and id.
    reports_by_category
        ``category, reports, police_matter``, most reported first.
    referrals_by_agency
        ``agency, referred, closed, open, overdue``.
    overdue
        Open follow-ups past their due date (any night, as of ``today``).
    """

    start: dt.date
    end: dt.date
    today: dt.date
    visits: int
    people_met: int
    nights: int
    squads: int
    planned: int
    extra: int
    reports: int
    by_kecamatan: pd.DataFrame
    by_desa: pd.DataFrame
    not_visited: pd.DataFrame
    reports_by_category: pd.DataFrame
    referrals_by_agency: pd.DataFrame
    overdue: pd.DataFrame


def _levels(venues: pd.DataFrame, desa: pd.DataFrame | None) -> list[str | None]:
    """Each venue's kerawanan level: its own, else its desa's (by ``desa_code``), else None;
    read as the scores read it (``risk.places``)."""
    own = texts_or_none(venues, "kerawanan")
    by_code = desa_texts(desa, "kerawanan") if desa is not None and "desa_code" in desa else {}
    codes = texts_or_none(venues, "desa_code")
    return [
        o if o is not None else (by_code.get(c) if c is not None else None)
        for o, c in zip(own, codes, strict=True)
    ]


def _venue_table(
    venues: pd.DataFrame,
    desa: pd.DataFrame | None = None,
    levels: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    missing = [c for c in ("venue_id", "name", "desa", "kecamatan") if c not in venues.columns]
    if missing:
        raise InputError(
            [
                Problem(
                    "venues",
                    None,
                    c,
                    None,
                    msg(f"kolom {c} pada daftar tempat", f"the column {c} in the venue list"),
                )
                for c in missing
            ]
        )
    table = pd.DataFrame(
        {
            "venue_id": venues["venue_id"].astype(str).to_numpy(),
            "name": venues["name"].astype(str).to_numpy(),
            "desa": venues["desa"].fillna("").astype(str).to_numpy(),
            "kecamatan": venues["kecamatan"].fillna("").astype(str).to_numpy(),
        }
    )
    if "active" in venues.columns:
        table["active"] = venues["active"].fillna(True).astype(bool).to_numpy()
    else:
        table["active"] = True
    weights = levels if levels is not None else Settings().kerawanan.levels
    level = _levels(venues, desa)
    table["kerawanan"] = pd.Series(level, dtype=object)
    table["weight"] = [float(weights.get(lv, 0.0)) if lv else 0.0 for lv in level]
    return table


def summarize(
    store: HistoryStore,
    venues: pd.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    lang: Lang = "id",
    desa: pd.DataFrame | None = None,
    levels: Mapping[str, float] | None = None,
) -> ActivitySummary:
    """Count what happened on the nights ``start`` to ``end`` (both included).

    ``venues`` is the dataset's venue table (``venue_id``, ``name``, ``desa``, ``kecamatan``,
    optional ``active``, ``desa_code`` and ``kerawanan``); visits to venues no longer in it
    count under "(tidak dikenal)". The venues not visited are ranked by their kerawanan: the
    venue's own level, else that of its desa in ``desa`` (``desa_code``, ``kerawanan``),
    weighed by ``levels`` (the dataset's ``kerawanan.levels``; the default settings' without).

    Raises
    ------
    InputError
        If ``start`` is after ``end`` or the venue table lacks a column.
    """
    if start > end:
        raise InputError(
            [
                Problem(
                    "report",
                    None,
                    "--from",
                    f"{start} > {end}",
                    msg("tanggal awal sebelum tanggal akhir", "a start on or before the end"),
                )
            ]
        )
    today = today or domain.now_wib().date()
    unknown = UNKNOWN(lang)
    vt = _venue_table(venues, desa, levels)
    v = _visits(visits_between(store, start=start, end=end), vt, unknown=unknown)
    vt_active = vt[vt["active"]].copy()
    vt_active["desa"] = vt_active["desa"].replace("", unknown)
    vt_active["kecamatan"] = vt_active["kecamatan"].replace("", unknown)
    vt_active["visited"] = vt_active["venue_id"].isin(set(v["venue_id"]))
    reps = reports_between(store, start=start, end=end)
    return ActivitySummary(
        start=start,
        end=end,
        today=today,
        visits=len(v),
        people_met=int(v["people"].sum()),
        nights=int(v["night"].nunique()),
        squads=int(v["squad_id"].nunique()),
        planned=int(v["planned"].sum()),
        extra=int((~v["planned"]).sum()) if len(v) else 0,
        reports=len(reps),
        by_kecamatan=_per_area(vt_active, v, ["kecamatan"]),
        by_desa=_per_area(vt_active, v, ["kecamatan", "desa"]),
        not_visited=_not_visited(store, vt_active, end=end),
        reports_by_category=_reports_by_category(reps),
        referrals_by_agency=_referrals_by_agency(reps, today=today),
        overdue=_overdue(store, today=today),
    )


def _overdue(store: HistoryStore, *, today: dt.date) -> pd.DataFrame:
    """Open follow-ups past their due date."""
    return followups(store, today=today, overdue=True).reset_index(drop=True)


def _visits(visits: pd.DataFrame, vt: pd.DataFrame, *, unknown: str) -> pd.DataFrame:
    """The period's visits with their venue's desa and kecamatan (``unknown`` when gone)."""
    v = visits.merge(vt[["venue_id", "desa", "kecamatan"]], on="venue_id", how="left")
    v["desa"] = v["desa"].fillna(unknown).replace("", unknown)
    v["kecamatan"] = v["kecamatan"].fillna(unknown).replace("", unknown)
    v["people"] = v["people_met"].fillna(0).astype(int)
    return v


def _per_area(vt_active: pd.DataFrame, v: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per area (``keys``): active venues, how many visited, visits and people met."""
    base = vt_active.groupby(keys, as_index=False).agg(
        venues=("venue_id", "size"), visited_venues=("visited", "sum")
    )
    act = v.groupby(keys, as_index=False).agg(
        visits=("visit_id", "size"), people_met=("people", "sum")
    )
    out = base.merge(act, on=keys, how="outer")
    for col in ("venues", "visited_venues", "visits", "people_met"):
        out[col] = out[col].fillna(0).astype(int)
    return out.sort_values(keys).reset_index(drop=True)


def _not_visited(store: HistoryStore, vt_active: pd.DataFrame, *, end: dt.date) -> pd.DataFrame:
    """Active venues without a visit in the period, with their last visit: the most vulnerable
    first (kerawanan weight), then the longest unvisited (never before the oldest date)."""
    ever = store.conn.execute(
        "SELECT venue_id, max(night) FROM visits WHERE night <= ? GROUP BY venue_id",
        (end.isoformat(),),
    ).fetchall()
    last = {venue: dt.date.fromisoformat(night) for venue, night in ever}
    cols = ["venue_id", "name", "desa", "kecamatan", "kerawanan", "weight"]
    nv = vt_active[~vt_active["visited"]][cols].copy()
    nv["last_visit"] = pd.Series(
        [last.get(x) for x in nv["venue_id"]], index=nv.index, dtype=object
    )
    # never visited sorts before every date: the ordinal of the oldest date there is
    nv["_since"] = [0 if d is None else d.toordinal() for d in nv["last_visit"]]
    nv = nv.sort_values(
        ["weight", "_since", "kecamatan", "desa", "venue_id"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    return nv.drop(columns="_since").reset_index(drop=True)


def _reports_by_category(reps: pd.DataFrame) -> pd.DataFrame:
    """Community reports per category, most reported first."""
    by_cat = (
        reps.groupby("category", as_index=False)
        .agg(reports=("report_id", "size"), police_matter=("police_matter", "sum"))
        .sort_values(["reports", "category"], ascending=[False, True])
        .reset_index(drop=True)
    )
    by_cat["police_matter"] = by_cat["police_matter"].astype(int)
    return by_cat


def _referrals_by_agency(reps: pd.DataFrame, *, today: dt.date) -> pd.DataFrame:
    """Referrals per agency: referred, closed, open and overdue (as of ``today``)."""
    referred = reps[reps["agency"].notna()].copy()
    referred["closed"] = referred["status"] == "selesai"
    referred["late"] = [
        (not c) and d is not None and d < today
        for c, d in zip(referred["closed"], referred["due_date"], strict=True)
    ]
    by_agency = (
        referred.groupby("agency", as_index=False)
        .agg(referred=("report_id", "size"), closed=("closed", "sum"), overdue=("late", "sum"))
        .sort_values(["referred", "agency"], ascending=[False, True])
        .reset_index(drop=True)
    )
    by_agency["closed"] = by_agency["closed"].astype(int)
    by_agency["overdue"] = by_agency["overdue"].astype(int)
    by_agency.insert(3, "open", by_agency["referred"] - by_agency["closed"])
    return by_agency


# ----------------------------------------------------------------------------- HTML


@dataclass(frozen=True)
class _Table:
    """A table of the report: column heads (``numeric`` ones right-aligned) and rows.

    A cell is a value shown as text, or ``{"text": ..., "span": "css classes"}``.
    """

    heads: tuple[tuple[str, bool], ...]
    rows: list[list[object]]

    def __post_init__(self) -> None:
        # Names come from people: a 100,000-character one must not make the page 80,000 px
        # wide or 400 pages long (the CSS wraps, this cuts). Free text is a mapping cell, cut
        # where it is made (at TEXT_CHARS).
        for row in self.rows:
            for i, cell in enumerate(row):
                if isinstance(cell, str):
                    row[i] = clip(cell, NAME_CHARS)


def _day(d: dt.date | None, lang: Lang) -> str:
    """``1 Mei 2024`` (Babel); "belum pernah" for no date."""
    return REPORT_TEXT["never"](lang) if d is None else short_date(d, lang, year=True)


def _counts(row: Sequence[object], lang: Lang) -> list[object]:
    """A row of a count table with its whole numbers as the language writes them (1.234)."""
    return [
        number(int(x), lang, 0)
        if isinstance(x, int | np.integer) and not isinstance(x, bool)
        else x
        for x in row
    ]


def _bar_chart(labels: Sequence[str], values: Sequence[int], *, title: str) -> dict[str, object]:
    """The geometry of a horizontal bar chart: one bar per value, scaled to the largest."""
    bar_h, gap, label_w, width = 16, 6, 150, 640
    plot_w = width - label_w - 60
    top = max(values) or 1
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = gap + i * (bar_h + gap)
        w = max(1.0, plot_w * value / top) if value else 0
        bars.append(
            {
                "label": label,
                "value": value,
                "label_x": label_w - 6,
                "text_y": y + bar_h - 4,
                "x": label_w,
                "y": y,
                "width": f"{w:.1f}",
                "height": bar_h,
                "value_x": f"{label_w + w + 4:.1f}",
            }
        )
    return {
        "title": title,
        "width": width,
        "height": len(values) * (bar_h + gap) + gap,
        "bars": bars,
    }


def bar_chart_svg(labels: list[str], values: list[int], *, title: str = "") -> str:
    """A horizontal bar chart as inline SVG (no scripts, prints as is)."""
    if not values:
        return ""
    return render("bar_chart.svg.j2", chart=_bar_chart(labels, values, title=title))


def _tables(s: ActivitySummary, lang: Lang, *, max_listed: int) -> dict[str, _Table]:
    """The report's tables, by section."""

    def t(key: str) -> str:
        return REPORT_TEXT[key](lang)

    counts = tuple((t(k), True) for k in ("venues", "visited_venues", "visits", "people_short"))
    overdue_rows: list[list[object]] = [
        [
            r.report_id,
            {"text": _day(r.night, lang), "span": "nw"},
            r.venue_id,
            r.category,
            {"text": clip(r.text, TEXT_CHARS), "span": "txt"},
            r.agency or (t("police") if r.police_matter else ""),
            {"text": _day(r.due_date, lang), "span": "late nw"},
            number(r.days_open, lang, 0),
        ]
        for r in s.overdue.itertuples(index=False)
    ]
    return {
        "kecamatan": _Table(
            ((t("kecamatan"), False), *counts),
            [_counts(r, lang) for r in s.by_kecamatan.itertuples(index=False)],
        ),
        "desa": _Table(
            ((t("kecamatan"), False), (t("desa"), False), *counts),
            [_counts(r, lang) for r in s.by_desa[s.by_desa["visits"] > 0].itertuples(index=False)],
        ),
        "not_visited": _Table(
            (
                ("ID", False),
                (t("venue"), False),
                (t("desa"), False),
                (t("kecamatan"), False),
                (t("kerawanan"), False),
                (t("last_visit"), False),
            ),
            [
                [
                    r.venue_id,
                    r.name,
                    r.desa,
                    r.kecamatan,
                    level_name(r.kerawanan, lang) if r.kerawanan else "",
                    _day(r.last_visit, lang),
                ]
                for r in s.not_visited.head(max_listed).itertuples(index=False)
            ],
        ),
        "category": _Table(
            ((t("category"), False), (t("count"), True), (t("police"), True)),
            [_counts(r, lang) for r in s.reports_by_category.itertuples(index=False)],
        ),
        "agency": _Table(
            (
                (t("agency"), False),
                (t("referred"), True),
                (t("closed"), True),
                (t("open"), True),
                (t("overdue_n"), True),
            ),
            [_counts(r, lang) for r in s.referrals_by_agency.itertuples(index=False)],
        ),
        "overdue": _Table(
            (
                (t("no"), True),
                (t("night"), False),
                (t("venue"), False),
                (t("category"), False),
                (t("text"), False),
                (t("agency"), False),
                (t("due"), False),
                (t("days_open"), True),
            ),
            overdue_rows,
        ),
    }


def render_html(summary: ActivitySummary, *, lang: Lang = "id", max_listed: int = 60) -> str:
    """The report as one self-contained, printable HTML page.

    At most ``max_listed`` venues not visited are listed, the most vulnerable and longest
    unvisited first (:attr:`ActivitySummary.not_visited`); the rest are counted, as the
    per-kecamatan table already shows where they are. Numbers and dates are written as
    ``lang`` writes them (Babel).
    """
    s = summary
    t = {k: v(lang) for k, v in REPORT_TEXT.items()}
    hidden = len(s.not_visited) - max_listed
    cat = s.reports_by_category

    def n(x: int) -> str:
        return number(x, lang, 0)

    now = domain.now_wib()
    return render(
        "laporan_kegiatan.html.j2",
        lang=lang,
        t=t,
        period=f"{_day(s.start, lang)} – {_day(s.end, lang)}",
        made=f"{long_date(now.date(), lang)} {now:%H:%M} WIB",
        cards=[
            (t["visits"], n(s.visits), f"{n(s.planned)} {t['planned']}, {n(s.extra)} {t['extra']}"),
            (t["people"], n(s.people_met), ""),
            (t["nights"], n(s.nights), ""),
            (t["squads"], n(s.squads), ""),
            (t["reports"], n(s.reports), ""),
            (t["overdue"], n(len(s.overdue)), ""),
        ],
        tables=_tables(s, lang, max_listed=max_listed),
        more=MORE_VENUES.format(n=n(hidden))(lang) if hidden > 0 else "",
        chart=(
            _bar_chart(
                [clip(c, 24) for c in cat["category"]],
                [int(x) for x in cat["reports"]],
                title=t["by_cat"],
            )
            if len(cat)
            else None
        ),
        overdue_note=REPORT_TEXT["overdue_note"].format(today=_day(s.today, lang))(lang),
    )


def write_activity_report(
    store: HistoryStore,
    venues: pd.DataFrame,
    path: Path | str,
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    lang: Lang = "id",
    max_listed: int = 60,
    desa: pd.DataFrame | None = None,
    levels: Mapping[str, float] | None = None,
) -> tuple[Path, ActivitySummary]:
    """Summarize the nights ``start``..``end`` (see :func:`summarize`) and write the HTML report
    atomically."""
    summary = summarize(
        store, venues, start=start, end=end, today=today, lang=lang, desa=desa, levels=levels
    )
    html_text = render_html(summary, lang=lang, max_listed=max_listed)
    return write_text(path, html_text), summary


__all__ = [
    "ActivitySummary",
    "bar_chart_svg",
    "render_html",
    "summarize",
    "write_activity_report",
]
