"""The 適格返還請求書 laid out for the receipt printer (columns measured in cp932 bytes).

Its own module so the sale receipt's layout (:mod:`kiosk.domain.receipt_text`) can change
without this one; it borrows only the column helpers.
"""

from __future__ import annotations

from kiosk.domain.money import format_yen
from kiosk.domain.receipt_layout import centred, pair, wrap
from kiosk.domain.receipt_text import TRAINING_MARK
from kiosk.domain.return_invoice import ReturnInvoice

LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "title": "返品 (適格返還請求書)",
        "registration": "登録番号",
        "kiosk": "レジ",
        "return_no": "返品No.",
        "returned_at": "返品日",
        "sold_at": "元取引日",
        "original_no": "元レシートNo.",
        "pieces": "{units}点",
        "grams": "{units}g",
        "total": "返金合計",
        "rate_target": "{rate}%対象 返還額",
        "tax": "うち消費税",
        "refund_to": "返金 {method}",
        "reason": "理由",
        "staff": "担当",
        "legend": "※は軽減税率(8%)対象",
        "date": "%Y年%m月%d日 %H:%M",
    },
    "en": {
        "title": "RETURN (qualified return invoice)",
        "registration": "Reg. No.",
        "kiosk": "Kiosk",
        "return_no": "Return #",
        "returned_at": "Returned",
        "sold_at": "Sold",
        "original_no": "Receipt #",
        "pieces": "{units} pcs",
        "grams": "{units} g",
        "total": "Refund total",
        "rate_target": "{rate}% items refunded",
        "tax": "tax refunded",
        "refund_to": "Refund {method}",
        "reason": "Reason",
        "staff": "Staff",
        "legend": "※ reduced tax rate (8%) item",
        "date": "%Y-%m-%d %H:%M",
    },
}


def render_return_invoice(invoice: ReturnInvoice, width: int = 42) -> list[str]:
    """The invoice as lines of at most ``width`` printer columns."""
    labels = LABELS[invoice.language if invoice.language in LABELS else "en"]

    def yen(amount: int) -> str:
        return format_yen(amount, invoice.language)

    rule = "-" * width
    out = centred(TRAINING_MARK, width) if invoice.training else []
    out.extend(centred(labels["title"], width))
    out.extend(centred(invoice.issuer.name, width))
    out.extend(centred(f"{labels['registration']} {invoice.issuer.registration_number}", width))
    out.extend(pair(labels["returned_at"], invoice.returned_at.strftime(labels["date"]), width))
    if invoice.original_sold_at is not None:
        out.extend(
            pair(labels["sold_at"], invoice.original_sold_at.strftime(labels["date"]), width)
        )
    numbers = f"{labels['kiosk']} {invoice.kiosk_id} {labels['return_no']}{invoice.return_no:06d}"
    out.extend(wrap(numbers, width))
    if invoice.original_receipt_no is not None:
        out.extend(wrap(f"{labels['original_no']}{int(invoice.original_receipt_no):06d}", width))
    out.append(rule)
    for line in invoice.lines:
        mark = "※" if line.reduced else "  "
        out.extend(pair(mark + line.name, yen(-line.refund), width))
        out.append("    " + labels["grams" if line.weighed else "pieces"].format(units=line.units))
    out.append(rule)
    out.extend(pair(labels["total"], yen(-invoice.total), width))
    for rate in invoice.rates:
        target = labels["rate_target"].format(rate=rate.rate_percent)
        out.extend(pair(f"({target}", f"{yen(-rate.refund)})", width))
        out.extend(pair(f"({labels['tax']}", f"{yen(-rate.tax)})", width))
    for tender in invoice.tenders:
        method = tender.method + (f" {tender.masked}" if tender.masked else "")
        out.extend(pair(labels["refund_to"].format(method=method), yen(tender.amount), width))
    if invoice.has_reduced_items:
        out.extend(wrap(labels["legend"], width))
    out.extend(
        wrap(f"{labels['reason']}: {invoice.reason}  {labels['staff']}: {invoice.staff_id}", width)
    )
    if invoice.training:
        out += [rule, *centred(TRAINING_MARK, width)]
    return out
