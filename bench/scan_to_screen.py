"""Scan → screen latency: from a scan event to the frame that shows its basket line.

Run under a display: ``xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python
bench/scan_to_screen.py [--scans 500] [--maxfps 60 0]``. Each scan goes the real way (UI
thread → runtime worker → snapshot → Kivy properties → RecycleView) while the benchmark
pumps Kivy's event loop exactly as ``App.run`` does (``EventLoop.idle()`` in a loop).

What is timed, per scan (all ``time.perf_counter``):

* **scan → model**: until ``Controller.apply`` has put the snapshot with the new line into
  the controller's properties (UI thread; the kv rules bound to them have run).
* **scan → screen**: until ``Window.flip`` *returns* for the first frame whose drawing
  started after that apply, i.e. the first presented frame that contains the line. The
  frame is checked: the "last item" label and the RecycleView's data must already hold the
  new line when it is drawn.
* **apply**: how long ``Controller.apply`` itself took on the UI thread.
* **Checkout.scan** / **runtime.handle_scan**: the raw domain call and the runtime call
  (worker thread) of the same scans.
* **frame CPU** of that frame (``time.thread_time`` / ``time.process_time``, so other
  processes loading the machine do not count): the UI thread's Kivy work before drawing
  (clock, apply, layout, label text), the UI thread while drawing and flipping (walking the
  canvas, issuing GL calls, uploading label textures), and what the rest of the process
  burnt meanwhile — with Mesa's llvmpipe that is its rasteriser threads, i.e. the cost of
  having no GPU. The renderer string is printed first so a reader knows which case it is.

Each ``--maxfps`` value is one phase of the same run (``Clock`` is global, so the limiter is
switched between phases): ``60`` is what the kiosk runs with (frames are quantised to the
60 Hz clock) and the phase the goal is judged on; ``0`` takes the limiter away for
comparison (on two CPUs the UI thread then spins and competes with the rasteriser and the
runtime worker). Between
scans the loop idles ``--gap-frames`` frames like a kiosk between two items. A watchdog
(``faulthandler``) dumps every thread's stack if one scan takes longer than ``--watchdog``
seconds, so a hang is diagnosable instead of silent. Goal: p99 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def describe(name: str, values: list[float], note: str = "", digits: int = 2) -> str:
    if not values:
        return f"{name:<20}(no samples)"
    ms = [v * 1000 for v in values]
    return (
        f"{name:<20}p50 {statistics.median(ms):7.{digits}f} ms   "
        f"p99 {percentile(ms, 99):7.{digits}f} ms   max {max(ms):7.{digits}f} ms{note}"
    )


def renderer_line(window) -> str:
    """Which OpenGL renderer draws the frames: a GPU, or a software rasteriser."""
    from kivy.graphics.opengl import GL_RENDERER, GL_VERSION, glGetString

    renderer = glGetString(GL_RENDERER).decode(errors="replace")
    version = glGetString(GL_VERSION).decode(errors="replace")
    knobs = " ".join(
        f"{k}={os.environ[k]}" for k in ("LP_NUM_THREADS", "GALLIUM_DRIVER") if k in os.environ
    )
    software = any(name in renderer for name in ("llvmpipe", "softpipe", "swrast"))
    return (
        f"renderer: {renderer} (OpenGL {version}){' — software rasteriser' if software else ''};"
        f" window {window.size[0]}x{window.size[1]}; {os.cpu_count()} CPUs"
        + (f"; {knobs}" if knobs else "")
    )


def cpu_clocks() -> tuple[float, float]:
    """(this thread's CPU time, the whole process's CPU time), seconds."""
    return time.thread_time(), time.process_time()


def main() -> int:
    parser = argparse.ArgumentParser(description="scan-to-screen latency")
    parser.add_argument("--scans", type=int, default=500, help="scans per phase")
    parser.add_argument(
        "--maxfps", type=int, nargs="+", default=[60, 0], help="one phase per value (0 = off)"
    )
    parser.add_argument("--gap-frames", type=int, default=3, help="idle frames between scans")
    parser.add_argument("--basket", type=int, default=100, help="cancel the sale every N scans")
    parser.add_argument("--watchdog", type=float, default=30.0, help="dump stacks after N s")
    args = parser.parse_args()
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))

    from kiosk.ui.lockdown import KIOSK_MAXFPS, configure_kivy
    from kiosk.ui.settings import UiSettings

    settings = UiSettings(inactivity_seconds=10_000)
    configure_kivy(settings)
    from kivy.base import EventLoop
    from kivy.clock import Clock
    from kivy.core.text import LabelBase

    from kiosk.app import build_runtime
    from kiosk.config import load_config
    from kiosk.domain.scan import Scan, Symbology
    from kiosk.ui import widgets
    from kiosk.ui.app import make_app_class
    from kiosk.ui.theme import load_theme

    EventLoop.ensure_window()
    window = EventLoop.window
    print(renderer_line(window))
    runtime = build_runtime(load_config(data_dir=tempfile.mkdtemp(prefix="kiosk-bench-")))
    app = make_app_class()(runtime, load_theme("default"), settings, catch_errors=False)
    app._run_prepare()
    ctl = app.ctl
    shopping = app.root.manager.get_screen("shopping")
    codes = [p.gtin for p in runtime.catalogue if p.gtin and not p.age_restricted and not p.weighed]

    # --- instruments ---------------------------------------------------------------------
    domain: list[float] = []
    handle: list[float] = []
    real_scan = runtime.checkout.scan
    real_handle = runtime.handle_scan

    def timed_scan(scan):
        t0 = time.perf_counter()
        try:
            return real_scan(scan)
        finally:
            domain.append(time.perf_counter() - t0)

    def timed_handle(scan):
        t0 = time.perf_counter()
        try:
            return real_handle(scan)
        finally:
            handle.append(time.perf_counter() - t0)

    runtime.checkout.scan = timed_scan
    runtime.handle_scan = timed_handle

    applied = {"at": 0.0, "count": -1, "took": 0.0}
    real_apply = ctl.apply

    def timed_apply(snap):
        t0 = time.perf_counter()
        real_apply(snap)
        t1 = time.perf_counter()
        applied.update(at=t1, count=snap.item_count, took=t1 - t0, name=ctl.last_name)

    ctl.apply = timed_apply

    # (draw started, flip returned, line shown, (UI CPU before drawing, UI CPU drawing,
    # process CPU drawing)); one per presented frame
    frames: list[tuple[float, float, bool, tuple[float, float, float]]] = []
    drawing = {"start": 0.0, "shown": False, "idle": (0.0, 0.0), "draw": (0.0, 0.0)}
    real_flip = window.flip

    def on_draw(*_args):
        drawing["start"] = time.perf_counter()
        drawing["draw"] = cpu_clocks()
        rv = shopping.ids.basket
        drawing["shown"] = (
            app.root.manager.current == "shopping"
            and shopping.ids.last_name.text == ctl.last_name
            and len(rv.data) == len(ctl.rows)
        )

    def timed_flip():
        real_flip()
        end, (thread0, process0), (thread1, _) = cpu_clocks(), drawing["draw"], drawing["idle"]
        cpu = (thread0 - thread1, end[0] - thread0, end[1] - process0)
        frames.append((drawing["start"], time.perf_counter(), drawing["shown"], cpu))

    window.fbind("on_draw", on_draw)
    window.flip = timed_flip

    renders = [0]
    real_render = LabelBase._render_real

    def counted_render(self):
        renders[0] += 1
        return real_render(self)

    LabelBase._render_real = counted_render

    def idle() -> None:
        drawing["idle"] = cpu_clocks()
        EventLoop.idle()

    def pump(n: int) -> None:
        for _ in range(n):
            idle()

    def cancel_sale() -> None:
        ctl.run(runtime.cancel)
        ctl.worker.wait_idle(5)
        deadline = time.perf_counter() + 5
        while ctl.item_count and time.perf_counter() < deadline:
            idle()
        pump(10)

    pump(10)
    # warm up (first textures, first layout of the basket), not counted
    for code in codes[:5]:
        ctl.scan(Scan(code, Symbology.EAN13, "bench"))
    ctl.worker.wait_idle(5)
    pump(20)
    cancel_sale()

    results = []
    for fps in args.maxfps:
        Clock._max_fps = float(fps)
        model: list[float] = []
        screen: list[float] = []
        apply_took: list[float] = []
        frame_draw: list[float] = []
        cpu_kivy: list[float] = []
        cpu_draw: list[float] = []
        cpu_other: list[float] = []
        per_scan_renders: list[int] = []
        per_scan_wraps: list[int] = []
        domain.clear()
        handle.clear()
        missed = 0
        wrong_frame = 0
        phase_start = time.perf_counter()
        for i in range(args.scans):
            faulthandler.dump_traceback_later(args.watchdog, exit=False, file=sys.__stderr__)
            pump(args.gap_frames)
            expected = ctl.item_count + 1
            renders_before = renders[0]
            wraps_before = widgets.wrap_calls
            nframes = len(frames)
            start = time.perf_counter()
            ctl.scan(Scan(codes[i % len(codes)], Symbology.EAN13, "bench"))
            deadline = start + 10.0
            frame = None
            while time.perf_counter() < deadline:
                idle()
                if applied["count"] >= expected and applied["at"] >= start:
                    frame = next((f for f in frames[nframes:] if f[0] >= applied["at"]), None)
                    if frame is not None:
                        break
            if frame is None:
                missed += 1
                print(
                    f"scan {i}: no frame within 10 s (item_count {ctl.item_count}, "
                    f"expected {expected}, state {ctl.state}, screen {ctl.screen})",
                    file=sys.__stderr__,
                )  # Kivy swallows sys.stderr
                continue
            if not frame[2]:
                wrong_frame += 1
            model.append(applied["at"] - start)
            apply_took.append(applied["took"])
            screen.append(frame[1] - start)
            frame_draw.append(frame[1] - frame[0])
            kivy_cpu, draw_cpu, process_cpu = frame[3]
            cpu_kivy.append(kivy_cpu)
            cpu_draw.append(draw_cpu)
            cpu_other.append(max(0.0, process_cpu - draw_cpu))
            per_scan_renders.append(renders[0] - renders_before)
            per_scan_wraps.append(widgets.wrap_calls - wraps_before)
            if i % args.basket == args.basket - 1:  # a shopper has < 100 lines
                cancel_sale()
        faulthandler.cancel_dump_traceback_later()
        cancel_sale()
        results.append(
            {
                "fps": fps,
                "model": model,
                "screen": screen,
                "apply": apply_took,
                "frame": frame_draw,
                "cpu_kivy": cpu_kivy,
                "cpu_draw": cpu_draw,
                "cpu_other": cpu_other,
                "renders": per_scan_renders,
                "wraps": per_scan_wraps,
                "domain": list(domain),
                "handle": list(handle),
                "missed": missed,
                "wrong": wrong_frame,
                "took": time.perf_counter() - phase_start,
            }
        )

    app.dispatch("on_stop")
    runtime.shutdown()
    LabelBase._render_real = real_render

    goal_met = True
    for r in results:
        fps, screen = r["fps"], r["screen"]
        print(
            f"--- maxfps {fps or 'off (0)'}, {type(Clock).__name__}: {len(screen)} scans in"
            f" {r['took']:.1f} s (missed {r['missed']}, frame without the line {r['wrong']})"
        )
        print(describe("scan → screen", screen, "   (first flip with the line)"))
        print(describe("scan → model", r["model"], "   (line in the controller)"))
        print(describe("  apply (UI thread)", r["apply"]))
        print(describe("  draw + flip", r["frame"], "   (of that frame)"))
        print("frame CPU time (that frame; other processes on the machine do not count)")
        print(describe("  UI: Kivy work", r["cpu_kivy"], "   (clock, apply, layout, text)"))
        print(describe("  UI: draw + flip", r["cpu_draw"], "   (canvas, GL calls, uploads)"))
        print(describe("  other threads", r["cpu_other"], "   (meanwhile: the rasteriser)"))
        if r["cpu_other"]:
            ui = statistics.median(r["cpu_kivy"]) + statistics.median(r["cpu_draw"])
            other = statistics.median(r["cpu_other"])
            print(
                f"  p50 split: UI thread {ui * 1000:.1f} ms, other threads {other * 1000:.1f} ms"
                f" ({other / (ui + other):.0%} of the frame's CPU)"
            )
        print(describe("runtime.handle_scan", r["handle"], digits=3))
        print(describe("Checkout.scan", r["domain"], digits=3))
        if r["renders"]:
            print(
                f"label renders/scan  mean {statistics.mean(r['renders']):5.1f}   "
                f"max {max(r['renders'])}"
            )
        if r["wraps"]:  # Japanese laid out by kiosk.ui.kinsoku (cache misses)
            print(
                f"text wraps/scan     mean {statistics.mean(r['wraps']):5.1f}   "
                f"max {max(r['wraps'])}"
            )
        met = bool(screen) and percentile(screen, 99) <= 0.050 and not r["missed"]
        if fps == KIOSK_MAXFPS:
            goal_met = goal_met and met
            print("goal (scan → screen p99 ≤ 50 ms):", "met" if met else "NOT met")
        else:
            print(
                f"(for comparison: the kiosk runs at maxfps {KIOSK_MAXFPS}; the goal is judged"
                f" there{'; with the limiter off the UI thread spins' if not fps else ''})"
            )
    return 0 if goal_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
