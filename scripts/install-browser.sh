#!/usr/bin/env bash
# Installs what the browser tests need: Debian's Chromium. (The map pages inline their own
# libraries, so nothing is fetched from npm any more; the tests open them with every request
# refused.) Safe to run again: it skips what is already there. It never fails the build: a
# missing Chromium makes the browser tests skip with the reason.
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
