"""The runtime worker's log: a device problem is one line for staff, a bug a traceback."""

from __future__ import annotations

import logging

from kiosk.devices.errors import PrinterOffline
from kiosk.staff import WrongPin
from kiosk.ui.worker import RuntimeWorker


def _fail_with(exc: BaseException, caplog) -> BaseException:
    failures: list[BaseException] = []
    worker = RuntimeWorker(lambda fn: fn())
    try:

        def job() -> None:
            raise exc

        with caplog.at_level(logging.WARNING, logger="kiosk.ui.worker"):
            worker.submit(job, failed=failures.append)
            assert worker.wait_idle(5)
    finally:
        worker.stop()
    return failures[0]


def test_a_device_error_is_one_warning_line_with_its_hint(caplog):
    error = PrinterOffline("the printer is offline")
    assert _fail_with(error, caplog) is error  # the screen still hears about it
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "Switch the printer on" in record.getMessage()


def test_an_unexpected_error_keeps_its_traceback(caplog):
    _fail_with(ZeroDivisionError("bug"), caplog)
    [record] = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_a_wrong_staff_pin_is_one_warning_line_not_a_traceback(caplog):
    """A mistyped PIN on the staff pad logged ERROR "runtime call failed" with a traceback."""
    error = WrongPin(4)
    assert _fail_with(error, caplog) is error  # the overlay still says the PIN was wrong
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage().startswith("staff: wrong staff id or PIN")
