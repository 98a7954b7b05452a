"""Weights and settings, read from ``planner.toml`` and validated with pydantic.

Every section is a frozen pydantic model with defaults that make sense for a Polres, so an empty
``planner.toml`` is valid. Unknown keys are rejected (a typo must not silently fall back to a
default). Errors become :class:`~planner.errors.InputError` problems naming the key, e.g.
``incidents.half_life_days``.

Sections: ``general``, ``kerawanan``, ``incidents``, ``rotation``, ``kinds``, ``weights``,
``directives`` (list), ``network``, ``routing``, ``history``. The README documents every key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.errors import InputError, Lang, Problem, msg


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GeneralSettings(_Section):
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
    half_life_days: float = Field(14.0, gt=0)
    radius_m: float = Field(1000.0, gt=0)
    kernel: Literal["gaussian", "linear", "uniform"] = "linear"
    lookback_days: float = Field(90.0, gt=0)


class RotationSettings(_Section):
    target_days: float = Field(7.0, gt=0)
    """A venue should be visited about this often; staler venues gain priority."""
    cap: float = Field(2.0, ge=0)
    """The most the staleness component can add (reached by never-visited venues)."""


class KindSettings(_Section):
    weights: dict[str, float] = Field(
        default_factory=lambda: {"angkringan": 1.0, "warkop": 1.0, "kafe": 1.2}
    )
    dwell_min: dict[str, float] = Field(
        default_factory=lambda: {"angkringan": 20.0, "warkop": 25.0, "kafe": 30.0}
    )
    default_dwell_min: float = Field(25.0, ge=10)

    @field_validator("dwell_min")
    @classmethod
    def _koper(cls, v: dict[str, float]) -> dict[str, float]:
        for k, d in v.items():
            if d < 10:
                raise ValueError(f"dwell of {k!r} must be at least 10 minutes (Koper curve)")
        return v


class WeightSettings(_Section):
    """Weights of the components in the priority formula (see risk.py and the README)."""

    kerawanan: float = Field(1.0, ge=0)
    incidents: float = Field(1.0, ge=0)
    rotation: float = Field(1.0, ge=0)
    reports: float = Field(1.0, ge=0)


class Directive(BaseModel):
    """A time-boxed order from command (dinamika terkini)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    reason: str = ""
    action: Literal["boost", "exclude", "must_visit"] = "boost"
    factor: float = Field(1.0, ge=0)
    desa: str | None = None
    desa_code: str | None = None
    kecamatan: str | None = None
    venue_id: str | None = None
    polygon: str | None = None
    category: str | None = None


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
    mobil = {k: v * (0.9 if k in {"residential", "living_street", "service", "track"} else 1.0)
             for k, v in base.items()}
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


class RoutingSettings(_Section):
    time_limit_s: float = Field(20.0, gt=0)
    """Solver wall-time limit (a safety net even in reproducible mode)."""
    seed: int = 0
    reproducible: bool = False
    """Use a deterministic search budget instead of wall time: identical plans run to run."""
    exchange_rate_min: float = Field(10.0, gt=0)
    """Minutes of driving one point of priority is worth (dropping a venue costs its priority
    times this many minutes)."""
    max_stops_per_squad: int | None = Field(None, ge=1)
    max_per_desa: int | None = Field(None, ge=1)


class HistorySettings(_Section):
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


class Settings(_Section):
    general: GeneralSettings = Field(default_factory=GeneralSettings)
    kerawanan: KerawananSettings = Field(default_factory=KerawananSettings)
    incidents: IncidentSettings = Field(default_factory=IncidentSettings)
    rotation: RotationSettings = Field(default_factory=RotationSettings)
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
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = _key(tuple(err["loc"]))
            found = err.get("input")
            if err["type"] == "extra_forbidden":
                expected = msg("kunci tidak dikenal; periksa ejaan", "unknown key; check spelling")
            else:
                expected = msg(
                    f"nilai yang valid ({err['msg']})", f"a valid value ({err['msg']})"
                )
            problems.append(
                Problem(source, None, key, found if not isinstance(found, dict) else "…", expected)
            )
        raise InputError(problems) from None


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
