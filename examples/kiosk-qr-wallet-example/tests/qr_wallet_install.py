"""Install the example for its tests, in-process, as pip would for discovery.

The real install is ``pip install -e examples/kiosk-qr-wallet-example`` (scripts/setup-venv.sh
does it for every example). Where the example is not installed — a shared environment nobody
may pip-install into — :func:`installed` does in-process what matters to the kiosk: it puts the
example's folder on ``sys.path`` and writes a ``.dist-info`` (``METADATA`` and
``entry_points.txt``, generated from the example's own ``pyproject.toml``) into a temporary
directory also on ``sys.path``. ``importlib.metadata`` then finds the ``example_qr_wallet``
entry point declared by ``kiosk-qr-wallet-example 0.1.0``: the kiosk's own discovery and
allow-list check run unchanged. Both path entries are removed when the ``with`` ends.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@contextmanager
def installed() -> Iterator[metadata.Distribution]:
    """The example's distribution, installed for the duration (really, or in-process)."""
    try:
        yield metadata.distribution(PROJECT["name"])  # pip-installed: nothing to do
        return
    except metadata.PackageNotFoundError:
        pass
    with tempfile.TemporaryDirectory(prefix="kiosk-example-") as site:
        info = Path(site) / f"{PROJECT['name'].replace('-', '_')}-{PROJECT['version']}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {PROJECT['name']}\nVersion: {PROJECT['version']}\n",
            encoding="utf-8",
        )
        lines = [
            f"[{group}]\n" + "".join(f"{name} = {target}\n" for name, target in points.items())
            for group, points in PROJECT["entry-points"].items()
        ]
        (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
        added = [str(EXAMPLE), site]
        sys.path[:0] = added
        importlib.invalidate_caches()
        try:
            yield metadata.distribution(PROJECT["name"])
        finally:
            for entry in added:
                sys.path.remove(entry)
            importlib.invalidate_caches()
