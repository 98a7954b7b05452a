"""Directives from command: which venues each one targets tonight, and what it does to them.

A directive is active on the nights whose date (WIB) lies in ``[from, to]``, both included. A
``boost`` multiplies the priority of its targets (with a ``category``, only the incidents of that
category), ``exclude`` and ``must_visit`` set the venue's flags. Every directive is first checked
against the dataset (:func:`validate_directives`), so a typo never scores silently.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from planner.config import MAX_WEIGHT, Directive, Settings, check_settings
from planner.domain import Night
from planner.errors import InputError, Problem, ProblemCollector
from planner.risk.places import (
    Places,
    desa_codes_named,
    locate,
    text_or_none,
    venue_ids,
    wgs84_geometry,
)
from planner.text import Lang, Msg, date_range, msg
from planner.text.risk import DIRECTIVE_TEXT, category_name

SETTINGS_FILE = "planner.toml"


def active_directives(settings: Settings, night: Night) -> list[tuple[int, Directive]]:
    """The directives (with their index in ``settings.directives``) that hold on ``night``."""
    return [(i, d) for i, d in enumerate(settings.directives) if d.active_on(night.date)]


# ------------------------------------------------------------------------------ polygons


@functools.lru_cache(maxsize=32)
def _read_polygon_cached(path: str, mtime_ns: int) -> BaseGeometry:
    geom = wgs84_geometry(gpd.read_file(path))
    polys = geom[geom.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polys.empty:
        raise ValueError("no polygon in the file")
    return polys.union_all()


def read_polygon(polygon: str, *, root: Path | None = None) -> BaseGeometry:
    """The union of the polygons in a directive's polygon file (EPSG:4326), cached by mtime.

    ``polygon`` is resolved against ``root`` (the dataset folder) unless it is absolute.
    """
    p = Path(polygon)
    path = p if p.is_absolute() or root is None else Path(root) / p
    return _read_polygon_cached(str(path), path.stat().st_mtime_ns)


def _polygon_problem(polygon: str, root: Path | None) -> Msg | None:
    """What is wrong with a directive's polygon file, or ``None`` when it reads."""
    try:
        read_polygon(polygon, root=root)
    except OSError:
        return msg(
            "berkas poligon yang ada (relatif terhadap folder dataset)",
            "an existing polygon file (relative to the dataset folder)",
        )
    except Exception as exc:  # any reader failure is a bad file to the user
        return msg(f"berkas poligon yang terbaca ({exc})", f"a readable polygon file ({exc})")
    return None


# ------------------------------------------------------------------------------ validation


def validate_directives(
    settings: Settings,
    desa: pd.DataFrame,
    venues: pd.DataFrame,
    *,
    root: Path | None = None,
) -> None:
    """Check every directive against the dataset; raise one InputError with every problem.

    A named desa, desa code, kecamatan or venue must exist (a desa name shared by two desa needs
    ``kecamatan`` or the code), a polygon file must exist and hold polygons, and a category must
    be a key of ``incidents.categories``. Problems name the key, e.g. ``directives[0].desa``.
    When every target exists, no venue may be excluded by one directive and forced by another
    on any night both hold (:func:`directive_conflicts`): orders that contradict each other are
    an error even on the nights between, so ``planner validate`` and every night's plan agree.

    Parameters
    ----------
    settings
        The settings whose ``directives`` are checked (the other settings are checked too).
    desa, venues
        The dataset's tables.
    root
        The dataset folder, against which polygon files are resolved.

    Raises
    ------
    InputError
        Every problem at once.
    """
    bag = ProblemCollector(SETTINGS_FILE)
    try:
        check_settings(settings)
    except InputError as exc:
        bag.extend(exc.problems)
    desa_names = set(desa["desa"].astype(str).str.casefold()) if "desa" in desa else set()
    codes = set(desa["desa_code"].astype(str)) if "desa_code" in desa else set()
    kecs = set(desa["kecamatan"].astype(str).str.casefold()) if "kecamatan" in desa else set()
    if "kecamatan" in venues.columns:
        kecs |= {str(k).casefold() for k in venues["kecamatan"] if text_or_none(k)}
    ids = {str(v) for v in venues["venue_id"]} if "venue_id" in venues else set()
    for i, d in enumerate(settings.directives):
        key = f"directives[{i}]"
        if d.kecamatan is not None and d.kecamatan.casefold() not in kecs:
            expected = msg(
                "nama kecamatan yang ada di berkas desa", "a kecamatan named in the desa file"
            )
            bag.add(column=f"{key}.kecamatan", value=d.kecamatan, expected=expected)
        if d.desa is not None:
            if d.desa not in codes and d.desa.casefold() not in desa_names:
                expected = msg(
                    "nama atau kode desa yang ada di berkas desa",
                    "the name or code of a desa in the desa file",
                )
                bag.add(column=f"{key}.desa", value=d.desa, expected=expected)
            elif len(desa_codes_named(d.desa, desa, d.kecamatan)) > 1:
                expected = msg(
                    "nama desa ini ada lebih dari satu: tambahkan kecamatan atau pakai kodenya",
                    "more than one desa has this name: add kecamatan or use the code",
                )
                bag.add(column=f"{key}.desa", value=d.desa, expected=expected)
        if d.desa_code is not None and d.desa_code not in codes:
            expected = msg("kode desa yang ada di berkas desa", "a desa_code of the desa file")
            bag.add(column=f"{key}.desa_code", value=d.desa_code, expected=expected)
        for vid in d.venue_ids or ():
            if vid not in ids:
                expected = msg("venue_id yang ada di daftar warkop", "a venue_id of the venues")
                bag.add(column=f"{key}.venue_id", value=vid, expected=expected)
        if d.polygon is not None:
            problem = _polygon_problem(d.polygon, root)
            if problem is not None:
                bag.add(column=f"{key}.polygon", value=d.polygon, expected=problem)
    if not bag and "venue_id" in venues and "geometry" in venues:
        bag.extend(directive_conflicts(settings, desa, venues, root=root))
    bag.raise_if_any()


