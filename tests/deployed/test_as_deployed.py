"""The kiosk as a store deploys it: ``kiosk run --config FILE``, real device links, back office.

The kiosk is the production command run as a subprocess, exactly as
``deploy/systemd/kiosk.service`` starts it, on its own Xvfb screen (the journey harness,
:mod:`tests.journeys.kiosk_process`). Its hardware profile names the real drivers: a serial
scanner on a pty, the KCP/1 cash changer on a pty, an ESC/POS printer on TCP; the card
terminal is reached over KTP/1 (TCP); the sales go to a ``kiosk-backoffice serve`` process.
The test plays the hardware (see :mod:`tests.deployed.rig`) and the shopper (taps through X).
Shoppers follow one another on one kiosk process, as in a shop; the order of the tests is
the order of shoppers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from kiosk.staff import hash_pin
from plugins.pay_card.simulator import CardTerminalSimulator
from tests.deployed.rig import ROOT, Backoffice, ChangerPort, ScannerPort, poll
from tests.devices.network_printer import PrinterServer
from tests.journeys.kiosk_process import KioskProcess, Screen

pytestmark = [pytest.mark.ui, pytest.mark.journey]

RICE_BALL = "4901234000018"  # おにぎり 鮭 ¥150, 8 %
RICE_5KG = "4901234000193"  # 米 5kg ¥2,480, 8 %
MILK = "4901234000063"  # 牛乳 1000ml ¥248, 8 %
GREEN_TEA = "4901234000148"  # 緑茶 500ml ¥138, 8 %
REGISTRATION = "T5835678256246"

PROFILE = """\
[kiosk]
model = "As-deployed test rig (serial scanner, KCP/1 changer, ESC/POS on TCP)"

[devices.main_scanner]
driver = "serial"
connection = "{scanner}"
options = {{ baudrate = 9600, suffix = "CR" }}

[devices.printer]
driver = "escpos"
connection = "{printer}"
options = {{ columns = 42, text_mode = "kanji", cut_mode = "PART", timeout = 3 }}

[devices.changer]
driver = "serial"
connection = "{changer}"
options = {{ baudrate = 9600, timeout = 3.0 }}
"""

SITE_CONFIG = """\
[kiosk]
id = "K01"
data_dir = "{data_dir}"
hardware_profile = "{profile}"
language = "ja"
receipt_width = 42

[store]
name = "さくらマート 渋谷店"
registration_number = "{registration}"
address = "東京都渋谷区神南1-2-3"
phone = "03-1234-5678"

[checkout]
rounding = "floor"

[plugins]
builtin = ["plugins.pay_cash", "plugins.pay_card"]
allow = []

[plugins.pay_card]
host = "127.0.0.1"
port = {terminal_port}

[backoffice]
url = "{backoffice_url}"
token = "{token}"

