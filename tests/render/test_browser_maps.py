"""End-to-end: the generated maps open in headless Chromium with every request refused.

The pages carry their libraries and their base map (issue 15): the tests open them as a phone
with no signal would — the router lets through only the page's own file and records anything
else the page tries to reach (``browser_support.OfflineRouter``). Screenshots are kept in
``tests/.browser-assets/screenshots`` (or ``$PLANNER_SCREENSHOTS``) for a person to look at.
"""

from __future__ import annotations

import datetime as dt
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
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[maps.MapData, list[Path]]:
    data = build_map_data()
    out = tmp_path_factory.mktemp("maps") / str(data.night)
    return data, maps.write_maps(data, out, lang="id")


def _open(offline: bs.OfflinePage, path: Path) -> None:
    offline.open(path)
    offline.page.wait_for_function("document.documentElement.classList.contains('wk-ready')")


def _close_popup(page: Any) -> None:
    # The close button may sit under a control; what matters is that the popup goes away.
    page.evaluate("document.querySelector('.leaflet-popup-close-button').click()")
    page.wait_for_selector(".leaflet-popup", state="detached")


def _assert_clean(offline: bs.OfflinePage) -> None:
    assert offline.router.refused == []  # no request left the file
    assert offline.page_errors == []
    assert offline.console_errors == []
    assert offline.dialogs == []  # no alert() from a venue name


def _layer(page: Any, text: str) -> None:
    """Click a layer of the (collapsed) layer control."""
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers label", has_text=text).click()


def _assert_stops_clear(page: Any) -> None:
    """Every stop marker is inside the map and clear of the map's controls."""
    map_box = page.locator(".wk-map").bounding_box()
    assert map_box is not None
    controls = [
        page.locator(sel).bounding_box()
        for sel in (".leaflet-control-zoom", ".wk-buttons", ".leaflet-control-layers")
    ]
    if page.locator(".wk-summary").count():
        controls.append(page.locator(".wk-summary").bounding_box())
    markers = page.locator(".stop-marker")
    assert markers.count() > 0
    for i in range(markers.count()):
        m = markers.nth(i).bounding_box()
        assert m is not None
        assert map_box["x"] <= m["x"] and m["x"] + m["width"] <= map_box["x"] + map_box["width"]
        assert map_box["y"] <= m["y"] and m["y"] + m["height"] <= map_box["y"] + map_box["height"]
        for c in controls:
            assert c is not None
            apart = (
                m["x"] >= c["x"] + c["width"]
                or m["x"] + m["width"] <= c["x"]
                or m["y"] >= c["y"] + c["height"]
                or m["y"] + m["height"] <= c["y"]
            )
            assert apart, (i, m, c)


