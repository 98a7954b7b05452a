"""Sweeps: a grid of settings × start dates replayed as independent tasks on Dask.

``planner sweep SWEEP.toml`` reads a sweep file (format below and in ``docs/analysis.md``),
expands the grid into tasks (one :func:`planner.analysis.simulate.run` each), runs them on a
``dask.distributed`` cluster — a ``LocalCluster`` on this machine by default, or an existing
scheduler (``tcp://host:8786``) — and writes one results table (Parquet and CSV) and a
comparison chart (PNG), all atomically.

Sweep file::

    dataset = "../data/demo"        # dataset folder, relative to the sweep file
    starts = [2026-11-03, 2026-11-17]  # first nights (TOML dates or "YYYY-MM-DD")
    nights = 14                     # nights per replay
    time_limit_s = 1.0              # solver limit per night
    reproducible = false            # solution budget instead of wall time (repeatable)
    seed = 0
    methods = ["optimizer", "baseline"]  # default ["optimizer"]
    jitter_pct = [0, 10]            # an axis of the grid (default [0])
    out = "hasil-sweep"             # output folder, relative to the sweep file

    [settings]                      # fixed overrides for every task (dotted planner.toml keys)
    "routing.solution_limit" = 50

    [grid]                          # every combination of these values is one variant
    "weights.incidents" = [0.5, 1.0, 2.0]
    "weights.rotation" = [1.0, 2.0]

Tasks = variants (grid × ``jitter_pct``) × ``starts`` × ``methods``. A task is independent of
the others: it loads the dataset (once per worker process), replays its nights with its own
in-memory visit log and returns one row of metrics.

Dask, pyarrow and matplotlib come with the ``analysis`` extra (``pip install -e .[analysis]``).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import json
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner._atomic import replace_all
from planner._tables import frame_csv_bytes
from planner.analysis import simulate
from planner.analysis.overrides import apply_overrides
from planner.config import RoutingSettings, load_settings
from planner.errors import InputError, PlannerError, Problem, ProblemCollector
from planner.sources import Dataset, load_dataset
from planner.text import Lang, msg
from planner.text.analysis import METHOD_NAMES, SWEEP_CHART, setting_value

_KEYS = {
    "dataset",
    "starts",
    "nights",
    "time_limit_s",
    "reproducible",
    "seed",
    "methods",
    "jitter_pct",
    "out",
    "settings",
    "grid",
}
RESULT_FILES = ("sweep.parquet", "sweep.csv", "sweep_variants.csv", "sweep.png")

TaskHook = Callable[[int, int, dict[str, Any]], None]
"""``hook(done, total, row)`` as each task finishes (in completion order)."""


@dataclass(frozen=True)
class SweepSpec:
    """A parsed sweep file (see the module docstring); paths are absolute."""

    dataset: Path
    starts: tuple[dt.date, ...]
    nights: int = simulate.DEFAULT_NIGHTS
    time_limit_s: float = 1.0
    reproducible: bool = False
    seed: int = 0
    methods: tuple[str, ...] = ("optimizer",)
    jitter_pct: tuple[float, ...] = (0.0,)
    out: Path = Path("hasil-sweep")
    settings: Mapping[str, Any] = field(default_factory=dict)
    grid: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    source: str = "SWEEP.toml"


@dataclass(frozen=True)
class SweepTask:
    """One replay of a sweep: a variant of the settings, a start date and a method."""

    index: int
    variant: int
    dataset: str
    start: dt.date
    nights: int
    method: str
    jitter_pct: float
    overrides: tuple[tuple[str, Any], ...]
    grid_values: tuple[tuple[str, Any], ...]
    time_limit_s: float
    reproducible: bool
    seed: int


def read_sweep(path: Path | str) -> SweepSpec:
    """Read and check a sweep file; every problem is reported at once (the key is the column).

    Raises
    ------
    InputError
        Unreadable TOML, unknown keys, or values of the wrong kind.
    """
    path = Path(path)
    bag = ProblemCollector(path.name)
    data = _read_toml(path, bag)
    for key in sorted(set(data) - _KEYS):
        bag.add(
            column=key,
            value=data[key],
            expected=msg(
                "kunci yang dikenal: " + ", ".join(sorted(_KEYS)),
                "a known key: " + ", ".join(sorted(_KEYS)),
            ),
        )
    starts = _starts(data, bag)
    nights, limit, reproducible, seed = _scalars(data, bag)
    methods, jitter = _methods_and_jitter(data, bag)
    settings, grid = _settings_and_grid(data, bag)
    dataset = data.get("dataset", "data/demo")
    _check(bag, "dataset", isinstance(dataset, str), dataset, "folder dataset", "a dataset folder")
    out = data.get("out", "hasil-sweep")
    _check(bag, "out", isinstance(out, str), out, "folder keluaran", "an output folder")
    bag.raise_if_any()
    base = path.parent
    return SweepSpec(
        dataset=(base / dataset).resolve(),
        starts=tuple(starts),
        nights=int(nights),
        time_limit_s=float(limit),
        reproducible=bool(reproducible),
        seed=int(seed),
        methods=tuple(methods),
        jitter_pct=tuple(float(j) for j in jitter),
        out=(base / out).resolve(),
        settings=dict(settings),
        grid=grid,
        source=path.name,
    )


def _check(
    bag: ProblemCollector, key: str, ok: bool, value: Any, expected_id: str, expected_en: str
) -> None:
    """A problem with the sweep file's ``key`` unless ``ok``."""
    if not ok:
        bag.add(column=key, value=value, expected=msg(expected_id, expected_en))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _read_toml(path: Path, bag: ProblemCollector) -> dict[str, Any]:
    """The sweep file's TOML; a missing or unreadable file raises at once."""
    if not path.is_file():
        bag.add(
            value=str(path), expected=msg("berkas sweep TOML yang ada", "an existing sweep TOML")
        )
        bag.raise_if_any()
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        bag.add(value=str(exc), expected=msg("berkas TOML yang valid", "valid TOML"))
        raise InputError(bag.problems) from None


