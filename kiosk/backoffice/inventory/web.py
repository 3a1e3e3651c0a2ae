"""The inventory page: receiving, counts, reorder points, shrinkage and slow movers.

Every POST changes something, is audited in the same transaction, and redirects back
(post/redirect/get). Every POST form is the ``post_form`` template macro, which carries the
session's CSRF token; :mod:`kiosk.backoffice.core.security` refuses a cookie POST without it or from another origin
(SameSite=Strict alone does not stop a page on the same host, another port).
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kiosk.backoffice.core.deps import Attendant, Manager, bo
from kiosk.backoffice.core.pages import back, form, integer, template_page
from kiosk.backoffice.inventory import service as inventory

router = APIRouter()


# --- inventory (在庫) -------------------------------------------------------------------------


@router.get("/inventory")
def inventory_page(request: Request, staff: Attendant) -> HTMLResponse:
    today = bo(request).today()
    with bo(request).db.reading() as session:
        stock = inventory.stock_list(session)
        reorder = inventory.reorder_suggestions(session)
        shrink = inventory.shrinkage(session, today - timedelta(days=30), today)
        slow = inventory.slow_movers(session, today)
    return template_page(
        "inventory/inventory.html",
        "Inventory 在庫",
        staff,
        reorder=[(r.sku, r.name, r.on_hand, r.reorder_point, r.suggested) for r in reorder],
        shrink=[(s.sku, s.name, s.quantity, s.value) for s in shrink],
        slow=[(s.sku, s.name, s.on_hand, s.sold) for s in slow],
        stock=[
            (p.sku, p.name_ja, p.department, p.price, p.cost, p.on_hand, p.reorder_point)
            for p in stock
        ],
    )


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
