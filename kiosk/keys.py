"""Where the kiosk's keys live: a key directory outside the data directory.

A key next to the database it protects travels with every copy of the data folder (a
backup, a support bundle, a disk swapped out). So keys live in the *key directory*:

1. ``$KIOSK_KEY_DIR`` if set (a systemd unit or the container sets it), else
2. ``[kiosk] key_dir`` in kiosk.toml (production: e.g. ``/etc/kiosk/keys``, root-owned or on
   another volume), else
3. ``<data_dir>-keys`` beside the data directory — the development default (``var`` →
   ``var-keys``), never inside it.

A key directory inside the data directory is a configuration error. A key an older version
left in the data directory is moved to the key directory the first time it is needed
(never copied and left behind, never replaced by a new one — that would orphan whatever it
encrypted). Directories are made 0700 and key files 0600.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

from kiosk.config import ConfigError

log = logging.getLogger(__name__)

ENV = "KIOSK_KEY_DIR"
_LABEL = re.compile(r"[a-z0-9_]+")


def key_dir(config: Any) -> Path:
    """The key directory for ``config`` (see the module docstring for the order)."""
    data = Path(config.data_dir)
    configured = os.environ.get(ENV) or getattr(config, "key_dir", None)
    path = Path(configured) if configured else data.parent / f"{data.name}-keys"
    resolved, data_resolved = path.resolve(), data.resolve()
    if resolved == data_resolved or data_resolved in resolved.parents:
        where = f"${ENV}" if os.environ.get(ENV) else "kiosk.key_dir"
        raise ConfigError(
            getattr(config, "source", "<config>"),
            where,
            f"{path} is inside the data directory {data}; a copy of the data folder would "
            "carry its keys: put keys elsewhere (e.g. /etc/kiosk/keys)",
        )
    return path


def ensure_dir(directory: Path) -> Path:
    """Make ``directory`` (0700) if it is missing; an existing one is left as its owner set it."""
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
        os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask
    return directory


def key_file(directory: Path, name: str, *, legacy_dir: Path | None = None) -> Path:
    """``<directory>/<name>.key``; one left in ``legacy_dir`` (the data directory) moves here."""
    path = directory / f"{name}.key"
    if legacy_dir is not None and not path.exists():
        old = Path(legacy_dir) / f"{name}.key"
        if old.is_file():
            ensure_dir(directory)
            shutil.copyfile(old, path)
            os.chmod(path, 0o600)
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
            old.unlink()
            log.warning("moved %s out of the data directory to %s", old, path)
    return path


def write_new_key(path: Path, data: bytes) -> None:
    """Create ``path`` (0600, never overwriting) holding ``data``."""
    ensure_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class PluginKeys:
    """A plugin's own keys: ``<key_dir>/<plugin>.key`` and ``<key_dir>/<plugin>.<label>.key``.

    The owner is fixed when the host makes this; a label is letters, digits and ``_``, so no
    name reaches another plugin's key (``read("loyalty")`` is ``<plugin>.loyalty.key``).
    """

    def __init__(self, directory: Path, owner: str) -> None:
        self.directory, self.owner = Path(directory), owner

    def path(self, label: str = "") -> Path:
        if label and not _LABEL.fullmatch(label):
            raise ValueError(f"key label {label!r}: use a-z, 0-9 and _ only")
        return self.directory / (f"{self.owner}.{label}.key" if label else f"{self.owner}.key")

    def read(self, label: str = "", *, create: bool = True, size: int = 32) -> bytes:
        """The key's bytes; a missing key is made (``size`` random bytes) unless ``create`` is false."""
        path = self.path(label)
        if not path.exists():
            if not create:
                raise FileNotFoundError(f"key {path} is missing: restore it from a safe copy")
            write_new_key(path, os.urandom(size))
            log.warning("created key %s for plugin %s; keep a safe copy", path, self.owner)
        return path.read_bytes()
