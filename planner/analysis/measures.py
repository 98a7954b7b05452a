"""The measures of a replay, computed from its tidy tables (no planning, no re-scoring).

:func:`planner.analysis.simulate.run` replays nights and writes what happened into tables (one row
per night, per visit, per route); everything analysts compare is derived here from those tables,
vectorised over the visit table: a venue × night and a desa × night matrix of visits, and
windows over them by cumulative sums. The functions take plain DataFrames, so a test can build a
visit table by hand and know the answer.

The definitions (also in ``docs/analysis.md``):

``coverage``
    Risk-weighted coverage: true priority collected / true priority of tonight's candidates
    (active, not excluded venues), per night and over all nights (sums, not a mean of shares).
``risk_collected``, ``risk_share``
    The fixed yardstick (``risk`` = kerawanan + incidents, unweighted; the same for every
    setting): the sum over every replayed visit of the venue's ``risk`` that night (true scores,
    before any jitter), and that sum / the yardstick of tonight's candidates summed over the
    nights. Settings with different weights are compared on this, not on ``coverage``.
``desa_7d_*``
    Desa reached at least once in each 7-night window (a window ends on every night from the
    7th on; a replay shorter than 7 nights is one window): mean and worst window, count and
    share. The denominator is the desa with at least one active venue (the others cannot be
    reached).
``high_desa_missed``
    Desa of level ``tinggi``/``sangat_tinggi`` (with an active venue) not reached in at least one
    7-night window. Target 0.
``rawan_unvisited_14n``
    Rawan venues (active venues in ``tinggi``/``sangat_tinggi`` desa) not visited in a 14-night
    window, the largest count over the windows (a window ends on every night from the 14th on; a
    shorter replay is one window). Target ≤ 35 on the demo.
``desa_max_visits_night``, ``desa_reached_night_mean``
    The most visits one desa got in one night; the distinct desa visited per night, averaged.
``desa_overdue_mean``
    Desa of tonight's candidates past their presence target at the night's start
    (``desa_days > desa_target_days`` of the scores), averaged over the nights; only when the
    scores carry those columns. A replay starts with an empty visit log, so the first nights
    count every desa.
``high_gap_*``
    For venues in ``tinggi``/``sangat_tinggi`` desa: the longest run of replayed nights without
    a visit, in days (censored at both ends; a venue never visited has the whole replay).
``squad_visits_*``, ``squad_km_*``
    Workload balance across the roster: min, max and coefficient of variation (population
    standard deviation / mean) of visits and kilometres per squad over the replay.
``jaccard_mean``
    Predictability: the Jaccard overlap of the venue sets of consecutive nights, per squad
    (pairs where both nights are empty are skipped), averaged. 1 means the same venues every
    night.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

HIGH_LEVELS = ("tinggi", "sangat_tinggi")
"""Kerawanan levels whose desa and venues are tracked (``high_*``, ``rawan_*``)."""
WINDOW_NIGHTS = 7
"""Width of the desa-reach windows (``desa_7d_*``, ``high_desa_missed``)."""
GAP_WINDOW_NIGHTS = 14
"""Width of the windows of ``rawan_unvisited_14n``."""

VISIT_COLUMNS = (
    "night", "squad_id", "order", "venue_id", "desa_code", "kecamatan", "priority",
    "priority_used", "risk", "start", "leg_km",
)  # fmt: skip
ROUTE_COLUMNS = ("night", "squad_id", "visits", "km", "travel_min")


# ------------------------------------------------------------------------ small helpers


def _cv(values: np.ndarray) -> float:
    mean = float(np.mean(values)) if len(values) else 0.0
    return float(np.std(values) / mean) if mean > 0 else 0.0


def longest_gap_days(visited: Sequence[int], nights: int) -> int:
    """The longest run of nights without a visit, nights numbered ``0 .. nights-1``.

    >>> longest_gap_days([0, 7], 14)
    6
    >>> longest_gap_days([], 14)
    14
    """
    marks = sorted({int(v) for v in visited if 0 <= v < nights})
    edges = [-1, *marks, nights]
    return max(b - a - 1 for a, b in itertools.pairwise(edges))


def jaccard(a: set[str], b: set[str]) -> float | None:
    """``|a ∩ b| / |a ∪ b|``; ``None`` when both are empty."""
    union = a | b
    return len(a & b) / len(union) if union else None


def window_ends(nights: int, width: int) -> list[int]:
    """The last night (0-based) of every window of ``width`` nights in a replay of ``nights``.

    A window ends on every night from the ``width``-th on; a shorter replay is one window.

    >>> window_ends(9, 7)
    [6, 7, 8]
    >>> window_ends(3, 7)
    [2]
    """
    if nights < 1:
        return []
    return list(range(width - 1, nights)) if nights >= width else [nights - 1]


def visit_matrix(
    keys: Sequence[str], visit_keys: Sequence[str], visit_days: np.ndarray, nights: int
) -> np.ndarray:
    """A ``len(keys) × nights`` boolean matrix: was key ``i`` visited on night ``j``.

    ``visit_keys[k]`` (a venue or a desa) was visited on night ``visit_days[k]`` (0-based);
    visits of keys not in ``keys`` and outside the nights are ignored.
    """
    out = np.zeros((len(keys), nights), dtype=bool)
    if len(visit_keys) == 0:
        return out
    rows = pd.Index(list(keys)).get_indexer(pd.Index([str(k) for k in visit_keys]))
    days = np.asarray(visit_days, dtype=np.int64)
    ok = (rows >= 0) & (days >= 0) & (days < nights)
    out[rows[ok], days[ok]] = True
    return out


def window_any(hit: np.ndarray, width: int) -> np.ndarray:
    """Per row, whether any night of each window (:func:`window_ends`) is marked.

    ``hit`` is ``rows × nights`` (boolean); the result is ``rows × windows``.
    """
    n_rows, nights = hit.shape
    ends = np.asarray(window_ends(nights, width), dtype=np.int64)
    cum = np.zeros((n_rows, nights + 1), dtype=np.int64)
    np.cumsum(hit, axis=1, out=cum[:, 1:])
    starts = np.maximum(0, ends - width + 1)
    return (cum[:, ends + 1] - cum[:, starts]) > 0


def longest_gaps(hit: np.ndarray) -> np.ndarray:
    """:func:`longest_gap_days` of every row of a ``rows × nights`` visit matrix at once."""
    n_rows, nights = hit.shape
    run = np.zeros(n_rows, dtype=np.int64)
    best = np.zeros(n_rows, dtype=np.int64)
    for j in range(nights):  # a loop over nights, vectorised over the rows
        run = np.where(hit[:, j], 0, run + 1)
        np.maximum(best, run, out=best)
    return best


def day_index(nights: pd.Series | Sequence[dt.date], dates: Sequence[dt.date]) -> np.ndarray:
    """The 0-based replay night of every date (−1 for a date outside the replay)."""
    return np.asarray(pd.Index(list(dates)).get_indexer(pd.Index(list(nights))), dtype=np.int64)


# ------------------------------------------------------------------------ tables


def per_venue(
    venues: pd.DataFrame,
    desa_levels: Mapping[str, str | None],
    visits: pd.DataFrame,
    dates: Sequence[dt.date],
) -> pd.DataFrame:
    """One row per venue: its desa's level, whether it is active, its visits and longest gap.

    Parameters
    ----------
    venues
        ``venue_id``, ``desa_code``, ``kecamatan`` and optionally ``active`` (default true).
    desa_levels
        Kerawanan level per desa code.
    visits
        The visit table (``night``, ``venue_id``, ``priority``).
    dates
        The replayed nights, in order.
    """
    nights = len(dates)
    vids = venues["venue_id"].astype(str).to_numpy()
    codes = venues["desa_code"].astype(str).to_numpy()
    days = day_index(visits["night"], dates)
    hit = visit_matrix(vids, visits["venue_id"].astype(str).tolist(), days, nights)
    counts = hit.sum(axis=1)
    first = np.argmax(hit, axis=1)
    last = nights - 1 - np.argmax(hit[:, ::-1], axis=1)
    mean_prio = (
        visits.groupby(visits["venue_id"].astype(str))["priority"].mean() if len(visits) else None
    )
    active = (
        venues["active"].astype(bool).to_numpy()
        if "active" in venues.columns
        else np.ones(len(vids), dtype=bool)
    )
    return pd.DataFrame(
        {
            "venue_id": vids,
            "desa_code": codes,
            "kecamatan": venues["kecamatan"].astype(str).to_numpy(),
            "kerawanan": [desa_levels.get(c) for c in codes],
            "active": active,
            "visits": counts.astype(int),
            "first_visit": [dates[f] if n else None for f, n in zip(first, counts, strict=True)],
            "last_visit": [dates[x] if n else None for x, n in zip(last, counts, strict=True)],
            "longest_gap_days": longest_gaps(hit).astype(int),
            "mean_priority": (
                mean_prio.reindex(vids).to_numpy(dtype=float)
                if mean_prio is not None
                else np.full(len(vids), math.nan)
            ),
        }
    )


@dataclass(frozen=True)
class DesaReach:
    """Desa reached per 7-night window, and what the metrics need of it.

    Attributes
    ----------
    weekly
        One row per window and kecamatan: ``window_end``, ``kecamatan``, ``desa_reached``,
        ``desa_total``, ``share``.
    per_kecamatan
        One row per kecamatan: ``desa_total``, ``desa_reached_mean``, ``share_mean``,
        ``reached_every_window``.
    desa
        One row per desa with an active venue: ``desa_code``, ``kecamatan``, ``kerawanan``,
        ``windows_reached``, ``windows``, ``missed_a_window``.
    shares
        The share of the desa reached in each window.
    """

    weekly: pd.DataFrame
    per_kecamatan: pd.DataFrame
    desa: pd.DataFrame
    shares: np.ndarray

    @property
    def desa_total(self) -> int:
        return len(self.desa)


def desa_reach(
    venue_table: pd.DataFrame, visits: pd.DataFrame, dates: Sequence[dt.date]
) -> DesaReach:
    """Desa (with an active venue) reached in each window of :data:`WINDOW_NIGHTS` nights.

    ``venue_table`` is :func:`per_venue`'s table; ``visits`` needs ``night`` and ``desa_code``.
    """
    active = venue_table[venue_table["active"]]
    desa = active.drop_duplicates("desa_code")[["desa_code", "kecamatan", "kerawanan"]]
    desa = desa.sort_values(["kecamatan", "desa_code"]).reset_index(drop=True)
    codes = desa["desa_code"].astype(str).tolist()
    hit = visit_matrix(
        codes,
        visits["desa_code"].astype(str).tolist(),
        day_index(visits["night"], dates),
        len(dates),
    )
    reached = window_any(hit, WINDOW_NIGHTS)  # desa × windows
    ends = [dates[e] for e in window_ends(len(dates), WINDOW_NIGHTS)]
    kec = desa["kecamatan"].astype(str).to_numpy()
    by_kec = pd.DataFrame(reached.astype(int), index=kec, columns=range(len(ends)))
    counts = by_kec.groupby(level=0, sort=True).sum()
    totals = pd.Series(kec).value_counts().sort_index()
    weekly = pd.DataFrame(
        [
            {
                "window_end": end,
                "kecamatan": str(k),
                "desa_reached": int(counts.at[k, w]),
                "desa_total": int(totals[k]),
                "share": int(counts.at[k, w]) / int(totals[k]),
            }
            for w, end in enumerate(ends)
            for k in totals.index
        ],
        columns=["window_end", "kecamatan", "desa_reached", "desa_total", "share"],
    )
    every: np.ndarray = np.asarray(reached.all(axis=1), dtype=bool)  # reached in every window
    per_kecamatan = (
        weekly.groupby("kecamatan", as_index=False)
        .agg(
            desa_total=("desa_total", "first"),
            desa_reached_mean=("desa_reached", "mean"),
            share_mean=("share", "mean"),
        )
        .assign(reached_every_window=lambda f: [int(every[kec == k].sum()) for k in f["kecamatan"]])
    )
    table = desa.assign(
        windows_reached=reached.sum(axis=1).astype(int),
        windows=reached.shape[1],
        missed_a_window=~every,
    )
    shares = reached.mean(axis=0) if len(codes) else np.zeros(reached.shape[1])
    return DesaReach(weekly=weekly, per_kecamatan=per_kecamatan, desa=table, shares=shares)


def rawan_unvisited(
    venue_table: pd.DataFrame, visits: pd.DataFrame, dates: Sequence[dt.date]
) -> np.ndarray:
    """Per window of :data:`GAP_WINDOW_NIGHTS` nights, the rawan venues (active, in a
    ``tinggi``/``sangat_tinggi`` desa) with no visit in it."""
    rawan = venue_table[venue_table["active"] & venue_table["kerawanan"].isin(HIGH_LEVELS)]
    hit = visit_matrix(
        rawan["venue_id"].astype(str).tolist(),
        visits["venue_id"].astype(str).tolist(),
        day_index(visits["night"], dates),
        len(dates),
    )
    return (~window_any(hit, GAP_WINDOW_NIGHTS)).sum(axis=0)


def night_spread(visits: pd.DataFrame, dates: Sequence[dt.date]) -> pd.DataFrame:
    """Per night: ``desa_reached`` (distinct desa visited) and ``desa_max_visits`` (the most
    visits one desa got), every night of ``dates`` (0 for an empty night)."""
    index = pd.Index(list(dates), name="night")
    if not len(visits):
        return pd.DataFrame({"desa_reached": 0, "desa_max_visits": 0}, index=index)
    per_desa = visits.groupby(["night", "desa_code"]).size()
    out = per_desa.groupby(level="night").agg(["size", "max"])
    out.columns = ["desa_reached", "desa_max_visits"]
    return out.reindex(index, fill_value=0).astype(int)


def per_squad(
    squad_ids: Sequence[str],
    visits: pd.DataFrame,
    routes: pd.DataFrame,
    dates: Sequence[dt.date],
) -> tuple[pd.DataFrame, list[float]]:
    """One row per squad of the roster (workload and predictability), and the Jaccard overlap
    of every squad's consecutive nights (the pairs ``jaccard_mean`` averages)."""
    squad_rows = []
    jac_all: list[float] = []
    for sid in squad_ids:
        mine = visits[visits["squad_id"] == sid]
        sets = [set(mine.loc[mine["night"] == d, "venue_id"]) for d in dates]
        pairs = [jaccard(a, b) for a, b in itertools.pairwise(sets)]
        vals = [p for p in pairs if p is not None]
        jac_all.extend(vals)
        squad_rows.append(
            {
                "squad_id": sid,
                "visits": len(mine),
                "km": 0.0,
                "nights_active": sum(1 for s in sets if s),
                "jaccard_mean": float(np.mean(vals)) if vals else math.nan,
            }
        )
    table = pd.DataFrame(
        squad_rows, columns=["squad_id", "visits", "km", "nights_active", "jaccard_mean"]
    )
    km_by_squad = routes.groupby("squad_id")["km"].sum().to_dict() if len(routes) else {}
    table["km"] = [float(km_by_squad.get(s, 0.0)) for s in table["squad_id"]]
    return table, jac_all


