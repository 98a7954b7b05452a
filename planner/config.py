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
from typing import Any, Literal

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
from planner.text import Lang, msg


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class GeneralSettings(_Section):
    """General settings."""

    lang: Lang = "id"
    """Language of everything a person reads: ``id`` (Bahasa Indonesia) or ``en``."""
    metric_crs: str | None = None
    """Metric CRS for distances; ``None`` derives the UTM zone (EPSG:32749 for Trenggalek)."""


class KerawananSettings(_Section):
    """Kerawanan (vulnerability) levels and their weight. Keys are the level names used in
    the desa file (and the optional per-venue override)."""

    levels: dict[str, float] = Field(
        default_factory=lambda: {"rendah": 1.0, "sedang": 2.0, "tinggi": 3.5, "sangat_tinggi": 5.0}
    )
    """Weight of each kerawanan level (the kerawanan component of a venue)."""

    @field_validator("levels")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("at least one kerawanan level is needed")
        for k, w in v.items():
            if w < 0:
                raise ValueError(f"weight of {k!r} must be >= 0")
        return v


class IncidentSettings(_Section):
    """Recent incidents near a venue: severity, decay with age, and reach in space."""

    categories: dict[str, float] = Field(
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
    default_severity: float = Field(1.0, ge=0)
    """Severity of an incident whose category is not listed and that has no severity."""
    half_life_days: float = Field(14.0, gt=0)
    """An incident's weight halves every this many days."""
    radius_m: float = Field(1000.0, gt=0)
    """Incidents farther than this from a venue do not count for it."""
    kernel: Literal["gaussian", "linear", "uniform"] = "linear"
    """How the weight falls with distance d inside the radius r: ``linear`` 1 - d/r,
    ``gaussian`` exp(-2 (d/r)^2), ``uniform`` 1."""
    lookback_days: float = Field(90.0, gt=0)
    """Incidents older than this (before the night's start) are ignored."""
    cap: float = Field(10.0, gt=0)
    """Soft cap c of the incident component: c * (1 - exp(-sum / c)) (``inf``: no cap)."""

    @field_validator("categories")
    @classmethod
    def _severities(cls, v: dict[str, float]) -> dict[str, float]:
        for k, w in v.items():
            if w < 0:
                raise ValueError(f"severity of {k!r} must be >= 0")
        return v


class RotationSettings(_Section):
    """Staleness: venues not visited for longer than the target gain priority, up to a cap."""

    target_days: float = Field(7.0, gt=0)
    """A venue should be visited about this often; staler venues gain priority."""
    cap: float = Field(2.0, ge=0)
    """The most the staleness component can add (reached by never-visited venues)."""
    recent_floor: float = Field(0.05, gt=0, le=1)
    """Share of its priority a venue visited just now keeps; it recovers linearly to 1 over
    ``target_days`` (the recent factor F). 1 turns the drop off."""


def _default_presence_targets() -> dict[str, float]:
    return {"sangat_tinggi": 2.0, "tinggi": 3.0, "sedang": 4.0, "rendah": 6.0}


class PresenceSettings(_Section):
    """Presence per desa: a desa no squad reached within its target interval gains priority."""

    target_days: dict[str, float] = Field(default_factory=_default_presence_targets)
    """Target interval (days) between two visits of a desa, per kerawanan level of the desa
    (a key of ``kerawanan.levels``). Every desa must be reached in a 7-night window, so even
    ``rendah`` stays below 7 days."""
    default_target_days: float = Field(7.0, gt=0, allow_inf_nan=False)
    """Target of a desa whose level is not listed in ``target_days`` (or is unknown)."""
    weight: float = Field(3.0, ge=0, allow_inf_nan=False)
    """From the target on, the presence component is ``weight * days / target``."""
    cap: float = Field(9.0, ge=0, allow_inf_nan=False)
    """The most the presence component can add (a desa never visited gets it; 0 turns it off)."""

    @field_validator("target_days")
    @classmethod
    def _targets(cls, v: dict[str, float]) -> dict[str, float]:
        for k, d in v.items():
            if not math.isfinite(d) or d <= 0:
                raise ValueError(f"target of {k!r} must be a finite number of days > 0")
        return v


class KindSettings(_Section):
    """Venue kinds: a priority multiplier and the default dwell time of a visit."""

    weights: dict[str, float] = Field(
        default_factory=lambda: {"angkringan": 1.0, "warkop": 1.0, "kafe": 1.2}
    )
    """Priority multiplier of each venue kind (a busy kafe reaches more people)."""
    default_weight: float = Field(1.0, ge=0)
    """Multiplier of a kind that is not listed."""
    dwell_min: dict[str, float] = Field(
        default_factory=lambda: {"angkringan": 20.0, "warkop": 25.0, "kafe": 30.0}
    )
    """Default minutes spent at a venue of each kind (never below 10)."""
    default_dwell_min: float = Field(25.0, ge=10)
    """Dwell time of a kind that is not listed."""

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        for k, w in v.items():
            if w < 0:
                raise ValueError(f"weight of {k!r} must be >= 0")
        return v

    @field_validator("dwell_min")
    @classmethod
    def _koper(cls, v: dict[str, float]) -> dict[str, float]:
        for k, d in v.items():
            if d < 10:
                raise ValueError(f"dwell of {k!r} must be at least 10 minutes (Koper curve)")
        return v


class WeightSettings(_Section):
    """Weights of the components in the priority formula: priority = directive_factor *
    kind * (kerawanan * K + incidents * I + rotation * R + history.report_weight * P)."""

    kerawanan: float = Field(1.0, ge=0)
    """Weight of the kerawanan component K."""
    incidents: float = Field(1.0, ge=0)
    """Weight of the incident component I."""
    rotation: float = Field(3.0, ge=0)
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
        frozen=True, extra="forbid", populate_by_name=True, use_attribute_docstrings=True
    )

    from_: dt.date = Field(alias="from")
    """First night (date in WIB) on which the directive holds."""
    to: dt.date
    """Last night (date in WIB) on which the directive holds, inclusive."""
    reason: str = ""
    """Shown in the reasons: "Atensi: Pilkades (1–10 Des)"."""
    action: DirectiveAction = "boost"
    """``boost`` multiplies the priority; ``exclude`` / ``must_visit`` tonight."""
    factor: float = Field(1.0, ge=0)
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

    speeds_kph: dict[str, float] = Field(default_factory=dict)
    """Speed per OSM ``highway`` class where a road has no usable ``maxspeed``."""
    fallback_kph: float = Field(25.0, gt=0)
    max_kph: float = Field(60.0, gt=0)
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
    snap_max_m: float = Field(1000.0, gt=0)
    """Venues farther than this from any road are reported and left out of routing."""
    access_kph: float = Field(10.0, gt=0)
    """Speed of the ride/walk between a venue and its snapped road point."""
    cache_dir: str = ".cache"
    """Where travel-time matrices are cached, relative to the dataset folder."""
    matrix_workers: int = Field(2, ge=1, le=64)
    """Processes computing a large travel-time matrix (forked on Linux; 1 = one process). The
    environment variable ``PLANNER_MATRIX_WORKERS`` overrides it; results are identical."""