def test_overview_offline(
    written: tuple[maps.MapData, list[Path]], sealed_page: Callable[..., bs.OfflinePage]
) -> None:
    data, files = written
    offline = sealed_page(viewport={"width": 1366, "height": 800})
    page = offline.page
    _open(offline, files[0])

    assert page.evaluate("L.version") == "1.9.4"
    routes = [r for r in data.plan.routes if r.stops]
    assert page.locator("path.route-line").count() == len(routes)
    assert page.locator(".stop-marker").count() == data.plan.visits
    assert page.locator(".station-marker").count() == 2
    assert page.locator("path.dropped-marker").count() == 1
    assert page.locator("svg textPath").count() == len(routes)  # direction arrows drawn
    # The base map from the dataset: desa fills, roads (here: the legs), kecamatan borders.
    assert page.locator("path.wk-desa-kerawanan").count() == len(data.desa)
    assert page.locator("path.wk-road").count() >= 1
    assert page.locator("path.wk-kecamatan").count() == 1
    assert page.locator(".wk-desa-name").count() == len(data.desa)
    assert page.locator(".leaflet-tile").count() == 0  # no tile layer until switched on
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 0  # heat layer off

    # The venue with a hostile name: its popup shows the name as text and runs nothing.
    page.locator(".stop-marker").first.click()
    content = page.locator(".leaflet-popup-content")
    content.wait_for()
    assert XSS_NAME in content.inner_text()
    assert content.locator("img").count() == 0
    assert "Navigasi" in content.inner_text()
    href = content.locator("a.wk-nav").first.get_attribute("href")
    assert href == (
        "https://www.google.com/maps/dir/?api=1&destination=-8.052000,111.712000"
        "&travelmode=driving&dir_action=navigate"
    )
    assert (
        content.locator("a.wk-geo")
        .get_attribute("href", timeout=1000)
        .startswith("geo:-8.052000,111.712000?q=")
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview-1366-popup.png"))
    _close_popup(page)

    # The incident heat layer is drawn from the file's own script (leaflet.heat inlined).
    _layer(page, "Kejadian 30 hari")
    page.wait_for_selector("canvas.leaflet-heatmap-layer")
    _layer(page, "Kejadian 30 hari")
    page.wait_for_selector("canvas.leaflet-heatmap-layer", state="detached")
    page.screenshot(path=str(SHOTS / "overview-1366.png"))

    # The desa fill is a choice of one: kerawanan at first, then presence (each desa drawn with
    # its state's class and colour, below the routes), then outlines only.
    assert page.locator("path.wk-presence").count() == 0
    _layer(page, "kehadiran")
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
    _layer(page, "tidak ada")
    page.wait_for_selector("path.wk-presence", state="detached")
    assert page.locator("path.wk-desa-kerawanan").count() == 0
    assert page.locator("path.wk-desa-outline").count() == len(data.desa)  # still readable
    _assert_clean(offline)

    # OpenStreetMap is a layer the user switches on: only then does the page ask for tiles.
    _layer(page, "OpenStreetMap")
    page.wait_for_function("document.querySelectorAll('.leaflet-tile').length > 0")
    page.wait_for_timeout(200)
    assert offline.router.tiles > 0
    assert all("tile.openstreetmap.org" in url for url in offline.router.refused)


def test_squad_map_on_a_phone_offline(
    written: tuple[maps.MapData, list[Path]], sealed_page: Callable[..., bs.OfflinePage]
) -> None:
    data, files = written
    squad_file = next(p for p in files if p.name == "regu-R01.html")
    offline = sealed_page(**PHONE, device_scale_factor=2, color_scheme="dark")
    page = offline.page
    _open(offline, squad_file)

    route = data.plan.route("R01")
    assert page.locator("path.route-line").count() == 1
    assert page.locator(".stop-marker").count() == len(route.stops)
    assert page.locator("path.wk-road").count() >= 1
    assert page.locator("path.wk-desa-outline").count() >= 1
    assert page.locator(".wk-desa-name").count() >= 1
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 0
    assert page.locator(".dropped-marker").count() == 0
    # The night style: a dark map under a dark list.
    assert page.evaluate("getComputedStyle(document.querySelector('.wk-map')).backgroundColor") == (
        "rgb(14, 20, 27)"
    )

    # Fits a 360 × 640 screen: no sideways scrolling, map and list both visible, big tap targets.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    map_box = page.locator(".wk-map").bounding_box()
    assert map_box is not None and map_box["height"] >= 280 and map_box["width"] == 360
    panel = page.locator(".wk-panel").bounding_box()
    assert panel is not None and panel["y"] >= map_box["y"] + map_box["height"] - 1
    rows = page.locator(".wk-stop[data-order]")
    assert rows.count() == len(route.stops)
    for i in range(rows.count()):
        box = rows.nth(i).bounding_box()
        assert box is not None and box["height"] >= 48
        nav = rows.nth(i).locator("a.wk-nav").bounding_box()
        assert nav is not None and nav["height"] >= 40 and nav["width"] >= 64
        assert nav["x"] + nav["width"] <= 360
    assert rows.first.locator(".wk-time").inner_text().startswith("19:10")
    assert (
        page.evaluate("parseFloat(getComputedStyle(document.querySelector('.wk-what b')).fontSize)")
        >= 15
    )
    # Each stop says what it means for its desa (V1: Sumbergedong, overdue).
    assert rows.first.locator(".wk-desa-line").inner_text() == "target 3 hari, terakhir 7 hari lalu"

    _assert_stops_clear(page)

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
    # Pinch-zoom is not forbidden by the page.
    assert "user-scalable" not in page.locator('meta[name="viewport"]').get_attribute("content")
    _assert_clean(offline)


def test_overview_on_a_phone(
    written: tuple[maps.MapData, list[Path]], sealed_page: Callable[..., bs.OfflinePage]
) -> None:
    """A planner opening the overview on a phone: the summary folds to its title line and the
    night fits beside nothing."""
    data, files = written
    offline = sealed_page(**PHONE)
    page = offline.page
    _open(offline, files[0])
    summary_el = page.locator("#wk-summary")
    assert "wk-folded" in (summary_el.get_attribute("class") or "")
    assert page.locator("#wk-summary-body").is_hidden()
    assert page.locator(".wk-fold").get_attribute("aria-expanded") == "false"
    assert page.locator(".stop-marker").count() == data.plan.visits
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _assert_stops_clear(page)
    summary = page.locator(".wk-summary").bounding_box()
    layers = page.locator(".leaflet-control-layers").bounding_box()
    assert summary is not None and layers is not None
    assert summary["x"] + summary["width"] <= layers["x"]
    page.screenshot(path=str(SHOTS / "overview-360.png"))
    fold = page.locator(".wk-fold").bounding_box()
    assert fold is not None and fold["width"] >= 40 and fold["height"] >= 36  # a tap target
    page.locator(".wk-fold").tap()
    assert page.locator("#wk-summary-body").is_visible()
    assert page.locator(".wk-fold").get_attribute("aria-expanded") == "true"
    # usable on the phone: inside the screen, the table there, no sideways page scrolling
    opened = page.locator(".wk-summary").bounding_box()
    assert opened is not None and opened["x"] + opened["width"] <= 360
    assert opened["y"] + opened["height"] <= 640
    assert page.locator(".wk-summary tbody tr").count() == len(data.plan.routes)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SHOTS / "overview-360-unfolded.png"))
    _assert_clean(offline)


