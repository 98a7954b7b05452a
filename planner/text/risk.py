"""Words of tonight's priority: the reasons shown beside each venue's score.

Placeholders are filled by ``planner.risk.reasons`` (numbers already formatted for the language);
``{s}`` is the English plural ending and is ignored by the Indonesian sentence.
"""

from __future__ import annotations

from planner.text import Lang, Msg, msg, pick

LEVEL_TEXT: dict[str, Msg] = {
    "rendah": msg("rendah", "low"),
    "sedang": msg("sedang", "medium"),
    "tinggi": msg("tinggi", "high"),
    "sangat_tinggi": msg("sangat tinggi", "very high"),
}
"""The default kerawanan levels by name (a level of ``kerawanan.levels``)."""


def level_name(level: str, lang: Lang = "id") -> str:
    """A kerawanan level as a person reads it; a level of one's own keeps its key's words.

    Parameters
    ----------
    level
        A key of ``kerawanan.levels`` (``"sangat_tinggi"``).
    lang
        ``id`` or ``en``.

    Returns
    -------
    str
        ``"sangat tinggi"`` / ``"very high"``; an unlisted level reads as its key, with spaces for
        underscores in Bahasa Indonesia.
    """
    known = LEVEL_TEXT.get(level)
    if known is not None:
        return known(lang)
    return pick(lang, level.replace("_", " "), level)


REASON_TEXT: dict[str, Msg] = {
    "incidents": msg(
        "{k} kejadian dalam {d} hari terakhir ({c})",
        "{k} incident{s} in the last {d} days ({c})",
    ),
    "reports": msg("{k} laporan warga{a} {w}", "{k} community report{s}{a} {w}"),
    "reports_about": msg(" soal {c}", " about {c}"),
    "reports_this_week": msg("minggu ini", "this week"),
    "reports_last_days": msg("dalam {d} hari terakhir", "in the last {d} days"),
    "reports_earlier": msg("sebelumnya", "earlier"),
    "venue_level": msg("Lokasi rawan {lv}", "Venue vulnerability: {lv}"),
    "desa_level": msg("Desa rawan {lv}", "Desa vulnerability: {lv}"),
    "never_visited": msg("Belum pernah dikunjungi", "Never visited"),
    "not_visited_for": msg("Belum dikunjungi {d} hari", "Not visited for {d} days"),
    "kind": msg("Jenis {k} ×{f}", "Kind {k} ×{f}"),
    "desa_overdue": msg(
        "Desa {n} belum dikunjungi {d} hari; target {t} hari",
        "No squad in desa {n} for {d} day{s}; target {t} days",
    ),
    "desa_never": msg(
        "Desa {n} belum pernah dikunjungi; target {t} hari",
        "No squad ever in desa {n}; target {t} days",
    ),
    "recent": msg(
        "Dikunjungi {d} hari lalu: prioritas ×{f} (pulih dalam {t} hari)",
        "Visited {d} day{s} ago: priority ×{f} (recovers over {t} days)",
    ),
}
"""One sentence per component of the priority (docs/settings.md shows examples)."""

DIRECTIVE_TEXT: dict[str, Msg] = {
    "exclude": msg("Dikecualikan malam ini", "Excluded tonight"),
    "must_visit": msg("Wajib dikunjungi malam ini", "Must visit tonight"),
    "boost_category": msg("Atensi {c}", "Attention to {c}"),
    "boost": msg("Atensi", "Attention"),
    "no_reason": msg("perintah pimpinan", "command order"),
    "label": msg("{head}: {what} ({when})", "{head}: {what} ({when})"),
}
"""A directive's reason: its kind, why (``no_reason`` when it says nothing) and its dates."""

__all__ = ["DIRECTIVE_TEXT", "LEVEL_TEXT", "REASON_TEXT", "level_name"]
