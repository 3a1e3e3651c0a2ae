"""The domain stays pure: no Kivy, SQL, pluggy or I/O modules imported by kiosk.domain."""

import ast
from pathlib import Path

FORBIDDEN = {
    "kivy",
    "sqlalchemy",
    "sqlite3",
    "pluggy",
    "serial",
    "escpos",
    "socket",
    "requests",
    "httpx",
    "subprocess",
    "threading",
    "os",
    "pathlib",
    "cv2",
    "kiosk.store",
    "kiosk.runtime",
    "kiosk.devices",
    "kiosk.ui",
    "kiosk.plugins",
}

DOMAIN = Path(__file__).resolve().parents[2] / "kiosk" / "domain"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_nothing_impure():
    offenders = {}
    for path in DOMAIN.glob("*.py"):
        bad = {n for n in _imports(path) if n in FORBIDDEN or n.split(".")[0] in FORBIDDEN}
        if bad:
            offenders[path.name] = bad
    assert offenders == {}
