"""Why a venue, in desa terms: the presence curve of tonight and the desa's days since presence.

The one place that turns a planned night into the desa lines every surface shows (the route
sheet, the squad's phone map, the overview's popups) and into the presence state of each desa
(the overview's presence layer). No folium, no HTML here.

- The **curve line** of a stop: of the venues visited in one desa tonight (all squads together),
  ranked by priority as the compiled problem ranks them (:func:`planner.problem.desa_ranks`),
  the k-th counts ``desa_decay ** (k - 1)`` of its priority: "kunjungan ke-2 di Desa X malam
  ini — nilai ½". None when the curve is off (``desa_decay == 1``) or the night has no problem.
- The **presence line** of a stop: "Desa Y: target 3 hari, terakhir 4 hari lalu", from the
  score columns ``desa_days`` (``inf``: never visited) and ``desa_target_days``. None when the
  scores do not carry them (or carry NaN: a venue without a desa). Where the score reasons are
  shown too (route sheet, CSV, GeoJSON, overview popups) it is left out for a venue whose desa
  is past its target (``presence > 0``): its reasons already say so ("Desa Y belum dikunjungi
  9 hari; target 7 hari", :func:`planner.risk.reasons.presence_reason`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from planner._tables import cell_text
from planner.domain import Plan
from planner.problem import NightProblem, curve_weights, desa_ranks
from planner.text import Lang, number, short_number
from planner.text.maps import (
    CURVE_FIRST,
    CURVE_NEXT,
    CURVE_SHORT,
    DAYS,
    PRESENCE_LINE,
    PRESENCE_NEVER,
    PRESENCE_SHORT,
    PRESENCE_TOOLTIP,
    PRESENCE_TOOLTIP_NEVER,
    PRESENCE_TOOLTIP_NO_DATA,
    TONIGHT_VISITS,
    en_ordinal_suffix,
)

PresenceState = Literal["within", "due", "overdue", "never", "no_data"]
PRESENCE_STATE_ORDER: tuple[PresenceState, ...] = ("within", "due", "overdue", "never", "no_data")
"""The presence states from the best to the worst, then no data (the legend's order)."""

#: Fill of each presence state: a sequential yellow-orange-brown ramp (ColorBrewer YlOrBr),
#: light to dark as the desa waits longer, so the order reads by lightness alone (colour-blind
#: users, grey print) and the squads' dark, cool route colours stay readable on it. A desa
#: without presence data (no venue scored) is not filled.
PRESENCE_COLOURS: dict[PresenceState, str] = {
    "within": "#fff7bc",
    "due": "#fec44f",
    "overdue": "#ec7014",
    "never": "#8c2d04",
    "no_data": "transparent",
}

_FRACTIONS = {1: "1", 2: "½", 4: "¼", 8: "⅛"}
_PRESENCE_COLUMNS = ("desa_days", "desa_target_days")


# --------------------------------------------------------------------------- wording


def days_text(days: float, lang: Lang) -> str:
    """A target interval: ``"3 hari"`` / ``"3 days"``, ``"1 day"``, ``"2,5 hari"``."""
    if days == 1:
        return DAYS["one"](lang)
    return DAYS["many"].format(d=short_number(days, lang))(lang)


def days_ago_text(days: float, lang: Lang) -> str:
    """How long ago, in whole days rounded down: ``"4 hari lalu"``, ``"1 day ago"``,
    ``"less than a day ago"``.

    Rounded down as the score reasons count them (:mod:`planner.risk.reasons`: "Desa X belum
    dikunjungi 6 hari"), so the printed sheet and the phone give the same number. (Visits
    happen at night: last night's visit lies 0.7 to 1 day before tonight's start, so rounding
    down calls it "less than a day ago"; to the nearest day would read better, for both.)
    """
    d = math.floor(days)
    if d < 1:
        return DAYS["ago_under_one"](lang)
    if d == 1:
        return DAYS["ago_one"](lang)
    return DAYS["ago_many"].format(d=short_number(d, lang))(lang)


def weight_text(weight: float, decay: float, lang: Lang) -> str:
    """The share of its priority a visit counts: ``½``, ``¼``, ``⅛`` (``1/16``) with decay 0.5,
    otherwise a factor with two decimals (``×0,75`` / ``×0.75``)."""
    if decay == 0.5 and weight > 0:
        n = round(1.0 / weight)
        return _FRACTIONS.get(n, f"1/{n}")
    return "×" + number(weight, lang, 2)


def presence_state(days: float, target_days: float) -> PresenceState:
    """Within target (``days < target``), due (``≥ target``), overdue (``≥ 2 × target``), never
    visited (``days`` infinite) or no data (either NaN)."""
    if math.isnan(days) or math.isnan(target_days):
        return "no_data"
    if math.isinf(days):
        return "never"
    if days >= 2.0 * target_days:
        return "overdue"
    if days >= target_days:
        return "due"
    return "within"


def tonight_text(visits: int, lang: Lang) -> str:
    """``"malam ini 2 kunjungan"`` / ``"2 visits tonight"``."""
    if visits == 0:
        return TONIGHT_VISITS["none"](lang)
    if visits == 1:
        return TONIGHT_VISITS["one"](lang)
    return TONIGHT_VISITS["many"].format(n=visits)(lang)


# --------------------------------------------------------------------------- per stop


@dataclass(frozen=True)
class StopNote:
    """What a planned stop means for its desa tonight.

    Attributes
    ----------
    venue_id, desa
        The venue and the *name* of its desa.
    rank
        0-based rank of the visit among tonight's visits of its desa (all squads), by priority
        as the problem ranks them; None when the curve is unknown (no problem, or the venue is
        not one of its nodes).
    desa_visits
        Tonight's visits of the desa, all squads together (counted like ``rank``).
    weight, decay
        ``decay ** rank``: the share of its priority the visit counts; the night's decay.
    days, target_days
        Days since any squad was in the desa before tonight (``inf``: never) and the desa's
        target interval; NaN when the scores carry no presence data.
    overdue_bonus
        The score's ``presence`` (S, 0 without the column): above 0 the venue's reasons carry
        the desa's presence already.
    """

    venue_id: str
    desa: str
    rank: int | None
    desa_visits: int
    weight: float
    decay: float
    days: float
    target_days: float
    overdue_bonus: float = 0.0

    def curve_line(self, lang: Lang, *, short: bool = False) -> str | None:
        """``"kunjungan ke-2 di Desa X malam ini — nilai ½"``; the first of several visits says
        so; None for the only visit of its desa, without a curve, or with ``decay == 1``.
        ``short``: "kunjungan ke-2 di desa ini — nilai ½" (under the desa's name)."""
        if self.rank is None or self.decay >= 1.0 or self.desa_visits < 2:
            return None
        k = self.rank + 1
        words = {
            "n": self.desa_visits,
            "k": k,
            "suffix": en_ordinal_suffix(k),
            "desa": self.desa,
            "weight": weight_text(self.weight, self.decay, lang),
        }
        if self.rank == 0:
            return (CURVE_SHORT["first"] if short else CURVE_FIRST).format(**words)(lang)
        return (CURVE_SHORT["next"] if short else CURVE_NEXT).format(**words)(lang)

    def presence_line(self, lang: Lang, *, short: bool = False) -> str | None:
        """``"Desa Y: target 3 hari, terakhir 4 hari lalu"`` (never visited: "belum pernah
        dikunjungi"); None without presence data. ``short``: without "Desa Y: "."""
        if math.isnan(self.days) or math.isnan(self.target_days):
            return None
        words = {"desa": self.desa, "target": days_text(self.target_days, lang)}
        if math.isinf(self.days):
            return (PRESENCE_SHORT["never"] if short else PRESENCE_NEVER).format(**words)(lang)
        words["last"] = days_ago_text(self.days, lang)
        return (PRESENCE_SHORT["last"] if short else PRESENCE_LINE).format(**words)(lang)

    def lines(
        self, lang: Lang, *, beside_reasons: bool = False, short: bool = False
    ) -> tuple[str, ...]:
        """The curve line, then the presence line (those that apply).

        ``beside_reasons``: the lines follow the venue's score reasons, which already name an
        overdue desa (``overdue_bonus > 0``); its presence line is then left out. ``short``:
        the forms that follow the desa's name (the squad's stop list).
        """
        shown = self.presence_line(lang, short=short)
        if beside_reasons and self.overdue_bonus > 0:
            shown = None
        return tuple(x for x in (self.curve_line(lang, short=short), shown) if x)


def _score_column(scores: pd.DataFrame, column: str) -> dict[str, float]:
    """``venue_id -> value`` of a numeric score column (empty when the column is absent)."""
    if column not in scores.columns:
        return {}
    values = pd.to_numeric(scores[column], errors="coerce").astype(float)
    return dict(zip(scores["venue_id"].astype(str), values, strict=True))


def _only(frame: pd.DataFrame, venue_ids: list[str]) -> pd.DataFrame:
    """The rows of ``frame`` whose ``venue_id`` is one of ``venue_ids`` (in its order)."""
    return frame[frame["venue_id"].astype(str).isin(list(set(venue_ids)))]


def stop_notes(
    plan: Plan,
    *,
    venues: pd.DataFrame,
    scores: pd.DataFrame,
    problem: NightProblem | None,
) -> dict[str, StopNote]:
    """Per planned stop (by ``venue_id``), its desa lines' facts.

    Parameters
    ----------
    plan
        Tonight's plan (every squad: the rank runs over all of tonight's visits).
    venues
        ``venue_id, desa`` (the desa's name).
    scores
        ``venue_id`` and, when the risk scores carry them, ``desa_days, desa_target_days``.
    problem
        The compiled night (``desa_decay``, ``prize``, ``desa_group``); None: no curve lines.
    """
    visited = [s.venue_id for r in plan.routes for s in r.stops]
    # only tonight's stops are looked up: a few hundred of a night's thousands of venues
    venues = _only(venues, visited)
    scores = _only(scores, visited)
    names = {str(v): cell_text(d) for v, d in zip(venues["venue_id"], venues["desa"], strict=True)}
    days = _score_column(scores, "desa_days")
    targets = _score_column(scores, "desa_target_days")
    bonus = _score_column(scores, "presence")
    rank: dict[str, int] = {}
    weight: dict[str, float] = {}
    group: dict[str, int] = {}
    decay = 1.0
    if problem is not None:
        decay = float(problem.desa_decay)
        known = [v for v in visited if v in problem.node_ids]
        nodes = np.asarray([problem.node_of(v) for v in known], dtype=np.int64)
        for v, n, r, w in zip(
            known,
            nodes,
            desa_ranks(problem, nodes),
            curve_weights(problem, nodes),
            strict=True,
        ):
            rank[v], weight[v], group[v] = int(r), float(w), int(problem.desa_group[n])
    per_desa = Counter(group.values())
    return {
        v: StopNote(
            venue_id=v,
            desa=names.get(v, ""),
            rank=rank.get(v),
            desa_visits=per_desa[group[v]] if v in group else 0,
            weight=weight.get(v, 1.0),
            decay=decay,
            days=days.get(v, math.nan),
            target_days=targets.get(v, math.nan),
            overdue_bonus=0.0 if math.isnan(b := bonus.get(v, 0.0)) else b,
        )
        for v in visited
    }


# --------------------------------------------------------------------------- per desa


@dataclass(frozen=True)
class DesaPresence:
    """A desa's presence before tonight, and tonight's visits (the overview's presence layer).

    Attributes
    ----------
    desa_code, desa, kerawanan
        The desa's code, name and kerawanan level.
    days, target_days
        Days since any squad was there (``inf``: never) and its target interval; NaN when no
        venue of the desa is scored with presence data.
    visits
        Tonight's planned visits in the desa, all squads together.
    """

    desa_code: str
    desa: str
    kerawanan: str
    days: float
    target_days: float
    visits: int

    @property
    def state(self) -> PresenceState:
        """Within target, due, overdue, never visited or no data (:func:`presence_state`)."""
        return presence_state(self.days, self.target_days)

    def tooltip(self, level_label: str, lang: Lang) -> str:
        """``"Desa X (tinggi): terakhir 4 hari lalu, target 3 hari; malam ini 2 kunjungan"``."""
        tonight = tonight_text(self.visits, lang)
        state = self.state
        if state == "no_data":
            return PRESENCE_TOOLTIP_NO_DATA.format(
                desa=self.desa, level=level_label, tonight=tonight
            )(lang)
        target = days_text(self.target_days, lang)
        if state == "never":
            return PRESENCE_TOOLTIP_NEVER.format(
                desa=self.desa, level=level_label, target=target, tonight=tonight
            )(lang)
        return PRESENCE_TOOLTIP.format(
            desa=self.desa,
            level=level_label,
            last=days_ago_text(self.days, lang),
            target=target,
            tonight=tonight,
        )(lang)


def has_presence_data(scores: pd.DataFrame) -> bool:
    """Whether the scores carry the presence columns (the risk scores of issue 14 on)."""
    return all(c in scores.columns for c in _PRESENCE_COLUMNS)


def desa_presence(
    plan: Plan,
    *,
    desa: pd.DataFrame,
    venues: pd.DataFrame,
    scores: pd.DataFrame,
) -> dict[str, DesaPresence]:
    """Per desa of ``desa`` (by ``desa_code``, in its order), its presence and tonight's visits.

    A desa's days are the fewest days of its scored venues (the scores give every venue the
    days since *any* squad was in its desa, so they agree); its target likewise. Venues are
    matched to desa by ``venues.desa_code``; without that column every desa has no data.
    """
    days = _score_column(scores, "desa_days")
    targets = _score_column(scores, "desa_target_days")
    code_of: dict[str, str] = {}
    if "desa_code" in venues.columns:
        code_of = {
            str(v): cell_text(c)
            for v, c in zip(venues["venue_id"], venues["desa_code"], strict=True)
        }
    best_days: dict[str, float] = {}
    best_target: dict[str, float] = {}
    for vid, code in code_of.items():
        d, t = days.get(vid, math.nan), targets.get(vid, math.nan)
        if math.isnan(d) or math.isnan(t):
            continue
        best_days[code] = min(best_days.get(code, math.inf), d)
        best_target[code] = min(best_target.get(code, math.inf), t)
    visits = Counter(code_of.get(s.venue_id, "") for r in plan.routes for s in r.stops)
    out: dict[str, DesaPresence] = {}
    for row in desa.itertuples(index=False):
        code = cell_text(row.desa_code)
        out[code] = DesaPresence(
            desa_code=code,
            desa=cell_text(row.desa),
            kerawanan=cell_text(row.kerawanan),
            days=best_days.get(code, math.nan),
            target_days=best_target.get(code, math.nan),
            visits=visits.get(code, 0),
        )
    return out


def notes_by_venue(
    notes: Mapping[str, StopNote], lang: Lang, *, beside_reasons: bool = False, short: bool = False
) -> dict[str, tuple[str, ...]]:
    """``venue_id -> lines`` in ``lang`` (what the sheet and the maps print under a stop;
    ``beside_reasons`` and ``short``: see :meth:`StopNote.lines`)."""
    return {v: n.lines(lang, beside_reasons=beside_reasons, short=short) for v, n in notes.items()}


__all__ = [
    "PRESENCE_COLOURS",
    "PRESENCE_STATE_ORDER",
    "DesaPresence",
    "PresenceState",
    "StopNote",
    "days_ago_text",
    "days_text",
    "desa_presence",
    "has_presence_data",
    "notes_by_venue",
    "presence_state",
    "stop_notes",
    "tonight_text",
    "weight_text",
]
