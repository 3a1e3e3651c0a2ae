"""ESC/POS receipt printer: Japanese text, raster fallback, QR, cut, status, reprint."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from escpos.printer import Dummy

from kiosk.devices.base import DeviceState, StatusEvent
from kiosk.devices.drivers.escpos_printer import EscposPrinterDriver, status_from_bytes
from kiosk.devices.drivers.escpos_receipt import ReceiptRenderer, ReceiptStyle
from kiosk.devices.errors import (
    NothingToReprint,
    PrinterCoverOpen,
    PrinterOffline,
    PrinterOutOfPaper,
)
from kiosk.devices.printer import POSPrinter, PrinterStatus
from kiosk.devices.sim.printer import SimulatedPrinter

from .escpos_tokens import Token, dump, texts, tokenize
from .network_printer import PrinterServer

GOLDEN = Path(__file__).parent / "data" / "invoice_receipt.golden.txt"
WIDTH = 42


def row(left: str, right: str, width: int = WIDTH) -> str:
    """Lay out one line to the width in cp932 bytes (what the runtime's layout does)."""
    gap = width - len(left.encode("cp932")) - len(right.encode("cp932"))
    return left + " " * max(gap, 1) + right


def invoice_lines() -> list[str]:
    # 適格簡易請求書 (qualified simplified invoice) with a reduced-rate (※) line
    return [
        POSPrinter.DOUBLE + POSPrinter.CENTER + "領収書",
        POSPrinter.CENTER + "スーパーかいけい 駅前店",
        POSPrinter.CENTER + "登録番号 T1234567890123",
        "2026年11月22日(日) 19:05   レジ03 #0042",
        "-" * WIDTH,
        row("※ おにぎり 鮭", "￥150"),
        row("※ 牛乳 1000ml", "￥248"),
        row("  ﾚｼﾞ袋 (L)", "￥5"),
        row("  乾電池 単3×4", "￥598"),
        "-" * WIDTH,
        POSPrinter.BOLD + row("合計", "￥1,001"),
        row(" (10%対象", "￥603 内消費税 ￥54)"),
        row(" (8%対象", "￥398 内消費税 ￥29)"),
        row("お預り", "￥2,000"),
        row("お釣り", "￥999"),
        "※は軽減税率(8%)対象商品です",
    ]


@pytest.fixture
def sim() -> SimulatedPrinter:
    return SimulatedPrinter()


@pytest.fixture
def printer(sim, events):
    device = POSPrinter(sim, name="printer")
    device.subscribe(events)
    device.open_claim_enable()
    yield device
    device.close()


def test_japanese_text_goes_out_as_shift_jis_kanji(printer, sim):
    """GIVEN a Japanese-model printer WHEN a receipt with kanji, kana and ￥ is printed
    THEN the job selects the katakana page, FS C 1 (Shift JIS) and FS & (kanji on), and the
    text is cp932 bytes — not GB18030 and not '?'."""
    printer.print_receipt(["領収書", "りんご ¥100", "ﾚｼﾞ袋 ※"], cut=False)
    job = sim.jobs[0]
    tokens = tokenize(job)
    names = [t.name for t in tokens]
    assert names[:4] == ["ESC @", "ESC t", "FS C", "FS &"]
    assert tokens[1].args == (1,) and tokens[2].args == (1,)
    assert b"\x97\xcc\x8e\xfb\x8f\x91" in job  # 領収書 in Shift JIS
    assert b"\x82\xe8\x82\xf1\x82\xb2 \x81\x8f100" in job  # りんご ￥100 (¥ → ￥ 0x818F)
    assert b"\xda\xbc\xde\x91\xdc \x81\xa6" in job  # half-width kana + ※
    assert b"?" not in job
    assert texts(job) == ["領収書", "りんご ￥100", "ﾚｼﾞ袋 ※"]


def test_header_markers_select_double_size_bold_and_centre(printer, sim):
    """GIVEN a line starting with DOUBLE+CENTER WHEN printed
    THEN ESC a 1, ESC ! 0x30, FS ! 0x0C, ESC E 1 wrap the text and are reset after it."""
    printer.print_receipt([POSPrinter.DOUBLE + POSPrinter.CENTER + "合計"], cut=False)
    tokens = [str(t) for t in tokenize(sim.jobs[0])[4:]]
    assert tokens == [
        "ESC a 1",
        "ESC ! 48",
        "FS ! 12",
        "ESC E 1",
        "TEXT 合計",
        "LF",
        "ESC E 0",
        "ESC ! 0",
        "FS ! 0",
        "ESC a 0",
    ]


def test_qr_uses_the_native_command_and_cut_is_last(printer, sim):
    """GIVEN a receipt with a QR code WHEN printed THEN GS ( k model/size/level/store/print
    carry the URL, centred, and the paper is fed and (partially) cut at the end."""
    url = "https://example.jp/r/0042?s=03"
    printer.print_receipt(["ありがとうございました"], qr=url)
    tokens = tokenize(sim.jobs[0])
    qr = [t for t in tokens if t.name == "GS ( k"]
    assert [(t.args[1], t.data) for t in qr] == [
        (65, b"2\x00"),
        (67, b"\x06"),
        (69, b"0"),
        (80, b"0" + url.encode()),
        (81, b"0"),
    ]
    assert tokens[-2:] == [Token("ESC d", (6,)), Token("GS V", (1,))]
    assert tokens.index(Token("ESC a", (1,))) < tokens.index(qr[0])


def test_no_cut_when_asked(printer, sim):
    """GIVEN cut=False WHEN printed THEN no GS V in the job."""
    printer.print_receipt(["a"], cut=False)
    assert "GS V" not in [t.name for t in tokenize(sim.jobs[0])]


def test_characters_outside_cp932_fall_back_to_raster(printer, sim):
    """GIVEN a line with 𠮷 (not in cp932) WHEN printed THEN that line is a GS v 0 raster
    image the printer width wide, and the other lines stay text."""
    printer.print_receipt(["つくね", "𠮷野家 ¥500", "以上"], cut=False)
    tokens = tokenize(sim.jobs[0])
    raster = [t for t in tokens if t.name == "GS v 0"]
    assert len(raster) == 1
    assert raster[0].args[1] == 512 // 8
    assert any(raster[0].data)
    assert texts(sim.jobs[0]) == ["つくね", "以上"]


def test_raster_only_printer_gets_no_text_at_all():
    """GIVEN a raster-only printer profile (text_mode = raster) WHEN a receipt is rendered
    THEN there are no kanji commands and no text bytes, only raster images (plus QR/cut)."""
    job = ReceiptRenderer(ReceiptStyle(text_mode="raster")).render(invoice_lines(), "x", True)
    names = {t.name for t in tokenize(job)}
    assert "TEXT" not in names and "FS &" not in names
    assert "GS v 0" in names and "GS ( k" in names


def test_status_bits_decode():
    """GIVEN the four DLE EOT answers WHEN decoded THEN each Epson bit maps to its flag."""
    assert status_from_bytes(0x12, 0x12, 0x12, 0x12) == PrinterStatus()
    s = status_from_bytes(0x1A, 0x16 | 0x20, 0x12 | 0x08, 0x12 | 0x0C | 0x60)
    assert (s.online, s.cover_open, s.paper_out, s.cutter_error, s.paper_near_end) == (
        False,
        True,
        True,
        True,
        True,
    )


def test_status_is_checked_with_dle_eot_1_to_4_before_and_after(printer, sim):
    """GIVEN a printer WHEN a receipt is printed THEN DLE EOT 1..4 is asked before and after."""
    printer.print_receipt(["a"])
    assert sim.sim.queries == [1, 2, 3, 4, 1, 2, 3, 4]


def test_paper_out_before_printing_prints_nothing(printer, sim):
    """GIVEN a printer out of paper WHEN a receipt is printed
    THEN PrinterOutOfPaper (not incomplete), nothing printed, an error status event."""
    sim.run_out_of_paper()
    with pytest.raises(PrinterOutOfPaper) as info:
        printer.print_receipt(["a"])
    assert info.value.receipt_incomplete is False
    assert "paper roll" in str(info.value)
    assert sim.jobs == []
    assert printer.state is DeviceState.IDLE


def test_paper_out_during_receipt_is_never_reprinted_automatically(printer, sim, events):
    """GIVEN paper that runs out while a receipt prints WHEN it fails
    THEN PrinterOutOfPaper(receipt_incomplete), the job was sent once; after loading paper
    the next receipt prints alone, and only reprint_last() (staff) sends the first again."""
    sim.run_out_of_paper_during_next_receipt()
    with pytest.raises(PrinterOutOfPaper) as info:
        printer.print_receipt(["first"])
    assert info.value.receipt_incomplete is True
    assert len(sim.jobs) == 1
    assert events.next(StatusEvent, "paper_out").severity == "error"

    sim.load_paper()
    printer.print_receipt(["second"])
    assert [texts(job) for job in sim.jobs] == [["first"], ["second"]]
    printer.reprint_last()
    assert texts(sim.jobs[-1]) == ["second"]


def test_reprint_last_after_failure_reprints_the_failed_receipt(printer, sim):
    """GIVEN a receipt that failed on an open cover WHEN staff close it and reprint
    THEN exactly the same bytes are sent."""
    sim.open_cover()
    with pytest.raises(PrinterCoverOpen, match="cover"):
        printer.print_receipt(["x"], qr="q")
    sim.close_cover()
    printer.reprint_last()
    assert sim.jobs == [printer.driver.render(["x"], "q", True)]


def test_reprint_with_nothing_printed():
    """GIVEN a fresh printer WHEN reprint_last is called THEN NothingToReprint."""
    printer = POSPrinter(SimulatedPrinter(), name="printer")
    printer.open_claim_enable()
    with pytest.raises(NothingToReprint):
        printer.reprint_last()
    printer.close()


def test_paper_near_end_is_a_warning_not_an_error(printer, sim, events):
    """GIVEN the near-end sensor WHEN the status is checked THEN a warning event; printing
    still works."""
    sim.set_paper_near_end()
    status = printer.check_status()
    assert status.paper_near_end and status.ok
    assert events.next(StatusEvent, "paper_near_end").severity == "warning"
    printer.print_receipt(["ok"])


def test_unplugged_printer_is_offline(printer, sim):
    """GIVEN the printer connection drops WHEN printing THEN PrinterOffline with a hint."""
    sim.drop_connection()
    with pytest.raises(PrinterOffline, match="Switch the printer on"):
        printer.print_receipt(["x"])


def test_dummy_backend_through_the_profile_factory():
    """GIVEN connection 'dummy:' WHEN a receipt is printed THEN Dummy.output holds the job
    (no status answers: status is assumed unknown-ok)."""
    driver = EscposPrinterDriver.from_profile("dummy:", {"status": "none", "columns": 42})
    printer = POSPrinter(driver, name="printer")
    printer.open_claim_enable()
    printer.print_receipt(["テスト"])
    assert isinstance(driver.backend, Dummy)
    assert texts(driver.backend.output) == ["テスト"]
    assert printer.check_status().answered is False
    printer.close()


@pytest.mark.parametrize(
    ("connection", "backend"),
    [
        ("tcp://10.0.0.5:9100", "Network"),
        ("serial:///dev/ttyS9", "UrlSerial"),
        ("file:///dev/usb/lp0", "File"),
        ("/dev/serial/by-id/x", "UrlSerial"),
    ],
)
def test_connection_picks_the_backend(connection, backend):
    """GIVEN a profile connection WHEN the driver is built THEN the right backend class."""
    driver = EscposPrinterDriver.from_profile(connection, {})
    assert type(driver.backend_factory()).__name__ == backend


def test_bad_printer_options_are_value_errors():
    """GIVEN an unknown option WHEN building the driver THEN ValueError naming it."""
    with pytest.raises(ValueError, match="papr_width"):
        EscposPrinterDriver.from_profile("dummy:", {"papr_width": 1})
    with pytest.raises(ValueError, match="text_mode"):
        EscposPrinterDriver.from_profile("dummy:", {"text_mode": "utf8"})


def test_golden_japanese_invoice_receipt(printer, sim):
    """GIVEN a full 適格簡易請求書 with ※ reduced-rate marks and ￥ amounts
    WHEN printed THEN the ESC/POS token stream equals the golden file
    (regenerate with UPDATE_GOLDEN=1 after an intended change, and review the diff)."""
    printer.print_receipt(invoice_lines(), qr="https://example.jp/r/0042")
    job = sim.jobs[0]
    assert b"\x81\xa6" in job and b"\x81\x8f" in job  # ※ and ￥ in cp932
    text = dump(job)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
    assert all(len(line.encode("cp932")) <= WIDTH for line in texts(job))


@pytest.fixture
def network_printer() -> Iterator[PrinterServer]:
    server = PrinterServer()
    yield server
    server.close()


def _on_tcp(server: PrinterServer) -> POSPrinter:
    driver = EscposPrinterDriver.from_profile(server.connection, {"timeout": 2})
    device = POSPrinter(driver, name="printer")
    device.open_claim_enable()
    return device


def test_network_printer_switched_off_and_on_prints_the_next_receipt(network_printer):
    """GIVEN a TCP printer that was switched off and on (our socket is dead) WHEN the next
    receipt is printed THEN the kiosk reconnects once and it prints — no restart needed."""
    device = _on_tcp(network_printer)
    try:
        device.print_receipt(["first"])
        network_printer.unplug()
        network_printer.plug()
        device.print_receipt(["second"])
        text = network_printer.text()
        assert "first" in text and "second" in text
        assert device.statistics["reconnects"] == 1
    finally:
        device.close()


def test_network_printer_still_off_is_offline_then_prints_once_back(network_printer):
    """GIVEN the TCP printer is off WHEN printing THEN PrinterOffline and nothing sent; once
    it is back the same device prints (the ERROR state does not stick)."""
    device = _on_tcp(network_printer)
    try:
        network_printer.unplug()
        with pytest.raises(PrinterOffline):
            device.print_receipt(["lost"])
        with pytest.raises(PrinterOffline):
            device.print_receipt(["lost again"])
        network_printer.plug()
        device.print_receipt(["back"])
        assert "back" in network_printer.text() and "lost" not in network_printer.text()
    finally:
        device.close()
