"""Keyboard-wedge scans into a CPU-starved kiosk window: are keys lost, split or reordered?

An experiment, not a test (it measures a real X server, SDL and scheduler). It starts its own
Xvfb, a bare Kivy window listening with the kiosk's own :class:`kiosk.ui.scan_input.WedgeInput`
(the same path ``kiosk demo`` uses, without the screens), and types valid EAN-13 codes into it
with ``xdotool type --delay`` as a USB HID scanner would, while the window's process is starved:

- ``--starve stop`` (default): the window's process is stopped and continued in turns
  (SIGSTOP for ``--stop-ms``, SIGCONT for ``--run-ms``, both jittered), so its main loop runs
  in short slices between long stalls, as on a machine with a load of 12 on 2 cores — without
  burning a core on a shared machine;
- ``--starve hog``: the window is pinned to CPU 0 at ``--nice`` beside a busy loop there;
- ``--starve none``: a baseline.

It prints one line per scan that did not arrive whole and a summary: how many arrived as typed,
arrived wrong (a different code taken as a scan — the fault that must never happen), were
reported unreadable ("scan again"), or vanished without a word.

    PYTHONPATH=$PWD python scripts/wedge_starvation.py --scans 100
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter


def run_window() -> None:
    """The window: print each scan (or unreadable scan) as a JSON line on stdout."""
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    from kiosk.ui.lockdown import configure_kivy
    from kiosk.ui.settings import UiSettings

    configure_kivy(UiSettings(), size=(640, 480))  # the kiosk's own clock and frame rate
    from kivy.app import App
    from kivy.uix.widget import Widget

    from kiosk.ui.scan_input import WedgeInput

    class Shell:
        def scan(self, scan: object) -> None:
            print(json.dumps({"code": scan.code}), flush=True)  # type: ignore[attr-defined]

        def unreadable_scan(self, source: str, keys: int) -> None:
            print(json.dumps({"unreadable": keys}), flush=True)

    class Window(App):
        def build(self) -> Widget:
            from kivy.core.window import Window as KivyWindow

            self.wedge = WedgeInput(KivyWindow, Shell())
            if os.environ.get("WEDGE_TRACE"):  # each key's frame, time and judged time
                from kivy.clock import Clock

                feed = self.wedge.detector.feed

                def traced(char: str, at: float) -> object:
                    frame = Clock.frames
                    print(json.dumps({"trace": [frame, time.monotonic(), char]}), flush=True)
                    return feed(char, at)

                self.wedge.detector.feed = traced  # type: ignore[method-assign]
            if slow := float(os.environ.get("WEDGE_SLOW_FRAME_MS", "0")) / 1000:
                from kivy.clock import Clock

                def render(_dt: float) -> None:  # every third frame a software render's cost
                    if Clock.frames % 3 == 0:
                        end = time.monotonic() + slow
                        while time.monotonic() < end:
                            pass

                Clock.schedule_interval(render, 0)
            print(json.dumps({"ready": os.getpid()}), flush=True)
            return Widget()

    Window().run()


def ean13(rng: random.Random) -> str:
    body = "49" + "".join(rng.choice("0123456789") for _ in range(10))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


class Starver(threading.Thread):
    def __init__(self, pid: int, stop_ms: float, run_ms: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.stop_ms, self.run_ms = pid, stop_ms, run_ms
        self.rng = random.Random(seed)
        self.active = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            if not self.active.wait(0.05):
                continue
            os.kill(self.pid, signal.SIGSTOP)
            time.sleep(self.stop_ms * self.rng.uniform(0.5, 1.5) / 1000)
            os.kill(self.pid, signal.SIGCONT)
            time.sleep(self.run_ms * self.rng.uniform(0.5, 1.5) / 1000)
        os.kill(self.pid, signal.SIGCONT)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "640x480x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        return proc, ":" + pipe.readline().strip()


class Lines:
    """The window's JSON lines, read from its pipe without a buffer select() cannot see."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self.fd = proc.stdout.fileno()
        self.rest = b""

    def read(self, seconds: float) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([self.fd], [], [], left)[0]:
                break
            chunk = os.read(self.fd, 65536)
            if not chunk:
                break
            *lines, self.rest = (self.rest + chunk).split(b"\n")
            for line in lines:
                with contextlib.suppress(ValueError):
                    out.append(json.loads(line))
        return out


