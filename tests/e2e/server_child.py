"""The back office as a real server process for the end-to-end tests.

Usage: ``python -m tests.e2e.server_child DATABASE_URL PORT_FILE``. It binds 127.0.0.1 on an
ephemeral port, writes the port to PORT_FILE, and serves until SIGTERM.
"""

from __future__ import annotations

import socket
import sys
from datetime import timedelta
from pathlib import Path

import uvicorn

from kiosk.backoffice.app import create_app
from kiosk.backoffice.cli import store_clock
from kiosk.backoffice.console.state import ConsoleSettings
from kiosk.backoffice.core.db import Database


def main(url: str, port_file: str) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    # a long offline verdict: tiles must not flip to offline while the test looks elsewhere
    settings = ConsoleSettings(offline_after=timedelta(minutes=10), refresh_s=1.0)
    # the store's clock, as `kiosk-backoffice serve` runs (the kiosks' times are store times)
    app = create_app(Database(url), store_clock("Asia/Tokyo"), console=settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2))
    Path(port_file).write_text(str(sock.getsockname()[1]))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
