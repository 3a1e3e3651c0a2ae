"""Developer device panel: a small web page over a running kiosk's simulated devices.

``make_panel_app(devices)`` builds a FastAPI app that lists every role of a
:class:`~kiosk.devices.profiles.Devices` (device class, driver, state, health) and offers
buttons that call the simulators' test controls: inject a scan, run the printer out of
paper, jam the changer, insert a note, drop the payment terminal connection … Only actions
whose simulator method exists for the loaded driver are listed; an action on a real
(non-simulated) driver is refused with 409.

``serve_panel(devices)`` runs it with uvicorn on a background thread, bound to loopback only.

Routes::

    GET  /                                      the page (plain HTML + a little JS)
    GET  /api/devices                           status of every role (JSON, see docs/devices.md)
    POST /api/devices/{role}/actions/{action}   run an action; JSON body with its fields

The panel only answers requests whose ``Host`` (and ``Origin``, when sent) is a loopback
address and only takes JSON posts, so a web page in the developer's browser cannot drive it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse

from kiosk.devices.base import Device, DeviceState
from kiosk.devices.drivers.changer_protocol import DENOMINATIONS
from kiosk.devices.errors import DeviceDisconnected, DeviceError
from kiosk.devices.events import HealthReport
from kiosk.devices.panel_page import render_page
from kiosk.devices.profiles import Devices

log = logging.getLogger(__name__)

__all__ = [
    "Action",
    "ActionField",
    "PanelError",
    "actions_for",
    "is_simulated",
    "make_panel_app",
    "serve_panel",
]

#: Package whose classes count as simulators (a driver is simulated when any class in its MRO
#: is defined there).
SIM_PACKAGE = "kiosk.devices.sim"

#: Seconds an action waits for the printer status it reads after changing the simulator.
STATUS_TIMEOUT = 2.0

#: Changer counts for "inventory low": every dispensable denomination at or below near-empty.
LOW_INVENTORY: dict[int, int] = {1000: 2, 500: 2, 100: 3, 50: 2, 10: 3, 5: 1, 1: 3}


class PanelError(Exception):
    """An action cannot run; ``status`` is the HTTP status the panel answers with."""

    def __init__(self, message: str, status: int = 409, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.status, self.hint = message, status, hint


# --- actions -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionField:
    """One input of an action's form: ``kind`` is text, number, select or checkbox."""

    name: str
    label: str
    kind: str = "text"
    default: str = ""
    options: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "default": self.default,
            "options": list(self.options),
        }


@dataclass(frozen=True, slots=True)
class Action:
    """A simulator control. ``requires`` is the dotted attribute of the driver the action
    calls (``"inject_scan"``, ``"sim.insert"``); the action is offered only when it exists."""

    device_class: str
    name: str
    label: str
    requires: str
    run: Callable[[Devices, str, Device, dict[str, Any]], str]
    fields: tuple[ActionField, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "fields": [f.as_json() for f in self.fields],
        }


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or not str(value).strip():
        raise PanelError(f"{name} is required", 422)
    return str(value).strip()


def _number(params: Mapping[str, Any], name: str) -> float:
    text = _text(params, name)
    try:
        return float(text)
    except ValueError:
        raise PanelError(f"{name} must be a number, not {text!r}", 422) from None


