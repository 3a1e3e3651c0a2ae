#!/usr/bin/env bash
# Writes every screenshot under docs/screenshots/ (docs/screenshots.md lists them and
# what each must show): every screen in the four languages (default theme), the store-branded
# and high-contrast themes in Japanese, the payment-waiting, weigh, plugin (tax-free, member)
# and semi-self screens, then the back-office pages and the attendant console. PYTHON overrides
# the interpreter (default: the repo's .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
export KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1
PYTHON=${PYTHON:-.venv/bin/python}
shots() { xvfb-run -a -s "-screen 0 1280x800x24" "$PYTHON" -m "$@"; }
shots kiosk.ui.screenshots --theme default
shots kiosk.ui.screenshots_payment
shots kiosk.ui.screenshots --theme sakura-mart --languages ja en
shots kiosk.ui.screenshots --theme high-contrast --languages ja --large-text
shots kiosk.ui.screenshots_weigh
shots kiosk.ui.screenshots_sync
shots kiosk.ui.screenshots_formal_receipt
shots kiosk.ui.screenshots_formal_receipt --large-text --languages ja
shots kiosk.ui.screenshots_plugins
shots plugins.handoff.ui.screenshots
# the back office (a real server on a temporary database, Chromium) and the attendant console
# (live kiosks reporting to it: the e2e test writes console-*.png when asked), all on the
# store's clock so the browser's times and the server's agree
"$PYTHON" scripts/screenshots_backoffice.py
TZ=Asia/Tokyo KIOSK_SCREENSHOTS=1 PYTHONPATH=. shots pytest -q -p no:cacheprovider \
    tests/e2e/test_semi_self_console.py::test_function_semi_self_sale_live_on_the_console
