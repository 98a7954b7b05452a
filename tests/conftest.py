"""Shared pytest fixtures.

Browser fixture (helpers in ``browser_support.py``): ``chromium`` launches Debian's headless
Chromium once per session; tests using it skip, with the reason, when Chromium is not installed
(``bash scripts/install-browser.sh`` installs it; ``.ci/run`` does). The pages inline their
libraries, so nothing else is needed: the browser tests refuse every request but the page's own
file (``browser_support.OfflineRouter``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import browser_support as bs
import pytest


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    """The one Playwright of the test session (a second sync Playwright cannot start beside it):
    for tests that need more than :func:`chromium` gives, e.g. a persistent profile."""
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
    yield manager
    manager.stop()


@pytest.fixture(scope="session")
def chromium(playwright_session: Any) -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    try:
        browser = bs.launch_chromium(playwright_session)
    except Exception as exc:  # a broken Chromium install is a skip reason, shown verbatim
        pytest.skip(f"browser test: Chromium does not start ({exc})")
    yield browser
    browser.close()
