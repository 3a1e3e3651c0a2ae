"""A plugin's unit of work (``runtime.unit_of_work()``): its own table, an outbox event and a
journal row commit in one store transaction, or none of them does; a stopped plugin's unit of
work refuses and rolls back; the held sale (``runtime.exclusively()``) is refused too."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.event_ids import derived_event_id
from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.hookspecs import hookimpl
from kiosk.plugin_door import PluginStopped
from kiosk.runtime.exclusive import SaleNotHeld
from kiosk.runtime.unit_of_work import Reading, UnitOfWork, UnitOfWorkError
from kiosk.store.models import JournalRow, OutboxRow

ONIGIRI = "4901234000018"  # from the demo catalogue

STAMPS = sa.Table(
    "uow_test_stamps",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sale_id", sa.String(36), nullable=False),
)


class Crash(RuntimeError):
    """The power went out in the middle of the block."""


class Stamper:
    """A plugin with a table of its own: a stamp, its outbox event and a journal row."""

    def __init__(self) -> None:
        self.runtime: Any = None

    @hookimpl
    def kiosk_startup(self, runtime: Any) -> None:
        self.runtime = runtime  # the plugin's door, as every plugin holds it

    def stamp(self, sale_id: str, crash: bool = False) -> str:
        with self.runtime.unit_of_work() as uow:
            uow.session.execute(STAMPS.insert().values(sale_id=sale_id))
            event_id = uow.send_event("stamp", {"sale_id": sale_id}, idempotency_key=sale_id)
            uow.journal("stamp_given", {"sale_id": sale_id})
            if crash:
                raise Crash("between the writes and the commit")
        return event_id


@pytest.fixture
def stamper(runtime) -> Stamper:
    STAMPS.create(runtime.database())
    plugin = Stamper()
    runtime.host.register(plugin, "stamper")
    runtime.host.call("kiosk_startup", runtime=runtime)
    return plugin


def _rows(runtime) -> tuple[list[str], list[str], list[str]]:
    """(stamps, stamp events, stamp journal rows) now in the store."""
    with Session(runtime.database()) as session:
        stamps = list(session.scalars(select(STAMPS.c.sale_id)))
        events = [
            row.payload["sale_id"]
            for row in session.scalars(select(OutboxRow).where(OutboxRow.kind == "stamp"))
        ]
        journal = list(
            session.scalars(select(JournalRow.payload).where(JournalRow.kind == "stamp_given"))
        )
    return stamps, events, journal


def test_the_own_row_outbox_event_and_journal_row_commit_together(runtime, stamper):
    """GIVEN a plugin's unit of work WHEN its block ends THEN its row, its outbox event and
    its journal row are all in the store, the journal still verifies."""
    stamper.stamp("S-1")
    stamps, events, journal = _rows(runtime)
    assert stamps == ["S-1"] and events == ["S-1"] and len(journal) == 1
    assert '"sale_id":"S-1"' in journal[0]
    assert runtime.store.verify_journal().ok


def test_a_crash_inside_the_block_leaves_none_of_the_three(runtime, stamper):
    """GIVEN a unit of work that wrote its row, its event and its journal row WHEN the block
    raises before it ends THEN none of the three is in the store (no event without its row,
    no row without its event) and the kiosk's next unit of work commits as usual."""
    with pytest.raises(Crash):
        stamper.stamp("S-1", crash=True)
    assert _rows(runtime) == ([], [], [])
    stamper.stamp("S-2")
    assert _rows(runtime)[:2] == (["S-2"], ["S-2"])
    assert runtime.store.verify_journal().ok


def test_a_replay_with_the_same_idempotency_key_adds_no_second_event(runtime, stamper):
    """GIVEN an event sent with an idempotency key WHEN it is sent again with that key (a
    replay after a crash) THEN the outbox keeps one event and the same id is returned."""
    first = stamper.stamp("S-1")
    with runtime.unit_of_work() as uow:
        again = uow.send_event("stamp", {"sale_id": "S-1"}, idempotency_key="S-1")
        other = uow.send_event("stamp", {"sale_id": "S-1"}, idempotency_key="S-1b")
    assert again == first and other != first
    assert first == derived_event_id("stamp", "S-1")  # the one namespace (domain.event_ids)
    assert _rows(runtime)[1] == ["S-1", "S-1"]  # S-1 once, plus the other key's


def test_a_unit_of_work_is_not_opened_inside_another_nor_used_after_it(runtime):
    """GIVEN an open unit of work WHEN another is opened inside it THEN that is refused at
    once (it would wait for the first one's write lock); a kept one refuses after its block."""
    inner = runtime.unit_of_work()
    with runtime.unit_of_work() as uow, pytest.raises(UnitOfWorkError, match="already open"):
        inner.__enter__()
    with pytest.raises(UnitOfWorkError, match="outside its with block"):
        uow.journal("late", {})
    with runtime.unit_of_work() as again:  # the refused one left nothing behind
        again.journal("fine", {})