# ------------------------------------------------------------------------ the summary


@dataclass(frozen=True)
class Measures:
    """Every table and metric derived from a replay's nights, visits and routes."""

    per_night: pd.DataFrame
    per_venue: pd.DataFrame
    per_squad: pd.DataFrame
    desa_weekly: pd.DataFrame
    per_kecamatan: pd.DataFrame
    per_desa: pd.DataFrame
    metrics: dict[str, float]


def measure(
    *,
    venues: pd.DataFrame,
    desa_levels: Mapping[str, str | None],
    squad_ids: Sequence[str],
    per_night: pd.DataFrame,
    visits: pd.DataFrame,
    routes: pd.DataFrame,
    dates: Sequence[dt.date],
    wall_s: float = 0.0,
) -> Measures:
    """The tables and metrics of a replay (see the module docstring for each metric).

    Parameters
    ----------
    venues
        ``venue_id``, ``desa_code``, ``kecamatan``, ``active`` of every venue of the dataset.
    desa_levels
        Kerawanan level per desa code.
    squad_ids
        The roster (a squad without visits still counts in the workload balance).
    per_night
        One row per night, in order: ``night``, ``visits``, ``collected``, ``total``,
        ``coverage``, ``km``, ``status``, and optionally ``risk_total`` (the yardstick of the
        night's candidates), ``solve_s``, ``retries``, ``desa_overdue``. The returned table adds
        ``risk_collected`` (the visits' ``risk``), ``risk_share``, ``desa_reached`` and
        ``desa_max_visits``.
    visits, routes
        The visit table (``night``, ``squad_id``, ``venue_id``, ``desa_code``, ``priority``,
        ``risk``) and the route table (``night``, ``squad_id``, ``km``).
    dates
        The replayed nights.
    wall_s
        The replay's wall time.
    """
    nights = len(dates)
    venue_table = per_venue(venues, desa_levels, visits, dates)
    reach = desa_reach(venue_table, visits, dates)
    squads, jaccards = per_squad(squad_ids, visits, routes, dates)
    spread = night_spread(visits, dates)
    night_table = per_night.copy()
    if len(night_table):
        for col in spread.columns:
            night_table[col] = spread[col].reindex(night_table["night"], fill_value=0).to_numpy()
        got = visits.groupby("night")["risk"].sum() if len(visits) else pd.Series(dtype=float)
        night_table["risk_collected"] = got.reindex(night_table["night"], fill_value=0.0).to_numpy(
            dtype=float
        )
        if "risk_total" in night_table:
            tot = night_table["risk_total"].to_numpy(dtype=float)
            share = np.divide(
                night_table["risk_collected"].to_numpy(), tot, out=np.zeros(len(tot)), where=tot > 0
            )
            night_table["risk_share"] = share
    gaps = rawan_unvisited(venue_table, visits, dates)
    metrics = _metrics(night_table, venue_table, squads, reach, jaccards, nights, wall_s)
    high = reach.desa[reach.desa["kerawanan"].isin(HIGH_LEVELS)]
    metrics.update(
        {
            "high_desa": len(high),
            "high_desa_missed": int(high["missed_a_window"].sum()),
            "rawan_unvisited_14n": int(gaps.max()) if len(gaps) else 0,
            "rawan_unvisited_14n_mean": float(gaps.mean()) if len(gaps) else 0.0,
            "desa_reached_night_mean": float(spread["desa_reached"].mean()) if nights else 0.0,
            "desa_max_visits_night": int(spread["desa_max_visits"].max()) if nights else 0,
        }
    )
    if "desa_overdue" in night_table and night_table["desa_overdue"].notna().any():
        metrics["desa_overdue_mean"] = float(night_table["desa_overdue"].mean())
    return Measures(
        per_night=night_table,
        per_venue=venue_table,
        per_squad=squads,
        desa_weekly=reach.weekly,
        per_kecamatan=reach.per_kecamatan,
        per_desa=reach.desa,
        metrics=metrics,
    )


