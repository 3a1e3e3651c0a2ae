"""Lay a :class:`Receipt` out as fixed-width text, measured as the printer measures it.

Receipt printers in Japan count columns in cp932 bytes: a kanji or full-width character
takes two columns, ASCII and half-width kana one. Characters cp932 cannot encode are
printed as raster images by the driver and take two columns here too.
"""

from __future__ import annotations

from kiosk.domain.money import format_yen
from kiosk.domain.receipt import Receipt

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
    },
}


def display_width(text: str) -> int:
    """Columns ``text`` takes on a cp932 printer."""
    width = 0
    for char in text:
        try:
            width += len(char.encode("cp932"))
        except UnicodeEncodeError:
            width += 2
    return width


def fit(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` columns without splitting a double-width character."""
    out, used = [], 0
    for char in text:
        w = display_width(char)
        if used + w > width:
            break
        out.append(char)
        used += w
    return "".join(out)


def two_columns(left: str, right: str, width: int) -> str:
    """``left`` and ``right`` on one line, right-aligned; ``left`` is cut if it must be."""
    room = width - display_width(right) - 1
    left = fit(left, max(room, 0))
    return left + " " * (width - display_width(left) - display_width(right)) + right


def centred(text: str, width: int) -> str:
    text = fit(text, width)
    pad = (width - display_width(text)) // 2
    return " " * pad + text


def render_receipt(receipt: Receipt, width: int = 42) -> list[str]:
    """The receipt as lines of at most ``width`` printer columns."""
    lang = receipt.language if receipt.language in LABELS else "en"
    labels = LABELS[lang]

    def yen(amount: int) -> str:
        return format_yen(amount, lang)

    rule = "-" * width
    issuer = receipt.issuer
    out = [centred(TRAINING_MARK, width)] if receipt.training else []
    out.append(centred(issuer.name, width))
    out += [centred(text, width) for text in (issuer.address, issuer.phone) if text]
    out.append(centred(f"{labels['registration']} {issuer.registration_number}", width))
    out.append(
        two_columns(
            receipt.issued_at.strftime(labels["date"]),
            f"{labels['kiosk']} {receipt.kiosk_id} {labels['receipt_no']}{receipt.receipt_no:06d}",
            width,
        )
    )
    out.append(rule)
    for line in receipt.lines:
        mark = "※" if line.reduced else "  "
        out.append(two_columns(mark + line.name, yen(line.amount), width))
        if line.weight_g is not None:
            detail = labels["weight"].format(grams=line.weight_g, price=yen(line.unit_price))
            out.append("    " + detail)
        elif line.quantity > 1:
            detail = labels["quantity"].format(qty=line.quantity, price=yen(line.unit_price))
            out.append("    " + detail)
    out.append(rule)
    item_count = sum(1 if line.weight_g is not None else line.quantity for line in receipt.lines)
    out.append(
        two_columns(
            f"{labels['subtotal']} ({labels['items']} {item_count})", yen(receipt.subtotal), width
        )
    )
    out += [two_columns("  " + a.label, yen(a.amount), width) for a in receipt.adjustments]
    out.append(two_columns(labels["total"], yen(receipt.total), width))
    for rate in receipt.rates:
        target = labels["rate_target"].format(rate=rate.rate_percent)
        out.append(two_columns(f"({target}", f"{yen(rate.gross)})", width))
        out.append(two_columns(f"({labels['tax_included']}", f"{yen(rate.tax_amount)})", width))
    for tender in receipt.tenders:
        tender_line = tender.name(lang) + (f" {tender.masked}" if tender.masked else "")
        out.append(two_columns(tender_line, yen(tender.amount), width))
        if tender.tendered > tender.amount:
            out.append(two_columns("  " + labels["tendered"], yen(tender.tendered), width))
    if receipt.change:
        out.append(two_columns(labels["change"], yen(receipt.change), width))
    if receipt.has_reduced_items:
        out.append(labels["legend"])
    for section in receipt.sections:
        out.append(rule)
        out.append(fit(section.title, width))
        out += [fit(text, width) for text in section.lines]
    if receipt.training:
        out += [rule, centred(TRAINING_MARK, width), centred(TRAINING_NOTE, width)]
    return out
