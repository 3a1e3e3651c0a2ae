"""The back office's plugin hooks (kiosk_masterdata_sections, kiosk_backoffice_event_handlers,
kiosk_backoffice_pages, kiosk_backoffice_routers, kiosk_backoffice_migrations): a plugin's
section is checked, published and applied on the kiosk; the built-in tax-free plugin brings
its page, router, handler and tables through the same hooks."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from sqlalchemy import inspect

from kiosk.backoffice.app import create_app
from kiosk.backoffice.core import extensions
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.core.extensions import MasterDataSection, builtin_host
from kiosk.backoffice.core.pages import nav_links
from kiosk.backoffice.masterdata import service as masterdata
from kiosk.hookspecs import hookimpl
from kiosk.store import LocalStore
from kiosk.sync.masterdata import MasterDataApplier
from tests.factories import product


def _check_shelf_labels(value):
    if not isinstance(value, dict) or not isinstance(value.get("size"), int):
        raise ValueError('shelf_labels: {"size": <whole number>}')


class ShelfLabels:
    """A vendor's plugin with a master-data section of its own."""

    @hookimpl
    def kiosk_masterdata_sections(self):
        return [MasterDataSection("shelf_labels", {"size": 12}, _check_shelf_labels)]


@pytest.fixture
def host():
    host = builtin_host()
    host.register(ShelfLabels(), "shelf_labels")
    return host


def test_a_plugin_section_is_checked_published_and_applied_on_the_kiosk(
    bo_db, clock, host, tmp_path
):
    """GIVEN a plugin declaring section "shelf_labels" WHEN a manager saves a bad then a good
    value and publishes THEN the bad one is refused naming the section, the version carries
    the good one, and a kiosk applying it reads it with runtime.masterdata's store key."""
    create_app(bo_db, clock=clock, host=host)  # installs the plugin's section
    with bo_db.transaction() as session, pytest.raises(InvalidInput, match="shelf_labels"):
        masterdata.set_setting(session, "shelf_labels", {"size": "big"}, clock(), "manager")
    with bo_db.transaction() as session:
        assert masterdata.build_snapshot(session)["shelf_labels"] == {"size": 12}  # default
        masterdata.set_setting(session, "shelf_labels", {"size": 18}, clock(), "manager")
        masterdata.upsert_products(session, [product(1, 100)], clock(), "manager")
        snapshot = masterdata.publish(session, clock(), "manager").snapshot
    assert snapshot["shelf_labels"] == {"size": 18}

    store = LocalStore(tmp_path / "kiosk.sqlite3")
    MasterDataApplier(store).apply(1, snapshot)
    assert store.get_config("masterdata.shelf_labels") == {"size": 18}


def test_without_the_plugin_the_section_is_unknown(bo_db, clock):
    create_app(bo_db, clock=clock)
    with bo_db.transaction() as session, pytest.raises(InvalidInput, match="one of"):
        masterdata.set_setting(session, "shelf_labels", {"size": 18}, clock(), "manager")


def test_tax_free_and_loyalty_come_in_through_the_hooks_only(bo_db, clock):
    """GIVEN the back office's built-in plugins THEN tax-free's, loyalty's and hand-off's
    tables, page links, routers, event handlers and console parts are the ones their hooks
    returned."""
    from plugins.handoff.layout import BACKOFFICE_MIGRATIONS as HANDOFF
    from plugins.loyalty.layout import BACKOFFICE_MIGRATIONS as LOYALTY
    from plugins.tax_free.layout import BACKOFFICE_MIGRATIONS as TAX_FREE

    create_app(bo_db, clock=clock)
    plugged = extensions.current()
    assert [n.href for n in plugged.nav] == ["/customers", "/campaigns", "/tax-free"]
    assert ("/tax-free", "Tax-free 免税") in nav_links()
    assert [h.kind for h in plugged.handlers] == [
        "coupons",
        "coupons_reinstated",
        "loyalty_points",
        "loyalty_member",
        "coupons",
        "loyalty",
        "tax_free_record",
    ]
    # every plugin kind's door schema comes from the plugin's own folder, none from the core
    schemas = {kind: plugged.schema_for(kind) for kind in {h.kind for h in plugged.handlers}}
    assert {kind: f"{s.__module__}.{s.__name__}" for kind, s in schemas.items()} == {
        "coupons": "plugins.loyalty.backoffice.coupon_schemas.CouponsUsed",
        "coupons_reinstated": "plugins.loyalty.backoffice.coupon_schemas.CouponsReinstated",
        "loyalty": "plugins.loyalty.backoffice.schemas.LoyaltySale",
        "loyalty_points": "plugins.loyalty.backoffice.schemas.PointsEntry",
        "loyalty_member": "plugins.loyalty.backoffice.schemas.MemberChange",
        "tax_free_record": "plugins.tax_free.backoffice.schemas.TaxFreeSummary",
    }
    assert all(isinstance(r, APIRouter) for r in plugged.routers)
    assert set(plugged.migrations) == {LOYALTY, TAX_FREE, HANDOFF}
    assert [p.name for p in plugged.console] == ["handoffs"]
    tables = inspect(bo_db.engine).get_table_names()
    assert {"bo_taxfree_records", "bo_points_entries", "bo_coupon_uses"} <= set(tables)
    assert {"bo_handoffs", "bo_handoff_kiosks"} <= set(tables)


def test_a_hook_returning_the_wrong_type_is_named(bo_db, clock):
    class Broken:
        @hookimpl
        def kiosk_backoffice_pages(self):
            return [("/x", "X")]

    host = builtin_host()
    host.register(Broken(), "broken")
    with pytest.raises(TypeError, match="kiosk_backoffice_pages"):
        create_app(bo_db, clock=clock, host=host)


def test_a_bad_published_coupon_is_refused_when_saved(bo_db, clock, host):
    """GIVEN the built-in coupons plugin's section WHEN a manager saves a coupon list whose
    second entry does not parse THEN it is refused naming the setting and the entry, and
    nothing is stored."""
    create_app(bo_db, clock=clock, host=host)
    bad = [{"id": "C1", "scope": "basket", "amount_off": 100}, {"id": "C2", "scope": "x"}]
    with bo_db.transaction() as session, pytest.raises(InvalidInput, match="coupons: entry 2"):
        masterdata.set_setting(session, "coupons", bad, clock(), "manager")
    with bo_db.transaction() as session:
        assert masterdata.get_setting(session, "coupons") is None