def _sum(frame: pd.DataFrame, col: str) -> float:
    return float(frame[col].sum()) if col in frame and len(frame) else 0.0


def _metrics(
    per_night: pd.DataFrame,
    venue_table: pd.DataFrame,
    squads: pd.DataFrame,
    reach: DesaReach,
    jaccards: Sequence[float],
    nights: int,
    wall_s: float,
) -> dict[str, float]:
    """The summary metrics (see the module docstring), JSON-able floats and ints."""
    high = venue_table[venue_table["active"] & venue_table["kerawanan"].isin(HIGH_LEVELS)]
    total_prio, collected = _sum(per_night, "total"), _sum(per_night, "collected")
    risk_total, risk_got = _sum(per_night, "risk_total"), _sum(per_night, "risk_collected")
    km_total = _sum(per_night, "km")
    n_visits = int(_sum(per_night, "visits"))
    sv = squads["visits"].to_numpy(dtype=float)
    sk = squads["km"].to_numpy(dtype=float)
    shares = reach.shares
    weekly = reach.weekly.groupby("window_end")["desa_reached"].sum()
    return {
        "nights": nights,
        "nights_no_solution": int((per_night["status"] == "no_solution").sum()),
        "nights_retried": int((per_night["retries"] > 0).sum()) if "retries" in per_night else 0,
        "coverage": collected / total_prio if total_prio > 0 else 0.0,
        "coverage_night_mean": float(per_night["coverage"].mean()) if nights else 0.0,
        "coverage_night_min": float(per_night["coverage"].min()) if nights else 0.0,
        "risk_collected": risk_got,
        "risk_total": risk_total,
        "risk_share": risk_got / risk_total if risk_total > 0 else 0.0,
        "visits": n_visits,
        "visits_per_night": n_visits / nights if nights else 0.0,
        "km": km_total,
        "km_per_visit": km_total / n_visits if n_visits else 0.0,
        "priority_per_km": collected / km_total if km_total > 0 else 0.0,
        "desa_total": reach.desa_total,
        "desa_7d_reached_mean": float(weekly.mean()) if len(weekly) else 0.0,
        "desa_7d_reached_min": int(weekly.min()) if len(weekly) else 0,
        "desa_7d_share_mean": float(np.mean(shares)) if len(shares) else 0.0,
        "desa_7d_share_min": float(np.min(shares)) if len(shares) else 0.0,
        "desa_reached_every_window": int((~reach.desa["missed_a_window"]).sum()),
        "high_venues": len(high),
        "high_gap_max_days": int(high["longest_gap_days"].max()) if len(high) else 0,
        "high_gap_mean_days": float(high["longest_gap_days"].mean()) if len(high) else 0.0,
        "high_never_visited": int((high["visits"] == 0).sum()),
        "squad_visits_min": float(sv.min()) if len(sv) else 0.0,
        "squad_visits_max": float(sv.max()) if len(sv) else 0.0,
        "squad_visits_cv": _cv(sv),
        "squad_km_min": float(sk.min()) if len(sk) else 0.0,
        "squad_km_max": float(sk.max()) if len(sk) else 0.0,
        "squad_km_cv": _cv(sk),
        "jaccard_mean": float(np.mean(jaccards)) if jaccards else 0.0,
        "solve_s_mean": float(per_night["solve_s"].mean()) if "solve_s" in per_night else 0.0,
        "wall_s": float(wall_s),
    }


