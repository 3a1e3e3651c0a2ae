"""Operations pages: settlement, inventory, master data, kiosks, staff and the audit log.

Every POST changes something, is audited in the same transaction, and redirects back
(post/redirect/get). Every POST form is :func:`html.post_form`, which carries the session's
CSRF token; :mod:`web_security` refuses a cookie POST without it or from another origin
(SameSite=Strict alone does not stop a page on the same host, another port).
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kiosk.backoffice.core.deps import Attendant, Manager, bo
from kiosk.backoffice.core.pages import back, form, integer
from kiosk.backoffice.html import fmt, page, post_form, table
from kiosk.backoffice.inventory import service as inventory

router = APIRouter()


# --- settlement (精算) ------------------------------------------------------------------------


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


# --- kiosks, staff, audit (admin) -----------------------------------------------------------
