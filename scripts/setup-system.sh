#!/usr/bin/env bash
# Installs the Debian packages the kiosk, its tests and its demo need.
# Idempotent: it asks apt only for what is missing, so a second run is quick.
set -euo pipefail

packages=(
  python3-venv python3-pip            # the project's virtualenv
  xvfb xauth x11-utils                # a virtual screen for the Kivy shell and its tests
  xdotool                             # journey tests press the kiosk through X, as a person would
  mesa-utils                          # glxinfo -B: which GL renderer the shell and its benchmark get
  libgl1 libgl1-mesa-dri libegl1 libgles2 libmtdev1  # Kivy's OpenGL and touch input
  fonts-noto-cjk                      # Japanese, Chinese and Korean glyphs on screen and receipts
  libzbar0                            # pyzbar's decoder library
  sqlite3                             # inspecting the local store by hand
  postgresql                          # the back office's scale path (tests run against it)
  chromium                            # headless browser for the console end-to-end tests (playwright)
  libatomic1                          # Playwright's bundled node driver links against it
  tzdata                              # store time zones ([store] time_zone, zoneinfo)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-system: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup-system: Debian packages already installed"
fi
