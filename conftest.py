"""Every test folder (tests/, plugins/, examples/): the same terminal whatever the developer's.

The command-line tools speak the operator's language, read from ``LC_ALL``/``LC_MESSAGES``/
``LANG`` (kiosk.cli_language); tests that read their English output would fail on a machine
set to Japanese. Each test starts from the C locale (what CI has); a test about another
language sets it with ``monkeypatch.setenv``.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _operator_speaks_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
