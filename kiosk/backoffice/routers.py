"""Every router of the back office, in one place: the features' and the plugins'.

A new feature adds its router here and nowhere else; plugins come in through the
``kiosk_backoffice_routers`` hook (collected by :mod:`kiosk.backoffice.core.extensions`).
Order matters only where two routes could match one path: fixed paths come first.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI

from kiosk.backoffice.archive import web as archive_web
from kiosk.backoffice.audit import web as audit_web
from kiosk.backoffice.console import api as console_api
from kiosk.backoffice.console import web as console_web
from kiosk.backoffice.ereceipt import web as ereceipt_web
from kiosk.backoffice.exports import api as exports_api
from kiosk.backoffice.exports import formats as export_formats
from kiosk.backoffice.exports import web as exports_web
from kiosk.backoffice.inventory import web as inventory_web
from kiosk.backoffice.kiosks import web as kiosks_web
from kiosk.backoffice.masterdata import api as masterdata_api
from kiosk.backoffice.masterdata import web as masterdata_web
from kiosk.backoffice.reports import api as reports_api
from kiosk.backoffice.reports import web as reports_web
from kiosk.backoffice.returns import kiosk_api as returns_kiosk_api
from kiosk.backoffice.returns import web as returns_web
from kiosk.backoffice.sales import api as sales_api
from kiosk.backoffice.settlement import web as settlement_web
from kiosk.backoffice.staff import web as staff_web

#: the built-in features' routers, in the order they are included
FEATURES: tuple[APIRouter, ...] = (
    returns_web.router,
    returns_kiosk_api.router,
    sales_api.router,
    masterdata_api.router,
    reports_api.router,
    exports_api.router,
    staff_web.router,
    reports_web.router,
    exports_web.router,
    settlement_web.router,
    inventory_web.router,
    masterdata_web.router,
    kiosks_web.router,
    audit_web.router,
    console_api.router,
    console_web.router,
    archive_web.router,
    export_formats.router,
    ereceipt_web.router,
)


def include_all(app: FastAPI, plugin_routers: Iterable[APIRouter]) -> None:
    """The features' routers, then the plugins' (``kiosk_backoffice_routers``)."""
    for router in (*FEATURES, *plugin_routers):
        app.include_router(router)
