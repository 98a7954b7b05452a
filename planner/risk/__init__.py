"""Tonight's priority of each venue, with the reasons a person can read.

One formula (docs/settings.md explains every key)::

    priority = D * F * W * (w_K * K + w_I * I + w_R * R + w_P * P + S)

``K`` kerawanan
    ``kerawanan.levels[level]`` of the venue's own ``kerawanan`` when set, else of its desa; 0
    for a venue outside every desa.
``I`` incidents
    ``c * (1 - exp(-S / c))`` with ``c = incidents.cap`` (a soft cap: about ``S`` while ``S`` is
    small, never above ``c``, and still growing so hot spots stay ordered; ``S`` itself when
    ``c`` is ``inf``), where ``S = sum_j s_j * 2 ** (-age_j / half_life_days) * k(d_ij)`` over the
    incidents j that happened *strictly before the night's start* and at most
    ``lookback_days`` before it. ``s_j`` is the incident's severity (its ``severity`` column, else
    its category's severity, else ``default_severity``), ``d_ij`` the distance in a metric CRS and
    ``k`` the kernel: ``linear`` 1 - d/r, ``gaussian`` exp(-2 (d/r)^2), ``uniform`` 1, and 0
    beyond ``r = radius_m``. An incident linked to the venue by ``venue_id`` has k = 1 there.
    A ``boost`` directive with a ``category`` multiplies the terms of that category for its target
    venues.
``R`` rotation
    ``min(cap, max(0, days - target_days) / target_days)`` where ``days`` is the time from the last
    visit to the night's start; a venue never visited gets ``cap``.
``S`` presence
    the desa's overdue bonus. ``desa_days`` is the time from the most recent last visit of any
    venue of the venue's desa to the night's start (``inf``: none ever visited; NaN: no desa), and
    ``target = presence.target_days[level]`` of the desa's own kerawanan level
    (``presence.default_target_days`` for a level not listed). ``S = 0`` while
    ``desa_days < target``, then ``min(presence.cap, presence.weight * desa_days / target)``;
    ``presence.cap`` for a desa never visited; 0 for a venue without a desa. No separate weight.
``F`` recent factor
    ``min(1, floor + (1 - floor) * days / rotation.target_days)`` with
    ``floor = rotation.recent_floor`` and ``days`` since the venue's own last visit; 1 for a venue
    never visited. It scales the whole bracket: the same venue does not win night after night.
``P`` reports
    ``sum_r m_r * 2 ** (-age_r / history.report_half_life_days)`` over the community reports made
    strictly before the night's start and at most ``history.report_lookback_days`` before it:
    ``m_r`` is 1 for a report about this venue and
    ``weights.report_desa_share`` for a report tied only to the venue's desa, times
    ``weights.report_not_police`` when it is not a police matter.
``W`` kind
    ``kinds.weights[kind]`` (``kinds.default_weight`` for an unlisted kind).
``D`` directive factor
    the *product* of the factors of every active ``boost`` directive (without ``category``) that
    targets the venue; 1 when none does. Overlapping boosts therefore multiply.

The weights are ``w_K = weights.kerawanan``, ``w_I = weights.incidents``,
``w_R = weights.rotation`` and ``w_P = history.report_weight``.

The night's start is D 12:00 WIB (the zero of the night clock) unless ``night_start`` is given;
the pipeline passes the first shift's start. Nothing at or after it is seen, so replaying history
never sees the future. A directive is active on the nights whose date (WIB) lies in
``[from, to]``, both included. ``exclude`` and ``must_visit`` directives only set the flags: the
priority is still computed (the routing model drops excluded venues and forces must-visit ones).

The score also carries ``risk = K + I`` (unweighted: the fixed yardstick of risk collected,
:data:`planner.risk.priority.RISK_YARDSTICK`), and the desa's ``desa_days`` and
``desa_target_days``.

The steps live in modules of their own: ``clock`` (the night's start, ages), ``places`` (where each
venue is), ``directives`` (checking and applying them), ``incidents``, ``components`` and
``presence`` (the components), ``reasons`` (the sentences; wording in ``planner.text.risk``) and ``priority``
(:func:`score`, :func:`score_dataset`, :func:`score_table`). Risk reads no file of the visit log:
the caller hands in a :class:`VisitHistory`.
"""

from __future__ import annotations

from planner.risk.clock import night_start_of
from planner.risk.directives import active_directives, read_polygon, validate_directives
from planner.risk.incidents import kernel_weight, soft_cap
from planner.risk.presence import desa_days
from planner.risk.priority import (
    COLUMNS,
    COMPONENTS,
    DESA_COLUMNS,
    RISK_YARDSTICK,
    VisitHistory,
    score,
    score_dataset,
    score_table,
)

__all__ = [
    "COLUMNS",
    "COMPONENTS",
    "DESA_COLUMNS",
    "RISK_YARDSTICK",
    "VisitHistory",
    "active_directives",
    "desa_days",
    "kernel_weight",
    "night_start_of",
    "read_polygon",
    "score",
    "score_dataset",
    "score_table",
    "soft_cap",
    "validate_directives",
]