def _starts(data: Mapping[str, Any], bag: ProblemCollector) -> list[dt.date]:
    """``starts``: one first night or a list of them (TOML dates or ``YYYY-MM-DD``)."""
    starts_raw = data.get("starts", [])
    if isinstance(starts_raw, str | dt.date):
        starts_raw = [starts_raw]
    starts: list[dt.date] = []
    if not isinstance(starts_raw, list) or not starts_raw:
        _check(
            bag,
            "starts",
            False,
            starts_raw,
            "daftar tanggal malam pertama",
            "a list of first nights",
        )
        return starts
    for i, s in enumerate(starts_raw):
        try:
            starts.append(simulate.parse_date(s))
        except (TypeError, ValueError):
            _check(bag, f"starts[{i}]", False, s, "tanggal YYYY-MM-DD", "a YYYY-MM-DD date")
    return starts


def _scalars(data: Mapping[str, Any], bag: ProblemCollector) -> tuple[Any, Any, Any, Any]:
    """``nights``, ``time_limit_s``, ``reproducible`` and ``seed``, checked (not converted)."""
    nights = data.get("nights", simulate.DEFAULT_NIGHTS)
    _check(
        bag,
        "nights",
        _is_int(nights) and nights >= 1,
        nights,
        "bilangan bulat ≥ 1",
        "an integer ≥ 1",
    )
    limit = data.get("time_limit_s", 1.0)
    _check(bag, "time_limit_s", _is_number(limit) and limit > 0, limit, "detik > 0", "seconds > 0")
    reproducible = data.get("reproducible", False)
    _check(
        bag,
        "reproducible",
        isinstance(reproducible, bool),
        reproducible,
        "true/false",
        "true/false",
    )
    seed = data.get("seed", 0)
    _check(bag, "seed", _is_int(seed), seed, "bilangan bulat", "an integer")
    return nights, limit, reproducible, seed


def _methods_and_jitter(data: Mapping[str, Any], bag: ProblemCollector) -> tuple[Any, Any]:
    """``methods`` and ``jitter_pct``: a value or a list of them."""
    methods = data.get("methods", ["optimizer"])
    if isinstance(methods, str):
        methods = [methods]
    _check(
        bag,
        "methods",
        isinstance(methods, list) and bool(methods) and set(methods) <= set(simulate.METHODS),
        methods,
        "daftar dari: " + ", ".join(simulate.METHODS),
        "a list of: " + ", ".join(simulate.METHODS),
    )
    jitter = data.get("jitter_pct", [0.0])
    if _is_number(jitter):
        jitter = [jitter]
    _check(
        bag,
        "jitter_pct",
        isinstance(jitter, list)
        and bool(jitter)
        and all(_is_number(j) and 0 <= j <= 100 for j in jitter),
        jitter,
        "daftar persen 0–100",
        "a list of percentages 0–100",
    )
    return methods, jitter


