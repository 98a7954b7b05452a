"""Replaying many nights for analysts: coverage, reach, gaps, workload and predictability.

:func:`run` plans night after night with :func:`planner.pipeline.plan_night` (the one place the
steps are composed), records each night's planned stops as done in an in-memory visit log so
rotation works on the following nights, and summarises the weeks in tidy tables and metrics.
Incidents are replayed in time order: each night only counts incidents before its start
(``risk`` guarantees it through ``night_start``), and the visit log holds only the replayed
earlier nights — a replay never sees the future.

Every replayed plan, the optimiser's and the baseline's, comes from ``pipeline.plan_night``,
which verifies it once with the independent checker (:func:`planner.check.verify`) and raises
:class:`~planner.check.PlanViolationError` on a violation; a replay never calls
``routing.solve`` itself, so no plan is trusted from the solver.

Two more tools for the trade-offs analysts tune:

* **unpredictability** — ``jitter_pct`` randomises tonight's priorities within ±x % (seeded per
  night and logged) before compiling, so routes vary while staying near the best plan; the
  coverage is still measured with the true priorities;
* **manual baseline** — :func:`planner.analysis.baseline.manual_plan`, a "planner by hand"
  heuristic on the compiled problem, used as ``run(..., method="baseline")``; :func:`compare`
  sets both replays side by side.

Metric definitions (also in ``docs/analysis.md``):

``coverage``
    Risk-weighted coverage: true priority collected / true priority of tonight's candidates
    (active, not excluded venues), per night and over all nights (sums, not a mean of shares).
``desa_7d_*``
    Desa reached at least once in each 7-night window (a window ends on every night from the
    7th on; a replay shorter than 7 nights is one window). The denominator is the desa with at
    least one active venue (the others cannot be reached).
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

import dataclasses
import datetime as dt
import itertools
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from planner import pipeline
from planner._atomic import replace_all
from planner.analysis.baseline import manual_plan
from planner.analysis.overrides import apply_overrides
from planner.config import Settings
from planner.domain import Night, Plan, format_clock_s
from planner.errors import InputError, Problem
from planner.history import HistoryStore, open_store, record_plan
from planner.problem import NightProblem
from planner.sources import Dataset, load_dataset
from planner.text import Lang, Msg, msg

log = logging.getLogger(__name__)

Method = Literal["optimizer", "baseline"]
METHODS: tuple[Method, ...] = ("optimizer", "baseline")
HIGH_LEVELS = ("tinggi", "sangat_tinggi")
"""Kerawanan levels whose venues' gaps are tracked (``high_gap_*``)."""
WINDOW_NIGHTS = 7
DEFAULT_NIGHTS = 14
DEFAULT_TIME_LIMIT_S = 2.0
NO_SOLUTION_RETRIES = 2
"""A night whose solve returns no plan is solved again with twice the time limit, this often."""
NOT_CANDIDATES = frozenset({"excluded", "inactive"})
"""Drop reasons of venues that are not in tonight's total priority (``problem.py``)."""

NightHook = Callable[[int, int, Night], None]
"""``hook(done, total, night)`` after each replayed night (progress bars)."""

# Timing columns differ run to run; everything else is deterministic in reproducible mode.
TIMING_METRICS = ("wall_s", "solve_s_mean")


# ------------------------------------------------------------------------ unpredictability


def night_seed(seed: int, night: Night) -> int:
    """The seed of one night's priority jitter: stable, distinct per night and base seed."""
    return int(seed) * 1_000_003 + night.date.toordinal()


def jitter_priorities(scores: pd.DataFrame, pct: float, seed: int) -> pd.DataFrame:
    """Multiply every priority by a factor drawn uniformly from ``[1 - pct/100, 1 + pct/100]``.

    Must-visit and excluded flags are kept; priorities stay ≥ 0. ``pct = 0`` returns the scores
    unchanged. The same ``seed`` gives the same factors.
    """
    if pct < 0 or pct > 100:
        raise ValueError(f"jitter_pct must lie in [0, 100], got {pct}")
    if pct == 0:
        return scores
    rng = np.random.default_rng(seed)
    factor = 1.0 + rng.uniform(-pct / 100.0, pct / 100.0, size=len(scores))
    out = scores.copy()
    out["priority"] = np.maximum(0.0, out["priority"].to_numpy(dtype=float) * factor)
    return out


# ------------------------------------------------------------------------ replay


