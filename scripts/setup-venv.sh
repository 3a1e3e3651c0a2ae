#!/usr/bin/env bash
# Creates .venv and installs the project with its test tools. Re-runs only when
# pyproject.toml (or this script) changed since the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=.venv/.installed
want=$(cat pyproject.toml scripts/setup-venv.sh examples/*/pyproject.toml 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup-venv: .venv is up to date"
  exit 0
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
echo "setup-venv: installing the kiosk and its dependencies (a few minutes the first time)"
.venv/bin/python -m pip install -q -e '.[dev]'
for example in examples/*/; do
  [ -f "$example/pyproject.toml" ] && .venv/bin/python -m pip install -q -e "$example"
done
echo "$want" > "$stamp"
