"""What the screen shows, for a test driving the kiosk from outside its process.

Journey tests start the kiosk the way a store does (``kiosk demo`` / ``kiosk run``) and press
its buttons with real X input events. To know *where* a button is and *what* the shopper
reads, they ask this server: with ``KIOSK_UI_INTROSPECT=/path/to.sock`` in the environment
the app answers, on that Unix socket, one JSON line per request line:

``{"op": "tree"}``
    ``{"screen", "language", "idle", "window": [w, h], "widgets": [...]}``, each widget
    ``{"cls", "text", "box": [x, y, w, h], "disabled"}`` in window pixels with the
    origin at the **top left** (X's convention, so ``xdotool mousemove --window`` takes the
    centre as it is). Only what a shopper can see: opacity-0 branches, hidden ``ShownBox``
    blocks and screens that are not current are left out.

The walk runs on the UI thread (Kivy's widgets are not thread-safe); the socket thread waits
for it. Nothing is served unless the variable is set: a production kiosk has no socket.
Read-only: it cannot press anything — the test does that through X, as a person would.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ENV_VAR = "KIOSK_UI_INTROSPECT"
ANSWER_TIMEOUT_S = 5.0


def visible_widgets(window: Any) -> list[dict[str, Any]]:
    """Every widget a shopper can see, front to back as Kivy draws them (last is on top)."""
    from kivy.uix.screenmanager import ScreenManager

    height = window.height
    found: list[dict[str, Any]] = []

    def walk(widget: Any) -> None:
        if getattr(widget, "opacity", 1) <= 0:
            return
        if getattr(widget, "shown", True) is False:  # ShownBox hidden in place
            return
        text = getattr(widget, "text", None)
        if isinstance(text, str) and text.strip():
            x, y = widget.to_window(*widget.pos)
            w, h = widget.size
            if w > 0 and h > 0:
                found.append(
                    {
                        "cls": type(widget).__name__,
                        "text": text,
                        "box": [round(x), round(height - y - h), round(w), round(h)],
                        "disabled": bool(getattr(widget, "disabled", False)),
                    }
                )
        children = list(reversed(widget.children))  # Kivy draws children[-1] first
        if isinstance(widget, ScreenManager) and widget.current_screen is not None:
            children = [widget.current_screen]
        for child in children:
            walk(child)

    for top in reversed(window.children):
        walk(top)
    return found


class IntrospectionServer:
    """A Unix-socket server answering ``tree`` requests on the UI thread."""

    def __init__(self, path: Path, app: Any) -> None:
        self.path = path
        self.app = app
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(self.path))
        os.chmod(self.path, 0o600)
        sock.listen(4)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="ui-introspect", daemon=True)
        self._thread.start()
        log.warning("UI introspection socket on %s (tests only)", self.path)

    def stop(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _serve(self) -> None:
        while self._sock is not None:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as stream:
            for line in stream:
                try:
                    request = json.loads(line)
                    answer = self._answer(request.get("op", ""))
                except Exception as exc:  # a bad request never touches the UI
                    answer = {"error": f"{type(exc).__name__}: {exc}"}
                stream.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
                stream.flush()

    def _answer(self, op: str) -> dict[str, Any]:
        if op != "tree":
            return {"error": f"unknown op {op!r}"}
        from kivy.clock import Clock

        done = threading.Event()
        result: dict[str, Any] = {}

        def on_ui_thread(_dt: float) -> None:
            try:
                result.update(self._tree())
            except Exception as exc:
                result["error"] = f"{type(exc).__name__}: {exc}"
            finally:
                done.set()

        Clock.schedule_once(on_ui_thread, 0)
        if not done.wait(ANSWER_TIMEOUT_S):
            return {"error": "the UI thread did not answer in time"}
        return result

    def _tree(self) -> dict[str, Any]:
        from kivy.core.window import Window

        app, ctl = self.app, self.app.ctl
        manager = app.root.manager
        idle = ctl.worker.wait_idle(0) and not manager.transition.is_active
        return {
            "screen": ctl.screen,
            "language": ctl.language,
            "idle": bool(idle),
            "window": [Window.width, Window.height],
            "widgets": visible_widgets(Window),
        }


def server_from_environment(app: Any) -> IntrospectionServer | None:
    path = os.environ.get(ENV_VAR)
    if not path:
        return None
    server = IntrospectionServer(Path(path), app)
    server.start()
    return server
