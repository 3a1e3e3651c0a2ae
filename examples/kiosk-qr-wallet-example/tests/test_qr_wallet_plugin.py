"""The example wallet in a kiosk: found by its entry point, allowed by the store's
allow-list, it shows its own QR code and status line on the paying screen and takes the
payment the shopper's app makes; a shopper who cancels leaves nothing charged."""

from __future__ import annotations

import threading

import pytest
from qr_wallet_install import installed

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.domain.scan import Scan
from kiosk.payments import Outcome, PaymentProgress
from kiosk.runtime import PaymentFailed
from kiosk.testing.sales import ring_up

# the store's kiosk.toml line, given here as its environment override
ALLOW = (
    '[{ entry_point = "example_qr_wallet", distribution = "kiosk-qr-wallet-example", '
    'version = "0.1.0" }]'
)


@pytest.fixture(scope="module", autouse=True)
def example_installed():
    with installed() as dist:
        yield dist


@pytest.fixture
def kiosk(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_PLUGINS__ALLOW", ALLOW)
    runtime = build_runtime(load_config(None, data_dir=tmp_path / "kiosk"))
    screen: list[PaymentProgress] = []
    runtime.subscribe(lambda event: isinstance(event, PaymentProgress) and screen.append(event))
    yield runtime, screen
    runtime.shutdown()


def test_the_store_allow_list_loads_it_from_its_entry_point(kiosk):
    runtime, _ = kiosk
    assert "example_qr_wallet" in runtime.host.names
    assert "example_qr_wallet" in {m.id for m in runtime.payment_methods()}


def test_it_shows_its_own_code_and_the_shoppers_app_pays_it(kiosk):
    """GIVEN a ¥150 basket WHEN the shopper chooses the wallet and their app pays the code
    shown THEN the screen got the code and the status line in four languages, and the sale
    completes with the wallet's tender."""
    runtime, screen = kiosk
    method = runtime.method("example_qr_wallet")
    ring_up(runtime, "4901234000018")

    def shoppers_app():  # scans what the screen shows, then pays it
        for _ in range(500):
            shown = [p.code for p in screen if p.code]
            if shown:
                method.provider.pay(shown[0])
                return
            threading.Event().wait(0.01)

    app = threading.Thread(target=shoppers_app)
    app.start()
    sale = runtime.pay("example_qr_wallet")
    app.join()
    assert sale is not None and [t.method for t in sale.tenders] == ["example_qr_wallet"]
    assert screen[0].code.startswith("https://wallet.example/p/") and screen[0].due == 150
    waiting = next(p for p in screen if p.status)
    assert set(waiting.status) == {"ja", "en", "zh-Hans", "ko"} and waiting.waiting
    assert not screen[-1].waiting  # paid: Cancel is no longer offered


def test_a_shopper_who_cancels_is_charged_nothing(kiosk):
    runtime, screen = kiosk
    ring_up(runtime, "4901234000018")

    def press_cancel():
        for _ in range(500):
            if any(p.code for p in screen) and runtime.interrupt_payment():
                return
            threading.Event().wait(0.01)

    canceller = threading.Thread(target=press_cancel)
    canceller.start()
    with pytest.raises(PaymentFailed) as failed:
        runtime.pay("example_qr_wallet")
    canceller.join()
    assert failed.value.result.outcome is Outcome.CANCELLED
    key = runtime.ledger.for_sale(runtime.sale_id)[0].idempotency_key
    assert runtime.method("example_qr_wallet").provider.net(key) == 0
    runtime.cancel_payment()  # back to the basket: the shopper may choose again
    assert runtime.handle_scan(Scan("4901234000018")).accepted
