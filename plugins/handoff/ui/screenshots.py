"""Screenshots of the semi-self screens (payment kiosk, paused/closed, staff station).

``python -m plugins.handoff.ui.screenshots [--out DIR] [--languages ja en]`` under a display
(``xvfb-run -a -s "-screen 0 1280x800x24"``). A payment kiosk and a station with a shared
throw-away store key; writes ``<lang>-22-…`` to ``<lang>-28-…`` next to the others.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

from kiosk.ui.screenshots import Shooter, shoot_session, tool_arguments

ONIGIRI, TEA, BEER = "4901234000018", "4901234000148", "4901234000292"
KEY = base64.b64encode(b"screenshots-store-key-32-bytes!!").decode()


def _config(work: Path, role: str) -> Path:
    from kiosk.config import DEFAULT_CONFIG

    work.mkdir(parents=True, exist_ok=True)
    path = work / f"{role}.toml"
    path.write_text(
        DEFAULT_CONFIG.read_text(encoding="utf-8")
        + f'\n[plugins.handoff]\nrole = "{role}"\nhmac_key = "{KEY}"\n',
        encoding="utf-8",
    )
    return path


class _AssigningServer:
    """Stands in for the store server: kiosk "3" is idle."""

    def create_handoff(self, ticket: Any, code: str) -> dict[str, str]:
        return {"kiosk_id": "K03", "kiosk_name": "3"}


def shoot_station(s: Shooter, language: str) -> tuple[list[Path], str]:
    """Sign in, register, hand off on paper (QR) and to kiosk 3; returns the QR code."""
    from kiosk.domain.scan import Scan, Symbology

    ctl, shots = s.ctl, []
    station = s.screen("station")
    semi = station.model

    def shot(name: str) -> None:
        shots.append(s.shoot(language, name))

    ctl.set_language(language)
    sign_in = station.panels["sign_in"]
    sign_in.ids.pad.value = "S001"
    sign_in.choose("pin")
    sign_in.ids.pad.value = "12"
    s.wait(lambda: True)
    shot("25-station-sign-in")
    sign_in.reset()
    semi.sign_in("S001", "1234")
    s.wait(lambda: semi.step == "register")
    for code in (ONIGIRI, TEA, ONIGIRI, BEER):
        ctl.scan(Scan(code, Symbology.EAN13, "screenshots"))
    s.wait(lambda: ctl.state == "needs_attendant")
    station.panels["register"].ids.pad.value = "107"
    s.wait(lambda: True)
    shot("26-station-register-age-check")
    semi.approve()
    s.wait(lambda: ctl.state == "shopping")
    station.panels["register"].ids.pad.value = ""
    semi.hand_off()
    s.wait(lambda: semi.step == "result")
    code = semi.handoff_code
    shot("27-station-handoff-qr")
    semi.next_shopper()
    ctl.scan(Scan(ONIGIRI, Symbology.EAN13, "screenshots"))
    s.wait(lambda: ctl.rows)
    semi.station.server = _AssigningServer()
    semi.hand_off()
    s.wait(lambda: semi.step == "result")
    shot("28-station-go-to-kiosk")
    semi.station.server = None
    semi.next_shopper()
    semi.sign_out()
    s.wait(lambda: semi.step == "sign_in")
    return shots, code


def shoot_payment(s: Shooter, language: str, code: str) -> list[Path]:
    from kiosk.domain.scan import Scan, Symbology
    from plugins.handoff.plugin import handoff_for

    ctl, shots = s.ctl, []
    plugin = handoff_for(ctl.runtime)
    actions, semi = plugin.actions, plugin.ui_parts.model

    def shot(name: str) -> None:
        shots.append(s.shoot(language, name))

    ctl.set_language(language)
    ctl.scan(Scan(code, Symbology.QR, "screenshots"))
    s.wait(lambda: ctl.screen == "shopping" and ctl.rows)
    shot("22-payment-read-only-basket")
    ctl.cancel_sale()
    s.wait(lambda: ctl.screen == "attract")
    ctl.message = ""
    # the next shopper's screen starts in the store's language: this one's chosen again, so
    # <lang>-23/24 show the cover in it (it was Japanese in the English pictures)
    ctl.set_language(language)
    actions.perform("pause", "S001")
    s.wait(lambda: ctl.availability == "paused")
    shot("23-till-paused")
    actions.perform(
        "message", "S001", text="点検中です。隣のレジをご利用ください。 / Under maintenance."
    )
    s.wait(lambda: semi.console_message)
    shot("24-console-message")
    semi.dismiss_message()
    actions.perform("open", "S001")
    s.wait(lambda: ctl.availability == "open")
    return shots


def main(argv: list[str] | None = None) -> int:
    args, settings = tool_arguments(__doc__ or "", argv, ("ja", "en"))
    from kiosk.config import load_config

    work = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    codes: dict[str, str] = {}  # the station's hand-off code per language, for the kiosk

    def station(s: Shooter, language: str) -> list[Path]:
        paths, codes[language] = shoot_station(s, language)
        return paths

    def payment(s: Shooter, language: str) -> list[Path]:
        return shoot_payment(s, language, codes[language])

    for role, shoot in (("station", station), ("payment", payment)):
        config = load_config(_config(work, role), demo=True, data_dir=work / role)
        shoot_session(config, settings, args.out, args.languages, shoot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
