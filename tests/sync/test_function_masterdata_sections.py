"""Promotions and coupons are plugin sections of master data, on the same wire as before.

``fixtures/masterdata_package_v1.json`` is a package (``GET /api/v1/masterdata/current``'s
body) made by the back office of the version that had ``promotions`` and ``coupons`` as core
sections: products, promotions, coupons and config. A kiosk of this version applies it as
that version's did, and this back office, with the same settings, makes the very same
package (same keys, same values, same checksum), so a kiosk of that version applies it too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.backoffice.app import create_app
from kiosk.backoffice.core import extensions
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.core.extensions import BUILTIN_PLUGINS
from kiosk.backoffice.masterdata import service as masterdata
from kiosk.domain.scan import Scan
from kiosk.plugins import PluginHost
from kiosk.sync.masterdata import InvalidMasterData, MasterDataApplier, snapshot_checksum
from tests.backoffice.databases import sign_in
from tests.factories import BEER, ONIGIRI, TEA
from tests.sync.test_function_masterdata import publish, snapshot
from tests.sync.test_function_masterdata_plugins import ANY_TWO, BIRTHDAY, adjustment_labels

OLD_PACKAGE = json.loads(
    (Path(__file__).with_name("fixtures") / "masterdata_package_v1.json").read_text("utf-8")
)


@pytest.fixture(autouse=True)
def _keep_extensions():
    """A back office made here with fewer plugins is not the one later tests find."""
    before = extensions.current()
    yield
    extensions.install(before)


def back_office_host(*left_out: str) -> PluginHost:
    """The back office's built-in plugins but ``left_out`` (not installed)."""
    host = PluginHost()
    host.load_builtins(tuple(p for p in BUILTIN_PLUGINS if p not in left_out))
    host.check()
    return host


def test_function_a_package_of_the_old_back_office_applies_on_this_kiosk(make_runtime):
    """GIVEN the old back office's package WHEN this kiosk applies it THEN its checksum holds,
    every section is stored under the key it had, and the promotions and coupons plugins
    price the basket with the published rules."""
    assert snapshot_checksum(OLD_PACKAGE["snapshot"]) == OLD_PACKAGE["checksum"]
    runtime = make_runtime()
    applier = MasterDataApplier(runtime.store, on_applied=runtime.masterdata_applied)
    applier.apply(OLD_PACKAGE["version"], OLD_PACKAGE["snapshot"])
    for key in ("promotions", "coupons", "config"):
        assert runtime.masterdata(key) == OLD_PACKAGE["snapshot"][key]

    runtime.handle_scan(Scan(ONIGIRI.gtin))
    runtime.handle_scan(Scan(TEA.gtin))
    assert runtime.checkout.totals.total == 250
    runtime.member_id = "M0001"
    runtime.checkout.refresh_adjustments()
    assert runtime.checkout.totals.total == 150
    assert {"よりどり2点250円", "誕生日100円引"} <= set(adjustment_labels(runtime))


def test_function_this_back_office_makes_the_old_package(client, bo_db, clock):
    """GIVEN the settings the old package was made from WHEN this back office (promotions and
    coupons declared by their plugins) publishes THEN the snapshot is the old one, byte for
    byte under the checksum: an old kiosk reads "promotions"/"coupons" as it always did."""
    old = OLD_PACKAGE["snapshot"]
    publish(
        bo_db,
        clock,
        [ONIGIRI, TEA, BEER],
        promotions=old["promotions"],
        coupons=old["coupons"],
        config=old["config"],
    )
    with bo_db.reading() as session:
        row = masterdata.current(session)
    assert row.snapshot == old
    assert row.checksum == OLD_PACKAGE["checksum"]
    assert old["promotions"] == [ANY_TWO] and old["coupons"] == [BIRTHDAY]


def test_function_a_back_office_without_a_plugin_publishes_no_section_of_it(bo_db, clock):
    """GIVEN a back office without the coupons plugin THEN "coupons" is an unknown setting
    (refused, naming the ones there are) and its packages have no "coupons" key, as for any
    vendor's section whose plugin is not installed; promotions are published as before."""
    create_app(bo_db, clock=clock, host=back_office_host("plugins.coupons", "plugins.loyalty"))
    with bo_db.transaction() as session, pytest.raises(InvalidInput, match="one of"):
        masterdata.set_setting(session, "coupons", [BIRTHDAY], clock(), "manager")
    publish(bo_db, clock, [ONIGIRI], promotions=[ANY_TWO])
    with bo_db.reading() as session:
        published = masterdata.current(session).snapshot
        editable = [key for key, _ in masterdata.settings(session)]
    assert set(published) == {"products", "promotions", "config"}
    assert editable == ["config", "business_day_starts", "promotions"]


