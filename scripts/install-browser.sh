#!/usr/bin/env bash
# Installs what the browser tests need: Debian's Chromium, and the JavaScript/CSS libraries that
# Folium loads from CDNs (served locally by the tests, since the machines have no internet).
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "install-browser: chromium is missing and this is not root; browser tests will skip" >&2
    fi
fi
