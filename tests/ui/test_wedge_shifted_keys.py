"""A keyboard-wedge scanner sends upper case and symbols as shift + key, as the window gets
them from SDL: the shift key's own key-down (Kivy's codepoint chr(304) = "İ"), then the
unshifted key with "shift" among the modifiers. The scan must be what was printed."""

from __future__ import annotations

from kiosk.ui.scan_input import WedgeInput
from tests.ui.wedge_fakes import Shell, Window

SHIFT = 304  # Kivy's left-shift keycode
SHIFTED = '<>?:"{}|~!@#$%^&*()_+'
UNSHIFTED = ",./;'[]\\`1234567890-="


def press(wedge: WedgeInput, text: str) -> None:
    """Keys as SDL delivers them on a US keymap (what xdotool and HID scanners send)."""
    for char in text:
        if char.isupper() or char in SHIFTED:
            base = char.lower() if char.isalpha() else UNSHIFTED[SHIFTED.index(char)]
            wedge._on_key_down(None, SHIFT, 225, chr(SHIFT), ["shift"])
            wedge._on_key_down(None, ord(base), 0, base, ["shift"])
        else:
            wedge._on_key_down(None, ord(char), 0, char, [])
    wedge._on_key_down(None, 13, 40, None, [])


def test_a_passport_mrz_line_arrives_as_printed():
    shell = Shell()
    wedge = WedgeInput(Window(), shell)
    line = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    press(wedge, line)
    assert shell.scans == [line]


def test_digits_stay_digits_and_symbols_keep_their_shift():
    shell = Shell()
    wedge = WedgeInput(Window(), shell)
    press(wedge, "4901234000018")
    press(wedge, "KH1:Ab-_.x")
    assert shell.scans == ["4901234000018", "KH1:Ab-_.x"]
