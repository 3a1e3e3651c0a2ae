"""Derived outbox event ids: one namespace, and ids that never change under a queued event.

GIVEN an event a plugin queued with an idempotency key before the event ids moved to
:mod:`kiosk.domain.event_ids` (a crash, then the kiosk updated, then the replay)
WHEN the replay derives its id again
THEN it is the id already queued (the back office's idempotency key), so the replay is
recognised and not sent twice; a sale's receipt sections take the same derivation, and the
back office still finds the sections it was sent under their former id.
"""

from __future__ import annotations

from kiosk.domain import event_ids, receipt_sections
from kiosk.domain.event_ids import derived_event_id
from kiosk.domain.receipt_sections import KIND, sections_event_id, sections_event_ids

# Ids made by the code before this module, for a fixed kind and key (uuid5 by hand then):
# they are in outbox rows and in the back office's bo_kiosk_events, and must keep meaning
# the same event.
QUEUED_LOYALTY_EVENT = "ac52f6d4-bba5-5f8a-ae4e-c2caff43c6d7"  # "loyalty_points", "sale-0001"
KEPT_SECTIONS_EVENT = "872a45fa-85cb-5a08-b3f3-4f7399bd64b3"  # sections of "sale-0001"


def test_an_id_queued_by_a_plugin_before_is_derived_again_unchanged():
    assert derived_event_id("loyalty_points", "sale-0001") == QUEUED_LOYALTY_EVENT


def test_receipt_sections_take_the_one_namespace():
    assert sections_event_id("sale-0001") == derived_event_id(KIND, "sale-0001")
    assert sections_event_id("sale-0001") != derived_event_id(KIND, "sale-0002")


def test_sections_kept_under_their_former_id_are_still_found():
    current, former = sections_event_ids("sale-0001")
    assert current == sections_event_id("sale-0001")
    assert former == KEPT_SECTIONS_EVENT


def test_no_other_module_makes_ids_in_a_namespace_of_its_own():
    """The one namespace is event_ids'; receipt_sections keeps its former one only to read."""
    assert not hasattr(receipt_sections, "_NAMESPACE")
    assert event_ids.EVENT_NAMESPACE.version == 4
