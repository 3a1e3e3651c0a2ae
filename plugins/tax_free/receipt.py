"""The tax-free receipt section: the record summary in English and the shopper's language.

The printer lays sections out line by line and cuts long lines, so the text is wrapped here
to the receipt width, measured as the printer measures it (cp932 columns).
"""

from __future__ import annotations

from kiosk.domain.money import format_yen
from kiosk.domain.receipt import ReceiptSection
from kiosk.domain.receipt_text import display_width
from plugins.tax_free.errors import tax_free_message
from plugins.tax_free.recorder import OutcomeKind, RecordOutcome
from plugins.tax_free.settings import DEFAULT_REFUND_HOW, TaxFreeSettings

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "TAX-FREE (refund after customs)",
        "record": "Record {record}",
        "buyer": "{name} Passport {passport}",
        "paid": "Items {count}  Paid incl. tax {gross}",
        "refund": "Tax to be refunded {tax}",
        "rate": "  ({rate}% {tax})",
        "deadline": "Leave Japan and show Customs by {date} (90 days from purchase).",
        "explain": "Carry ALL these goods with you. Show them and your passport to Customs when "
        "you leave Japan. If Customs cannot confirm every item, no tax is refunded for this "
        "record. The refund is paid only after Customs confirms.",
        "details": "Staff will add item details before this record is sent.",
        "below": "Not tax-free: your purchases here today total {net} excl. tax; the minimum "
        "is {minimum}.",
        "none": "Not tax-free: none of these items can be sold tax-free.",
        "training": "TRAINING: practice only. This record is not sent to the tax office.",
    },
    "ja": {
        "title": "免税（リファンド方式）",
        "record": "記録番号 {record}",
        "buyer": "{name} 旅券 {passport}",
        "paid": "点数 {count} お支払(税込) {gross}",
        "refund": "返金予定の消費税額 {tax}",
        "rate": "  ({rate}% {tax})",
        "deadline": "{date}までに出国し税関の確認を受けてください（購入日から90日以内）。",
        "explain": "出国時に、この記録の商品すべてと旅券を税関に提示してください。1点でも確認"
        "できない場合、この記録の商品はすべて免税になりません。返金は税関の確認後です。",
        "details": "商品情報の入力後に購入記録を送信します（係員対応）。",
        "below": "免税対象外：本日の当店でのお買上げ（税抜）{net}が下限{minimum}に達していません。",
        "none": "免税対象外：免税販売できる商品がありません。",
        "training": "練習：この記録は国税庁へ送信されません。",
    },
    "zh-Hans": {
        "title": "免税（海关确认后退税）",
        "record": "记录编号 {record}",
        "buyer": "{name} 护照 {passport}",
        "paid": "件数 {count} 已付(含税) {gross}",
        "refund": "应退消费税 {tax}",
        "rate": "  ({rate}% {tax})",
        "deadline": "请于{date}前出境并接受海关确认（购买日起90天内）。",
        "explain": "离开日本时，请随身携带本记录中的全部商品，并向海关出示商品和护照。只要有一件"
        "商品未能确认，本记录的全部商品均不予退税。退税在海关确认后支付。",
        "details": "工作人员补充商品信息后再发送本记录。",
        "below": "非免税：您今天在本店的购物金额（不含税）{net}未达到最低金额{minimum}。",
        "none": "非免税：这些商品均不可免税销售。",
        "training": "练习：本记录不会发送给税务机关。",
    },
    "ko": {
        "title": "면세 (세관 확인 후 환급)",
        "record": "기록 번호 {record}",
        "buyer": "{name} 여권 {passport}",
        "paid": "품목 {count} 결제(세금 포함) {gross}",
        "refund": "환급 예정 소비세 {tax}",
        "rate": "  ({rate}% {tax})",
        "deadline": "{date}까지 출국하여 세관 확인을 받으십시오 (구매일로부터 90일 이내).",
        "explain": "출국 시 이 기록의 모든 상품과 여권을 세관에 제시해 주십시오. 한 품목이라도 "
        "확인되지 않으면 이 기록의 모든 상품이 면세되지 않습니다. 환급은 세관 확인 후에 "
        "지급됩니다.",
        "details": "직원이 상품 정보를 입력한 후 이 기록을 전송합니다.",
        "below": "면세 대상 아님: 오늘 당점 구매액(세금 별도) {net}이(가) 최저 금액 {minimum}에 "
        "미달합니다.",
        "none": "면세 대상 아님: 면세 판매할 수 있는 상품이 없습니다.",
        "training": "연습: 이 기록은 세무 당국에 전송되지 않습니다.",
    },
}