@dataclass(frozen=True)
class Replay:
    """A replay of consecutive nights with one setting and one method.

    Attributes
    ----------
    method
        ``"optimizer"`` (OR-Tools) or ``"baseline"`` (:func:`manual_plan`).
    start, nights
        The first night and how many nights were replayed.
    jitter_pct, seed
        The priority randomisation (±%) and its base seed.
    settings
        The settings used (overrides applied).
    per_night
        One row per night: ``night``, ``method``, ``visits``, ``collected``, ``total``,
        ``coverage``, ``km``, ``status``, ``jitter_pct``, ``jitter_seed``, ``solve_s``,
        ``retries`` (solves repeated with a longer limit because none returned a plan).
    visits
        One row per planned visit: ``night``, ``squad_id``, ``order``, ``venue_id``,
        ``desa_code``, ``kecamatan``, ``priority`` (true), ``priority_used`` (after jitter),
        ``start`` (HH:MM WIB), ``leg_km``.
    routes
        One row per night and squad: ``night``, ``squad_id``, ``visits``, ``km`` (with the
        way back), ``travel_min``.
    per_venue
        One row per venue: ``venue_id``, ``desa_code``, ``kecamatan``, ``kerawanan`` (of the
        desa), ``visits``, ``first_visit``, ``last_visit``, ``longest_gap_days``,
        ``mean_priority``.
    per_squad
        One row per squad: ``squad_id``, ``visits``, ``km``, ``nights_active``,
        ``jaccard_mean``.
    desa_weekly
        One row per 7-night window and kecamatan: ``window_end``, ``kecamatan``,
        ``desa_reached``, ``desa_total``, ``share``.
    per_kecamatan
        One row per kecamatan: ``desa_total``, ``desa_reached_mean``, ``share_mean``,
        ``reached_every_window``.
    metrics
        The summary (see the module docstring), JSON-able floats and ints.
    """

    method: Method
    start: dt.date
    nights: int
    jitter_pct: float
    seed: int
    settings: Settings
    per_night: pd.DataFrame
    visits: pd.DataFrame
    routes: pd.DataFrame
    per_venue: pd.DataFrame
    per_squad: pd.DataFrame
    desa_weekly: pd.DataFrame
    per_kecamatan: pd.DataFrame
    metrics: dict[str, float]
    plans: tuple[Plan, ...] = field(default=(), repr=False)


