#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the whole test suite.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/domain -x).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
bash scripts/setup-venv.sh
bash scripts/ensure-postgres.sh

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .    # formatting is part of the check: run `ruff format .` before committing
echo "== pytest"
# Kivy tests open real windows: give them a virtual screen with 24-bit colour.
exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m pytest "$@"
