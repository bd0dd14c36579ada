#!/usr/bin/env bash
# Installs what the browser tests (tests/browser) need; idempotent, does nothing when all is there:
#   - Debian's Chromium at /usr/bin/chromium and CJK fonts for the Chinese pages (apt-get;
#     Playwright's own browser download is never used); poppler (pdftoppm, with its CJK maps) and
#     zbar (zbarimg) to render the credit-report PDF and read its QR code back (tests/integration)
#   - the pinned Playwright and axe-playwright-python of requirements-browser.txt in the project's .venv
# Usage, from anywhere: bash tests/browser/ensure_browser.sh   (VENV=… to use another venv)
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
for pkg in fonts-noto-cjk poppler-utils poppler-data zbar-tools; do   # poppler/zbar: the credit-report PDF test
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || packages+=("$pkg")
done
if [ "${#packages[@]}" -gt 0 ]; then
    echo "ensure_browser: apt-get install ${packages[*]}" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if [ ! -x "$PY" ]; then
    echo "ensure_browser: $PY not found; run 'make venv' first" >&2
    exit 1
fi
# Every pin of requirements-browser.txt (playwright, axe-playwright-python) at its pinned version.
missing=""
while read -r pkg want; do
    have="$("$PY" -c "import importlib.metadata as m; print(m.version('$pkg'))" 2>/dev/null || true)"
    [ "$have" = "$want" ] || missing="$missing $pkg==$want"
done < <(sed -n 's/^\([A-Za-z0-9_.-]*\)==\([^[:space:]]*\).*/\1 \2/p' requirements-browser.txt)
if [ -n "$missing" ]; then
    echo "ensure_browser: pip install$missing into $VENV" >&2
    "$PY" -m pip install --quiet -r requirements-browser.txt
fi
