"""Helpers for tests that open generated HTML in headless Chromium (Playwright, no internet).

Reusable by any browser test (maps, the printable route sheet):

- :func:`chromium_path` / :func:`launch_chromium`: Debian's ``/usr/bin/chromium`` with the flags
  that keep it from trying to reach the network.
- :func:`ensure_npm_assets`: installs the JavaScript/CSS libraries Folium loads from CDNs into
  ``tests/.browser-assets`` (git-ignored) with ``npm install``, once.
- :class:`OfflineRouter`: routes every CDN request of a page to those local files, answers map
  tile requests with a blank PNG tile, and aborts (and records) anything else.

Run ``python tests/browser_support.py --install`` to fill the asset cache ahead of time
(``scripts/install-browser.sh`` does).
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
import struct
import subprocess
import sys
import zlib
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

#: The npm packages behind Folium 0.20's CDN URLs (and the plugins planner.maps uses), pinned to
#: the versions Folium references. leaflet.awesome-markers 2.0.2 is not on npm; 2.0.4 has the same
#: files.
NPM_PACKAGES: dict[str, str] = {
    "leaflet": "1.9.3",
    "jquery": "3.7.1",
    "bootstrap": "5.2.2",
    "leaflet.awesome-markers": "2.0.4",
    "@fortawesome/fontawesome-free": "6.2.0",
    "leaflet.fullscreen": "3.0.0",
    "leaflet.locatecontrol": "0.66.2",
    "leaflet-textpath": "1.2.3",
}

#: CDN URL prefixes whose files live somewhere else in the npm package: prefix -> package folder.
_PREFIXES: dict[str, str] = {
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/": (
        "leaflet.awesome-markers/dist/"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-locatecontrol/0.66.2/": (
        "leaflet.locatecontrol/dist/"
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
}

#: Stylesheets Folium links that no map of ours needs (Bootstrap 3 glyphicons, a rotation
#: helper): answered with an empty stylesheet.
_EMPTY_CSS = (
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
)

_TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com", "tile.opentopomap.org")


class AssetsUnavailable(RuntimeError):
    """The npm registry could not be reached (or npm is missing)."""


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


def _installed(node_modules: Path) -> bool:
    for name, version in NPM_PACKAGES.items():
        manifest = node_modules / name / "package.json"
        if not manifest.exists():
            return False
        if json.loads(manifest.read_text(encoding="utf-8")).get("version") != version:
            return False
    return True


def ensure_npm_assets(root: Path = ASSETS_DIR, *, timeout_s: float = 300) -> Path:
    """Install :data:`NPM_PACKAGES` under ``root`` (once) and return its ``node_modules``.

    Raises
    ------
    AssetsUnavailable
        If npm is missing or the registry cannot be reached.
    """
    node_modules = root / "node_modules"
    if _installed(node_modules):
        return node_modules
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsUnavailable("npm is not installed")
    root.mkdir(parents=True, exist_ok=True)
    manifest = root / "package.json"
    if not manifest.exists():
        manifest.write_text('{"name": "planner-browser-assets", "private": true}\n')
    specs = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
    cmd = [npm, "install", "--prefix", str(root), "--no-audit", "--no-fund", "--ignore-scripts"]
    try:
        done = subprocess.run(
            [*cmd, *specs], capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise AssetsUnavailable(f"npm install timed out after {timeout_s:.0f} s") from exc
    if done.returncode != 0 or not _installed(node_modules):
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise AssetsUnavailable("npm install failed: " + " | ".join(tail))
    return node_modules


def blank_tile_png(size: int = 256, rgb: tuple[int, int, int] = (234, 234, 228)) -> bytes:
    """A plain PNG map tile (light grey), built without any image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * size, 9))
        + chunk(b"IEND", b"")
    )


def _folium_templates() -> Path:
    import folium  # only to find its bundled copies of plugin scripts

    return Path(folium.__file__).parent / "templates"


def local_file_for(url: str, node_modules: Path) -> Path | None:
    """The local copy of a CDN URL, or None when there is none."""
    clean = url.split("?", 1)[0].split("#", 1)[0]
    for prefix, target in _PREFIXES.items():
        if clean.startswith(prefix):
            return node_modules / (target + clean[len(prefix) :])
    parts = urlsplit(clean)
    if parts.netloc == "cdn.jsdelivr.net" and parts.path.startswith("/gh/python-visualization/"):
        return _folium_templates() / Path(parts.path).name
    if parts.netloc == "cdn.jsdelivr.net" and parts.path.startswith("/npm/"):
        rest = parts.path[len("/npm/") :]
        scope = ""
        if rest.startswith("@"):
            scope, rest = rest.split("/", 1)
            scope += "/"
        name_version, _, inner = rest.partition("/")
        name = name_version.rsplit("@", 1)[0] if "@" in name_version else name_version
        candidate = node_modules / (scope + name) / inner
        if not candidate.exists() and candidate.name.endswith(".min.js"):
            # jsDelivr minifies on the fly; the package ships the plain file.
            plain = candidate.with_name(candidate.name[: -len(".min.js")] + ".js")
            if plain.exists():
                return plain
        if not candidate.exists() and candidate.name.endswith(".min.css"):
            plain = candidate.with_name(candidate.name[: -len(".min.css")] + ".css")
            if plain.exists():
                return plain
        return candidate
    return None


@dataclass
class OfflineRouter:
    """Answers every request of a Playwright context without the internet.

    Attributes
    ----------
    served
        CDN URLs answered from local files.
    tiles
        Number of tile requests answered with the blank tile.
    refused
        URLs nobody could answer (aborted): a test should assert this stays empty.
    """

    node_modules: Path
    served: list[str] = field(default_factory=list)
    tiles: int = 0
    refused: list[str] = field(default_factory=list)
    _tile: bytes = field(default_factory=blank_tile_png, repr=False)

    def attach(self, context: Any) -> OfflineRouter:
        context.route("**/*", self._handle)
        return self

    def _handle(self, route: Any) -> None:
        url: str = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("file", "data", "blob", "about"):
            route.continue_()
            return
        if any(parts.netloc.endswith(host) for host in _TILE_HOSTS):
            self.tiles += 1
            route.fulfill(status=200, content_type="image/png", body=self._tile)
            return
        if url.split("?", 1)[0] in _EMPTY_CSS:
            self.served.append(url)
            route.fulfill(status=200, content_type="text/css", body="/* not needed offline */")
            return
        local = local_file_for(url, self.node_modules)
        if local is not None and local.is_file():
            self.served.append(url)
            kind = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
            if local.suffix == ".woff2":
                kind = "font/woff2"
            route.fulfill(
                status=200,
                content_type=kind,
                body=local.read_bytes(),
                headers={"Access-Control-Allow-Origin": "*"},
            )
            return
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


if __name__ == "__main__":  # pragma: no cover - used by scripts/install-browser.sh
    if "--install" in sys.argv:
        try:
            where = ensure_npm_assets()
        except AssetsUnavailable as exc:
            print(f"browser assets: {exc}; browser tests will skip", file=sys.stderr)
            sys.exit(0)
        print(f"browser assets ready in {where}")
