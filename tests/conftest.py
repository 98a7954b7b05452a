"""Shared pytest fixtures.

Browser fixtures (helpers in ``browser_support.py``): ``chromium`` launches Debian's headless
Chromium once per session and ``offline_page`` opens a page whose CDN and tile requests are
served locally. Tests using them skip, with the reason, when Chromium is not installed or the
npm registry cannot be reached to fetch Leaflet & co.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import browser_support as bs
import pytest


@pytest.fixture(scope="session")
def browser_assets() -> Path:
    """``node_modules`` with the libraries Folium loads from CDNs (installed once from npm)."""
    try:
        return bs.ensure_npm_assets()
    except bs.AssetsUnavailable as exc:
        pytest.skip(f"browser test: cannot get Leaflet & co. from the npm registry ({exc})")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    if bs.chromium_path() is None:
        pytest.skip(
            f"browser test: Chromium is not installed at "
            f"{os.environ.get('PLANNER_CHROMIUM', bs.CHROMIUM)} "
            "(run `bash scripts/install-browser.sh` as root)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser test: the playwright Python package is not installed")
    manager = sync_playwright().start()
    try:
        browser = bs.launch_chromium(manager)
    except Exception as exc:  # a broken Chromium install is a skip reason, shown verbatim
        manager.stop()
        pytest.skip(f"browser test: Chromium does not start ({exc})")
    yield browser
    browser.close()
    manager.stop()


@pytest.fixture
def offline_page(chromium: Any, browser_assets: Path) -> Iterator[Callable[..., bs.OfflinePage]]:
    """Factory: ``offline_page(viewport={"width": 360, "height": 740}, is_mobile=True)``."""
    contexts: list[Any] = []

    def make(**context_options: Any) -> bs.OfflinePage:
        context = chromium.new_context(**context_options)
        contexts.append(context)
        router = bs.OfflineRouter(browser_assets).attach(context)
        page = context.new_page()
        result = bs.OfflinePage(page, router)
        page.on("pageerror", lambda exc: result.page_errors.append(str(exc)))
        page.on(
            "console",
            lambda m: result.console_errors.append(m.text) if m.type == "error" else None,
        )

        def on_dialog(dialog: Any) -> None:
            result.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return result

    yield make
    for context in contexts:
        context.close()
