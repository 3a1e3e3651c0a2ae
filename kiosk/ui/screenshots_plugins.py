"""Screenshots of the plugin screens (tax-free, member enrolment, camera preview).

``python -m kiosk.ui.screenshots_plugins [--out DIR] [--languages ja en]`` under a display
(``xvfb-run -a -s "-screen 0 1280x800x24"``). Uses a throw-away config with
``[plugins.tax_free]`` and a ``folder:`` camera source of generated frames, and writes
``<lang>-15-taxfree-…`` to ``<lang>-21-…`` next to the ones ``kiosk.ui.screenshots`` makes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from kiosk.ui.screenshots import Shooter, shoot_session, tool_arguments

ONIGIRI = "4901234000018"


def _camera_frames(folder: Path) -> Path:
    import io

    import barcode
    import cv2
    import numpy as np
    from barcode.writer import ImageWriter

    buf = io.BytesIO()
    barcode.get("ean13", ONIGIRI[:12], writer=ImageWriter()).write(buf, {"dpi": 100})
    label = cv2.imdecode(np.frombuffer(buf.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        frame = np.full((480, 640, 3), (90 + 20 * i, 120, 150), np.uint8)
        h, w = label.shape[:2]
        frame[100 : 100 + h, 60 : 60 + w] = label[: 480 - 100, : 640 - 60]
        cv2.imwrite(str(folder / f"{i:04d}.png"), frame)
    return folder


def _config(work: Path) -> Path:
    from kiosk.config import DEFAULT_CONFIG

    frames = _camera_frames(work / "frames")
    path = work / "kiosk.toml"
    path.write_text(
        DEFAULT_CONFIG.read_text(encoding="utf-8")
        + '\n[plugins.tax_free]\nenabled = true\nstore_code = "TF-0001"\n'
        + f'[plugins.scanner_camera]\nsource = "folder:{frames}"\npreview = true\nloop = true\n'
        + "[plugins.loyalty]\nshow_name = true\n",
        encoding="utf-8",
    )
    return path


def shoot_language(s: Shooter, language: str) -> list[Path]:
    from kiosk.domain.scan import Scan, Symbology

    ctl, shots = s.ctl, []
    mrz = (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F3504152ZE184226B<<<<<16",
    )

    def shot(name: str) -> None:
        shots.append(s.shoot(language, name))

    ctl.set_language(language)
    ctl.start()
    s.wait(lambda: ctl.screen == "shopping")
    ctl.scan(Scan(ONIGIRI, Symbology.EAN13, "screenshots"))
    s.wait(lambda: ctl.rows)
    s.screen("taxfree").model.open()
    s.wait(lambda: s.screen("taxfree").model.state == "waiting_for_document")
    shot("15-taxfree-what-is-needed")
    for line in mrz:
        ctl.scan(Scan(line, Symbology.UNKNOWN, "keyboard-wedge"))
    s.wait(lambda: s.screen("taxfree").model.state == "needs_information")
    s.screen("taxfree").ids.landing_pad.value = "2026110"
    s.wait(lambda: True)
    shot("16-taxfree-landing-date")
    s.screen("taxfree").model.provide_landing("20261101", "temporary_visitor")
    s.wait(lambda: s.screen("taxfree").model.state == "ready")
    shot("17-taxfree-eligible")
    ctl.go("shopping")
    s.wait(lambda: s.screen("shopping").ids.camera.shown)
    shot("18-shopping-taxfree-badge-camera")
    ctl.go("code")
    s.wait(lambda: ctl.screen == "code")
    ctl.go("enrol")
    enrol = s.screen("enrol")
    s.wait(lambda: enrol.version)
    shot("19-enrol-purpose-of-use")
    enrol.agree()
    enrol.ids.phone_pad.value = "0901234510" + str(["ja", "en", "zh-Hans", "ko"].index(language))
    s.wait(lambda: True)
    shot("20-enrol-details")
    enrol.register()
    s.wait(lambda: enrol.step == "done")
    shot("21-enrol-member-qr")
    s.screen("taxfree").model.stop()
    ctl.cancel_sale()
    s.wait(lambda: ctl.screen == "attract")
    return shots


def main(argv: list[str] | None = None) -> int:
    args, settings = tool_arguments(__doc__ or "", argv)
    from kiosk.config import load_config

    work = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    config = load_config(_config(work), demo=True, data_dir=work / "data")
    shoot_session(config, settings, args.out, args.languages, shoot_language)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
