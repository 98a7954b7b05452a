"""End to end in headless Chromium: a squad checks in on its phone page, reloads, sends the night
back, and ``planner visits import`` brings it into the next night's scores.

Every request but the page's own file is blocked (nothing is served from local copies): the
page must work with no signal. The phone's clock is Playwright's, set to the night.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import browser_support as bs
import pytest
from cli._support import NIGHT, ROSTER
from typer.testing import CliRunner

from planner import history, pipeline, risk
from planner.cli import app
from planner.domain import WIB, Night
from planner.history import report as rp
from planner.sources import load_dataset

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("PLANNER_SCREENSHOTS", bs.ASSETS_DIR / "screenshots"))
#: Set on ``window`` by any of these strings if it ever ran as HTML or script.
HOSTILE = (
    '<img src=x onerror="window.__xss=1"></script><script>window.__xss=2</script>'
    " ${window.__xss=3} `x` \\ \"q\" 'a' == 1 == AKHIR 1 kunjungan crc32:00000000 ‮😀"
)
HOSTILE_NOTE = HOSTILE + "\nbaris kedua\tdengan tab"


def _run(*args: object, input: str | None = None) -> Any:
    res = CliRunner(env={"COLUMNS": "200"}).invoke(app, [str(a) for a in args], input=input)
    return res


def _plan(root: Path, *, hostile: bool) -> tuple[Path, Path]:
    """A 30-venue demo dataset planned for NIGHT, every venue name hostile if asked:
    ``(dataset folder, the night's folder)``."""
    if bs.chromium_path() is None:
        pytest.skip("Chromium is not installed (scripts/install-browser.sh)")
    data = root / "kecil"
    res = _run("demo", "--out", data, "--seed", 3, "--venues", 30)
    assert res.exit_code == 0, res.output
    (data / "squads.toml").write_text(ROSTER, encoding="utf-8")
    if hostile:
        text = (data / "venues.csv").read_text(encoding="utf-8")
        venues = list(csv.DictReader(io.StringIO(text)))
        for v in venues:
            v["name"] = f"{v['name']} {HOSTILE}"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(venues[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(venues)
        (data / "venues.csv").write_text(out.getvalue(), encoding="utf-8")
    res = _run(
        "plan", data, "--date", NIGHT, "--time-limit", 2, "--seed", 1, "--out", root / "maps"
    )
    assert res.exit_code == 0, res.output
    return data, root / "maps" / NIGHT


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The planned night with hostile venue names."""
    return _plan(tmp_path_factory.mktemp("checkin"), hostile=True)


def _at(hh_mm: str, *, day: str = NIGHT) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hh_mm}:00").replace(tzinfo=WIB)


class Phone:
    """A page in a phone-sized context whose every request but the file is refused."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.uri = path.as_uri()
        self.refused: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(
            viewport={"width": 390, "height": 844},
            color_scheme="dark",
            locale="id-ID",
            timezone_id="Asia/Jakarta",
        )
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        if route.request.url.split("#", 1)[0] == self.uri:
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def slot(self, order: int) -> Any:
        return self.page.locator(f'li[data-order="{order}"] .checkin-slot')

    def unsent(self) -> int:
        return int(self.page.locator("#ck-root").get_attribute("data-unsent"))


def _check_in(phone: Phone) -> None:
    page, one, two = phone.page, phone.slot(1), phone.slot(2)
    page.clock.set_fixed_time(_at("21:05"))
    one.locator(".ck-arrive").click()
    page.clock.set_fixed_time(_at("21:40"))
    one.locator(".ck-leave").click()
    one.locator("summary").click()
    one.locator("input[type=number]").fill("12")
    one.locator("textarea").first.fill(HOSTILE_NOTE)
    item = one.locator(".ck-item").first
    item.locator("select").first.select_option("sosial")
    item.locator("textarea").fill(HOSTILE)
    item.locator("select").last.select_option("Dinas Sosial")
    one.locator(".ck-add").click()
    second = one.locator(".ck-item").nth(1)
    second.locator("select").first.select_option("curanmor")
    second.locator("textarea").fill("motor hilang di depan warung")
    page.clock.set_fixed_time(_at("22:10"))
    two.locator(".ck-arrive").click()  # stop 1 already done; stop 2 has no form filled
    page.clock.set_fixed_time(_at("22:30"))
    two.locator(".ck-leave").click()


def test_check_in_survives_a_reload_and_the_report_reaches_the_next_night(
    night: tuple[Path, Path], tmp_path: Path, playwright_session: Any
) -> None:
    pw = playwright_session

    data, folder = night
    squad_page = folder / "regu-R01.html"
    dataset_copy = Path(shutil.copytree(data, tmp_path / "kecil"))
    browser = bs.launch_chromium(pw)
    phone = Phone(browser, squad_page)
    page = phone.page
    page.clock.set_fixed_time(_at("20:55"))
    page.goto(phone.uri, wait_until="load")
    stops = page.locator("li[data-venue] .checkin-slot")
    assert stops.count() >= 2 and page.locator(".ck-arrive").count() == stops.count()
    assert phone.unsent() == 0
    _check_in(phone)
    assert phone.unsent() == 2

    page.reload(wait_until="load")
    one = phone.slot(1)
    one.locator("summary").click()
    assert one.locator("label.ck-done input").nth(0).input_value() == "21:05"
    assert one.locator("label.ck-done input").nth(1).input_value() == "21:40"
    assert one.locator("input[type=number]").input_value() == "12"
    assert one.locator("textarea").first.input_value() == HOSTILE_NOTE
    assert one.locator(".ck-item").count() == 2
    assert one.locator(".ck-item select").first.input_value() == "sosial"
    assert one.locator(".ck-item textarea").first.input_value() == HOSTILE
    assert phone.slot(2).locator("label.ck-done input").nth(0).input_value() == "22:10"
    assert phone.unsent() == 2
    assert "2 kunjungan belum dikirim" in page.locator("#ck-count").inner_text()

    # Kirim laporan with the Web Share API: the shared text is the report.
    page.evaluate(
        "Object.defineProperty(navigator, 'share', {configurable: true, value: d => {"
        " window.__shared = d.text; return Promise.resolve(); }})"
    )
    page.clock.set_fixed_time(_at("01:10", day="2026-12-02"))
    page.locator("#ck-send").click()
    page.wait_for_function("typeof window.__shared === 'string'")
    shared: str = page.evaluate("window.__shared")
    assert phone.unsent() == 0
    assert "Semua kunjungan sudah dikirim" in page.locator("#ck-count").inner_text()

    # Without Web Share: the sheet offers WhatsApp and copy; both carry the same text.
    page.evaluate(
        "Object.defineProperty(navigator, 'share', {configurable: true, value: undefined});"
        "Object.defineProperty(navigator, 'clipboard', {configurable: true, value: {"
        " writeText: t => { window.__copied = t; return Promise.resolve(); } }})"
    )
    page.locator("#ck-send").click()
    assert page.locator("#ck-sheet .ck-ways").inner_text().split() == [
        "WhatsApp", "Salin", "teks"
    ]  # fmt: skip
    page.locator("#ck-copy").click()
    page.wait_for_function("typeof window.__copied === 'string'")
    assert page.evaluate("window.__copied") == shared
    href = page.locator("#ck-wa").get_attribute("href")
    assert href.startswith("https://wa.me/?text=") and unquote(href[20:]) == shared
    assert page.locator("#ck-text").input_value() == shared

    assert page.evaluate("window.__xss") is None
    assert phone.dialogs == [] and phone.errors == [] and phone.refused == []
    browser.close()

    # The page's JavaScript writes what planner.history.report writes, byte for byte.
    [report] = rp.parse_reports(shared, file="wa")
    assert report.created == "2026-12-02T01:10+07:00"
    assert rp.format_report(report) == shared
    first = report.visits[0]
    assert (first.arrived, first.left, first.people) == (
        f"{NIGHT}T21:05+07:00", f"{NIGHT}T21:40+07:00", "12"
    )  # fmt: skip
    assert first.notes == HOSTILE_NOTE and HOSTILE in first.name
    assert first.items == (
        rp.ReportItem("sosial", HOSTILE, "Dinas Sosial"),
        rp.ReportItem("curanmor", "motor hilang di depan warung"),
    )

    # planner visits import reads it pasted on stdin, checked against the plan folder.
    args = ["visits", "import", "-d", dataset_copy, "--plan", folder, "-q"]
    res = _run(*args, input="Lapor Ndan\n" + shared)
    assert res.exit_code == 0, res.output
    assert "2 kunjungan baru, 2 laporan baru" in " ".join(res.output.split())
    again = _run(*args, input=shared)
    assert "sudah diimpor sebelumnya: 0 kunjungan baru" in " ".join(again.output.split())

    ds = load_dataset(dataset_copy)
    with history.open_store(history.default_store_path(ds.root, ds.settings)) as store:
        notes = store.conn.execute("SELECT notes FROM visits WHERE plan_order = 1").fetchone()[0]
        texts = [r[0] for r in store.conn.execute("SELECT text FROM reports ORDER BY seq")]
    assert notes == HOSTILE_NOTE and texts == [HOSTILE, "motor hilang di depan warung"]

    # The next night's scores see the two visits (rotation), as pipeline.plan_night reads them.
    tomorrow = Night(dt.date.fromisoformat(NIGHT) + dt.timedelta(days=1))
    seen = pipeline.visit_history(ds, tomorrow.noon)
    visited = {v.venue_id: v for v in report.visits}
    assert {k: seen.last_visits[k] for k in visited} == {
        k: dt.datetime.fromisoformat(v.arrived) for k, v in visited.items()
    }
    with_log = risk.score_dataset(ds, tomorrow, history=seen).set_index("venue_id")
    without = risk.score_dataset(ds, tomorrow, history=risk.VisitHistory()).set_index("venue_id")
    for venue in visited:
        assert with_log.at[venue, "rotation"] < without.at[venue, "rotation"]
        assert with_log.at[venue, "priority"] < without.at[venue, "priority"]


def test_screenshot_of_two_stops_checked_in(
    tmp_path_factory: pytest.TempPathFactory, playwright_session: Any
) -> None:
    """The squad page at 390×844, offline, dark, two stops checked in (for a person to look at:
    ``squad-checkin.png`` in the screenshots folder)."""
    pw = playwright_session

    _, folder = _plan(tmp_path_factory.mktemp("shot"), hostile=False)
    browser = bs.launch_chromium(pw)
    phone = Phone(browser, folder / "regu-R01.html")
    page = phone.page
    page.clock.set_fixed_time(_at("20:55"))
    page.goto(phone.uri, wait_until="load")
    _check_in(phone)
    page.reload(wait_until="load")
    phone.slot(1).locator("summary").click()
    phone.slot(1).locator("summary").click()
    # Stop 1's check-in row just under the panel's sticky heading, stop 2 below it.
    page.locator(".wk-panel").evaluate(
        "p => { const slot = p.querySelector('li[data-order=\"1\"] .checkin-slot');"
        " const head = p.querySelector('.wk-head').offsetHeight;"
        " p.scrollTop += slot.getBoundingClientRect().top - p.getBoundingClientRect().top - head - 4; }"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "squad-checkin.png"))
    assert phone.unsent() == 2
    assert phone.errors == [] and phone.refused == []
    browser.close()