# ------------------------------------------------------------------------ comparison

COMPARE_METRICS: tuple[tuple[str, bool], ...] = (
    ("risk_collected", True),
    ("risk_share", True),
    ("desa_7d_share_mean", True),
    ("desa_7d_share_min", True),
    ("high_desa_missed", False),
    ("rawan_unvisited_14n", False),
    ("jaccard_mean", False),
    ("km_per_visit", False),
    ("desa_max_visits_night", False),
    ("coverage", True),
    ("coverage_night_min", True),
    ("visits_per_night", True),
    ("km", False),
    ("priority_per_km", True),
    ("desa_reached_night_mean", True),
    ("desa_reached_every_window", True),
    ("desa_overdue_mean", False),
    ("high_gap_max_days", False),
    ("high_gap_mean_days", False),
    ("high_never_visited", False),
    ("squad_visits_cv", False),
    ("squad_km_cv", False),
)
"""Metrics set side by side by :func:`compare_metrics`, and whether higher is better. The first nine
are the measures of issue 14 (presence across the desa)."""

TIE = "tie"
"""The ``winner`` of a metric on which both replays are equal."""


def winner(a: float, b: float, *, higher_is_better: bool, names: tuple[str, str]) -> str:
    """The name of the better of two values (``names[0]`` for ``a``), or :data:`TIE`.

    >>> winner(0.3, 0.2, higher_is_better=False, names=("optimizer", "baseline"))
    'baseline'
    """
    if math.isnan(a) or math.isnan(b) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
        return TIE
    return names[0] if (a > b) == higher_is_better else names[1]


