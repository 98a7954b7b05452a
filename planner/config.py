"""Weights and settings, read from ``planner.toml`` and validated with pydantic.

Every section is a frozen pydantic model with defaults that make sense for a Polres, so an empty
``planner.toml`` is valid. Unknown keys are rejected (a typo must not silently fall back to a
default). Errors become :class:`~planner.errors.InputError` problems naming the key, e.g.
``incidents.half_life_days``.

Sections: ``general``, ``kerawanan``, ``incidents``, ``rotation``, ``presence``, ``kinds``,
``weights``, ``directives`` (list), ``network``, ``routing``, ``history``. docs/settings.md
documents every key.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from planner.errors import InputError, Problem, ProblemCollector
from planner.text import Lang, Msg, msg

# Every number is finite (``inf`` and ``nan`` are refused: ``allow_inf_nan=False`` on every
# section; ``incidents.cap`` alone accepts ``inf``, documented as "no cap") and lies in the
# range docs/settings.md gives ("Ranges"). The upper bounds are far above any sensible value
# but keep the compiled problem's integers (priority x exchange rate, in seconds) inside int64.
MAX_WEIGHT = 100.0
"""The largest weight, multiplier, severity or boost factor."""
MAX_DAYS = 3650.0
"""The longest interval in days (ten years)."""
MAX_INCIDENT_CAP = 1000.0
"""The largest finite ``incidents.cap`` (``inf`` means no cap)."""
MAX_HALF_LIFE_DAYS = 1e9
"""The longest half-life: 1e9 days is "no decay" (finite, so the arithmetic stays finite)."""
MAX_SEED = 2**31 - 1

Weight = Annotated[float, Field(ge=0, le=MAX_WEIGHT)]
"""A weight, multiplier, severity or score: 0 ≤ x ≤ 100."""
Share = Annotated[float, Field(ge=0, le=1)]
"""A share: 0 ≤ x ≤ 1."""
Days = Annotated[float, Field(gt=0, le=MAX_DAYS)]
"""An interval in days: 0 < x ≤ 3650."""
DwellMin = Annotated[float, Field(ge=10, le=480)]
"""Minutes at a venue: 10 ≤ x ≤ 480 (below 10 min a visit does not count, Koper curve)."""
Kph = Annotated[float, Field(gt=0, le=200)]
"""A speed in km/h: 0 < x ≤ 200."""


class SettingValueError(ValueError):
    """A settings check that failed, with what was expected in both languages."""

    def __init__(self, expected: Msg) -> None:
        self.expected = expected
        super().__init__(expected("en"))


_NOT_A_BOOL = msg("angka, bukan true/false", "a number, not true/false")


def _is_number_type(annotation: Any) -> bool:
    """True for ``float``, ``int``, ``float | None``, ``Annotated[float, ...]`` and the like."""
    if annotation in (int, float):
        return True
    if get_origin(annotation) is Annotated:
        return _is_number_type(get_args(annotation)[0])
    args = get_args(annotation)
    return (
        bool(args)
        and get_origin(annotation) is not dict
        and all(a in (int, float, type(None)) for a in args)
    )


def _refuse_bools(model: type[BaseModel], name: str | None, value: Any) -> Any:
    """``true`` where a number belongs is an error (pydantic would read it as 1)."""
    field = model.model_fields.get(name or "")
    if field is None:
        return value
    annotation = field.annotation
    numbers = _is_number_type(annotation)
    table = get_origin(annotation) is dict and _is_number_type(get_args(annotation)[1])
    if numbers and isinstance(value, bool):
        raise SettingValueError(_NOT_A_BOOL)
    if table and isinstance(value, dict) and any(isinstance(v, bool) for v in value.values()):
        raise SettingValueError(_NOT_A_BOOL)
    return value


class _Section(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True, allow_inf_nan=False
    )

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_not_bools(cls, value: Any, info: ValidationInfo) -> Any:
        return _refuse_bools(cls, info.field_name, value)


def check_metric_crs(value: str) -> None:
    """Raise :class:`SettingValueError` unless ``value`` is a projected CRS in metres.

    ``EPSG:4326`` (degrees) and codes pyproj does not know (``EPSG:999999``) are refused.
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    example = "EPSG:32749 (UTM 49S, Trenggalek)"
    try:
        crs = CRS.from_user_input(value)
    except CRSError:
        raise SettingValueError(
            msg(
                f"CRS yang dikenal pyproj, mis. {example}",
                f"a CRS that pyproj knows, e.g. {example}",
            )
        ) from None
    units = {axis.unit_name for axis in crs.axis_info}
    if not crs.is_projected or units != {"metre"}:
        found = ", ".join(sorted(units)) or "?"
        raise SettingValueError(
            msg(
                f"CRS terproyeksi dalam meter (ditemukan satuan {found}), mis. {example}",
                f"a projected CRS in metres (its units are {found}), e.g. {example}",
            )
        )


