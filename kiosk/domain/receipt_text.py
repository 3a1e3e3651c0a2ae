"""Lay a :class:`Receipt` out as fixed-width text, measured as the printer measures it.

Widths are cp932 columns (:mod:`kiosk.domain.receipt_layout`); the width is the printer's
(its profile's ``columns``), so a 58 mm printer gets 32 columns and nothing is cut. QR codes
(the tax-free section's, the e-receipt link, the sale reference) are lines of their own,
``QR_MARK`` + content, which the printer driver prints as codes.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.domain.money import format_yen
from kiosk.domain.receipt import Receipt
from kiosk.domain.receipt_layout import (
    centred,
    display_width,
    fit,
    pair,
    printable,
    two_columns,
    wrap,
)

__all__ = [
    "LABELS",
    "QR_MARK",
    "centred",
    "display_width",
    "fit",
    "labels_for",
    "render_receipt",
    "two_columns",
    "wrap",
]

# a training sale (simulated payment) says so at the top and the bottom, in both languages
TRAINING_MARK = "＊＊ 練習 TRAINING ＊＊"
TRAINING_NOTE = "売上ではありません NOT A SALE"

LABELS = {
    "ja": {
        "registration": "登録番号",
        "receipt_no": "No.",
        "kiosk": "レジ",
        "subtotal": "小計",
        "total": "合計",
        "rate_target": "{rate}%対象",
        "tax_included": "内消費税等",
        "change": "お釣り",
        "tendered": "お預り",
        "legend": "※印は軽減税率(8%)適用商品",
        "quantity": "{qty}点 × @{price}",
        "weight": "{grams}g × @{price}/kg",
        "date": "%Y年%m月%d日 %H:%M",
        "items": "点数",
        "e_receipt": "電子レシートはこちら",
        "reference": "お取引番号(返品の際にお持ちください)",
    },
    "en": {
        "registration": "Reg. No.",
        "receipt_no": "No.",
        "kiosk": "Till",
        "subtotal": "Subtotal",
        "total": "TOTAL",
        "rate_target": "{rate}% items",
        "tax_included": "incl. tax",
        "change": "Change",
        "tendered": "Tendered",
        "legend": "※ reduced tax rate (8%) item",
        "quantity": "{qty} x @{price}",
        "weight": "{grams}g x @{price}/kg",
        "date": "%Y-%m-%d %H:%M",
        "items": "Items",
        "e_receipt": "Your e-receipt",
        "reference": "Sale reference (bring it for returns)",
    },
    "zh-Hans": {
        "registration": "登记号码",
        "receipt_no": "No.",
        "kiosk": "收银台",
        "subtotal": "小计",
        "total": "合计",
        "rate_target": "{rate}%对象",
        "tax_included": "含消费税",
        "change": "找零",
        "tendered": "收款",
        "legend": "※ 适用减轻税率(8%)的商品",
        "quantity": "{qty}件 × @{price}",
        "weight": "{grams}g × @{price}/kg",
        "date": "%Y-%m-%d %H:%M",
        "items": "件数",
        "e_receipt": "电子收据",
        "reference": "交易编号(退货时请出示)",
    },
    "ko": {
        "registration": "등록번호",
        "receipt_no": "No.",
        "kiosk": "계산대",
        "subtotal": "소계",
        "total": "합계",
        "rate_target": "{rate}% 대상",
        "tax_included": "소비세 포함",
        "change": "거스름돈",
        "tendered": "받은 금액",
        "legend": "※ 경감세율(8%) 적용 상품",
        "quantity": "{qty}개 × @{price}",
        "weight": "{grams}g × @{price}/kg",
        "date": "%Y-%m-%d %H:%M",
        "items": "수량",
        "e_receipt": "전자 영수증",
        "reference": "거래 번호(반품 시 지참해 주세요)",
    },
}

#: a line that is a QR code, not text: this prefix + the code's content. Same marker family
#: as the printer's style markers (ASCII unit separator + letter), so no real text has it.
QR_MARK = "\x1fQ"


def labels_for(language: str) -> dict[str, str]:
    """The receipt's words in ``language`` (English when we have none for it)."""
    return LABELS.get(language, LABELS["en"])


