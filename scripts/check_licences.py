#!/usr/bin/env python3
"""Fail when a runtime dependency of the kiosk is GPL or AGPL licensed.

The runtime is Apache-2.0 and vendors ship closed plugins into it, so nothing in its
dependency tree may be GPL/AGPL (LGPL is fine: it is linked, not copied). The tree is the
``[project] dependencies`` of pyproject.toml and, recursively, what each installed
distribution requires (extras and dev tools are not followed, environment markers are).
A distribution's licence is read from its metadata: ``License-Expression`` (SPDX), ``License``
and the ``License ::`` classifiers. A dual licence with a permissive choice passes.

Usage: ``python scripts/check_licences.py`` (exit 1 and one line per offender). The test
suite runs it (tests/test_licences.py).
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# GPL or AGPL, not LGPL ("GNU Lesser/Library General Public License" is allowed)
_COPYLEFT = re.compile(
    r"(?<![A-Z])A?GPL|GNU (Affero )?General Public License|Affero", re.IGNORECASE
)
_LESSER = re.compile(r"LGPL|Lesser|Library General Public", re.IGNORECASE)


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[Requirement]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [Requirement(text) for text in data["project"]["dependencies"]]


def dependency_tree(roots: list[Requirement]) -> dict[str, metadata.Distribution]:
    """Every installed distribution the roots need, by canonical name (markers evaluated)."""
    found: dict[str, metadata.Distribution] = {}
    pending = [r for r in roots if r.marker is None or r.marker.evaluate({"extra": ""})]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            continue  # not installed here (a platform-only dependency): nothing to read
        found[name] = dist
        for text in dist.requires or ():
            child = Requirement(text)
            if child.marker is None or child.marker.evaluate({"extra": ""}):
                pending.append(child)
    return found


def licence_texts(dist: metadata.Distribution) -> list[str]:
    """The licence statements of one distribution (the first line of ``License``: some put
    the whole licence text there)."""
    meta = dist.metadata
    texts = [meta.get("License-Expression") or "", (meta.get("License") or "").strip()]
    texts = [t.splitlines()[0] for t in texts if t]
    return texts + [c for c in meta.get_all("Classifier") or () if c.startswith("License ::")]


def is_copyleft(text: str) -> bool:
    """GPL/AGPL named in one licence statement (an SPDX ``OR`` with a permissive choice,
    or LGPL, is not)."""
    choices = re.split(r"\s+OR\s+|\s+or\s+", text)
    return all(_COPYLEFT.search(c) and not _LESSER.search(c) for c in choices)


def offenders(tree: dict[str, metadata.Distribution]) -> list[str]:
    found = []
    for name, dist in sorted(tree.items()):
        texts = licence_texts(dist)
        copyleft = [t for t in texts if is_copyleft(t)]
        permissive = [t for t in texts if not is_copyleft(t) and "License ::" in t]
        if copyleft and not permissive:
            found.append(f"{name} {dist.version}: {copyleft[0]}")
    return found


def main() -> int:
    tree = dependency_tree(runtime_requirements())
    bad = offenders(tree)
    for line in bad:
        print(f"check_licences: GPL/AGPL in the runtime: {line}", file=sys.stderr)
    if not bad:
        print(f"check_licences: {len(tree)} runtime distributions, none GPL/AGPL")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
