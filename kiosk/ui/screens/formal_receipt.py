"""領収書 on request: the addressee typed on our own keypad, the 但し書き chosen, printed.

Opened from the receipt screen after payment (the sale just paid; a member's name is
filled in when a member card was scanned and the store shows names) and from the staff
overlay (a past sale by its receipt number: staff reprint). The work — layout, printer,
journal, 再発行 — is the runtime's (:meth:`KioskRuntime.issue_formal_receipt`); this screen
only collects what the shopper typed and chose.

Kanji: the kana at the end of the addressee is looked up in the addressee words
(:mod:`kiosk.domain.addressee_words`: company forms, honorifics, surnames, the store's own)
and the words are offered as buttons; a tap puts one in place of its kana. The member's
name (a member card scanned) is offered there too, and 上様 is one tap beside 様 and 御中.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kivy.properties import BooleanProperty, ListProperty, StringProperty

from kiosk.domain.addressee_words import AddresseeWords, Candidate, apply
from kiosk.domain.formal_receipt import MAX_TEXT
from kiosk.domain.kana import hiragana, katakana
from kiosk.ui.receipt_output import printer_fault_text
from kiosk.ui.widgets import KANA_ROWS, KioskButton, KioskScreen, TextPad

log = logging.getLogger(__name__)

MAX_ADDRESSEE = MAX_TEXT  # kiosk.domain.formal_receipt.FormalReceiptRequest's bound
QUICK_KEYS = ("(株)", "(有)", "・", "&", "-")  # what company names need beyond the pad
UESAMA = "上様"  # the addressee when the shopper gives no name: no honorific after it
MAX_CANDIDATES = 6  # two rows of three on the screen; one row in large text (room)
CANDIDATE_COLUMNS = 3
KANA_LETTERS = "".join(KANA_ROWS)


class AddresseePad(TextPad):
    """The look-up pad with a katakana mode (company names) that keeps latin capitals.

    Its latin keys are four rows of ten: the staff reprint's receipt number field sits
    above the pad, and five rows of 15 mm keys would run under the tool row in large text."""

    abc_columns = 10

    def on_mode(self, pad: Any, mode: str) -> None:
        super().on_mode(pad, "kana" if mode == "kata" else mode)
        if mode == "kata":
            for key in self.walk(restrict=True):
                if isinstance(key, KioskButton) and key.text and key.text in KANA_LETTERS:
                    key.text = katakana(key.text)

    def type_key(self, key: str) -> None:
        if len(self.value) + len(key) > MAX_ADDRESSEE:
            return
        if self.mode == "abc" and key != "␣":
            self.value += key  # capitals stay: a company's latin name is printed as written
        else:
            super().type_key(key)

    def press(self, key: str) -> None:
        """The tools (゛ ゜ 小 ← C); 小 on katakana too."""
        if key == "小" and self.mode == "kata":
            # the hiragana rule on the last letter, then back to katakana
            self.value = self.value[:-1] + hiragana(self.value[-1:])
            super().press(key)
            self.value = self.value[:-1] + katakana(self.value[-1:])
        else:
            super().press(key)


class FormalReceiptScreen(KioskScreen):
    """``reprint`` (staff, a past sale by receipt number) or the sale just paid."""

    reprint = BooleanProperty(False)
    field = StringProperty("addressee")  # which field the pad types into
    addressee = StringProperty("")
    receipt_no = StringProperty("")
    honorific = StringProperty("様")
    proviso = StringProperty("")
    provisos = ListProperty()
    status = StringProperty("")
    busy = BooleanProperty(False)
    printer_fault = BooleanProperty(False)  # the last print failed: staff's, not the timer's
    back_to = StringProperty("receipt")
    candidates = ListProperty()  # Candidate: kanji for the kana at the end of the addressee
    member_name = StringProperty("")  # the signed-in member's, offered as a candidate
    offered = BooleanProperty(False)  # candidates shown (else a line saying how)
    large_text = BooleanProperty(False)  # the shopper's, from the kv rule

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._words = AddresseeWords({})
        self.ctl.formal_receipt = self  # the staff overlay's reprint opens it (flows.unlock)

    # --- opening -----------------------------------------------------------------------

    def open_for_sale(self, sale: Any) -> None:
        """After payment: the sale just paid; a name a plugin knows for it (loyalty: the
        member's, when the store shows names) goes in as the addressee."""
        self._reset(reprint=False, back_to="receipt")
        self._sale = sale
        sources = list(self.ctl.addressee_sources)
        if sources:
            self.ctl.run(lambda: first_name(sources, sale), self._member_name)
        self._open()

    def open_reprint(self, back_to: str) -> None:
        """Staff at the overlay: a past sale, found by its receipt number."""
        self._reset(reprint=True, back_to=back_to)
        self._sale = None
        self.choose("receipt_no")
        self._open()

    def on_enter(self, *_args: Any) -> None:
        # a stray scan here is no item for a basket (the sale is paid, or staff reprint)
        self.ctl.scan_interceptors.insert(0, _swallow)

    def on_leave(self, *_args: Any) -> None:
        while _swallow in self.ctl.scan_interceptors:
            self.ctl.scan_interceptors.remove(_swallow)

    def _reset(self, *, reprint: bool, back_to: str) -> None:
        self.reprint, self.back_to = reprint, back_to
        self.addressee = self.receipt_no = self.status = ""
        self.honorific, self.busy, self.field = "様", False, "addressee"
        self.member_name = ""
        self.printer_fault = False
        self.ids.pad.value = ""
        self.ids.pad.mode = "kana"

    def _open(self) -> None:
        def listed(choices: Any) -> None:
            self.provisos = list(choices.provisos)
            self.proviso = self.provisos[0] if self.provisos else ""
            self._words = choices.words
            self.on_addressee()
            self.ctl.screen = self.name

        self.ctl.run(self.ctl.runtime.formal_receipt_choices, listed)

    def _member_name(self, name: str) -> None:
        self.member_name = name[:MAX_ADDRESSEE]
        if name and not self.addressee:
            self.choose("addressee")
            self.ids.pad.value = name[:MAX_ADDRESSEE]

    def on_provisos(self, *_args: Any) -> None:
        """One button per 但し書き the store configured (its own text: what is printed)."""
        grid = self.ids.provisos
        grid.clear_widgets()
        for text in self.provisos:
            button = KioskButton(text=text, kind="tile", size_hint_y=None, height=self.ctl.target)
            button.bind(on_release=lambda b: setattr(self, "proviso", b.text))
            grid.add_widget(button)
        self.on_proviso()

    def on_proviso(self, *_args: Any) -> None:
        for button in self.ids.provisos.children:
            button.kind = "primary" if button.text == self.proviso else "tile"

    # --- typing ------------------------------------------------------------------------

    def choose(self, field: str) -> None:
        self.field = field
        pad = self.ids.pad
        if field == "receipt_no":
            pad.mode = "abc"
            pad.value = self.receipt_no
        else:
            pad.value = self.addressee

    def typed(self, value: str) -> None:
        if self.field == "receipt_no":
            digits = "".join(ch for ch in value if ch.isdigit())[:9]
            self.receipt_no = digits
            if digits != value:
                self.ids.pad.value = digits
        else:
            self.addressee = value
        if self.status and not self.busy:
            self.status = ""  # typing again: the last print's message is over

    def quick(self, text: str) -> None:
        if self.field == "addressee" and len(self.addressee) + len(text) <= MAX_ADDRESSEE:
            self.ids.pad.value = self.addressee + text

    # --- kanji -------------------------------------------------------------------------

    def on_addressee(self, *_args: Any) -> None:
        self.candidates = self._words.candidates(self.addressee, self._room())
        self._show_candidates()

    def _room(self) -> int:
        return CANDIDATE_COLUMNS if self.large_text else MAX_CANDIDATES

    def on_member_name(self, *_args: Any) -> None:
        self._show_candidates()

    def on_large_text(self, *_args: Any) -> None:
        self.on_addressee()  # fewer, taller candidate buttons (or more, smaller)

    def _show_candidates(self) -> None:
        """The member's name (unless already typed) then the kanji, one button each."""
        grid = self.ids.get("candidates")
        if grid is None:
            return  # the kv rules are not applied yet
        grid.clear_widgets()
        offers: list[tuple[str, Candidate | None]] = []
        if self.member_name and self.member_name != self.addressee:
            offers.append((self.member_name, None))
        offers += [(c.word, c) for c in self.candidates]
        for text, candidate in offers[: self._room()]:
            button = KioskButton(text=text, kind="tile", size_hint_y=None, height=self.ctl.target)
            button.bind(on_release=lambda _b, c=candidate, t=text: self.take(c, t))
            grid.add_widget(button)
        self.offered = bool(offers)

    def take(self, candidate: Candidate | None, text: str) -> None:
        """A candidate tapped: its word replaces its kana (``None``: the member's name
        replaces what was typed)."""
        self.choose("addressee")
        value = apply(self.addressee, candidate) if candidate is not None else text
        if len(value) <= MAX_ADDRESSEE:
            self.ids.pad.value = value

    def uesama(self) -> None:
        """上様: the addressee for a shopper who gives no name, with nothing after it."""
        self.choose("addressee")
        self.ids.pad.value = UESAMA
        self.honorific = ""

    # --- printing ----------------------------------------------------------------------

    def issue(self) -> None:
        ctl = self.ctl
        if self.busy:
            return
        if self.reprint and not self.receipt_no:
            self.status = ctl.t("Enter the receipt number.")
            return
        self.busy, self.status = True, ctl.t("Printing…")
        addressee, proviso, honorific = self.addressee, self.proviso, self.honorific
        sale, number = self._sale, int(self.receipt_no or 0)

        def job() -> Any:
            if sale is not None:
                return ctl.runtime.issue_formal_receipt(
                    addressee, proviso, honorific=honorific, sale=sale
                )
            return ctl.runtime.issue_formal_receipt(
                addressee, proviso, honorific=honorific, receipt_no=number
            )

        ctl.run(job, self._issued, self._failed)

    def _issued(self, issued: Any) -> None:
        self.busy = False
        self.status = self.ctl.t(
            "Reprinted (marked 再発行). Please take it."
            if issued.reprint
            else "Printed. Please take your receipt for expenses."
        )

    def _failed(self, exc: BaseException) -> None:
        ctl = self.ctl
        self.busy = False
        if type(exc).__name__ == "SaleNotFound":
            self.status = ctl.t("No sale with that receipt number on this kiosk.")
        elif isinstance(exc, ValueError):
            self.status = ctl.t("That addressee cannot be printed. Please shorten it.")
        else:
            self.status = ctl.t("The printer needs attention. Staff have been told.")
            self.printer_fault = True
            log.warning("領収書 not printed: %s", exc)
            ctl.problems.append({"shopper": self.status, "staff": printer_fault_text(ctl.t, exc)})

    def back(self) -> None:
        self.ctl.screen = self.back_to

    def held(self) -> bool:
        """Printing, or the printer failed (staff have been told): not to be finished by the
        walk-away timer (:meth:`Flows._finish_when_gone`)."""
        return self.busy or self.printer_fault


def _swallow(_scan: Any) -> bool:
    return True  # taken: no scan reaches a basket while the 領収書 screen is up


def first_name(sources: list[Callable[[Any], str]], sale: Any) -> str:
    """The first addressee a plugin offers for ``sale`` (runs on the runtime worker)."""
    for source in sources:
        name = source(sale)
        if name:
            return name
    return ""
