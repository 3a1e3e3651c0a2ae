"""The hand-off ticket: compact, signed, size-bounded, refuses forgeries and old tickets."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from kiosk.domain.basket import Basket
from plugins.handoff.errors import ForgedTicket, HandOffKeyMissing, TicketExpired, TicketTooLarge
from plugins.handoff.tests.conftest import STORE_KEY
from plugins.handoff.ticket import MAX_CODE_CHARS, HandOffTicket, TicketKeys
from tests.factories import BANANA, BEER, ONIGIRI, product

NOW = datetime(2026, 11, 22, 10, 0, 0)
KEYS = TicketKeys.from_settings({"hmac_key": STORE_KEY})


def ticket(lines: int = 3) -> HandOffTicket:
    basket = Basket()
    basket.add(ONIGIRI, 2)
    basket.approve_age(basket.add(BEER).line_id, "S001")
    basket.add_weighed(BANANA, 512)
    for n in range(lines - 3):
        basket.add(product(100 + n, 100 + n))
    voided = basket.add(product(99, 999))
    basket.void_line(voided.line_id, "mistake", "S001")
    return HandOffTicket.from_basket(basket, station_id="ST1", staff_id="S001", total=1234, now=NOW)


def test_function_round_trip_keeps_every_live_line():
    """GIVEN a basket with a weighed, an age-approved and a voided line WHEN signed and read
    THEN the ticket comes back equal, without the voided line."""
    t = ticket()
    back = KEYS.verify(KEYS.sign(t), NOW + timedelta(minutes=1))
    assert back == t
    assert [line.sku for line in back.lines] == [ONIGIRI.sku, BEER.sku, BANANA.sku]
    assert back.lines[1].age_approved_by == "S001" and back.lines[2].weight_g == 512


def test_function_a_changed_byte_is_a_forgery():
    code = KEYS.sign(ticket())
    body_start = 5
    tampered = (
        code[:body_start] + ("A" if code[body_start] != "A" else "B") + code[body_start + 1 :]
    )
    with pytest.raises(ForgedTicket):
        KEYS.verify(tampered, NOW)
    other = TicketKeys.from_settings({"hmac_key": base64.b64encode(b"x" * 32).decode()})
    with pytest.raises(ForgedTicket):
        other.verify(code, NOW)
    with pytest.raises(HandOffKeyMissing):
        TicketKeys().verify(code, NOW)


def test_function_an_old_ticket_is_refused():
    code = KEYS.sign(ticket())
    with pytest.raises(TicketExpired):
        KEYS.verify(code, NOW + timedelta(minutes=16))


def test_function_ed25519_station_signs_kiosk_verifies():
    """GIVEN the station holds the private key and the kiosk only the public key
    THEN the kiosk verifies, and a kiosk key cannot sign."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    station = TicketKeys.from_settings(
        {"ed25519_private_key": base64.b64encode(raw_private).decode()}
    )
    kiosk = TicketKeys.from_settings({"ed25519_public_key": base64.b64encode(raw_public).decode()})
    t = ticket()
    code = station.sign(t)
    assert code.startswith("KH1E.")
    assert kiosk.verify(code, NOW) == t
    with pytest.raises(HandOffKeyMissing):
        kiosk.sign(ticket())


def test_function_a_big_basket_still_fits_a_printable_qr():
    """GIVEN 40 distinct lines THEN the code is within the bound and a QR of version ≤ 25 (M)."""
    code = KEYS.sign(ticket(40))
    assert len(code) <= MAX_CODE_CHARS
    assert segno.make(code, error="m").version <= 25


def test_function_a_basket_too_big_for_paper_says_so():
    with pytest.raises(TicketTooLarge, match="split the basket"):
        KEYS.sign(ticket(200))