def _settings_and_grid(
    data: Mapping[str, Any], bag: ProblemCollector
) -> tuple[Any, dict[str, tuple[Any, ...]]]:
    """The ``[settings]`` table and the ``[grid]`` (quoted dotted key -> its values)."""
    settings = data.get("settings", {})
    _check(
        bag,
        "settings",
        isinstance(settings, dict),
        settings,
        "tabel [settings]",
        "a [settings] table",
    )
    grid = data.get("grid", {})
    _check(bag, "grid", isinstance(grid, dict), grid, "tabel [grid]", "a [grid] table")
    grid_t: dict[str, tuple[Any, ...]] = {}
    if not isinstance(grid, dict):
        return settings, grid_t
    for key, values in grid.items():
        if isinstance(values, dict):
            bag.add(
                column=f"grid.{key}",
                value="…",
                expected=msg(
                    'kunci bertitik dalam tanda kutip: "weights.incidents" = [1, 2]',
                    'a quoted dotted key: "weights.incidents" = [1, 2]',
                ),
            )
            continue
        vals = values if isinstance(values, list) else [values]
        if not vals:
            bag.add(
                column=f"grid.{key}",
                value="[]",
                expected=msg("minimal satu nilai", "at least one value"),
            )
            continue
        grid_t[str(key)] = tuple(vals)
    return settings, grid_t


def plan_tasks(spec: SweepSpec) -> list[SweepTask]:
    """Expand a sweep into its tasks, checking every variant's settings first.

    Raises
    ------
    InputError
        A variant whose overrides are not valid settings (the key is the column, prefixed with
        ``settings.`` or ``grid.``), every problem at once.
    """
    if not (spec.dataset / "planner.toml").exists() and not spec.dataset.is_dir():
        raise InputError(
            [
                Problem(
                    spec.source,
                    None,
                    "dataset",
                    str(spec.dataset),
                    msg("folder dataset yang ada", "an existing dataset folder"),
                )
            ]
        )
    base = load_settings(spec.dataset / "planner.toml")
    keys = list(spec.grid)
    combos = list(itertools.product(*(spec.grid[k] for k in keys))) if keys else [()]
    problems: list[Problem] = []
    variants: list[tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, Any], ...], float]] = []
    for combo in combos:
        grid_values = tuple(zip(keys, combo, strict=True))
        overrides = {**spec.settings, **dict(grid_values)}
        try:
            apply_overrides(base, overrides, source=spec.source)
        except InputError as exc:
            for p in exc.problems:
                col = p.column or ""
                # a validator may name the table a grid key lies in (presence.target_days)
                in_grid = col in spec.grid or any(k.startswith(col + ".") for k in spec.grid)
                prefix = "grid." if in_grid else "settings."
                problems.append(Problem(spec.source, None, prefix + col, p.value, p.expected))
            continue
        for jitter in spec.jitter_pct:
            variants.append((tuple(overrides.items()), grid_values, jitter))
    if problems:
        seen: set[tuple[str | None, str]] = set()
        unique = []
        for p in problems:  # the same bad fixed setting fails every variant: report it once
            if (p.column, str(p.value)) not in seen:
                seen.add((p.column, str(p.value)))
                unique.append(p)
        raise InputError(unique)
    tasks: list[SweepTask] = []
    for v, (pairs, values, jitter) in enumerate(variants):
        for start in spec.starts:
            for method in spec.methods:
                tasks.append(
                    SweepTask(
                        index=len(tasks),
                        variant=v,
                        dataset=str(spec.dataset),
                        start=start,
                        nights=spec.nights,
                        method=method,
                        jitter_pct=jitter,
                        overrides=pairs,
                        grid_values=values,
                        time_limit_s=spec.time_limit_s,
                        reproducible=spec.reproducible,
                        seed=spec.seed,
                    )
                )
    return tasks


@functools.lru_cache(maxsize=4)
def _dataset(root: str) -> Dataset:
    """The dataset, loaded once per worker process."""
    return load_dataset(Path(root))


