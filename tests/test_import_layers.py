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


def _imported_modules(path: Path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)  # and ``from kiosk import store`` names kiosk.store
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_test(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return "tests" in parts or path.name.startswith("test_") or path.name == "conftest.py"


def test_plugins_reach_the_store_only_through_the_runtime():
    """GIVEN the plugins contract THEN its only exceptions are plugin tests (which look at the
    outbox and journal the runtime wrote), and no module of a built-in plugin or of a
    third-party example under examples/ (not in import-linter's root packages) imports
    kiosk.store: their rows, events and journal lines go through runtime.unit_of_work()."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (plugins,) = [
        c
        for c in contracts
        if c.get("source_modules") == ["plugins"] and "kiosk.store" in c["forbidden_modules"]
    ]
    assert plugins["forbidden_modules"] == ["kiosk.store"]
    for ignored in plugins.get("ignore_imports", []):
        importer = ignored.split(" -> ")[0]
        assert ".tests." in importer or importer.rsplit(".", 1)[-1].startswith("test_"), ignored
    offenders = []
    for root in (ROOT / "plugins", ROOT / "examples"):
        for path in sorted(root.rglob("*.py")):
            if _is_test(path, root):
                continue
            store = {m for m in _imported_modules(path) if m.split(".")[:2] == ["kiosk", "store"]}
            offenders += [f"{path.relative_to(ROOT)} imports {m}" for m in sorted(store)]
    assert offenders == []


PLUGIN_API = "kiosk.backoffice.plugin_api"


def _backoffice_internals(modules: set[str]) -> list[str]:
    """The ``kiosk.backoffice`` modules among ``modules`` other than the plugin API (and
    the names imported from it, which ``_imported_modules`` lists as ``plugin_api.<name>``)."""
    return sorted(
        m
        for m in modules
        if m.split(".")[:2] == ["kiosk", "backoffice"]
        and m != "kiosk.backoffice"  # ``from kiosk.backoffice import x`` names x too
        and not (m == PLUGIN_API or m.startswith(PLUGIN_API + "."))
    )


def _backoffice_offenders(roots: list[Path]) -> list[str]:
    offenders = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if _is_test(path, root):
                continue
            offenders += [
                f"{path.relative_to(root.parent)} imports {m}"
                for m in _backoffice_internals(_imported_modules(path))
            ]
    return offenders


def test_plugins_reach_the_back_office_only_through_its_plugin_api():
    """GIVEN the back-office contract THEN its exceptions are the plugin API itself and plugin
    tests, and no module of a built-in plugin or of an example under examples/ imports any
    kiosk.backoffice module but kiosk.backoffice.plugin_api (at module level or inside a
    hook function)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (backoffice,) = [
        c
        for c in contracts
        if c.get("source_modules") == ["plugins"] and c["forbidden_modules"] == ["kiosk.backoffice"]
    ]
    for ignored in backoffice.get("ignore_imports", []):
        importer, imported = ignored.split(" -> ")
        assert imported == PLUGIN_API or ".tests." in importer, ignored
    assert _backoffice_offenders([ROOT / "plugins", ROOT / "examples"]) == []


def test_the_back_office_check_catches_a_planted_import(tmp_path: Path):
    """GIVEN a plugin module that imports a back-office model directly (inside a function, as
    hook implementations do), another that imports the API AND a test that imports deeper
    THEN only the first is reported."""
    plugin = tmp_path / "plugins" / "vendor"
    (plugin / "backoffice").mkdir(parents=True)
    (plugin / "tests").mkdir()
    (plugin / "backoffice" / "bad.py").write_text(
        "def handler():\n    from kiosk.backoffice.sales.models import SaleRow\n",
        encoding="utf-8",
    )
    (plugin / "backoffice" / "good.py").write_text(
        "from kiosk.backoffice.plugin_api import Base, Sales\nimport kiosk.backoffice.plugin_api\n",
        encoding="utf-8",
    )
    (plugin / "tests" / "test_it.py").write_text(
        "from kiosk.backoffice.audit.models import AuditRow\n", encoding="utf-8"
    )
    assert _backoffice_offenders([tmp_path / "plugins"]) == [
        "plugins/vendor/backoffice/bad.py imports kiosk.backoffice.sales.models",
        "plugins/vendor/backoffice/bad.py imports kiosk.backoffice.sales.models.SaleRow",
    ]