class GeneralSettings(_Section):
    """General settings."""

    lang: Lang = "id"
    """Language of everything a person reads: ``id`` (Bahasa Indonesia) or ``en``."""
    metric_crs: str | None = None
    """Metric CRS for distances; ``None`` derives the UTM zone (EPSG:32749 for Trenggalek).
    Must be a projected CRS whose axes are in metres (``EPSG:4326``, in degrees, is refused)."""
    boundary_tolerance_m: float = Field(1000.0, ge=0, le=5000)
    """A venue whose ``desa_code`` names a desa and that lies at most this far (metres, in the
    metric CRS) outside that desa's polygon is accepted with a warning (real boundaries:
    coastlines, the kabupaten border, digitising offsets); farther away it is an error."""

    @field_validator("metric_crs")
    @classmethod
    def _metric(cls, v: str | None) -> str | None:
        if v is None:
            return v
        check_metric_crs(v)
        return v


class KerawananSettings(_Section):
    """Kerawanan (vulnerability) levels and their weight. Keys are the level names used in
    the desa file (and the optional per-venue override)."""

    levels: dict[str, Weight] = Field(
        default_factory=lambda: {"rendah": 1.0, "sedang": 2.0, "tinggi": 3.5, "sangat_tinggi": 5.0}
    )
    """Weight of each kerawanan level (the kerawanan component of a venue)."""

    @field_validator("levels")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("at least one kerawanan level is needed")
        return v


class IncidentSettings(_Section):
    """Recent incidents near a venue: severity, decay with age, and reach in space."""

    categories: dict[str, Weight] = Field(
        default_factory=lambda: {
            "curanmor": 3.0,
            "pencurian": 2.0,
            "perkelahian": 3.0,
            "penganiayaan": 4.0,
            "miras": 1.5,
            "judi": 1.5,
            "balap_liar": 2.0,
            "narkoba": 4.0,
            "pengeroyokan": 4.0,
            "vandalisme": 1.0,
            "lainnya": 1.0,
        }
    )
    """Severity of each incident category (an incident's own ``severity`` column overrides)."""
    default_severity: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    """Severity of an incident whose category is not listed and that has no severity."""
    half_life_days: float = Field(14.0, gt=0, le=MAX_HALF_LIFE_DAYS)
    """An incident's weight halves every this many days."""
    radius_m: float = Field(1000.0, gt=0, le=50_000)
    """Incidents farther than this from a venue do not count for it."""
    kernel: Literal["gaussian", "linear", "uniform"] = "linear"
    """How the weight falls with distance d inside the radius r: ``linear`` 1 - d/r,
    ``gaussian`` exp(-2 (d/r)^2), ``uniform`` 1."""
    lookback_days: float = Field(90.0, gt=0, le=MAX_DAYS)
    """Incidents older than this (before the night's start) are ignored."""
    cap: float = Field(10.0, gt=0, allow_inf_nan=True)
    """Soft cap c of the incident component: c * (1 - exp(-sum / c)) (``inf``: no cap)."""

    @field_validator("cap")
    @classmethod
    def _cap(cls, v: float) -> float:
        # c = 1e308 is not "almost no cap": 1 - exp(-S / c) rounds to 0, and so would I
        if math.isfinite(v) and v > MAX_INCIDENT_CAP:
            raise SettingValueError(
                msg(
                    f"angka ≤ {MAX_INCIDENT_CAP:g}, atau inf untuk tanpa batas; " + _SEE_RANGES.id,
                    f"a number ≤ {MAX_INCIDENT_CAP:g}, or inf for no cap; " + _SEE_RANGES.en,
                )
            )
        return v


