"""Which installed third-party plugins a store trusts: entry point, distribution, version, hash.

An entry-point name alone proves nothing: any installed distribution can declare
``example_pay`` in the ``kiosk.plugins`` group. So the store's allow-list names, for each
entry point, the distribution that must provide it and its exact version, and optionally
the SHA-256 of that distribution's ``RECORD`` file — the wheel's own list of every installed
file with its hash — in which case every listed file is checked against it too, so a file
changed after install is refused as well::

    [plugins]
    allow = [
      { entry_point = "example_pay", distribution = "kiosk-pay-example", version = "0.1.0" },
      { entry_point = "big_coupon", distribution = "acme-coupons", version = "2.3.1",
        record_sha256 = "9f2c…" },
    ]

``python -m kiosk.plugin_trust DISTRIBUTION`` prints the entry to paste for an installed
distribution (with its RECORD hash).
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

FIELDS = ("entry_point", "distribution", "version", "record_sha256")


class AllowListError(ValueError):
    """An allow-list entry that cannot be used; the message says which and why."""


def normalise(name: str) -> str:
    """PEP 503 name: ``Kiosk_Pay.Example`` and ``kiosk-pay-example`` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True, slots=True)
class AllowedPlugin:
    entry_point: str
    distribution: str
    version: str
    record_sha256: str = ""

    @classmethod
    def from_config(cls, value: Any, index: int) -> AllowedPlugin:
        where = f"allow[{index}]"
        if not isinstance(value, dict):
            raise AllowListError(
                f"{where}: write {{ entry_point = …, distribution = …, version = … }}; a bare "
                f"name ({value!r}) would let any distribution declaring it load"
            )
        unknown = sorted(set(value) - set(FIELDS))
        if unknown:
            raise AllowListError(f"{where}: unknown key(s) {unknown}; known: {list(FIELDS)}")
        for key in FIELDS[:3]:
            if not isinstance(value.get(key), str) or not value[key].strip():
                raise AllowListError(f"{where}.{key}: required, a non-empty string")
        digest = value.get("record_sha256", "")
        if not isinstance(digest, str) or (digest and not re.fullmatch(r"[0-9a-f]{64}", digest)):
            raise AllowListError(f"{where}.record_sha256: 64 lower-case hex digits")
        return cls(value["entry_point"], value["distribution"], value["version"], digest)

    def refusal(self, dist: Distribution | None) -> str | None:
        """Why ``dist`` may not provide this entry point, or None when it may."""
        if dist is None:
            return f"entry point {self.entry_point!r} comes from no known distribution"
        name, version = dist.metadata["Name"] or "?", dist.version
        if normalise(name) != normalise(self.distribution) or version != self.version:
            return (
                f"entry point {self.entry_point!r} is declared by {name} {version}; "
                f"the allow-list trusts only {self.distribution} {self.version}"
            )
        if self.record_sha256:
            return _record_problem(dist, self.record_sha256)
        return None


def parse_allow_list(values: Iterable[Any]) -> tuple[AllowedPlugin, ...]:
    entries = tuple(AllowedPlugin.from_config(v, i) for i, v in enumerate(values))
    names = [e.entry_point for e in entries]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise AllowListError(f"entry point(s) {twice} listed more than once")
    return entries


def record_sha256(dist: Distribution) -> str:
    record = dist.read_text("RECORD")
    if record is None:
        raise AllowListError(f"{dist.metadata['Name']} has no RECORD file (not installed by pip?)")
    return hashlib.sha256(record.encode("utf-8")).hexdigest()


def _record_problem(dist: Distribution, expected: str) -> str | None:
    name = f"{dist.metadata['Name']} {dist.version}"
    try:
        found = record_sha256(dist)
    except AllowListError as exc:
        return str(exc)
    if found != expected:
        return f"{name}: RECORD hash {found[:12]}… is not the pinned {expected[:12]}…"
    for file in dist.files or ():
        if file.hash is None:  # RECORD itself and files written after install (.pyc)
            continue
        if file.hash.mode != "sha256":
            return f"{name}: {file} is hashed with {file.hash.mode}, not sha256"
        try:
            data = Path(str(file.locate())).read_bytes()
        except OSError:
            return f"{name}: {file} is listed in RECORD but cannot be read"
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if digest != file.hash.value:
            return f"{name}: {file} was changed after install"
    return None


def allow_entry(dist_name: str) -> list[str]:
    """The allow-list lines (TOML inline tables) for an installed distribution."""
    dist = distribution(dist_name)
    digest = record_sha256(dist)
    return [
        f'{{ entry_point = "{ep.name}", distribution = "{dist.metadata["Name"]}", '
        f'version = "{dist.version}", record_sha256 = "{digest}" }},'
        for ep in dist.entry_points
        if ep.group == "kiosk.plugins"
    ]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kiosk.plugin_trust DISTRIBUTION", file=sys.stderr)
        return 2
    try:
        lines = allow_entry(args[0])
    except (PackageNotFoundError, AllowListError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not lines:
        print(f"error: {args[0]} declares no kiosk.plugins entry point", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