class RoutingSettings(_Section):
    time_limit_s: float = Field(20.0, gt=0)
    """Solver wall-time limit (a safety net even in reproducible mode)."""
    seed: int = 0
    reproducible: bool = False
    """Use a deterministic search budget instead of wall time: identical plans run to run."""
    exchange_rate_min: float = Field(7.0, gt=0)
    """Minutes of driving one point of priority is worth (dropping a venue costs its priority
    times this many minutes)."""
    max_stops_per_squad: int | None = Field(None, ge=1)
    max_per_desa: int | None = Field(None, ge=1)
    """A hard cap: at most this many venues of one desa per night (None: no cap; the curve
    ``desa_decay`` spreads the visits anyway)."""
    desa_decay: float = Field(0.95, gt=0, le=1)
    """Diminishing returns per desa per night: the k-th visit of one desa tonight (by priority,
    highest first) counts ``desa_decay ** (k - 1)`` of its priority. 1 turns the curve off (the
    pure team-orienteering sum). The default is measured in docs/presence.md."""
    solution_limit: int = Field(2000, ge=1)
    """Search budget of the reproducible mode: stop after this many solutions (planner.routing)."""
    metaheuristic: Literal["gls", "ils", "tabu", "sa", "greedy"] = "gls"
    """Local-search metaheuristic: guided local search, iterated local search with SISR
    ruin-and-recreate, tabu search, simulated annealing, or plain descent."""
    first_solution: Literal["greedy", "ortools"] = "greedy"
    """First solution: our greedy insertion heuristic, or OR-Tools' cheapest insertion."""
    greedy_starts: int = Field(90, ge=1)
    """Greedy restarts for the first solution (the best is kept; at most 5 % of the time
    limit outside reproducible mode)."""
    ruin_recreate: bool = True
    """Improve the greedy first solution by ruin and recreate (planner.routing.heuristics) for most of the
    time limit before OR-Tools' local search polishes it (issue 5: it closes most of the gap
    to the published best scores)."""
    ruin_recreate_steps: int = Field(8000, ge=1)
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
    report_half_life_days: float = Field(7.0, gt=0)
    report_weight: float = Field(1.0, ge=0)
    followup_due_days: int = Field(14, ge=1)
    """A referral or police follow-up is overdue this many days after the visit (unless the
    visit sheet gives its own ``batas_waktu``)."""
    report_lookback_days: float = Field(28.0, gt=0)
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


def settings_from_dict(data: dict[str, Any], *, source: str = "planner.toml") -> Settings:
    """Validate a settings mapping; every problem is reported with its key."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = _key(tuple(err["loc"]))
            found = err.get("input")
            if err["type"] == "extra_forbidden":
                expected = msg("kunci tidak dikenal; periksa ejaan", "unknown key; check spelling")
            else:
                expected = msg(f"nilai yang valid ({err['msg']})", f"a valid value ({err['msg']})")
            problems.append(
                Problem(source, None, key, found if not isinstance(found, dict) else "…", expected)
            )
        raise InputError(problems) from None
    check_settings(settings, source=source)
    return settings


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