[staff.accounts.{staff_id}]
name = "山田"
role = "attendant"
pin_hash = "{pin_hash}"
"""
STAFF_ID, STAFF_PIN = "S007", "2468"


class Shop:
    """One deployed kiosk and everything around it."""

    def __init__(self, workdir: Path) -> None:
        self.backoffice = Backoffice(workdir)
        self.scanner = ScannerPort(workdir / "scanner-by-id")
        self.changer = ChangerPort(workdir / "changer-by-id")
        self.printer = PrinterServer()
        self.terminal = CardTerminalSimulator().start()
        profile = workdir / "test-rig.toml"
        profile.write_text(
            PROFILE.format(
                scanner=self.scanner.link,
                printer=self.printer.connection,
                changer=self.changer.link,
            ),
            encoding="utf-8",
        )
        config = SITE_CONFIG.format(
            data_dir=workdir / "var",
            profile=profile,
            registration=REGISTRATION,
            terminal_port=self.terminal.port,
            backoffice_url=self.backoffice.url,
            token=self.backoffice.token,
            staff_id=STAFF_ID,
            pin_hash=hash_pin(STAFF_PIN),
        )
        # as the systemd unit: KIVY_NO_ARGS, the worktree's code on the path
        env = {"KIVY_NO_ARGS": "1", "PYTHONPATH": str(ROOT)}
        self.kiosk = KioskProcess(workdir, config, args=("run",), env=env)

    def close(self) -> None:
        for part in (self.kiosk, self.scanner, self.changer, self.printer, self.terminal):
            try:
                part.close() if hasattr(part, "close") else part.stop()
            except Exception as exc:  # the rest still has to stop
                print(f"stopping {type(part).__name__}: {exc}")
        self.backoffice.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    rig = Shop(tmp_path_factory.mktemp("deployed"))
    try:
        yield rig
    finally:
        print("--- kiosk log ---\n" + rig.kiosk.log_tail(80))
        rig.close()


def yen(amount: int) -> str:
    return f"￥{amount:,}"


def shows(screen: Screen, label: str, value: str) -> bool:
    """Some summary row reads ``label`` then ``value`` (a label may appear more than once)."""
    texts = [" ".join(t.split()) for t in screen.texts()]
    return any(a == label and b == value for a, b in pairwise(texts))


def pay_cash(shop: Shop, notes: list[int], total: int) -> Screen:
    """Tap お会計 → 現金, feed ``notes`` into the changer; the receipt screen after."""
    kiosk = shop.kiosk
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")
    kiosk.tap(re.compile("現金$"))
    poll(lambda: shop.changer.depositing, 15, "the kiosk to start the changer's deposit (DS)")
    for note in notes:
        assert shop.changer.insert(note), f"the kiosk handed back a {note} yen note"
    done = kiosk.wait_screen("receipt", timeout=30)
    assert shows(done, "合計", yen(total)), done.joined()
    return done


def one_item_to(shop: Shop, code: str, method: str) -> None:
    """A shopper scans one item, taps お会計, then the method whose tile ends in ``method``."""
    kiosk = shop.kiosk
    shop.scanner.scan(code)
    kiosk.wait_screen("shopping")
    kiosk.wait_text("1点")
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")
    kiosk.tap(re.compile(method + "$"))


def receipt_printed(shop: Shop) -> str | None:
    """The printer's text once a whole receipt (through the cut) has arrived."""
    text = shop.printer.text()
    return text if "合計" in text and "\x1dV" in text else None


