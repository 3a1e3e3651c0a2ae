"""No GPL/AGPL in the runtime's dependency tree (scripts/check_licences.py, run here so CI
fails on one); the classifier reading is checked on canned metadata."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_licences.py"
_spec = importlib.util.spec_from_file_location("check_licences", SCRIPT)
assert _spec is not None and _spec.loader is not None
check_licences = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_licences)


class FakeDist:
    def __init__(self, version="1.0", **fields):
        self.version = version
        self.metadata = Message()
        for name, values in fields.items():
            for value in values if isinstance(values, list) else [values]:
                self.metadata[name.replace("_", "-")] = value


def test_the_installed_runtime_tree_has_no_gpl():
    run = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    assert "none GPL/AGPL" in run.stdout


def test_the_tree_follows_requirements_but_not_dev_tools():
    tree = check_licences.dependency_tree(check_licences.runtime_requirements())
    assert {"pluggy", "sqlalchemy", "fastapi", "starlette"} <= set(tree)  # starlette: via fastapi
    assert "pytest" not in tree and "ruff" not in tree
    assert "mrz" not in tree


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"License": "GPLv3"}, True),  # how mrz 0.6 declared itself
        ({"Classifier": "License :: OSI Approved :: GNU Affero General Public License v3"}, True),
        ({"License_Expression": "AGPL-3.0-or-later"}, True),
        ({"License": "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007"}, True),
        ({"License_Expression": "LGPL-3.0-only"}, False),  # psycopg: linked, allowed
        ({"Classifier": "License :: OSI Approved :: GNU Lesser General Public License v3"}, False),
        ({"License_Expression": "MIT OR GPL-2.0-or-later"}, False),  # a permissive choice
        (
            {
                "Classifier": [
                    "License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
                    "License :: OSI Approved :: MIT License",
                ]
            },
            False,
        ),
        ({"License": "Apache-2.0"}, False),
        ({}, False),
    ],
)
def test_gpl_and_agpl_are_found_in_metadata(fields, bad):
    found = check_licences.offenders({"pkg": FakeDist(**fields)})
    assert bool(found) is bad, found
