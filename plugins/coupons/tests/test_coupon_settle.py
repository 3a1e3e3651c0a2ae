"""A sale's coupon uses are read and settled in one unit of work.

GIVEN a sale that used a coupon
WHEN it completes
THEN the coupons plugin opens one unit of work for it: the uses it reads to decide what the
sale consumed are read in the transaction that settles them and queues their event (before,
they were read in a transaction of their own: a reconcile from the sync in between could
free or take a use the settle then did not see).
"""

from __future__ import annotations

from typing import Any

from plugins.conftest import RICE, coupon_qr, scan
from plugins.coupons import coupons_for


class CountingDoor:
    """The plugin's runtime, counting the units of work it opens and what ran in them."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime
        self.opened: list[list[str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._runtime, name)

    def unit_of_work(self) -> Any:
        door = self
        inner = self._runtime.unit_of_work()

        class Counted:
            def __enter__(self) -> Any:
                uow = inner.__enter__()
                door.opened.append([])
                execute = uow.session.execute

                def noted(statement: Any, *args: Any, **kwargs: Any) -> Any:
                    door.opened[-1].append(str(statement).split()[0])
                    return execute(statement, *args, **kwargs)

                uow.session.execute = noted
                return uow

            def __exit__(self, *exc: Any) -> Any:
                return inner.__exit__(*exc)

        return Counted()


def test_the_uses_are_read_and_settled_in_one_unit_of_work(kiosk):
    runtime = kiosk()
    plugin = coupons_for(runtime)
    scan(runtime, RICE)
    assert "accepted" in scan(runtime, coupon_qr("C100", "ONE-TX")).claim.text("en")
    door = CountingDoor(plugin.runtime)
    plugin.runtime = door
    try:
        sale = runtime.pay("cash")
    finally:
        plugin.runtime = door._runtime
    [statements] = door.opened  # one unit of work: the read, the settle, the event
    assert statements[0] == "SELECT" and "UPDATE" in statements
    events = [r for r in runtime.store.unsent_outbox(100) if r.kind == "coupons"]
    assert [e.payload["coupons"] for e in events] == [["C100:ONE-TX"]]
    assert events[0].payload["sale_id"] == sale.sale_id