def kiosk_holds(shop: Shop, path: str) -> bool:
    """The kiosk process has ``path`` open (it reopened a re-plugged port)."""
    fd_dir = Path(f"/proc/{shop.kiosk.proc.pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            if os.readlink(fd) == path:
                return True
        except OSError:
            continue  # closed while we looked
    return False


def staff_unlock(kiosk: KioskProcess) -> None:
    """A member of staff types their ID and PIN on the overlay's own pad."""
    for key in STAFF_ID:
        kiosk.tap(key, cls="KioskButton")
    kiosk.tap("OK")  # on to the PIN
    for key in STAFF_PIN:
        kiosk.tap(key, cls="KioskButton")
    kiosk.wait_text("PIN(:? +|：)" + "●" * len(STAFF_PIN))  # full-width after Japanese
    kiosk.tap("OK")


def dispensed(shop: Shop) -> list[int]:
    return [int(m.fields[0]) for m in shop.changer.received if m.command == "DP"]


def test_scans_cash_change_receipt_and_the_sale_in_the_back_office(shop: Shop):
    kiosk = shop.kiosk
    shop.scanner.scan(RICE_BALL)
    kiosk.wait_screen("shopping")
    shop.scanner.scan(RICE_5KG)
    screen = kiosk.wait_text("2点")
    assert shows(screen, "合計", yen(2630)), screen.joined()

    paid = pay_cash(shop, [1000, 1000, 1000], 2630)
    assert dispensed(shop) == [370]  # the change, once
    assert shows(paid, "お預かり（現金）", yen(3000)) and shows(paid, "おつり", yen(370)), (
        paid.joined()
    )
    assert shop.changer.total == 3000

    kiosk.tap("レシートを印刷")
    printed = poll(lambda: receipt_printed(shop), 20, "the receipt on the printer link")
    assert f"登録番号 {REGISTRATION}" in printed
    assert re.search(r"合計 +￥2,630", printed), printed
    kiosk.wait_screen("attract", timeout=30)

    sales = poll(shop.backoffice.sales, 30, "the sale in the back office")
    assert [(kiosk_id, total) for _, kiosk_id, total in sales] == [("K01", 2630)]


def test_scanner_unplugged_mid_sale_staff_see_it_and_the_sale_completes_once(shop: Shop):
    kiosk = shop.kiosk
    shop.scanner.scan(MILK)
    kiosk.wait_screen("shopping")
    kiosk.wait_text("1点")

    shop.scanner.unplug()  # the USB cable comes out mid-sale
    overlay = kiosk.wait_text("機器の確認が必要です", timeout=15)
    assert "係員がまいります" in overlay.joined()

    shop.scanner.plug()  # back in; the kiosk reopens the same by-id path by itself
    new_port = os.readlink(shop.scanner.link)
    poll(lambda: kiosk_holds(shop, new_port), 15, "the kiosk to reopen the re-plugged scanner")
    staff_unlock(kiosk)
    kiosk.wait(lambda s: "機器の確認が必要です" not in s.joined(), 15, "the overlay to close")

    shop.scanner.scan(GREEN_TEA)
    screen = kiosk.wait_text("2点")
    assert shows(screen, "合計", yen(386)), screen.joined()
    pay_cash(shop, [1000], 386)
    assert dispensed(shop) == [370, 614]  # this sale's change once, the first sale's untouched
    kiosk.tap("レシート不要")
    kiosk.wait_screen("attract", timeout=30)

    def both_sales() -> list[tuple[str, str, int]] | None:
        sales = shop.backoffice.sales()
        return sales if len(sales) >= 2 else None

    sales = poll(both_sales, 30, "the second sale in the back office")
    assert sorted(total for _, _, total in sales) == [386, 2630]
    assert len({sale_id for sale_id, _, _ in sales}) == 2


def receipts(shop: Shop) -> list[str]:
    """The whole receipts the printer has printed, one text each (a cut ends one)."""
    return [part for part in shop.printer.text().split("\x1dV")[:-1] if "登録番号" in part]


def test_printer_off_at_the_receipt_shows_the_fault_and_prints_once_when_back(shop: Shop):
    kiosk = shop.kiosk
    printed_before = len(receipts(shop))
    shop.scanner.scan(RICE_BALL)
    kiosk.wait_screen("shopping")
    kiosk.wait_text("1点")
    pay_cash(shop, [1000], 150)
    assert dispensed(shop)[-1] == 850

    shop.printer.unplug()  # switched off (or its LAN cable out) while the shopper paid
    kiosk.tap("レシートを印刷")
    kiosk.wait_text("プリンターを確認中です。係員に連絡済みです。", timeout=20)
    assert len(receipts(shop)) == printed_before

    shop.printer.plug()  # back on, same address
    kiosk.tap("レシートを印刷")
    poll(lambda: len(receipts(shop)) > printed_before, 20, "the receipt once the printer is back")
    kiosk.wait_screen("attract", timeout=30)
    new = receipts(shop)[printed_before:]
    assert len(new) == 1, new  # printed once, not once per attempt
    assert re.search(r"合計 +￥150", new[0]), new[0]

    def three_sales() -> list[tuple[str, str, int]] | None:
        sales = shop.backoffice.sales()
        return sales if len(sales) >= 3 else None

    sales = poll(three_sales, 30, "the third sale in the back office")
    assert sorted(total for _, _, total in sales) == [150, 386, 2630]
    assert len({sale_id for sale_id, _, _ in sales}) == 3


def test_card_payment_through_the_terminal_link_is_charged_once(shop: Shop):
    kiosk = shop.kiosk
    one_item_to(shop, MILK, "クレジットカード")
    kiosk.wait_screen("receipt", timeout=30)
    [(key, approved)] = list(shop.terminal.payments.items())  # one sale reached the terminal
    assert (approved.amount, approved.state, shop.terminal.charges[key]) == (248, "approved", 1)
    kiosk.tap("レシート不要")
    kiosk.wait_screen("attract", timeout=30)

    def four_sales() -> list[tuple[str, str, int]] | None:
        sales = shop.backoffice.sales()
        return sales if len(sales) >= 4 else None

    sales = poll(four_sales, 30, "the card sale in the back office")
    assert sorted(total for _, _, total in sales) == [150, 248, 386, 2630]


def test_changer_unplugged_mid_payment_and_replugged_the_sale_completes_once(shop: Shop):
    """GIVEN a shopper paying ¥2,480 in cash with ¥1,000 in the changer
    WHEN the changer's cable comes out, then goes back in
    THEN the shopper sees staff called over the payment at once (not a paid or a lost
    sale), the kiosk reopens the same by-id path, the rest of the cash goes in, the sale
    completes although staff were called during it (the money is in), the change comes out
    once and exactly one sale reaches the back office."""
    kiosk = shop.kiosk
    sales_before = shop.backoffice.sales()
    dispensed_before = dispensed(shop)
    one_item_to(shop, RICE_5KG, "現金")
    poll(lambda: shop.changer.depositing, 15, "the kiosk to start the changer's deposit (DS)")
    assert shop.changer.insert(1000)
    paying = kiosk.wait(
        lambda s: shows(s, "投入金額", yen(1000)), 15, "¥1,000 inserted", idle=False
    )
    assert shows(paying, "残り金額", yen(1480)), paying.joined()

    shop.changer.unplug()  # the cable comes out with ¥1,000 in the machine
    unplugged = kiosk.wait(
        lambda s: "機器の確認が必要です" in s.joined(), 15, "the device overlay", idle=False
    )
    assert "係員がまいります" in unplugged.joined()
    assert unplugged.name != "receipt"  # not paid, and the ¥1,000 is not forgotten
    assert len(shop.backoffice.sales()) == len(sales_before)

    shop.changer.plug()  # back in: the same by-id path, a new pty
    poll(lambda: kiosk_holds(shop, shop.changer.path), 15, "the kiosk to reopen the changer")
    assert shop.changer.depositing  # the machine kept the deposit and its ¥1,000
    # staff are on their way; the shopper goes on paying into the working changer
    for note in (1000, 1000):
        assert shop.changer.insert(note), "the kiosk handed back a note"
    done = kiosk.wait_screen("receipt", timeout=30)
    assert shows(done, "合計", yen(2480)), done.joined()
    assert shows(done, "お預かり（現金）", yen(3000)) and shows(done, "おつり", yen(520)), (
        done.joined()
    )
    assert dispensed(shop)[len(dispensed_before) :] == [520]  # the change, once
    kiosk.tap("レシート不要")
    kiosk.wait_screen("attract", timeout=30)

    def one_more() -> list[tuple[str, str, int]] | None:
        sales = shop.backoffice.sales()
        return sales if len(sales) > len(sales_before) else None

    sales = poll(one_more, 30, "the sale in the back office")
    assert len(sales) == len(sales_before) + 1  # once: not lost, not doubled
    assert len({sale_id for sale_id, _, _ in sales}) == len(sales)
    assert sorted(t for _, _, t in sales) == sorted([*(t for _, _, t in sales_before), 2480])


def test_the_kiosk_log_holds_warnings_once_not_every_librarys_debug_lines(shop: Shop):
    """What journald gets from `kiosk run` without -v: no DEBUG chatter, no line twice."""
    lines = shop.kiosk.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    assert lines, "the kiosk logged nothing at all (the scanner unplug is a warning)"
    assert not [line for line in lines if " DEBUG " in line or "[DEBUG" in line][:5]
    assert any("disconnected" in line for line in lines)  # the unplugged scanner, once
    assert not [line for line in lines if "HTTP Request" in line][:3]
    assert not [line for line in lines if line.startswith("Traceback")][:1]  # printer off: a line
    warnings = [line for line in lines if " WARNING " in line]
    assert len(warnings) == len(set(warnings)), warnings