class RotationSettings(_Section):
    """Staleness: venues not visited for longer than the target gain priority, up to a cap."""

    target_days: float = Field(7.0, gt=0, le=MAX_DAYS)
    """A venue should be visited about this often; staler venues gain priority."""
    cap: float = Field(2.0, ge=0, le=MAX_WEIGHT)
    """The most the staleness component can add (reached by never-visited venues)."""
    recent_floor: float = Field(0.05, gt=0, le=1)
    """Share of its priority a venue visited just now keeps; it recovers linearly to 1 over
    ``target_days`` (the recent factor F). 1 turns the drop off."""


def _default_presence_targets() -> dict[str, float]:
    return {"sangat_tinggi": 2.0, "tinggi": 3.0, "sedang": 4.0, "rendah": 6.0}


class PresenceSettings(_Section):
    """Presence per desa: a desa no squad reached within its target interval gains priority."""

    target_days: dict[str, Days] = Field(default_factory=_default_presence_targets)
    """Target interval (days) between two visits of a desa, per kerawanan level of the desa
    (a key of ``kerawanan.levels``). Every desa must be reached in a 7-night window, so even
    ``rendah`` stays below 7 days."""
    default_target_days: float = Field(7.0, gt=0, le=MAX_DAYS)
    """Target of a desa whose level is not listed in ``target_days`` (or is unknown)."""
    weight: float = Field(3.0, ge=0, le=MAX_WEIGHT)
    """From the target on, the presence component is ``weight * days / target``."""
    cap: float = Field(9.0, ge=0, le=MAX_WEIGHT)
    """The most the presence component can add (a desa never visited gets it; 0 turns it off)."""


class KindSettings(_Section):
    """Venue kinds: a priority multiplier and the default dwell time of a visit."""

    weights: dict[str, Weight] = Field(
        default_factory=lambda: {"angkringan": 1.0, "warkop": 1.0, "kafe": 1.2}
    )
    """Priority multiplier of each venue kind (a busy kafe reaches more people)."""
    default_weight: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    """Multiplier of a kind that is not listed."""
    dwell_min: dict[str, DwellMin] = Field(
        default_factory=lambda: {"angkringan": 20.0, "warkop": 25.0, "kafe": 30.0}
    )
    """Default minutes spent at a venue of each kind (never below 10)."""
    default_dwell_min: float = Field(25.0, ge=10, le=480)
    """Dwell time of a kind that is not listed."""


class WeightSettings(_Section):
    """Weights of the components in the priority formula: priority = directive_factor *
    kind * (kerawanan * K + incidents * I + rotation * R + history.report_weight * P)."""

    kerawanan: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    """Weight of the kerawanan component K."""
    incidents: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    """Weight of the incident component I."""
    rotation: float = Field(3.0, ge=0, le=MAX_WEIGHT)
    """Weight of the staleness component R."""
    report_desa_share: float = Field(0.5, ge=0, le=1)
    """A community report tied only to a desa counts this share for every venue of the desa."""
    report_not_police: float = Field(0.5, ge=0, le=1)
    """A community report that is not a police matter counts this share."""


DirectiveAction = Literal["boost", "exclude", "must_visit"]


