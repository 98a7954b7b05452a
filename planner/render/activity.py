"""The printable activity report for the Kapolres (``planner report``).

What the squads did over a period, from the visit log: visits per kecamatan and desa, the venues
not visited, how many people were met, what people reported (by category, with a bar chart),
referrals by agency and how many are closed, and the follow-ups that are overdue.

The page is self-contained HTML (inline CSS and SVG: no internet, no CDN), sized for A4 paper
(CSS ``@page``), in Bahasa Indonesia by default. Every string from the data is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner._atomic import write_text
from planner.domain import WIB
from planner.errors import InputError, Problem
from planner.history import HistoryStore, followups, reports_between, visits_between
from planner.text import Lang, Msg, msg

UNKNOWN = msg("(tidak dikenal)", "(unknown)")


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
        Venues without a visit in the period: ``venue_id, name, desa, kecamatan, last_visit``
        (the last visit ever, or ``None`` if never).
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


def _venue_table(venues: pd.DataFrame) -> pd.DataFrame:
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
    return table


def summarize(
    store: HistoryStore,
    venues: pd.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    lang: Lang = "id",
) -> ActivitySummary:
    """Count what happened on the nights ``start`` to ``end`` (both included).

    ``venues`` is the dataset's venue table (``venue_id``, ``name``, ``desa``, ``kecamatan``,
    optional ``active``); visits to venues no longer in it count under "(tidak dikenal)".

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
    today = today or dt.datetime.now(WIB).date()
    vt = _venue_table(venues)
    visits = visits_between(store, start=start, end=end)
    unknown = UNKNOWN(lang)
    v = visits.merge(vt[["venue_id", "desa", "kecamatan"]], on="venue_id", how="left")
    v["desa"] = v["desa"].fillna(unknown).replace("", unknown)
    v["kecamatan"] = v["kecamatan"].fillna(unknown).replace("", unknown)
    v["people"] = v["people_met"].fillna(0).astype(int)

    vt_active = vt[vt["active"]].copy()
    vt_active["desa"] = vt_active["desa"].replace("", unknown)
    vt_active["kecamatan"] = vt_active["kecamatan"].replace("", unknown)
    visited_ids = set(v["venue_id"])
    vt_active["visited"] = vt_active["venue_id"].isin(visited_ids)

    def per(keys: list[str]) -> pd.DataFrame:
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

    by_kec = per(["kecamatan"])
    by_desa = per(["kecamatan", "desa"])

    ever = store.conn.execute(
        "SELECT venue_id, max(night) FROM visits WHERE night <= ? GROUP BY venue_id",
        (end.isoformat(),),
    ).fetchall()
    last = {venue: dt.date.fromisoformat(night) for venue, night in ever}
    nv = vt_active[~vt_active["visited"]][["venue_id", "name", "desa", "kecamatan"]].copy()
    nv["last_visit"] = pd.Series(
        [last.get(x) for x in nv["venue_id"]], index=nv.index, dtype=object
    )
    nv["never"] = nv["last_visit"].isna()
    nv = nv.sort_values(
        ["never", "kecamatan", "desa", "venue_id"], ascending=[False, True, True, True]
    )
    nv = nv.drop(columns="never").reset_index(drop=True)

    reps = reports_between(store, start=start, end=end)
    by_cat = (
        reps.groupby("category", as_index=False)
        .agg(reports=("report_id", "size"), police_matter=("police_matter", "sum"))
        .sort_values(["reports", "category"], ascending=[False, True])
        .reset_index(drop=True)
    )
    by_cat["police_matter"] = by_cat["police_matter"].astype(int)
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

    overdue = followups(store, today=today, overdue=True)
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
        by_kecamatan=by_kec,
        by_desa=by_desa,
        not_visited=nv,
        reports_by_category=by_cat,
        referrals_by_agency=by_agency,
        overdue=overdue,
    )


# ----------------------------------------------------------------------------- HTML