def test_function_a_section_the_new_version_lacks_is_cleared_on_the_kiosk(store):
    """GIVEN a kiosk that applied coupons WHEN the next version has none (the plugin left
    the back office) THEN the kiosk's coupons are gone, as the old kiosk's were (it stored
    None for a missing section): a version replaces the last whole."""
    applier = MasterDataApplier(store)
    applier.apply(1, snapshot(2) | {"coupons": [BIRTHDAY], "shelf_labels": {"size": 18}})
    assert store.get_config("masterdata.coupons") == [BIRTHDAY]
    applier.apply(2, {k: v for k, v in snapshot(2).items() if k != "coupons"})
    assert store.get_config("masterdata.coupons") is None
    assert store.get_config("masterdata.shelf_labels") is None
    assert store.get_config("masterdata.promotions") == [{"id": "P1"}]
    assert store.get_config("masterdata.version") == 2


def test_function_a_kiosk_without_the_plugin_keeps_its_section_as_sent(make_runtime):
    """GIVEN a kiosk without the promotions and coupons plugins WHEN it applies the old
    package THEN it sells from the new catalogue without discounts, and keeps both sections
    as sent (an unknown section is the reading plugin's, not the core's, to check)."""
    runtime = make_runtime(builtin_plugins=("plugins.pay_cash",))
    applier = MasterDataApplier(runtime.store, on_applied=runtime.masterdata_applied)
    applier.apply(OLD_PACKAGE["version"], OLD_PACKAGE["snapshot"])
    assert runtime.masterdata("promotions") == [ANY_TWO]
    assert runtime.masterdata("coupons") == [BIRTHDAY]
    runtime.handle_scan(Scan(ONIGIRI.gtin))
    runtime.handle_scan(Scan(TEA.gtin))
    assert runtime.checkout.totals.total == 288 and adjustment_labels(runtime) == []


def test_function_a_bad_package_keeps_the_old_sections_too(store):
    """GIVEN an applied version WHEN the next has a bad product THEN it is refused whole:
    the old catalogue, promotions and coupons stay."""
    applier = MasterDataApplier(store)
    applier.apply(1, snapshot(2) | {"coupons": [BIRTHDAY]})
    bad = snapshot(3) | {"promotions": [ANY_TWO], "coupons": []}
    bad["products"][2]["price"] = "free"
    with pytest.raises(InvalidMasterData, match="product #2"):
        applier.apply(2, bad)
    assert applier.version == 1 and len(store.load_catalogue()) == 2
    assert store.get_config("masterdata.promotions") == [{"id": "P1"}]
    assert store.get_config("masterdata.coupons") == [BIRTHDAY]


def test_a_plugin_section_may_not_take_a_core_name(bo_db, clock):
    """A plugin declaring "config" (or a section another plugin has) is refused at start."""
    from kiosk.backoffice.plugin_api import MasterDataSection
    from kiosk.hookspecs import hookimpl

    class Taker:
        @hookimpl
        def kiosk_masterdata_sections(self):
            return [MasterDataSection("config", {})]

    host = back_office_host()
    host.register(Taker(), "taker")
    with pytest.raises(ValueError, match="'config' is taken"):
        create_app(bo_db, clock=clock, host=host)


def test_function_the_settings_are_the_cores_then_each_plugins_in_load_order(bo_db, clock):
    """GIVEN the built-ins and a vendor's plugin loaded after them, each with sections WHEN
    the settings are listed THEN the core's come first, then the sections plugin by plugin
    in the order the plugins were loaded (each plugin's in its own order), on every start."""
    from kiosk.backoffice.plugin_api import MasterDataSection
    from kiosk.hookspecs import hookimpl

    class Vendor:
        @hookimpl
        def kiosk_masterdata_sections(self):
            return [MasterDataSection("stamps", []), MasterDataSection("banners", [])]

    for _ in range(2):
        host = back_office_host()
        host.register(Vendor(), "vendor")
        create_app(bo_db, clock=clock, host=host)
        with bo_db.reading() as session:
            listed = [key for key, _ in masterdata.settings(session)]
        assert listed == [
            "config", "business_day_starts", "promotions", "coupons", "stamps", "banners"
        ]  # fmt: skip


def test_function_the_master_data_page_edits_the_plugins_sections(client, staff, bo_db):
    """GIVEN the back office's built-in plugins WHEN a manager opens /masterdata THEN the
    promotions and coupons forms are there with the core's, a saved list is stored and
    audited, and a bad one is refused naming the setting and the entry."""
    sign_in(client, staff["manager"])
    page = client.get("/masterdata").text
    headings = [h.split("</h2>")[0] for h in page.split("<h2>")[2:]]
    # the core's settings, then the plugins' sections in BUILTIN_PLUGINS' order
    assert headings == ["config", "business_day_starts", "promotions", "coupons"]
    saved = client.post(
        "/masterdata/settings",
        data={"key": "promotions", "value": json.dumps([ANY_TWO])},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    refused = client.post(
        "/masterdata/settings",
        data={"key": "coupons", "value": '[{"id": "C2", "scope": "x"}]'},
    )
    assert refused.status_code == 422 and "coupons: entry 1" in refused.text
    with bo_db.reading() as session:
        assert masterdata.get_setting(session, "promotions") == [ANY_TWO]
        assert masterdata.get_setting(session, "coupons") is None
    assert "よりどり2点250円" in client.get("/masterdata").text
