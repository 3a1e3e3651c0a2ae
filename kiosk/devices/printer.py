"""POSPrinter (レシートプリンタ): receipts, status, reprint for staff.

The runtime calls :meth:`POSPrinter.print_receipt` with lines already laid out to the paper
width (measured in cp932 bytes: a full-width character counts 2). A line may start with one
or more *markers* (ASCII unit separator + letter; they cannot occur in real receipt text):

* ``POSPrinter.DOUBLE`` (``"\\x1fW"``): double width and height, bold — headers, 合計.
  The text must fit in half the width.
* ``POSPrinter.BOLD`` (``"\\x1fB"``): bold.
* ``POSPrinter.CENTER`` (``"\\x1fC"``): centred (the printer centres; no padding needed).
* ``POSPrinter.QR`` (``"\\x1fQ"``): the rest of the line is a QR code's content; the driver
  prints the code there (GS ( k, or a raster image on printers without it).

A receipt whose printing failed is **never** reprinted automatically (the customer may
already hold half of it); staff call :meth:`POSPrinter.reprint_last`.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass

from kiosk.devices.base import Device, DeviceDriver, Severity
from kiosk.devices.errors import (
    DeviceDisconnected,
    DeviceNotOpen,
    NothingToReprint,
    PrinterCoverOpen,
    PrinterCutterError,
    PrinterError,
    PrinterOffline,
    PrinterOutOfPaper,
)
from kiosk.devices.events import StatusEvent
from kiosk.domain.receipt_text import QR_MARK

MARK_DOUBLE = "\x1fW"
MARK_BOLD = "\x1fB"
MARK_CENTER = "\x1fC"
MARKERS = (MARK_DOUBLE, MARK_BOLD, MARK_CENTER)
#: a whole line that is a QR code: this + the code's content (the receipt layout's QR_MARK)
MARK_QR = QR_MARK


def split_markers(line: str) -> tuple[frozenset[str], str]:
    """Return the markers at the start of ``line`` and the text after them."""
    found: set[str] = set()
    while line[:2] in MARKERS:
        found.add(line[:2])
        line = line[2:]
    return frozenset(found), line


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What ``DLE EOT`` n=1..4 reported. ``answered`` is False when the printer (or its
    connection, e.g. a write-only file) gives no status; then nothing else is known."""

    answered: bool = True
    online: bool = True
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    cutter_error: bool = False
    unrecoverable_error: bool = False

    @property
    def ok(self) -> bool:
        return self.error() is None

    def error(self, *, receipt_incomplete: bool = False) -> PrinterError | None:
        """The typed error this status means, or None when the printer can print."""
        kw = {"receipt_incomplete": receipt_incomplete}
        if self.cover_open:
            return PrinterCoverOpen("the printer cover is open", **kw)
        if self.paper_out:
            return PrinterOutOfPaper("the printer is out of paper", **kw)
        if self.cutter_error:
            return PrinterCutterError("the auto-cutter is jammed", **kw)
        if self.unrecoverable_error:
            return PrinterError(
                "the printer reports an unrecoverable error",
                hint="Switch the printer off and on; call maintenance if it persists.",
                **kw,
            )
        if not self.online:
            return PrinterOffline("the printer is offline", **kw)
        return None

    def describe(self) -> str:
        """Short text for ``kiosk doctor`` and status events."""
        if not self.answered:
            return "ok (no status from printer)"
        problems = [
            name
            for name, flag in (
                ("cover open", self.cover_open),
                ("paper out", self.paper_out),
                ("cutter error", self.cutter_error),
                ("unrecoverable error", self.unrecoverable_error),
                ("offline", not self.online and not (self.cover_open or self.paper_out)),
                ("paper near end", self.paper_near_end),
            )
            if flag
        ]
        return ", ".join(problems) or "ok"


