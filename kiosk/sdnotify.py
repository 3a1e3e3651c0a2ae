"""systemd's notify protocol, the few lines of it the kiosk needs (no libsystemd).

Under ``Type=notify`` the kiosk says ``READY=1`` once the touch screen is up, and with
``WatchdogSec=`` it sends ``WATCHDOG=1`` from the UI thread's clock: a UI thread that hangs
stops the pings and systemd restarts the kiosk. Outside systemd (no ``NOTIFY_SOCKET``)
every call does nothing. The kiosk runs under Cage, so the unit needs ``NotifyAccess=all``.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


def notify(state: str) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``) to systemd; False when not run by systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
    except OSError as exc:  # never let the watchdog's messenger stop the kiosk
        log.warning("could not notify systemd (%s): %s", state, exc)
        return False
    return True


def watchdog_interval() -> float | None:
    """Seconds between ``WATCHDOG=1`` pings (half of ``WatchdogSec``), or None when off."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    return int(usec) / 2_000_000
