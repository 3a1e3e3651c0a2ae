"""The e-receipt page behind the receipt's QR code: signed, expiring, escaped, printable."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest
from markupsafe import escape

from kiosk.backoffice.ereceipt.web import set_issuer
from kiosk.backoffice.staff.auth import revoke_kiosk
from kiosk.domain.receipt import Issuer, ReceiptSection, receipt_from_document
from kiosk.domain.receipt_sections import KIND as RECEIPT_SECTIONS
from kiosk.domain.receipt_sections import sections_event_id, sections_event_ids, sections_payload
from kiosk.domain.receipt_text import QR_MARK, render_receipt
from kiosk.ereceipt_link import key_from_token, read_link, sign_link
from tests.backoffice.factories import make_sale
from tests.backoffice.helpers import post

ISSUER = Issuer("さくらマート 渋谷店", "T5835678256246", "東京都渋谷区神南1-2-3")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _send(client, kiosk_token, sale):
    event = {
        "seq": 1,
        "event_id": str(uuid.uuid4()),
        "kind": "sale",
        "aggregate_id": sale.sale_id,
        "payload": sale.to_document(),
    }
    assert post(client, kiosk_token, [event]).status_code == 200


@pytest.fixture
def synced(client, bo_db, clock, kiosk_token):
    """A sale of a product with a hostile name, synced; the issuer is set."""
    sale = make_sale(1, clock(), method="cash")
    line = sale.lines[0]
    hostile = dataclasses.replace(line.product, name_ja=HOSTILE, name_en=HOSTILE)
    lines = (dataclasses.replace(line, product=hostile), *sale.lines[1:])  # rates still match
    sale = dataclasses.replace(sale, lines=lines)
    _send(client, kiosk_token, sale)
    with bo_db.transaction() as session:
        set_issuer(session, ISSUER, clock(), "test")
    return sale


def _link(kiosk_token, sale, now, **kw):
    return sign_link(
        "http://testserver", key_from_token(kiosk_token), "K01", sale.sale_id, now, **kw
    )


def test_signed_link_shows_the_receipt_escaped_and_private(client, clock, kiosk_token, synced):
    """GIVEN a synced sale WHEN the shopper opens the QR's link THEN the page shows the same
    invoice content (issuer, registration number, rates), the hostile name only escaped,
    and the response is not cached nor indexed."""
    response = client.get(_link(kiosk_token, synced, clock()))
    assert response.status_code == 200, response.text
    body = response.text
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body
    assert "T5835678256246" in body and "さくらマート 渋谷店" in body
    assert "内消費税等" in body and "No.000001" in body
    assert 'class="receipt"' in body
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert 'csrf-token" content=""' in body
    # the shopper's page is headed by the store, never by the staff tool's name
    assert "<strong>さくらマート 渋谷店</strong>" in body and "Back office" not in body


def test_expired_link_is_refused(client, clock, kiosk_token, synced):
    link = _link(kiosk_token, synced, clock(), valid_for=timedelta(days=1))
    clock.advance(days=2)
    response = client.get(link)
    assert response.status_code == 403
    assert "expired" in response.text and "有効期限" in response.text
    assert "T5835678256246" not in response.text


def test_forged_or_altered_links_show_nothing(client, clock, kiosk_token, synced):
    good = _link(kiosk_token, synced, clock())
    _, sale_id, expires, signature = read_link(good)
    forged_key = sign_link("http://testserver", "0" * 64, "K01", sale_id, clock())
    later = good.replace(f"x={expires}", f"x={expires + 86400 * 365}")
    other = make_sale(2, clock())
    swapped = good.replace(sale_id, other.sale_id)
    bad_sig = good.replace(f"s={signature}", "s=" + "A" * len(signature))
    wrong_kiosk = good.replace("k=K01", "k=K02")
    for link in (forged_key, later, swapped, bad_sig, wrong_kiosk):
        response = client.get(link)
        assert response.status_code == 403, link
        assert "T5835678256246" not in response.text


def test_a_link_mangled_in_transit_shows_the_shoppers_page_not_json(
    client, clock, kiosk_token, synced
):
    """GIVEN the QR's link with its expiry cut or garbled (a phone's scanner, a chat app)
    WHEN opened THEN the shopper's own page in four languages says the link is not valid,
    never the framework's JSON about a query parameter."""
    good = _link(kiosk_token, synced, clock())
    _, _, expires, _ = read_link(good)
    for mangled in ("abc", "", "1e9", str(expires) + "x"):
        response = client.get(good.replace(f"x={expires}", f"x={mangled}"))
        assert response.status_code == 403, mangled
        assert response.headers["content-type"].startswith("text/html")
        assert (
            "このリンクは無効です。" in response.text and "This link is not valid." in response.text
        )
        assert "int_parsing" not in response.text and "T5835678256246" not in response.text


