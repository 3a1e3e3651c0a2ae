"""領収書: the formal receipt a shopper asks for (expense claims), laid out for the printer.

It carries the addressee (宛名: typed on the keypad or taken from the member record), the
proviso (但し書き, "for goods" by default), the amount, and the invoice elements of the
sale (issuer, registration number, date, total and tax per rate), so it is a qualified
simplified invoice on its own. A reprint says 再発行 at the top and the bottom, so two
originals never exist.

Revenue stamp (収入印紙): a receipt for money received of ¥50,000 or more (the amount
before tax, as the receipt states the tax separately) needs a stamp. Sticking it on is the
store's matter: the kiosk prints the note the store configured (e.g. where staff stamp it)
when the stamp is due. Only the part paid in money counts: a card payment's receipt is not a
receipt of money (the card is named on it), so it needs no stamp.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.money import format_yen
from kiosk.domain.receipt import Receipt
from kiosk.domain.receipt_layout import centred, pair, printable, wrap
from kiosk.domain.receipt_text import TRAINING_MARK, TRAINING_NOTE

STAMP_THRESHOLD = 50_000  # 印紙税法 別表第一 第17号: receipts of ¥50,000 or more

FORMAL_LABELS = {
    "ja": {
        "title": "領 収 書",
        "reprint": "＊＊ 再発行 ＊＊",
        "honorific": "様",
        "proviso": "但し {text}",
        "default_proviso": "お品代として",
        "received": "上記正に領収いたしました",
        "amount": "金額",
        "rate": "{rate}%対象 {gross} (内消費税等 {tax})",
        "paid_by": "お支払: {method}",
        "receipt": "レシート No.{no} レジ {kiosk}",
        "date": "%Y年%m月%d日",
        "registration": "登録番号",
        "legend": "※軽減税率(8%)対象を含みます",
    },
    "en": {
        "title": "RECEIPT",
        "reprint": "** REPRINT **",
        "honorific": "",
        "proviso": "For: {text}",
        "default_proviso": "goods",
        "received": "Received with thanks",
        "amount": "Amount",
        "rate": "{rate}% items {gross} (incl. tax {tax})",
        "paid_by": "Paid by: {method}",
        "receipt": "Receipt No.{no} Till {kiosk}",
        "date": "%Y-%m-%d",
        "registration": "Reg. No.",
        "legend": "Includes reduced-rate (8%) items",
    },
    "zh-Hans": {
        "title": "收 据",
        "reprint": "** 补发 **",
        "honorific": "",
        "proviso": "用途: {text}",
        "default_proviso": "商品款",
        "received": "上述款项已收讫",
        "amount": "金额",
        "rate": "{rate}%对象 {gross} (含消费税 {tax})",
        "paid_by": "支付方式: {method}",
        "receipt": "小票 No.{no} 收银台 {kiosk}",
        "date": "%Y-%m-%d",
        "registration": "登记号码",
        "legend": "含减轻税率(8%)商品",
    },
    "ko": {
        "title": "영 수 증",
        "reprint": "** 재발행 **",
        "honorific": "님",
        "proviso": "내역: {text}",
        "default_proviso": "상품 대금",
        "received": "위 금액을 정히 영수합니다",
        "amount": "금액",
        "rate": "{rate}% 대상 {gross} (소비세 포함 {tax})",
        "paid_by": "결제: {method}",
        "receipt": "영수증 No.{no} 계산대 {kiosk}",
        "date": "%Y-%m-%d",
        "registration": "등록번호",
        "legend": "경감세율(8%) 대상 포함",
    },
}


@dataclass(frozen=True, slots=True)
class FormalReceiptRequest:
    """What the shopper asked for. An empty addressee leaves a line to write on."""

    addressee: str = ""
    proviso: str = ""  # 但し書き; empty → "お品代として"
    reprint: bool = False

    def __post_init__(self) -> None:
        for name in ("addressee", "proviso"):
            value = getattr(self, name)
            if any(ord(ch) < 0x20 or ch == "\x7f" for ch in value):
                raise ValueError(f"the {name} has a control character")
            if len(value) > 60:
                raise ValueError(f"the {name} is longer than 60 characters")


@dataclass(frozen=True, slots=True)
class RevenueStampRule:
    """The store's revenue stamp note, printed when a stamp is due."""

    note: str  # e.g. "収入印紙はサービスカウンターで貼付します"
    threshold: int = STAMP_THRESHOLD
    money_methods: tuple[str, ...] = ("cash",)  # tender methods that are money received


