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


CATEGORY_TEXT: dict[str, Msg] = {
    "curanmor": msg("curanmor", "vehicle theft"),
    "pencurian": msg("pencurian", "theft"),
    "perkelahian": msg("perkelahian", "fighting"),
    "penganiayaan": msg("penganiayaan", "assault"),
    "miras": msg("miras", "alcohol"),
    "judi": msg("judi", "gambling"),
    "balap_liar": msg("balap liar", "street racing"),
    "narkoba": msg("narkoba", "drugs"),
    "pengeroyokan": msg("pengeroyokan", "gang assault"),
    "vandalisme": msg("vandalisme", "vandalism"),
    "infrastruktur": msg("infrastruktur", "infrastructure"),
    "sosial": msg("sosial", "social"),
    "ekonomi": msg("ekonomi", "economy"),
    "lingkungan": msg("lingkungan", "environment"),
    "lainnya": msg("lainnya", "other"),
}
"""The default incident categories (``incidents.categories``) and report categories
(``history.report_categories``) by their code, as a person reads them."""

KIND_TEXT: dict[str, Msg] = {
    "angkringan": msg("Angkringan", "An angkringan (street food stall)"),
    "warkop": msg("Warkop", "A warkop (coffee stall)"),
    "kafe": msg("Kafe", "A café"),
}
"""The default venue kinds (``kinds.weights``), as the start of a sentence."""


def _own_word(code: str) -> str:
    """A code of one's own settings as a person reads it: spaces for underscores."""
    return code.replace("_", " ")


def category_name(code: str, lang: Lang = "id") -> str:
    """An incident or report category as a person reads it (``balap_liar`` → ``balap liar`` /
    ``street racing``); a category of one's own settings reads as its code, with spaces."""
    known = CATEGORY_TEXT.get(code)
    return known(lang) if known is not None else _own_word(code)


def kind_name(kind: str, lang: Lang = "id") -> str:
    """A venue kind as the start of a sentence (``Kafe`` / ``A café``)."""
    known = KIND_TEXT.get(kind)
    if known is not None:
        return known(lang)
    word = _own_word(kind)
    return word[:1].upper() + word[1:]


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
    "kind": msg("{k} (jenis tempat): prioritas ×{f}", "{k} (kind of venue): priority ×{f}"),
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

__all__ = [
    "CATEGORY_TEXT",
    "DIRECTIVE_TEXT",
    "KIND_TEXT",
    "LEVEL_TEXT",
    "REASON_TEXT",
    "category_name",
    "kind_name",
    "level_name",
]