def _flag(params: Mapping[str, Any], name: str, *, default: bool = False) -> bool:
    value = params.get(name, default)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def _call(path: str) -> Callable[[Devices, str, Device, dict[str, Any]], str]:
    """An action that calls the driver's ``path`` method with no arguments."""

    def run(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
        _resolve(device.driver, path)()
        return f"{role}: {path.rsplit('.', 1)[-1].replace('_', ' ')}"

    return run


def _then_printer_status(
    inner: Callable[[Devices, str, Device, dict[str, Any]], str],
) -> Callable[[Devices, str, Device, dict[str, Any]], str]:
    """Run ``inner``, then ask the printer for its status so the runtime gets the status
    event at once (the printer itself is only polled around receipts)."""

    def run(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
        message = inner(devices, role, device, params)
        check = getattr(device, "check_status", None)
        if check is not None:
            # on the device's worker, so it never interleaves with the panel's health checks
            with contextlib.suppress(DeviceError, FutureTimeout):
                status = device.submit(check).result(timeout=STATUS_TIMEOUT)
                message += f" → printer status: {status.describe()}"
        return message

    return run


def _reconnect(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    back = devices.reopen(role)
    return f"{role}: reconnected" if back else f"{role}: still not connected ({device.last_status})"


def _inject_scan(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    code = _text(params, "code")
    if device.state is DeviceState.ERROR:
        raise PanelError(f"{role} is unplugged: a real scanner would not read {code!r} either")
    device.driver.inject_scan(code)
    if not device.enabled:
        return f"{role}: scanned {code} (dropped: the scanner is disabled)"
    return f"{role}: scanned {code}"


def _insert_cash(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    text = _text(params, "yen")
    try:
        yen = int(text)
    except ValueError:
        raise PanelError(f"yen must be a denomination, not {text!r}", 422) from None
    if yen not in DENOMINATIONS:
        raise PanelError(f"{yen} is not a yen denomination", 422)
    try:
        accepted = device.driver.sim.insert(yen)
    except TimeoutError as exc:
        raise PanelError(f"{role}: {exc}", 504) from None
    if accepted:
        return f"{role}: ¥{yen} taken"
    reason = "" if getattr(device, "depositing", False) else " (no deposit running)"
    return f"{role}: ¥{yen} handed back{reason}"


def _set_inventory(
    counts: Mapping[int, int] | None, what: str
) -> Callable[[Devices, str, Device, dict[str, Any]], str]:
    def run(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
        from kiosk.devices.sim.changer import DEFAULT_FLOAT

        device.driver.sim.set_inventory(counts if counts is not None else DEFAULT_FLOAT)
        # Let the kiosk see it now (a real machine is only asked around operations).
        try:
            device.driver.read_inventory()
            status = device.check_health().status
        except DeviceError as exc:
            return f"{role}: inventory {what}; the kiosk could not re-read it: {exc}"
        return f"{role}: inventory {what} → {status}"

    return run


def _drop_next_payment(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    charged = _flag(params, "charged")
    device.driver.drop_connection_next(charged)
    return f"{role}: the next payment loses the connection ({'after' if charged else 'before'} charging)"


def _drop_terminal(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    # The simulated terminal has no drop_connection(); do what a dropped link would do.
    device.driver.connected = False
    device.driver_disconnected(DeviceDisconnected("connection dropped from the device panel"))
    return f"{role}: connection dropped"


def _release_late(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    results = device.driver.release_late()
    return f"{role}: released {len(results)} late payment(s)"


def _set_weight(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    grams = _number(params, "grams")
    if not math.isfinite(grams) or grams < 0:
        raise PanelError("grams must be a finite number ≥ 0", 422)
    stable = _flag(params, "stable", default=True)
    device.driver.set_weight(_text(params, "grams"), stable)
    return f"{role}: {grams:g} g ({'stable' if stable else 'moving'})"


def _inject_card(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    member_id = _text(params, "member_id")
    device.driver.inject_card(member_id)
    return f"{role}: card {member_id}"


def _touch_card(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    balance = _number(params, "balance")
    if not math.isfinite(balance) or balance < 0 or balance != int(balance):
        raise PanelError("balance must be whole yen ≥ 0", 422)
    card_id = str(params.get("card_id") or "").strip()
    card = device.driver.present(int(balance), **({"card_id": card_id} if card_id else {}))
    return f"{role}: card …{card.card_id[-4:]} touched (balance ¥{card.balance:,})"


def _lose_touch_next(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    charged = _flag(params, "charged")
    device.driver.lose_touch_next(charged)
    return f"{role}: the next card leaves the reader mid-write ({'after' if charged else 'before'} the charge)"


def _pay_shown_code(devices: Devices, role: str, device: Device, params: dict[str, Any]) -> str:
    paid = device.driver.pay_shown_code()
    if paid is None:
        raise PanelError(f"{role}: no code on the kiosk's screen is waiting to be paid", 409)
    return f"{role}: the wallet app paid the code on the screen (¥{paid:,})"


_YEN = tuple(str(d) for d in DENOMINATIONS)

ACTIONS: tuple[Action, ...] = (
    # Scanner
    Action(
        "Scanner",
        "inject_scan",
        "Scan",
        "inject_scan",
        _inject_scan,
        (ActionField("code", "code", default="4901234567894"),),
    ),
    Action("Scanner", "inject_garbage", "Send garbage", "inject_garbage", _call("inject_garbage")),
    Action("Scanner", "unplug", "Unplug", "drop_connection", _call("drop_connection")),
    Action("Scanner", "replug", "Replug", "restore_connection", _call("restore_connection")),
    # POSPrinter
    *(
        Action("POSPrinter", name, label, method, _then_printer_status(_call(method)))
        for name, label, method in (
            ("paper_out", "Run out of paper", "run_out_of_paper"),
            ("paper_near_end", "Paper near end", "set_paper_near_end"),
            ("refill_paper", "Refill paper", "load_paper"),
            ("open_cover", "Open cover", "open_cover"),
            ("close_cover", "Close cover", "close_cover"),
            ("go_offline", "Go offline", "go_offline"),
            ("go_online", "Go online", "go_online"),
            ("unplug", "Unplug", "drop_connection"),
            ("replug", "Replug", "restore_connection"),
        )
    ),
    # CashChanger (the machine side is driver.sim, a ChangerSimulator)
    Action(
        "CashChanger",
        "insert",
        "Insert",
        "sim.insert",
        _insert_cash,
        (ActionField("yen", "yen", "select", "1000", _YEN),),
    ),
    Action("CashChanger", "jam", "Jam", "sim.jam", _call("sim.jam")),
    Action("CashChanger", "clear_jam", "Clear jam", "sim.clear_jam", _call("sim.clear_jam")),
    Action(
        "CashChanger",
        "jam_next_dispense",
        "Jam during next payout",
        "sim.jam_next_dispense",
        _call("sim.jam_next_dispense"),
    ),
    Action(
        "CashChanger",
        "inventory_low",
        "Inventory low",
        "sim.set_inventory",
        _set_inventory(LOW_INVENTORY, "low"),
    ),
    Action(
        "CashChanger",
        "inventory_refill",
        "Refill float",
        "sim.set_inventory",
        _set_inventory(None, "refilled"),
    ),
    # PaymentTerminal
    Action(
        "PaymentTerminal", "approve_next", "Approve next", "approve_next", _call("approve_next")
    ),
    Action(
        "PaymentTerminal", "decline_next", "Decline next", "decline_next", _call("decline_next")
    ),
    Action(
        "PaymentTerminal", "time_out_next", "Time out next", "time_out_next", _call("time_out_next")
    ),
    Action(
        "PaymentTerminal",
        "drop_next_payment",
        "Drop during next payment",
        "drop_connection_next",
        _drop_next_payment,
        (ActionField("charged", "charged", "checkbox"),),
    ),
    Action(
        "PaymentTerminal",
        "approve_late_next",
        "Approve next late",
        "approve_late_next",
        _call("approve_late_next"),
    ),
    Action("PaymentTerminal", "release_late", "Release late", "release_late", _release_late),
    Action("PaymentTerminal", "drop_connection", "Drop connection", "connected", _drop_terminal),
    Action("PaymentTerminal", "restore_connection", "Restore", "connected", _reconnect),
    # Scale
    Action(
        "Scale",
        "set_weight",
        "Put weight",
        "set_weight",
        _set_weight,
        (
            ActionField("grams", "grams", "number", "250"),
            ActionField("stable", "stable", "checkbox", "true"),
        ),
    ),
    Action("Scale", "overload", "Overload", "overload", _call("overload")),
    Action("Scale", "unplug", "Unplug", "drop_connection", _call("drop_connection")),
    Action("Scale", "replug", "Replug", "drop_connection", _reconnect),
    # MemberCardReader
    Action(
        "MemberCardReader",
        "inject_card",
        "Hold card",
        "inject_card",
        _inject_card,
        (ActionField("member_id", "member id", default="1234567890"),),
    ),
    Action("MemberCardReader", "unplug", "Unplug", "drop_connection", _call("drop_connection")),
    Action("MemberCardReader", "replug", "Replug", "drop_connection", _reconnect),
    # EMoneyReader: the pay_emoney plugin's own reader simulator (Devices.simulators)
    Action(
        "EMoneyReader",
        "touch_card",
        "Touch card",
        "present",
        _touch_card,
        (
            ActionField("balance", "balance (yen)", "number", "5000"),
            ActionField("card_id", "card id"),
        ),
    ),
    Action(
        "EMoneyReader", "decline_next", "Decline next card", "decline_next", _call("decline_next")
    ),
    Action(
        "EMoneyReader",
        "lose_touch_next",
        "Card leaves mid-write",
        "lose_touch_next",
        _lose_touch_next,
        (ActionField("charged", "charged", "checkbox"),),
    ),
    # QRWallet: the pay_qr plugin's own provider simulator (Devices.simulators)
    Action(
        "QRWallet",
        "pay_shown_code",
        "Wallet pays the code shown",
        "pay_shown_code",
        _pay_shown_code,
    ),
    Action("QRWallet", "decline_next", "Decline next", "decline_next", _call("decline_next")),
)


_MISSING = object()


class _SimulatorSlot:
    """A plugin's in-process simulator (``Devices.simulators``) seen as a panel device: no
    I/O, always ready, always a simulator (plugins register one only when simulating)."""

    state = DeviceState.IDLE
    enabled = True
    last_status = ""

    def __init__(self, role: str, device_class: str, driver: Any) -> None:
        self.role, self.device_class, self.driver = role, device_class, driver
        self.driver_label = f"{type(driver).__name__} (plugin simulator)"
        self.statistics: dict[str, Any] = {}

    def check_health(self) -> HealthReport:
        return HealthReport(
            self.role, self.device_class, self.driver_label, self.state, True, "ready"
        )


def _slots(devices: Devices) -> dict[str, Any]:
    simulators = getattr(devices, "simulators", {})
    return {role: _SimulatorSlot(role, cls, sim) for role, (cls, sim) in simulators.items()}


def _resolve(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return _MISSING
        obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return _MISSING
    return obj


def is_simulated(device: Device) -> bool:
    """True when the device's driver is one of ``kiosk.devices.sim`` (or derives from one),
    or the device is a plugin's registered simulator."""
    if isinstance(device, _SimulatorSlot):
        return True
    return any(
        cls.__module__ == SIM_PACKAGE or cls.__module__.startswith(SIM_PACKAGE + ".")
        for cls in type(device.driver).__mro__
    )


def actions_for(device: Device) -> list[Action]:
    """The actions the panel offers for ``device``: none for a real driver."""
    if not is_simulated(device):
        return []
    return [
        action
        for action in ACTIONS
        if action.device_class == device.device_class
        and _resolve(device.driver, action.requires) is not _MISSING
    ]


def _driver_type(device: Device) -> str:
    cls = type(device.driver)
    return f"{cls.__module__}.{cls.__qualname__}"


# --- status ------------------------------------------------------------------------------------


class _HealthChecks:
    """Runs ``check_health`` (which may do I/O) on each device's worker thread, at most one at
    a time per role, and waits a bounded time; a slow device shows its last report as stale."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pending: dict[str, Future[HealthReport]] = {}
        self._last: dict[str, HealthReport] = {}

    def get(self, role: str, device: Device) -> tuple[HealthReport | None, bool, str]:
        """(report, stale, problem) — report is None only when no check ever finished."""
        if device.state is DeviceState.CLOSED or device.state is DeviceState.ERROR:
            return device.check_health(), False, ""  # no I/O in these states
        with self._lock:
            future = self._pending.get(role)
            if future is None:
                try:
                    future = device.submit(device.check_health)
                except DeviceError:  # closed meanwhile
                    return device.check_health(), False, ""
                self._pending[role] = future
        try:
            report = future.result(timeout=self.timeout)
        except FutureTimeout:
            return self._last.get(role), True, "health check still running"
        except Exception as exc:  # a driver bug must not break the panel
            with self._lock:
                self._pending.pop(role, None)
            return None, False, f"health check failed: {exc!r}"
        with self._lock:
            if self._pending.get(role) is future:
                del self._pending[role]
            self._last[role] = report
        return report, False, ""


def _detail(device: Device) -> dict[str, Any]:
    """A few class-specific facts that need no I/O."""
    driver = device.driver
    out: dict[str, Any] = {}
    if device.device_class == "CashChanger":
        out["depositing"] = bool(getattr(device, "depositing", False))
        cached = getattr(driver, "cached_inventory", None)
        if cached is not None:
            out["inventory"] = {str(k): v for k, v in sorted(cached().items(), reverse=True)}
        out["discrepancies"] = len(getattr(device, "discrepancies", []))
    elif device.device_class == "Scale":
        weight = getattr(device, "latest", None)
        if weight is not None:
            out["grams"] = str(weight.grams)
            out["stable"] = weight.stable
            out["overload"] = weight.overload
    elif device.device_class == "LineDisplay" and hasattr(driver, "shown"):
        out["shown"] = list(driver.shown)
    elif device.device_class == "CallLight" and getattr(driver, "history", None):
        out["light"] = str(driver.history[-1])
    elif device.device_class == "PaymentTerminal":
        for name in ("charges", "connected"):
            if hasattr(driver, name):
                out[name] = getattr(driver, name)
        if hasattr(driver, "pending_late"):
            out["pending_late"] = len(driver.pending_late)
    elif device.device_class == "POSPrinter" and hasattr(driver, "jobs"):
        out["jobs"] = len(driver.jobs)
        out["last_paper"] = _last_paper(b"".join(driver.jobs))
    return out


#: ESC/POS commands a receipt is made of (style, QR, cut): not text on the paper
_ESCPOS_COMMAND = re.compile(
    rb"\x1b[@-~][\x00-\x08]?|\x1d\(k..[\s\S]{0,2}|\x1d[!BHVfhkvw].?|[\x00-\x09\x0b-\x1f]"
)


#: GS v 0 m xL xH yL yH: a raster image (a logo, text drawn as an image, a QR code on a
#: printer without GS ( k) of (xL + 256·xH) bytes a row and (yL + 256·yH) rows
_RASTER_IMAGE = re.compile(rb"\x1dv0[\x00-\x03\x30-\x33](..)(..)", re.DOTALL)


def _images_as_placeholders(output: bytes) -> bytes:
    """``output`` with each raster image as a line ``[image 384×120]``: its bytes are dots,
    not characters (read as text they are garbage, and may even look like a cut). The
    pieces python-escpos sends a tall image in, one after another, are one image."""
    out, at, last = bytearray(), 0, None  # last: (where its line starts in out, width, height)
    while match := _RASTER_IMAGE.search(output, at):
        row_bytes = int.from_bytes(match[1], "little")
        width, height = row_bytes * 8, int.from_bytes(match[2], "little")
        between = output[at : match.start()]
        if last is not None and last[1] == width and not between.strip(b"\x00\n "):
            start, height = last[0], last[2] + height  # the next piece of the same image
            del out[start:]
        else:
            out += between
            start = len(out)
        if out and not out.endswith(b"\n"):
            out += b"\n"
        out += f"[image {width}×{height}]\n".encode("cp932")
        last = (start, width, height)
        at = match.end() + row_bytes * int.from_bytes(match[2], "little")
    return bytes(out + output[at:])


def _last_paper(output: bytes) -> str:
    """The text of the last receipt the simulated printer cut (what a developer would tear
    off and read): cp932 with the ESC/POS commands left out and images as placeholders,
    roughly."""
    output = _images_as_placeholders(output)
    pieces = [p for p in output.split(b"\x1dV") if p.strip(b"\x00\x01\x41\x42\n ")]
    if not pieces:
        return ""
    return _ESCPOS_COMMAND.sub(b"", pieces[-1]).decode("cp932", errors="replace").strip()


def device_status(
    devices: Devices, role: str, device: Device, checks: _HealthChecks
) -> dict[str, Any]:
    if isinstance(device, _SimulatorSlot):
        report, stale, problem = device.check_health(), False, ""
    else:
        report, stale, problem = checks.get(role, device)
    open_error = devices.errors.get(role)
    try:
        detail = _detail(device)
    except Exception as exc:  # never let a detail break the listing
        detail = {"error": repr(exc)}
    return {
        "role": role,
        "device_class": device.device_class,
        "driver": device.driver_label,
        "driver_type": _driver_type(device),
        "simulated": is_simulated(device),
        "state": str(device.state),
        "enabled": device.enabled,
        "last_status": device.last_status,
        "health": {
            "ok": bool(report and report.ok and not stale),
            "status": (report.status if report else "unknown")
            + (f" ({problem})" if problem else ""),
            "hint": report.hint if report else "",
            "stale": stale,
        },
        "open_error": (
            {"code": open_error.code, "message": str(open_error), "hint": open_error.hint}
            if open_error
            else None
        ),
        "statistics": device.statistics,
        "detail": detail,
        "actions": [action.as_json() for action in actions_for(device)],
    }


# --- app ---------------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    host = host.strip().lower().removeprefix("[").removesuffix("]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_of(value: str) -> str:
    """``127.0.0.1:8000`` / ``[::1]:80`` / ``localhost`` → the host part."""
    if value.startswith("["):
        return value[: value.find("]") + 1]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _refuse(message: str, status: int, hint: str = "") -> JSONResponse:
    return JSONResponse({"ok": False, "message": message, "hint": hint}, status_code=status)


def make_panel_app(devices: Devices, *, health_timeout: float = 2.0) -> FastAPI:
    """The panel over ``devices`` (which stay owned by the caller: the panel never closes them)."""
    app = FastAPI(title="Kiosk device panel", docs_url=None, redoc_url=None, openapi_url=None)
    checks = _HealthChecks(health_timeout)
    action_locks: dict[str, threading.Lock] = {role: threading.Lock() for role, _ in devices}

    @app.middleware("http")
    async def loopback_only(request: Request, call_next: Callable[..., Any]) -> Any:
        if not _is_loopback(_host_of(request.headers.get("host", ""))):
            return _refuse("the device panel only answers on loopback addresses", 403)
        origin = request.headers.get("origin")
        if origin and origin != "null" and not _is_loopback(urlsplit(origin).hostname or ""):
            return _refuse("cross-origin request refused", 403)
        return await call_next(request)

    def snapshot() -> dict[str, Any]:
        profile = devices.profile
        return {
            "profile": profile.name,
            "model": profile.model,
            "time": time.time(),
            "devices": [
                device_status(devices, role, dev, checks)
                for role, dev in [*devices, *_slots(devices).items()]
            ],
        }

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse(render_page(snapshot()))

    @app.get("/api/devices")
    def list_devices() -> dict[str, Any]:
        return snapshot()

    def run_action(role: str, name: str, params: dict[str, Any]) -> dict[str, Any]:
        device = devices.by_role.get(role) or _slots(devices).get(role)
        if device is None:
            raise PanelError(f"no device with role {role!r}", 404)
        if not is_simulated(device):
            raise PanelError(
                f"{role} uses the real driver {device.driver_label!r} ({_driver_type(device)}): "
                "simulator actions only work on simulated devices",
                409,
                "Use the 'simulated' hardware profile, or act on the real device by hand.",
            )
        available = {action.name: action for action in actions_for(device)}
        action = available.get(name)
        if action is None:
            known = ", ".join(available) or "none"
            raise PanelError(f"no action {name!r} for {role} (available: {known})", 404)
        if device.state is DeviceState.CLOSED:
            raise PanelError(f"{role} is closed", 409)
        with action_locks.setdefault(role, threading.Lock()):
            try:
                message = action.run(devices, role, device, params)
            except DeviceError as exc:
                raise PanelError(f"{role}: {exc}", 409, exc.hint) from None
            except (ValueError, TypeError) as exc:
                raise PanelError(f"{role}: {exc}", 422) from None
        log.info("device panel: %s", message)
        return {"ok": True, "role": role, "action": name, "message": message}

    @app.post("/api/devices/{role}/actions/{name}")
    async def post_action(role: str, name: str, request: Request) -> JSONResponse:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if body and kind != "application/json":
            return _refuse("send the action's fields as JSON (Content-Type: application/json)", 415)
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            return _refuse("the body is not valid JSON", 400)
        if not isinstance(params, dict):
            return _refuse("the body must be a JSON object", 400)
        try:
            result = await run_in_threadpool(run_action, role, name, params)
        except PanelError as exc:
            return _refuse(exc.message, exc.status, exc.hint)
        return JSONResponse(result)

    return app


def serve_panel(
    devices: Devices, host: str = "127.0.0.1", port: int = 0, *, ready_timeout: float = 10.0
) -> tuple[threading.Thread, int, Callable[[], None]]:
    """Serve the panel on ``host:port`` (loopback only; port 0 picks a free one) on a daemon
    thread. Returns ``(thread, port, stop)``; ``stop()`` shuts uvicorn down and joins."""
    import uvicorn

    if not _is_loopback(host):
        raise ValueError(f"the device panel binds to loopback only, not {host!r}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    bound = sock.getsockname()[1]
    config = uvicorn.Config(
        make_panel_app(devices), log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="device-panel", daemon=True
    )

    def stop() -> None:
        server.should_exit = True
        if thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=10)
        sock.close()

    thread.start()
    deadline = time.monotonic() + ready_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            stop()
            raise RuntimeError("the device panel did not start")
        time.sleep(0.01)
    log.info("device panel on http://%s:%d/", host, bound)
    return thread, bound, stop
