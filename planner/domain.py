"""Frozen domain types and the night clock.

The night clock (docs/architecture.md): a night is a date D in WIB (Asia/Jakarta, UTC+7). Inside the
planner a time is *minutes after D 12:00 WIB*: 19:00 is 420, midnight is 720, 03:00 the next
morning is 900. A clock time below 12:00 belongs to the morning after D. Convert only at the
edges (reading input, printing output). The solver works in integer seconds on the same clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Literal

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def now_wib() -> dt.datetime:
    """The current time in WIB (Trenggalek's time zone): the one clock of the planner."""
    return dt.datetime.now(WIB)


NIGHT_MIN = 1440  # the night clock spans D 12:00 .. D+1 12:00
MIDNIGHT_MIN = 720

VehicleProfile = str  # a key of settings.network.profiles, e.g. "motor", "mobil"
StationKind = Literal["polres", "polsek"]

_CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:.]\s*(\d{2})\s*$")
_ALL_DAY = {"24 jam", "24jam", "24 hours", "24h", "24 jam penuh", "00:00-24:00", "00.00-24.00"}
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|s/d|s\.d\.|sampai|to)\s*")


def parse_clock(text: str) -> int:
    """Parse a WIB clock time into minutes on the night clock.

    Accepts ``"19:00"`` and the Indonesian ``"19.00"``. Times before 12:00 are the morning after
    the night's date (``"03:00"`` -> 900); ``"00:00"`` and ``"24:00"`` are midnight (720).

    Raises
    ------
    ValueError
        If the text is not a clock time.
    """
    m = _CLOCK.match(str(text))
    if not m:
        raise ValueError(f"not a clock time (HH:MM or HH.MM): {text!r}")
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour == 24 and minute == 0:
        return MIDNIGHT_MIN
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"not a clock time (HH:MM or HH.MM): {text!r}")
    minutes = hour * 60 + minute
    return minutes - 720 if hour >= 12 else minutes + 720


def format_clock(minutes: float) -> str:
    """Format night-clock minutes back to a WIB ``"HH:MM"`` (seconds are dropped)."""
    total = int(minutes) % NIGHT_MIN
    clock = (total + 720) % NIGHT_MIN
    return f"{clock // 60:02d}:{clock % 60:02d}"