def run_task(task: SweepTask) -> dict[str, Any]:
    """Run one task (on a Dask worker or here) and return its row of the results table."""
    t0 = time.perf_counter()
    overrides = dict(task.overrides)
    if "workers" in RoutingSettings.model_fields:
        # One solver process per task: Dask provides the parallelism, and a (daemonic) Dask
        # worker cannot start solver processes, so serial and distributed runs must not either.
        overrides.setdefault("routing.workers", 1)
    replay = simulate.run(
        _dataset(task.dataset),
        overrides,
        task.start,
        task.nights,
        method=task.method,  # type: ignore[arg-type]
        jitter_pct=task.jitter_pct,
        seed=task.seed,
        time_limit_s=task.time_limit_s,
        reproducible=task.reproducible,
    )
    row: dict[str, Any] = {
        "task": task.index,
        "variant": task.variant,
        "method": task.method,
        "start": task.start.isoformat(),
        "nights": task.nights,
        "jitter_pct": task.jitter_pct,
        "settings": json.dumps(dict(task.overrides), sort_keys=True, default=str),
    }
    for key, value in task.grid_values:
        row[key] = value
    row.update(replay.metrics)
    row["task_s"] = time.perf_counter() - t0
    return row


def _table(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(sorted(rows, key=lambda r: int(r["task"]))).reset_index(drop=True)


def run_serial(spec: SweepSpec, *, on_task: TaskHook | None = None) -> pd.DataFrame:
    """Run every task of the sweep here, one by one (the reference for the distributed run)."""
    tasks = plan_tasks(spec)
    rows = []
    for i, task in enumerate(tasks, start=1):
        rows.append(run_task(task))
        if on_task is not None:
            on_task(i, len(tasks), rows[-1])
    return _table(rows)


def _dask() -> Any:
    try:
        import dask.distributed as dd
    except ImportError:
        raise PlannerError(
            msg(
                "Sweep memerlukan Dask: pip install -e '.[analysis]'",
                "A sweep needs Dask: pip install -e '.[analysis]'",
            )
        ) from None
    return dd


def warm_cache(spec: SweepSpec) -> None:
    """Build the dataset's travel-time matrices here once, so the workers only read the cache."""
    simulate.run(
        _dataset(str(spec.dataset)),
        dict(spec.settings),
        spec.starts[0],
        1,
        method="baseline",
    )


def run_sweep(
    spec: SweepSpec,
    *,
    scheduler: str | None = None,
    n_workers: int = 2,
    processes: bool = True,
    on_task: TaskHook | None = None,
    connect_timeout_s: float = 10.0,
) -> pd.DataFrame:
    """Run the sweep's tasks on Dask and return the results table (one row per task).

    Parameters
    ----------
    spec
        The sweep (:func:`read_sweep`).
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``); its workers need this
        package installed and the dataset at the same path. ``None``: a ``LocalCluster``.
    n_workers, processes
        The local cluster: worker count (one thread each) and whether workers are processes
        (true parallelism for the Python parts of a replay) or threads.
    on_task
        Called as each task finishes.
    connect_timeout_s
        How long to try reaching ``scheduler`` before giving up with a clear error.

    Returns
    -------
    pandas.DataFrame
        Ordered by task; equal to :func:`run_serial` except for the timing columns
        (``wall_s``, ``solve_s_mean``, ``task_s``) when the sweep is reproducible.
    """
    dd = _dask()
    tasks = plan_tasks(spec)
    if scheduler is None:
        warm_cache(spec)
        cluster = dd.LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        )
        client = dd.Client(cluster)
    else:
        cluster = None
        try:
            client = dd.Client(scheduler, timeout=f"{connect_timeout_s}s")
        except (OSError, TimeoutError) as exc:
            raise PlannerError(
                msg(
                    f"Tidak bisa terhubung ke scheduler Dask {scheduler}: {exc}",
                    f"Cannot connect to the Dask scheduler {scheduler}: {exc}",
                )
            ) from None
    rows: list[dict[str, Any]] = []
    try:
        futures = client.map(run_task, tasks, pure=False)
        for done, fut in enumerate(dd.as_completed(futures), start=1):
            rows.append(fut.result())
            if on_task is not None:
                on_task(done, len(tasks), rows[-1])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return _table(rows)


# ------------------------------------------------------------------------ outputs


def _key_label(key: str) -> str:
    """A grid key as a short label: its last part (``incidents``), or its last two when the
    last is a level or another word that repeats (``target_days.tinggi``)."""
    parts = key.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else parts[-1]