def _summary_width(page: Any) -> float:
    box = page.locator(".wk-summary").bounding_box()
    assert box is not None
    return float(box["width"])


def test_overview_panel_takes_a_quarter_and_folds(
    written: tuple[maps.MapData, list[Path]], sealed_page: Callable[..., bs.OfflinePage]
) -> None:
    """At 1366 × 800 the summary takes at most a quarter of the width, open or folded; its
    button folds it to the title line and back, and the page remembers the choice."""
    data, files = written
    offline = sealed_page(viewport={"width": 1366, "height": 800})
    page = offline.page
    _open(offline, files[0])
    body = page.locator("#wk-summary-body")
    button = page.locator("button.wk-fold")
    assert body.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert button.get_attribute("aria-label") == "Lipat ringkasan"
    open_box = page.locator(".wk-summary").bounding_box()
    assert open_box is not None
    assert _summary_width(page) <= 0.25 * 1366
    assert page.locator(".wk-summary tbody tr").count() == len(data.plan.routes)
    # the table fits the quarter: no column cut off (nothing to scroll sideways)
    assert page.evaluate(
        "(() => { const s = document.querySelector('.wk-scroll');"
        " return s.scrollWidth <= s.clientWidth + 1; })()"
    )
    _assert_stops_clear(page)  # the night is fitted beside the panel as drawn

    button.click()
    assert body.is_hidden() and button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-label") == "Buka ringkasan"
    folded = page.locator(".wk-summary").bounding_box()
    assert folded is not None and folded["height"] <= 60 and folded["height"] < open_box["height"]
    assert _summary_width(page) <= 0.25 * 1366
    assert page.locator(".wk-summary-title").is_visible()

    page.reload()  # the choice is remembered on this device
    page.wait_for_function("document.documentElement.classList.contains('wk-ready')")
    assert body.is_hidden() and button.get_attribute("aria-expanded") == "false"
    button.click()
    assert body.is_visible()
    page.reload()
    page.wait_for_function("document.documentElement.classList.contains('wk-ready')")
    assert body.is_visible()
    _assert_clean(offline)

    # a smaller desktop window: still a quarter at most
    small = sealed_page(viewport={"width": 1024, "height": 700})
    _open(small, files[0])
    assert small.page.locator("#wk-summary-body").is_visible()
    assert _summary_width(small.page) <= 0.25 * 1024
    _assert_clean(small)


