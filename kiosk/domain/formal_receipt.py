"""領収書: the formal receipt a shopper asks for (expense claims), laid out for the printer.

It carries the addressee (宛名: typed on the keypad or taken from the member record), the
proviso (但し書き, "for goods" by default), the amount, and the invoice elements of the
sale (issuer, registration number, date, total and tax per rate), so it is a qualified
simplified invoice on its own. A reprint says 再発行 at the top and the bottom, so two
originals never exist.

Revenue stamp (収入印紙): a receipt for money received (印紙税法 別表第一 第17号の1,
売上代金に係る金銭の受取書) needs a stamp when the amount it states is ¥50,000 or more.
Sticking it on is the store's matter: the kiosk prints the note the store configured (e.g.
where staff stamp it) when the stamp is due. The amount received in cash decides:

- A credit card payment's receipt that names the card is not a receipt of money (NTA
  質疑応答事例 (印紙税)「クレジット販売の場合の領収書」; the receipt names every tender), and
  neither is an e-money or code payment where the store receives no money at the till. A
  code payment whose merchant contract makes it money received (NTA 質疑応答事例, code
  payments: https://www.nta.go.jp/law/shitsugi/inshi/19/50.htm), or a debit card (settled
  at once from the account), is money: the store lists such methods in
  ``[store] revenue_stamp_methods`` beside "cash".
- All in cash: the consumption tax stated on the receipt is left out of the amount (印紙税法
  基本通達 / 平成元年 間消3-2: tax stated separately is not part of the 記載金額), so a
  ¥55,000 sale at 10 % (tax ¥5,000 printed) is ¥50,000: due.
- Split tender: the receipt prints the cash part (うち現金) and that figure, tax included,
  decides (the tax printed is the whole sale's, not the cash part's, so nothing of it can be
  taken off): ¥54,000 cash of a ¥110,000 sale is due; ¥49,999 cash is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.money import format_yen
from kiosk.domain.receipt import Receipt
from kiosk.domain.receipt_layout import centred, pair, printable, wrap
from kiosk.domain.receipt_text import TRAINING_MARK, TRAINING_NOTE

HONORIFICS = ("様", "御中")  # a person / a company or department
MAX_TEXT = 60  # characters of an addressee or a 但し書き (and so of an addressee word)
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
        "part": "うち{method} {amount}",
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
        "part": "of which {method} {amount}",
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
        "part": "其中{method} {amount}",
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
        "part": "그중 {method} {amount}",
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
    #: after the addressee: 様 (a person), 御中 (a company), "" (none); None → the
    #: receipt language's own (様 in Japanese, 님 in Korean, nothing in English/Chinese)
    honorific: str | None = None

    def __post_init__(self) -> None:
        if self.honorific not in (None, "", *HONORIFICS):
            raise ValueError(f"the honorific is one of {', '.join(HONORIFICS)} or none")
        for name in ("addressee", "proviso"):
            value = getattr(self, name)
            if has_control_character(value):
                raise ValueError(f"the {name} has a control character")
            if len(value) > MAX_TEXT:
                raise ValueError(f"the {name} is longer than {MAX_TEXT} characters")


def has_control_character(text: str) -> bool:
    """Whether ``text`` holds a control character (C0 or DEL): never on a 領収書."""
    return any(ord(ch) < 0x20 or ch == "\x7f" for ch in text)


@dataclass(frozen=True, slots=True)
class RevenueStampRule:
    """The store's revenue stamp note, printed when a stamp is due."""

    note: str  # e.g. "収入印紙はサービスカウンターで貼付します"
    threshold: int = STAMP_THRESHOLD
    money_methods: tuple[str, ...] = ("cash",)  # tender methods that are money received


def money_received(receipt: Receipt, money_methods: tuple[str, ...] = ("cash",)) -> int:
    """Yen received in money: each money tender's amount applied to the sale (the change
    given back is not received)."""
    return sum(t.amount for t in receipt.tenders if t.method in money_methods)


def stamp_base(receipt: Receipt, money_methods: tuple[str, ...] = ("cash",)) -> int:
    """The amount the stamp rule looks at: the money received, less the stated tax when the
    whole sale was paid in money; a split tender's money part with its tax (see above)."""
    money = money_received(receipt, money_methods)
    if money <= 0 or receipt.total <= 0:
        return 0
    if money >= receipt.total:
        return receipt.total - sum(rate.tax_amount for rate in receipt.rates)
    return money


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
    honorific = labels["honorific"] if request.honorific is None else request.honorific
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
    money_methods = stamp.money_methods if stamp is not None else ("cash",)
    if 0 < money_received(receipt, money_methods) < receipt.total:
        # split tender: the money part is on paper, as the stamp rule reads it
        for tender in receipt.tenders:
            if tender.method in money_methods:
                part = labels["part"].format(method=tender.name(lang), amount=yen(tender.amount))
                out += wrap(part, width)
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
