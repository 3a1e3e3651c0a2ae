"""The import contracts of pyproject.toml ([tool.importlinter]) hold: imports point down the
layers, and the core imports no plugin (no exception: the built-ins are in their folders)."""

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


def test_the_core_imports_no_plugin_without_exception():
    """GIVEN the contracts THEN the core-imports-no-plugin contract lists no exception (every
    built-in is in its plugin folder, reached through hooks), and the layers contract keeps
    only the [ui] settings one."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (forbidden,) = [c for c in contracts if c.get("forbidden_modules") == ["plugins"]]
    (layers,) = [c for c in contracts if c["type"] == "layers"]
    assert forbidden["source_modules"] == ["kiosk"] and forbidden["forbidden_modules"] == [
        "plugins"
    ]
    assert forbidden.get("ignore_imports", []) == []
    assert layers.get("ignore_imports", []) == ["kiosk.config -> kiosk.ui.settings"]
