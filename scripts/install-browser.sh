#!/usr/bin/env bash
# Installs what the browser tests need: Debian's Chromium, and the JavaScript/CSS libraries that
# Folium loads from CDNs (served locally by the tests, since the machines have no internet).
# Safe to run again: it skips what is already there. It never fails the build: whatever cannot be
# installed makes the browser tests skip with the reason.
# (`npx playwright install` cannot work here: no browser downloads. The tests drive Debian's
# /usr/bin/chromium through Playwright's Python package, which `pip install -e ".[test]"` installs.)
set -euo pipefail
cd "$(dirname "$0")/.."

warn() { echo "install-browser: $*; browser tests will skip" >&2; }

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
        (apt-get update -qq && apt_install chromium) || warn "apt-get could not install chromium"
    else
        warn "chromium is missing and this is not root"
    fi
fi

if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        (apt-get update -qq && apt_install nodejs npm) || warn "apt-get could not install npm"
    else
        warn "npm is missing and this is not root"
    fi
fi

# Leaflet, jQuery, Bootstrap, Font Awesome and the Leaflet plugins, pinned to the versions Folium
# references, into tests/.browser-assets (git-ignored). The list lives in tests/browser_support.py.
if command -v npm >/dev/null 2>&1; then
    python3 tests/browser_support.py --install || warn "npm assets could not be installed"
fi