class PrinterDriver(DeviceDriver):
    """What a receipt-printer driver provides. ``render`` must not do I/O."""

    #: the layout width in half-width columns (the profile's ``columns`` option)
    columns: int = 42

    def can_print_emoji(self, char: str) -> bool:
        """True when the printer draws ``char`` (an emoji) itself; else it is named."""
        return False

    @abstractmethod
    def render(self, lines: list[str], qr: str | None, cut: bool) -> bytes:
        """Turn a laid-out receipt into the printer's bytes."""

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send bytes; raise :class:`DeviceDisconnected` when the connection is gone."""

    @abstractmethod
    def read_status(self) -> PrinterStatus:
        """Ask the printer for its status (``DLE EOT``)."""

    def check_health(self) -> str:
        return self.read_status().describe()


class POSPrinter(Device):
    device_class = "POSPrinter"
    driver: PrinterDriver

    DOUBLE = MARK_DOUBLE
    BOLD = MARK_BOLD
    CENTER = MARK_CENTER
    QR = MARK_QR

    def __init__(self, driver: PrinterDriver, *, name: str | None = None) -> None:
        super().__init__(driver, name=name)
        self._last_job: bytes | None = None
        self._last_reported = "ok"

    @property
    def columns(self) -> int:
        """Columns the receipt is laid out to on this printer's paper."""
        return self.driver.columns

    def can_print_emoji(self, char: str) -> bool:
        return self.driver.can_print_emoji(char)

    @property
    def has_last_receipt(self) -> bool:
        return self._last_job is not None

    def print_receipt(self, lines: list[str], qr: str | None = None, cut: bool = True) -> None:
        """Print one receipt. Checks status before (nothing printed if it fails) and after.

        :raises PrinterOutOfPaper, PrinterCoverOpen, PrinterOffline, PrinterCutterError: with
            ``receipt_incomplete=True`` when the failure was noticed after sending.
        """
        job = self.driver.render(list(lines), qr, cut)
        self._recover_if_lost()
        with self._operation("print_receipt"):
            self._last_job = job  # staff may reprint it even if this attempt fails
            self._send(job)
        self.stats.increment("receipts_printed")

    def reprint_last(self) -> None:
        """Print the last receipt again (staff action; never done automatically)."""
        if self._last_job is None:
            raise NothingToReprint("no receipt to reprint", device=self.name)
        self._recover_if_lost()
        with self._operation("reprint"):
            self._send(self._last_job)
        self.stats.increment("receipts_reprinted")

    def check_status(self) -> PrinterStatus:
        """Query ``DLE EOT`` now (I/O: call off the UI thread) and report changes as events."""
        if not self._opened:
            raise DeviceNotOpen("check_status() on a closed printer", device=self.name)
        return self._query()

    # --- internals ---

    def _query(self) -> PrinterStatus:
        try:
            status = self.driver.read_status()
        except DeviceDisconnected:
            status = PrinterStatus(answered=True, online=False)
        text = status.describe()
        if text != self._last_reported:
            self._last_reported = text
            error = status.error()
            if error is not None:
                severity = Severity.ERROR
            elif status.paper_near_end:
                severity = Severity.WARNING
            else:
                severity = Severity.INFO
            self.driver_status(text.replace(" ", "_"), severity, text)
        return status

    def _recover_if_lost(self) -> None:
        """A printer left in ERROR by a lost connection is reopened before the next job.

        A network or USB printer has no reader thread to notice it came back (switched off
        and on, cable re-plugged), so the next print is the moment to try.
        """
        if self._opened and self.state == "error":
            self.recover()

    def _reconnect(self) -> PrinterStatus | None:
        """Open the connection again and ask for the status; None when it is still gone."""
        self.driver.close()
        try:
            self.driver.open(self)
        except DeviceDisconnected:
            return None
        self.stats.increment("reconnects")  # the state stays BUSY: a job is running
        self._emit(StatusEvent(self.name, "connected", Severity.INFO, "printer is back"))
        return self._query()

    def _send(self, job: bytes) -> None:
        before = self._query()
        if before.answered and not before.online:
            # no answer on an open connection: the printer may have been switched off and
            # on (a TCP printer drops our socket). Reconnect once before calling it offline.
            before = self._reconnect() or before
        error = before.error()
        if error is not None:
            error.device = self.name
            raise error
        try:
            self.driver.write(job)
        except DeviceDisconnected as exc:
            raise PrinterOffline(
                f"connection lost while printing: {exc}", receipt_incomplete=True, device=self.name
            ) from exc
        after = self._query()
        error = after.error(receipt_incomplete=True)
        if error is not None:
            error.device = self.name
            raise error
