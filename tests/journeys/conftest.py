"""One kiosk process for the whole module: shoppers come one after another, as in a shop."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

from tests.journeys.kiosk_process import KioskProcess, demo_config, free_port

#: A shared hand-off key for the journey kiosk and its staff station (base64 of 32 bytes).
HANDOFF_KEY = "am91cm5leXMtaGFuZC1vZmYta2V5LTMyLWJ5dGVzISE="

#: The note the journeys' store prints on a 領収書 that needs a revenue stamp.
STAMP_NOTE = "収入印紙はサービスカウンターで貼付します"

#: What the journeys' store adds to the demo: a short inactivity timeout (a shopper who walks
#: away is asked, then the basket is put aside), both QR tiles, tax-free sales, the hand-off
#: key its registration station signs baskets with, its revenue stamp note and one addressee
#: word of its own (a regular customer's company, for the 領収書 pad).
JOURNEY_STORE = f"""
[store]
revenue_stamp_note = "{STAMP_NOTE}"

[store.addressee_words]
"さくらしょうじ" = ["さくら商事"]

[ui]
inactivity_seconds = 20
still_there_seconds = 10

[plugins.pay_qr]
mode = "both"

[plugins.tax_free]
enabled = true
store_code = "TF-0001"

[plugins.handoff]
hmac_key = "{HANDOFF_KEY}"
report = false
"""


class OneKiosk:
    """The module's kiosk process; started again only after a failed shopper.

    A journey that fails leaves the screen wherever it stopped; the next shopper would then
    fail for a reason that is not theirs. Passing journeys all run on one process.
    """

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.process: KioskProcess | None = None
        self.starts = 0

    def get(self) -> KioskProcess:
        if self.process is None:
            workdir: Path = self.factory.mktemp("kiosk")
            port = free_port()
            offers = (files("kiosk") / "data" / "demo_offers.toml").read_text(encoding="utf-8")
            self.process = KioskProcess(
                workdir,
                demo_config(workdir / "var", panel_port=port, extra=offers + JOURNEY_STORE),
                panel_port=port,
            )
            self.starts += 1
        return self.process

    def discard(self) -> None:
        if self.process is not None:
            print("--- kiosk log ---\n" + self.process.log_tail(60))
            self.process.close()
            self.process = None


@pytest.fixture(scope="module")
def one_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OneKiosk]:
    holder = OneKiosk(tmp_path_factory)
    yield holder
    if holder.process is not None:
        holder.process.close()


@pytest.fixture
def kiosk(one_kiosk: OneKiosk, request: pytest.FixtureRequest) -> Iterator[KioskProcess]:
    yield one_kiosk.get()
    report = getattr(request.node, "rep_call", None)
    if report is None or report.failed:
        one_kiosk.discard()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
