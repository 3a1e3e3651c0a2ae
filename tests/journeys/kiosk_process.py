"""A kiosk process driven from outside, as a person drives it.

``KioskProcess`` starts its own Xvfb screen, then the kiosk with the README's command
(``kiosk --config FILE demo``) on that screen, and presses it through X with ``xdotool``:
pointer clicks on a widget's centre, a keyboard-wedge scan typed as a fast key burst. What
the screen shows comes from the app's read-only introspection socket
(:mod:`kiosk.ui.introspect`): visible texts and where they are. Nothing calls into the
app's objects; if a button cannot be reached by a click, the journey cannot press it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCREEN = "1280x800x24"
#: what the kiosk logs when a keyboard-wedge burst arrives broken (kiosk.ui.controller)
BROKEN_SCAN = "scan arrived broken"


@dataclass(frozen=True)
class Widget:
    cls: str
    text: str
    box: tuple[int, int, int, int]
    disabled: bool

    @property
    def centre(self) -> tuple[int, int]:
        x, y, w, h = self.box
        return x + w // 2, y + h // 2


@dataclass(frozen=True)
class Screen:
    name: str
    language: str
    idle: bool
    widgets: tuple[Widget, ...]

    def texts(self) -> list[str]:
        return [w.text for w in self.widgets]

    def joined(self) -> str:
        """Every visible text on one line, for searching what a shopper reads."""
        return " | ".join(" ".join(t.split()) for t in self.texts())

    def find(self, text: str | re.Pattern[str], cls: str | None = None) -> list[Widget]:
        def hit(w: Widget) -> bool:
            plain = " ".join(w.text.split())
            ok = bool(text.search(plain)) if isinstance(text, re.Pattern) else plain == text
            return ok and (cls is None or w.cls == cls)

        return [w for w in self.widgets if hit(w)]


class KioskGone(AssertionError):
    pass


class Busy(Exception):
    """The UI thread is busy (starting, or a long frame): ask again."""


def _start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    # the screen's server carries the scanner's keys: raised like the typing (see _xdotool)
    raise_it = ["nice", "-n", "-10"] if os.geteuid() == 0 else []
    proc = subprocess.Popen(
        [
            *raise_it,
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            SCREEN,
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not start (is the xvfb package installed?)")
    return proc, f":{number}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_config(data_dir: Path, panel_port: int | None = None, extra: str = "") -> str:
    """A kiosk.toml that ``kiosk demo --config`` layers on the demo store: its own data folder
    and, with ``panel_port``, the simulated devices opened and driven from the device panel
    (cash goes in through the changer there, as a shopper's notes would)."""
    lines = ["[kiosk]", f'data_dir = "{data_dir}"']
    if panel_port is not None:
        lines += ["open_hardware = true", f"device_panel_port = {panel_port}"]
    return "\n".join(lines) + "\n" + extra


class KioskProcess:
    def __init__(
        self,
        workdir: Path,
        config_text: str,
        args: tuple[str, ...] = ("demo",),
        panel_port: int | None = None,
        env: dict[str, str] | None = None,
        ready: str = "attract",
    ):
        """``args`` is the command after the config: ``("demo",)`` runs the README's
        ``kiosk --config FILE demo``; ``("run",)`` runs the production command exactly as
        the systemd unit does (``kiosk run --config FILE``). ``env`` adds variables;
        ``panel_port`` is the device panel's port when the config opens one; ``ready`` the
        screen the app opens on (``"station"`` for a staff registration station)."""
        for tool in ("Xvfb", "xdotool"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"{tool} is missing: scripts/setup-system.sh installs it")
        self.workdir = workdir
        self.socket_path = workdir / "ui.sock"
        self.config_path = workdir / "kiosk.toml"
        self.config_path.write_text(config_text, encoding="utf-8")
        self.log_path = workdir / "kiosk.log"
        self.xvfb, self.display = _start_xvfb()
        self.env = {
            **os.environ,
            "DISPLAY": self.display,
            "KIOSK_UI_INTROSPECT": str(self.socket_path),
            **(env or {}),
        }
        kiosk = str(Path(sys.executable).with_name("kiosk"))
        if args[:1] == ("run",):  # deploy/systemd/kiosk.service's ExecStart
            command = [kiosk, "run", "--config", str(self.config_path), *args[1:]]
        else:
            command = [kiosk, "--config", str(self.config_path), *args]
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            command, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, cwd=workdir
        )
        self.panel_port = panel_port
        self.window = ""
        self._conn: Any = None
        try:
            self.wait(lambda s: s.name == ready, timeout=60, what=f"the {ready} screen")
            self.window = self._find_window()
        except BaseException:
            self.close()  # a kiosk that never came up must not leave its Xvfb behind
            raise

    # --- reading the screen ------------------------------------------------------------

    def _ask(self, op: str) -> dict[str, Any]:
        if self.proc.poll() is not None:
            raise KioskGone(f"the kiosk exited with {self.proc.returncode}:\n{self.log_tail()}")
        if self._conn is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(10)
            sock.connect(str(self.socket_path))
            self._conn = sock.makefile("rwb")
        self._conn.write(json.dumps({"op": op}).encode() + b"\n")
        self._conn.flush()
        answer = json.loads(self._conn.readline())
        if answer.get("error") == "the UI thread did not answer in time":
            raise Busy(answer["error"])
        if "error" in answer:
            raise AssertionError(f"introspection: {answer['error']}")
        return answer

    def screen(self) -> Screen:
        raw = self._ask("tree")
        widgets = tuple(
            Widget(w["cls"], w["text"], tuple(w["box"]), w["disabled"]) for w in raw["widgets"]
        )
        return Screen(raw["screen"], raw["language"], raw["idle"], widgets)

    def wait(
        self,
        condition: Callable[[Screen], Any],
        timeout: float = 10.0,
        what: str = "",
        idle: bool = True,
    ) -> Screen:
        """Poll until ``condition`` holds on a settled screen.

        Settled: the runtime worker idle (``idle=False`` for a screen shown while a payment
        keeps it busy, such as cash going in), no transition running, and two reads in a row
        show the same widgets in the same places (Kivy lays out over a frame or two; a tap
        on a half-laid-out screen would land where a person never presses).
        """
        deadline = time.monotonic() + timeout
        last: Screen | None = None
        while time.monotonic() < deadline:
            try:
                current = self.screen()
            except (FileNotFoundError, ConnectionRefusedError, Busy):
                if self.proc.poll() is not None:
                    raise KioskGone(f"the kiosk exited:\n{self.log_tail()}") from None
                time.sleep(0.2)
                continue
            stable = last is not None and current.widgets == last.widgets
            last = current
            if (current.idle or not idle) and stable and condition(current):
                return current
            time.sleep(0.05)
        shown = last.joined() if last else "(no answer from the app)"
        raise AssertionError(
            f"timed out waiting for {what or condition}; "
            f"screen {last.name if last else '?'} shows: {shown}"
        )

    def wait_screen(self, name: str, timeout: float = 10.0) -> Screen:
        return self.wait(lambda s: s.name == name, timeout, f"screen {name}")

    def wait_text(self, pattern: str | re.Pattern[str], timeout: float = 10.0) -> Screen:
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        return self.wait(lambda s: rx.search(s.joined()), timeout, f"text {rx.pattern!r}")

    # --- acting as a person ---------------------------------------------------------------

    def _xdotool(self, *args: str, steady: bool = False) -> str:
        # ``steady``: a scanner's keys come at its own pace whatever the kiosk's computer is
        # doing; on a loaded test machine the typing process is raised above the rest so it
        # is not put aside mid-code (the kiosk would then rightly see typing, not a scan)
        raise_it = ["nice", "-n", "-10"] if steady and os.geteuid() == 0 else []
        out = subprocess.run(
            [*raise_it, "xdotool", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
        return out.stdout

    def _find_window(self) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                ids = self._xdotool("search", "--onlyvisible", "--pid", str(self.proc.pid)).split()
            except subprocess.CalledProcessError:
                ids = []
            if ids:
                return ids[-1]
            time.sleep(0.2)
        raise AssertionError("the kiosk's window did not appear")

    def click_at(self, x: int, y: int) -> None:
        self._xdotool(
            "mousemove", "--window", self.window, str(x), str(y), "sleep", "0.05", "click", "1"
        )

    def tap(
        self, text: str | re.Pattern[str], cls: str | None = None, timeout: float = 10.0
    ) -> None:
        """Tap the visible, enabled widget showing ``text`` (exactly, or matching a pattern).

        A widget under another one is not reachable by a finger: the topmost match is taken,
        and the click lands where a person would press.
        """

        def ready(s: Screen) -> Widget | None:
            hits = [w for w in s.find(text, cls) if not w.disabled]
            return hits[-1] if hits else None

        screen = self.wait(ready, timeout, f"an enabled {text!r} to tap")
        widget = ready(screen)
        assert widget is not None
        self.click_at(*widget.centre)

    def staff_sign_in(
        self,
        ok: str = "OK",
        *,
        touch_fields: bool = False,
        staff_id: str = "S001",
        pin: str = "1234",
    ) -> None:
        """A member of staff (the demo store's S001) keys their ID and PIN on the kiosk's pad.

        The pad is kiosk/ui/pin_entry.py's: ``ok`` (the OK key in the shopper's language)
        after the ID moves to the PIN, after the PIN signs in. With ``touch_fields`` staff
        touch the ID field, then the PIN field, and press OK once, as the sign-in forms show.
        """
        for field, keys in ((re.compile("^係員ID"), staff_id), (re.compile("^PIN"), pin)):
            if touch_fields:
                self.tap(field)
            for key in keys:
                self.tap(key)
            if not touch_fields:
                self.tap(ok)
        if touch_fields:
            self.tap(ok)

    def scan(self, code: str, idle: bool = True) -> None:
        """A keyboard-wedge scanner: the code typed as a burst ending in Enter.

        A shopper holds up the next item once the screen has shown the last: the burst
        starts on a settled screen and an idle runtime (``idle=False`` while a payment keeps
        it busy, e.g. a wallet code while QR waits). If the kiosk says the scan arrived
        broken — its keys came with a pause among them because this machine stalled the
        typing — it is scanned again once, as the kiosk asks a shopper to, with a warning.
        Nothing else is retried: a wrong or a lost code shows on the screen the journey
        checks, and a second broken read fails here.
        """
        for attempt in (1, 2):
            self.wait(lambda _s: True, what="a settled screen to scan on", idle=idle)
            broken = self._log_count(BROKEN_SCAN)
            self._xdotool("windowfocus", "--sync", self.window)
            self._xdotool("type", "--window", self.window, "--delay", "4", code + "\r", steady=True)
            # two reads of the screen (on the UI thread, a frame apart at least) come after
            # the frame that read the keys: the kiosk has taken or refused the scan by then
            self.wait(lambda _s: True, what="the scan read", idle=False)
            if self._log_count(BROKEN_SCAN) == broken:
                return
            if attempt == 1:
                warnings.warn(
                    f"the kiosk read {code!r} broken and asked for it again", stacklevel=2
                )
        raise AssertionError(f"the kiosk read {code!r} broken twice:\n{self.log_tail()}")

    def _log_count(self, text: str) -> int:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace").count(text)

    def panel(self, role: str, action: str, *, retry_s: float = 0.0, **params: Any) -> str:
        """Act on a simulated device through the developer device panel (a note into the
        changer, a card on the reader), as a person at the machine would. ``retry_s``: keep
        trying while the panel answers 409 (nothing to act on yet, e.g. no code on screen)."""
        import httpx

        if self.panel_port is None:
            raise AssertionError("this kiosk was started without the device panel")
        deadline = time.monotonic() + retry_s
        while True:
            response = httpx.post(
                f"http://127.0.0.1:{self.panel_port}/api/devices/{role}/actions/{action}",
                json={k: str(v) for k, v in params.items()},
                timeout=30,
            )
            if response.status_code != 409 or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        assert response.status_code == 200, f"panel {role}/{action}: {response.text}"
        return str(response.json().get("message", ""))

    def device(self, role: str) -> dict[str, Any]:
        """What the device panel shows of ``role`` (its state and details)."""
        import httpx

        answer = httpx.get(f"http://127.0.0.1:{self.panel_port}/api/devices", timeout=30)
        return next(d for d in answer.json()["devices"] if d["role"] == role)

    def read_qr_codes(self) -> list[str]:
        """The QR codes on the screen, read from a picture of it (as a phone or a scanner
        held to the screen would read them)."""
        import zxingcpp
        from PIL import ImageGrab

        picture = ImageGrab.grab(xdisplay=self.display)
        return [r.text for r in zxingcpp.read_barcodes(picture) if r.format.name == "QRCode"]

    # --- the end ------------------------------------------------------------------------

    def log_tail(self, lines: int = 40) -> str:
        self._log.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        self.xvfb.terminate()
        try:
            self.xvfb.wait(5)
        except subprocess.TimeoutExpired:
            self.xvfb.kill()
        self._log.close()


def started(workdir: Path, config_text: str) -> Iterator[KioskProcess]:
    kiosk = KioskProcess(workdir, config_text)
    try:
        yield kiosk
    finally:
        kiosk.close()