_CLASH = msg(
    "satu warkop tidak bisa dikecualikan sekaligus wajib dikunjungi pada malam yang sama",
    "a venue cannot be both excluded and a must-visit on one night",
)


def directive_conflicts(
    settings: Settings, desa: pd.DataFrame, venues: pd.DataFrame, *, root: Path | None = None
) -> list[Problem]:
    """Every pair of an ``exclude`` and a ``must_visit`` directive that hold on a common night
    and share a venue: one problem per pair, naming both directives, the first night they
    clash and the venues (the targets must exist: call after the checks of
    :func:`validate_directives`)."""
    pairs = [
        (i, j, max(a.from_, b.from_))
        for i, a in enumerate(settings.directives)
        if a.action == "exclude"
        for j, b in enumerate(settings.directives)
        if b.action == "must_visit" and a.from_ <= b.to and b.from_ <= a.to
    ]
    if not pairs or venues.empty:
        return []
    places = locate(venues, desa, venue_ids(venues))  # type: ignore[arg-type]
    masks: dict[int, np.ndarray] = {}

    def mask(i: int) -> np.ndarray:
        if i not in masks:
            masks[i] = directive_mask(settings.directives[i], places, desa, root=root)
        return masks[i]

    problems = []
    for i, j, night in pairs:
        both = [str(places.ids[v]) for v in np.flatnonzero(mask(i) & mask(j))]
        if both:
            shown = ", ".join(both[:5]) + (f" (+{len(both) - 5})" if len(both) > 5 else "")
            expected = msg(f"{_CLASH.id} ({night.isoformat()})", f"{_CLASH.en} ({night})")
            problems.append(
                Problem(SETTINGS_FILE, None, f"directives[{i}], directives[{j}]", shown, expected)
            )
    return problems


# ------------------------------------------------------------------------------ tonight


def directive_mask(
    d: Directive, places: Places, desa: pd.DataFrame, *, root: Path | None
) -> np.ndarray:
    """Which venues ``d`` targets: every one of its targets at once (desa, kecamatan, …)."""
    n = len(places.ids)
    mask = np.ones(n, dtype=bool)
    if d.desa is not None:
        mask &= np.isin(places.desa_codes, desa_codes_named(d.desa, desa, d.kecamatan))
    if d.desa_code is not None:
        mask &= places.desa_codes == d.desa_code
    if d.kecamatan is not None:
        mask &= places.kecamatan_cf == d.kecamatan.casefold()
    if d.venue_ids is not None:
        mask &= np.isin(places.ids, list(d.venue_ids))
    if d.polygon is not None and n:
        area = read_polygon(d.polygon, root=root)
        mask &= np.asarray(wgs84_geometry(places.venues).intersects(area), dtype=bool)
    return mask


def directive_label(d: Directive, lang: Lang) -> str:
    """The reason a directive gives: ``Atensi: Pilkades (1–10 Des)``."""
    if d.action == "boost":
        head = (
            DIRECTIVE_TEXT["boost_category"].format(c=category_name(d.category, lang))
            if d.category is not None
            else DIRECTIVE_TEXT["boost"]
        )
    else:
        head = DIRECTIVE_TEXT[d.action]
    what = d.reason or DIRECTIVE_TEXT["no_reason"](lang)
    when = date_range(d.from_, d.to, lang)
    return DIRECTIVE_TEXT["label"].format(head=head(lang), what=what, when=when)(lang)