T: dict[str, Msg] = {
    "title": msg("Laporan Kegiatan Warkop Kamtibmas", "Warkop Kamtibmas activity report"),
    "org": msg("Polres Trenggalek", "Polres Trenggalek"),
    "period": msg("Periode", "Period"),
    "made": msg("Dibuat", "Generated"),
    "summary": msg("Ringkasan", "Summary"),
    "visits": msg("Kunjungan", "Visits"),
    "planned": msg("sesuai rencana", "as planned"),
    "extra": msg("tambahan", "extra"),
    "people": msg("Warga ditemui (perkiraan)", "People met (estimate)"),
    "nights": msg("Malam patroli", "Patrol nights"),
    "squads": msg("Regu", "Squads"),
    "reports": msg("Laporan warga", "Community reports"),
    "by_kec": msg("Kunjungan per kecamatan", "Visits per kecamatan"),
    "by_desa": msg("Kunjungan per desa", "Visits per desa"),
    "kecamatan": msg("Kecamatan", "Kecamatan"),
    "desa": msg("Desa", "Desa"),
    "venues": msg("Tempat", "Venues"),
    "visited_venues": msg("Tempat dikunjungi", "Venues visited"),
    "people_short": msg("Warga", "People"),
    "not_visited": msg("Tempat yang tidak dikunjungi", "Venues not visited"),
    "not_visited_note": msg(
        "Tempat aktif tanpa kunjungan dalam periode ini; yang belum pernah dikunjungi di atas.",
        "Active venues without a visit in this period; never-visited ones first.",
    ),
    "venue": msg("Tempat", "Venue"),
    "more": msg("… dan {n} tempat lainnya.", "… and {n} more venues."),
    "last_visit": msg("Kunjungan terakhir", "Last visit"),
    "never": msg("belum pernah", "never"),
    "by_cat": msg("Laporan warga per kategori", "Community reports by category"),
    "category": msg("Kategori", "Category"),
    "count": msg("Jumlah", "Count"),
    "police": msg("Urusan polisi", "Police matter"),
    "by_agency": msg("Rujukan per instansi", "Referrals by agency"),
    "agency": msg("Instansi", "Agency"),
    "referred": msg("Dirujuk", "Referred"),
    "closed": msg("Selesai", "Closed"),
    "open": msg("Belum selesai", "Open"),
    "overdue_n": msg("Terlambat", "Overdue"),
    "overdue": msg("Tindak lanjut yang terlambat", "Overdue follow-ups"),
    "overdue_note": msg(
        "Semua laporan terbuka yang lewat batas waktu per {today}, dari malam mana pun.",
        "Every open report past its due date as of {today}, from any night.",
    ),
    "no": msg("No.", "No."),
    "night": msg("Malam", "Night"),
    "text": msg("Isi", "Text"),
    "due": msg("Batas waktu", "Due"),
    "days_open": msg("Hari terbuka", "Days open"),
    "status": msg("Status", "Status"),
    "none": msg("Tidak ada.", "None."),
    "yes": msg("ya", "yes"),
    "no_word": msg("tidak", "no"),
}

