"""The one metric-CRS rule."""

from __future__ import annotations

import numpy as np
import pytest

from planner._geo import DEFAULT_METRIC_CRS, metric_crs, project, transformer, utm_crs_for


def test_trenggalek_is_utm_49_south() -> None:
    assert utm_crs_for(111.7, -8.1) == "EPSG:32749"
    assert metric_crs([111.5, 111.9], [-8.3, -7.9]) == "EPSG:32749"


def test_north_and_zone_edges() -> None:
    assert utm_crs_for(3.0, 52.0) == "EPSG:32631"
    assert utm_crs_for(-180.0, -1.0) == "EPSG:32701"
    assert utm_crs_for(179.99, 1.0) == "EPSG:32660"


def test_configured_wins_and_no_point_gives_the_default() -> None:
    assert metric_crs([111.7], [-8.1], configured="EPSG:23840") == "EPSG:23840"
    assert metric_crs([np.nan], [np.inf]) == DEFAULT_METRIC_CRS
    assert metric_crs([], []) == DEFAULT_METRIC_CRS
    assert metric_crs([np.nan, 3.0], [0.0, 52.0]) == "EPSG:32631"


def test_project_gives_metres_and_inverts() -> None:
    xy = project([111.7, 111.71], [-8.1, -8.1], "EPSG:32749")
    assert xy.shape == (2, 2)
    assert xy[1, 0] - xy[0, 0] == pytest.approx(1101, abs=5)  # 0.01° of longitude at 8° S
    lon, lat = transformer("EPSG:32749", inverse=True).transform(xy[:, 0], xy[:, 1])
    assert np.allclose(lon, [111.7, 111.71]) and np.allclose(lat, [-8.1, -8.1])
