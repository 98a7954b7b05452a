"""End-to-end: the generated maps open in headless Chromium, offline, and behave.

Folium's CDN assets are served from npm packages installed in the test set-up and tiles are
answered with a blank tile (see browser_support.py). Screenshots are kept in
``tests/.browser-assets/screenshots`` (or ``$PLANNER_SCREENSHOTS``) for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import browser_support as bs
import pytest
from test_maps import XSS_NAME, build_map_data

from planner import maps

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("PLANNER_SCREENSHOTS", bs.ASSETS_DIR / "screenshots"))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[maps.MapData, list[Path]]:
    data = build_map_data()
    out = tmp_path_factory.mktemp("maps") / str(data.night)
    return data, maps.write_maps(data, out, lang="id")


def _open(offline: object, path: Path) -> None:
    page = offline.page  # type: ignore[attr-defined]
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.querySelectorAll('.leaflet-tile-loaded').length > 0")


def _close_popup(page: object) -> None:
    # The close button may sit under a control; what matters is that the popup goes away.
    page.evaluate("document.querySelector('.leaflet-popup-close-button').click()")  # type: ignore[attr-defined]
    page.wait_for_selector(".leaflet-popup", state="detached")  # type: ignore[attr-defined]


def _assert_clean(offline: object) -> None:
    assert offline.page_errors == []  # type: ignore[attr-defined]
    assert offline.console_errors == []  # type: ignore[attr-defined]
    assert offline.dialogs == []  # type: ignore[attr-defined]  # no alert() from a venue name
    assert offline.router.refused == []  # type: ignore[attr-defined]  # every asset served


def test_overview_in_chromium(
    written: tuple[maps.MapData, list[Path]], offline_page: Callable[..., object]
) -> None:
    data, files = written
    offline = offline_page(viewport={"width": 1366, "height": 800})
    page = offline.page  # type: ignore[attr-defined]
    _open(offline, files[0])

    assert page.evaluate("typeof L") == "object" and page.locator(".leaflet-container").count() == 1
    routes = [r for r in data.plan.routes if r.stops]
    assert page.locator("path.route-line").count() == len(routes)
    assert page.locator(".stop-marker").count() == data.plan.visits
    assert page.locator(".station-marker").count() == 2
    assert page.locator("path.dropped-marker").count() == 1
    assert page.locator("svg textPath").count() == len(routes)  # direction arrows drawn
    assert page.locator(".leaflet-control-layers-overlays input").count() >= len(routes) + 3
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 0  # heat layer off

    # The venue with a hostile name: its popup shows the name as text and runs nothing.
    marker = page.locator(".stop-marker").first
    marker.click()
    content = page.locator(".leaflet-popup-content")
    content.wait_for()
    assert XSS_NAME in content.inner_text()
    assert content.locator("img").count() == 0
    assert "Navigasi" in content.inner_text()
    href = content.locator("a.wk-nav").get_attribute("href")
    assert (
        href
        == "https://www.google.com/maps/dir/?api=1&destination=-8.052000,111.712000&travelmode=driving"
    )

    # Switching the incident heat layer on draws it (the layer control opens on hover).
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label", has_text="Kejadian 30 hari").click()
    page.wait_for_selector("canvas.leaflet-heatmap-layer")

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview-1366-popup-heat.png"))
    _close_popup(page)
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label", has_text="Kejadian 30 hari").click()
    page.wait_for_selector("canvas.leaflet-heatmap-layer", state="detached")
    page.screenshot(path=str(SHOTS / "overview-1366.png"))
    _assert_clean(offline)
    assert offline.router.tiles > 0  # type: ignore[attr-defined]


def test_squad_map_on_a_phone(
    written: tuple[maps.MapData, list[Path]], offline_page: Callable[..., object]
) -> None:
    data, files = written
    squad_file = next(p for p in files if p.name == "regu-R01.html")
    offline = offline_page(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = offline.page  # type: ignore[attr-defined]
    _open(offline, squad_file)

    route = data.plan.route("R01")
    assert page.locator("path.route-line").count() == 1
    assert page.locator(".stop-marker").count() == len(route.stops)
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 0
    assert page.locator(".leaflet-control-layers").count() == 0

    # Fits a 360 px screen: no sideways scrolling, map and list both visible, big tap targets.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    map_box = page.locator(".folium-map").bounding_box()
    assert map_box is not None and map_box["height"] >= 300 and map_box["width"] == 360
    rows = page.locator(".wk-stop[data-marker]")
    assert rows.count() == len(route.stops)
    for i in range(rows.count()):
        box = rows.nth(i).bounding_box()
        assert box is not None and box["height"] >= 48
        nav = rows.nth(i).locator("a.wk-nav").bounding_box()
        assert nav is not None and nav["height"] >= 40
    assert rows.first.locator(".wk-time").inner_text().startswith("19:10")

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "regu-R01-360.png"))

    # Tapping a marker opens its popup; a hostile venue name stays text.
    page.locator(".stop-marker").first.tap()
    page.wait_for_selector(".leaflet-popup-content")
    assert XSS_NAME in page.locator(".leaflet-popup-content").inner_text()
    _close_popup(page)
    # Tapping a row in the list shows that stop (the second: Kopi Pak Min).
    rows.nth(1).locator(".wk-what").tap()
    content = page.locator(".leaflet-popup-content")
    content.wait_for()
    assert "Kopi Pak Min" in content.inner_text()
    page.screenshot(path=str(SHOTS / "regu-R01-360-row-tapped.png"))
    page.locator(".wk-panel").screenshot(path=str(SHOTS / "regu-R01-360-list.png"))
    _assert_clean(offline)
