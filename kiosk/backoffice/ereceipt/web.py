"""The e-receipt page: ``GET /r/<sale_id>?k=…&x=…&s=…``, the link in the receipt's QR code.

Public (the shopper has no login) but signed and expiring (:mod:`kiosk.ereceipt_link`):
the signature is checked with the issuing kiosk's key (``bo_kiosks.token_hash``), so a
forged, altered or expired link shows nothing of any sale, and a revoked kiosk's links stop
working. The page shows the receipt exactly as the paper lays it out
(:func:`kiosk.domain.receipt_text.render_receipt` from the synced sale document, with the
plugins' receipt sections the kiosk sent after it: :mod:`kiosk.domain.receipt_sections`),
so the invoice content and the points or tax-free summary are the same; it prints cleanly (the back office's print stylesheet hides
the page chrome).

The issuer (store name, registration number, address) is the back office's setting
``ereceipt_issuer`` (:func:`set_issuer`): the sale document does not carry it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.service import record
from kiosk.backoffice.core.deps import bo
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.core.pages import template_page
from kiosk.backoffice.core.security import no_session
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.masterdata.models import SettingRow
from kiosk.backoffice.sales.models import KioskEventRow, SaleRow
from kiosk.backoffice.training.models import TrainingSaleRow
from kiosk.domain.receipt import Issuer, ReceiptSection, receipt_from_document
from kiosk.domain.receipt_sections import KIND as RECEIPT_SECTIONS
from kiosk.domain.receipt_sections import sections_event_ids, sections_from_payload
from kiosk.domain.receipt_text import QR_MARK, render_receipt
from kiosk.domain.text_controls import text_problem
from kiosk.ereceipt_link import LinkRefused, check_link

log = logging.getLogger(__name__)
router = APIRouter()

SETTING = "ereceipt_issuer"
WIDTH = 42  # the paper receipt's usual width; the page shows the same lines

#: shopper-facing texts; the language of a refused link is unknown, so those say all four
TEXTS = {
    "title": {"ja": "電子レシート", "en": "E-receipt", "zh-Hans": "电子收据", "ko": "전자 영수증"},
    "refused": {
        "ja": "このリンクは無効です。",
        "en": "This link is not valid.",
        "zh-Hans": "此链接无效。",
        "ko": "이 링크는 유효하지 않습니다.",
    },
    "expired": {
        "ja": "このリンクの有効期限が切れています。店舗にお問い合わせください。",
        "en": "This link has expired. Please ask the store.",
        "zh-Hans": "此链接已过期。请咨询店铺。",
        "ko": "이 링크는 만료되었습니다. 매장에 문의해 주세요.",
    },
    "not_yet": {
        "ja": "レシートはまだ届いていません。しばらくしてからもう一度お試しください。",
        "en": "The receipt has not arrived yet. Please try again in a little while.",
        "zh-Hans": "收据尚未送达。请稍后再试。",
        "ko": "영수증이 아직 도착하지 않았습니다. 잠시 후 다시 시도해 주세요.",
    },
    "unavailable": {
        "ja": "現在、電子レシートを表示できません。",
        "en": "E-receipts cannot be shown at the moment.",
        "zh-Hans": "目前无法显示电子收据。",
        "ko": "현재 전자 영수증을 표시할 수 없습니다.",
    },
}
LANGUAGES = ("ja", "en", "zh-Hans", "ko")
HEADERS = {
    "Cache-Control": "no-store",  # a purchase is private: no shared cache keeps it
    "Referrer-Policy": "no-referrer",  # the signed link never leaks to another site
    "X-Robots-Tag": "noindex",
}


#: the longest each issuer field may be (a receipt's line is 42 columns; an address 4 lines)
ISSUER_LIMITS = {"name": 100, "address": 200, "phone": 32}


def set_issuer(session: Session, issuer: Issuer, now: datetime, actor: str) -> None:
    """Store the issuer the e-receipt page prints (audited); each field is checked first
    (it is printed on every e-receipt: a control character or 5,000 characters of address
    were taken as they came)."""
    for field, longest in ISSUER_LIMITS.items():
        text = getattr(issuer, field)
        if field == "name" and not text.strip():
            raise InvalidInput("issuer name: is empty")
        if problem := text_problem(text, longest):
            raise InvalidInput(f"issuer {field}: {problem}")
    value = {
        "name": issuer.name,
        "registration_number": issuer.registration_number,
        "address": issuer.address,
        "phone": issuer.phone,
    }
    session.merge(SettingRow(key=SETTING, value={"value": value}))
    record(session, now, actor, f"settings.{SETTING}", SETTING, {"new": value})


def get_issuer(session: Session) -> Issuer | None:
    row = session.get(SettingRow, SETTING)
    return Issuer(**row.value["value"]) if row is not None else None


def _message(key: str, status: int) -> HTMLResponse:
    texts = [(lang, TEXTS[key][lang]) for lang in LANGUAGES]
    with no_session():  # a public page: never a signed-in staff member's CSRF token
        titles = " / ".join(TEXTS["title"][lang] for lang in LANGUAGES)
        response = template_page(
            "ereceipt/message.html", titles, None, brand=TEXTS["title"]["ja"], texts=texts
        )
    response.status_code = status
    response.headers.update(HEADERS)
    return response


def receipt_sections(session: Session, kiosk_id: str, sale_id: str) -> tuple[ReceiptSection, ...]:
    """The plugin sections the kiosk sent for the sale (none yet, or none made: empty)."""
    row = session.scalar(
        select(KioskEventRow).where(
            KioskEventRow.event_id.in_(sections_event_ids(sale_id)),
            KioskEventRow.kiosk_id == kiosk_id,
            KioskEventRow.kind == RECEIPT_SECTIONS,
        )
    )
    if row is None or not isinstance(row.payload, dict) or row.payload.get("sale_id") != sale_id:
        return ()
    return sections_from_payload(row.payload)


def stored_document(session: Session, kiosk_id: str, sale_id: str) -> dict[str, Any] | None:
    """The synced sale's document, or a training sale's: a trainee's shopper scans the QR
    too, and the page prints it as the paper did, marked 練習 TRAINING / NOT A SALE (the
    document's ``training`` flag); training sales are kept apart from sales (never in a
    report), so both tables are asked."""
    for table in (SaleRow, TrainingSaleRow):
        row = session.scalar(
            select(table).where(table.sale_id == sale_id, table.kiosk_id == kiosk_id)
        )
        if row is not None:
            return dict(row.document)
    return None


def receipt_view(
    document: dict[str, Any], issuer: Issuer, sections: tuple[ReceiptSection, ...] = ()
) -> dict[str, Any]:
    """The page title (in the sale's language), the language and the receipt's lines, with
    the plugins' sections (points, tax-free) where the paper prints them."""
    receipt = receipt_from_document(document, issuer, sections)
    lines = [line for line in render_receipt(receipt, WIDTH) if not line.startswith(QR_MARK)]
    title = TEXTS["title"].get(receipt.language, TEXTS["title"]["en"])
    return {"title": title, "language": receipt.language, "lines": lines}


@router.get("/r/{sale_id}")
def ereceipt_page(request: Request, sale_id: str, k: str = "", x: str = "", s: str = "") -> Any:
    # ``x`` (the expiry) is read here, not by FastAPI: a link garbled on its way from the QR
    # code must show the shopper this page, not the framework's JSON about a query parameter
    if not x.isdecimal() or len(x) > 12:
        log.info("e-receipt link for %s refused: expiry %r is not a time", sale_id[:36], x[:16])
        return _message("refused", 403)
    backoffice = bo(request)
    with backoffice.db.reading() as session:
        kiosk = session.get(KioskRow, k) if k else None
        if kiosk is None or kiosk.revoked_at is not None:
            log.info("e-receipt link refused: unknown or revoked kiosk %r", k[:32])
            return _message("refused", 403)
        try:
            check_link(kiosk.token_hash, k, sale_id, int(x), s, backoffice.clock())
        except LinkRefused as exc:
            log.info("e-receipt link for %s refused: %s", sale_id[:36], exc.reason)
            return _message("expired" if exc.reason == "expired" else "refused", 403)
        document = stored_document(session, k, sale_id)
        issuer = get_issuer(session)
        sections = receipt_sections(session, k, sale_id)
    if document is None:
        return _message("not_yet", 404)
    if issuer is None:
        log.error("e-receipt page: the %s setting is missing (set_issuer)", SETTING)
        return _message("unavailable", 503)
    view = receipt_view(document, issuer, sections)
    with no_session():
        response = template_page(
            "ereceipt/receipt.html",
            view["title"],
            None,
            brand=issuer.name,
            language=view["language"],
            lines=view["lines"],
        )
    response.headers.update(HEADERS)
    return response
