"""End-to-end: the generated maps open in headless Chromium, offline, and behave.

Folium's CDN assets are served from npm packages installed in the test set-up and tiles are
answered with a blank tile (see browser_support.py). Screenshots are kept in
``tests/.browser-assets/screenshots`` (or ``$PLANNER_SCREENSHOTS``) for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import browser_support as bs
import pytest
from render.test_maps import DESA_NAME, PRESENCE_STATE, XSS_NAME, build_map_data

from planner.render import maps, presence

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("PLANNER_SCREENSHOTS", bs.ASSETS_DIR / "screenshots"))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[maps.MapData, list[Path]]:
    data = build_map_data()
    out = tmp_path_factory.mktemp("maps") / str(data.night)
    return data, maps.write_maps(data, out, lang="id")


def _open(offline: bs.OfflinePage, path: Path) -> None:
    page = offline.page
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.querySelectorAll('.leaflet-tile-loaded').length > 0")


def _close_popup(page: Any) -> None:
    # The close button may sit under a control; what matters is that the popup goes away.
    page.evaluate("document.querySelector('.leaflet-popup-close-button').click()")
    page.wait_for_selector(".leaflet-popup", state="detached")


def _assert_clean(offline: bs.OfflinePage) -> None:
    assert offline.page_errors == []
    assert offline.console_errors == []
    assert offline.dialogs == []  # no alert() from a venue name
    assert offline.router.refused == []  # every asset served


def test_overview_in_chromium(
    written: tuple[maps.MapData, list[Path]], offline_page: Callable[..., bs.OfflinePage]
) -> None:
    data, files = written
    offline = offline_page(viewport={"width": 1366, "height": 800})
    page = offline.page
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

    # The desa fill is a choice of one: kerawanan at first, then presence (each desa drawn with
    # its state's class and colour, below the routes), then none.
    assert page.locator("path.wk-desa-kerawanan").count() == len(data.desa)
    assert page.locator("path.wk-presence").count() == 0
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-base label", has_text="kehadiran").click()
    page.wait_for_selector("path.wk-presence")
    assert page.locator("path.wk-desa-kerawanan").count() == 0
    for state in PRESENCE_STATE.values():
        path = page.locator(f"path.wk-presence-{state}")
        assert path.count() == 1, state
        assert path.get_attribute("fill") == presence.PRESENCE_COLOURS[state]
    z = page.evaluate(
        "[getComputedStyle(document.querySelector('.leaflet-wk-desa-pane')).zIndex,"
        " getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex]"
    )
    assert int(z[0]) < int(z[1])  # the fill stays under the routes
    page.mouse.move(1, 799)
    page.locator("path.wk-presence-never").hover(position={"x": 8, "y": 8})
    tip = page.locator(".leaflet-tooltip", has_text="belum pernah dikunjungi")
    tip.wait_for()
    assert tip.inner_text().startswith(f"Desa {DESA_NAME['D3']} (sangat tinggi)")
    page.screenshot(path=str(SHOTS / "overview-1366-presence.png"))
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-base label", has_text="tidak ada").click()
    page.wait_for_selector("path.wk-presence", state="detached")
    assert page.locator("path.wk-desa-kerawanan").count() == 0
    _assert_clean(offline)
    assert offline.router.tiles > 0


def test_squad_map_on_a_phone(
    written: tuple[maps.MapData, list[Path]], offline_page: Callable[..., bs.OfflinePage]
) -> None:
    data, files = written
    squad_file = next(p for p in files if p.name == "regu-R01.html")
    offline = offline_page(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = offline.page
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
    # Each stop says what it means for its desa (V1: Sumbergedong, overdue).
    assert rows.first.locator(".wk-desa-line").inner_text() == "target 3 hari, terakhir 7 hari lalu"

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


DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.mark.slow
def test_demo_night_maps_in_chromium(
    tmp_path: Path, offline_page: Callable[..., bs.OfflinePage]
) -> None:
    """What `planner plan` writes for the demo opens cleanly and shows the whole plan."""
    if not (DEMO / "venues.csv").exists():
        pytest.skip(f"demo dataset not found at {DEMO}")
    import datetime as dt

    from planner import pipeline
    from planner.domain import Night
    from planner.render import outputs

    result = pipeline.plan_night(DEMO, Night(dt.date(2026, 11, 28)), time_limit_s=3, seed=0)
    folder = outputs.night_folder(tmp_path, result)
    written = outputs.write_night(result, folder, lang="id")
    plan = result.plan
    assert "index.html" in written
    for squad in result.squads:
        assert maps.squad_map_filename(squad.squad_id) in written
    assert written["index.html"].stat().st_size < 5_000_000
    venue_names = dict(
        zip(result.dataset.venues["venue_id"], result.dataset.venues["name"], strict=True)
    )

    offline = offline_page(viewport={"width": 1366, "height": 800})
    page = offline.page
    _open(offline, written["index.html"])
    routes = [r for r in plan.routes if r.stops]
    assert page.locator("path.route-line").count() == len(routes)
    assert page.locator(".stop-marker").count() == plan.visits
    # Markers are in plan order: the first squad's first stop opens its venue's popup.
    page.locator(".stop-marker").first.dispatch_event("click")
    page.wait_for_selector(".leaflet-popup-content")
    first = next(r for r in _roster_order(result) if r.stops).stops[0]
    assert venue_names[first.venue_id] in page.locator(".leaflet-popup-content").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    _close_popup(page)
    page.screenshot(path=str(SHOTS / "demo-overview-1366.png"))
    _assert_clean(offline)

    busiest = max(plan.routes, key=lambda r: len(r.stops))
    squad_file = written[maps.squad_map_filename(busiest.squad_id)]
    assert squad_file.stat().st_size < 1_000_000
    phone = offline_page(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    _open(phone, squad_file)
    assert phone.page.locator(".stop-marker").count() == len(busiest.stops)
    assert phone.page.locator(".wk-stop[data-marker]").count() == len(busiest.stops)
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.page.screenshot(path=str(SHOTS / f"demo-{squad_file.stem}-360.png"))
    _assert_clean(phone)


def _roster_order(result: Any) -> list[Any]:
    by_id = {r.squad_id: r for r in result.plan.routes}
    return [by_id[s.squad_id] for s in result.squads if s.squad_id in by_id]
