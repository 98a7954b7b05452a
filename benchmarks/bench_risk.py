"""Benchmark of risk.score: 5,000 venues against 100,000 incidents (target: under 2 s).

Run: ``python benchmarks/bench_risk.py [--venues 5000] [--incidents 100000] [--naive-venues 20]``
(``--quick``: 500 venues, 10,000 incidents, 5 naive venues, one run: to see that it still runs).

Prints the wall time of ``risk.score`` (best and median of ``--repeat`` runs), its peak traced
memory (tracemalloc, in a separate run so tracing does not slow the timed ones) and the process's
peak RSS, and the ratio against a naive pure-Python pairwise implementation of the incident
component run in the same process on ``--naive-venues`` venues × all incidents and scaled up
linearly to every venue. The naive result is checked against ``risk.score`` on that subset.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import resource
import statistics
import time
import tracemalloc

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from shapely.geometry import box

from planner.config import Settings, settings_from_dict
from planner.domain import Night
from planner.risk import score

# Kabupaten Trenggalek's bounding box, roughly (lon, lat).
LON0, LON1, LAT0, LAT1 = 111.40, 111.90, -8.40, -7.90
CATEGORIES = ["curanmor", "pencurian", "perkelahian", "miras", "judi", "narkoba", "lainnya"]
NIGHT = Night(dt.date(2026, 12, 6))


def synthetic(
    n_venues: int, n_incidents: int, seed: int = 0
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Desa grid (12 × 12), venues and incidents clustered around a few hundred hot spots."""
    rng = np.random.default_rng(seed)
    nx = ny = 12
    xs, ys = np.linspace(LON0, LON1, nx + 1), np.linspace(LAT0, LAT1, ny + 1)
    levels = ["rendah", "sedang", "tinggi", "sangat_tinggi"]
    cells = [(i, j) for i in range(nx) for j in range(ny)]
    desa = gpd.GeoDataFrame(
        {
            "desa_code": [f"35.03.{i:02d}.{2000 + j}" for i, j in cells],
            "desa": [f"Desa {i}-{j}" for i, j in cells],
            "kecamatan": [f"Kec {i}" for i, _ in cells],
            "kerawanan": [levels[(i * 7 + j * 3) % 4] for i, j in cells],
        },
        geometry=[box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i, j in cells],
        crs=4326,
    )
    hubs = np.column_stack([rng.uniform(LON0, LON1, 300), rng.uniform(LAT0, LAT1, 300)])

    def around(n: int, spread_deg: float) -> np.ndarray:
        pick = hubs[rng.integers(0, len(hubs), n)]
        pts = pick + rng.normal(0, spread_deg, (n, 2))
        return np.column_stack(
            [np.clip(pts[:, 0], LON0, LON1 - 1e-9), np.clip(pts[:, 1], LAT0, LAT1 - 1e-9)]
        )

    vxy = around(n_venues, 0.02)
    ci = np.minimum(((vxy[:, 0] - LON0) / (LON1 - LON0) * nx).astype(int), nx - 1)
    cj = np.minimum(((vxy[:, 1] - LAT0) / (LAT1 - LAT0) * ny).astype(int), ny - 1)
    code = np.array([f"35.03.{i:02d}.{2000 + j}" for i, j in zip(ci, cj, strict=True)])
    venues = gpd.GeoDataFrame(
        {
            "venue_id": [f"V{i:05d}" for i in range(n_venues)],
            "name": [f"Warkop {i}" for i in range(n_venues)],
            "kind": rng.choice(["angkringan", "warkop", "kafe"], n_venues),
            "desa_code": code,
            "kecamatan": [f"Kec {i}" for i in ci],
            "kerawanan": pd.Series([None] * n_venues, dtype=object),
        },
        geometry=gpd.points_from_xy(vxy[:, 0], vxy[:, 1]),
        crs=4326,
    )
    ixy = around(n_incidents, 0.02)
    age_s = rng.uniform(-5 * 86400, 120 * 86400, n_incidents)  # some lie in the future
    linked = np.where(
        rng.random(n_incidents) < 0.05,
        venues["venue_id"].to_numpy()[rng.integers(0, n_venues, n_incidents)],
        None,
    )
    incidents = gpd.GeoDataFrame(
        {
            "incident_id": [f"I{i:06d}" for i in range(n_incidents)],
            "occurred_at": pd.Timestamp(NIGHT.noon) - pd.to_timedelta(age_s, unit="s"),
            "category": rng.choice(CATEGORIES, n_incidents),
            "severity": np.where(
                rng.random(n_incidents) < 0.2, rng.uniform(0.5, 5, n_incidents), np.nan
            ),
            "venue_id": pd.Series(linked, dtype=object),
        },
        geometry=gpd.points_from_xy(ixy[:, 0], ixy[:, 1]),
        crs=4326,
    )
    return venues, desa, incidents