def _labels(table: pd.DataFrame, grid_keys: Sequence[str], lang: Lang) -> list[str]:
    """A label per variant: its grid values (``incidents=2``; numbers as ``lang`` writes them,
    so the parts are joined with ``;``, not the Indonesian decimal comma) and its jitter, if
    that varies."""
    labels = []
    for _, r in table.iterrows():
        parts = [
            f"{_key_label(k)}={setting_value(r[k], lang)}" for k in grid_keys if k in table.columns
        ]
        if table["jitter_pct"].nunique() > 1:
            parts.append(f"±{setting_value(r['jitter_pct'], lang)}%")
        labels.append("; ".join(parts) or SWEEP_CHART["default_variant"](lang))
    return labels


VARIANT_METRICS = (
    "coverage",
    "risk_collected",
    "risk_share",
    "desa_7d_share_mean",
    "desa_7d_share_min",
    "high_desa_missed",
    "rawan_unvisited_14n",
    "high_never_visited",
    "jaccard_mean",
    "km_per_visit",
    "desa_max_visits_night",
    "desa_reached_night_mean",
)
"""The measures :func:`variant_means` summarises over the start dates of each variant."""

SPREADS = ("std", "min", "max")
"""The spread columns :func:`variant_means` adds per measure: ``<measure>_std`` (the sample
standard deviation over the start dates; NaN with one start), ``<measure>_min`` and
``<measure>_max``."""


def variant_means(
    table: pd.DataFrame, *, grid_keys: Sequence[str] = (), lang: Lang = "id"
) -> pd.DataFrame:
    """One row per variant (a setting of the grid and a jitter) and method: its grid values,
    jitter, a ``label``, ``starts`` (how many start dates it was replayed from) and, for every
    measure of :data:`VARIANT_METRICS`, the mean over those start dates (``<measure>``) and its
    spread (``<measure>_std``, ``_min``, ``_max``; :data:`SPREADS`).

    This is what ``planner sweep`` prints and charts: a setting is judged on its mean over the
    start dates, and the spread says how much the start date alone moves it."""
    keys = [k for k in grid_keys if k in table.columns]
    measures = [m for m in VARIANT_METRICS if m in table.columns]
    groups = table.groupby(["variant", "method"], sort=True)
    mean = groups.agg(
        {"jitter_pct": "first", "start": "nunique", **{k: "first" for k in keys}}
    ).rename(columns={"start": "starts"})
    for m in measures:
        values = groups[m]
        mean[m] = values.mean()
        mean[f"{m}_std"] = values.std(ddof=1)
        mean[f"{m}_min"] = values.min()
        mean[f"{m}_max"] = values.max()
    # methods in the order the sweep file lists them (the optimiser first, as in simulate)
    order = {m: i for i, m in enumerate(dict.fromkeys(table["method"]))}
    mean = mean.reset_index()
    mean = mean.sort_values(
        ["variant", "method"], key=lambda c: c.map(order) if c.name == "method" else c
    ).reset_index(drop=True)
    mean.insert(2, "label", _labels(mean, keys, lang))
    return mean


CHART_PANELS = ("coverage", "desa_7d_share_mean", "risk_share", "jaccard_mean")
"""The measures :func:`chart_png` draws, one panel each, when the table has them."""

_LABEL_WRAP = 26  # characters per line of a variant's label on the chart


def _wrapped(label: str) -> str:
    """A variant's label broken after its commas into lines of at most :data:`_LABEL_WRAP`."""
    import textwrap

    return "\n".join(textwrap.wrap(label, _LABEL_WRAP, break_long_words=False)) or label


def _tick(value: float, lang: Lang) -> str:
    """An axis tick in ``lang``'s numbers (id ``0,02``, en ``0.02``), with the decimals it has."""
    return setting_value(round(float(value), 4), lang)


