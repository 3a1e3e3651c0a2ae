"""Operations pages: settlement, inventory, master data, kiosks, staff and the audit log.

Every POST changes something, is audited in the same transaction, and redirects back
(post/redirect/get). Every POST form is :func:`html.post_form`, which carries the session's
CSRF token; :mod:`web_security` refuses a cookie POST without it or from another origin
(SameSite=Strict alone does not stop a page on the same host, another port).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kiosk.backoffice import audit, auth, inventory, journal_anchor, masterdata, settlement
from kiosk.backoffice.api import Admin, Attendant, Manager, bo
from kiosk.backoffice.auth import Role
from kiosk.backoffice.bounds import whole_number
from kiosk.backoffice.errors import InvalidInput
from kiosk.backoffice.html import Html, fmt, join, page, post_form, span, table
from kiosk.backoffice.kiosk_identity import kiosk_states as database_states
from kiosk.backoffice.models import KioskRow, StaffRow
from kiosk.backoffice.web import form

router = APIRouter()


def back(to: str) -> Response:
    return RedirectResponse(to, status_code=303)


def integer(data: dict[str, str], key: str, default: int | None = None) -> int:
    value = data.get(key, "").strip()
    if not value and default is not None:
        return default
    return whole_number(value, key)  # within a 32-bit column


# --- settlement (精算) ------------------------------------------------------------------------


@router.get("/settlement")
def settlement_page(request: Request, staff: Manager, day: str | None = None) -> HTMLResponse:
    d = bo(request).day(day)
    with bo(request).db.reading() as session:
        kiosks = [k.kiosk_id for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)]
        settled = settlement_table(session, d)
    body = (
        fmt('<form><input type="date" name="day" value="{}"><button>Show</button></form>', d)
        + settled
    )
    denominations = join(
        fmt(
            '<label>¥{:,} × <input name="d{}" type="number" min="0" value="0" size="4"></label> ',
            d_,
            d_,
        )
        for d_ in settlement.DENOMINATIONS
    )
    options = join(fmt("<option>{}</option>", k) for k in kiosks)
    fields = fmt(
        """<label>Kiosk <select name="kiosk_id">{}</select></label>
<label>Float 釣銭準備金 <input name="float_amount" type="number" value="30000"></label><br>{}
<button>Record settlement</button>""",
        options,
        denominations,
    )
    body += fmt("<h2>Count a kiosk 現金実査</h2>") + post_form(
        "/settlement", fields, id_="settle", hidden={"day": d}
    )
    return page(f"Settlement 精算 {d}", body, staff)


def settlement_table(session: Session, day: date) -> Html:
    """Each kiosk's settlement of the day (the page and the archived daily report show it)."""
    kiosks = [k.kiosk_id for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)]
    done = {s.kiosk_id: s for s in settlement.settlements(session, day)}
    rows = []
    for k in kiosks:
        expected = settlement.cash_sales(session, k, day)
        s = done.get(k)
        if s:
            cls = "ok" if s.discrepancy == 0 else "bad"
            rows.append(
                (
                    k,
                    expected,
                    s.float_amount,
                    s.expected_cash,
                    s.counted_cash,
                    span(cls, f"{s.discrepancy:+,}"),
                    s.counted_by,
                )
            )
        else:
            rows.append((k, expected, "", "", "", "not settled", ""))
    return table(
        ("Kiosk", "Cash sales", "Float", "Expected", "Counted", "Discrepancy 過不足", "By"),
        rows,
        id_="settlements",
    )


@router.post("/settlement")
async def settlement_submit(request: Request, staff: Manager) -> Response:
    data = await form(request)
    d = bo(request).day(data.get("day"))
    counts = {den: integer(data, f"d{den}", 0) for den in settlement.DENOMINATIONS}
    with bo(request).db.transaction() as session:
        settlement.settle(
            session,
            data.get("kiosk_id", ""),
            d,
            counts,
            integer(data, "float_amount", 0),
            bo(request).clock(),
            staff.username,
        )
    return back(f"/settlement?day={d}")