@dataclass(frozen=True)
class CategoryBoost:
    """A ``boost`` with a ``category``: it multiplies that category's incidents at its targets."""

    category: str
    factor: float
    mask: np.ndarray
    label: str


@dataclass(frozen=True)
class DirectiveEffects:
    """What tonight's directives do to each venue.

    ``factor`` is the product of the plain boosts (the ``directive_factor`` column), ``labels``
    the reasons of every plain directive that targets the venue, in directive order.
    """

    factor: np.ndarray
    must_visit: np.ndarray
    excluded: np.ndarray
    labels: list[list[str]]
    category_boosts: Sequence[CategoryBoost]


def apply_directives(
    settings: Settings,
    night: Night,
    places: Places,
    desa: pd.DataFrame,
    *,
    root: Path | None,
    lang: Lang,
) -> DirectiveEffects:
    """The effect of the directives active on ``night`` (checked by :func:`validate_directives`).

    Raises
    ------
    InputError
        One directive excludes a venue that another forces tonight (both are named).
    """
    n = len(places.ids)
    factor = np.ones(n)
    must = np.zeros(n, dtype=bool)
    excluded = np.zeros(n, dtype=bool)
    labels: list[list[str]] = [[] for _ in range(n)]
    must_by: dict[int, int] = {}
    excl_by: dict[int, int] = {}
    boosted_by: list[list[int]] = [[] for _ in range(n)]
    category_factor: dict[str, np.ndarray] = {}
    boosts: list[CategoryBoost] = []
    for i, d in active_directives(settings, night):
        mask = directive_mask(d, places, desa, root=root)
        label = directive_label(d, lang)
        if d.action == "boost" and d.category is not None:
            boosts.append(CategoryBoost(d.category, d.factor, mask, label))
            category_factor.setdefault(d.category, np.ones(n))[mask] *= d.factor
            for vi in np.flatnonzero(mask):
                boosted_by[int(vi)].append(i)
            continue
        if d.action == "boost":
            factor[mask] *= d.factor
            for vi in np.flatnonzero(mask):
                boosted_by[int(vi)].append(i)
        elif d.action == "exclude":
            excluded |= mask
            excl_by.update((int(v), i) for v in np.flatnonzero(mask))
        else:
            must |= mask
            must_by.update((int(v), i) for v in np.flatnonzero(mask))
        for vi in np.flatnonzero(mask):
            labels[int(vi)].append(label)
    _check_products(factor, category_factor, boosted_by, places)
    clash = np.flatnonzero(must & excluded)
    if len(clash):
        expected = msg(
            "satu warkop tidak bisa dikecualikan sekaligus wajib dikunjungi",
            "a venue cannot be both excluded and a must-visit on one night",
        )
        raise InputError(
            [
                Problem(
                    SETTINGS_FILE,
                    None,
                    f"directives[{excl_by[int(v)]}], directives[{must_by[int(v)]}]",
                    places.ids[v],
                    expected,
                )
                for v in clash
            ]
        )
    return DirectiveEffects(factor, must, excluded, labels, boosts)


def _check_products(
    factor: np.ndarray,
    category_factor: dict[str, np.ndarray],
    boosted_by: list[list[int]],
    places: Places,
) -> None:
    """Overlapping boosts multiply; their product on one venue tonight may not pass
    ``MAX_WEIGHT`` (100), the bound of one factor: ten boosts of x100 made 1e20 and overflowed
    the solver's integers (exit 70). One problem per venue, naming the directives."""
    products = [factor, *category_factor.values()]
    over = np.flatnonzero(np.any([p > MAX_WEIGHT for p in products], axis=0))
    if not len(over):
        return
    groups: dict[tuple[int, ...], list[int]] = {}
    for v in over:
        groups.setdefault(tuple(boosted_by[int(v)]), []).append(int(v))
    problems = []
    for keys, venues in groups.items():
        worst = max(float(p[v]) for p in products for v in venues)
        ids = [str(places.ids[v]) for v in venues]
        shown = ", ".join(ids[:5]) + (f" (+{len(ids) - 5})" if len(ids) > 5 else "")
        problems.append(
            Problem(
                SETTINGS_FILE,
                None,
                ", ".join(f"directives[{i}]" for i in keys),
                f"×{worst:.3g}: {shown}",
                msg(
                    f"hasil kali faktor boost yang berlaku pada satu warkop malam ini paling "
                    f"besar {MAX_WEIGHT:g}",
                    f"the boosts that hold on one venue tonight multiply to at most {MAX_WEIGHT:g}",
                ),
            )
        )
    raise InputError(problems)


__all__ = [
    "CategoryBoost",
    "DirectiveEffects",
    "active_directives",
    "apply_directives",
    "directive_conflicts",
    "directive_label",
    "directive_mask",
    "read_polygon",
    "validate_directives",
]
