"""Staff accounts (係員), PIN checks with lock-out, and the audit of every unlock.

Accounts come from the store configuration's ``[staff]`` table, e.g.::

    [staff]
    lockout_attempts = 5
    lockout_seconds = 300
    [staff.accounts.S001]
    name = "山田"
    role = "attendant"
    pin_hash = "scrypt$<salt hex>$<hash hex>"   # kiosk staff-hash-pin 1234 (see docs/ui.md)

Without it a demo set is used (S001 / PIN 1234 attendant, M001 / 9999 manager). PINs are
only ever stored as scrypt hashes; comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class Role(IntEnum):
    """Higher roles may do everything lower ones may."""

    ATTENDANT = 1  # 係員: age checks, removals, help, suspend
    MANAGER = 2  # 店長: also leave kiosk mode, device faults

    @classmethod
    def parse(cls, text: str) -> Role:
        return cls[text.strip().upper()]


class StaffLocked(RuntimeError):
    """Too many wrong PINs: the PIN pad is locked until ``until`` (monotonic seconds)."""

    def __init__(self, until: float) -> None:
        super().__init__("too many wrong PINs; wait, then try again")
        self.until = until


class WrongPin(ValueError):
    """The staff id or PIN is wrong (deliberately not saying which)."""

    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"wrong staff id or PIN ({attempts_left} tries left)")
        self.attempts_left = attempts_left


class NotAllowed(PermissionError):
    """The PIN is right but the role is too low for this action."""


@dataclass(frozen=True, slots=True)
class StaffAccount:
    staff_id: str
    name: str
    role: Role
    pin_hash: str


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def pin_hash_problem(pin_hash: str) -> str:
    """What is wrong with ``pin_hash`` as ``kiosk staff-pin`` writes it, or ''. Never shows
    the value: a PIN typed here in clear must not reach a log."""
    scheme, _, rest = pin_hash.partition("$")
    salt_hex, _, digest_hex = rest.partition("$")
    try:
        sound = (
            scheme == "scrypt"
            and bool(bytes.fromhex(salt_hex))
            and len(digest_hex) == 2 * _SCRYPT["dklen"]
        )
        bytes.fromhex(digest_hex)
    except ValueError:
        sound = False
    if sound:
        return ""
    return 'not a PIN hash: write the line `kiosk staff-pin` prints (pin_hash = "scrypt$…")'


def verify_pin(pin: str, pin_hash: str) -> bool:
    if pin_hash_problem(pin_hash):
        return False  # a PIN typed in clear, or a damaged hash, lets nobody in
    _scheme, salt_hex, digest_hex = pin_hash.split("$")
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def demo_accounts() -> list[StaffAccount]:
    salt = b"kiosk-demo-salt!"  # fixed so start-up stays fast; demo only
    return [
        StaffAccount("S001", "係員 S001", Role.ATTENDANT, hash_pin("1234", salt)),
        StaffAccount("M001", "店長 M001", Role.MANAGER, hash_pin("9999", salt)),
    ]


class StaffRegistry:
    """Checks PINs, locks after ``lockout_attempts`` wrong ones, and audits unlocks."""

    def __init__(
        self,
        accounts: list[StaffAccount],
        lockout_attempts: int = 5,
        lockout_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.accounts = {a.staff_id.upper(): a for a in accounts}
        self.lockout_attempts = lockout_attempts
        self.lockout_seconds = lockout_seconds
        self.clock = clock
        self.failures = 0
        self.locked_until = 0.0
        self._save: Callable[[dict[str, float]], None] | None = None
        self._wall: Callable[[], float] = time.time
        #: told of every refused PIN: (typed staff id, "wrong_pin" | "locked" | "while_locked")
        self.on_refused: Callable[[str, str], None] | None = None

    def _refused(self, staff_id: str, outcome: str) -> None:
        if self.on_refused is not None:
            self.on_refused(staff_id.strip()[:32], outcome)

    @classmethod
    def from_settings(
        cls, settings: dict[str, Any], demo: bool = True, **kwargs: Any
    ) -> StaffRegistry:
        table = settings.get("accounts", {})
        accounts = [
            StaffAccount(sid, str(v.get("name", sid)), Role.parse(v["role"]), v["pin_hash"])
            for sid, v in table.items()
        ] or (demo_accounts() if demo else [])
        return cls(
            accounts,
            int(settings.get("lockout_attempts", 5)),
            float(settings.get("lockout_seconds", 300)),
            **kwargs,
        )

    @classmethod
    def for_config(cls, config: Any, **kwargs: Any) -> StaffRegistry:
        """The kiosk's staff: ``[staff]`` of its kiosk.toml. The demo PINs (S001/1234,
        M001/9999) stand in for missing accounts only on the demo store; a store's own file
        without accounts gets none, so nobody unlocks with a PIN printed in our docs
        (``kiosk doctor`` names the problem)."""
        registry = cls.from_config_file(config.source, demo=config.demo_store, **kwargs)
        if not registry.accounts:
            log.error(
                "%s has no [staff.accounts.*]: no PIN unlocks this kiosk; "
                "add accounts with `kiosk staff-pin`",
                config.source,
            )
        return registry

    @classmethod
    def from_config_file(
        cls, path: Path | str | None, demo: bool = True, **kwargs: Any
    ) -> StaffRegistry:
        """Read ``[staff]`` from the kiosk's TOML file (missing file/table → the demo set
        when ``demo``, else no accounts)."""
        settings: dict[str, Any] = {}
        if path and Path(path).is_file():
            settings = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("staff", {})
        return cls.from_settings(settings, demo=demo, **kwargs)

    @property
    def locked(self) -> bool:
        return self.clock() < self.locked_until

    def keep_lockout(
        self,
        load: Callable[[], Any],
        save: Callable[[dict[str, float]], None],
        wall: Callable[[], float] = time.time,
    ) -> None:
        """Keep the wrong-PIN count and the lock-out in ``save`` and start from ``load()``'s: a
        restarted kiosk (power cut, crash) must not hand out fresh tries. The lock-out is kept
        as a wall-clock deadline (the monotonic clock restarts with the machine) and a stored
        one is never longer than ``lockout_seconds`` from now, so a clock set back cannot
        lock the pad for good."""
        self._save, self._wall = save, wall
        state = load()
        if not isinstance(state, dict):
            return
        failures = state.get("failures", 0)
        if isinstance(failures, int) and not isinstance(failures, bool):
            self.failures = max(0, min(failures, self.lockout_attempts - 1))
        until = state.get("locked_until", 0)
        if isinstance(until, int | float) and not isinstance(until, bool):
            left = min(float(until) - wall(), self.lockout_seconds)
            self.locked_until = self.clock() + left if left > 0 else 0.0

    def _kept(self) -> None:
        """Write the count and deadline where :meth:`keep_lockout` said (before the refusal
        is answered). A store that cannot be written leaves the lock-out in memory only."""
        if self._save is None:
            return
        left = self.locked_until - self.clock()
        until = self._wall() + left if left > 0 else 0.0
        try:
            self._save({"failures": self.failures, "locked_until": until})
        except Exception:
            log.exception("PIN lock-out not kept in the local store")

    def check(self, staff_id: str, pin: str, needs: Role = Role.ATTENDANT) -> StaffAccount:
        """Return the account for a right PIN with at least role ``needs``.

        Raises :class:`StaffLocked`, :class:`WrongPin` or :class:`NotAllowed`.
        """
        if self.locked:
            self._refused(staff_id, "while_locked")
            raise StaffLocked(self.locked_until)
        account = self.accounts.get(staff_id.strip().upper())
        if account is None or not verify_pin(pin, account.pin_hash):
            self.failures += 1
            if self.failures >= self.lockout_attempts:
                self.failures = 0
                self.locked_until = self.clock() + self.lockout_seconds
                self._kept()
                self._refused(staff_id, "locked")
                raise StaffLocked(self.locked_until)
            self._kept()
            self._refused(staff_id, "wrong_pin")
            raise WrongPin(self.lockout_attempts - self.failures)
        if self.failures:
            self.failures = 0
            self._kept()
        if account.role < needs:
            raise NotAllowed(f"{account.staff_id} may not do this ({needs.name.lower()} needed)")
        return account


class PinCheck(Protocol):
    """What checks a staff PIN: a :class:`StaffRegistry`, or :class:`RuntimePins`."""

    def check(self, staff_id: str, pin: str, needs: Role = Role.ATTENDANT) -> StaffAccount: ...


@dataclass(frozen=True, slots=True)
class RuntimePins:
    """The kiosk's one PIN lock-out as a plugin reaches it: through its (scoped) runtime's
    ``check_staff_pin``, never the registry itself (a plugin is not handed the PIN hashes)."""

    runtime: Any

    def check(self, staff_id: str, pin: str, needs: Role = Role.ATTENDANT) -> StaffAccount:
        return self.runtime.check_staff_pin(staff_id, pin, needs)


#: the local store's key for the kiosk's PIN lock-out (count and wall-clock deadline, no PIN)
LOCKOUT_KEY = "staff.pin_lockout"


def kiosk_staff(runtime: Any) -> StaffRegistry:
    """The kiosk's one staff registry, made once per runtime: the staff overlay, the return
    screen and the attendant actions share it, so its lock-out counts every wrong PIN typed
    anywhere on this kiosk (separate registries would give each pad its own 5 tries). Its
    count and lock-out are kept in the kiosk's local store (:data:`LOCKOUT_KEY`), so they
    outlive a restart."""
    registry = getattr(runtime, "_staff_registry", None)
    if registry is None:
        registry = StaffRegistry.for_config(runtime.config)

        def journal_refusal(staff_id: str, outcome: str) -> None:
            # every wrong PIN and lock-out in the kiosk's journal (PCI DSS 10.2.1.4), never
            # the PIN; a journal that cannot be written must not turn a refusal into a crash
            try:
                runtime.journal("staff_pin_refused", {"staff_id": staff_id, "outcome": outcome})
            except Exception:
                log.exception("wrong staff PIN not journalled")

        registry.on_refused = journal_refusal
        if hasattr(runtime, "store_value"):  # a runtime with a local store (not a stand-in)
            registry.keep_lockout(
                lambda: runtime.stored_value(LOCKOUT_KEY),
                lambda state: runtime.store_value(LOCKOUT_KEY, state),
            )
        runtime._staff_registry = registry
    return registry


def audit_unlock(
    store: Any, account: StaffAccount, action: str, detail: dict[str, Any], at: Any
) -> None:
    """Journal who unlocked the kiosk, for what (``staff_unlock``)."""
    payload = {"staff_id": account.staff_id, "role": account.role.name.lower(), "action": action}
    payload.update(detail)
    store.journal_event("staff_unlock", payload, at)
