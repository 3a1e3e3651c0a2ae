"""The example is loaded as a store loads a vendor's plugin: by its entry point, from its
installed distribution, only because the allow-list names it.

``scripts/setup-venv.sh`` installs it (``pip install -e examples/kiosk-feedback-example``).
Where it is not installed, :func:`installed` makes the same entry point visible in process:
a ``.dist-info`` written from this folder's pyproject.toml, put on ``sys.path`` with the
package — importlib.metadata then finds it exactly as it finds an installed one.
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

from kiosk.plugin_trust import AllowedPlugin

HERE = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
NAME, VERSION = PROJECT["name"], PROJECT["version"]
((ENTRY_POINT, TARGET),) = PROJECT["entry-points"]["kiosk.plugins"].items()
ALLOWED = AllowedPlugin(ENTRY_POINT, NAME, VERSION)


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> AllowedPlugin:
    """The allow-list entry for the example, its entry point visible either way."""
    try:
        distribution(NAME)
    except PackageNotFoundError:
        site = tmp_path_factory.mktemp("site")
        info = site / f"{NAME.replace('-', '_')}-{VERSION}.dist-info"
        info.mkdir()
        info.joinpath("METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n", encoding="utf-8"
        )
        info.joinpath("entry_points.txt").write_text(
            f"[kiosk.plugins]\n{ENTRY_POINT} = {TARGET}\n", encoding="utf-8"
        )
        sys.path[:0] = [str(site), str(HERE)]
    return ALLOWED
