"""Tonight's priority table: the components in one formula, with the reasons behind it.

:func:`score` runs the steps in order: the venues' places, the directives, each component
(kerawanan, incidents, rotation, recent factor, presence, kind, reports), the formula, the
reasons, the table.
:func:`score_dataset` does the same for a loaded dataset and the visit history its caller read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.config import Settings
from planner.domain import Night
from planner.risk.clock import night_start_of
from planner.risk.components import (
    Kerawanan,
    Kind,
    Reports,
    Rotation,
    kerawanan_component,
    kind_component,
    recent_factor,
    reports_component,
    rotation_component,
)
from planner.risk.directives import DirectiveEffects, apply_directives, validate_directives
from planner.risk.incidents import Incidents, incident_component
from planner.risk.places import locate, venue_ids, venue_xy
from planner.risk.presence import Presence, presence_component
from planner.risk.reasons import venue_reasons
from planner.text import Lang

if TYPE_CHECKING:
    from planner.sources import Dataset

COMPONENTS = (
    "kerawanan",
    "incidents",
    "rotation",
    "kind",
    "reports",
    "presence",
    "recent_factor",
    "directive_factor",
)
"""The component columns of :func:`score`, in order."""
DESA_COLUMNS = ("desa_days", "desa_target_days")
"""Days since any squad was in the venue's desa (``inf``: never; NaN: no desa) and its target."""
COLUMNS = (
    "venue_id",
    "priority",
    "risk",
    *COMPONENTS,
    *DESA_COLUMNS,
    "must_visit",
    "excluded",
    "reasons",
)
"""Every column of :func:`score`, in order."""
RISK_YARDSTICK = "kerawanan + incidents"
"""``risk``: the fixed yardstick of risk collected (docs/presence.md), the unweighted sum of
the kerawanan and incident components: no weights, rotation, presence, kind or directives, so
that comparing two plans or two settings on it flatters neither."""


def score(
    venues: gpd.GeoDataFrame,
    desa: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None,
    night: Night,
    settings: Settings,
    *,
    last_visits: Mapping[str, Any] | pd.Series | None = None,
    reports: pd.DataFrame | None = None,
    lang: Lang | None = None,
    night_start: dt.datetime | None = None,
    root: Path | None = None,
) -> pd.DataFrame:
    """Tonight's priority of every venue, its components and the reasons behind it.

    Parameters
    ----------
    venues, desa, incidents
        The dataset's tables (docs/interfaces.md), in EPSG:4326.
    night
        The night being planned; directives active on its date (WIB) apply.
    settings
        Weights and settings; the formula is in the package docstring and docs/settings.md.
    last_visits
        venue_id → time of the last real visit (naive = WIB); venues missing are never visited.
    reports
        Community reports (``reported_at``, ``venue_id``, ``desa_code``, ``category``,
        ``police_matter``).
    lang
        Language of the reasons; default ``settings.general.lang``.
    night_start
        Only incidents, reports and visits strictly before it are seen; default D 12:00 WIB.
    root
        The dataset folder, against which directive polygon files are resolved.

    Returns
    -------
    pandas.DataFrame
        One row per venue in the order (and index) of ``venues``, with the columns
        :data:`COLUMNS`: ``priority`` ≥ 0, the components, the desa's ``desa_days`` and
        ``desa_target_days``, ``must_visit``, ``excluded`` and ``reasons`` (a list of short
        sentences).

    Raises
    ------
    InputError
        A directive names something that is not in the dataset, two directives both exclude and
        force the same venue tonight, a kerawanan level is unknown, or venue ids repeat.
    """
    lang = lang or settings.general.lang
    start = night_start_of(night, night_start)
    ids = venue_ids(venues)
    validate_directives(settings, desa, venues, root=root)
    places = locate(venues, desa, ids)

    k = kerawanan_component(venues, desa, places, settings)
    effects = apply_directives(settings, night, places, desa, root=root, lang=lang)
    xy, crs = venue_xy(venues, settings)
    inc = incident_component(
        xy, ids, incidents, start, settings, crs=crs, category_boosts=effects.category_boosts
    )
    p = reports_component(ids, places.desa_codes, reports, start, settings)
    r = rotation_component(ids, last_visits, start, settings)
    f = recent_factor(r, settings)
    # a visit log without any visit (or none) says nothing about presence: no desa bonus
    logged = last_visits is not None and len(last_visits) > 0
    s = presence_component(places, desa, r, settings, logged=logged)
    w = kind_component(venues, settings)

    priority = _priority(k, inc, r, w, p, s, f, effects, settings)
    reasons = venue_reasons(
        kerawanan=k,
        incidents=inc,
        rotation=r,
        presence=s,
        recent=f,
        kind=w,
        reports=p,
        directives=effects,
        settings=settings,
        lang=lang,
    )
    return pd.DataFrame(
        {
            "venue_id": ids,
            "priority": priority,
            "risk": k.value + inc.value,
            "kerawanan": k.value,
            "incidents": inc.value,
            "rotation": r.value,
            "kind": w.value,
            "reports": p.value,
            "presence": s.value,
            "recent_factor": f,
            "directive_factor": effects.factor,
            "desa_days": s.days,
            "desa_target_days": s.target,
            "must_visit": effects.must_visit,
            "excluded": effects.excluded,
            "reasons": pd.Series(reasons, dtype=object).to_numpy(),
        },
        index=venues.index,
    )


