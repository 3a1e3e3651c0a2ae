"""GIVEN the four catalogues and the shipped themes THEN every message the shell shows is
translated, catalogues compile without Debian gettext, and every theme loads."""

import re
from pathlib import Path

import pytest

from kiosk.ui import flows, payment_state
from kiosk.ui.basket_view import DEVICE_NAMES, reason_label
from kiosk.ui.flows import _FAILURE_TEXT, TIMED_OUT_TEXT
from kiosk.ui.i18n import LANGUAGE_NAMES, Translator, catalogue, po_path
from kiosk.ui.screens.lookup import DEPARTMENTS
from kiosk.ui.screens.paying import DEFAULT_INSTRUCTION, INSTRUCTIONS, MERCHANT_QR_INSTRUCTION
from kiosk.ui.theme import THEMES_DIR, ThemeError, hex_colour, load_theme

UI = Path(__file__).resolve().parents[2] / "kiosk" / "ui"
PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
# ctl.t("…") without a domain: the core's keys (a plugin's own, domain=…, are checked by
# tests/test_catalogues.py in the plugin's catalogue)
# (adjacent literals, "…" "…" over lines, are one message, as Python joins them)
CALL = re.compile(r'\bt\(\s*((?:"(?:[^"\\]|\\.)+"\s*)+)([^)]*)\)')
PIECE = re.compile(r'"((?:[^"\\]|\\.)+)"')


def shell_msgids() -> set[str]:
    found: set[str] = set()
    # the shell's and the built-in plugins' screens (plugins/<name>/ui: enrolment, hand-off,
    # tax-free), all translated with ctl.t
    screens = [*UI.rglob("*.py"), *UI.rglob("*.kv")]
    screens += [*PLUGINS.glob("*/ui/*.py"), *PLUGINS.glob("*/ui/*.kv")]
    for path in screens:
        text = path.read_text(encoding="utf-8")
        found.update(
            "".join(PIECE.findall(key)) for key, rest in CALL.findall(text) if "domain=" not in rest
        )
    found.update(DEPARTMENTS.values())
    found.update(DEVICE_NAMES.values())
    found.update(INSTRUCTIONS.values())
    found.add(DEFAULT_INSTRUCTION)
    found.update(_FAILURE_TEXT.values())
    found.update(TIMED_OUT_TEXT.values())
    found.update(payment_state.WAITING_TEXT.values())
    found.update(payment_state.WORKING_TEXT.values())
    found.update((payment_state.MERCHANT_QR_TEXT, payment_state.CANCELLING_TEXT))
    found.update((MERCHANT_QR_INSTRUCTION, flows.START_FAILED_TEXT))
    found.update((flows.SHOPPER_CANCELLED_TEXT, flows.CASH_RETURNED_TEXT))
    found.update(("Credit card", "E-money (IC card)", "Cash", "QR code payment"))  # tiles
    found.update(
        reason_label(r)
        for r in (
            "age_check",
            "removal_approval",
            "device_fault",
            "help_requested",
            "payment_problem",
            "inactivity",
        )
    )
    return found


@pytest.mark.parametrize("language", ["ja", "zh-Hans", "ko"])
def test_every_shell_message_is_translated(language: str) -> None:
    assert po_path(language).is_file()
    translations = catalogue(language)
    missing = sorted(
        m for m in shell_msgids() if translations.gettext(m) == m and m != "OK" and m != "PIN"
    )
    assert missing == []


def test_four_languages_and_english_passthrough() -> None:
    assert list(LANGUAGE_NAMES) == ["ja", "en", "zh-Hans", "ko"]
    assert catalogue("en").gettext("Pay") == "Pay"
    assert catalogue("ja").gettext("Pay") == "お会計"


def test_theme_strings_override_the_catalogue() -> None:
    translate = Translator(load_theme("sakura-mart").strings)
    assert translate("Touch to start", "ja") == "お会計をはじめる"
    assert translate("Touch to start", "ko") == "터치하여 시작"


@pytest.mark.parametrize("name", ["default", "high-contrast", "sakura-mart"])
def test_shipped_themes_load_with_a_logo(name: str) -> None:
    theme = load_theme(name)
    assert Path(theme.logo).is_file()
    assert theme.colours["primary"][3] == 1.0
    assert {"small", "body", "large", "huge", "total"} <= set(theme.sizes)


def test_theme_errors_say_what_to_fix(tmp_path) -> None:
    with pytest.raises(ThemeError, match=r"known: .*default"):
        load_theme("nope", THEMES_DIR)
    with pytest.raises(ThemeError, match="#rrggbb"):
        hex_colour("red", "theme.toml [colours.primary]")