# --- inventory (在庫) -------------------------------------------------------------------------


@router.get("/inventory")
def inventory_page(request: Request, staff: Attendant) -> HTMLResponse:
    today = bo(request).today()
    with bo(request).db.reading() as session:
        stock = inventory.stock_list(session)
        reorder = inventory.reorder_suggestions(session)
        shrink = inventory.shrinkage(session, today - timedelta(days=30), today)
        slow = inventory.slow_movers(session, today)
    body = (
        fmt("<h2>Receive 入荷 / Count 棚卸</h2>\n")
        + post_form(
            "/inventory/receive",
            fmt("""<input name="sku" placeholder="SKU" required>
<input name="quantity" type="number" placeholder="qty" required><input name="unit_cost" type="number" placeholder="unit cost">
<button>Receive</button>"""),
            css_class="inline",
            id_="receive",
        )
        + post_form(
            "/inventory/count",
            fmt("""<input name="sku" placeholder="SKU" required>
<input name="counted" type="number" placeholder="counted" required><input name="note" placeholder="note"><button>Record count</button>"""),
            css_class="inline",
            id_="count",
        )
        + post_form(
            "/inventory/reorder",
            fmt("""<input name="sku" placeholder="SKU" required>
<input name="point" type="number" placeholder="reorder point" required><input name="qty" type="number" placeholder="order unit" required>
<button>Set reorder</button>"""),
            css_class="inline",
        )
    )
    body += fmt("<h2>Suggested orders 発注提案</h2>") + table(
        ("SKU", "Name", "On hand", "Reorder point", "Order"),
        [(r.sku, r.name, r.on_hand, r.reorder_point, r.suggested) for r in reorder],
        id_="reorder",
    )
    body += fmt("<h2>Shrinkage 在庫ロス (30 days)</h2>") + table(
        ("SKU", "Name", "Pieces", "Value at cost ¥"),
        [(s.sku, s.name, s.quantity, s.value) for s in shrink],
        id_="shrinkage",
    )
    body += fmt("<h2>Slow movers 不動在庫 (no sales in 30 days)</h2>") + table(
        ("SKU", "Name", "On hand", "Sold"), [(s.sku, s.name, s.on_hand, s.sold) for s in slow]
    )
    body += fmt("<h2>Stock 在庫一覧</h2>") + table(
        ("SKU", "Name", "Dept", "Price", "Cost", "On hand", "Reorder at"),
        [
            (p.sku, p.name_ja, p.department, p.price, p.cost, p.on_hand, p.reorder_point)
            for p in stock
        ],
        id_="stock",
    )
    return page("Inventory 在庫", body, staff)


@router.post("/inventory/receive")
async def receive_submit(request: Request, staff: Attendant) -> Response:
    data = await form(request)
    cost = integer(data, "unit_cost") if data.get("unit_cost", "").strip() else None
    with bo(request).db.transaction() as session:
        inventory.receive(
            session,
            data.get("sku", ""),
            integer(data, "quantity"),
            cost,
            bo(request).clock(),
            staff.username,
        )
    return back("/inventory")


@router.post("/inventory/count")
async def count_submit(request: Request, staff: Attendant) -> Response:
    data = await form(request)
    with bo(request).db.transaction() as session:
        inventory.count(
            session,
            data.get("sku", ""),
            integer(data, "counted"),
            bo(request).clock(),
            staff.username,
            data.get("note", ""),
        )
    return back("/inventory")


@router.post("/inventory/reorder")
async def reorder_submit(request: Request, staff: Manager) -> Response:
    data = await form(request)
    with bo(request).db.transaction() as session:
        inventory.set_reorder(
            session,
            data.get("sku", ""),
            integer(data, "point"),
            integer(data, "qty"),
            bo(request).clock(),
            staff.username,
        )
    return back("/inventory")