def _priority(
    k: Kerawanan,
    inc: Incidents,
    r: Rotation,
    w: Kind,
    p: Reports,
    s: Presence,
    f: np.ndarray,
    effects: DirectiveEffects,
    settings: Settings,
) -> np.ndarray:
    """``D * F * W * (w_K * K + w_I * I + w_R * R + w_P * P + S)`` (the package docstring)."""
    weights = settings.weights
    return (
        effects.factor
        * f
        * w.value
        * (
            weights.kerawanan * k.value
            + weights.incidents * inc.value
            + weights.rotation * r.value
            + settings.history.report_weight * p.value
            + s.value
        )
    )


# ------------------------------------------------------------------------------ a dataset


@dataclass(frozen=True)
class VisitHistory:
    """What the visit log says before tonight: what :func:`score_dataset` needs from it.

    Read it from an open store with ``planner.history``::

        VisitHistory(
            last_visits=history.last_visits(store, before=start),
            reports=history.recent_reports(
                store, before=start, days=settings.history.report_lookback_days
            ),
        )

    where ``start`` is the night's start (:func:`night_start_of`). ``VisitHistory()`` means no
    visit log: every venue counts as never visited and there are no reports.
    """

    last_visits: Mapping[str, Any] | pd.Series | None = None
    """venue_id → time of the last real visit *strictly before the night's start*."""
    reports: pd.DataFrame | None = None
    """Community reports; those at or after the start or beyond the look-back are ignored."""


def score_dataset(
    dataset: Dataset,
    night: Night,
    *,
    night_start: dt.datetime | None = None,
    lang: Lang | None = None,
    history: VisitHistory,
) -> pd.DataFrame:
    """:func:`score` for a loaded dataset and the visit history its caller read.

    Parameters
    ----------
    dataset
        The loaded dataset; directive polygons resolve against ``dataset.root``.
    night, night_start, lang
        As for :func:`score`.
    history
        Last visits and community reports from the visit log (the caller opens the store, so
        that a night's plan opens it once: ``pipeline.visit_history``); ``VisitHistory()`` when
        there is none.

    Returns
    -------
    pandas.DataFrame
        As :func:`score`.
    """
    start = night_start_of(night, night_start)
    return score(
        dataset.venues,
        dataset.desa,
        dataset.incidents,
        night,
        dataset.settings,
        last_visits=history.last_visits,
        reports=history.reports,
        lang=lang,
        night_start=start,
        root=dataset.root,
    )


def score_table(
    scores: pd.DataFrame, venues: pd.DataFrame, *, join_reasons: bool = True
) -> pd.DataFrame:
    """Scores joined with the venue's name, kind, desa and kecamatan, highest priority first.

    The table behind ``planner score``. The venue's kind is ``venue_kind`` (``kind`` stays the
    kind weight), ``reasons`` is joined into one ``"; "``-separated string so it fits a CSV cell
    (unless ``join_reasons=False``), and ties are ordered by ``venue_id``.
    """
    wanted = {"name": "name", "kind": "venue_kind", "desa": "desa", "kecamatan": "kecamatan"}
    info_cols = [c for c in wanted if c in venues.columns]
    info = pd.DataFrame(venues[info_cols]).rename(columns=wanted)
    info.insert(0, "venue_id", [str(v) for v in venues["venue_id"]])
    table = scores.reset_index(drop=True).merge(
        info.drop_duplicates("venue_id"), on="venue_id", how="left"
    )
    if join_reasons:
        table["reasons"] = ["; ".join(r) for r in table["reasons"]]
    first = ["venue_id", *(wanted[c] for c in info_cols), "priority"]
    rest = [c for c in table.columns if c not in first]
    table = table[first + rest]
    table = table.sort_values(["priority", "venue_id"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


__all__ = [
    "COLUMNS",
    "COMPONENTS",
    "DESA_COLUMNS",
    "RISK_YARDSTICK",
    "VisitHistory",
    "score",
    "score_dataset",
    "score_table",
]
