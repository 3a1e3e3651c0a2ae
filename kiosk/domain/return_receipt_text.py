"""The 適格返還請求書 laid out for the receipt printer (columns measured in cp932 bytes),
in the shopper's language (ja, en, zh-Hans, ko; the title keeps the Japanese term's sense).

Its own module so the sale receipt's layout (:mod:`kiosk.domain.receipt_text`) can change
without this one; it borrows only the column helpers.
"""

from __future__ import annotations

from kiosk.domain.money import format_yen
from kiosk.domain.receipt_layout import centred, pair, wrap
from kiosk.domain.receipt_text import QR_MARK, TRAINING_MARK
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
        "reference": "元取引番号",
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
        "reference": "Original sale reference",
    },
    "zh-Hans": {
        "title": "退货 (合格退还请求书)",
        "registration": "登记号",
        "kiosk": "收银机",
        "return_no": "退货编号",
        "returned_at": "退货日期",
        "sold_at": "原交易日期",
        "original_no": "原收据编号",
        "pieces": "{units}件",
        "grams": "{units}克",
        "total": "退款合计",
        "rate_target": "{rate}%对象 退还额",
        "tax": "其中消费税",
        "refund_to": "退款 {method}",
        "reason": "原因",
        "staff": "负责人",
        "legend": "※为轻减税率(8%)对象",
        "date": "%Y年%m月%d日 %H:%M",
        "reference": "原交易编号",
    },
    "ko": {
        "title": "반품 (적격반환청구서)",
        "registration": "등록번호",
        "kiosk": "계산대",
        "return_no": "반품 번호",
        "returned_at": "반품일",
        "sold_at": "원거래일",
        "original_no": "원영수증 번호",
        "pieces": "{units}개",
        "grams": "{units}g",
        "total": "환불 합계",
        "rate_target": "{rate}% 대상 환불액",
        "tax": "그중 소비세",
        "refund_to": "환불 {method}",
        "reason": "사유",
        "staff": "담당",
        "legend": "※는 경감세율(8%) 대상",
        "date": "%Y년 %m월 %d일 %H:%M",
        "reference": "원거래 번호",
    },
}

#: the built-in return reason codes (``[returns] reasons``) as the paper names them, in the
#: words the staff chose them by on the return screen (kiosk/ui/returns); a store's own
#: code is printed as it is
REASON_NAMES: dict[str, dict[str, str]] = {
    "ja": {
        "changed_mind": "お客様都合",
        "wrong_item": "商品違い",
        "damaged": "破損・不良",
        "expired": "期限切れ",
        "other": "その他",
    },
    "en": {
        "changed_mind": "Changed mind",
        "wrong_item": "Wrong item",
        "damaged": "Damaged",
        "expired": "Past its date",
        "other": "Other reason",
    },
    "zh-Hans": {
        "changed_mind": "顾客原因",
        "wrong_item": "商品有误",
        "damaged": "破损/不良",
        "expired": "已过期",
        "other": "其他原因",
    },
    "ko": {
        "changed_mind": "고객 변심",
        "wrong_item": "상품 오류",
        "damaged": "파손·불량",
        "expired": "기한 경과",
        "other": "기타 사유",
    },
}


def reason_name(code: str, language: str) -> str:
    """A return reason in the invoice's language ("damaged" → 破損・不良 on Japanese paper)."""
    return REASON_NAMES.get(language, REASON_NAMES["en"]).get(code, code)


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
        name = tender.name or tender.method
        method = name + (f" {tender.masked}" if tender.masked else "")
        out.extend(pair(labels["refund_to"].format(method=method), yen(tender.amount), width))
    if invoice.has_reduced_items:
        out.extend(wrap(labels["legend"], width))
    reason = reason_name(invoice.reason, invoice.language)
    out.extend(wrap(f"{labels['reason']}: {reason}  {labels['staff']}: {invoice.staff_id}", width))
    if invoice.original_reference:
        # the original sale's code, as on its receipt: scanned, it finds the sale again
        out += [rule, *centred(labels["reference"], width), QR_MARK + invoice.original_reference]
        out += centred(invoice.original_reference, width)
    if invoice.training:
        out += [rule, *centred(TRAINING_MARK, width)]
    return out