class Directive(BaseModel):
    """A time-boxed order from command (dinamika terkini).

    Active on every night whose date (WIB) lies in ``[from, to]``, both dates included. The
    targets given (``desa``, ``desa_code``, ``kecamatan``, ``venue_id``, ``polygon``) must all
    match a venue; with none given a boost applies everywhere. Overlapping boosts multiply.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        use_attribute_docstrings=True,
        allow_inf_nan=False,
    )

    from_: dt.date = Field(alias="from")
    """First night (date in WIB) on which the directive holds."""

    @field_validator("factor", mode="before")
    @classmethod
    def _factor_is_not_a_bool(cls, value: Any, info: ValidationInfo) -> Any:
        return _refuse_bools(cls, info.field_name, value)

    to: dt.date
    """Last night (date in WIB) on which the directive holds, inclusive."""
    reason: str = ""
    """Shown in the reasons: "Atensi: Pilkades (1–10 Des)"."""
    action: DirectiveAction = "boost"
    """``boost`` multiplies the priority; ``exclude`` / ``must_visit`` tonight."""
    factor: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    """Multiplier of a boost (below 1 lowers the priority)."""
    desa: str | None = None
    """Target desa by name or code (ambiguous names need ``kecamatan`` or the code)."""
    desa_code: str | None = None
    """Target desa by code."""
    kecamatan: str | None = None
    """Target kecamatan by name."""
    venue_id: str | tuple[str, ...] | None = None
    """Target venue id, or a list of ids."""
    polygon: str | None = None
    """Target area: a polygon file (GeoJSON/GeoPackage/Shapefile), relative to the dataset."""
    category: str | None = None
    """Boost only incidents of this category (near the target venues) by ``factor``."""

    @field_validator("to")
    @classmethod
    def _not_before_from(cls, v: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("from_")
        if start is not None and v < start:
            raise ValueError(f"'to' ({v}) is before 'from' ({start})")
        return v

    @field_validator("category")
    @classmethod
    def _category_boost_only(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and info.data.get("action", "boost") != "boost":
            raise ValueError("a category applies only to action = 'boost'")
        return v

    @model_validator(mode="after")
    def _needs_target(self) -> Directive:
        if self.action != "boost" and not self.has_target:
            raise ValueError(f"action {self.action!r} needs a target (venue_id, desa, ...)")
        return self

    @property
    def has_target(self) -> bool:
        return any(
            v is not None
            for v in (self.desa, self.desa_code, self.kecamatan, self.venue_id, self.polygon)
        )

    @property
    def venue_ids(self) -> tuple[str, ...] | None:
        if self.venue_id is None:
            return None
        return (self.venue_id,) if isinstance(self.venue_id, str) else tuple(self.venue_id)

    def active_on(self, date: dt.date) -> bool:
        """True when the night of ``date`` (WIB) lies in ``[from, to]``, both included."""
        return self.from_ <= date <= self.to


def check_settings(settings: Settings, *, source: str = "planner.toml") -> None:
    """Checks across sections that a single field cannot make (every problem at once).

    A directive's ``category`` must be a key of ``incidents.categories``; a key of
    ``presence.target_days`` must be a level of ``kerawanan.levels`` (unless the table is the
    default one, so that renaming the levels does not force restating the targets: an unlisted
    level then gets ``presence.default_target_days``).
    """
    bag = ProblemCollector(source)
    targets = settings.presence.target_days
    if targets != _default_presence_targets():
        levels = settings.kerawanan.levels
        for level in targets:
            if level not in levels:
                bag.add(
                    column=f"presence.target_days.{level}",
                    value=level,
                    expected=msg(
                        "tingkat dari kerawanan.levels: " + ", ".join(levels),
                        "a level of kerawanan.levels: " + ", ".join(levels),
                    ),
                )
    known = settings.incidents.categories
    for i, d in enumerate(settings.directives):
        if d.category is not None and d.category not in known:
            bag.add(
                column=f"directives[{i}].category",
                value=d.category,
                expected=msg(
                    "kategori dari incidents.categories: " + ", ".join(sorted(known)),
                    "a category of incidents.categories: " + ", ".join(sorted(known)),
                ),
            )
    bag.raise_if_any()


class ProfileSettings(_Section):
    """A vehicle profile: how fast it goes at night on each road class."""

    speeds_kph: dict[str, Kph] = Field(default_factory=dict)
    """Speed per OSM ``highway`` class where a road has no usable ``maxspeed``."""
    fallback_kph: float = Field(25.0, gt=0, le=200)
    max_kph: float = Field(60.0, gt=0, le=200)
    night_factor: float = Field(0.9, gt=0, le=2)
    oneway: bool = True
    """Respect one-way streets (cars do; the default for motorbikes too)."""


def _default_profiles() -> dict[str, ProfileSettings]:
    base = {
        "motorway": 70.0,
        "trunk": 60.0,
        "primary": 50.0,
        "secondary": 45.0,
        "tertiary": 40.0,
        "unclassified": 30.0,
        "residential": 25.0,
        "living_street": 15.0,
        "service": 15.0,
        "track": 12.0,
    }
    motor = {k: v for k, v in base.items()}
    mobil = {
        k: v * (0.9 if k in {"residential", "living_street", "service", "track"} else 1.0)
        for k, v in base.items()
    }
    return {
        "motor": ProfileSettings(speeds_kph=motor, fallback_kph=25, max_kph=60, oneway=True),
        "mobil": ProfileSettings(speeds_kph=mobil, fallback_kph=22, max_kph=70, oneway=True),
    }


class NetworkSettings(_Section):
    profiles: dict[str, ProfileSettings] = Field(default_factory=_default_profiles)
    snap_max_m: float = Field(1000.0, gt=0, le=100_000)
    """Venues farther than this from any road are reported and left out of routing."""
    access_kph: float = Field(10.0, gt=0, le=200)
    """Speed of the ride/walk between a venue and its snapped road point."""
    cache_dir: str = ".cache"
    """Where travel-time matrices are cached, relative to the dataset folder."""
    matrix_workers: int = Field(2, ge=1, le=64)
    """Processes computing a large travel-time matrix (forked on Linux; 1 = one process). The
    environment variable ``PLANNER_MATRIX_WORKERS`` overrides it; results are identical."""


class RoutingSettings(_Section):
    time_limit_s: float = Field(20.0, gt=0, le=86_400)
    """Solver wall-time limit (a safety net even in reproducible mode)."""
    seed: int = Field(0, ge=0, le=MAX_SEED)
    reproducible: bool = False
    """Use a deterministic search budget instead of wall time: identical plans run to run."""
    exchange_rate_min: float = Field(7.0, ge=0.5, le=1000)
    """Minutes of driving one point of priority is worth (dropping a venue costs its priority
    times this many minutes). At least half a minute: below it the penalties round towards 0
    seconds and the night empties (1e-9 planned no visit at all)."""
    max_stops_per_squad: int | None = Field(None, ge=1, le=1000)
    max_per_desa: int | None = Field(None, ge=1, le=1000)
    """A hard cap: at most this many venues of one desa per night (None: no cap; the curve
    ``desa_decay`` spreads the visits anyway)."""
    desa_decay: float = Field(0.95, gt=0, le=1)
    """Diminishing returns per desa per night: the k-th visit of one desa tonight (by priority,
    highest first) counts ``desa_decay ** (k - 1)`` of its priority. 1 turns the curve off (the
    pure team-orienteering sum). The default is measured in docs/presence.md."""
    solution_limit: int = Field(2000, ge=1, le=10_000_000)
    """Search budget of the reproducible mode: stop after this many solutions (planner.routing)."""
    metaheuristic: Literal["gls", "ils", "tabu", "sa", "greedy"] = "gls"
    """Local-search metaheuristic: guided local search, iterated local search with SISR
    ruin-and-recreate, tabu search, simulated annealing, or plain descent."""
    first_solution: Literal["greedy", "ortools"] = "greedy"
    """First solution: our greedy insertion heuristic, or OR-Tools' cheapest insertion."""
    greedy_starts: int = Field(90, ge=1, le=100_000)
    """Greedy restarts for the first solution (the best is kept; at most 5 % of the time
    limit outside reproducible mode)."""
    ruin_recreate: bool = True
    """Improve the greedy first solution by ruin and recreate (planner.routing.heuristics) for most of the
    time limit before OR-Tools' local search polishes it (issue 5: it closes most of the gap
    to the published best scores)."""
    ruin_recreate_steps: int = Field(8000, ge=1, le=100_000_000)
    """Ruin-and-recreate steps in reproducible mode (outside it the search runs on the clock)."""
    workers: int = Field(2, ge=1, le=64)
    """Processes per solve: disjoint parts side by side (decomposed nights) or whole searches
    with different seeds, the best plan kept."""
    decompose: Literal["auto", "always", "never"] = "auto"
    """Large nights: re-optimise a few squads at a time (and each confined squad alone)
    instead of the whole model at once."""