_CSS = """
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
main { max-width: 186mm; margin: 0 auto; padding: 4mm 0; }
header { border-bottom: 2px solid #1f3a5f; margin-bottom: 4mm; }
h1 { font-size: 16pt; margin: 0 0 1mm; color: #1f3a5f; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; color: #1f3a5f; break-after: avoid; }
.meta { color: #444; margin: 0 0 2mm; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2mm; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #e8eef5; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.cards { display: flex; flex-wrap: wrap; gap: 2mm; }
.card { border: 1px solid #bbb; border-radius: 2mm; padding: 2mm 3mm; min-width: 28mm; }
.card b { display: block; font-size: 14pt; }
.late { color: #a00; font-weight: bold; }
.nw { white-space: nowrap; }
.note { color: #555; font-size: 9pt; margin: 0 0 1mm; }
svg text { font-family: "DejaVu Sans", Arial, sans-serif; }
section { break-inside: auto; }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _table(heads: list[tuple[str, bool]], rows: list[list[object]], *, empty: str) -> str:
    if not rows:
        return f'<p class="note">{_e(empty)}</p>'
    th = "".join(f"<th{' class=n' if num else ''}>{_e(h)}</th>" for h, num in heads)
    body = []
    for row in rows:
        cells = "".join(
            f"<td{' class=n' if num else ''}>{cell if isinstance(cell, _Raw) else _e(cell)}</td>"
            for (_, num), cell in zip(heads, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class _Raw(str):
    """Already-escaped HTML for a table cell."""


def bar_chart_svg(labels: list[str], values: list[int], *, title: str = "") -> str:
    """A horizontal bar chart as inline SVG (no scripts, prints as is)."""
    if not values:
        return ""
    bar_h, gap, label_w, width = 16, 6, 150, 640
    plot_w = width - label_w - 60
    top = max(values) or 1
    height = len(values) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-label="{_e(title)}">'
    ]
    if title:
        parts.append(f"<title>{_e(title)}</title>")
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = gap + i * (bar_h + gap)
        w = max(1.0, plot_w * value / top) if value else 0
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" '
            f'font-size="12">{_e(label)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="#1f3a5f"><title>{_e(label)}: {value}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" font-size="12">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(summary: ActivitySummary, *, lang: Lang = "id", max_listed: int = 60) -> str:
    """The report as one self-contained, printable HTML page.

    At most ``max_listed`` venues not visited are listed (never-visited first); the rest are
    counted, as the per-kecamatan table already shows where they are.
    """
    s = summary

    def t(key: str) -> str:
        return T[key](lang)

    def day(d: dt.date | None) -> str:
        return t("never") if d is None else d.strftime("%d-%m-%Y")

    made = dt.datetime.now(WIB).strftime("%d-%m-%Y %H:%M WIB")
    cards = [
        (t("visits"), f"{s.visits}", f"{s.planned} {t('planned')}, {s.extra} {t('extra')}"),
        (t("people"), f"{s.people_met}", ""),
        (t("nights"), f"{s.nights}", ""),
        (t("squads"), f"{s.squads}", ""),
        (t("reports"), f"{s.reports}", ""),
        (t("overdue"), f"{len(s.overdue)}", ""),
    ]
    card_html = "".join(
        f'<div class="card">{_e(label)}<b>{_e(value)}</b>'
        + (f'<span class="note">{_e(sub)}</span>' if sub else "")
        + "</div>"
        for label, value, sub in cards
    )
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(t('title'))} {s.start:%d-%m-%Y} – {s.end:%d-%m-%Y}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<header><h1>{_e(t('title'))}</h1>",
        f'<p class="meta">{_e(t("org"))} · {_e(t("period"))}: {s.start:%d-%m-%Y} – '
        f"{s.end:%d-%m-%Y} · {_e(t('made'))}: {_e(made)}</p></header>",
        f'<section id="ringkasan"><h2>{_e(t("summary"))}</h2><div class="cards">{card_html}'
        "</div></section>",
    ]
    heads = [
        (t("kecamatan"), False),
        (t("venues"), True),
        (t("visited_venues"), True),
        (t("visits"), True),
        (t("people_short"), True),
    ]
    out.append(f'<section id="kecamatan"><h2>{_e(t("by_kec"))}</h2>')
    out.append(
        _table(
            heads,
            [list(r) for r in s.by_kecamatan.itertuples(index=False)],
            empty=t("none"),
        )
    )
    out.append("</section>")
    out.append(f'<section id="desa"><h2>{_e(t("by_desa"))}</h2>')
    out.append(
        _table(
            [(t("kecamatan"), False), (t("desa"), False), *heads[1:]],
            [list(r) for r in s.by_desa[s.by_desa["visits"] > 0].itertuples(index=False)],
            empty=t("none"),
        )
    )
    out.append("</section>")
    out.append(f'<section id="tidak-dikunjungi"><h2>{_e(t("not_visited"))}</h2>')
    out.append(f'<p class="note">{_e(t("not_visited_note"))}</p>')
    out.append(
        _table(
            [
                ("ID", False),
                (t("venue"), False),
                (t("desa"), False),
                (t("kecamatan"), False),
                (t("last_visit"), False),
            ],
            [
                [r.venue_id, r.name, r.desa, r.kecamatan, day(r.last_visit)]
                for r in s.not_visited.head(max_listed).itertuples(index=False)
            ],
            empty=t("none"),
        )
    )
    if len(s.not_visited) > max_listed:
        more = T["more"].format(n=len(s.not_visited) - max_listed)
        out.append(f'<p class="note">{_e(more(lang))}</p>')
    out.append("</section>")
    cat = s.reports_by_category
    out.append(f'<section id="kategori"><h2>{_e(t("by_cat"))}</h2>')
    out.append(
        bar_chart_svg(
            [str(c) for c in cat["category"]],
            [int(x) for x in cat["reports"]],
            title=t("by_cat"),
        )
    )
    out.append(
        _table(
            [(t("category"), False), (t("count"), True), (t("police"), True)],
            [list(r) for r in cat.itertuples(index=False)],
            empty=t("none"),
        )
    )
    out.append("</section>")
    out.append(f'<section id="instansi"><h2>{_e(t("by_agency"))}</h2>')
    out.append(
        _table(
            [
                (t("agency"), False),
                (t("referred"), True),
                (t("closed"), True),
                (t("open"), True),
                (t("overdue_n"), True),
            ],
            [list(r) for r in s.referrals_by_agency.itertuples(index=False)],
            empty=t("none"),
        )
    )
    out.append("</section>")
    out.append(f'<section id="terlambat"><h2>{_e(t("overdue"))}</h2>')
    out.append(f'<p class="note">{_e(t("overdue_note").format(today=day(s.today)))}</p>')
    out.append(
        _table(
            [
                (t("no"), True),
                (t("night"), False),
                (t("venue"), False),
                (t("category"), False),
                (t("text"), False),
                (t("agency"), False),
                (t("due"), False),
                (t("days_open"), True),
            ],
            [
                [
                    r.report_id,
                    _Raw(f'<span class="nw">{_e(day(r.night))}</span>'),
                    r.venue_id,
                    r.category,
                    r.text,
                    r.agency or (t("police") if r.police_matter else ""),
                    _Raw(f'<span class="late nw">{_e(day(r.due_date))}</span>'),
                    r.days_open,
                ]
                for r in s.overdue.itertuples(index=False)
            ],
            empty=t("none"),
        )
    )
    out.append("</section></main></body></html>")
    return "\n".join(out)


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
) -> tuple[Path, ActivitySummary]:
    """Summarize the nights ``start``..``end`` and write the HTML report atomically."""
    summary = summarize(store, venues, start=start, end=end, today=today, lang=lang)
    html_text = render_html(summary, lang=lang, max_listed=max_listed)
    return write_text(path, html_text), summary


__all__ = [
    "ActivitySummary",
    "bar_chart_svg",
    "render_html",
    "summarize",
    "write_activity_report",
]
