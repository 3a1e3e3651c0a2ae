"""Operations pages: settlement, inventory, master data, kiosks, staff and the audit log.

Every POST changes something, is audited in the same transaction, and redirects back
(post/redirect/get). The session cookie is SameSite=Strict, which keeps other sites' forms
from posting here with it.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kiosk.backoffice import audit, auth, inventory, journal_anchor, masterdata, settlement
from kiosk.backoffice.api import Admin, Attendant, Manager, bo
from kiosk.backoffice.auth import Role
from kiosk.backoffice.bounds import whole_number
from kiosk.backoffice.errors import InvalidInput
from kiosk.backoffice.html import Raw, page, table
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
    body = f'<form><input type="date" name="day" value="{d}"><button>Show</button></form>' + settled
    denominations = "".join(
        f'<label>¥{d_:,} × <input name="d{d_}" type="number" min="0" value="0" size="4"></label> '
        for d_ in settlement.DENOMINATIONS
    )
    options = "".join(f"<option>{escape(k)}</option>" for k in kiosks)
    body += f"""<h2>Count a kiosk 現金実査</h2><form method="post" action="/settlement" id="settle">
<input type="hidden" name="day" value="{d}"><label>Kiosk <select name="kiosk_id">{options}</select></label>
<label>Float 釣銭準備金 <input name="float_amount" type="number" value="30000"></label><br>{denominations}
<button>Record settlement</button></form>"""
    return page(f"Settlement 精算 {d}", body, staff)


def settlement_table(session: Session, day: date) -> str:
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
                    Raw(f'<span class="{cls}">{s.discrepancy:+,}</span>'),
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
    body = """<h2>Receive 入荷 / Count 棚卸</h2>
<form method="post" action="/inventory/receive" class="inline" id="receive"><input name="sku" placeholder="SKU" required>
<input name="quantity" type="number" placeholder="qty" required><input name="unit_cost" type="number" placeholder="unit cost">
<button>Receive</button></form>
<form method="post" action="/inventory/count" class="inline" id="count"><input name="sku" placeholder="SKU" required>
<input name="counted" type="number" placeholder="counted" required><input name="note" placeholder="note"><button>Record count</button></form>
<form method="post" action="/inventory/reorder" class="inline"><input name="sku" placeholder="SKU" required>
<input name="point" type="number" placeholder="reorder point" required><input name="qty" type="number" placeholder="order unit" required>
<button>Set reorder</button></form>"""
    body += "<h2>Suggested orders 発注提案</h2>" + table(
        ("SKU", "Name", "On hand", "Reorder point", "Order"),
        [(r.sku, r.name, r.on_hand, r.reorder_point, r.suggested) for r in reorder],
        id_="reorder",
    )
    body += "<h2>Shrinkage 在庫ロス (30 days)</h2>" + table(
        ("SKU", "Name", "Pieces", "Value at cost ¥"),
        [(s.sku, s.name, s.quantity, s.value) for s in shrink],
        id_="shrinkage",
    )
    body += "<h2>Slow movers 不動在庫 (no sales in 30 days)</h2>" + table(
        ("SKU", "Name", "On hand", "Sold"), [(s.sku, s.name, s.on_hand, s.sold) for s in slow]
    )
    body += "<h2>Stock 在庫一覧</h2>" + table(
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
    body = f"<p>Published version: <b id='version'>{cur.version if cur else 'none'}</b>; {products:,} products in the catalogue.</p>"
    body += '<form method="post" action="/masterdata/publish"><button>Publish a new version to kiosks</button></form>'
    body += "<h2>Kiosk versions</h2>" + table(("Kiosk", "Applied version"), kiosks)
    for key, value in settings.items():
        body += f"""<h2>{key}</h2><form method="post" action="/masterdata/settings">
<input type="hidden" name="key" value="{key}"><textarea name="value" rows="6" cols="90">{escape(json.dumps(value, ensure_ascii=False, indent=1))}</textarea>
<br><button>Save {key}</button></form>"""
    body += "<p>Import products with <code>kiosk-backoffice import-catalogue FILE.csv</code> (the kiosk's CSV layout).</p>"
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


@router.get("/kiosks")
def kiosks_page(request: Request, staff: Manager) -> HTMLResponse:
    with bo(request).db.reading() as session:
        journals = journal_anchor.kiosk_states(session)
        rows = [
            (
                k.kiosk_id,
                k.store_id,
                k.name,
                k.last_seq,
                k.last_seen_at or "",
                "revoked" if k.revoked_at else "active",
                journals.get(k.kiosk_id, ""),
            )
            for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)
        ]
    body = table(
        ("Kiosk", "Store", "Name", "Last seq", "Last seen", "State", "Journal 電子ジャーナル"),
        rows,
        id_="kiosks",
    )
    body += """<h2>Enrol or revoke (admin)</h2><form method="post" action="/kiosks/enrol" class="inline">
<input name="kiosk_id" placeholder="K01" required><input name="store_id" placeholder="S01" value="S01"><button>Enrol (shows token once)</button></form>
<form method="post" action="/kiosks/revoke" class="inline"><input name="kiosk_id" placeholder="K01" required><button>Revoke</button></form>
<h2>Journal anchor reset (admin) 電子ジャーナルの再登録</h2>
<p>Only for a kiosk whose database was replaced on purpose (re-imaged, restored after a disk
failure): its next report becomes its anchor. The reason goes to the audit log.</p>
<form method="post" action="/kiosks/journal-anchor/reset" class="inline" id="anchor-reset">
<input name="kiosk_id" placeholder="K01" required><input name="note" placeholder="why 理由" required size="40">
<button>Reset anchor</button></form>"""
    return page("Kiosks", body, staff)


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
    body = f"<p>Put this token in the kiosk's sync settings. It is not shown again:</p><pre id='token'>{escape(token)}</pre><a href='/kiosks'>Back</a>"
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
    roles = "".join(f"<option>{r.value}</option>" for r in Role)
    body = table(("User", "Name", "Role", "Active"), rows)
    body += f"""<h2>Add staff</h2><form method="post" action="/staff"><input name="username" placeholder="user" required>
<input name="display_name" placeholder="name"><select name="role">{roles}</select>
<input name="password" type="password" placeholder="password (8+)" required><button>Add</button></form>"""
    return page("Staff", body, staff)


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
