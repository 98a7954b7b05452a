"""The one place where the steps of a night are composed.

``preflight`` runs every check before a solve — output folder writable → load → score →
matrix → compile — and returns a :class:`Preflight`; ``planner validate`` is exactly that.
``plan_night`` runs ``preflight`` and then solve → check → legs and returns a
:class:`NightResult`; the plan is verified here, once, by the independent checker (the solver
does not check itself). ``render.outputs.write_night`` renders and writes the night's files from
the result. The CLI and the notebooks both call these; nothing else wires the modules together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from shapely.geometry import LineString

from planner import check, history, network, risk, routing
from planner.config import Settings
from planner.domain import Dropped, Night, Plan, Squad
from planner.errors import PlannerError, output_error
from planner.problem import NightProblem, SolveResult, build_problem
from planner.sources import Dataset, load_dataset
from planner.text import Lang, msg

if TYPE_CHECKING:
    from planner.history import HistoryStore
    from planner.history.queries import VenueNotes

PhaseHook = Callable[[str, str, float], None]
"""``hook(phase, event, seconds)``: event is ``"start"``, then ``"end"`` (seconds spent) or
``"failed"`` (an error or Ctrl-C ended the phase; seconds spent until then)."""

PHASES = ("load", "score", "matrix", "compile", "solve", "check", "legs")

Solver = Callable[[NightProblem, Settings], SolveResult]
"""``solver(problem, settings) -> SolveResult``: an alternative to ``routing.solve``."""


@dataclass(frozen=True)
class NightResult:
    """Everything known about a planned night; renderers read it, nothing changes it."""

    night: Night
    dataset: Dataset
    settings: Settings
    squads: tuple[Squad, ...]
    scores: pd.DataFrame
    problem: NightProblem
    result: SolveResult
    legs: Mapping[str, Sequence[LineString]]
    timings: dict[str, float] = field(default_factory=dict)
    lang: Lang = "id"
    venue_notes: Mapping[str, VenueNotes] = field(default_factory=dict)
    """Venue id → what the visit log says of it before tonight (its last visit's reports, its
    open follow-ups: :func:`planner.history.queries.venue_notes`); empty without a log."""

    @property
    def plan(self) -> Plan:
        return self.result.plan

    @property
    def status(self) -> str:
        return self.result.status


class _Timer:
    def __init__(self, hook: PhaseHook | None) -> None:
        self.hook = hook
        self.timings: dict[str, float] = {}

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if self.hook:
            self.hook(name, "start", 0.0)
        t0 = time.perf_counter()
        event = "failed"  # an error or Ctrl-C inside the phase: the hook must not say done
        try:
            yield
            event = "end"
        finally:
            spent = time.perf_counter() - t0
            self.timings[name] = self.timings.get(name, 0.0) + spent
            if self.hook:
                self.hook(name, event, spent)


def night_start(night: Night, squads: Sequence[Squad]) -> dt.datetime:
    """The start of tonight's patrols: the earliest shift start (incidents after it don't count)."""
    first = min((s.shift.start_min for s in squads), default=0)
    return night.at(first)


@dataclass(frozen=True)
class Preflight:
    """Everything checked before a solve: the dataset read, tonight's scores, the matrices and
    the compiled problem. ``planner validate`` stops here; :func:`plan_night` goes on to solve.
    """

    night: Night
    dataset: Dataset
    settings: Settings
    squads: tuple[Squad, ...]
    scores: pd.DataFrame
    matrices: network.Matrices
    problem: NightProblem
    lang: Lang = "id"

    @property
    def unreachable(self) -> tuple[Dropped, ...]:
        """Venues left out tonight because no road (or no time) lets a squad get there and
        back: reason ``unreachable``, ``detail`` the network's reason (``too_far``,
        ``isolated``), ``no_road`` or ``in_time``."""
        return tuple(d for d in self.problem.dropped if d.reason == "unreachable")


def preflight(
    dataset: Dataset | Path | str,
    night: Night,
    *,
    roster: Path | None = None,
    settings: Settings | None = None,
    out: Path | None = None,
    lang: Lang | None = None,
    on_phase: PhaseHook | None = None,
    store: HistoryStore | None = None,
    adjust_scores: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> Preflight:
    """Every check :func:`plan_night` runs before solving, and nothing after.

    Reads and checks the dataset (every file, the settings, the road file), scores tonight
    (the directives checked against the dataset and against each other), computes the
    matrices and compiles the problem (a station with no road to its squads' venues is an
    error; venues no squad can reach are dropped as ``unreachable``). With ``out``, the output
    folder must be writable first. ``planner validate`` is this function without the solve,
    so the two never disagree on an input.

    Raises
    ------
    InputError
        Every problem with the input found by the first step that fails.
    OutputError
        ``out`` cannot be written (checked before anything else).
    """
    return _preflight(
        dataset, night, roster=roster, settings=settings, out=out, lang=lang, store=store,
        adjust_scores=adjust_scores, timer=_Timer(on_phase),
    )  # fmt: skip


def _preflight(
    dataset: Dataset | Path | str,
    night: Night,
    *,
    roster: Path | None,
    settings: Settings | None,
    out: Path | None,
    lang: Lang | None,
    store: HistoryStore | None,
    adjust_scores: Callable[[pd.DataFrame], pd.DataFrame] | None,
    timer: _Timer,
) -> Preflight:
    if out is not None:
        check_writable(out)
    with timer.phase("load"):
        ds = _load(dataset, roster=roster, settings=settings)
        cfg = ds.settings
        lang = lang or cfg.general.lang
        squads = ds.squads
        start = night_start(night, squads)

    with timer.phase("score"):
        # The visit log (<dataset>/history.sqlite), when there is one, feeds rotation and the
        # community-report component; only what happened before tonight's start counts.
        scores = risk.score_dataset(
            ds, night, night_start=start, lang=lang, history=visit_history(ds, start, store=store)
        )
        if adjust_scores is not None:
            scores = adjust_scores(scores)

    with timer.phase("matrix"):
        matrices = _matrices(ds)

    with timer.phase("compile"):
        problem = build_problem(
            night=night,
            venues=ds.venues,
            scores=scores,
            squads=squads,
            stations=ds.stations,
            node_ids=list(matrices.ids),
            travel_s=matrices.travel_s,
            dist_m=matrices.dist_m,
            unreachable={k: v[0] for k, v in matrices.unreachable.items()},
            settings=cfg,
            take_travel=matrices.move_travel,  # one night per Matrices: no second copy
        )
    return Preflight(
        night=night, dataset=ds, settings=cfg, squads=squads, scores=scores,
        matrices=matrices, problem=problem, lang=lang,
    )  # fmt: skip


_NOTHING_PLANNED = msg("Belum ada yang direncanakan.", "Nothing was planned yet.")
"""What an output refused before the solve leaves: nothing (:func:`check_writable`)."""


def check_writable(folder: Path) -> Path:
    """Make sure the night's files can be written under ``folder``, before a night is solved.

    A probe file is created and removed in ``folder``, or, when it does not exist yet, in its
    nearest existing parent (where it would be created): nothing is left behind and no folder
    is created, so a plan refused for bad input writes nothing.

    Raises
    ------
    OutputError
        The folder (or the parent it would be made in) is read-only, not a folder, not
        permitted, or the disk is full.
    """
    import errno
    import os
    import tempfile

    folder = Path(folder)
    where = folder
    while not where.exists() and where.parent != where:
        where = where.parent
    try:
        if not where.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(where))
        fd, probe = tempfile.mkstemp(prefix=".planner-probe-", dir=where)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise output_error(folder, exc, then=_NOTHING_PLANNED) from None
    return folder


def check_writable_file(path: Path) -> Path:
    """Make sure a file can be written at ``path`` (e.g. ``--export-problem``), before a night
    is solved: ``path`` is not an existing folder and its folder passes
    :func:`check_writable`. Nothing is written.

    Raises
    ------
    OutputError
        ``path`` is a folder, or its folder cannot be written (see :func:`check_writable`).
    """
    import errno
    import os

    path = Path(path)
    if path.is_dir():
        exc = IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        raise output_error(path, exc, then=_NOTHING_PLANNED)
    check_writable(path.parent)
    return path


def plan_night(
    dataset: Dataset | Path | str,
    night: Night,
    *,
    roster: Path | None = None,
    settings: Settings | None = None,
    time_limit_s: float | None = None,
    seed: int | None = None,
    reproducible: bool | None = None,
    lang: Lang | None = None,
    on_phase: PhaseHook | None = None,
    store: HistoryStore | None = None,
    draw_legs: bool = True,
    adjust_scores: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    solver: Solver | None = None,
    out: Path | None = None,
) -> NightResult:
    """Plan one night end to end: :func:`preflight`, then solve → check → legs.

    Parameters
    ----------
    dataset
        A loaded :class:`~planner.sources.Dataset` or the path of a dataset folder.
    night
        The night to plan.
    roster
        Another ``squads.toml`` than the dataset's own.
    settings
        Settings to use instead of the dataset's ``planner.toml``.
    time_limit_s, seed, reproducible
        Override ``settings.routing``.
    lang
        Language of the reasons (default ``settings.general.lang``).
    on_phase
        Called at the start and end of every phase (progress display, benchmarks).
    store
        Read last visits and community reports from this open visit log instead of the
        dataset's own (a replay's in-memory log, ``simulate.run``).
    draw_legs
        Compute the road geometry of every leg (maps need it; a replay does not, and skipping
        it avoids loading the road network when the matrices are cached).
    adjust_scores
        Called with tonight's scores before compiling; the problem is built from what it
        returns (``simulate`` randomises priorities with it). ``NightResult.scores`` holds the
        adjusted scores.
    solver
        ``solver(problem, settings) -> SolveResult`` instead of ``routing.solve`` (the manual
        baseline of ``simulate``); its plan is checked like the optimiser's.
    out
        The folder the night will be written to: checked writable before anything is solved
        (:func:`check_writable`).
    """
    timer = _Timer(on_phase)
    pre = _preflight(
        dataset, night, roster=roster, settings=settings, out=out, lang=lang, store=store,
        adjust_scores=adjust_scores, timer=timer,
    )  # fmt: skip
    problem, cfg = pre.problem, pre.settings

    with timer.phase("solve"):
        if solver is not None:
            result = solver(problem, cfg)
        else:
            result = routing.solve(
                problem, cfg, time_limit_s=time_limit_s, seed=seed, reproducible=reproducible,
            )  # fmt: skip

    with timer.phase("check"):
        # the one check of the plan; a must-visit the plan declares unmet is not a violation
        # (the CLI exits 1 for it), one it leaves out silently is
        check.assert_feasible(result.plan, problem, allow_unmet_must_visit=True)

    legs: dict[str, list[LineString]] = {}
    if draw_legs:
        with timer.phase("legs"):
            legs = {
                route.squad_id: _route_legs(pre.matrices, pre.squads, route)
                for route in result.plan.routes
            }

    return NightResult(
        night=night,
        dataset=pre.dataset,
        settings=cfg,
        squads=pre.squads,
        scores=pre.scores,
        problem=problem,
        result=result,
        legs=legs,
        timings=timer.timings,
        lang=pre.lang,
        venue_notes=venue_notes(pre.dataset, night_start(night, pre.squads), store=store),
    )


def visit_history(
    ds: Dataset, start: dt.datetime, *, store: HistoryStore | None = None
) -> risk.VisitHistory:
    """What the visit log says before ``start``: last visit per venue and recent reports.

    Read from ``store`` when given (a replay's in-memory log), else from the dataset's own
    ``history.sqlite`` when it exists; a dataset without a log has no history
    (``risk.VisitHistory()``). Only what happened strictly before ``start`` counts.
    """
    path = history.default_store_path(ds.root, ds.settings)
    if store is None and not path.exists():
        return risk.VisitHistory()
    days = ds.settings.history.report_lookback_days
    with contextlib.nullcontext(store) if store is not None else history.open_store(path) as st:
        return risk.VisitHistory(
            last_visits=history.last_visits(st, before=start),
            reports=history.recent_reports(st, before=start, days=days),
        )


def venue_notes(
    ds: Dataset, start: dt.datetime, *, store: HistoryStore | None = None
) -> dict[str, VenueNotes]:
    """What the visit log says of each venue before ``start`` (the route sheet's particular
    lines): read like :func:`visit_history`, from ``store`` or the dataset's own log; empty
    when there is none."""
    path = history.default_store_path(ds.root, ds.settings)
    if store is None and not path.exists():
        return {}
    with contextlib.nullcontext(store) if store is not None else history.open_store(path) as st:
        return history.queries.venue_notes(st, before=start)


def _load(
    dataset: Dataset | Path | str, *, roster: Path | None, settings: Settings | None
) -> Dataset:
    """The dataset, read again when another roster or other settings are asked for."""
    if isinstance(dataset, Dataset):
        ds = dataset
        if roster is not None or settings is not None:
            ds = load_dataset(ds.root, roster=roster, settings=settings or ds.settings)
    else:
        ds = load_dataset(Path(dataset), roster=roster, settings=settings)
    if not ds.squads:
        raise PlannerError(
            msg("Tidak ada regu di daftar regu malam ini.", "No squads in tonight's roster.")
        )
    return ds


def _matrices(ds: Dataset) -> network.Matrices:
    """Travel times between every station and venue for tonight's vehicle profiles; the road
    network is loaded only when the matrices are not cached yet."""
    cfg = ds.settings
    if ds.roads is None:
        raise PlannerError(
            msg(
                f"Folder {ds.root} tidak berisi jaringan jalan (roads.graphml / .osm / .osm.pbf).",
                f"{ds.root} has no road network (roads.graphml / .osm / .osm.pbf).",
            )
        )
    return network.build_matrices(
        ds.roads,
        _points(ds),
        [str(s) for s in ds.stations["station_id"]],
        sorted({s.vehicle for s in ds.squads}),
        cfg,
        ds.root / cfg.network.cache_dir,
    )


def _points(ds: Dataset) -> Any:
    """Stations, then every venue, as one id + geometry table.

    All venues go into the matrix, not only tonight's candidates: the matrix then depends on
    the dataset alone, so its cache serves every night (the builder prunes per night).
    """
    import geopandas as gpd

    frame = pd.concat(
        [
            ds.stations[["station_id", "geometry"]].rename(columns={"station_id": "id"}),
            ds.venues[["venue_id", "geometry"]].rename(columns={"venue_id": "id"}),
        ],
        ignore_index=True,
    )
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _route_legs(matrices: Any, squads: Sequence[Squad], route: Any) -> list[LineString]:
    squad = next(s for s in squads if s.squad_id == route.squad_id)
    ids = [route.station_id, *(s.venue_id for s in route.stops), route.station_id]
    if len(ids) == 2:
        return []
    return [network.leg_geometry(matrices, squad.vehicle, a, b) for a, b in itertools.pairwise(ids)]


__all__ = [
    "PHASES",
    "NightResult",
    "Preflight",
    "check_writable",
    "check_writable_file",
    "night_start",
    "plan_night",
    "preflight",
    "venue_notes",
    "visit_history",
]