def compare_metrics(
    a_metrics: Mapping[str, float],
    b_metrics: Mapping[str, float],
    names: tuple[str, str] = ("a", "b"),
) -> pd.DataFrame:
    """Two sets of metrics side by side, one row per metric of :data:`COMPARE_METRICS` that
    both have: ``metric``, ``higher_is_better``, a column per name, ``difference`` (a − b),
    ``ratio`` (a / b, NaN when b is 0) and ``winner`` (a name, or :data:`TIE`)."""
    rows = []
    for key, higher in COMPARE_METRICS:
        if key not in a_metrics or key not in b_metrics:
            continue
        va, vb = float(a_metrics[key]), float(b_metrics[key])
        rows.append(
            {
                "metric": key,
                "higher_is_better": higher,
                names[0]: va,
                names[1]: vb,
                "difference": va - vb,
                "ratio": va / vb if vb else math.nan,
                "winner": winner(va, vb, higher_is_better=higher, names=names),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["metric", "higher_is_better", *names, "difference", "ratio", "winner"],
    )


# ------------------------------------------------------------------------ issue targets

Op = Literal[">=", "<=", "=="]


@dataclass(frozen=True)
class Target:
    """A target of issue 14 on one metric: ``metric op value``."""

    metric: str
    op: Op
    value: float

    def met(self, actual: float) -> bool:
        """Whether ``actual`` meets the target."""
        if self.op == ">=":
            return actual >= self.value
        if self.op == "<=":
            return actual <= self.value
        return actual == self.value


ISSUE_TARGETS: tuple[Target, ...] = (
    Target("desa_7d_share_mean", ">=", 0.95),
    Target("high_desa_missed", "==", 0),
    Target("rawan_unvisited_14n", "<=", 35),
    Target("jaccard_mean", "<=", 0.25),
)
"""The absolute targets of issue 14 (28 replayed nights of the demo)."""
BEAT_BASELINE: tuple[str, ...] = (
    "risk_collected",
    "desa_7d_share_mean",
    "rawan_unvisited_14n",
    "jaccard_mean",
    "km_per_visit",
)
"""Metrics on which the optimiser must beat the manual baseline at once (issue 14)."""


def target_table(
    metrics: Mapping[str, float], baseline: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Every target of issue 14, met or not: ``target`` (text such as
    ``jaccard_mean <= 0.25`` or ``risk_collected better than baseline``), ``metric``,
    ``value``, ``threshold`` and ``passed``. The beat-the-baseline rows need ``baseline``."""
    rows: list[dict[str, Any]] = []
    for t in ISSUE_TARGETS:
        v = float(metrics[t.metric])
        rows.append(
            {
                "target": f"{t.metric} {t.op} {t.value:g}",
                "metric": t.metric,
                "value": v,
                "threshold": float(t.value),
                "passed": t.met(v),
            }
        )
    if baseline is not None:
        higher = dict(COMPARE_METRICS)
        for key in BEAT_BASELINE:
            v, b = float(metrics[key]), float(baseline[key])
            who = winner(v, b, higher_is_better=higher[key], names=("a", "b"))
            rows.append(
                {
                    "target": f"{key} better than baseline",
                    "metric": key,
                    "value": v,
                    "threshold": b,
                    "passed": who == "a",
                }
            )
    return pd.DataFrame(rows, columns=["target", "metric", "value", "threshold", "passed"])


__all__ = [
    "BEAT_BASELINE",
    "COMPARE_METRICS",
    "GAP_WINDOW_NIGHTS",
    "HIGH_LEVELS",
    "ISSUE_TARGETS",
    "ROUTE_COLUMNS",
    "TIE",
    "VISIT_COLUMNS",
    "WINDOW_NIGHTS",
    "DesaReach",
    "Measures",
    "Target",
    "compare_metrics",
    "day_index",
    "desa_reach",
    "jaccard",
    "longest_gap_days",
    "longest_gaps",
    "measure",
    "night_spread",
    "per_squad",
    "per_venue",
    "rawan_unvisited",
    "target_table",
    "visit_matrix",
    "window_any",
    "window_ends",
    "winner",
]