def parse_date(value: object) -> dt.date:
    """A date from a ``date``, a ``datetime`` (its date) or ``YYYY-MM-DD`` text.

    Raises
    ------
    ValueError
        Anything else.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _as_date(value: dt.date | str, *, name: str) -> dt.date:
    try:
        return parse_date(value)
    except ValueError:
        raise _bad_argument(name, value, msg("tanggal YYYY-MM-DD", "a YYYY-MM-DD date")) from None


def default_start(dataset: Dataset, nights: int) -> dt.date:
    """The first night of a replay of the last ``nights`` nights of the incident record.

    The replay then ends on the day of the latest incident, so every incident is replayed in
    time order; with no incidents it ends today (WIB).
    """
    inc = dataset.incidents
    if len(inc):
        last = pd.Timestamp(inc["occurred_at"].max()).tz_convert("Asia/Jakarta").date()
    else:
        last = Night.tonight().date
    return last - dt.timedelta(days=max(1, nights) - 1)


def with_settings(dataset: Dataset, settings: Settings) -> Dataset:
    """The dataset read again with other settings, keeping its roster."""
    if settings == dataset.settings:
        return dataset
    again = load_dataset(dataset.root, settings=settings)
    return dataclasses.replace(again, squads=dataset.squads)


def run(
    dataset: Dataset | Path | str,
    settings: Settings | Mapping[str, Any] | None = None,
    start: dt.date | str | None = None,
    nights: int = DEFAULT_NIGHTS,
    *,
    method: Method = "optimizer",
    jitter_pct: float = 0.0,
    seed: int = 0,
    time_limit_s: float | None = DEFAULT_TIME_LIMIT_S,
    reproducible: bool | None = None,
    store: HistoryStore | None = None,
    keep_plans: bool = False,
    lang: Lang | None = None,
    on_night: NightHook | None = None,
) -> Replay:
    """Replay ``nights`` consecutive nights from ``start``.

    Parameters
    ----------
    dataset
        A loaded dataset or a dataset folder (loaded once).
    settings
        Settings to use, or a mapping of dotted overrides onto the dataset's own
        (``{"weights.incidents": 2.0}``, see :func:`apply_overrides`); ``None``: the dataset's.
    start
        The first night (default :func:`default_start`: the last ``nights`` nights of the
        incident record).
    nights
        How many consecutive nights.
    method
        ``"optimizer"`` (``routing.solve``) or ``"baseline"`` (:func:`manual_plan`).
    jitter_pct
        Randomise tonight's priorities within ±this % before routing (seeded per night with
        :func:`night_seed`; logged and kept in ``per_night``). Coverage uses the true priorities.
    seed
        Base seed of the jitter and of the solver.
    time_limit_s, reproducible
        Per-night solver limits (override ``settings.routing``). A replay does not need the
        20 s of a real night; reproducible mode (a solution budget) makes sweeps repeatable.
    store
        The visit log the replay writes its nights into (default: a new in-memory one, so
        the replay starts with no visit history). It must not hold visits after ``start``.
    keep_plans
        Keep every night's :class:`~planner.domain.Plan` in ``Replay.plans``.
    lang
        Language of the score reasons (not used by the metrics).
    on_night
        Called after every night (progress).

    Returns
    -------
    Replay
        Tidy tables and the summary metrics.
    """
    _check_run(nights, method, jitter_pct)
    ds = dataset if isinstance(dataset, Dataset) else load_dataset(Path(dataset))
    cfg = settings if isinstance(settings, Settings) else apply_overrides(ds.settings, settings)
    ds = with_settings(ds, cfg)
    first = default_start(ds, nights) if start is None else _as_date(start, name="start")
    opts = _NightOptions(method, jitter_pct, seed, time_limit_s, reproducible, lang)
    own_store = store is None
    log_store = open_store(":memory:") if store is None else store
    venue_desa = {
        str(v): str(d) for v, d in zip(ds.venues["venue_id"], ds.venues["desa_code"], strict=False)
    }
    night_rows: list[dict[str, Any]] = []
    visit_rows: list[dict[str, Any]] = []
    route_rows: list[dict[str, Any]] = []
    plans: list[Plan] = []
    t_run = time.perf_counter()
    try:
        for i in range(nights):
            night = Night(first + dt.timedelta(days=i))
            res, true_prio, retries = _replay_night(ds, night, log_store, opts)
            night_rows.append(_night_row(res, true_prio, opts, retries))
            visit_rows.extend(_visit_rows(res.plan, true_prio, ds))
            route_rows.extend(_route_rows(res.plan))
            record_plan(log_store, res.plan, venue_desa=venue_desa, source=f"replay:{method}")
            if keep_plans:
                plans.append(res.plan)
            if on_night is not None:
                on_night(i + 1, nights, night)
    finally:
        if own_store:
            log_store.close()
    wall_s = time.perf_counter() - t_run
    return summarize(
        ds,
        night_rows,
        visit_rows,
        route_rows,
        method=method,
        start=first,
        nights=nights,
        jitter_pct=jitter_pct,
        seed=seed,
        settings=cfg,
        wall_s=wall_s,
        plans=tuple(plans),
    )


@dataclass(frozen=True)
class _NightOptions:
    """How every night of one replay is planned (the arguments of :func:`run`)."""

    method: Method
    jitter_pct: float
    seed: int
    time_limit_s: float | None
    reproducible: bool | None
    lang: Lang | None


def _check_run(nights: int, method: str, jitter_pct: float) -> None:
    """Refuse fewer than one night, an unknown method and a jitter outside 0-100 %."""
    if nights < 1:
        raise _bad_argument("nights", nights, msg("minimal 1 malam", "at least 1 night"))
    if method not in METHODS:
        raise _bad_argument("method", method, msg(" / ".join(METHODS), " / ".join(METHODS)))
    if not 0 <= jitter_pct <= 100:
        raise _bad_argument(
            "jitter_pct",
            jitter_pct,
            msg("persen antara 0 dan 100", "a percentage between 0 and 100"),
        )


def _bad_argument(name: str, value: object, expected: Msg) -> InputError:
    """The error for a bad argument ``name`` (it names the file and the column)."""
    return InputError([Problem(name, None, name, value, expected)])


def _replay_night(
    ds: Dataset, night: Night, store: HistoryStore, opts: _NightOptions
) -> tuple[pipeline.NightResult, dict[str, float], int]:
    """Plan one replayed night through ``pipeline.plan_night``, which verifies the plan once
    with the independent checker (a violation raises ``PlanViolationError``, as for a real
    night). A night that comes back without a plan is solved again with twice the limit, up to
    :data:`NO_SOLUTION_RETRIES` times.

    Returns the night, its true (unjittered) priorities by venue and how many retries it took.
    """
    jseed = night_seed(opts.seed, night)
    truth: dict[str, pd.DataFrame] = {}

    def adjust(scores: pd.DataFrame) -> pd.DataFrame:
        truth["scores"] = scores
        return jitter_priorities(scores, opts.jitter_pct, jseed)

    if opts.jitter_pct:
        log.info("night %s: priorities jittered ±%s%% (seed %d)", night, opts.jitter_pct, jseed)
    solver = manual_plan if opts.method == "baseline" else None
    limit = opts.time_limit_s
    for attempt in range(1 + NO_SOLUTION_RETRIES):
        res = pipeline.plan_night(
            ds,
            night,
            time_limit_s=limit,
            seed=opts.seed,
            reproducible=opts.reproducible,
            lang=opts.lang,
            store=store,
            draw_legs=False,
            adjust_scores=adjust,
            solver=solver,
        )
        if res.status != "no_solution" or res.problem.n_nodes == res.problem.n_depots:
            break
        # A busy machine can use up a short limit before the search returns anything;
        # an empty night would count as zero coverage, so try again with more time.
        base_limit = limit if limit is not None else ds.settings.routing.time_limit_s
        limit = 2.0 * base_limit
        log.warning(
            "night %s: no plan within %s s (attempt %d); retrying with %s s",
            night,
            base_limit,
            attempt + 1,
            limit,
        )
    scores = truth["scores"]
    true_prio = dict(
        zip(scores["venue_id"].astype(str), scores["priority"].astype(float), strict=True)
    )
    return res, true_prio, attempt


def _candidates(problem: NightProblem) -> list[str]:
    """Tonight's candidate venues: in the problem, or pruned for a reason that still counts."""
    kept = list(problem.node_ids[problem.n_depots :])
    return kept + [d.venue_id for d in problem.dropped if d.reason not in NOT_CANDIDATES]


