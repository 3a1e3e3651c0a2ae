"""An ESC/POS printer on a TCP socket (port 9100 style), for tests of the real driver.

It keeps every byte it is sent and answers ``DLE EOT n`` status queries as a ready printer
does. ``unplug()`` drops the connections and stops listening (switched off, LAN cable out);
``plug()`` listens on the same port again.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading

DLE_EOT = b"\x10\x04"
READY = b"\x12"  # DLE EOT n answer: the fixed bits only — online, cover shut, paper in


class PrinterServer:
    """An ESC/POS network printer: collects the bytes, answers status queries ready.

    ``unplug()`` drops every connection and stops listening (power off / cable out);
    ``plug()`` listens again on the same port, as the printer does when it comes back.
    """

    def __init__(self) -> None:
        self.received = bytearray()
        self.lock = threading.Lock()
        self.clients: list[socket.socket] = []
        self.port = 0
        self.server: socketserver.ThreadingTCPServer | None = None
        self.plug()

    def plug(self) -> None:
        rig = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with rig.lock:
                    rig.clients.append(self.request)
                tail = b""
                while True:
                    try:
                        chunk = self.request.recv(4096)
                    except OSError:
                        return
                    if not chunk:
                        return
                    with rig.lock:
                        rig.received.extend(chunk)
                    seen = tail + chunk
                    # one answer per DLE EOT n (n = 1..4), even split across reads
                    for at in range(len(tail), len(seen)):
                        if at >= 2 and seen[at - 2 : at] == DLE_EOT and 1 <= seen[at] <= 4:
                            with contextlib.suppress(OSError):
                                self.request.sendall(READY)
                    tail = seen[-2:]

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True  # the same port again after unplug()
            daemon_threads = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def unplug(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        with self.lock:
            clients, self.clients = self.clients, []
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()

    @property
    def connection(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def text(self) -> str:
        """Everything printed so far, as the printer's Shift JIS (cp932) decodes it."""
        with self.lock:
            data = bytes(self.received)
        return data.decode("cp932", errors="replace")

    def close(self) -> None:
        self.unplug()
