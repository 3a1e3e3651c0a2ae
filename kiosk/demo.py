"""``kiosk demo``: the touch UI on simulated devices, or a narrated scripted checkout."""

from __future__ import annotations

import importlib.util
import os

from kiosk.config import KioskConfig

DEMO_SCRIPT = "data/demo_script.txt"


def run_demo(config: KioskConfig, narrated: bool = False) -> int:
    if (
        not narrated
        and importlib.util.find_spec("kiosk.ui") is not None
        and os.environ.get("DISPLAY")
    ):
        from kiosk.ui.app import run_app

        return run_app(config)
    return run_narrated(config)


def run_narrated(config: KioskConfig) -> int:
    from importlib.resources import files

    from kiosk.app import build_runtime
    from kiosk.script import run_script

    runtime = build_runtime(config)
    script = files("kiosk") / DEMO_SCRIPT
    print(f"さくらマート demo — kiosk {config.kiosk_id}, store {config.database_path}\n")
    config.data_dir.mkdir(parents=True, exist_ok=True)
    local_script = config.data_dir / "demo_script.txt"
    local_script.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
    try:
        run_script(runtime, local_script, say=lambda text: print("  " + text))
    finally:
        runtime.shutdown()
    print("\nReceipt:\n")
    print((config.data_dir / "last-receipt.txt").read_text(encoding="utf-8"))
    return 0