def test_a_stopped_plugins_unit_of_work_is_refused_and_rolls_back(runtime, stamper):
    """GIVEN a plugin inside its unit of work WHEN the host stops it (its deadline passed)
    THEN the next touch raises PluginStopped, the block rolls back (nothing of it is in the
    store), and a new unit of work is refused at once."""
    door = stamper.runtime
    with pytest.raises(PluginStopped), door.unit_of_work() as uow:
        assert isinstance(uow, UnitOfWork)
        uow.session.execute(STAMPS.insert().values(sale_id="S-1"))
        uow.journal("stamp_given", {"sale_id": "S-1"})
        runtime.host.disable("stamper", "kiosk_sale_completed", "overran its deadline")
        uow.send_event("stamp", {"sale_id": "S-1"})
    assert _rows(runtime) == ([], [], [])
    with pytest.raises(PluginStopped):
        door.unit_of_work()
    with pytest.raises(PluginStopped):
        stamper.stamp("S-2")
    assert _rows(runtime) == ([], [], [])


def test_a_reading_neither_waits_for_nor_holds_the_write_lock(runtime, stamper):
    """GIVEN a unit of work holding the store's write lock (a stamp written, not committed)
    WHEN the plugin reads on another thread through ``runtime.reading()`` THEN the read
    answers at once with what was committed before (no wait for the lock, no uncommitted
    row), and a unit of work can commit while a reading is open."""
    stamper.stamp("S-0")
    door = stamper.runtime
    seen: list[list[str]] = []
    with door.unit_of_work() as uow:
        uow.session.execute(STAMPS.insert().values(sale_id="S-1"))
        uow.session.flush()

        def read() -> None:
            with door.reading() as view:
                seen.append(list(view.session.scalars(select(STAMPS.c.sale_id))))

        reader = threading.Thread(target=read)
        reader.start()
        # joined while the write lock is held: a reader that waited for it would still be
        # waiting (busy_timeout is 10 s), so it must already be done
        reader.join(timeout=5)
        assert not reader.is_alive()
    assert seen == [["S-0"]]
    with door.reading() as view:
        assert isinstance(view, Reading)
        before = sorted(view.session.scalars(select(STAMPS.c.sale_id)))
        stamper.stamp("S-2")  # commits while the reading's snapshot is open: not held up
        # the reading keeps its snapshot: what was committed when it began
        assert sorted(view.session.scalars(select(STAMPS.c.sale_id))) == before == ["S-0", "S-1"]
    with door.reading() as view:
        assert sorted(view.session.scalars(select(STAMPS.c.sale_id))) == ["S-0", "S-1", "S-2"]


def test_a_stopped_plugins_reading_is_refused(runtime, stamper):
    """GIVEN a plugin's reading WHEN the host stops the plugin THEN its next touch and any
    new reading raise PluginStopped; a reading kept past its block refuses too."""
    door = stamper.runtime
    with door.reading() as view:
        kept = view
    with pytest.raises(UnitOfWorkError, match="outside its with block"):
        kept.session  # noqa: B018
    with pytest.raises(PluginStopped), door.reading() as view:
        runtime.host.disable("stamper", "kiosk_sale_completed", "overran its deadline")
        view.session  # noqa: B018
    with pytest.raises(PluginStopped):
        door.reading()


def test_the_held_sale_is_one_check_then_act_and_refused_once_stopped(runtime, stamper):
    """GIVEN a plugin's door WHEN it holds the sale THEN it reads and changes it through the
    held sale's operations; outside the block the held sale refuses; once the plugin is
    stopped, holding the sale is refused."""
    door = stamper.runtime
    runtime.start_sale()
    assert runtime.handle_scan(Scan(ONIGIRI, source="test")).accepted
    with door.exclusively() as sale:
        assert sale.state is CheckoutState.SHOPPING and not sale.payments_taken
        [line] = sale.view().active_lines
        assert sale.line(line.line_id).product.sku == line.product.sku
        sale.void_line(line.line_id, by="S001")
        sale.cancel()
    assert runtime.state is CheckoutState.IDLE
    with pytest.raises(SaleNotHeld):
        sale.cancel()
    runtime.host.disable("stamper", "kiosk_sale_completed", "overran its deadline")
    with pytest.raises(PluginStopped):
        door.exclusively()


def test_a_scan_waits_while_a_staff_action_holds_the_sale(runtime, stamper):
    """GIVEN a staff action holding the sale between its check and its act WHEN a shopper
    scans meanwhile (another thread) THEN the scan waits until the action lets go: the
    action's check stays true up to its act, and the scan then lands on the new sale."""
    runtime.start_sale()
    assert runtime.handle_scan(Scan(ONIGIRI, source="test")).accepted
    scanned: list[bool] = []
    shopper = threading.Thread(
        target=lambda: scanned.append(runtime.handle_scan(Scan(ONIGIRI, source="shopper")).accepted)
    )
    with stamper.runtime.exclusively() as sale:
        assert sale.state is CheckoutState.SHOPPING  # the check
        shopper.start()
        shopper.join(0.3)
        assert shopper.is_alive() and not scanned  # held: the scan cannot slip in
        assert len(sale.view().active_lines) == 1
        sale.cancel()  # the act, on what was checked
    shopper.join()
    assert scanned == [True]
    assert len(runtime.sale_view().active_lines) == 1  # the scan started the next sale
