"""Tonight's priority of each venue, with the reasons a person can read.

One formula (docs/settings.md explains every key)::

    priority = D * W * (w_K * K + w_I * I + w_R * R + w_P * P)

``K`` kerawanan
    ``kerawanan.levels[level]`` of the venue's own ``kerawanan`` when set, else of its desa; 0
    for a venue outside every desa.
``I`` incidents
    ``c * (1 - exp(-S / c))`` with ``c = incidents.cap`` (a soft cap: about ``S`` while ``S`` is
    small, never above ``c``, and still growing so hot spots stay ordered; ``S`` itself when
    ``c`` is ``inf``), where ``S = sum_j s_j * 2 ** (-age_j / half_life_days) * k(d_ij)`` over the
    incidents j that happened *strictly before the night's start* and at most
    ``lookback_days`` before it. ``s_j`` is the incident's severity (its ``severity`` column, else
    its category's severity, else ``default_severity``), ``d_ij`` the distance in a metric CRS and
    ``k`` the kernel: ``linear`` 1 - d/r, ``gaussian`` exp(-2 (d/r)^2), ``uniform`` 1, and 0
    beyond ``r = radius_m``. An incident linked to the venue by ``venue_id`` has k = 1 there.
    A ``boost`` directive with a ``category`` multiplies the terms of that category for its target
    venues.
``R`` rotation
    ``min(cap, max(0, days - target_days) / target_days)`` where ``days`` is the time from the last
    visit to the night's start; a venue never visited gets ``cap``.
``P`` reports
    ``sum_r m_r * 2 ** (-age_r / history.report_half_life_days)`` over the community reports made
    strictly before the night's start and at most ``history.report_lookback_days`` before it:
    ``m_r`` is 1 for a report about this venue and
    ``weights.report_desa_share`` for a report tied only to the venue's desa, times
    ``weights.report_not_police`` when it is not a police matter.
``W`` kind
    ``kinds.weights[kind]`` (``kinds.default_weight`` for an unlisted kind).
``D`` directive factor
    the *product* of the factors of every active ``boost`` directive (without ``category``) that
    targets the venue; 1 when none does. Overlapping boosts therefore multiply.

The weights are ``w_K = weights.kerawanan``, ``w_I = weights.incidents``,
``w_R = weights.rotation`` and ``w_P = history.report_weight``.

The night's start is D 12:00 WIB (the zero of the night clock) unless ``night_start`` is given;
the pipeline passes the first shift's start. Nothing at or after it is seen, so replaying history
never sees the future. A directive is active on the nights whose date (WIB) lies in
``[from, to]``, both included. ``exclude`` and ``must_visit`` directives only set the flags: the
priority is still computed (the routing model drops excluded venues and forces must-visit ones).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from planner.config import Directive, Settings, check_settings
from planner.domain import WIB, Night
from planner.errors import InputError, Problem, ProblemCollector
from planner.text import Lang, msg

if TYPE_CHECKING:
    from planner.history import HistoryStore
    from planner.sources import Dataset

COMPONENTS = ("kerawanan", "incidents", "rotation", "kind", "reports", "directive_factor")
"""The component columns of :func:`score`, in order."""
COLUMNS = ("venue_id", "priority", *COMPONENTS, "must_visit", "excluded", "reasons")
"""Every column of :func:`score`, in order."""

MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LEVEL_EN = {"rendah": "low", "sedang": "medium", "tinggi": "high", "sangat_tinggi": "very high"}
_SETTINGS_FILE = "planner.toml"
_DAY_S = 86_400.0


# ------------------------------------------------------------------------------ time


def night_start_of(night: Night, night_start: dt.datetime | None = None) -> dt.datetime:
    """The instant from which nothing counts: ``night_start`` (naive = WIB) or D 12:00 WIB."""
    if night_start is None:
        return night.noon
    return night_start if night_start.tzinfo is not None else night_start.replace(tzinfo=WIB)


def _age_days(values: Any, start: dt.datetime) -> np.ndarray:
    """Days from each timestamp to ``start`` (positive = before it); naive times are WIB."""
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    series = series.reset_index(drop=True)
    if not (
        isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series)
    ):
        try:
            series = pd.to_datetime(series)
        except (TypeError, ValueError):  # naive and aware mixed, or odd values: one by one
            series = pd.to_datetime(
                pd.Series([_as_wib_timestamp(t) for t in series], dtype=object), utc=True
            )
    if not isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(WIB)
    delta = pd.Timestamp(start) - series
    return np.asarray(delta.dt.total_seconds(), dtype=float) / _DAY_S


def _as_wib_timestamp(value: Any) -> pd.Timestamp:
    """One timestamp, naive taken as WIB (for columns mixing naive and aware values)."""
    if value is None or (not isinstance(value, str | dt.datetime) and pd.isna(value)):
        return pd.NaT
    try:
        t = pd.Timestamp(value)
    except (TypeError, ValueError):
        return pd.NaT
    return t.tz_localize(WIB) if t.tzinfo is None else t


def format_date_range(start: dt.date, end: dt.date, lang: Lang = "id") -> str:
    """``1–10 Des``, ``28 Nov–3 Des``, ``28 Des 2026–3 Jan 2027`` (Indonesian months by default)."""
    months = MONTHS_EN if lang == "en" else MONTHS_ID

    def day(d: dt.date, *, year: bool) -> str:
        return f"{d.day} {months[d.month - 1]}" + (f" {d.year}" if year else "")

    if start == end:
        return day(start, year=False)
    if start.year != end.year:
        return f"{day(start, year=True)}–{day(end, year=True)}"
    if start.month == end.month:
        return f"{start.day}–{day(end, year=False)}"
    return f"{day(start, year=False)}–{day(end, year=False)}"


def active_directives(settings: Settings, night: Night) -> list[tuple[int, Directive]]:
    """The directives (with their index in ``settings.directives``) that hold on ``night``."""
    return [(i, d) for i, d in enumerate(settings.directives) if d.active_on(night.date)]


# ------------------------------------------------------------------------------ geometry


def _metric_crs(settings: Settings, lon: np.ndarray, lat: np.ndarray) -> str:
    if settings.general.metric_crs:
        return settings.general.metric_crs
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return "EPSG:32749"
    lon0, lat0 = float(np.mean(lon[ok])), float(np.mean(lat[ok]))
    zone = int((lon0 + 180.0) // 6.0) % 60 + 1
    return f"EPSG:{(32700 if lat0 < 0 else 32600) + zone}"


@functools.lru_cache(maxsize=8)
def _transformer(crs: str) -> Transformer:
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def _lonlat(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    geom = gdf.geometry
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        geom = geom.to_crs("EPSG:4326")
    if len(geom) == 0:
        return np.empty(0), np.empty(0)
    return np.asarray(geom.x, dtype=float), np.asarray(geom.y, dtype=float)


def _project(lon: np.ndarray, lat: np.ndarray, crs: str) -> np.ndarray:
    x, y = _transformer(crs).transform(lon, lat)
    return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])


def kernel_weight(dist_m: np.ndarray, radius_m: float, kernel: str) -> np.ndarray:
    """Weight of an incident at ``dist_m`` from a venue: 1 at 0, non-increasing, 0 beyond r."""
    d = np.asarray(dist_m, dtype=float)
    inside = d <= radius_m
    if kernel == "uniform":
        w = np.ones_like(d)
    elif kernel == "gaussian":
        w = np.exp(-2.0 * (d / radius_m) ** 2)
    else:
        w = 1.0 - d / radius_m
    return np.where(inside, np.maximum(w, 0.0), 0.0)


def soft_cap(raw: np.ndarray, cap: float) -> np.ndarray:
    """``cap * (1 - exp(-raw / cap))``: close to ``raw`` when small, increasing, below ``cap``."""
    raw = np.asarray(raw, dtype=float)
    if math.isinf(cap):
        return raw
    return cap * -np.expm1(-raw / cap)


@functools.lru_cache(maxsize=32)
def _read_polygon_cached(path: str, mtime_ns: int) -> BaseGeometry:
    gdf = gpd.read_file(path)
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    polys = gdf.geometry[gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polys.empty:
        raise ValueError("no polygon in the file")
    return polys.union_all()


def _polygon_path(polygon: str, root: Path | None) -> Path:
    p = Path(polygon)
    return p if p.is_absolute() or root is None else Path(root) / p


def read_polygon(polygon: str, *, root: Path | None = None) -> BaseGeometry:
    """The union of the polygons in a directive's polygon file (EPSG:4326), cached by mtime."""
    path = _polygon_path(polygon, root)
    return _read_polygon_cached(str(path), path.stat().st_mtime_ns)