# --- master data (マスタ) ---------------------------------------------------------------------


@router.get("/masterdata")
def masterdata_page(request: Request, staff: Manager) -> HTMLResponse:
    with bo(request).db.reading() as session:
        cur = masterdata.current(session)
        settings = {
            k: masterdata.get_setting(session, k, d) for k, d in masterdata.SETTING_DEFAULTS.items()
        }
        kiosks = [
            (k.kiosk_id, k.masterdata_version)
            for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)
        ]
        products = len(masterdata.build_snapshot(session)["products"])
    body = fmt(
        "<p>Published version: <b id='version'>{}</b>; {:,} products in the catalogue.</p>",
        cur.version if cur else "none",
        products,
    )
    body += post_form(
        "/masterdata/publish", fmt("<button>Publish a new version to kiosks</button>")
    )
    body += fmt("<h2>Kiosk versions</h2>") + table(("Kiosk", "Applied version"), kiosks)
    for key, value in settings.items():
        text = json.dumps(value, ensure_ascii=False, indent=1)
        body += fmt("<h2>{}</h2>", key) + post_form(
            "/masterdata/settings",
            fmt(
                '<textarea name="value" rows="6" cols="90">{}</textarea><br><button>Save {}</button>',
                text,
                key,
            ),
            hidden={"key": key},
        )
    body += fmt(
        "<p>Import products with <code>kiosk-backoffice import-catalogue FILE.csv</code> "
        "(the kiosk's CSV layout).</p>"
    )
    return page("Master data マスタ", body, staff)


@router.post("/masterdata/publish")
def publish_submit(request: Request, staff: Manager) -> Response:
    with bo(request).db.transaction() as session:
        masterdata.publish(session, bo(request).clock(), staff.username)
    return back("/masterdata")


@router.post("/masterdata/settings")
async def settings_submit(request: Request, staff: Manager) -> Response:
    data = await form(request)
    try:
        value = json.loads(data.get("value", ""))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{data.get('key')}: not valid JSON ({exc})") from None
    with bo(request).db.transaction() as session:
        masterdata.set_setting(
            session, data.get("key", ""), value, bo(request).clock(), staff.username
        )
    return back("/masterdata")


# --- kiosks, staff, audit (admin) -----------------------------------------------------------


KIOSK_COLUMNS = (
    "Kiosk 端末",
    "Store 店舗",
    "Name 名称",
    "Last seq 最終連番",
    "Last seen 最終受信",
    "State 状態",
    "Journal 電子ジャーナル",
    "Database 端末データ",  # kiosk_identity: a replaced database, receipt numbers twice
)


@router.get("/kiosks")
def kiosks_page(request: Request, staff: Manager) -> HTMLResponse:
    with bo(request).db.reading() as session:
        journals = journal_anchor.kiosk_states(session)
        identities = database_states(session)  # replaced databases, receipts twice
        rows = [
            (
                k.kiosk_id,
                k.store_id,
                k.name,
                k.last_seq,
                k.last_seen_at.isoformat(" ", "seconds") if k.last_seen_at else "",
                "revoked 失効" if k.revoked_at else "active 有効",
                journals.get(k.kiosk_id, ""),
                identities.get(k.kiosk_id, ""),
            )
            for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)
        ]
    body = table(
        KIOSK_COLUMNS,
        rows,
        id_="kiosks",
    )
    if identities:
        body += fmt(
            '<p class="bad" id="identity-alert">要確認: a kiosk database was replaced or '
            'receipt numbers were issued twice — <a href="/kiosks/identity">see and confirm</a></p>'
        )
    body += (
        fmt("<h2>Enrol or revoke (admin) 登録・失効</h2>")
        + post_form(
            "/kiosks/enrol",
            fmt(
                '<input name="kiosk_id" placeholder="K01" required><input name="store_id" '
                'placeholder="S01" value="S01"><button>Enrol (shows token once)</button>'
            ),
            css_class="inline",
        )
        + post_form(
            "/kiosks/revoke",
            fmt('<input name="kiosk_id" placeholder="K01" required><button>Revoke</button>'),
            css_class="inline",
        )
        + fmt("""
<h2>Journal anchor reset (admin) 電子ジャーナルの再登録</h2>
<p>Only for a kiosk whose database was replaced on purpose (re-imaged, restored after a disk
failure): its next report becomes its anchor. The reason goes to the audit log.</p>
""")
        + post_form(
            "/kiosks/journal-anchor/reset",
            fmt("""<input name="kiosk_id" placeholder="K01" required><input name="note" placeholder="why 理由" required size="40">
<button>Reset anchor</button>"""),
            css_class="inline",
            id_="anchor-reset",
        )
    )
    return page("Kiosks 端末", body, staff, wide=True)


