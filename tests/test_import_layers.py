"""The import contracts of pyproject.toml ([tool.importlinter]) hold: imports point down the
layers, and the core imports no plugin except the exceptions listed there with a reason."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept():
    """GIVEN the source tree WHEN import-linter checks the contracts THEN none is broken."""
    # In its own process: import-linter configures logging with dictConfig, which disables
    # every logger already created (later tests that read kiosk's log then see nothing).
    check = "import sys; from importlinter import cli; sys.exit(cli.lint_imports(config_filename='pyproject.toml', no_cache=True))"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_tax_free_and_handoff_reach_the_core_backoffice_only_through_hooks():
    """GIVEN the listed exceptions THEN none lets kiosk.backoffice import tax-free or hand-off,
    or the kiosk's screens import tax-free: those moves are done."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (forbidden,) = [c for c in contracts if c["name"].startswith("The core imports no plugin")]
    exceptions = forbidden["ignore_imports"]
    assert not [e for e in exceptions if "plugins.tax_free" in e and "kiosk.cli" not in e]
    assert not [e for e in exceptions if e.startswith("kiosk.backoffice") and "handoff" in e]
    assert os.sep not in "".join(exceptions)