def _desa_tips(page: Any) -> int:
    """How many desa tooltips a person sees now (one that is closing fades out at opacity 0
    before Leaflet removes it)."""
    return int(
        page.evaluate(
            "Array.from(document.querySelectorAll('.wk-desa-tip')).filter(t => {"
            " const c = getComputedStyle(t);"
            " return t.offsetParent !== null && c.display !== 'none'"
            " && c.visibility !== 'hidden' && parseFloat(c.opacity) > 0; }).length"
        )
    )


def _hover_lowest_desa(page: Any, dx: float) -> None:
    """Move the pointer off the map's features, then onto the desa drawn lowest on screen
    (Pule, away from the first stop's popup at the top right)."""
    page.mouse.move(700, 790)
    paths = page.locator("path.wk-desa-kerawanan")
    boxes = [paths.nth(i).bounding_box() for i in range(paths.count())]
    lowest = max(range(len(boxes)), key=lambda i: boxes[i]["y"])  # type: ignore[index]
    box = boxes[lowest]
    assert box is not None
    page.mouse.move(box["x"] + dx, box["y"] + 10, steps=4)
    page.wait_for_timeout(150)


def test_desa_tooltips_do_not_cover_an_open_popup(
    written: tuple[maps.MapData, list[Path]], sealed_page: Callable[..., bs.OfflinePage]
) -> None:
    _, files = written
    offline = sealed_page(viewport={"width": 1366, "height": 800})
    page = offline.page
    _open(offline, files[0])
    _hover_lowest_desa(page, 8)
    assert _desa_tips(page) == 1  # a desa's tooltip, with no popup open

    page.locator(".stop-marker").first.click()
    page.locator(".leaflet-popup-content").wait_for()
    assert _desa_tips(page) == 0  # opening a popup closed it
    _hover_lowest_desa(page, 14)
    assert page.locator(".leaflet-popup").count() == 1  # the popup is still open
    assert _desa_tips(page) == 0  # and no desa tooltip is shown over the map meanwhile

    _close_popup(page)
    _hover_lowest_desa(page, 20)
    assert _desa_tips(page) == 1  # tooltips are back once the popup is closed
    _assert_clean(offline)


def test_the_scale_bar_is_metric_only(
    written: tuple[maps.MapData, list[Path]], sealed_page: Callable[..., bs.OfflinePage]
) -> None:
    import re

    _, files = written
    for path, options in (
        (files[0], {"viewport": {"width": 1366, "height": 800}}),
        (files[1], PHONE),
    ):
        offline = sealed_page(**options)
        page = offline.page
        _open(offline, path)
        lines = page.locator(".leaflet-control-scale-line")
        assert lines.count() == 1  # one bar: metric, no imperial second line
        for zoom in (11, 17):
            page.evaluate(f"wkMap.setZoom({zoom}, {{animate: false}})")
            page.wait_for_timeout(100)
            text = lines.first.inner_text().strip()
            assert re.fullmatch(r"\d+ (m|km)", text), text
            assert text.endswith("km" if zoom == 11 else " m"), (zoom, text)
        scale = page.locator(".leaflet-control-scale").inner_text()
        assert not re.search(r"\b(mi|ft|miles?|feet)\b", scale), scale
        _assert_clean(offline)


def test_the_osm_layer_is_a_remembered_choice(
    written: tuple[maps.MapData, list[Path]], sealed_page: Callable[..., bs.OfflinePage]
) -> None:
    _, files = written
    offline = sealed_page(**PHONE)
    page = offline.page
    _open(offline, files[1])
    assert offline.router.refused == [] and page.locator(".leaflet-tile").count() == 0
    _layer(page, "OpenStreetMap")
    page.wait_for_function("document.querySelectorAll('.leaflet-tile').length > 0")
    # Reopened on this phone: the tiles come back on by themselves (and are asked for).
    asked = offline.router.tiles
    page.reload()
    page.wait_for_function("document.querySelectorAll('.leaflet-tile').length > 0")
    assert offline.router.tiles > asked
    _layer(page, "OpenStreetMap")
    page.wait_for_selector(".leaflet-tile", state="detached")
    asked = offline.router.tiles
    page.reload()
    page.wait_for_function("document.documentElement.classList.contains('wk-ready')")
    page.wait_for_timeout(300)
    assert offline.router.tiles == asked and page.locator(".leaflet-tile").count() == 0
    assert offline.page_errors == [] and offline.dialogs == []


DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.mark.slow
def test_demo_night_maps_offline(
    tmp_path: Path, sealed_page: Callable[..., bs.OfflinePage]
) -> None:
    """What `planner plan` writes for the demo opens with no network and shows the whole plan,
    within the size budgets (squad page ≤ 400 KB, overview ≤ 1.5 MB)."""
    if not (DEMO / "venues.csv").exists():
        pytest.skip(f"demo dataset not found at {DEMO}")
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
        assert written[maps.squad_map_filename(squad.squad_id)].stat().st_size <= 400_000
    assert written["index.html"].stat().st_size <= 1_500_000
    venue_names = dict(
        zip(result.dataset.venues["venue_id"], result.dataset.venues["name"], strict=True)
    )

    offline = sealed_page(viewport={"width": 1366, "height": 800})
    page = offline.page
    _open(offline, written["index.html"])
    routes = [r for r in plan.routes if r.stops]
    assert page.locator("path.route-line").count() == len(routes)
    assert page.locator(".stop-marker").count() == plan.visits
    assert page.locator("path.wk-desa-kerawanan").count() == len(result.dataset.desa)
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
    phone = sealed_page(**PHONE, device_scale_factor=2, color_scheme="dark")
    _open(phone, squad_file)
    assert phone.page.locator(".stop-marker").count() == len(busiest.stops)
    assert phone.page.locator(".wk-stop[data-order]").count() == len(busiest.stops)
    assert phone.page.locator("path.wk-road").count() >= 1
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360
    _assert_stops_clear(phone.page)
    phone.page.screenshot(path=str(SHOTS / f"demo-{squad_file.stem}-360.png"))
    _assert_clean(phone)


def _roster_order(result: Any) -> list[Any]:
    by_id = {r.squad_id: r for r in result.plan.routes}
    return [by_id[s.squad_id] for s in result.squads if s.squad_id in by_id]


HOSTILE_SQUAD = "</script><img src=x onerror=alert('squad')>"
HOSTILE_STATION = "<img src=x onerror=alert('station')>"
HOSTILE_DESA = "</script><script>alert('desa')</script>"


def test_hostile_names_stay_text(
    tmp_path: Path, sealed_page: Callable[..., bs.OfflinePage]
) -> None:
    import dataclasses

    data = build_map_data()
    squads = tuple(
        dataclasses.replace(s, name=HOSTILE_SQUAD) if s.squad_id == "R01" else s
        for s in data.squads
    )
    stations = data.stations.copy()
    stations.loc[stations.station_id == "POLRES", "name"] = HOSTILE_STATION
    desa = data.desa.copy()
    desa.loc[desa.desa_code == "D1", "desa"] = HOSTILE_DESA
    venues = data.venues.copy()
    venues.loc[venues.venue_id == "V1", "desa"] = HOSTILE_DESA
    hostile = maps.MapData(
        **{**data.__dict__, "squads": squads, "stations": stations, "desa": desa, "venues": venues}
    )
    files = maps.write_maps(hostile, tmp_path, lang="id")
    for path, viewport in ((files[0], {"width": 1366, "height": 800}), (files[1], None)):
        offline = sealed_page(**({"viewport": viewport} if viewport else PHONE))
        page = offline.page
        _open(offline, path)
        if path == files[1]:
            assert page.locator(".wk-head h1").inner_text() == f"{HOSTILE_SQUAD} (R01)"
            assert HOSTILE_DESA in page.locator(".wk-stop[data-order='1'] .wk-what").inner_text()
        names = page.locator(".wk-desa-name").all_inner_texts()
        assert HOSTILE_DESA in names
        page.locator(".station-marker").first.dispatch_event("click")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert HOSTILE_STATION in popup.inner_text()
        assert (
            page.locator(".leaflet-popup-content img, .wk-panel img, .wk-summary img").count() == 0
        )
        page.wait_for_timeout(200)
        _assert_clean(offline)