def _night_row(
    res: pipeline.NightResult, true_prio: Mapping[str, float], opts: _NightOptions, retries: int
) -> dict[str, Any]:
    """The ``per_night`` row of one replayed night (coverage with the true priorities)."""
    plan = res.plan
    total = float(sum(true_prio.get(v, 0.0) for v in _candidates(res.problem)))
    collected = float(sum(true_prio.get(v, 0.0) for v in plan.visited_ids()))
    return {
        "night": res.night.date,
        "method": opts.method,
        "visits": plan.visits,
        "collected": collected,
        "total": total,
        "coverage": collected / total if total > 0 else 0.0,
        "km": sum(r.dist_m for r in plan.routes) / 1000.0,
        "status": res.status,
        "jitter_pct": float(opts.jitter_pct),
        "jitter_seed": night_seed(opts.seed, res.night),
        "solve_s": float(res.timings.get("solve", 0.0)),
        "retries": retries,
    }


def _visit_rows(plan: Plan, true_prio: Mapping[str, float], ds: Dataset) -> list[dict[str, Any]]:
    """The ``visits`` rows of one night's plan, a row per stop."""
    info = ds.venues.set_index(ds.venues["venue_id"].astype(str))
    rows = []
    for route in plan.routes:
        for order, stop in enumerate(route.stops, start=1):
            rows.append(
                {
                    "night": plan.night.date,
                    "squad_id": route.squad_id,
                    "order": order,
                    "venue_id": stop.venue_id,
                    "desa_code": str(info.at[stop.venue_id, "desa_code"]),
                    "kecamatan": str(info.at[stop.venue_id, "kecamatan"]),
                    "priority": float(true_prio.get(stop.venue_id, 0.0)),
                    "priority_used": float(stop.priority),
                    "start": format_clock_s(stop.start_s),
                    "leg_km": stop.dist_m / 1000.0,
                }
            )
    return rows


def _route_rows(plan: Plan) -> list[dict[str, Any]]:
    """The ``routes`` rows of one night's plan, a row per squad."""
    return [
        {
            "night": plan.night.date,
            "squad_id": r.squad_id,
            "visits": len(r.stops),
            "km": r.dist_m / 1000.0,
            "travel_min": r.travel_s / 60.0,
        }
        for r in plan.routes
    ]


