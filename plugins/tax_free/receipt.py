"""The tax-free receipt section: the record summary in English and the shopper's language.

Its words are msgids of the plugin's own catalogue (``plugins/tax_free/locale``), rendered
in each language the section is printed in.

The printer lays sections out line by line and cuts long lines, so the text is wrapped here
to the receipt width, measured as the printer measures it (cp932 columns).
"""

from __future__ import annotations

from typing import Any

from kiosk.domain.languages import LANGUAGES
from kiosk.domain.money import format_yen
from kiosk.domain.receipt import ReceiptSection
from kiosk.domain.receipt_text import display_width
from kiosk.messages import N_, Amount
from plugins.tax_free.errors import tax_free_message
from plugins.tax_free.recorder import OutcomeKind, RecordOutcome
from plugins.tax_free.settings import DEFAULT_REFUND_HOW, TaxFreeSettings

# The section's words: msgids of this plugin's catalogue (plugins/tax_free/locale)
TITLE = N_("TAX-FREE (refund after customs)")
RECORD = N_("Record {record}")
BUYER = N_("{name} Passport {passport}")
PAID = N_("Items {count}  Paid incl. tax {gross}")
REFUND = N_("Tax to be refunded {tax}")
RATE = "  ({rate}% {tax})"  # figures only: the same in every language
DEADLINE = N_("Leave Japan and show Customs by {date} (90 days from purchase).")
EXPLAIN = N_(
    "Carry ALL these goods with you. Show them and your passport to Customs when you leave "
    "Japan. If Customs cannot confirm every item, no tax is refunded for this record. The "
    "refund is paid only after Customs confirms."
)
DETAILS = N_("Staff will add item details before this record is sent.")
BELOW = N_(
    "Not tax-free: your purchases here today total {net} excl. tax; the minimum is {minimum}."
)
NONE = N_("Not tax-free: none of these items can be sold tax-free.")
TRAINING = N_("TRAINING: practice only. This record is not sent to the tax office.")


def _say(key: str, language: str, **params: Any) -> str:
    """``key`` of this plugin's catalogue in ``language``; yen amounts as :class:`Amount`."""
    return tax_free_message(key, **params).render(language)


def languages_for(shopper_language: str) -> list[str]:
    """English always; the shopper's language too when it is another one we have."""
    languages = ["en"]
    if shopper_language in LANGUAGES and shopper_language != "en":
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
    # a training sale's section: the same text, first saying it is practice and not sent
    practice = wrap(_say(TRAINING, language), width) if outcome.training else []
    title = _say(TITLE, language)
    if outcome.kind is OutcomeKind.BELOW_MINIMUM:
        text = _say(BELOW, language, net=Amount(outcome.day_net), minimum=Amount(outcome.minimum))
        return ReceiptSection(title, tuple(practice + wrap(text, width)))
    if outcome.kind is OutcomeKind.NO_ELIGIBLE_ITEMS or outcome.record is None:
        return ReceiptSection(title, tuple(practice + wrap(_say(NONE, language), width)))
    record, buyer = outcome.record, outcome.buyer
    if outcome.training:
        # no record number and no QR code: there is no record for customs to look up
        lines = [_say(TRAINING, language)]
    else:
        lines = [_say(RECORD, language, record=short_id(record.record_id))]
    if buyer is not None:
        lines.append(_say(BUYER, language, name=buyer.display_name, passport=buyer.masked_passport))
    count = sum(item.quantity for item in record.items)
    lines.append(_say(PAID, language, count=count, gross=Amount(record.amounts.gross)))
    lines.append(_say(REFUND, language, tax=Amount(record.refund_amount)))
    if len(record.amounts.rates) > 1:
        lines += [
            RATE.format(rate=r.rate_percent, tax=format_yen(r.tax, language))
            for r in record.amounts.rates
        ]
    lines.append(_say(DEADLINE, language, date=record.export_deadline.isoformat()))
    lines.append(_say(EXPLAIN, language))
    own_words = dict(settings.refund_how.texts).get(language)
    lines.append(own_words or _say(DEFAULT_REFUND_HOW, language))
    if record.missing_details():
        lines.append(_say(DETAILS, language))
    wrapped = [part for line in lines for part in wrap(line, width)]
    qr = None if outcome.training else f"TAXFREE:{record.record_id}"
    return ReceiptSection(title, tuple(wrapped), qr=qr)


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