# ------------------------------------------------------------------------------ tables


def _str_or_none(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _venue_ids(venues: pd.DataFrame) -> np.ndarray:
    ids = np.array([str(v) for v in venues["venue_id"]], dtype=object)
    dup = pd.Index(ids)[pd.Index(ids).duplicated()].unique()
    if len(dup):
        raise InputError(
            [
                Problem(
                    "venues",
                    None,
                    "venue_id",
                    v,
                    msg("venue_id yang unik", "a unique venue_id"),
                )
                for v in dup
            ]
        )
    return ids


def _venue_desa_codes(venues: gpd.GeoDataFrame, desa: gpd.GeoDataFrame) -> np.ndarray:
    """Each venue's desa_code: from its column, else from the desa polygon holding it."""
    n = len(venues)
    codes = np.array(
        [_str_or_none(v) for v in venues["desa_code"]]
        if "desa_code" in venues.columns
        else [None] * n,
        dtype=object,
    )
    missing = np.flatnonzero(pd.isna(codes))
    if len(missing) and len(desa) and "geometry" in venues:
        pts = gpd.GeoDataFrame(geometry=venues.geometry.iloc[missing].values, crs=venues.crs)
        polys = desa[["desa_code", "geometry"]]
        if polys.crs != pts.crs and pts.crs is not None:
            polys = polys.to_crs(pts.crs)
        joined = gpd.sjoin(pts, polys, how="left", predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        found = joined["desa_code"].reindex(range(len(missing)))
        codes[missing] = [_str_or_none(v) for v in found]
    return codes


def _venue_kecamatan(
    venues: pd.DataFrame, desa: pd.DataFrame, desa_codes: np.ndarray
) -> np.ndarray:
    by_code = dict(zip(desa["desa_code"].astype(str), desa["kecamatan"].astype(str), strict=True))
    own = venues["kecamatan"] if "kecamatan" in venues.columns else [None] * len(venues)
    out = []
    for k, code in zip(own, desa_codes, strict=True):
        k = _str_or_none(k)
        out.append(k if k is not None else by_code.get(code) if code is not None else None)
    return np.array(out, dtype=object)


def _casefold(values: np.ndarray) -> np.ndarray:
    return np.array([None if v is None else str(v).casefold() for v in values], dtype=object)


def _desa_codes_named(name: str, desa: pd.DataFrame, kecamatan: str | None) -> list[str]:
    """Codes of the desa whose code equals ``name`` or whose name matches it (case-blind)."""
    codes = desa["desa_code"].astype(str)
    hit = (codes == name) | (desa["desa"].astype(str).str.casefold() == name.casefold())
    if kecamatan is not None:
        hit &= desa["kecamatan"].astype(str).str.casefold() == kecamatan.casefold()
    return sorted(set(codes[hit]))


# ------------------------------------------------------------------------------ directives


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
    """
    bag = ProblemCollector(_SETTINGS_FILE)
    try:
        check_settings(settings)
    except InputError as exc:
        bag.extend(exc.problems)
    desa_names = set(desa["desa"].astype(str).str.casefold()) if "desa" in desa else set()
    codes = set(desa["desa_code"].astype(str)) if "desa_code" in desa else set()
    kecs = set(desa["kecamatan"].astype(str).str.casefold()) if "kecamatan" in desa else set()
    if "kecamatan" in venues.columns:
        kecs |= {str(k).casefold() for k in venues["kecamatan"] if _str_or_none(k)}
    ids = {str(v) for v in venues["venue_id"]} if "venue_id" in venues else set()
    for i, d in enumerate(settings.directives):
        key = f"directives[{i}]"
        if d.kecamatan is not None and d.kecamatan.casefold() not in kecs:
            bag.add(
                column=f"{key}.kecamatan",
                value=d.kecamatan,
                expected=msg(
                    "nama kecamatan yang ada di berkas desa",
                    "a kecamatan named in the desa file",
                ),
            )
        if d.desa is not None:
            if d.desa not in codes and d.desa.casefold() not in desa_names:
                bag.add(
                    column=f"{key}.desa",
                    value=d.desa,
                    expected=msg(
                        "nama atau kode desa yang ada di berkas desa",
                        "the name or code of a desa in the desa file",
                    ),
                )
            elif len(_desa_codes_named(d.desa, desa, d.kecamatan)) > 1:
                bag.add(
                    column=f"{key}.desa",
                    value=d.desa,
                    expected=msg(
                        "nama desa ini ada lebih dari satu: tambahkan kecamatan atau pakai kodenya",
                        "more than one desa has this name: add kecamatan or use the code",
                    ),
                )
        if d.desa_code is not None and d.desa_code not in codes:
            bag.add(
                column=f"{key}.desa_code",
                value=d.desa_code,
                expected=msg("kode desa yang ada di berkas desa", "a desa_code of the desa file"),
            )
        for vid in d.venue_ids or ():
            if vid not in ids:
                bag.add(
                    column=f"{key}.venue_id",
                    value=vid,
                    expected=msg("venue_id yang ada di daftar warkop", "a venue_id of the venues"),
                )
        if d.polygon is not None:
            try:
                read_polygon(d.polygon, root=root)
            except OSError:
                bag.add(
                    column=f"{key}.polygon",
                    value=d.polygon,
                    expected=msg(
                        "berkas poligon yang ada (relatif terhadap folder dataset)",
                        "an existing polygon file (relative to the dataset folder)",
                    ),
                )
            except Exception as exc:  # any reader failure is a bad file to the user
                bag.add(
                    column=f"{key}.polygon",
                    value=d.polygon,
                    expected=msg(
                        f"berkas poligon yang terbaca ({exc})",
                        f"a readable polygon file ({exc})",
                    ),
                )
    bag.raise_if_any()


@dataclass(frozen=True)
class _Places:
    """Where each venue is: ids, desa code, kecamatan (lower-cased) and the geometry."""

    ids: np.ndarray
    desa_codes: np.ndarray
    kecamatan_cf: np.ndarray
    venues: gpd.GeoDataFrame


def _directive_mask(
    d: Directive, places: _Places, desa: pd.DataFrame, root: Path | None
) -> np.ndarray:
    n = len(places.ids)
    mask = np.ones(n, dtype=bool)
    if d.desa is not None:
        mask &= np.isin(places.desa_codes, _desa_codes_named(d.desa, desa, d.kecamatan))
    if d.desa_code is not None:
        mask &= places.desa_codes == d.desa_code
    if d.kecamatan is not None:
        mask &= places.kecamatan_cf == d.kecamatan.casefold()
    if d.venue_ids is not None:
        mask &= np.isin(places.ids, list(d.venue_ids))
    if d.polygon is not None and n:
        area = read_polygon(d.polygon, root=root)
        geom = places.venues.geometry
        if places.venues.crs is not None and not places.venues.crs.equals("EPSG:4326"):
            geom = geom.to_crs("EPSG:4326")
        mask &= np.asarray(geom.intersects(area), dtype=bool)
    return mask


def _directive_label(d: Directive, lang: Lang) -> str:
    when = format_date_range(d.from_, d.to, lang)
    if d.action == "exclude":
        head = msg("Dikecualikan malam ini", "Excluded tonight")(lang)
    elif d.action == "must_visit":
        head = msg("Wajib dikunjungi malam ini", "Must visit tonight")(lang)
    elif d.category is not None:
        head = msg("Atensi {c}", "Attention to {c}").format(c=d.category)(lang)
    else:
        head = msg("Atensi", "Attention")(lang)
    what = d.reason or msg("perintah pimpinan", "command order")(lang)
    return f"{head}: {what} ({when})"


# ------------------------------------------------------------------------------ components


@dataclass(frozen=True)
class _Counts:
    """Per-venue counts for the reasons: matrix venue × category, and the category names."""

    recent: np.ndarray
    total: np.ndarray
    categories: tuple[str, ...]


def _incident_component(
    xy: np.ndarray,
    ids: np.ndarray,
    incidents: gpd.GeoDataFrame,
    start: dt.datetime,
    settings: Settings,
    crs: str,
    category_boosts: Sequence[tuple[str, float, np.ndarray]],
) -> tuple[np.ndarray, _Counts]:
    n = len(ids)
    cfg = settings.incidents
    empty = _Counts(np.zeros((n, 0), int), np.zeros((n, 0), int), ())
    if incidents is None or len(incidents) == 0 or n == 0:
        return np.zeros(n), empty
    age = _age_days(incidents["occurred_at"], start)
    keep = np.flatnonzero((age > 0) & (age <= cfg.lookback_days))
    if len(keep) == 0:
        return np.zeros(n), empty
    sub = incidents.iloc[keep]
    age = age[keep]
    category = sub["category"].astype(str).to_numpy(dtype=object)
    sev = (
        pd.to_numeric(sub["severity"], errors="coerce").to_numpy(dtype=float)
        if "severity" in sub.columns
        else np.full(len(sub), np.nan)
    )
    by_cat = pd.Series(category).map(cfg.categories).to_numpy(dtype=float)
    sev = np.where(np.isnan(sev), by_cat, sev)
    sev = np.clip(np.where(np.isnan(sev), cfg.default_severity, sev), 0.0, None)
    base = sev * np.exp2(-age / cfg.half_life_days)

    # spatial pairs within the radius: one dual-tree query, no Python loop over pairs
    lon, lat = _lonlat(sub)
    inc_xy = _project(lon, lat, crs)
    v_ok = np.flatnonzero(np.isfinite(xy).all(axis=1))
    i_ok = np.flatnonzero(np.isfinite(inc_xy).all(axis=1))
    if len(v_ok) and len(i_ok):
        pairs = cKDTree(xy[v_ok]).sparse_distance_matrix(
            cKDTree(inc_xy[i_ok]), cfg.radius_m, output_type="ndarray"
        )
        pv = v_ok[pairs["i"]]
        pj = i_ok[pairs["j"]]
        pk = kernel_weight(pairs["v"], cfg.radius_m, cfg.kernel)
    else:
        pv = pj = np.empty(0, dtype=np.intp)
        pk = np.empty(0)

    counted = pk > 0
    # An incident linked to a venue by venue_id counts at full weight there. Rather than look
    # the linked pairs up among the spatial ones, add each linked pair with the weight the
    # kernel left out, 1 - k(d): inside the radius the two parts sum to 1, outside it k = 0.
    if "venue_id" in sub.columns:
        linked_ids = sub["venue_id"].astype(object).where(sub["venue_id"].notna(), None)
        lv = pd.Index(ids).get_indexer(pd.Index(linked_ids.to_numpy(dtype=object), dtype=object))
        lj = np.flatnonzero(lv >= 0)
        lv = lv[lj]
        if len(lj):
            dist = np.hypot(*(xy[lv] - inc_xy[lj]).T)
            k_left = kernel_weight(np.nan_to_num(dist, nan=np.inf), cfg.radius_m, cfg.kernel)
            pv = np.concatenate([pv, lv])
            pj = np.concatenate([pj, lj])
            pk = np.concatenate([pk, 1.0 - k_left])
            counted = np.concatenate([counted, k_left == 0])  # count each incident once

    contrib = base[pj] * pk
    for cat, factor, vmask in category_boosts:
        hit = (category[pj] == cat) & vmask[pv]
        contrib = np.where(hit, contrib * factor, contrib)
    value = soft_cap(np.bincount(pv, weights=contrib, minlength=n), cfg.cap)

    codes, names = pd.factorize(pd.Series(category), sort=True)  # sorted: ties read A→Z
    ncat = len(names)
    recent = counted & (age[pj] <= min(cfg.half_life_days, cfg.lookback_days))
    flat_all = pv[counted] * ncat + codes[pj[counted]]
    flat_recent = pv[recent] * ncat + codes[pj[recent]]
    total = np.bincount(flat_all, minlength=n * ncat).reshape(n, ncat)
    rec = np.bincount(flat_recent, minlength=n * ncat).reshape(n, ncat)
    return value, _Counts(rec, total, tuple(str(c) for c in names))


@dataclass(frozen=True)
class _ReportCounts:
    recent: np.ndarray
    total: np.ndarray
    top_recent: list[str | None]
    top_total: list[str | None]


def _reports_component(
    ids: np.ndarray,
    desa_codes: np.ndarray,
    reports: pd.DataFrame | None,
    start: dt.datetime,
    settings: Settings,
) -> tuple[np.ndarray, _ReportCounts]:
    n = len(ids)
    none = _ReportCounts(np.zeros(n, int), np.zeros(n, int), [None] * n, [None] * n)
    if reports is None or len(reports) == 0 or n == 0:
        return np.zeros(n), none
    age = _age_days(reports["reported_at"], start)
    keep = (age > 0) & (age <= settings.history.report_lookback_days)
    if not keep.any():
        return np.zeros(n), none
    rep = reports.loc[keep].reset_index(drop=True)
    age = age[keep]
    police = (
        rep["police_matter"].fillna(False).astype(bool).to_numpy()
        if "police_matter" in rep.columns
        else np.ones(len(rep), bool)
    )
    w = np.exp2(-age / settings.history.report_half_life_days) * np.where(
        police, 1.0, settings.weights.report_not_police
    )
    category = (
        [str(c) if _str_or_none(c) else "" for c in rep["category"]]
        if "category" in rep.columns
        else [""] * len(rep)
    )
    vid = [_str_or_none(v) for v in rep["venue_id"]] if "venue_id" in rep else [None] * len(rep)
    v_idx = pd.Index(ids).get_indexer(pd.Index(vid, dtype=object))
    linked = pd.DataFrame({"v": v_idx, "w": w, "age": age, "category": category}).loc[v_idx >= 0]
    dcode = [_str_or_none(c) for c in rep["desa_code"]] if "desa_code" in rep else [None] * len(rep)
    by_desa = pd.DataFrame({"desa_code": dcode, "w": w, "age": age, "category": category}).loc[
        (v_idx < 0) & pd.notna(pd.Series(dcode, dtype=object)).to_numpy()
    ]
    venues_desa = pd.DataFrame({"v": np.arange(n), "desa_code": desa_codes}).dropna()
    spread = by_desa.merge(venues_desa, on="desa_code", how="inner")
    spread["w"] = spread["w"] * settings.weights.report_desa_share
    long = pd.concat([linked, spread[["v", "w", "age", "category"]]], ignore_index=True)
    if long.empty:
        return np.zeros(n), none
    vv = long["v"].to_numpy(dtype=np.intp)
    value = np.bincount(vv, weights=long["w"].to_numpy(dtype=float), minlength=n)
    window = settings.history.report_half_life_days
    rec_mask = long["age"].to_numpy() <= window
    recent = np.bincount(vv[rec_mask], minlength=n)
    total = np.bincount(vv, minlength=n)

    def top(frame: pd.DataFrame) -> list[str | None]:
        out: list[str | None] = [None] * n
        named = frame[frame["category"] != ""]
        if named.empty:
            return out
        counts = named.groupby(["v", "category"]).size().reset_index(name="k")
        counts = counts.sort_values(["v", "k", "category"], ascending=[True, False, True])
        for v, cat in counts.drop_duplicates("v")[["v", "category"]].itertuples(index=False):
            out[int(v)] = str(cat)
        return out

    return value, _ReportCounts(recent, total, top(long[rec_mask]), top(long))


def _rotation_days(
    ids: np.ndarray, last_visits: Mapping[str, Any] | pd.Series | None, start: dt.datetime
) -> np.ndarray:
    """Days since the last visit (``inf`` = never visited; visits after the start count as 0)."""
    days = np.full(len(ids), np.inf)
    if last_visits is None or len(last_visits) == 0:
        return days
    series = last_visits if isinstance(last_visits, pd.Series) else pd.Series(dict(last_visits))
    keys = pd.Index([str(k) for k in series.index], dtype=object)
    age = _age_days(series, start)
    idx = pd.Index(ids).get_indexer(keys)
    ok = (idx >= 0) & np.isfinite(age)
    days[idx[ok]] = np.maximum(age[ok], 0.0)
    return days


# ------------------------------------------------------------------------------ reasons


def _num(x: float, lang: Lang) -> str:
    text = f"{x:g}" if float(x).is_integer() else f"{x:.1f}"
    return text.replace(".", ",") if lang == "id" else text


def _top_categories(row: np.ndarray, names: Sequence[str], k: int = 2) -> str:
    order = sorted((c for c in range(len(row)) if row[c] > 0), key=lambda c: (-row[c], names[c]))
    return ", ".join(names[c] for c in order[:k])


def _incident_reason(i: int, counts: _Counts, settings: Settings, lang: Lang) -> str | None:
    if counts.total.shape[1] == 0:
        return None
    for matrix, days in (
        (counts.recent, min(settings.incidents.half_life_days, settings.incidents.lookback_days)),
        (counts.total, settings.incidents.lookback_days),
    ):
        k = int(matrix[i].sum())
        if k:
            cats = _top_categories(matrix[i], counts.categories)
            return msg(
                "{k} kejadian dalam {d} hari terakhir ({c})",
                "{k} incident{s} in the last {d} days ({c})",
            ).format(k=k, d=_num(days, lang), c=cats, s="" if k == 1 else "s")(lang)
    return None


def _report_reason(i: int, counts: _ReportCounts, settings: Settings, lang: Lang) -> str | None:
    window = settings.history.report_half_life_days
    if counts.recent[i]:
        k, cat = int(counts.recent[i]), counts.top_recent[i]
        when = (
            msg("minggu ini", "this week")
            if window == 7
            else msg("dalam {d} hari terakhir", "in the last {d} days").format(d=_num(window, lang))
        )
    elif counts.total[i]:
        k, cat = int(counts.total[i]), counts.top_total[i]
        when = msg("sebelumnya", "earlier")
    else:
        return None
    about = msg(" soal {c}", " about {c}").format(c=cat) if cat else msg("", "")
    text = msg("{k} laporan warga{a} {w}", "{k} community report{s}{a} {w}")
    return text.format(k=k, s="" if k == 1 else "s", a=about(lang), w=when(lang))(lang)


def _level_text(level: str, lang: Lang) -> str:
    return _LEVEL_EN.get(level, level) if lang == "en" else level.replace("_", " ")


# ------------------------------------------------------------------------------ score


def score(
    venues: gpd.GeoDataFrame,
    desa: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None,
    night: Night,
    settings: Settings,
    *,
    last_visits: Mapping[str, Any] | pd.Series | None = None,
    reports: pd.DataFrame | None = None,
    lang: Lang | None = None,
    night_start: dt.datetime | None = None,
    root: Path | None = None,
) -> pd.DataFrame:
    """Tonight's priority of every venue, its components and the reasons behind it.

    Parameters
    ----------
    venues, desa, incidents
        The dataset's tables (docs/interfaces.md), in EPSG:4326.
    night
        The night being planned; directives active on its date (WIB) apply.
    settings
        Weights and settings; the formula is in this module's docstring and docs/settings.md.
    last_visits
        venue_id → time of the last real visit (naive = WIB); venues missing are never visited.
    reports
        Community reports (``reported_at``, ``venue_id``, ``desa_code``, ``category``,
        ``police_matter``).
    lang
        Language of the reasons; default ``settings.general.lang``.
    night_start
        Only incidents, reports and visits strictly before it are seen; default D 12:00 WIB.
    root
        The dataset folder, against which directive polygon files are resolved.

    Returns
    -------
    pandas.DataFrame
        One row per venue in the order (and index) of ``venues``, with the columns
        :data:`COLUMNS`: ``priority`` ≥ 0, the components, ``must_visit``, ``excluded`` and
        ``reasons`` (a list of short sentences).

    Raises
    ------
    InputError
        A directive names something that is not in the dataset, two directives both exclude and
        force the same venue tonight, a kerawanan level is unknown, or venue ids repeat.
    """
    lang = lang or settings.general.lang
    start = night_start_of(night, night_start)
    ids = _venue_ids(venues)
    n = len(ids)
    validate_directives(settings, desa, venues, root=root)

    desa_codes = _venue_desa_codes(venues, desa)
    places = _Places(ids, desa_codes, _casefold(_venue_kecamatan(venues, desa, desa_codes)), venues)

    # kerawanan: the venue's own level, else its desa's
    levels = settings.kerawanan.levels
    desa_level = dict(
        zip(
            desa["desa_code"].astype(str), [_str_or_none(v) for v in desa["kerawanan"]], strict=True
        )
    )
    own = (
        [_str_or_none(v) for v in venues["kerawanan"]]
        if "kerawanan" in venues.columns
        else [None] * n
    )
    level = [
        o if o is not None else desa_level.get(c) for o, c in zip(own, desa_codes, strict=True)
    ]
    bag = ProblemCollector("venues")
    for vid, lv, o in zip(ids, level, own, strict=True):
        if lv is not None and lv not in levels:
            bag.add(
                file="venues" if o is not None else "desa",
                column="kerawanan",
                value=f"{lv} ({vid})",
                expected=msg(
                    "tingkat dari kerawanan.levels: " + ", ".join(levels),
                    "a level of kerawanan.levels: " + ", ".join(levels),
                ),
            )
    bag.raise_if_any()
    k_comp = np.array([levels[lv] if lv is not None else 0.0 for lv in level], dtype=float)

    # directives active tonight
    factor = np.ones(n)
    must = np.zeros(n, dtype=bool)
    excluded = np.zeros(n, dtype=bool)
    directive_reasons: list[list[str]] = [[] for _ in range(n)]
    must_by: dict[int, int] = {}
    excl_by: dict[int, int] = {}
    category_boosts: list[tuple[str, float, np.ndarray]] = []
    category_labels: list[tuple[str, np.ndarray, str]] = []
    for i, d in active_directives(settings, night):
        mask = _directive_mask(d, places, desa, root)
        label = _directive_label(d, lang)
        if d.action == "boost" and d.category is not None:
            category_boosts.append((d.category, d.factor, mask))
            category_labels.append((d.category, mask, label))
            continue
        if d.action == "boost":
            factor[mask] *= d.factor
        elif d.action == "exclude":
            excluded |= mask
            excl_by.update((int(v), i) for v in np.flatnonzero(mask))
        else:
            must |= mask
            must_by.update((int(v), i) for v in np.flatnonzero(mask))
        for vi in np.flatnonzero(mask):
            directive_reasons[int(vi)].append(label)
    clash = np.flatnonzero(must & excluded)
    if len(clash):
        raise InputError(
            [
                Problem(
                    _SETTINGS_FILE,
                    None,
                    f"directives[{excl_by[int(v)]}], directives[{must_by[int(v)]}]",
                    ids[v],
                    msg(
                        "satu warkop tidak bisa dikecualikan sekaligus wajib dikunjungi",
                        "a venue cannot be both excluded and a must-visit on one night",
                    ),
                )
                for v in clash
            ]
        )

    lon, lat = _lonlat(venues) if n else (np.empty(0), np.empty(0))
    crs = _metric_crs(settings, lon, lat)
    xy = _project(lon, lat, crs) if n else np.empty((0, 2))
    i_comp, inc_counts = _incident_component(
        xy, ids, incidents, start, settings, crs, category_boosts
    )
    p_comp, rep_counts = _reports_component(ids, desa_codes, reports, start, settings)

    rot = settings.rotation
    days = _rotation_days(ids, last_visits, start)
    r_comp = np.where(
        np.isinf(days),
        rot.cap,
        np.minimum(rot.cap, np.maximum(0.0, days - rot.target_days) / rot.target_days),
    )

    kinds = [_str_or_none(k) for k in venues["kind"]] if "kind" in venues.columns else [None] * n
    w_comp = np.array(
        [settings.kinds.weights.get(k, settings.kinds.default_weight) if k else 1.0 for k in kinds],
        dtype=float,
    )

    w = settings.weights
    priority = (
        factor
        * w_comp
        * (
            w.kerawanan * k_comp
            + w.incidents * i_comp
            + w.rotation * r_comp
            + settings.history.report_weight * p_comp
        )
    )

    lowest = min(levels.values())
    reasons: list[list[str]] = []
    for v in range(n):
        out = list(directive_reasons[v])
        for cat, mask, label in category_labels:
            cats = inc_counts.categories
            if mask[v] and cat in cats and inc_counts.total[v, cats.index(cat)] > 0:
                out.append(label)
        if w.incidents > 0 and i_comp[v] > 0:
            text = _incident_reason(v, inc_counts, settings, lang)
            if text:
                out.append(text)
        if settings.history.report_weight > 0 and p_comp[v] > 0:
            text = _report_reason(v, rep_counts, settings, lang)
            if text:
                out.append(text)
        lv = level[v]
        if w.kerawanan > 0 and lv is not None and levels[lv] > lowest:
            where = own[v] is not None
            out.append(
                msg(
                    "Lokasi rawan {lv}" if where else "Desa rawan {lv}",
                    "Venue vulnerability: {lv}" if where else "Desa vulnerability: {lv}",
                ).format(lv=_level_text(lv, lang))(lang)
            )
        if w.rotation > 0 and r_comp[v] > 0:
            if np.isinf(days[v]):
                out.append(msg("Belum pernah dikunjungi", "Never visited")(lang))
            else:
                d_int = int(days[v])
                out.append(
                    msg("Belum dikunjungi {d} hari", "Not visited for {d} days").format(d=d_int)(
                        lang
                    )
                )
        if w_comp[v] != 1.0 and kinds[v]:
            out.append(
                msg("Jenis {k} ×{f}", "Kind {k} ×{f}").format(k=kinds[v], f=_num(w_comp[v], lang))(
                    lang
                )
            )
        reasons.append(out)

    return pd.DataFrame(
        {
            "venue_id": ids,
            "priority": priority,
            "kerawanan": k_comp,
            "incidents": i_comp,
            "rotation": r_comp,
            "kind": w_comp,
            "reports": p_comp,
            "directive_factor": factor,
            "must_visit": must,
            "excluded": excluded,
            "reasons": pd.Series(reasons, dtype=object).to_numpy(),
        },
        index=venues.index,
    )


def score_dataset(
    dataset: Dataset,
    night: Night,
    *,
    night_start: dt.datetime | None = None,
    lang: Lang | None = None,
    use_history: bool = True,
    store: HistoryStore | None = None,
) -> pd.DataFrame:
    """:func:`score` for a loaded dataset, with its visit log when it has one.

    The last visits and the community reports come from the dataset's history store
    (``history.default_store_path``) when that file exists; otherwise every venue counts as never
    visited and there are no reports. Directive polygons resolve against ``dataset.root``.
    ``store`` reads them from that open visit log instead (a replay's in-memory log).
    """
    from planner.history import default_store_path, last_visits, open_store, recent_reports

    settings = dataset.settings
    start = night_start_of(night, night_start)
    visits: dict[str, dt.datetime] | None = None
    reports: pd.DataFrame | None = None
    path = default_store_path(dataset.root, settings)
    if use_history and (store is not None or path.exists()):
        with contextlib.nullcontext(store) if store is not None else open_store(path) as st:
            visits = last_visits(st, before=start)
            reports = recent_reports(
                st,
                before=start,
                days=settings.history.report_lookback_days,
            )
    return score(
        dataset.venues,
        dataset.desa,
        dataset.incidents,
        night,
        settings,
        last_visits=visits,
        reports=reports,
        lang=lang,
        night_start=start,
        root=dataset.root,
    )


def score_table(
    scores: pd.DataFrame, venues: pd.DataFrame, *, join_reasons: bool = True
) -> pd.DataFrame:
    """Scores joined with the venue's name, kind, desa and kecamatan, highest priority first.

    The table behind ``planner score``. The venue's kind is ``venue_kind`` (``kind`` stays the
    kind weight), ``reasons`` is joined into one ``"; "``-separated string so it fits a CSV cell
    (unless ``join_reasons=False``), and ties are ordered by ``venue_id``.
    """
    wanted = {"name": "name", "kind": "venue_kind", "desa": "desa", "kecamatan": "kecamatan"}
    info_cols = [c for c in wanted if c in venues.columns]
    info = pd.DataFrame(venues[info_cols]).rename(columns=wanted)
    info.insert(0, "venue_id", [str(v) for v in venues["venue_id"]])
    table = scores.reset_index(drop=True).merge(
        info.drop_duplicates("venue_id"), on="venue_id", how="left"
    )
    if join_reasons:
        table["reasons"] = ["; ".join(r) for r in table["reasons"]]
    first = ["venue_id", *(wanted[c] for c in info_cols), "priority"]
    rest = [c for c in table.columns if c not in first]
    table = table[first + rest]
    table = table.sort_values(["priority", "venue_id"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)
