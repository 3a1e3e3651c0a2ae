"""A payment plugin refusing to start (no connection settings, not simulated) logs one clear
line naming the file, section and key — no traceback unless asked for (-v, DEBUG).

GIVEN a store file with no [plugins.pay_card] connection settings and no simulate = true
WHEN the kiosk starts
THEN the log has exactly one line about the card plugin, at ERROR, without a traceback,
and the traceback is there only at DEBUG.
"""

from __future__ import annotations

import logging

from kiosk.app import build_runtime
from kiosk.config import load_config
from tests.payments.test_function_training_mode import SITE


def _start(tmp_path, caplog, level: int) -> list[logging.LogRecord]:
    path = tmp_path / "kiosk.toml"
    path.write_text(SITE, encoding="utf-8")
    caplog.clear()
    with caplog.at_level(level):
        runtime = build_runtime(load_config(path, data_dir=tmp_path / "data", environ={}))
    runtime.shutdown()
    return [r for r in caplog.records if "pay_card" in r.getMessage()]


def test_a_refusing_payment_plugin_logs_one_line_without_a_traceback(tmp_path, caplog):
    records = [r for r in _start(tmp_path, caplog, logging.INFO) if r.levelno >= logging.INFO]
    assert len(records) == 1, [r.getMessage() for r in records]
    (line,) = records
    message = line.getMessage()
    assert line.levelno == logging.ERROR
    assert line.exc_info is None  # no traceback
    assert "\n" not in message
    assert f"{tmp_path / 'kiosk.toml'}: [plugins.pay_card.host] missing" in message
    assert "simulate = true" in message  # how to practise instead
    assert "Traceback" not in caplog.text


def test_the_traceback_is_there_with_debug_logging(tmp_path, caplog):
    _start(tmp_path, caplog, logging.DEBUG)
    refused = [
        r
        for r in caplog.records
        if r.levelno == logging.DEBUG and "refused" in r.getMessage() and r.exc_info
    ]
    assert refused and "NotConfigured" in caplog.text