# ------------------------------------------------------------------------ metrics


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


VISIT_COLUMNS = (
    "night", "squad_id", "order", "venue_id", "desa_code", "kecamatan", "priority",
    "priority_used", "start", "leg_km",
)  # fmt: skip
ROUTE_COLUMNS = ("night", "squad_id", "visits", "km", "travel_min")


def summarize(
    ds: Dataset,
    night_rows: Sequence[Mapping[str, Any]],
    visit_rows: Sequence[Mapping[str, Any]],
    route_rows: Sequence[Mapping[str, Any]],
    *,
    method: Method,
    start: dt.date,
    nights: int,
    jitter_pct: float,
    seed: int,
    settings: Settings,
    wall_s: float = 0.0,
    plans: tuple[Plan, ...] = (),
) -> Replay:
    """Build the tidy tables and the metrics of a replay from its nights and visits."""
    per_night = pd.DataFrame(list(night_rows))
    visits = pd.DataFrame(list(visit_rows), columns=list(VISIT_COLUMNS))
    routes = pd.DataFrame(list(route_rows), columns=list(ROUTE_COLUMNS))
    dates = [start + dt.timedelta(days=i) for i in range(nights)]
    per_venue = _per_venue(ds, visits, dates)
    reach = _desa_reach(per_venue, visits, dates)
    per_squad, jaccards = _per_squad(ds, visits, routes, dates)
    return Replay(
        method=method,
        start=start,
        nights=nights,
        jitter_pct=jitter_pct,
        seed=seed,
        settings=settings,
        per_night=per_night,
        visits=visits,
        routes=routes,
        per_venue=per_venue,
        per_squad=per_squad,
        desa_weekly=reach.weekly,
        per_kecamatan=reach.per_kecamatan,
        metrics=_metrics(per_night, per_venue, per_squad, reach, jaccards, nights, wall_s),
        plans=plans,
    )


def _per_venue(ds: Dataset, visits: pd.DataFrame, dates: Sequence[dt.date]) -> pd.DataFrame:
    """One row per venue of the dataset: its desa's level, its visits and its longest gap."""
    nights = len(dates)
    day_ix = {d: i for i, d in enumerate(dates)}
    venues = ds.venues
    desa_level = dict(zip(ds.desa["desa_code"].astype(str), ds.desa["kerawanan"], strict=True))
    vids = venues["venue_id"].astype(str).to_numpy()
    desa_codes = venues["desa_code"].astype(str).to_numpy()
    by_venue: dict[str, list[int]] = {}
    for vid, night in zip(visits["venue_id"], visits["night"], strict=True):
        by_venue.setdefault(str(vid), []).append(day_ix[night])
    mean_prio = visits.groupby("venue_id")["priority"].mean().to_dict() if len(visits) else {}
    return pd.DataFrame(
        {
            "venue_id": vids,
            "desa_code": desa_codes,
            "kecamatan": venues["kecamatan"].astype(str).to_numpy(),
            "kerawanan": [desa_level.get(c) for c in desa_codes],
            "active": venues["active"].astype(bool).to_numpy()
            if "active" in venues.columns
            else True,
            "visits": [len(by_venue.get(v, ())) for v in vids],
            "first_visit": [dates[min(by_venue[v])] if v in by_venue else None for v in vids],
            "last_visit": [dates[max(by_venue[v])] if v in by_venue else None for v in vids],
            "longest_gap_days": [longest_gap_days(by_venue.get(v, []), nights) for v in vids],
            "mean_priority": [float(mean_prio.get(v, math.nan)) for v in vids],
        }
    )


@dataclass(frozen=True)
class _DesaReach:
    """Desa reached per 7-night window: the tables and what the metrics need of them."""

    weekly: pd.DataFrame
    per_kecamatan: pd.DataFrame
    window_totals: pd.DataFrame  # desa_reached and desa_total summed per window_end
    every: dict[str, set[str]]  # kecamatan -> desa reached in every window
    desa_total: int


