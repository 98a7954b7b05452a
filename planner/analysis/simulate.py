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

The tables and metrics are derived from the replay's tables in
:mod:`planner.analysis.measures` (its docstring and ``docs/analysis.md`` define every metric):
risk-weighted coverage, risk collected on the fixed yardstick, desa reached per 7 nights, rawan
desa and venues left without a visit, visits per desa per night, gaps, workload and
predictability.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
from planner._tables import frame_csv_bytes
from planner.analysis.baseline import manual_plan
from planner.analysis.measures import (
    COMPARE_METRICS,
    HIGH_LEVELS,
    ROUTE_COLUMNS,
    TIE,
    VISIT_COLUMNS,
    WINDOW_NIGHTS,
    compare_metrics,
    jaccard,
    longest_gap_days,
    measure,
)
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
        ``coverage``, ``risk_total`` (the fixed yardstick of tonight's candidates),
        ``desa_overdue`` (desa of the candidates past their presence target
        at the night's start; NaN without presence scores), ``km``, ``status``, ``jitter_pct``,
        ``jitter_seed``, ``solve_s``, ``retries`` (solves repeated with a longer limit because
        none returned a plan), and from the visits ``risk_collected`` (their yardstick),
        ``risk_share``, ``desa_reached`` (distinct desa visited) and ``desa_max_visits`` (the
        most visits of one desa).
    visits
        One row per planned visit: ``night``, ``squad_id``, ``order``, ``venue_id``,
        ``desa_code``, ``kecamatan``, ``priority`` (true), ``priority_used`` (after jitter),
        ``risk`` (the venue's yardstick that night), ``start`` (HH:MM WIB), ``leg_km``.
    routes
        One row per night and squad: ``night``, ``squad_id``, ``visits``, ``km`` (with the
        way back), ``travel_min``.
    per_venue
        One row per venue: ``venue_id``, ``desa_code``, ``kecamatan``, ``kerawanan`` (of the
        desa), ``active``, ``visits``, ``first_visit``, ``last_visit``, ``longest_gap_days``,
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
    per_desa
        One row per desa with an active venue: ``desa_code``, ``kecamatan``, ``kerawanan``,
        ``windows_reached``, ``windows``, ``missed_a_window`` (not reached in some window).
    metrics
        The summary (:mod:`planner.analysis.measures`), JSON-able floats and ints.
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
    per_desa: pd.DataFrame
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
            res, truth, retries = _replay_night(ds, night, log_store, opts)
            night_rows.append(_night_row(res, truth, venue_desa, opts, retries))
            visit_rows.extend(_visit_rows(res.plan, truth, ds))
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


@dataclass(frozen=True)
class _Truth:
    """Tonight's true scores (before any jitter) by venue: what the measures count."""

    priority: Mapping[str, float]
    risk: Mapping[str, float]
    desa_days: Mapping[str, float]
    desa_target_days: Mapping[str, float]

    @classmethod
    def of(cls, scores: pd.DataFrame) -> _Truth:
        ids = scores["venue_id"].astype(str)

        def col(name: str) -> dict[str, float]:
            if name not in scores.columns:
                return {}
            return dict(zip(ids, scores[name].astype(float), strict=True))

        return cls(col("priority"), col("risk"), col("desa_days"), col("desa_target_days"))


def _replay_night(
    ds: Dataset, night: Night, store: HistoryStore, opts: _NightOptions
) -> tuple[pipeline.NightResult, _Truth, int]:
    """Plan one replayed night through ``pipeline.plan_night``, which verifies the plan once
    with the independent checker (a violation raises ``PlanViolationError``, as for a real
    night). A night that comes back without a plan is solved again with twice the limit, up to
    :data:`NO_SOLUTION_RETRIES` times.

    Returns the night, its true (unjittered) scores and how many retries it took.
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
    return res, _Truth.of(truth["scores"]), attempt


def _candidates(problem: NightProblem) -> list[str]:
    """Tonight's candidate venues: in the problem, or pruned for a reason that still counts."""
    kept = list(problem.node_ids[problem.n_depots :])
    return kept + [d.venue_id for d in problem.dropped if d.reason not in NOT_CANDIDATES]


def _night_row(
    res: pipeline.NightResult,
    truth: _Truth,
    venue_desa: Mapping[str, str],
    opts: _NightOptions,
    retries: int,
) -> dict[str, Any]:
    """The ``per_night`` row of one replayed night (coverage and the yardstick with the true
    scores)."""
    plan = res.plan
    candidates = _candidates(res.problem)
    visited = plan.visited_ids()
    total = float(sum(truth.priority.get(v, 0.0) for v in candidates))
    collected = float(sum(truth.priority.get(v, 0.0) for v in visited))
    return {
        "night": res.night.date,
        "method": opts.method,
        "visits": plan.visits,
        "collected": collected,
        "total": total,
        "coverage": collected / total if total > 0 else 0.0,
        "risk_total": float(sum(truth.risk.get(v, 0.0) for v in candidates)),
        "desa_overdue": _desa_overdue(truth, candidates, venue_desa),
        "km": sum(r.dist_m for r in plan.routes) / 1000.0,
        "status": res.status,
        "jitter_pct": float(opts.jitter_pct),
        "jitter_seed": night_seed(opts.seed, res.night),
        "solve_s": float(res.timings.get("solve", 0.0)),
        "retries": retries,
    }


def _desa_overdue(truth: _Truth, candidates: Sequence[str], venue_desa: Mapping[str, str]) -> float:
    """Desa of tonight's candidates past their presence target at the night's start
    (``desa_days > desa_target_days`` of the scores); NaN when the scores have no such columns."""
    if not truth.desa_days or not truth.desa_target_days:
        return math.nan
    late = {
        venue_desa.get(v)
        for v in candidates
        if truth.desa_days.get(v, math.nan) > truth.desa_target_days.get(v, math.nan)
    }
    late.discard(None)
    return float(len(late))


def _visit_rows(plan: Plan, truth: _Truth, ds: Dataset) -> list[dict[str, Any]]:
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
                    "priority": float(truth.priority.get(stop.venue_id, 0.0)),
                    "priority_used": float(stop.priority),
                    "risk": float(truth.risk.get(stop.venue_id, 0.0)),
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
    """Build the tidy tables and the metrics of a replay from its nights and visits
    (:func:`planner.analysis.measures.measure`)."""
    visits = pd.DataFrame(list(visit_rows), columns=list(VISIT_COLUMNS))
    routes = pd.DataFrame(list(route_rows), columns=list(ROUTE_COLUMNS))
    dates = [start + dt.timedelta(days=i) for i in range(nights)]
    desa_levels = dict(zip(ds.desa["desa_code"].astype(str), ds.desa["kerawanan"], strict=True))
    m = measure(
        venues=ds.venues,
        desa_levels=desa_levels,
        squad_ids=[sq.squad_id for sq in ds.squads],
        per_night=pd.DataFrame(list(night_rows)),
        visits=visits,
        routes=routes,
        dates=dates,
        wall_s=wall_s,
    )
    return Replay(
        method=method,
        start=start,
        nights=nights,
        jitter_pct=jitter_pct,
        seed=seed,
        settings=settings,
        per_night=m.per_night,
        visits=visits,
        routes=routes,
        per_venue=m.per_venue,
        per_squad=m.per_squad,
        desa_weekly=m.desa_weekly,
        per_kecamatan=m.per_kecamatan,
        per_desa=m.per_desa,
        metrics=m.metrics,
        plans=plans,
    )


# ------------------------------------------------------------------------ tables


def write_tables(
    replays: Sequence[Replay], out: Path | str, *, comparison: pd.DataFrame | None = None
) -> list[Path]:
    """Write the replays' tidy tables as CSV into ``out`` (all files or none).

    ``per_malam.csv`` (per night), ``kunjungan.csv`` (visits), ``per_tempat.csv`` (venues),
    ``per_regu.csv`` (squads), ``desa_7hari.csv`` (desa reached per 7 nights), ``per_desa.csv``
    (windows each desa was reached in), each with a ``method`` column, and ``banding.csv`` (the
    comparison) when given.

    Every CSV is in the planner's one dialect (``planner._tables.frame_csv_bytes``: ``;``, a
    decimal comma, CRLF, UTF-8 with a BOM, formula-safe text); read one back with
    ``pd.read_csv(path, sep=";", decimal=",")``.
    """
    out = Path(out)

    def cat(attr: str) -> bytes:
        frames = [getattr(r, attr).assign(method=r.method) for r in replays]
        return frame_csv_bytes(pd.concat(frames, ignore_index=True))

    files = {
        out / "per_malam.csv": cat("per_night"),
        out / "kunjungan.csv": cat("visits"),
        out / "per_tempat.csv": cat("per_venue"),
        out / "per_regu.csv": cat("per_squad"),
        out / "desa_7hari.csv": cat("desa_weekly"),
        out / "per_desa.csv": cat("per_desa"),
    }
    if comparison is not None:
        files[out / "banding.csv"] = frame_csv_bytes(comparison)
    return replace_all(files)


# ------------------------------------------------------------------------ comparison


def compare(a: Replay, b: Replay) -> pd.DataFrame:
    """Two replays side by side (e.g. optimiser against the manual baseline).

    Returns one row per metric of :data:`COMPARE_METRICS`: ``metric``, ``higher_is_better``,
    the value of each replay (columns named after ``a.method`` and ``b.method``, or ``a``/``b``
    when the methods are equal), ``difference`` (a − b), ``ratio`` (a / b, NaN when b is 0) and
    ``winner`` (the better replay's column name, or ``"tie"``).
    """
    names = (a.method, b.method) if a.method != b.method else ("a", "b")
    return compare_metrics(a.metrics, b.metrics, names)


HEADLINE_METRICS: tuple[str, ...] = (
    *(key for key, _ in COMPARE_METRICS[:9]),
    "coverage",
    "visits_per_night",
    "priority_per_km",
)
"""The metrics ``planner simulate --baseline`` headlines (:func:`wins`): the nine presence
measures of issue 14, coverage, visits per night and priority per km."""


def wins(
    comparison: pd.DataFrame, *, metrics: Sequence[str] = HEADLINE_METRICS
) -> dict[str, tuple[str, ...]]:
    """Which replay is better on which of ``metrics``, from a :func:`compare` table.

    Returns a mapping from each replay's column name (``"optimizer"``, ``"baseline"``) and
    ``"tie"`` (:data:`~planner.analysis.measures.TIE`) to the metrics it wins, in the order of ``metrics`` — every name present, an
    empty tuple when it wins none, so the baseline's wins are reported as plainly as the
    optimiser's.
    """
    names = [c for c in comparison.columns if c not in _COMPARE_FIXED]
    winner = dict(zip(comparison["metric"], comparison["winner"], strict=True))
    out: dict[str, list[str]] = {name: [] for name in [*names, TIE]}
    for key in metrics:
        if key in winner:
            out.setdefault(str(winner[key]), []).append(key)
    return {name: tuple(keys) for name, keys in out.items()}


_COMPARE_FIXED = frozenset({"metric", "higher_is_better", "difference", "ratio", "winner"})


__all__ = [
    "COMPARE_METRICS",
    "DEFAULT_NIGHTS",
    "DEFAULT_TIME_LIMIT_S",
    "HEADLINE_METRICS",
    "HIGH_LEVELS",
    "METHODS",
    "TIMING_METRICS",
    "WINDOW_NIGHTS",
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
    "wins",
    "with_settings",
    "write_tables",
]