@router.post("/kiosks/journal-anchor/reset")
async def anchor_reset_submit(request: Request, staff: Admin) -> Response:
    data = await form(request)
    with bo(request).db.transaction() as session:
        journal_anchor.reset_anchor(
            session, data.get("kiosk_id", "").strip(), staff.username, data.get("note", ""),
            bo(request).clock(),
        )  # fmt: skip
    return back("/kiosks")


@router.post("/kiosks/enrol")
async def enrol_submit(request: Request, staff: Admin) -> HTMLResponse:
    data = await form(request)
    with bo(request).db.transaction() as session:
        token = auth.enrol_kiosk(
            session,
            data.get("kiosk_id", "").strip(),
            bo(request).clock(),
            store_id=data.get("store_id") or "S01",
            actor=staff.username,
        )
    body = fmt(
        "<p>Put this token in the kiosk's sync settings. It is not shown again:</p>"
        "<pre id='token'>{}</pre><a href='/kiosks'>Back</a>",
        token,
    )
    return page("Kiosk enrolled", body, staff)


@router.post("/kiosks/revoke")
async def revoke_submit(request: Request, staff: Admin) -> Response:
    data = await form(request)
    with bo(request).db.transaction() as session:
        auth.revoke_kiosk(
            session, data.get("kiosk_id", "").strip(), bo(request).clock(), staff.username
        )
    return back("/kiosks")


@router.get("/staff")
def staff_page(request: Request, staff: Admin) -> HTMLResponse:
    with bo(request).db.reading() as session:
        rows = [
            (s.username, s.display_name, s.role, s.active)
            for s in session.query(StaffRow).order_by(StaffRow.username)
        ]
    roles = join(fmt("<option>{}</option>", r.value) for r in Role)
    body = table(("User", "Name", "Role", "Active"), rows)
    body += fmt("<h2>Add staff</h2>") + post_form(
        "/staff",
        fmt(
            """<input name="username" placeholder="user" required>
<input name="display_name" placeholder="name"><select name="role">{}</select>
<input name="password" type="password" placeholder="password (8+)" required><button>Add</button>""",
            roles,
        ),
    )
    return page("Staff 担当者", body, staff)


@router.post("/staff")
async def staff_submit(request: Request, staff: Admin) -> Response:
    data = await form(request)
    try:
        role = Role(data.get("role", ""))
    except ValueError:
        raise InvalidInput("role: admin, manager or attendant") from None
    with bo(request).db.transaction() as session:
        auth.add_staff(
            session,
            data.get("username", "").strip(),
            data.get("password", ""),
            role,
            bo(request).clock(),
            staff.username,
            data.get("display_name", ""),
        )
    return back("/staff")


@router.get("/audit")
def audit_page(request: Request, staff: Admin) -> HTMLResponse:
    with bo(request).db.reading() as session:
        rows = [
            (a.at, a.actor, a.action, a.target, json.dumps(a.detail, ensure_ascii=False))
            for a in audit.recent(session)
        ]
    return page(
        "Audit log 監査ログ",
        table(("At", "Actor", "Action", "Target", "Detail"), rows, id_="audit"),
        staff,
    )
