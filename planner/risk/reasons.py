"""The reasons beside each venue's priority: short sentences a person can check.

A component gives a reason only when it adds to tonight's priority (its weight and its value are
both above zero; a kind, when its weight is not 1; the recent factor, when below 1), in a fixed
order: directives, category boosts that met an incident, incidents, reports, kerawanan, presence
of the desa, rotation, the recent factor, kind. Days are shown as whole days rounded down, and at
least 1 ("Dikunjungi 1 hari lalu" for last night's visit). The wording is in
``planner.text.risk``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from planner.config import Settings
from planner.risk.components import Kerawanan, Kind, Reports, Rotation
from planner.risk.directives import DirectiveEffects
from planner.risk.incidents import Incidents
from planner.risk.presence import Presence
from planner.text import Lang, number, short_number
from planner.text.risk import REASON_TEXT, category_name, kind_name, level_name

_short = cache(short_number)
""":func:`planner.text.short_number`, remembered: the reasons format the same few day counts
(look-backs, targets) for thousands of venues, and Babel is slow per call."""


def venue_reasons(
    *,
    kerawanan: Kerawanan,
    incidents: Incidents,
    rotation: Rotation,
    presence: Presence,
    recent: np.ndarray,
    kind: Kind,
    reports: Reports,
    directives: DirectiveEffects,
    settings: Settings,
    lang: Lang,
) -> list[list[str]]:
    """The reasons of every venue, in the order of the components' venues."""
    w = settings.weights
    levels = settings.kerawanan.levels
    lowest = min(levels.values())
    out: list[list[str]] = []
    for v in range(len(kerawanan.value)):
        reasons: list[str | None] = list(directives.labels[v])
        cats = incidents.categories
        for boost in directives.category_boosts:
            if (
                boost.mask[v]
                and boost.category in cats
                and incidents.total[v, cats.index(boost.category)] > 0
            ):
                reasons.append(boost.label)
        if w.incidents > 0 and incidents.value[v] > 0:
            reasons.append(incident_reason(v, incidents, settings, lang))
        if settings.history.report_weight > 0 and reports.value[v] > 0:
            reasons.append(report_reason(v, reports, settings, lang))
        level = kerawanan.level[v]
        if w.kerawanan > 0 and level is not None and levels[level] > lowest:
            reasons.append(kerawanan_reason(level, own=kerawanan.own[v], lang=lang))
        name = presence.name[v]
        if presence.value[v] > 0 and name is not None:
            days, target = float(presence.days[v]), float(presence.target[v])
            reasons.append(presence_reason(name, days, target, lang))
        if w.rotation > 0 and rotation.value[v] > 0:
            reasons.append(rotation_reason(float(rotation.days[v]), lang))
        if recent[v] < 1.0:
            reasons.append(
                recent_reason(
                    float(rotation.days[v]), float(recent[v]), settings.rotation.target_days, lang
                )
            )
        venue_kind = kind.kinds[v]
        if kind.value[v] != 1.0 and venue_kind:
            reasons.append(kind_reason(venue_kind, float(kind.value[v]), lang))
        out.append([r for r in reasons if r is not None])
    return out


def _top_categories(row: np.ndarray, names: Sequence[str], lang: Lang, k: int = 2) -> str:
    """The ``k`` categories with the most incidents in ``row`` (ties: A→Z by code), in words,
    comma-separated."""
    order = sorted((c for c in range(len(row)) if row[c] > 0), key=lambda c: (-row[c], names[c]))
    return ", ".join(category_name(names[c], lang) for c in order[:k])


def incident_reason(v: int, counts: Incidents, settings: Settings, lang: Lang) -> str | None:
    """``2 kejadian dalam 14 hari terakhir (curanmor, miras)``: within the half-life if any,
    else within the look-back; ``None`` when venue ``v`` counted no incident."""
    if counts.total.shape[1] == 0:
        return None
    cfg = settings.incidents
    for matrix, days in (
        (counts.recent, min(cfg.half_life_days, cfg.lookback_days)),
        (counts.total, cfg.lookback_days),
    ):
        k = int(matrix[v].sum())
        if k:
            cats = _top_categories(matrix[v], counts.categories, lang)
            text = REASON_TEXT["incidents"].format(
                k=k, d=_short(days, lang), c=cats, s="" if k == 1 else "s"
            )
            return text(lang)
    return None


def report_reason(v: int, counts: Reports, settings: Settings, lang: Lang) -> str | None:
    """``2 laporan warga soal curanmor minggu ini`` (or ``… sebelumnya``); ``None``: no report."""
    window = settings.history.report_half_life_days
    if counts.recent[v]:
        k, cat = int(counts.recent[v]), counts.top_recent[v]
        when = (
            REASON_TEXT["reports_this_week"]
            if window == 7
            else REASON_TEXT["reports_last_days"].format(d=_short(window, lang))
        )
    elif counts.total[v]:
        k, cat = int(counts.total[v]), counts.top_total[v]
        when = REASON_TEXT["reports_earlier"]
    else:
        return None
    about = REASON_TEXT["reports_about"].format(c=category_name(cat, lang))(lang) if cat else ""
    text = REASON_TEXT["reports"].format(k=k, s="" if k == 1 else "s", a=about, w=when(lang))
    return text(lang)


def kerawanan_reason(level: str, *, own: bool, lang: Lang) -> str:
    """``Desa rawan tinggi`` (the desa's level) or ``Lokasi rawan tinggi`` (the venue's own)."""
    text = REASON_TEXT["venue_level" if own else "desa_level"]
    return text.format(lv=level_name(level, lang))(lang)


def rotation_reason(days: float, lang: Lang) -> str:
    """``Belum pernah dikunjungi`` or ``Belum dikunjungi 12 hari`` (whole days, rounded down)."""
    if np.isinf(days):
        return REASON_TEXT["never_visited"](lang)
    return REASON_TEXT["not_visited_for"].format(d=int(days))(lang)


def whole_days(days: float) -> int:
    """Days as a person reads them: whole days rounded down, at least 1 (12.9 → 12, 0.8 → 1)."""
    return max(1, int(days))


def presence_reason(desa: str, days: float, target: float, lang: Lang) -> str:
    """``Desa Karangan belum dikunjungi 9 hari; target 7 hari`` (``inf``: never visited)."""
    t = _short(target, lang)
    if np.isinf(days):
        return REASON_TEXT["desa_never"].format(n=desa, t=t)(lang)
    d = whole_days(days)
    return REASON_TEXT["desa_overdue"].format(n=desa, d=d, t=t, s="" if d == 1 else "s")(lang)


def recent_reason(days: float, factor: float, recover_days: float, lang: Lang) -> str:
    """``Dikunjungi 1 hari lalu: prioritas ×0,23 (pulih dalam 7 hari)``."""
    d = whole_days(days)
    f, t = number(factor, lang, 2), _short(recover_days, lang)
    return REASON_TEXT["recent"].format(d=d, s="" if d == 1 else "s", f=f, t=t)(lang)


def kind_reason(kind: str, weight: float, lang: Lang) -> str:
    """``Kafe (jenis tempat): prioritas ×1,2``: a kind whose weight is not 1."""
    return REASON_TEXT["kind"].format(k=kind_name(kind, lang), f=_short(weight, lang))(lang)


__all__ = [
    "incident_reason",
    "kerawanan_reason",
    "kind_reason",
    "presence_reason",
    "recent_reason",
    "report_reason",
    "rotation_reason",
    "venue_reasons",
    "whole_days",
]
