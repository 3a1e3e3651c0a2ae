#!/usr/bin/env bash
# Writes docs/screenshots/<lang>-<nn>-<screen>.png for every screen in the four languages
# (default theme), plus the store-branded and high-contrast themes in Japanese.
set -euo pipefail
cd "$(dirname "$0")/.."
export KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1
run() { xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m kiosk.ui.screenshots "$@"; }
run --theme default
xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m kiosk.ui.screenshots_payment
run --theme sakura-mart --languages ja en
run --theme high-contrast --languages ja --large-text
xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m kiosk.ui.screenshots_weigh