def _desa_reach(
    per_venue: pd.DataFrame, visits: pd.DataFrame, dates: Sequence[dt.date]
) -> _DesaReach:
    """Desa (with an active venue) reached in each window of :data:`WINDOW_NIGHTS` nights."""
    nights = len(dates)
    active = per_venue[per_venue["active"]]
    desa_kec = active.drop_duplicates("desa_code").set_index("desa_code")["kecamatan"]
    totals = desa_kec.value_counts().sort_index()
    ends = list(range(WINDOW_NIGHTS - 1, nights)) if nights >= WINDOW_NIGHTS else [nights - 1]
    weekly_rows = []
    every: dict[str, set[str]] | None = None
    for e in ends:
        lo = dates[max(0, e - WINDOW_NIGHTS + 1)]
        hi = dates[e]
        seen = visits[(visits["night"] >= lo) & (visits["night"] <= hi)]
        reached = set(seen["desa_code"]) & set(desa_kec.index)
        per_kec: dict[str, set[str]] = {k: set() for k in totals.index}
        for code in reached:
            per_kec[desa_kec[code]].add(code)
        every = per_kec if every is None else {k: every[k] & per_kec[k] for k in per_kec}
        for kec, total in totals.items():
            n_reached = len(per_kec[str(kec)])
            weekly_rows.append(
                {
                    "window_end": hi,
                    "kecamatan": str(kec),
                    "desa_reached": n_reached,
                    "desa_total": int(total),
                    "share": n_reached / int(total) if total else 0.0,
                }
            )
    weekly = pd.DataFrame(
        weekly_rows, columns=["window_end", "kecamatan", "desa_reached", "desa_total", "share"]
    )
    per_kecamatan = (
        weekly.groupby("kecamatan", as_index=False)
        .agg(
            desa_total=("desa_total", "first"),
            desa_reached_mean=("desa_reached", "mean"),
            share_mean=("share", "mean"),
        )
        .assign(
            reached_every_window=lambda f: [len((every or {}).get(k, ())) for k in f["kecamatan"]]
        )
    )
    return _DesaReach(
        weekly=weekly,
        per_kecamatan=per_kecamatan,
        window_totals=weekly.groupby("window_end")[["desa_reached", "desa_total"]].sum(),
        every=every or {},
        desa_total=int(totals.sum()),
    )


def _per_squad(
    ds: Dataset, visits: pd.DataFrame, routes: pd.DataFrame, dates: Sequence[dt.date]
) -> tuple[pd.DataFrame, list[float]]:
    """One row per squad of the roster (workload and predictability), and the Jaccard overlap
    of every squad's consecutive nights (the pairs ``jaccard_mean`` averages)."""
    squad_rows = []
    jac_all: list[float] = []
    for sq in ds.squads:
        mine = visits[visits["squad_id"] == sq.squad_id]
        sets = [set(mine.loc[mine["night"] == d, "venue_id"]) for d in dates]
        pairs = [jaccard(a, b) for a, b in itertools.pairwise(sets)]
        vals = [p for p in pairs if p is not None]
        jac_all.extend(vals)
        squad_rows.append(
            {
                "squad_id": sq.squad_id,
                "visits": len(mine),
                "km": 0.0,
                "nights_active": sum(1 for s in sets if s),
                "jaccard_mean": float(np.mean(vals)) if vals else math.nan,
            }
        )
    per_squad = pd.DataFrame(
        squad_rows, columns=["squad_id", "visits", "km", "nights_active", "jaccard_mean"]
    )
    km_by_squad = routes.groupby("squad_id")["km"].sum().to_dict() if len(routes) else {}
    per_squad["km"] = [float(km_by_squad.get(s, 0.0)) for s in per_squad["squad_id"]]
    return per_squad, jac_all


