#!/usr/bin/env bash
# System packages the tests need beyond Python: Debian's Chromium for the real-browser dashboard test
# (Playwright drives it; Playwright's own browser download is not used).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser test ..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "error: the dashboard's browser test needs Chromium: run 'sudo apt-get install chromium'" >&2
  exit 1
fi