def chart_png(table: pd.DataFrame, *, grid_keys: Sequence[str] = (), lang: Lang = "id") -> bytes:
    """The comparison chart (:func:`chart_figure`) as PNG bytes."""
    import matplotlib.pyplot as plt

    fig = chart_figure(table, grid_keys=grid_keys, lang=lang)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def chart_figure(table: pd.DataFrame, *, grid_keys: Sequence[str] = (), lang: Lang = "id") -> Any:
    """The comparison chart per setting, over the start dates (a matplotlib ``Figure``): one
    panel per measure of :data:`CHART_PANELS` (risk-weighted coverage, desa reached per 7
    nights, risk collected on the fixed yardstick, predictability), each a horizontal bar per
    variant and method at the mean with a whisker from the lowest to the highest start date.
    Variants are rows, so their labels read horizontally on the left (wrapped after
    :data:`_LABEL_WRAP` characters, the figure as tall as they need) and never overlap, however
    many there are. Close it with ``matplotlib.pyplot.close``."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    words = {key: text(lang) for key, text in SWEEP_CHART.items()}
    mean = variant_means(table, grid_keys=grid_keys, lang=lang)
    panels = [m for m in CHART_PANELS if m in mean.columns]
    methods = list(dict.fromkeys(mean["method"]))
    labels = list(dict.fromkeys(mean["label"]))
    wrapped = [_wrapped(lbl) for lbl in labels]
    lines = max(lbl.count("\n") + 1 for lbl in wrapped)
    row_in = max(0.28 * len(methods), 0.17 * lines) + 0.12
    fig, axes = plt.subplots(
        1,
        len(panels),
        figsize=(3.4 * len(panels) + 2.2, 1.6 + row_in * len(labels)),
        dpi=100,
        sharey=True,
        squeeze=False,
    )
    names = {key: text(lang) for key, text in METHOD_NAMES.items()}
    height = 0.8 / max(1, len(methods))
    for ax, key in zip(axes[0], panels, strict=True):
        scale = 1.0 if key == "jaccard_mean" else 100.0
        for j, m in enumerate(methods):
            sub = mean[mean["method"] == m].set_index("label").reindex(labels)
            ys = [i + (j - (len(methods) - 1) / 2) * height for i in range(len(labels))]
            centre = sub[key] * scale
            err = [
                (centre - sub[f"{key}_min"] * scale).clip(lower=0).fillna(0),
                (sub[f"{key}_max"] * scale - centre).clip(lower=0).fillna(0),
            ]
            ax.barh(
                ys, centre, height=height * 0.9, xerr=err, capsize=2,
                error_kw={"elinewidth": 0.8, "alpha": 0.7}, label=names.get(m, m),
            )  # fmt: skip
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _tick(x, lang)))
        ax.set_title(words[f"{key}_title"], fontsize=10)
        ax.set_xlabel(words[f"{key}_axis"], fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="x", labelsize=8)
    first = axes[0][0]
    first.set_yticks(range(len(labels)))
    first.set_yticklabels(wrapped, fontsize=8)
    first.invert_yaxis()  # the first variant on top, as in the table
    handles, names_shown = first.get_legend_handles_labels()
    starts = int(mean["starts"].max()) if len(mean) else 0
    fig.suptitle(words["chart_title"].format(n=starts), fontsize=11)
    fig.tight_layout(rect=(0, 0.1 if len(labels) < 4 else 0.06, 1, 1))
    # below the panels, where no bar can be under it
    fig.legend(handles, names_shown, loc="lower center", ncol=len(methods), fontsize=9)
    return fig


def write_results(
    table: pd.DataFrame, out: Path | str, *, grid_keys: Sequence[str] = (), lang: Lang = "id"
) -> list[Path]:
    """Write ``sweep.parquet`` and ``sweep.csv`` (one row per task, every metric),
    ``sweep_variants.csv`` (:func:`variant_means`) and ``sweep.png`` (:func:`chart_png`) into
    ``out``, all or none.

    The CSVs are in the planner's one dialect (``planner._tables.frame_csv_bytes``: ``;``, a
    decimal comma, CRLF, UTF-8 with a BOM, formula-safe text); read them back with
    ``pd.read_csv(path, sep=";", decimal=",")``."""
    out = Path(out)
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    files = {
        out / "sweep.parquet": buf.getvalue(),
        out / "sweep.csv": frame_csv_bytes(table),
        out / "sweep_variants.csv": frame_csv_bytes(
            variant_means(table, grid_keys=grid_keys, lang=lang)
        ),
        out / "sweep.png": chart_png(table, grid_keys=grid_keys, lang=lang),
    }
    return replace_all(files)


__all__ = [
    "CHART_PANELS",
    "RESULT_FILES",
    "SPREADS",
    "VARIANT_METRICS",
    "SweepSpec",
    "SweepTask",
    "chart_figure",
    "chart_png",
    "plan_tasks",
    "read_sweep",
    "run_serial",
    "run_sweep",
    "run_task",
    "variant_means",
    "warm_cache",
    "write_results",
]
