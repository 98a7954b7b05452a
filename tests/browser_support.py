"""Helpers for tests that open generated HTML in headless Chromium (Playwright, no internet).

The pages the planner writes carry everything they need (issue 15), so the browser tests open
them exactly as a phone with no signal would: every request is refused.

- :func:`chromium_path` / :func:`launch_chromium`: Debian's ``/usr/bin/chromium`` with the flags
  that keep it from trying to reach the network.
- :class:`OfflineRouter`: attached to a Playwright context, it lets through only the page's own
  file (or, without a page set, any ``file:`` URL) and ``data:``/``blob:``/``about:`` URLs,
  aborts everything else and records it: a test asserts that :attr:`OfflineRouter.refused`
  stays empty.
- :class:`OfflinePage`: a page and what it did (JavaScript errors, console errors, dialogs).

``ASSETS_DIR`` (``tests/.browser-assets``, git-ignored) only holds screenshots now; nothing is
installed there any more.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TESTS_DIR = Path(__file__).resolve().parent
ASSETS_DIR = TESTS_DIR / ".browser-assets"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
_TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com", "tile.opentopomap.org")
_INSIDE = ("data", "blob", "about")


def chromium_path() -> str | None:
    """Debian's Chromium if installed, else None."""
    path = os.environ.get("PLANNER_CHROMIUM", CHROMIUM)
    return path if Path(path).exists() else None


def launch_chromium(playwright: Any) -> Any:
    """Launch headless Debian Chromium through Playwright (no Playwright browser download)."""
    path = chromium_path()
    if path is None:
        raise FileNotFoundError(CHROMIUM)
    return playwright.chromium.launch(executable_path=path, args=list(CHROMIUM_ARGS), headless=True)


def _same_file(a: str, b: str) -> bool:
    return a.split("#", 1)[0].split("?", 1)[0] == b.split("#", 1)[0].split("?", 1)[0]


@dataclass
class OfflineRouter:
    """Refuses every request of a Playwright context except the page's own file.

    Attributes
    ----------
    page_url
        The ``file:`` URL of the page under test; None lets any ``file:`` URL through.
    refused
        Every URL the page tried to reach and was refused: a test asserts this stays empty.
    tiles
        How many of those were map tiles (a tile layer switched on).
    """

    node_modules: Path | None = None  # unused: nothing is served from npm copies any more
    page_url: str | None = None
    refused: list[str] = field(default_factory=list)
    tiles: int = 0
    served: list[str] = field(default_factory=list)  # always empty; kept for old callers

    def attach(self, context: Any) -> OfflineRouter:
        context.route("**/*", self._handle)
        return self

    def allows(self, url: str) -> bool:
        scheme = urlsplit(url).scheme
        if scheme in _INSIDE:
            return True
        if scheme == "file":
            return self.page_url is None or _same_file(url, self.page_url)
        return False

    def _handle(self, route: Any) -> None:
        url: str = route.request.url
        if self.allows(url):
            route.continue_()
            return
        if any(urlsplit(url).netloc.endswith(host) for host in _TILE_HOSTS):
            self.tiles += 1
        self.refused.append(url)
        route.abort()


@dataclass
class OfflinePage:
    """A page plus what it did: JavaScript errors, console errors, dialogs, network."""

    page: Any
    router: OfflineRouter
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: Path, *, wait_until: str = "load") -> None:
        """Open ``path`` with only that file allowed through."""
        self.router.page_url = path.resolve().as_uri()
        self.page.goto(self.router.page_url, wait_until=wait_until)


def watch(page: Any, router: OfflineRouter) -> OfflinePage:
    """An :class:`OfflinePage` that records the page's errors, console errors and dialogs
    (dismissed)."""
    result = OfflinePage(page, router)
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
