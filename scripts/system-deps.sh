#!/usr/bin/env bash
# System packages the tests need beyond Python: Debian's Chromium for the real-browser tests (Playwright
# drives it; Playwright's own browser download is not used) and Noto fonts so Urdu renders in screenshots.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} for the browser tests ..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "error: the browser tests need: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
