#!/usr/bin/env bash
# Takes a PNG screenshot of a page with headless Chromium, for looking at the browse UI (docs/BROWSE.md).
# Usage: scripts/screenshot.sh URL OUT.png [WIDTHxHEIGHT]   (default 1280x900; needs Debian's `chromium`)
set -euo pipefail

if [ "$#" -lt 2 ]; then
    echo "usage: $0 URL OUT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi
url="$1"
out="$2"
size="${3:-1280x900}"
chromium="${CHROMIUM:-chromium}"
command -v "$chromium" >/dev/null 2>&1 || { echo "screenshot: $chromium not found (apt-get install chromium)" >&2; exit 1; }

# A throwaway profile: nothing is read from or left in the user's own.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
"$chromium" --headless --disable-gpu --no-sandbox --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" --window-size="${size/x/,}" --screenshot="$out" "$url" 2>/dev/null
[ -s "$out" ] || { echo "screenshot: chromium wrote nothing to $out" >&2; exit 1; }
echo "wrote $out"