class HistorySettings(_Section):
    """The visit log (planner.history): agencies, report categories, follow-ups, the store file."""

    agencies: list[str] = Field(
        default_factory=lambda: [
            "Pemerintah Desa",
            "Kecamatan",
            "Dinas PUPR",
            "Dinas Sosial",
            "Satpol PP",
            "Dinas Kesehatan",
            "DLH",
            "Dishub",
            "PLN",
            "PDAM",
        ]
    )
    report_categories: list[str] = Field(
        default_factory=lambda: ["infrastruktur", "sosial", "ekonomi", "lingkungan", "lainnya"]
    )
    report_half_life_days: float = Field(7.0, gt=0, le=MAX_HALF_LIFE_DAYS)
    report_weight: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    followup_due_days: int = Field(14, ge=1, le=3650)
    """A referral or police follow-up is overdue this many days after the visit (unless the
    visit sheet gives its own ``batas_waktu``)."""
    report_lookback_days: float = Field(28.0, gt=0, le=MAX_DAYS)
    """How far back community reports are read for tonight's scores."""
    visit_window: str = "16:00-08:00"
    """Imported visit times must lie inside this window of the night (WIB)."""
    store: str = "history.sqlite"
    """The visit-log SQLite file, relative to the dataset folder."""

    @field_validator("visit_window")
    @classmethod
    def _window(cls, v: str) -> str:
        # config may not import domain (same layer); this mirrors domain.parse_window's form
        m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*", v)
        if not m or int(m[1]) > 23 or int(m[3]) > 23 or int(m[2]) > 59 or int(m[4]) > 59:
            raise ValueError("a window like 16:00-08:00")
        start, end = (int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4]))
        if (start - 720) % 1440 >= (end - 720) % 1440:  # night clock: noon to noon
            raise ValueError("the window must run forward from noon, like 16:00-08:00")
        return v

    @field_validator("agencies", "report_categories")
    @classmethod
    def _names(cls, v: list[str]) -> list[str]:
        if not v or any(not str(x).strip() for x in v):
            raise ValueError("a non-empty list of non-empty names is needed")
        if len({x.casefold() for x in v}) != len(v):
            raise ValueError("names must be unique (ignoring case)")
        return v


