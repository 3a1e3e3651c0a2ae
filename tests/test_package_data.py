"""Static assets reach an installed (non-editable) kiosk or back office.

A store installs the wheel, not the source tree: a stylesheet or script that
``[tool.setuptools.package-data]`` does not name is missing there, and the page loads
without it. The hand-off console part's ``console.js`` was such a file (seen by building the
wheel); this keeps every future one named.
"""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
ASSETS = (".js", ".css", ".svg")


def _named(path: Path, package_data: dict[str, list[str]]) -> bool:
    """Whether a package-data entry covers the file (patterns relative to their package)."""
    for package, patterns in package_data.items():
        folders = (
            [p for p in path.relative_to(ROOT).parents if p != PurePosixPath(".")]
            if package == "*"
            else [Path(*package.split("."))]
        )
        for folder in folders:
            try:
                rel = PurePosixPath(path.relative_to(ROOT / folder).as_posix())
            except ValueError:
                continue
            if any(
                rel.match(pattern) and len(rel.parts) == len(PurePosixPath(pattern).parts)
                for pattern in patterns
            ):
                return True
    return False


def test_every_static_asset_is_named_in_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    assets = [
        path
        for top in ("kiosk", "plugins")
        for path in (ROOT / top).rglob("*")
        if path.suffix in ASSETS and "tests" not in path.relative_to(ROOT).parts
    ]
    assert assets, "no static assets found: the test looks in the wrong place"
    unnamed = [str(p.relative_to(ROOT)) for p in assets if not _named(p, package_data)]
    assert not unnamed, f"not in [tool.setuptools.package-data], so not installed: {unnamed}"