def test_a_revoked_kiosks_links_stop_working(client, bo_db, clock, kiosk_token, synced):
    link = _link(kiosk_token, synced, clock())
    with bo_db.transaction() as session:
        revoke_kiosk(session, "K01", clock(), "test")
    assert client.get(link).status_code == 403


def test_not_yet_synced_and_missing_issuer(client, bo_db, clock, kiosk_token):
    sale = make_sale(3, clock(), method="cash")
    response = client.get(_link(kiosk_token, sale, clock()))
    assert response.status_code == 404 and "not arrived yet" in response.text
    _send(client, kiosk_token, sale)
    response = client.get(_link(kiosk_token, sale, clock()))
    assert response.status_code == 503  # the issuer setting was never made


def test_the_issuer_is_set_from_the_command_line(tmp_path, backoffice_url, capsys):
    from kiosk.backoffice.cli import main
    from kiosk.backoffice.core.db import Database
    from kiosk.backoffice.ereceipt.web import get_issuer

    url = backoffice_url
    assert main(["--database-url", url, "set-issuer", "さくらマート", "T5835678256246"]) == 0
    db = Database(url)
    with db.reading() as session:
        assert get_issuer(session) == Issuer("さくらマート", "T5835678256246")
    db.close()
    assert main(["--database-url", url, "set-issuer", "x", "T4835678256246"]) != 0
    assert "check digit" in capsys.readouterr().err


# --- plugin sections (points, tax-free) on the e-receipt, as on the paper ----------------------

SECTIONS = (
    ReceiptSection("免税 TAX-FREE", ("免税販売 Tax-free sale", "Record TF-0001", HOSTILE)),
    ReceiptSection("ポイント", ("今回獲得ポイント 12pt", "ポイント残高 340pt")),
)


def _send_sections(client, kiosk_token, sale_id, sections, *, seq=2, event_id=None):
    event = {
        "seq": seq,
        "event_id": event_id or sections_event_id(sale_id),
        "kind": RECEIPT_SECTIONS,
        "aggregate_id": sale_id,
        "payload": sections_payload(sale_id, sections),
    }
    return post(client, kiosk_token, [event])


def test_the_e_receipt_shows_the_plugin_sections_the_paper_prints(
    client, clock, kiosk_token, synced
):
    """GIVEN a synced sale and the receipt sections its kiosk sent after it (a tax-free
    summary with a hostile line, loyalty points) WHEN the shopper opens the link THEN the
    page shows the sections where the paper receipt prints them, every line escaped."""
    assert _send_sections(client, kiosk_token, synced.sale_id, SECTIONS).status_code == 200
    body = client.get(_link(kiosk_token, synced, clock())).text
    paper = [  # the lines the paper prints from the same sale and sections (QR codes aside)
        line
        for line in render_receipt(
            receipt_from_document(synced.to_document(), ISSUER, SECTIONS), 42
        )
        if not line.startswith(QR_MARK)
    ]
    for line in ("免税 TAX-FREE", "Record TF-0001", "今回獲得ポイント 12pt", "ポイント残高 340pt"):
        assert any(line in p for p in paper) and line in body
    assert all(str(escape(line)) in body for line in paper)  # every paper line, escaped
    assert "<script>alert" not in body and "<img src=x" not in body
    assert body.index("TF-0001") < body.index("ポイント残高")  # the paper's order