class Settings(_Section):
    general: GeneralSettings = Field(default_factory=GeneralSettings)
    kerawanan: KerawananSettings = Field(default_factory=KerawananSettings)
    incidents: IncidentSettings = Field(default_factory=IncidentSettings)
    rotation: RotationSettings = Field(default_factory=RotationSettings)
    presence: PresenceSettings = Field(default_factory=PresenceSettings)
    kinds: KindSettings = Field(default_factory=KindSettings)
    weights: WeightSettings = Field(default_factory=WeightSettings)
    directives: tuple[Directive, ...] = ()
    network: NetworkSettings = Field(default_factory=NetworkSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    history: HistorySettings = Field(default_factory=HistorySettings)

    def with_overrides(self, **sections: dict[str, Any]) -> Settings:
        """A copy with some keys changed, validated: ``s.with_overrides(routing={"seed": 3})``."""
        data = self.model_dump(by_alias=True)
        for name, values in sections.items():
            if isinstance(data.get(name), dict):
                data[name] = {**data[name], **values}
            else:
                data[name] = values
        return settings_from_dict(data, source="<overrides>")


def _key(loc: tuple[Any, ...]) -> str:
    parts = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts)


def _split_entry(loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
    """Split an error's location into the settings key and, for a table of numbers such as
    ``presence.target_days``, the entry (``tinggi``); the entry is ``None`` otherwise."""
    model: Any = Settings
    i = 0
    while i < len(loc):
        part = loc[i]
        i += 1
        fields = getattr(model, "model_fields", None)
        if fields is None or not isinstance(part, str) or part not in fields:
            model = None
            continue
        annotation = fields[part].annotation
        origin, args = get_origin(annotation), get_args(annotation)
        if origin is dict:
            value = args[1]
            if isinstance(value, type) and issubclass(value, BaseModel):
                i += 1  # the table's key (a profile name), then its own fields
                model = value
                continue
            return (loc[:i], loc[i]) if i < len(loc) else (loc, None)
        if origin is tuple and args and isinstance(args[0], type):
            i += 1  # the list index
            model = args[0]
            continue
        model = annotation if isinstance(annotation, type) else None
    return loc, None


_BOUNDS = {
    "greater_than_equal": ("ge", "≥"),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "≤"),
    "less_than": ("lt", "<"),
}
_SEE_RANGES = msg("rentang di docs/settings.md", "ranges in docs/settings.md")