def stamp_base(receipt: Receipt, money_methods: tuple[str, ...] = ("cash",)) -> int:
    """The amount before tax received in money (the figure the stamp rule looks at).

    The tax on the money part is its share of the sale's tax (floored), so a ¥55,000 cash
    sale at 10 % (tax ¥5,000) has a base of ¥50,000.
    """
    money = sum(t.amount for t in receipt.tenders if t.method in money_methods)
    if money <= 0 or receipt.total <= 0:
        return 0
    tax = sum(rate.tax_amount for rate in receipt.rates)
    return money - tax * money // receipt.total


def stamp_due(receipt: Receipt, rule: RevenueStampRule) -> bool:
    return stamp_base(receipt, rule.money_methods) >= rule.threshold


def render_formal_receipt(
    receipt: Receipt,
    request: FormalReceiptRequest,
    stamp: RevenueStampRule | None,
    width: int = 42,
    *,
    language: str | None = None,
) -> list[str]:
    """The 領収書 as lines of at most ``width`` columns (``language``: the receipt's)."""
    lang = language or receipt.language
    labels = FORMAL_LABELS.get(lang, FORMAL_LABELS["en"])

    def yen(amount: int) -> str:
        return format_yen(amount, lang)

    rule = "-" * width
    out: list[str] = centred(TRAINING_MARK, width) if receipt.training else []
    if request.reprint:
        out += centred(labels["reprint"], width)
    out += centred(labels["title"], width)
    out.append("")
    addressee = printable(request.addressee)
    honorific = labels["honorific"]
    if addressee:
        out += wrap(f"{addressee} {honorific}".rstrip(), width)
    else:
        out.append("_" * (width - 4) + ("  " + honorific if honorific else ""))
    out.append("")
    out += pair(labels["amount"], yen(receipt.total) + "-", width)
    out += wrap(
        labels["proviso"].format(text=printable(request.proviso) or labels["default_proviso"]),
        width,
    )
    for rate in receipt.rates:
        line = labels["rate"].format(
            rate=rate.rate_percent, gross=yen(rate.gross), tax=yen(rate.tax_amount)
        )
        out += wrap(line, width)
    if receipt.has_reduced_items:
        out += wrap(labels["legend"], width)
    methods = ", ".join(
        t.name(lang) + (f" {t.masked}" if t.masked else "") for t in receipt.tenders
    )
    out += wrap(labels["paid_by"].format(method=methods), width)
    out += wrap(labels["received"], width)
    out.append(rule)
    out += pair(
        receipt.issued_at.strftime(labels["date"]),
        labels["receipt"].format(no=f"{receipt.receipt_no:06d}", kiosk=receipt.kiosk_id),
        width,
    )
    issuer = receipt.issuer
    out += wrap(printable(issuer.name), width)
    for value in (issuer.address, issuer.phone):
        if value:
            out += wrap(printable(value), width)
    out += wrap(f"{labels['registration']} {issuer.registration_number}", width)
    if stamp is not None and stamp_due(receipt, stamp):
        out.append(rule)
        out += wrap(printable(stamp.note), width)
    if request.reprint:
        out += [rule, *centred(labels["reprint"], width)]
    if receipt.training:
        out += [rule, *centred(TRAINING_MARK, width), *centred(TRAINING_NOTE, width)]
    return out
