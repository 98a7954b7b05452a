"""The check-in block of the squad page: its data, its size, its escaping, its code lists; and,
in Chromium, that it refuses to send what the importer would refuse."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import browser_support as bs
import pytest
from render.test_maps import VENUES, build_map_data

from planner.config import Settings
from planner.domain import WIB
from planner.history import report as rp
from planner.render import checkin, maps
from planner.text import Lang

JSON_RE = re.compile(r'<script type="application/json" id="ck-data">(.*?)</script>', re.S)
NAME = '</script><script>window.__xss=1</script><!-- "quoted" & ${x}'


@pytest.fixture(scope="module")
def data() -> maps.MapData:
    base = build_map_data()
    venues = base.venues.copy()
    venues.loc[venues["venue_id"] == "V2", "name"] = NAME
    return dataclasses.replace(base, venues=venues)


def _payload(html: str) -> dict[str, Any]:
    [raw] = JSON_RE.findall(html)
    return json.loads(raw)


def test_the_block_carries_the_night_the_plan_and_the_stops(data: maps.MapData) -> None:
    html = checkin.checkin_block(data, "R01")
    got = _payload(html)
    route = next(r for r in data.plan.routes if r.squad_id == "R01")
    venue_ids = [s.venue_id for s in route.stops]
    plan = rp.plan_id(data.night.date, "R01", venue_ids)
    assert (got["night"], got["squad"], got["plan"], got["format"]) == (
        "2026-11-28", "R01", plan, "WARKOP-LAPORAN v1"
    )  # fmt: skip
    assert got["key"] == f"warkop-checkin:v1:2026-11-28:R01:{plan}"
    assert [s["venue"] for s in got["stops"]] == venue_ids
    assert [s["order"] for s in got["stops"]] == list(range(1, len(venue_ids) + 1))
    assert got["stops"][0]["name"] == VENUES["V1"][0]
    assert got["stops"][1]["name"] == NAME  # the exact name, for the report's nama line
    assert got["t"]["send"] == "Kirim laporan"
    assert ">Salin teks</button>" in html and "method" not in html  # labels, not dict methods
    assert len(html.encode()) < 40_000


def test_a_name_cannot_close_the_script(data: maps.MapData) -> None:
    html = checkin.checkin_block(data, "R01")
    [raw] = JSON_RE.findall(html)
    assert "</script" not in raw.lower() and "<!--" not in raw and "<" not in raw
    assert html.count("</script>") == 2  # the JSON's and the code's, nothing from a name


def test_code_lists_are_the_templates(data: maps.MapData) -> None:
    settings = Settings.model_validate(
        {"history": {"report_categories": ["air_bersih", "lainnya"], "agencies": ["PDAM", "PLN"]}}
    )
    got = _payload(checkin.checkin_block(data, "R02", lang="en", settings=settings))
    assert got["agencies"] == ["PDAM", "PLN"]
    assert got["categories"][-1] == "air_bersih" and "infrastruktur" not in got["categories"]
    assert got["categories"][0] == "curanmor"  # the incident categories come first
    assert got["t"]["send"] == "Send report" and got["t"]["arrive"] == "Arrived"


def test_the_squad_page_holds_the_block_once_with_a_slot_per_stop(data: maps.MapData) -> None:
    page = maps.render_squad(data, "R01")
    assert page.count('id="ck-data"') == 1
    assert page.count('class="checkin-slot"') == 3
    for n, venue in enumerate(("V1", "V2", "V3"), start=1):
        assert re.search(rf'data-venue="{venue}" data-order="{n}"', page)


# ----------------------------------------------------------------------------- in Chromium


def _page_file(data: maps.MapData, tmp_path: Path, *, lang: Lang = "id") -> Path:
    """R01's squad page written to ``tmp_path`` (the test skips without Chromium)."""
    if bs.chromium_path() is None:
        pytest.skip("Chromium is not installed (scripts/install-browser.sh)")
    path = tmp_path / "regu-R01.html"
    path.write_text(maps.render_squad(data, "R01", lang=lang), encoding="utf-8")
    return path


def _only_the_file(context: Any, path: Path, refused: list[str] | None = None) -> None:
    """Every request but the page's own file is refused (and noted in ``refused``)."""

    def handle(route: Any) -> None:
        if route.request.url == path.as_uri():
            route.continue_()
            return
        if refused is not None:
            refused.append(route.request.url)
        route.abort()

    context.route("**/*", handle)


