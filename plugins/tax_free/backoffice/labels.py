"""How the tax-free ledger page names statuses, refund channels and columns (ja/en).

The ids stay in the data (the summaries, the CSV, the database); only the page shows
labels. An id this table does not know is shown as it is. A record's reason is the kiosk's
English sentence: the page puts its gist in Japanese above it.
"""

from __future__ import annotations

from kiosk.backoffice.plugin_api import Note

#: a record's status (plugins.tax_free.models.RecordStatus) as the page shows it
STATUS_LABELS = {
    "pending": "Awaiting customs 税関確認待ち",
    "needs_details": "Details needed 詳細入力待ち",
    "confirmed": "Customs confirmed 輸出確認済",
    "refunded": "Refunded 返金済",
    "expired": "Expired 期限切れ",
    "voided": "Voided 免税取消",
}

#: the refund channels of plugins.tax_free.refunds, by id
CHANNEL_LABELS = {
    "cash_counter": "Cash 現金",
    "card": "Card カード",
    "provider": "Operator 返金事業者",
}

#: the page's header for each column of ledger.LEDGER_COLUMNS (the CSV keeps the ids)
COLUMN_LABELS = {
    "sale_date": "Sale date 販売日",
    "kiosk_id": "Kiosk 端末",
    "status": "Status 状態",
    "buyer": "Buyer, passport 購入者・旅券番号",  # the masked passport under the name
    "net_total": "Net ¥ 税抜合計",
    "refund_amount": "Refund ¥ 還付額",
    "export_deadline": "Export by 輸出期限",
    "days_left": "Days left 残日数",
    "nta_receipt": "NTA receipt 受付番号",
    "refund_channel": "Refunded via 返金方法",
    "reason": "Reason 理由",
}  # the record id is in the CSV: staff find a record by its date, buyer or NTA receipt
PAGE_COLUMNS = tuple(COLUMN_LABELS)

#: the Japanese gist of the reasons the tax-free plugin writes, by how they begin
REASON_GIST = (
    ("customs did not confirm", "税関で一部の品目が未確認のため免税取消"),
    ("customs confirmed on", "輸出確認が期限後"),
    ("no customs confirmation", "期限内に輸出確認なし"),
    ("transmission rejected", "送信が受け付けられませんでした。修正して再送信"),
    ("correction", "訂正の送信が受け付けられませんでした"),
    ("line(s)", "商品情報詳細(ブランド・型番・製造番号)の入力が必要"),
    ("cancelled: every item was returned", "全品返品により取消"),
    ("adjusted by return", "返品により還付額を調整"),
)


def status_label(status: str) -> str:
    """``"Refunded 返金済"`` for ``"refunded"``; an unknown status as it is."""
    return STATUS_LABELS.get(status, status)


def reason_cell(reason: str) -> object:
    """The reason with its Japanese gist above it (as it is when the gist is unknown)."""
    for start, gist in REASON_GIST:
        if reason.startswith(start):
            return Note(gist, reason)
    return reason


def page_row(columns: tuple[str, ...], row: tuple[object, ...]) -> tuple[object, ...]:
    """A CSV row of the ledger (``columns``) as the page shows it: :data:`PAGE_COLUMNS`, the
    status and refund channel as labels, the buyer over the masked passport, the reason with
    its gist."""
    named = dict(zip(columns, row, strict=True))
    channel = str(named["refund_channel"])
    named |= {
        "status": status_label(str(named["status"])),
        "refund_channel": CHANNEL_LABELS.get(channel, channel),
        "reason": reason_cell(str(named["reason"])),
        "buyer": Note(named["buyer"], named["passport"]),
    }
    return tuple(named[c] for c in PAGE_COLUMNS)