def format_clock_s(seconds: float) -> str:
    """Format night-clock *seconds* as ``"HH:MM"`` (rounded down to the minute)."""
    return format_clock(int(seconds) // 60)


@dataclass(frozen=True, order=True)
class Window:
    """A time interval on the night clock, in minutes: ``0 <= start_min < end_min <= 1440``."""

    start_min: int
    end_min: int

    def __post_init__(self) -> None:
        if not (0 <= self.start_min < self.end_min <= NIGHT_MIN):
            raise ValueError(
                f"a window needs 0 <= start < end <= {NIGHT_MIN}, got "
                f"[{self.start_min}, {self.end_min}]"
            )

    @property
    def duration_min(self) -> int:
        return self.end_min - self.start_min

    def overlap_min(self, other: Window) -> int:
        return max(0, min(self.end_min, other.end_min) - max(self.start_min, other.start_min))

    def __str__(self) -> str:
        return f"{format_clock(self.start_min)}-{format_clock(self.end_min)}"


ALL_NIGHT = Window(0, NIGHT_MIN)


def is_all_day(text: str) -> bool:
    """True for "24 jam" / "24 hours" and the like."""
    return str(text).strip().lower() in _ALL_DAY


def parse_window(text: str) -> Window:
    """Parse a shift or opening window: ``"19:00-03:00"``, ``"19.00 - 03.00"``, ``"24 jam"``.

    The window must run forward on the night clock (a night shift like 19:00-03:00 does, since
    03:00 is the next morning); a window that ends before it starts raises ``ValueError``.
    """
    if is_all_day(text):
        return ALL_NIGHT
    parts = _RANGE_SEP.split(str(text).strip())
    if len(parts) != 2:
        raise ValueError(f"not a time range like 19:00-03:00: {text!r}")
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if end == start and parts[0].strip() in {"12:00", "12.00"}:
        return ALL_NIGHT
    if end <= start:
        raise ValueError(f"the window ends before it starts on the night clock: {text!r}")
    return Window(start, end)


def opening_intervals(opens: str, closes: str) -> tuple[Window, ...]:
    """Opening hours as night-clock windows.

    ``opens="18:00", closes="02:00"`` -> ``(18:00-02:00,)``, i.e. [360, 840]. Either field may be
    ``"24 jam"`` (open all night). A venue open across noon (``"06:00"`` to ``"22:00"``) is open
    twice on the night clock: ``[0, 600]`` (noon to 22:00) and ``[1080, 1440]`` (06:00 to noon);
    both pieces are returned, earliest first. Equal opening and closing times mean 24 hours.
    """
    if is_all_day(opens) or is_all_day(closes):
        return (ALL_NIGHT,)
    start, end = parse_clock(opens), parse_clock(closes)
    if start == end:
        return (ALL_NIGHT,)
    if start < end:
        return (Window(start, end),)
    pieces = []
    if end > 0:
        pieces.append(Window(0, end))
    if start < NIGHT_MIN:
        pieces.append(Window(start, NIGHT_MIN))
    return tuple(pieces)


@dataclass(frozen=True)
class Night:
    """The night of ``date`` (WIB): from 12:00 on ``date`` to 12:00 the next day."""

    date: dt.date

    @classmethod
    def parse(cls, text: str) -> Night:
        return cls(dt.date.fromisoformat(text))

    @classmethod
    def of(cls, when: dt.datetime) -> Night:
        """The night a moment belongs to: from noon on, that day's; before noon, the day before's.

        The night clock runs from 12:00 to 12:00 WIB, so 00:30 and 03:00 are still the shift of
        the night that began the evening before. Naive datetimes are taken as WIB.
        """
        if when.tzinfo is None:
            when = when.replace(tzinfo=WIB)
        local = when.astimezone(WIB)
        day = local.date()
        return cls(day if local.hour >= 12 else day - dt.timedelta(days=1))

    @classmethod
    def tonight(cls, now: dt.datetime | None = None) -> Night:
        """The night on the clock now (:meth:`of` the current WIB time): at 00:13 it is still the
        night that began the evening before; from 12:00 on it is today's."""
        return cls.of(now or now_wib())

    @property
    def noon(self) -> dt.datetime:
        """The zero of the night clock, a timezone-aware datetime."""
        return dt.datetime.combine(self.date, dt.time(12, 0), tzinfo=WIB)

    def to_minutes(self, when: dt.datetime) -> float:
        """Minutes after this night's noon; naive datetimes are taken as WIB."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=WIB)
        return (when - self.noon).total_seconds() / 60.0

    def at(self, minutes: float) -> dt.datetime:
        """The WIB datetime of a night-clock minute."""
        return self.noon + dt.timedelta(minutes=minutes)

    def __str__(self) -> str:
        return self.date.isoformat()


@dataclass(frozen=True)
class Station:
    """A Polres or Polsek office from which squads start and to which they return."""

    station_id: str
    name: str
    kind: StationKind
    lat: float
    lon: float
    kecamatan: str

    def __post_init__(self) -> None:
        if self.kind not in ("polres", "polsek"):
            raise ValueError(f"station kind must be polres or polsek, got {self.kind!r}")
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"station {self.station_id}: coordinates out of range")


@dataclass(frozen=True)
class Squad:
    """One squad (regu) on tonight's roster.

    ``area`` lists the kecamatan it may visit; ``None`` means anywhere (a Polres squad). The
    roster reader fills a Polsek squad's default area with its own kecamatan.
    """

    squad_id: str
    station_id: str
    members: int
    shift: Window
    vehicle: VehicleProfile
    area: tuple[str, ...] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.members < 1:
            raise ValueError(f"squad {self.squad_id}: members must be at least 1")
        if self.area is not None and not self.area:
            raise ValueError(f"squad {self.squad_id}: area must be None (anywhere) or non-empty")

    @property
    def label(self) -> str:
        return self.name or self.squad_id

    def may_visit(self, kecamatan: str) -> bool:
        return self.area is None or kecamatan in self.area


# --------------------------------------------------------------------------- plans
# A Plan is the only thing renderers (maps, reports) read. Times are integer seconds on the
# night clock (seconds after D 12:00 WIB); use format_clock_s to print them.

DropReason = Literal[
    "not_worth",  # could be visited, but the priority did not pay for the detour
    "no_fit",  # no squad could fit it in its shift together with better venues
    "unreachable",  # too far from any road, or no road from any station
    "outside_area",  # in no squad's area
    "closed",  # closed during every squad's shift
    "excluded",  # excluded by command tonight
    "inactive",  # marked inactive in the venue list
]


@dataclass(frozen=True)
class Stop:
    """One planned visit."""

    venue_id: str
    arrival_s: int
    start_s: int
    departure_s: int
    travel_s: int  # the leg from the previous stop (or the station)
    dist_m: float  # length of that leg
    priority: float

    def __post_init__(self) -> None:
        if not (self.arrival_s <= self.start_s <= self.departure_s):
            raise ValueError(f"stop {self.venue_id}: needs arrival <= start <= departure")

    @property
    def wait_s(self) -> int:
        return self.start_s - self.arrival_s

    @property
    def dwell_s(self) -> int:
        return self.departure_s - self.start_s


@dataclass(frozen=True)
class Route:
    """One squad's night: leave the station, visit the stops in order, come back."""

    squad_id: str
    station_id: str
    depart_s: int
    return_s: int
    stops: tuple[Stop, ...]
    return_travel_s: int  # last stop (or station) back to the station
    return_dist_m: float

    @property
    def priority(self) -> float:
        return float(sum(s.priority for s in self.stops))

    @property
    def travel_s(self) -> int:
        return sum(s.travel_s for s in self.stops) + self.return_travel_s

    @property
    def dist_m(self) -> float:
        return float(sum(s.dist_m for s in self.stops) + self.return_dist_m)


@dataclass(frozen=True)
class Dropped:
    """A candidate venue that is not visited tonight, and why."""

    venue_id: str
    reason: DropReason
    priority: float
    detail: str = ""


@dataclass(frozen=True)
class Plan:
    """Tonight's plan: one route per squad (possibly empty) and the venues left out."""

    night: Night
    routes: tuple[Route, ...]
    dropped: tuple[Dropped, ...] = ()
    total_priority: float = 0.0  # tonight's priority over all candidate venues
    unmet_must_visit: tuple[tuple[str, str], ...] = ()  # (venue_id, why)
    meta: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def collected(self) -> float:
        return float(sum(r.priority for r in self.routes))

    @property
    def share(self) -> float:
        return self.collected / self.total_priority if self.total_priority > 0 else 0.0

    @property
    def visits(self) -> int:
        return sum(len(r.stops) for r in self.routes)

    def visited_ids(self) -> list[str]:
        return [s.venue_id for r in self.routes for s in r.stops]

    def route(self, squad_id: str) -> Route:
        for r in self.routes:
            if r.squad_id == squad_id:
                return r
        raise KeyError(squad_id)


__all__ = [
    "ALL_NIGHT",
    "MIDNIGHT_MIN",
    "NIGHT_MIN",
    "WIB",
    "Dropped",
    "Night",
    "Plan",
    "Route",
    "Squad",
    "Station",
    "Stop",
    "Window",
    "format_clock",
    "format_clock_s",
    "is_all_day",
    "now_wib",
    "opening_intervals",
    "parse_clock",
    "parse_window",
    "replace",
]