def _expected(err: Any) -> Msg:
    """What a pydantic error says was expected, in both languages."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return msg("kunci tidak dikenal; periksa ejaan", "unknown key; check spelling")
    if kind == "value_error" and isinstance(ctx.get("error"), SettingValueError):
        return ctx["error"].expected
    if kind == "finite_number":
        return msg(
            f"angka terhingga (bukan inf/nan); {_SEE_RANGES.id}",
            f"a finite number (not inf or nan); {_SEE_RANGES.en}",
        )
    if kind in _BOUNDS:
        name, sign = _BOUNDS[kind]
        bound = ctx.get(name)
        bound = _number_text(bound) if isinstance(bound, int | float) else bound
        return msg(
            f"angka {sign} {bound}; {_SEE_RANGES.id}", f"a number {sign} {bound}; {_SEE_RANGES.en}"
        )
    return msg(f"nilai yang valid ({err['msg']})", f"a valid value ({err['msg']})")


def settings_from_dict(data: dict[str, Any], *, source: str = "planner.toml") -> Settings:
    """Validate a settings mapping; every problem is reported with its key."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where, entry = _split_entry(tuple(err["loc"]))
            key = _key(where)
            found = err.get("input")
            if entry is not None:
                found = f"{entry} = {found}"
            expected = _expected(err)
            problems.append(
                Problem(source, None, key, found if not isinstance(found, dict) else "…", expected)
            )
        raise InputError(problems) from None
    check_settings(settings, source=source)
    return settings


def _number_text(value: float) -> str:
    if (float(value).is_integer() and abs(value) < 1e6) or isinstance(value, int):
        return str(int(value))
    return f"{value:g}".replace("e+0", "e").replace("e+", "e")


def _bounds_text(metadata: list[Any], *, integer: bool, allows_inf: bool) -> str:
    lo = hi = ""
    for item in metadata:
        for name, sign in (("ge", "≤"), ("gt", "<")):
            if getattr(item, name, None) is not None:
                lo = f"{_number_text(getattr(item, name))} {sign} "
        for name, sign in (("le", "≤"), ("lt", "<")):
            if getattr(item, name, None) is not None:
                hi = f" {sign} {_number_text(getattr(item, name))}"
    kind = "n" if integer else "x"
    if allows_inf and not hi:
        hi = " ≤ inf"
    return f"{lo}{kind}{hi}" if lo or hi else ""


def setting_ranges() -> dict[str, str]:
    """The documented range of every number in the settings, key → ``"0 ≤ x ≤ 100"``.

    ``n`` is a whole number, ``x`` any finite number; a table of numbers
    (``kinds.dwell_min``) gives the range of each of its entries. docs/settings.md
    ("Ranges") lists the same (a test compares the two).
    """
    out: dict[str, str] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            key = f"{prefix}{field.alias or name}"
            annotation = field.annotation
            origin, args = get_origin(annotation), get_args(annotation)
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, key + ".")
            elif origin is tuple and args and isinstance(args[0], type):
                walk(args[0], key + "[].")
            elif origin is dict and isinstance(args[1], type) and issubclass(args[1], BaseModel):
                walk(args[1], key + ".<name>.")
            elif origin is dict and get_origin(args[1]) is Annotated:
                base, *info = get_args(args[1])
                meta = [m for i in info for m in getattr(i, "metadata", [i])]
                out[key] = _bounds_text(meta, integer=base is int, allows_inf=False)
            else:
                numbers = [a for a in (args or (annotation,)) if a in (int, float)]
                if numbers:
                    out[key] = _bounds_text(
                        field.metadata,
                        integer=numbers[0] is int,
                        allows_inf=_field_allows_inf(field),
                    )

    walk(Settings, "")
    out["incidents.cap"] = f"0 < x ≤ {_number_text(MAX_INCIDENT_CAP)}, or inf"
    return out


