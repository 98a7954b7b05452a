"""Incidents: 90 days of a self-exciting (near-repeat) process before the reference date.

Background incidents fall where kerawanan is high and venues are many, mostly at night; each
may trigger further incidents nearby within days (``rng.poisson(0.38)`` children each), so
incidents cluster in space and time as real ones do. Categories and their usual severity come
from the default settings (``[incidents.categories]``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from planner import config
from planner.demo.facts import INCIDENT_DAYS, REFERENCE_DATE
from planner.demo.venues import Venue
from planner.demo.world import World
from planner.domain import WIB

_CATEGORY_SHARE = {
    "curanmor": 0.20,
    "pencurian": 0.17,
    "perkelahian": 0.10,
    "penganiayaan": 0.07,
    "miras": 0.12,
    "judi": 0.08,
    "balap_liar": 0.09,
    "narkoba": 0.05,
    "pengeroyokan": 0.04,
    "vandalisme": 0.05,
    "lainnya": 0.03,
}
_NIGHT_HOURS = (18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28)  # 24.. = after midnight
_NIGHT_W = (1, 2, 3, 4, 5, 5, 5, 4, 3, 2, 1)


@dataclass(frozen=True)
class Incident:
    """A generated incident in local metres (``venue_id`` when it happened at a venue)."""

    when: dt.datetime
    x: float
    y: float
    category: str
    severity: float | None
    venue_id: str | None


_N_BACKGROUND = 190
"""Background incidents drawn (some fall outside the outline or the 90 days and are lost)."""


def make_incidents(world: World, venues: list[Venue], rng: np.random.Generator) -> list[Incident]:
    """A self-exciting (near-repeat) process: background incidents where kerawanan is high,
    each of which may trigger further incidents nearby within days. Sorted by time."""
    settings = config.Settings()
    severities = settings.incidents.categories
    cats = [c for c in _CATEGORY_SHARE if c in severities] or sorted(severities)
    p_cat = np.array([_CATEGORY_SHARE.get(c, 0.03) for c in cats])
    p_cat = p_cat / p_cat.sum()
    start = dt.datetime.combine(
        REFERENCE_DATE - dt.timedelta(days=INCIDENT_DAYS), dt.time(0, 0), tzinfo=WIB
    )
    end = dt.datetime.combine(REFERENCE_DATE, dt.time(0, 0), tzinfo=WIB)
    by_desa: dict[int, list[Venue]] = {}
    for v in venues:
        by_desa.setdefault(v.desa_index, []).append(v)
    outline = world.outline
    shapely.prepare(outline)

    def category() -> str:
        return cats[int(rng.choice(len(cats), p=p_cat))]

    def severity(category: str) -> float | None:
        if rng.random() > 0.65:
            return None
        s = float(severities[category]) + rng.normal(0.0, 0.6)
        return round(min(5.0, max(0.5, s)), 1)

    queue = _background(
        world, by_desa, settings.kerawanan.levels, start, end, category, severity, rng
    )
    events = _near_repeats(queue, venues, outline, end, category, severity, rng)
    events.sort(key=lambda e: (e.when, e.x, e.y, e.category))
    return events


def _background(
    world: World,
    by_desa: dict[int, list[Venue]],
    level_w: dict[str, float],
    start: dt.datetime,
    end: dt.datetime,
    category: Callable[[], str],
    severity: Callable[[str], float | None],
    rng: np.random.Generator,
) -> list[Incident]:
    """The background incidents, in desa weighted by kerawanan and venues: at a venue (30 %) or
    near a road node of the desa; Friday and Saturday nights for most street races."""
    desa_w = np.array(
        [
            level_w.get(world.kerawanan[i], 1.0) * (1.0 + len(by_desa.get(i, ())) / 6.0)
            for i in range(len(world.desa))
        ]
    )
    desa_w = desa_w / desa_w.sum()
    node_xy = np.asarray(world.roads.xy)

    def clock(day: dt.date, category: str) -> dt.datetime:
        if category in ("curanmor", "pencurian", "vandalisme", "lainnya") and rng.random() < 0.4:
            hour = int(rng.integers(6, 18))
        else:
            hour = int(rng.choice(_NIGHT_HOURS, p=np.array(_NIGHT_W) / sum(_NIGHT_W)))
        base = dt.datetime.combine(day, dt.time(0, 0), tzinfo=WIB)
        return base + dt.timedelta(hours=hour, minutes=int(rng.integers(0, 60)))

    queue: list[Incident] = []
    for _ in range(_N_BACKGROUND):
        cat = category()
        day = start.date() + dt.timedelta(days=int(rng.integers(0, INCIDENT_DAYS)))
        if cat == "balap_liar" and rng.random() < 0.7:  # mostly Friday/Saturday nights
            friday = day - dt.timedelta(days=(day.weekday() - 4) % 7)
            day = max(start.date(), friday + dt.timedelta(days=int(rng.integers(0, 2))))
        when = clock(day, cat)
        if not (start <= when < end):
            continue
        i = int(rng.choice(len(world.desa), p=desa_w))
        venue_id = None
        local = by_desa.get(i, [])
        if local and rng.random() < 0.3:
            v = local[int(rng.integers(len(local)))]
            x, y = v.x + rng.uniform(-25, 25), v.y + rng.uniform(-25, 25)
            venue_id = v.venue_id
        else:
            cell = world.desa_cells[i]
            inside = np.flatnonzero(shapely.contains_xy(cell, node_xy[:, 0], node_xy[:, 1]))
            base_xy = node_xy[int(rng.choice(inside))] if len(inside) else world.desa_xy[i]
            x, y = base_xy + rng.normal(0.0, 120.0, size=2)
        if not shapely.contains_xy(world.outline, x, y):
            continue
        queue.append(Incident(when, float(x), float(y), cat, severity(cat), venue_id))
    return queue


def _near_repeats(
    queue: list[Incident],
    venues: list[Venue],
    outline: BaseGeometry,
    end: dt.datetime,
    category: Callable[[], str],
    severity: Callable[[str], float | None],
    rng: np.random.Generator,
) -> list[Incident]:
    """Every incident of ``queue`` and the ones it triggers, breadth first: each child comes
    hours to days later, nearby (or at the same venue), often of the same category."""
    venue_by_id = {v.venue_id: v for v in venues}
    events: list[Incident] = []
    while queue:
        parent = queue.pop(0)
        events.append(parent)
        for _ in range(int(rng.poisson(0.38))):
            when = parent.when + dt.timedelta(hours=1 + float(rng.exponential(2.5 * 24)))
            when = when.replace(second=0, microsecond=0)
            if when >= end:
                continue
            cat = parent.category if rng.random() < 0.6 else category()
            venue_id = None
            if parent.venue_id and rng.random() < 0.4:
                v = venue_by_id[parent.venue_id]
                x, y = v.x + rng.uniform(-25, 25), v.y + rng.uniform(-25, 25)
                venue_id = v.venue_id
            else:
                x, y = np.array([parent.x, parent.y]) + rng.normal(0.0, 250.0, size=2)
            if not shapely.contains_xy(outline, x, y):
                continue
            queue.append(Incident(when, float(x), float(y), cat, severity(cat), venue_id))
    return events
