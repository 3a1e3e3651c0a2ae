"""Screenshots of what staff read on the kiosk when its sales do not reach the back office.

``python -m kiosk.ui.screenshots_sync [--out DIR] [--languages ja en]`` under a display
(``xvfb-run -a -s "-screen 0 1280x800x24"``). Writes ``<lang>-39-back-office-down`` (a backlog
of unsent sales: a staff line only, over a shopper's basket) and
``<lang>-40-back-office-refused`` (the kiosk's token refused: staff must re-enrol it) and
``<lang>-41-staff-overlay-back-office`` (the staff overlay a shopper's call opened, with the
refusal in detail: sales waiting since when, what to do). The
alerts are reported to the runtime as the sync thread reports them, at fixed store times, so
the pictures do not depend on the clock.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from kiosk.ui.screenshots import ITEMS, Shooter, shoot_session, tool_arguments

OLDEST_UNSENT = datetime(2026, 12, 7, 14, 5)
ALERTED = datetime(2026, 12, 7, 14, 36)
OVERLAY_AT = datetime(2026, 12, 7, 14, 41)


def shoot_language(s: Shooter, language: str) -> list[Path]:
    from kiosk.domain.scan import Scan, Symbology

    ctl, runtime, shots = s.ctl, s.app.runtime, []
    ctl.set_language(language)
    for code in ITEMS:
        ctl.scan(Scan(code, Symbology.EAN13, "screenshots"))
    s.wait(lambda: len(ctl.rows) == len(ITEMS) - 1)
    runtime.report_sync_alert("backlog", ALERTED, unsent=12, oldest_unsent_at=OLDEST_UNSENT)
    ctl.poll_problems()
    s.wait(lambda: ctl.problems)
    shots.append(s.shoot(language, "39-back-office-down"))
    runtime.sync_recovered("backlog")
    ctl.poll_problems()
    runtime.report_sync_alert(
        "revoked", ALERTED, unsent=12, oldest_unsent_at=OLDEST_UNSENT, stopped=True
    )
    ctl.poll_problems()
    s.wait(lambda: ctl.problems and ctl.problems[0]["shopper"])
    shots.append(s.shoot(language, "40-back-office-refused"))
    shots.append(_overlay_shot(s, language))
    runtime.sync_recovered("revoked")  # the next language's pictures start without it
    ctl.poll_problems()
    ctl.problems = []
    ctl.cancel_sale()
    s.wait(lambda: ctl.screen == "attract")
    return shots


def _overlay_shot(s: Shooter, language: str) -> Path:
    """Staff came to the shopper's call: the overlay lists the refusal with what to do."""
    ctl, runtime = s.ctl, s.app.runtime
    real_clock = runtime.clock
    runtime.clock = lambda: OVERLAY_AT  # the overlay's "since" reads the store clock
    try:
        ctl.problems = []  # staff pressed OK on the bar; the overlay still tells them
        ctl.call_staff()
        s.wait(
            lambda: s.app.root.staff.parent is not None and s.app.root.staff.ids.sync_problems.text
        )
        path = s.shoot(language, "41-staff-overlay-back-office")
        ctl.withdraw_call()
        s.wait(lambda: ctl.state == "shopping" and s.app.root.staff.parent is None)
    finally:
        runtime.clock = real_clock
    return path


def main(argv: list[str] | None = None) -> int:
    args, settings = tool_arguments(__doc__ or "", argv, languages=("ja", "en"))
    from kiosk.config import load_config

    config = load_config(data_dir=tempfile.mkdtemp(prefix="kiosk-shots-"))
    shoot_session(config, settings, args.out, args.languages, shoot_language)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
