"""The promotions the back office publishes are checked by the promotions plugin
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


def test_published_promotions_are_checked_by_the_plugin(installed):
    """GIVEN the back office's built-in plugins WHEN a promotion list is checked THEN every
    entry must parse as a rule, and a bad one is named with its field."""
    (check,) = masterdata.section_checks("promotions")
    check([{"id": "2for1", "type": "buy_get", "buy": 1, "get": 1, "skus": ["SKU0014"]}])
    with pytest.raises(ValueError, match="entry 1"):
        check([{"id": "P1", "type": "no-such-type"}])
    with pytest.raises(ValueError, match='needs an "id"'):
        check([{"type": "buy_get"}])
    assert masterdata.plugin_sections()["promotions"].default == []
