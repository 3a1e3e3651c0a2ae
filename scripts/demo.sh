#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the kiosk demo: the embedded
# SQLite store and simulated devices. With a screen it opens the touch UI; without one
# (a server, ssh) it runs the narrated checkout in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
bash scripts/setup-venv.sh

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/kiosk --data-dir var/demo demo "$@"
fi
echo "No screen here (DISPLAY is not set): running the narrated demo instead of the touch UI."
exec .venv/bin/kiosk --data-dir var/demo demo --narrated "$@"
