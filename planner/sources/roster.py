"""Tonight's roster of a dataset: ``squads.toml`` (or the file of ``--roster``).

One ``[[squad]]`` block per squad: its id, station, members, shift, vehicle profile and
optional area (docs/dataset.md, docs/interfaces.md). Every block is checked key by key; a
misspelt key is named with the key it most looks like.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from planner.config import Settings
from planner.domain import Squad, Window, parse_clock
from planner.errors import Problem, ProblemCollector
from planner.sources._columns import (
    MISSING,
    did_you_mean,
    guess,
    raise_problems,
    settings_or_default,
)
from planner.text import msg

_SQUAD_KEYS = {"squad_id", "name", "station_id", "members", "shift", "vehicle", "area"}
_REQUIRED_KEYS = ("squad_id", "station_id", "members", "shift", "vehicle")
_ANYWHERE = {"*", "semua", "all", "anywhere"}
_SHIFT_SEP = re.compile(r"\s*(?:-|–|—|s/d|sampai|to)\s*")


def read_roster(
    path: str | Path,
    *,
    stations: gpd.GeoDataFrame | None = None,
    settings: Settings | None = None,
    kecamatan: Iterable[str] | None = None,
) -> tuple[Squad, ...]:
    """Read ``squads.toml`` (format in docs/interfaces.md) into squads.

    With ``stations``, a squad's station must exist and a Polsek squad's default area is its
    kecamatan (a Polres squad's default is anywhere, ``None``). With ``kecamatan``, every name
    in ``area`` must be one of them.
    """
    kec = set(kecamatan) if kecamatan is not None else None
    ids = set(stations["station_id"]) if stations is not None else None
    squads, problems = collect_roster(
        Path(path),
        settings_or_default(settings),
        stations=stations,
        station_ids=ids,
        kecamatan=kec,
    )
    raise_problems(problems)
    return squads


@dataclass(frozen=True)
class _Known:
    """What a squad block is checked against (``None``: that file is absent or bad)."""

    profiles: tuple[str, ...]
    station_ids: set[str] | None
    station_kind: Mapping[str, tuple[str, str]]
    """``station_id`` → (kind, kecamatan), for the default area of a Polsek squad."""
    kecamatan: set[str] | None
    seen: dict[str, int] = field(default_factory=dict)
    """``squad_id`` (case-folded) → the block that used it first (filled while reading)."""


def collect_roster(
    path: Path,
    settings: Settings,
    *,
    stations: gpd.GeoDataFrame | None,
    station_ids: set[str] | None,
    kecamatan: set[str] | None,
) -> tuple[tuple[Squad, ...], list[Problem]]:
    """Read the roster and collect every problem in it instead of raising.

    ``stations`` gives a Polsek squad its default area; ``station_ids`` and ``kecamatan``
    (``None`` when their file is absent or bad) are what ``station_id`` and ``area`` must name.

    Returns
    -------
    tuple
        The squads whose blocks have no problem, and the problems.
    """
    bag = ProblemCollector(path.name)
    entries = _squad_blocks(path, bag)
    if entries is None:
        return (), bag.problems
    station_kind: dict[str, tuple[str, str]] = {}
    if stations is not None:
        station_kind = {
            r.station_id: (r.kind, r.kecamatan)
            for r in stations[["station_id", "kind", "kecamatan"]].itertuples()
        }
    known = _Known(tuple(settings.network.profiles), station_ids, station_kind, kecamatan)
    squads = [_squad(bag, n, entry, known) for n, entry in enumerate(entries, start=1)]
    return tuple(s for s in squads if s is not None), bag.problems


def _squad_blocks(path: Path, bag: ProblemCollector) -> list[object] | None:
    """The ``[[squad]]`` blocks of the file; ``None`` when it is not TOML or has none. Other
    top-level keys are reported (a misspelt ``[[squads]]``)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        bag.add(value=str(exc), expected=msg("berkas TOML yang valid", "valid TOML"))
        return None
    entries = data.get("squad")
    if not isinstance(entries, list) or not entries:
        bag.add(
            column="squad",
            value=None,
            expected=msg("paling sedikit satu blok [[squad]]", "at least one [[squad]] block"),
        )
        return None
    for key in data:
        if key != "squad":
            bag.add(
                column=key,
                value=key,
                expected=msg(
                    "hanya blok [[squad]]; periksa ejaan",
                    "only [[squad]] blocks; check spelling",
                ),
            )
    return entries


def _squad(bag: ProblemCollector, n: int, entry: object, known: _Known) -> Squad | None:
    """Squad block ``n`` (counted from 1) as a squad; ``None`` when it has any problem."""
    where = f"squad[{n}]"
    if not isinstance(entry, dict):
        bag.add(
            column=where,
            value=entry,
            expected=msg("sebuah blok [[squad]]", "a [[squad]] block"),
        )
        return None
    before = len(bag.problems)
    _check_keys(bag, where, entry)
    squad_id = _squad_id(bag, where, n, entry, known.seen)
    station_id = str(entry.get("station_id", "")).strip()
    if "station_id" in entry and known.station_ids is not None:
        _check_station(bag, where, station_id, known.station_ids)
    members = entry.get("members")
    if "members" in entry and (
        isinstance(members, bool) or not isinstance(members, int) or members < 1
    ):
        bag.add(
            column=f"{where}.members",
            value=members,
            expected=msg("bilangan bulat ≥ 1", "a whole number ≥ 1"),
        )
    shift = _shift(bag, f"{where}.shift", entry["shift"]) if "shift" in entry else None
    vehicle = str(entry.get("vehicle", "")).strip()
    if "vehicle" in entry and vehicle not in known.profiles:
        profiles = ", ".join(known.profiles)
        bag.add(
            column=f"{where}.vehicle",
            value=vehicle,
            expected=msg(
                f"profil kendaraan dari [network.profiles]: {profiles}",
                f"a vehicle profile of [network.profiles]: {profiles}",
            ),
        )
    area = _area(bag, where, entry.get("area"), station_id, known)
    if len(bag.problems) != before or shift is None:
        return None
    assert isinstance(members, int)  # checked above: a problem otherwise
    return Squad(
        squad_id=squad_id,
        station_id=station_id,
        members=members,
        shift=shift,
        vehicle=vehicle,
        area=area,
        name=str(entry.get("name", "")).strip(),
    )


def _check_keys(bag: ProblemCollector, where: str, entry: dict[str, object]) -> None:
    """Report unknown keys (naming the known key they look like) and missing required ones."""
    known = sorted(_SQUAD_KEYS)
    for key in entry:
        if key not in _SQUAD_KEYS:
            hint = guess(key, known)
            bag.add(
                column=f"{where}.{key}",
                value=key,
                expected=msg(
                    f"kunci yang dikenal: {', '.join(known)}{hint}",
                    f"a known key: {', '.join(known)}{hint}",
                ),
            )
    for key in _REQUIRED_KEYS:
        if key not in entry:
            bag.add(
                column=f"{where}.{key}",
                value=None,
                expected=msg("kunci wajib ini", "this required key"),
            )


def _squad_id(
    bag: ProblemCollector,
    where: str,
    n: int,
    entry: dict[str, object],
    seen: dict[str, int],
) -> str:
    """The block's ``squad_id``; a blank, unsafe or repeated one is reported.

    An id names the squad's phone map (``regu-<id>.html``) and route sheet, so it must be
    :data:`SQUAD_ID_PATTERN` (letters, digits, ``-`` and ``_``; at most 40) and unique
    ignoring case (``R01`` and ``r01`` would be one file on Windows): never two squads to one
    file.
    """
    squad_id = str(entry.get("squad_id", "")).strip()
    if "squad_id" not in entry:
        return squad_id
    key = squad_id.casefold()
    if not squad_id:
        bag.add(column=f"{where}.squad_id", value=entry["squad_id"], expected=MISSING)
    elif not SQUAD_ID_PATTERN.fullmatch(squad_id):
        bag.add(column=f"{where}.squad_id", value=squad_id, expected=_UNSAFE_ID)
    elif key in seen:
        bag.add(
            column=f"{where}.squad_id",
            value=squad_id,
            expected=msg(
                f"squad_id yang unik, tanpa membedakan huruf besar/kecil (sudah dipakai oleh "
                f"squad[{seen[key]}])",
                f"a unique squad_id, ignoring case (already used by squad[{seen[key]}])",
            ),
        )
    else:
        seen[key] = n
    return squad_id


SQUAD_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")
"""The safe set of a ``squad_id`` (docs/dataset.md): it becomes a file name as written."""

_UNSAFE_ID = msg(
    "squad_id dari huruf, angka, - dan _ saja (tanpa spasi, / atau titik; paling panjang 40), "
    "mis. R01 atau PS-TUGU-1: nama berkas peta regu dibuat darinya",
    "a squad_id of letters, digits, - and _ only (no spaces, / or dots; at most 40), e.g. R01 "
    "or PS-TUGU-1: it names the squad's map file",
)


def _check_station(
    bag: ProblemCollector, where: str, station_id: str, station_ids: set[str]
) -> None:
    """Report a ``station_id`` that is not in the stations file (naming a near one)."""
    if station_id in station_ids:
        return
    hint = did_you_mean(station_id, sorted(station_ids))
    bag.add(
        column=f"{where}.station_id",
        value=station_id,
        expected=msg(
            f"station_id yang ada di stations.csv{hint('id')}",
            f"a station_id from stations.csv{hint('en')}",
        ),
    )


def _shift(bag: ProblemCollector, column: str, value: object) -> Window | None:
    """``"19:00-02:00"`` as a night-clock window; a shift that does not parse or does not run
    forward on the night clock is reported."""
    text = str(value).strip()
    parts = _SHIFT_SEP.split(text)
    example = msg('jam dinas seperti "19:00-02:00"', 'a shift like "19:00-02:00"')
    if len(parts) != 2:
        bag.add(column=column, value=value, expected=example)
        return None
    try:
        start, end = parse_clock(parts[0]), parse_clock(parts[1])
    except ValueError:
        bag.add(column=column, value=value, expected=example)
        return None
    if end <= start:
        bag.add(
            column=column,
            value=value,
            expected=msg(
                "jam dinas yang berakhir setelah mulai pada jam malam (12:00 s/d 12:00 esoknya), "
                'mis. "19:00-02:00"',
                "a shift that ends after it starts on the night clock (noon to noon), "
                'e.g. "19:00-02:00"',
            ),
        )
        return None
    return Window(start, end)


def _area(
    bag: ProblemCollector, where: str, raw: object, station_id: str, known: _Known
) -> tuple[str, ...] | None:
    """The kecamatan a squad may visit (``None``: anywhere).

    Without ``area`` a Polsek squad keeps to its station's kecamatan; ``"*"`` (or ``semua``)
    means anywhere. A name that is not a kecamatan of the desa file is reported.
    """
    if raw is None:
        kind = known.station_kind.get(station_id)
        return (kind[1],) if kind is not None and kind[0] == "polsek" else None
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items or not all(isinstance(a, str) for a in items):
        bag.add(
            column=f"{where}.area",
            value=raw,
            expected=msg(
                'daftar kecamatan, mis. ["Trenggalek", "Pogalan"], atau "*"',
                'a list of kecamatan, e.g. ["Trenggalek", "Pogalan"], or "*"',
            ),
        )
        return None
    if any(a.strip().lower() in _ANYWHERE for a in items):
        return None
    area = tuple(a.strip() for a in items)
    if known.kecamatan is not None:
        for a in area:
            if a not in known.kecamatan:
                hint = guess(a, sorted(known.kecamatan))
                bag.add(
                    column=f"{where}.area",
                    value=a,
                    expected=msg(
                        f"kecamatan dari berkas desa{hint}",
                        f"a kecamatan of the desa file{hint}",
                    ),
                )
    return area


__all__ = ["SQUAD_ID_PATTERN", "collect_roster", "read_roster"]