@pytest.mark.browser
def test_the_page_refuses_to_send_what_the_import_refuses(
    data: maps.MapData, tmp_path: Path, playwright_session: Any
) -> None:
    pw = playwright_session

    path = _page_file(data, tmp_path, lang="en")
    browser = bs.launch_chromium(pw)
    context = browser.new_context(viewport={"width": 360, "height": 640})
    refused: list[str] = []
    _only_the_file(context, path, refused)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate(
        "Object.defineProperty(navigator, 'share', {configurable: true, value: d => {"
        " window.__shared = d.text; return Promise.resolve(); }})"
    )
    box = page.locator("#ck-send").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 640  # on screen at 360×640
    page.locator("#ck-send").click()  # nothing recorded yet
    assert page.locator("#ck-msg").inner_text() == "No visit recorded yet"
    page.locator("#ck-close").click()

    one = page.locator('li[data-order="1"] .checkin-slot')
    two = page.locator('li[data-order="2"] .checkin-slot')
    two.locator("summary").click()
    two.locator("input[type=number]").fill("4")  # a form filled, Arrived not pressed
    page.clock.set_fixed_time(dt.datetime(2026, 11, 29, 13, 5, tzinfo=WIB))  # next day
    one.locator(".ck-arrive").click()
    one.locator("summary").click()
    one.locator(".ck-item textarea").fill("lampu mati")  # a complaint without a category
    page.locator("#ck-send").click()
    problems = page.locator("#ck-errors li").all_inner_texts()
    assert problems == [
        "Stop 1: arrived 2026-11-29 13:05 is not on the night of 2026-11-28 (the phone's "
        "clock wrong, or another night's page?)",
        "Stop 1: fill in both the category and the complaint",
        "Stop 2: filled in but Arrived was not pressed",
    ]
    assert page.evaluate("window.__shared") is None

    page.locator("#ck-close").click()
    page.clock.set_fixed_time(dt.datetime(2026, 11, 29, 0, 20, tzinfo=WIB))
    clock = one.locator("label.ck-done input")
    clock.fill("23.50")  # typed over: on the night, 24-hour, a dot as well as a colon
    clock.press("Enter")
    clock.blur()
    assert clock.input_value() == "23:50"
    one.locator(".ck-item select").first.select_option("infrastruktur")
    two.locator("input[type=number]").fill("")
    one.locator(".ck-leave").click()
    page.locator("#ck-send").click()
    page.wait_for_function("typeof window.__shared === 'string'")
    [report] = rp.parse_reports(page.evaluate("window.__shared"), file="x")
    assert [v.venue_id for v in report.visits] == ["V1"]
    assert (report.visits[0].arrived, report.visits[0].left) == (
        "2026-11-28T23:50+07:00", "2026-11-29T00:20+07:00"
    )  # fmt: skip
    assert report.visits[0].items == (rp.ReportItem("infrastruktur", "lampu mati"),)
    assert page.evaluate("window.__xss") is None
    assert errors == [] and refused == []
    browser.close()


@pytest.mark.browser
def test_what_was_recorded_survives_closing_the_browser(
    data: maps.MapData, tmp_path: Path, playwright_session: Any
) -> None:
    """A flat battery: the browser is closed without a word, then started again."""
    pw = playwright_session

    path = _page_file(data, tmp_path)
    profile = tmp_path / "profile"

    def run(pw: Any, act: Any) -> Any:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=bs.chromium_path(), args=list(bs.CHROMIUM_ARGS),
            headless=True, viewport={"width": 390, "height": 844},
        )  # fmt: skip
        _only_the_file(context, path)
        page = context.new_page()
        page.clock.set_fixed_time(dt.datetime(2026, 11, 28, 21, 15, tzinfo=WIB))
        page.goto(path.as_uri(), wait_until="load")
        try:
            return act(page)
        finally:
            context.close()

    def check_in(page: Any) -> None:
        slot = page.locator('li[data-order="2"] .checkin-slot')
        slot.locator(".ck-arrive").click()
        slot.locator("summary").click()
        slot.locator("textarea").first.fill("warung ramai")

    def read(page: Any) -> tuple[str, str, str]:
        slot = page.locator('li[data-order="2"] .checkin-slot')
        return (
            slot.locator("label.ck-done input").input_value(),
            slot.locator("textarea").first.input_value(),
            page.locator("#ck-root").get_attribute("data-unsent"),
        )

    run(pw, check_in)
    assert run(pw, read) == ("21:15", "warung ramai", "1")


@pytest.mark.browser
def test_a_phone_that_cannot_keep_the_entries_says_so(
    data: maps.MapData, tmp_path: Path, playwright_session: Any
) -> None:
    pw = playwright_session

    path = _page_file(data, tmp_path)
    browser = bs.launch_chromium(pw)
    context = browser.new_context()
    _only_the_file(context, path)
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    assert page.locator("#ck-note").inner_text() == ""
    page.evaluate(  # the storage fills up
        "() => { Storage.prototype.setItem = () => {"
        " throw new DOMException('full', 'QuotaExceededError'); }; }"
    )
    page.locator(".ck-arrive").first.click()
    assert page.locator("#ck-note").inner_text().startswith("Penyimpanan HP tidak tersedia")
    assert "tersimpan" not in page.locator('li[data-order="1"] .ck-state').inner_text()
    browser.close()