def test_sections_under_another_event_id_are_not_shown(client, clock, kiosk_token, synced):
    """GIVEN sections sent under an id that is not the sale's WHEN the page opens THEN they
    are not the receipt's: it shows the sale without them."""
    sent = _send_sections(client, kiosk_token, synced.sale_id, SECTIONS, event_id=str(uuid.uuid4()))
    assert sent.status_code == 200
    body = client.get(_link(kiosk_token, synced, clock())).text
    assert "TF-0001" not in body and "ポイント残高" not in body


def test_sections_a_kiosk_sent_under_the_former_id_are_still_shown(
    client, clock, kiosk_token, synced
):
    """GIVEN sections a kiosk queued before their id came from the one event namespace (kept
    under the former id: the back office's idempotency key for them) WHEN the page opens
    THEN they are shown, as they were before."""
    former = sections_event_ids(synced.sale_id)[1]
    assert former != sections_event_id(synced.sale_id)
    sent = _send_sections(client, kiosk_token, synced.sale_id, SECTIONS, event_id=former)
    assert sent.status_code == 200
    body = client.get(_link(kiosk_token, synced, clock())).text
    assert "TF-0001" in body and "ポイント残高 340pt" in body


def test_a_malformed_sections_event_is_refused_at_the_door(client, kiosk_token, synced):
    """A section that is not title + lines of bounded text is a 422 naming the field."""
    event = {
        "seq": 2,
        "event_id": sections_event_id(synced.sale_id),
        "kind": RECEIPT_SECTIONS,
        "aggregate_id": synced.sale_id,
        "payload": {"sale_id": synced.sale_id, "sections": [{"title": 1, "lines": ["x"]}]},
    }
    refused = post(client, kiosk_token, [event])
    assert refused.status_code == 422 and "title" in refused.text


@pytest.mark.parametrize(
    ("language", "name", "not_shown"), [("ja", "現金", "Cash"), ("en", "Cash", "現金")]
)
def test_a_legacy_document_without_tender_names_shows_the_built_in_methods_name(
    client, bo_db, clock, kiosk_token, language, name, not_shown
):
    """GIVEN a cash sale recorded before tenders kept their names (no ``names`` in the
    document) and a back office that runs no payment plugin WHEN the shopper opens its
    e-receipt THEN the tender reads 現金 (ja) / Cash (en), never the method id."""
    sale = dataclasses.replace(make_sale(1, clock(), method="cash"), language=language)
    document = sale.to_document()
    for tender in document["tenders"]:
        del tender["names"]
    event = {"seq": 1, "event_id": str(uuid.uuid4()), "kind": "sale",
             "aggregate_id": sale.sale_id, "payload": document}  # fmt: skip
    assert post(client, kiosk_token, [event]).status_code == 200
    with bo_db.transaction() as session:
        set_issuer(session, ISSUER, clock(), "test")
    response = client.get(_link(kiosk_token, sale, clock()))
    assert response.status_code == 200, response.text
    receipt = response.text.split('class="receipt"', 1)[1]
    assert name in receipt and not_shown not in receipt
    assert ">cash<" not in receipt and " cash " not in receipt


def test_a_training_sales_link_shows_it_marked_as_training(client, bo_db, clock, kiosk_token):
    """GIVEN a training sale synced (kept apart from sales, in bo_training_sales)
    WHEN the trainee's shopper opens the receipt's QR link
    THEN the page shows the receipt marked 練習 TRAINING / NOT A SALE — before, it said
    "not arrived yet" forever, since the page asked only the sales table."""
    sale = dataclasses.replace(make_sale(1, clock(), method="cash"), training=True)
    _send(client, kiosk_token, sale)
    with bo_db.transaction() as session:
        set_issuer(session, ISSUER, clock(), "test")
    response = client.get(_link(kiosk_token, sale, clock()))
    assert response.status_code == 200, response.text
    assert "練習 TRAINING" in response.text and "NOT A SALE" in response.text
    assert "No.000001" in response.text