def _field_allows_inf(field: Any) -> bool:
    return any(getattr(m, "allow_inf_nan", None) for m in field.metadata)


def load_settings(path: Path | None) -> Settings:
    """Read ``planner.toml``; a missing file gives the defaults."""
    if path is None or not Path(path).exists():
        return Settings()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            [Problem(path.name, None, None, str(exc), msg("berkas TOML yang valid", "valid TOML"))]
        ) from None
    except UnicodeDecodeError:
        expected = msg(
            "berkas teks TOML dalam encoding UTF-8 (simpan ulang sebagai UTF-8)",
            "a TOML text file in the UTF-8 encoding (save it again as UTF-8)",
        )
        raise InputError([Problem(path.name, None, None, "UTF-8?", expected)]) from None
    return settings_from_dict(data, source=path.name)


# ------------------------------------------------------------------ default planner.toml

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

_DIRECTIVE_EXAMPLE = """\
# Directives from command (dinamika terkini): a list of [[directives]] tables. Each holds on the
# nights from `from` to `to` (dates in WIB, both included). Overlapping boosts multiply.
# [[directives]]
# from = 2026-12-01
# to = 2026-12-10
# kecamatan = "Durenan"        # or desa / desa_code / venue_id / polygon = "areas/pasar.geojson"
# action = "boost"             # boost | exclude | must_visit
# factor = 2.0
# reason = "Pilkades"
# category = "curanmor"        # optional: boost only incidents of this category
"""


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _comment(text: str | None) -> list[str]:
    if not text:
        return []
    return ["# " + line.strip() if line.strip() else "#" for line in text.strip().splitlines()]


def _emit_table(lines: list[str], path: str, model: BaseModel) -> None:
    lines.append("")
    lines.extend(_comment((type(model).__doc__ or "").strip().split("\n\n")[0]))
    lines.append(f"[{path}]")
    later: list[tuple[str, Any, str | None]] = []
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        value = getattr(model, name)
        if isinstance(value, BaseModel | dict):
            later.append((key, value, field.description))
            continue
        lines.extend(_comment(field.description))
        if value is None:
            lines.append(f"# {_toml_key(key)} = (not set)")
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value, doc in later:
        sub = f"{path}.{_toml_key(key)}"
        if isinstance(value, BaseModel):
            _emit_table(lines, sub, value)
        elif value and all(isinstance(v, BaseModel) for v in value.values()):
            for k, v in value.items():
                _emit_table(lines, f"{sub}.{_toml_key(k)}", v)
        else:
            lines.append("")
            lines.extend(_comment(doc))
            lines.append(f"[{sub}]")
            lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())


def default_settings_toml() -> str:
    """A commented ``planner.toml`` holding every default; it parses back to ``Settings()``.

    The demo generator writes it as ``data/demo/planner.toml``; docs/settings.md explains each
    key at length.
    """
    defaults = Settings()
    lines = [
        "# planner.toml: weights and settings of the Warkop Kamtibmas patrol planner.",
        "# Every key below shows its default; delete a key to keep the default.",
        "# Each key is explained in docs/settings.md.",
    ]
    for name in type(defaults).model_fields:
        if name == "directives":
            lines.append("")
            lines.extend(_DIRECTIVE_EXAMPLE.rstrip("\n").splitlines())
            continue
        _emit_table(lines, name, getattr(defaults, name))
    return "\n".join(lines) + "\n"
