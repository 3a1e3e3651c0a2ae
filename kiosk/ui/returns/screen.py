"""The return screen (返品): find the sale, choose what comes back, refund, print.

Built in Python from the model's properties (:class:`~kiosk.ui.returns.model.ReturnModel`):
one body per stage (find, choose, manager, done), rebuilt when what it shows changes. A
staff screen: no shopper reads it, but every text is in the screen's language.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView

from kiosk.ui.returns.model import METHODS, REASONS, ReturnModel
from kiosk.ui.widgets import Keypad, KioskButton, KioskLabel, KioskScreen

SPACING = 8
#: how staff find the sale on the pad → msgid
ENTRY_MODES = {
    "receipt": "Receipt number",
    "store": "Another kiosk's receipt",
    "amount": "Today's sales by amount",
}
#: what became of the paper (KioskReturns.print_receipt) → msgid
PRINTED = {
    "printed": "The return receipt (qualified return invoice) is printed.",
    "saved": "No printer: the return receipt was saved on the kiosk.",
    "exempt": "Below the amount that needs a return invoice: nothing printed.",
    "failed": "The return receipt was not printed.",
}


class ReturnScreen(KioskScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        ctl = self.ctl
        self.model: ReturnModel = ctl.returns
        self.column = BoxLayout(orientation="vertical", padding=16, spacing=SPACING)
        self.add_widget(self.column)
        self.header = BoxLayout(size_hint_y=None, height=ctl.target, spacing=SPACING)
        self.title = KioskLabel(bold=True, font_size=ctl.fs_large)
        self.close_button = KioskButton(kind="quiet", size_hint_x=0.22)
        self.close_button.bind(on_release=lambda *_: self.model.close())
        self.header.add_widget(self.title)
        self.header.add_widget(self.close_button)
        self.feedback = KioskLabel(size_hint_y=None, height=ctl.fs_body * 3)
        self.body = BoxLayout(spacing=SPACING * 2)
        for widget in (self.header, self.feedback, self.body):
            self.column.add_widget(widget)
        self.entry_label: KioskLabel | None = None
        m = self.model
        m.bind(
            stage=self.rebuild,
            lines=self.rebuild,
            found=self.rebuild,
            sale=self.rebuild,
            result=self.rebuild,
            refund_total=self.rebuild,
            reason=self.rebuild,
            entry_mode=self.rebuild,
            busy=self.rebuild,
            feedback=self._texts,
            feedback_error=self._texts,
            staff_id=self._texts,
            entry=self._entry,
        )
        ctl.bind(language=self.rebuild)
        self.rebuild()

    # --- helpers -----------------------------------------------------------------------

    def rt(self, msgid: str) -> str:
        return self.model.rt(msgid)

    def _button(self, text: str, action: Any, kind: str = "secondary", **kw: Any) -> KioskButton:
        button = KioskButton(text=text, kind=kind, **kw)
        button.bind(on_release=lambda *_: action())
        return button

    def _label(self, text: str, **kw: Any) -> KioskLabel:
        return KioskLabel(text=text, **kw)

    def _texts(self, *_args: Any) -> None:
        ctl, m = self.ctl, self.model
        self.title.text = self.rt("Return goods") + (
            "  " + self.rt("Staff: {staff}").format(staff=m.staff_id) if m.staff_id else ""
        )
        self.close_button.text = self.rt("Close")
        self.feedback.text = m.feedback
        colour = "danger" if m.feedback_error else "text"
        self.feedback.color = ctl.theme.colours[colour]

    def _entry(self, *_args: Any) -> None:
        if self.entry_label is not None:
            self.entry_label.text = self._entry_text()

    def _entry_text(self) -> str:
        m = self.model
        if m.stage == "weight":
            return f"{m.entry} g"
        if m.entry_mode == "amount":
            return self.ctl.labelled(
                self.rt("Amount"), self.ctl.yen(int(m.entry)) if m.entry else "", "  "
            )
        return self.ctl.labelled(self.rt("Receipt No."), m.entry, "  ")

    def rebuild(self, *_args: Any) -> None:
        self._texts()
        self.body.clear_widgets()
        self.entry_label = None
        stage = self.model.stage
        {
            "find": self._find,
            "choose": self._choose,
            "weight": self._weight,
            "manager": self._manager,
        }.get(stage, self._done)()

    # --- stages ------------------------------------------------------------------------

    def _find(self) -> None:
        ctl, m = self.ctl, self.model
        left = BoxLayout(orientation="vertical", spacing=SPACING)
        left.add_widget(
            self._label(
                self.rt("Scan the code on the receipt, or type its receipt number."),
                font_size=ctl.fs_large,
                size_hint_y=None,
                height=ctl.fs_large * 4,
            )
        )
        modes = BoxLayout(size_hint_y=None, height=ctl.target, spacing=SPACING)
        for mode, msgid in ENTRY_MODES.items():
            kind = "primary" if m.entry_mode == mode else "quiet"
            modes.add_widget(
                self._button(self.rt(msgid), lambda mo=mode: m.set_entry_mode(mo), kind)
            )
        left.add_widget(modes)
        self.entry_label = self._label(
            self._entry_text(), font_size=ctl.fs_large, size_hint_y=None, height=ctl.target
        )
        left.add_widget(self.entry_label)
        results = GridLayout(cols=1, spacing=SPACING, size_hint_y=None)
        results.bind(minimum_height=results.setter("height"))
        for sale in m.found:
            text = self.rt("No. {number}  {time}  {total}").format(
                number=f"{sale['receipt_no']:06d}", time=sale["time"], total=ctl.yen(sale["total"])
            )
            kiosk = sale.get("kiosk_id", "")
            if kiosk:  # one of several kiosks' sales with the number typed
                text = self.rt("Kiosk {kiosk}").format(kiosk=kiosk) + "  " + text
                action: Any = partial(m.find_in_store, sale["receipt_no"], kiosk)
            else:
                action = partial(m.find, str(sale["receipt_no"]))
            results.add_widget(self._button(text, action, size_hint_y=None, height=ctl.target))
        scroll = ScrollView()
        scroll.add_widget(results)
        left.add_widget(scroll)
        right = BoxLayout(orientation="vertical", spacing=SPACING, size_hint_x=0.4)
        pad = Keypad(extra_keys=["C", "←"])
        pad.value = m.entry
        pad.bind(value=lambda _p, value: m.type_key(value))
        right.add_widget(pad)
        right.add_widget(
            self._button(
                self.rt("Find"),
                m.submit_entry,
                "primary",
                size_hint_y=None,
                height=ctl.target,
                disabled=m.busy,
            )
        )
        self.body.add_widget(left)
        self.body.add_widget(right)

    def _choose(self) -> None:
        ctl, m = self.ctl, self.model
        sale = m.sale
        left = BoxLayout(orientation="vertical", spacing=SPACING)
        where = (
            ""
            if sale.get("local")
            else "  " + self.rt("Kiosk {kiosk}").format(kiosk=sale.get("kiosk_id", ""))
        )
        left.add_widget(
            self._label(
                self.rt("Receipt No. {number}  {when}  Total {total}").format(
                    number=f"{sale.get('receipt_no', 0):06d}",
                    when=sale.get("completed_at", ""),
                    total=ctl.yen(int(sale.get("total", 0))),
                )
                + where,
                size_hint_y=None,
                height=ctl.target,
            )
        )
        rows = GridLayout(cols=1, spacing=SPACING, size_hint_y=None)
        rows.bind(minimum_height=rows.setter("height"))
        for line in m.lines:
            rows.add_widget(self._line_row(line))
        scroll = ScrollView()
        scroll.add_widget(rows)
        left.add_widget(scroll)
        right = BoxLayout(orientation="vertical", spacing=SPACING, size_hint_x=0.34)
        right.add_widget(self._label(self.rt("Reason"), size_hint_y=None, height=ctl.fs_body * 2))
        for code in m.reasons:
            kind = "primary" if code == m.reason else "quiet"
            right.add_widget(
                self._button(
                    self.rt(REASONS.get(code, code)) if code in REASONS else code,
                    lambda c=code: m.choose_reason(c),
                    kind,
                    size_hint_y=None,
                    height=ctl.target * 0.8,
                )
            )
        right.add_widget(BoxLayout())
        right.add_widget(
            self._label(
                self.rt("Refund {amount}").format(amount=ctl.yen(m.refund_total)),
                font_size=ctl.fs_large,
                bold=True,
                size_hint_y=None,
                height=ctl.target,
            )
        )
        right.add_widget(
            self._button(
                self.rt("Refund and print"),
                m.refund,
                "primary",
                size_hint_y=None,
                height=ctl.target,
                disabled=m.busy or not m.refund_total,
            )
        )
        right.add_widget(
            self._button(
                self.rt("Another receipt"),
                m.new_return,
                "quiet",
                size_hint_y=None,
                height=ctl.target,
                disabled=m.busy,
            )
        )
        self.body.add_widget(left)
        self.body.add_widget(right)

    def _line_row(self, line: dict[str, Any]) -> BoxLayout:
        ctl, m = self.ctl, self.model
        row = BoxLayout(size_hint_y=None, height=ctl.target, spacing=SPACING)
        unit = "g" if line["weighed"] else ""
        mark = "※" if line["reduced"] else ""
        text = self.rt("{name}  paid {paid}  returnable {left}").format(
            name=mark + line["name"],
            paid=ctl.yen(line["paid"]),
            left=f"{line['left']}{unit}",
        )
        row.add_widget(self._label(text))
        line_id, left = line["line_id"], line["left"]
        if line["weighed"]:  # grams typed on the pad (+ takes all that is left)
            row.add_widget(
                self._button(
                    self.rt("Weight"),
                    lambda: m.ask_weight(line_id),
                    "quiet",
                    size_hint_x=None,
                    width=ctl.target * 1.6,
                    disabled=not left,
                )
            )
        row.add_widget(
            self._button(
                "−",
                lambda: m.change(line_id, -1),
                size_hint_x=None,
                width=ctl.target,
                disabled=not line["chosen"],
            )
        )
        row.add_widget(
            self._label(
                f"{line['chosen']}{unit}",
                halign="center",
                size_hint_x=None,
                width=ctl.target * 1.6,
            )
        )
        row.add_widget(
            self._button(
                "+",
                lambda: m.change(line_id, 1),
                size_hint_x=None,
                width=ctl.target,
                disabled=line["chosen"] >= left,
            )
        )
        return row

    def _weight(self) -> None:
        ctl, m = self.ctl, self.model
        row = next((r for r in m.lines if r["line_id"] == m.weighing), None)
        left = BoxLayout(orientation="vertical", spacing=SPACING)
        if row is not None:
            left.add_widget(
                self._label(
                    self.rt("Grams of {name} that come back (up to {left} g)").format(
                        name=row["name"], left=row["left"]
                    ),
                    font_size=ctl.fs_large,
                    size_hint_y=None,
                    height=ctl.target * 1.5,
                )
            )
        self.entry_label = self._label(
            f"{m.entry} g", font_size=ctl.fs_large, size_hint_y=None, height=ctl.target
        )
        left.add_widget(self.entry_label)
        left.add_widget(BoxLayout())
        right = BoxLayout(orientation="vertical", spacing=SPACING, size_hint_x=0.4)
        pad = Keypad(extra_keys=["C", "←"], max_length=7)
        pad.bind(value=lambda _p, value: m.type_key(value))
        right.add_widget(pad)
        right.add_widget(
            self._button(
                self.rt("OK"),
                lambda: m.set_weight(int(m.entry or 0)),
                "primary",
                size_hint_y=None,
                height=ctl.target,
            )
        )
        self.body.add_widget(left)
        self.body.add_widget(right)

    def _manager(self) -> None:
        ctl, m = self.ctl, self.model
        state = {"field": "staff_id", "staff_id": "", "pin": ""}
        left = BoxLayout(orientation="vertical", spacing=SPACING)
        left.add_widget(
            self._label(
                self.rt("Manager: enter your ID and PIN to approve."),
                font_size=ctl.fs_large,
                size_hint_y=None,
                height=ctl.target * 1.5,
            )
        )
        shown = self._label("", font_size=ctl.fs_large, size_hint_y=None, height=ctl.target)
        left.add_widget(shown)
        left.add_widget(BoxLayout())
        left.add_widget(
            self._button(
                self.rt("Back"), m.cancel_manager, "quiet", size_hint_y=None, height=ctl.target
            )
        )
        right = BoxLayout(orientation="vertical", spacing=SPACING, size_hint_x=0.4)
        pad = Keypad(extra_keys=["S", "M"])

        def show() -> None:
            shown.text = (
                ctl.labelled(ctl.t("Staff ID"), state["staff_id"])
                + "   "
                + ctl.labelled(ctl.t("PIN"), "●" * len(state["pin"]))
            )

        def typed(_pad: Any, value: str) -> None:
            state[state["field"]] = value
            show()

        def ok() -> None:
            if state["field"] == "staff_id":
                state["field"], pad.value, pad.extra_keys = "pin", "", ["C", "←"]
                return
            m.manager_pin(state["staff_id"], state["pin"])

        pad.bind(value=typed)
        show()
        right.add_widget(pad)
        right.add_widget(
            self._button(self.rt("OK"), ok, "primary", size_hint_y=None, height=ctl.target)
        )
        self.body.add_widget(left)
        self.body.add_widget(right)

    def _done(self) -> None:
        ctl, m = self.ctl, self.model
        result = m.result
        column = BoxLayout(orientation="vertical", spacing=SPACING)
        column.add_widget(
            self._label(
                self.rt("Refunded {amount}").format(amount=ctl.yen(int(result.get("total", 0)))),
                font_size=ctl.fs_huge,
                bold=True,
                size_hint_y=None,
                height=ctl.fs_huge * 2,
            )
        )
        for method, amount in result.get("tenders", []):
            name = ctl.t(METHODS[method]) if method in METHODS else method
            column.add_widget(
                self._label(
                    self.rt("{method}: {amount}").format(method=name, amount=ctl.yen(amount)),
                    font_size=ctl.fs_large,
                    size_hint_y=None,
                    height=ctl.target,
                )
            )
        column.add_widget(
            self._label(
                self.rt("Return No. {number}").format(number=f"{result.get('return_no', 0):06d}"),
                size_hint_y=None,
                height=ctl.target,
            )
        )
        printed = PRINTED.get(str(result.get("printed", "")), "")
        if printed:
            column.add_widget(self._label(self.rt(printed), size_hint_y=None, height=ctl.target))
        column.add_widget(BoxLayout())
        buttons = BoxLayout(size_hint_y=None, height=ctl.target, spacing=SPACING)
        buttons.add_widget(self._button(self.rt("Print again"), m.print_again, "quiet"))
        buttons.add_widget(self._button(self.rt("Another return"), m.new_return))
        buttons.add_widget(self._button(self.rt("Done"), m.close, "primary"))
        column.add_widget(buttons)
        self.body.add_widget(column)
