"""The coupons the back office publishes are checked by the coupons plugin
(kiosk_masterdata_sections), not by the core."""

from __future__ import annotations

import pytest

from kiosk.backoffice.core import extensions
from kiosk.backoffice.masterdata import service as masterdata


@pytest.fixture
def installed():
    before = extensions.current()
    extensions.install(extensions.collect(extensions.builtin_host()))
    yield
    extensions.install(before)


def test_published_coupons_are_checked_by_the_plugin(installed):
    """GIVEN the back office's built-in plugins WHEN a coupon list is checked THEN a full rule
    must parse (the entry and the field are named), an entry with only its members refers to
    the kiosks' own definition and passes, and an entry without an id is refused."""
    (check,) = masterdata.section_checks("coupons")
    check([{"id": "C1", "scope": "basket", "amount_off": 100}])
    check([{"id": "FLYER", "members": ["M1"]}])  # terms in kiosk.toml: not parsed here
    with pytest.raises(ValueError, match="entry 2"):
        check([{"id": "C1", "scope": "basket", "amount_off": 100}, {"id": "C2", "scope": "x"}])
    with pytest.raises(ValueError, match='entry 1: needs an "id"'):
        check([{"scope": "basket", "amount_off": 100}])
    with pytest.raises(ValueError, match="a list"):
        check({"id": "C1"})
    # the plugin's own section, published under the key kiosks have always read
    assert masterdata.plugin_sections()["coupons"].default == []
