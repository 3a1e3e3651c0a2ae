"""`kiosk run` logs warnings and errors once each (docs/operations.md); `-v` adds DEBUG.

GIVEN the kiosk's logging set up as `kiosk` does WHEN Kivy is imported and logs THEN
without -v none of Kivy's start-up INFO lines (version, GL, window provider…) reach the log,
its warnings do; with -v its INFO lines are there.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from kiosk.cli import configure_logging
configure_logging(sys.argv[1] == "verbose")
from kivy.logger import Logger
Logger.info("Probe: an info line")
Logger.warning("Probe: a warning line")
"""


def _kivy_log(mode: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCFG_", "KIVY_LOG"))}
    env["KIVY_NO_ARGS"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stderr


def test_kivy_start_up_info_lines_stay_out_of_the_log_without_v():
    log = _kivy_log("quiet")
    assert "Probe: a warning line" in log
    assert "INFO" not in log, log


def test_with_v_kivy_info_lines_are_logged():
    log = _kivy_log("verbose")
    assert "INFO kivy: Probe: an info line" in log