def _metrics(
    per_night: pd.DataFrame,
    per_venue: pd.DataFrame,
    per_squad: pd.DataFrame,
    reach: _DesaReach,
    jaccards: Sequence[float],
    nights: int,
    wall_s: float,
) -> dict[str, float]:
    """The summary metrics (see the module docstring), JSON-able floats and ints."""
    high = per_venue[per_venue["active"] & per_venue["kerawanan"].isin(HIGH_LEVELS)]
    total_prio = float(per_night["total"].sum()) if len(per_night) else 0.0
    collected = float(per_night["collected"].sum()) if len(per_night) else 0.0
    km_total = float(per_night["km"].sum()) if len(per_night) else 0.0
    n_visits = int(per_night["visits"].sum()) if len(per_night) else 0
    sv = per_squad["visits"].to_numpy(dtype=float)
    sk = per_squad["km"].to_numpy(dtype=float)
    window_totals = reach.window_totals
    share_w = (window_totals["desa_reached"] / window_totals["desa_total"]).to_numpy()
    return {
        "nights": nights,
        "nights_no_solution": int((per_night["status"] == "no_solution").sum()),
        "nights_retried": int((per_night["retries"] > 0).sum()) if "retries" in per_night else 0,
        "coverage": collected / total_prio if total_prio > 0 else 0.0,
        "coverage_night_mean": float(per_night["coverage"].mean()),
        "coverage_night_min": float(per_night["coverage"].min()),
        "visits": n_visits,
        "visits_per_night": n_visits / nights,
        "km": km_total,
        "km_per_visit": km_total / n_visits if n_visits else 0.0,
        "priority_per_km": collected / km_total if km_total > 0 else 0.0,
        "desa_total": reach.desa_total,
        "desa_7d_reached_mean": float(window_totals["desa_reached"].mean()),
        "desa_7d_share_mean": float(np.mean(share_w)) if len(share_w) else 0.0,
        "desa_reached_every_window": int(sum(len(s) for s in reach.every.values())),
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
        "solve_s_mean": float(per_night["solve_s"].mean()),
        "wall_s": float(wall_s),
    }


# ------------------------------------------------------------------------ tables


def write_tables(
    replays: Sequence[Replay], out: Path | str, *, comparison: pd.DataFrame | None = None
) -> list[Path]:
    """Write the replays' tidy tables as CSV into ``out`` (all files or none).

    ``per_malam.csv`` (per night), ``kunjungan.csv`` (visits), ``per_tempat.csv`` (venues),
    ``per_regu.csv`` (squads), ``desa_7hari.csv`` (desa reached per 7 nights), each with a
    ``method`` column, and ``banding.csv`` (the comparison) when given.
    """
    out = Path(out)

    def cat(attr: str) -> bytes:
        frames = [getattr(r, attr).assign(method=r.method) for r in replays]
        return pd.concat(frames, ignore_index=True).to_csv(index=False).encode("utf-8")

    files = {
        out / "per_malam.csv": cat("per_night"),
        out / "kunjungan.csv": cat("visits"),
        out / "per_tempat.csv": cat("per_venue"),
        out / "per_regu.csv": cat("per_squad"),
        out / "desa_7hari.csv": cat("desa_weekly"),
    }
    if comparison is not None:
        files[out / "banding.csv"] = comparison.to_csv(index=False).encode("utf-8")
    return replace_all(files)


# ------------------------------------------------------------------------ comparison

COMPARE_METRICS: tuple[tuple[str, bool], ...] = (
    ("coverage", True),
    ("coverage_night_min", True),
    ("visits_per_night", True),
    ("km", False),
    ("priority_per_km", True),
    ("desa_7d_share_mean", True),
    ("desa_reached_every_window", True),
    ("high_gap_max_days", False),
    ("high_gap_mean_days", False),
    ("high_never_visited", False),
    ("squad_visits_cv", False),
    ("squad_km_cv", False),
    ("jaccard_mean", False),
)
"""Metrics set side by side by :func:`compare`, and whether higher is better."""


def compare(a: Replay, b: Replay) -> pd.DataFrame:
    """Two replays side by side (e.g. optimiser against the manual baseline).

    Returns one row per metric of :data:`COMPARE_METRICS`: ``metric``, ``higher_is_better``,
    the value of each replay (columns named after ``a.method`` and ``b.method``, or ``a``/``b``
    when the methods are equal), ``difference`` (a − b) and ``ratio`` (a / b, NaN when b is 0).
    """
    name_a, name_b = (a.method, b.method) if a.method != b.method else ("a", "b")
    rows = []
    for key, higher in COMPARE_METRICS:
        va, vb = float(a.metrics[key]), float(b.metrics[key])
        rows.append(
            {
                "metric": key,
                "higher_is_better": higher,
                name_a: va,
                name_b: vb,
                "difference": va - vb,
                "ratio": va / vb if vb else math.nan,
            }
        )
    return pd.DataFrame(rows)


__all__ = [
    "COMPARE_METRICS",
    "DEFAULT_NIGHTS",
    "DEFAULT_TIME_LIMIT_S",
    "HIGH_LEVELS",
    "METHODS",
    "TIMING_METRICS",
    "Method",
    "NightHook",
    "Replay",
    "compare",
    "default_start",
    "jaccard",
    "jitter_priorities",
    "longest_gap_days",
    "night_seed",
    "parse_date",
    "run",
    "summarize",
    "with_settings",
    "write_tables",
]