def languages_for(shopper_language: str) -> list[str]:
    """English always; the shopper's language too when it is another one we have."""
    languages = ["en"]
    if shopper_language in TEXTS and shopper_language != "en":
        languages.append(shopper_language)
    return languages


def sections_for(
    outcome: RecordOutcome, shopper_language: str, settings: TaxFreeSettings, width: int
) -> list[ReceiptSection]:
    return [
        _section(outcome, language, settings, width) for language in languages_for(shopper_language)
    ]


def _section(
    outcome: RecordOutcome, language: str, settings: TaxFreeSettings, width: int
) -> ReceiptSection:
    t = TEXTS[language]
    # a training sale's section: the same text, first saying it is practice and not sent
    practice = wrap(t["training"], width) if outcome.training else []

    def yen(amount: int) -> str:
        return format_yen(amount, language)

    if outcome.kind is OutcomeKind.BELOW_MINIMUM:
        text = t["below"].format(net=yen(outcome.day_net), minimum=yen(outcome.minimum))
        return ReceiptSection(t["title"], tuple(practice + wrap(text, width)))
    if outcome.kind is OutcomeKind.NO_ELIGIBLE_ITEMS or outcome.record is None:
        return ReceiptSection(t["title"], tuple(practice + wrap(t["none"], width)))
    record, buyer = outcome.record, outcome.buyer
    if outcome.training:
        # no record number and no QR code: there is no record for customs to look up
        lines = [t["training"]]
    else:
        lines = [t["record"].format(record=short_id(record.record_id))]
    if buyer is not None:
        lines.append(t["buyer"].format(name=buyer.display_name, passport=buyer.masked_passport))
    count = sum(item.quantity for item in record.items)
    lines.append(t["paid"].format(count=count, gross=yen(record.amounts.gross)))
    lines.append(t["refund"].format(tax=yen(record.refund_amount)))
    if len(record.amounts.rates) > 1:
        lines += [
            t["rate"].format(rate=r.rate_percent, tax=yen(r.tax)) for r in record.amounts.rates
        ]
    lines.append(t["deadline"].format(date=record.export_deadline.isoformat()))
    lines.append(t["explain"])
    own_words = dict(settings.refund_how.texts).get(language)
    lines.append(own_words or tax_free_message(DEFAULT_REFUND_HOW).render(language))
    if record.missing_details():
        lines.append(t["details"])
    wrapped = [part for line in lines for part in wrap(line, width)]
    qr = None if outcome.training else f"TAXFREE:{record.record_id}"
    return ReceiptSection(t["title"], tuple(wrapped), qr=qr)


YEN = "￥"


def short_id(record_id: str) -> str:
    return record_id.replace("-", "")[:10].upper()


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` columns; words stay whole where they fit."""
    lines: list[str] = []
    current, used = "", 0
    for token in _tokens(text):
        w = sum(display_width(c) for c in token)
        if used + w > width and current.strip():
            lines.append(current.rstrip())
            current, used = "", 0
            token = token.lstrip()
            w = sum(display_width(c) for c in token)
        while w > width:  # a token longer than a line (CJK runs): cut it
            cut, cut_w = "", 0
            for char in token:
                if cut_w + display_width(char) > width - used:
                    break
                cut += char
                cut_w += display_width(char)
            lines.append((current + cut).rstrip())
            current, used, token = "", 0, token[len(cut) :]
            w = sum(display_width(c) for c in token)
        current += token
        used += w
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Words with their leading space; each CJK character is a token of its own."""
    tokens: list[str] = []
    for char in text:
        wide = display_width(char) > 1
        after_wide = bool(tokens) and display_width(tokens[-1][-1]) > 1
        glued = bool(tokens) and tokens[-1].endswith(YEN)  # keep ￥ with its amount
        if not tokens or char == " " or wide or (after_wide and not glued):
            tokens.append(char)
        else:
            tokens[-1] += char
    return tokens