def render_receipt(
    receipt: Receipt, width: int = 42, *, keep_emoji: bool | Callable[[str], bool] = False
) -> list[str]:
    """The receipt as lines of at most ``width`` printer columns (QR lines excepted).

    ``keep_emoji``: the printer draws emoji from an emoji font (True, or a test per
    character); otherwise each becomes a named placeholder (``[rice ball]``).
    """
    lang = receipt.language if receipt.language in LABELS else "en"
    labels = LABELS[lang]

    def yen(amount: int) -> str:
        return format_yen(amount, lang)

    def text(value: str) -> str:
        return printable(value, keep_emoji=keep_emoji)

    rule = "-" * width
    issuer = receipt.issuer
    out = centred(TRAINING_MARK, width) if receipt.training else []
    out += centred(text(issuer.name), width)
    for value in (issuer.address, issuer.phone):
        if value:
            out += centred(text(value), width)
    out += centred(f"{labels['registration']} {issuer.registration_number}", width)
    out += pair(
        receipt.issued_at.strftime(labels["date"]),
        f"{labels['kiosk']} {receipt.kiosk_id} {labels['receipt_no']}{receipt.receipt_no:06d}",
        width,
    )
    out.append(rule)
    for line in receipt.lines:
        mark = "※" if line.reduced else "  "
        out += pair(mark + text(line.name), yen(line.amount), width)
        if line.weight_g is not None:
            detail = labels["weight"].format(grams=line.weight_g, price=yen(line.unit_price))
            out += ["    " + part for part in wrap(detail, width - 4)]
        elif line.quantity > 1:
            detail = labels["quantity"].format(qty=line.quantity, price=yen(line.unit_price))
            out += ["    " + part for part in wrap(detail, width - 4)]
    out.append(rule)
    item_count = sum(1 if line.weight_g is not None else line.quantity for line in receipt.lines)
    out += pair(
        f"{labels['subtotal']} ({labels['items']} {item_count})", yen(receipt.subtotal), width
    )
    for adjustment in receipt.adjustments:
        out += pair("  " + text(adjustment.label), yen(adjustment.amount), width)
    out += pair(labels["total"], yen(receipt.total), width)
    for rate in receipt.rates:
        target = labels["rate_target"].format(rate=rate.rate_percent)
        out += pair(f"({target}", f"{yen(rate.gross)})", width)
        out += pair(f"({labels['tax_included']}", f"{yen(rate.tax_amount)})", width)
    for tender in receipt.tenders:
        tender_line = tender.name(lang) + (f" {tender.masked}" if tender.masked else "")
        out += pair(tender_line, yen(tender.amount), width)
        if tender.tendered > tender.amount:
            out += pair("  " + labels["tendered"], yen(tender.tendered), width)
    if receipt.change:
        out += pair(labels["change"], yen(receipt.change), width)
    if receipt.has_reduced_items:
        out += wrap(labels["legend"], width)
    for section in receipt.sections:
        out.append(rule)
        out += wrap(text(section.title), width)
        for value in section.lines:
            out += wrap(text(value), width)
        if section.qr:
            out.append(QR_MARK + section.qr)
    if receipt.e_receipt_url:
        out += [rule, *centred(labels["e_receipt"], width), QR_MARK + receipt.e_receipt_url]
    if receipt.reference:
        out += [rule, *centred(labels["reference"], width), QR_MARK + receipt.reference]
        out += centred(receipt.reference, width)
    if receipt.training:
        out += [rule, *centred(TRAINING_MARK, width), *centred(TRAINING_NOTE, width)]
    return out