def experiment(args: argparse.Namespace) -> int:
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: scripts/setup-system.sh installs it")
    xvfb, display = start_xvfb()
    env = {**os.environ, "DISPLAY": display, "WEDGE_SLOW_FRAME_MS": str(args.slow_frame_ms)}
    command = [sys.executable, __file__, "--window"]
    hog = None
    if args.starve == "hog":
        command = ["taskset", "-c", "0", "nice", "-n", str(args.nice), *command]
    window = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    lines = Lines(window)
    starver = None
    try:
        ready = lines.read(60)
        if not ready or "ready" not in ready[0]:
            sys.exit("the window did not come up")
        wid = ""
        for _ in range(100):
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--pid", str(window.pid)],
                env=env,
                capture_output=True,
                text=True,
            )
            if wid := (found.stdout.split() or [""])[-1]:
                break
            time.sleep(0.1)
        subprocess.run(["xdotool", "windowfocus", "--sync", wid], env=env, check=True)
        if args.starve == "hog":  # once the window is up: beside it, it starts slowly
            hog = subprocess.Popen(["taskset", "-c", "0", sys.executable, "-c", "while 1: pass"])
        if args.starve == "stop":
            starver = Starver(window.pid, args.stop_ms, args.run_ms, args.seed)
            starver.start()
        rng = random.Random(args.seed)
        tally: Counter[str] = Counter()
        for n in range(args.scans):
            code = ean13(rng)
            if starver:
                starver.active.set()
            subprocess.run(
                ["xdotool", "type", "--window", wid, "--delay", str(args.delay), code + "\r"],
                env=env,
                check=True,
            )
            if starver:
                starver.active.clear()
                time.sleep(0.2)  # the last stop ends
                os.kill(window.pid, signal.SIGCONT)
            got = lines.read(args.pause)
            codes = [str(g["code"]) for g in got if "code" in g]
            unreadable = [str(g["unreadable"]) for g in got if "unreadable" in g]
            if os.environ.get("WEDGE_TRACE"):
                trace = [g["trace"] for g in got if "trace" in g]
                print(" ".join(f"{c!r}@{f}:{(t - trace[0][1]) * 1000:.0f}" for f, t, c in trace))
            if codes == [code] and not unreadable:
                tally["as typed"] += 1
                continue
            wrong = [c for c in codes if c != code]
            kind = "wrong code taken" if wrong else "unreadable" if unreadable else "vanished"
            if codes.count(code) and not wrong:
                kind = "as typed (+ unreadable)"
            tally[kind] += 1
            print(f"scan {n}: typed {code} -> scans {codes} unreadable {unreadable} ({kind})")
        print(
            f"starve={args.starve} stop_ms={args.stop_ms} run_ms={args.run_ms} "
            f"delay={args.delay} scans={args.scans}: " + json.dumps(dict(tally))
        )
        return 1 if tally["wrong code taken"] else 0
    finally:
        if starver:
            starver.done.set()
            starver.join(2)
        if hog:
            hog.terminate()
            hog.wait(5)
        with contextlib.suppress(ProcessLookupError):
            os.kill(window.pid, signal.SIGCONT)
        window.terminate()
        try:
            window.wait(30)
        except subprocess.TimeoutExpired:
            window.kill()
            window.wait(5)
        xvfb.terminate()
        xvfb.wait(5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--window", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scans", type=int, default=50)
    parser.add_argument("--starve", choices=("stop", "hog", "none"), default="stop")
    parser.add_argument("--stop-ms", type=float, default=100.0)
    parser.add_argument("--run-ms", type=float, default=3.0)
    parser.add_argument("--delay", type=int, default=5, help="xdotool type --delay, ms")
    parser.add_argument("--pause", type=float, default=1.5, help="seconds between scans")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nice", type=int, default=5, help="the window's, beside the hog")
    parser.add_argument(
        "--slow-frame-ms", type=float, default=0.0, help="CPU spent in every third frame"
    )
    args = parser.parse_args()
    if args.window:
        run_window()
        return 0
    return experiment(args)


if __name__ == "__main__":
    sys.exit(main())