def naive_incidents(
    venues: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, settings: Settings, crs: str
) -> list[float]:
    """The incident component, one venue × incident pair at a time in plain Python."""
    cfg = settings.incidents
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    start = pd.Timestamp(NIGHT.noon)
    inc = []
    for row in incidents.itertuples(index=False):
        age = (start - row.occurred_at).total_seconds() / 86400.0
        sev = row.severity
        if sev is None or (isinstance(sev, float) and math.isnan(sev)):
            sev = cfg.categories.get(row.category, cfg.default_severity)
        x, y = tr.transform(row.geometry.x, row.geometry.y)
        inc.append((x, y, age, sev, row.venue_id))
    out = []
    for v in venues.itertuples(index=False):
        vx, vy = tr.transform(v.geometry.x, v.geometry.y)
        total = 0.0
        for x, y, age, sev, vid in inc:
            if not (0 < age <= cfg.lookback_days):
                continue
            if vid == v.venue_id:
                k = 1.0
            else:
                d = math.hypot(x - vx, y - vy)
                if d > cfg.radius_m:
                    continue
                k = 1.0 - d / cfg.radius_m  # the default linear kernel
            total += sev * 2.0 ** (-age / cfg.half_life_days) * k
        out.append(cfg.cap * (1.0 - math.exp(-total / cfg.cap)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venues", type=int, default=5000)
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--naive-venues", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="a small night, one run")
    args = ap.parse_args()
    if args.quick:
        args.venues, args.incidents, args.naive_venues, args.repeat = 500, 10_000, 5, 1

    crs = "EPSG:32749"
    settings = settings_from_dict({"general": {"metric_crs": crs}}, source="bench")
    t0 = time.perf_counter()
    venues, desa, incidents = synthetic(args.venues, args.incidents)
    print(
        f"synthetic data: {len(venues):,} venues, {len(incidents):,} incidents, "
        f"{len(desa)} desa ({time.perf_counter() - t0:.2f} s to build)"
    )

    score(venues, desa, incidents, NIGHT, settings)  # warm-up (imports, pyproj caches)
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        out = score(venues, desa, incidents, NIGHT, settings)
        times.append(time.perf_counter() - t)
    best, median = min(times), statistics.median(times)

    tracemalloc.start()
    score(venues, desa, incidents, NIGHT, settings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    sub = venues.iloc[: args.naive_venues]
    t = time.perf_counter()
    naive = naive_incidents(sub, incidents, settings, crs)
    naive_s = time.perf_counter() - t
    naive_full_s = naive_s * len(venues) / len(sub)
    err = float(np.max(np.abs(np.array(naive) - out["incidents"].to_numpy()[: len(sub)])))

    print(
        f"risk.score: best {best:.3f} s, median {median:.3f} s over {args.repeat} runs "
        f"(target < 2 s: {'OK' if median < 2 else 'MISSED'})"
    )
    print(f"peak traced memory {peak / 2**20:.1f} MiB; process peak RSS {rss_mb:.0f} MiB")
    print(
        f"venues with incidents: {(out['incidents'] > 0).sum():,}; "
        f"mean priority {out['priority'].mean():.3f}"
    )
    print(
        f"naive pairwise: {naive_s:.2f} s for {len(sub)} venues x {len(incidents):,} incidents "
        f"-> {naive_full_s:.0f} s scaled to {len(venues):,} venues"
    )
    print(
        f"ratio naive/vectorised (median): {naive_full_s / median:.0f}x; "
        f"max |naive - vectorised| on the subset = {err:.2e}"
    )


if __name__ == "__main__":
    main()
