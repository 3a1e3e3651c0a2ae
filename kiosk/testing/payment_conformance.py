"""The payment-method conformance kit: the tests every payment plugin must pass.

A vendor subclasses :class:`PaymentMethodConformance` in a test module (the class name must
start with ``Test``) and provides one fixture, ``payment_plugin``, that yields a
:class:`PluginUnderTest` — the method wired to the plugin's own simulator and a
:class:`SimulatorController` that can script that simulator::

    from kiosk.testing.payment_conformance import PaymentMethodConformance, PluginUnderTest

    class TestMyPayConformance(PaymentMethodConformance):
        @pytest.fixture
        def payment_plugin(self, tmp_path):
            simulator = MyPaySimulator.start()
            yield PluginUnderTest(MyPayMethod(simulator.address), MyPayController(simulator))
            simulator.stop()

The kit drives the method through the real :class:`~kiosk.payments.ledger.PaymentLedger`
on a real local store, and restarts "the kiosk" (a new store object and ledger on the same
file, and ``controller.fresh_method()``) to check crash recovery. The module is also a pytest
plugin (``pytest_plugins = ["kiosk.testing.payment_conformance"]``) giving the ``kiosk_store``
fixture to a vendor's own tests.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kiosk.domain.languages import LANGUAGES
from kiosk.domain.money import Yen
from kiosk.messages import po_path
from kiosk.payments import carddata, checks
from kiosk.payments.errors import AmountOutOfLimits, RefundNotAllowed
from kiosk.payments.ledger import PaymentLedger
from kiosk.payments.method import Outcome, PaymentMethod
from kiosk.payments.recovery import RecoveryReport, resolve_open
from kiosk.payments.states import OPEN_STATES, PaymentKind, PaymentState
from kiosk.store import LocalStore
from kiosk.testing import sales

if TYPE_CHECKING:
    from kiosk.runtime import KioskRuntime

NOT_CHARGED = (Outcome.DECLINED, Outcome.CANCELLED)
VOIDED = (Outcome.CANCELLED, Outcome.REFUNDED)


class SimulatorController(ABC):
    """What the kit needs to script a plugin's simulator and to see what it charged."""

    def prepare(self, amount: Yen) -> None:  # noqa: B027 - optional hook, empty by default
        """Make the next ``start`` able to pay ``amount`` in full (insert cash, present a
        card with enough balance, present a wallet code…)."""

    @abstractmethod
    def decline_next(self) -> None:
        """The next payment is refused (declined, or the shopper cancels): nothing charged."""

    @abstractmethod
    def lose_reply_next(self, charged: bool) -> None:
        """The next request reaches the provider, which charges (or not, if ``charged`` is
        False), but its answer never reaches the kiosk (timeout or dropped connection)."""

    @abstractmethod
    def charged(self, idempotency_key: str) -> Yen:
        """Net yen the provider holds for this key now (charged − voided − refunded)."""

    @abstractmethod
    def charge_count(self, idempotency_key: str) -> int:
        """How many separate charges the provider made for this key (must never exceed 1)."""

    @abstractmethod
    def fresh_method(self) -> PaymentMethod:
        """A new kiosk-side method on the same simulator, as after a kiosk restart."""


@dataclass
class PluginUnderTest:
    """What your ``payment_plugin`` fixture returns: your method and its simulator's
    controller."""

    method: PaymentMethod  # wired to your simulator
    controller: SimulatorController  # scripts that simulator
    amount: Yen = 1000  # a typical amount the simulator can pay in full


def open_store(path: Path) -> LocalStore:
    return LocalStore(path)


@pytest.fixture
def kiosk_store(tmp_path: Path) -> Iterator[LocalStore]:
    """A migrated local store on a file in ``tmp_path``."""
    store = LocalStore(tmp_path / "kiosk.sqlite3")
    yield store
    store.close()


@pytest.fixture
def kiosk_runtime(tmp_path: Path) -> Iterator[KioskRuntime]:
    """A started headless kiosk (demo catalogue, payment simulators) on a store in
    ``tmp_path``; register your plugin with ``kiosk_runtime.host.register(plugin, name)``
    and make a sale with :func:`kiosk.testing.sales.build_sale`."""
    with sales.kiosk_runtime(tmp_path / "kiosk") as runtime:
        yield runtime


def new_sale_id() -> str:
    """A fresh sale id, as the runtime makes one per shopper."""
    return str(uuid.uuid4())


def approve(
    plugin: PluginUnderTest, ledger: PaymentLedger, amount: Yen | None = None
) -> tuple[str, str, Yen]:
    """Take an approved payment through the ledger (after ``controller.prepare``); returns
    ``(payment_id, idempotency_key, approved_amount)``. Fails the test if not approved."""
    amount = amount or plugin.amount
    plugin.controller.prepare(amount)
    row, result = ledger.pay(new_sale_id(), plugin.method, amount)
    assert result.outcome is Outcome.APPROVED, result
    return row.payment_id, row.idempotency_key, row.approved_amount


def restart(store_path: Path) -> tuple[LocalStore, PaymentLedger]:
    """A kiosk restart: a new store object and ledger on the same database file."""
    store = LocalStore(store_path)
    return store, PaymentLedger(store)


def recover(
    store_path: Path, plugin: PluginUnderTest, committed: set[str] | None = None
) -> tuple[PaymentLedger, RecoveryReport]:
    """Restart and run the start-up recovery with ``controller.fresh_method()``; ``committed``
    are the sale ids whose sale was committed. Fails the test if anything stays open."""
    store, ledger = restart(store_path)
    method = plugin.controller.fresh_method()
    try:
        report = resolve_open(
            ledger,
            lambda mid: method if mid == method.id else None,
            lambda sale_id: sale_id in (committed or set()),
        )
        assert report.clean, f"left unresolved: {report.unresolved}"
        assert not ledger.open_payments()
        return ledger, report
    finally:
        store.close()


class PaymentMethodConformance:
    """Base class of the conformance tests. Provide the ``payment_plugin`` fixture."""

    @pytest.fixture
    def payment_plugin(self) -> PluginUnderTest:
        raise NotImplementedError("provide a payment_plugin fixture yielding PluginUnderTest")

    @pytest.fixture
    def store_path(self, tmp_path: Path) -> Path:
        return tmp_path / "conformance.sqlite3"

    @pytest.fixture
    def ledger(self, store_path: Path) -> Iterator[PaymentLedger]:
        store = LocalStore(store_path)
        yield PaymentLedger(store)
        store.close()

    # --- helpers (the public functions above; kept here for subclasses that used them) ---

    _sale = staticmethod(new_sale_id)
    _restart = staticmethod(restart)
    _approved = staticmethod(approve)
    _recover = staticmethod(recover)

    # --- declaration ---------------------------------------------------------------------

    def test_method_declares_id_names_icon_and_limits(self, payment_plugin: PluginUnderTest):
        method = payment_plugin.method
        assert method.id and method.id.isidentifier()
        assert all(method.names().values())  # a name in ja, en, zh-Hans and ko
        if method.name_key:  # from the plugin's own catalogue, one file per language
            for language in LANGUAGES:
                path = po_path(method.domain, language)
                assert path is not None and path.is_file(), (method.domain, language)
        else:
            assert method.name_ja and method.name_en  # the deprecated pair
        assert isinstance(method.icon, str) and isinstance(method.works_offline, bool)
        assert 0 < method.min_amount <= payment_plugin.amount <= method.max_amount
        assert method.accepts(method.min_amount) and method.accepts(method.max_amount)
        assert not method.accepts(method.min_amount - 1)
        assert not method.accepts(method.max_amount + 1)

    def test_method_passes_the_kiosks_door_checks(self, payment_plugin: PluginUnderTest):
        """The attribute types the kiosk checks when ``kiosk_payment_methods`` returns it
        (a wrong one disables the plugin), deadlines included."""
        assert checks.payment_method(payment_plugin.method) is None
        assert payment_plugin.method.start_deadline_s > 0
        assert payment_plugin.method.call_deadline_s > 0

    def test_every_result_has_the_declared_field_types(self, payment_plugin: PluginUnderTest):
        """start/status/cancel/refund return PaymentResults whose fields have the declared
        types (a wrong one is an UNKNOWN outcome and disables the plugin)."""
        method, controller = payment_plugin.method, payment_plugin.controller
        key, refund_key = new_sale_id(), new_sale_id()
        controller.prepare(payment_plugin.amount)
        results = [method.start(payment_plugin.amount, key), method.status(key)]
        results += [method.refund(key, 1, refund_key), method.status(refund_key)]
        results += [method.cancel(key), method.status(new_sale_id())]
        for result in results:
            assert checks.payment_result(result) is None, result

    # --- happy path, decline ---------------------------------------------------------------

    def test_approved_payment_is_persisted_and_charged_once(self, payment_plugin, ledger):
        payment_id, key, approved = self._approved(payment_plugin, ledger)
        row = ledger.get(payment_id)
        assert row.state == PaymentState.APPROVED
        assert approved == payment_plugin.amount
        assert payment_plugin.controller.charged(key) == approved
        assert payment_plugin.controller.charge_count(key) == 1

    def test_approved_result_carries_no_card_number(self, payment_plugin, ledger):
        payment_id, _, _ = self._approved(payment_plugin, ledger)
        row = ledger.get(payment_id)
        assert carddata.is_masked(row.masked)
        for text in (row.reference, row.masked, row.message):
            assert not carddata.find_card_numbers(text)

    def test_declined_payment_charges_nothing(self, payment_plugin, ledger):
        payment_plugin.controller.prepare(payment_plugin.amount)
        payment_plugin.controller.decline_next()
        row, result = ledger.pay(self._sale(), payment_plugin.method, payment_plugin.amount)
        assert result.outcome in NOT_CHARGED
        assert row.state in (PaymentState.DECLINED, PaymentState.CANCELLED)
        assert payment_plugin.controller.charged(row.idempotency_key) == 0

    # --- unknown outcomes --------------------------------------------------------------------

    def test_lost_reply_after_charge_is_resolved_without_a_second_charge(
        self, payment_plugin, ledger
    ):
        payment_plugin.controller.prepare(payment_plugin.amount)
        payment_plugin.controller.lose_reply_next(charged=True)
        row, result = ledger.pay(self._sale(), payment_plugin.method, payment_plugin.amount)
        assert row.state not in OPEN_STATES, "an unknown outcome must be resolved"
        key = row.idempotency_key
        assert payment_plugin.controller.charge_count(key) <= 1
        expected = row.approved_amount if result.outcome is Outcome.APPROVED else 0
        assert result.outcome in (Outcome.APPROVED, *NOT_CHARGED)
        assert payment_plugin.controller.charged(key) == expected

    def test_lost_reply_before_charge_is_resolved_as_not_charged(self, payment_plugin, ledger):
        payment_plugin.controller.prepare(payment_plugin.amount)
        payment_plugin.controller.lose_reply_next(charged=False)
        row, result = ledger.pay(self._sale(), payment_plugin.method, payment_plugin.amount)
        assert result.outcome in NOT_CHARGED
        assert row.state not in OPEN_STATES
        assert payment_plugin.controller.charged(row.idempotency_key) == 0

    def test_replayed_request_with_the_same_key_charges_once(self, payment_plugin):
        method, controller = payment_plugin.method, payment_plugin.controller
        key = str(uuid.uuid4())
        controller.prepare(payment_plugin.amount)
        first = method.start(payment_plugin.amount, key)
        controller.prepare(payment_plugin.amount)
        again = method.start(payment_plugin.amount, key)
        assert first.outcome is Outcome.APPROVED
        assert again.outcome is Outcome.APPROVED and again.amount == first.amount
        assert controller.charge_count(key) == 1
        assert controller.charged(key) == first.amount

    def test_status_of_a_key_never_sent_is_not_found(self, payment_plugin):
        assert payment_plugin.method.status(str(uuid.uuid4())).outcome is Outcome.NOT_FOUND

    # --- cancel ----------------------------------------------------------------------------

    def test_void_gives_everything_back_and_links_the_original(self, payment_plugin, ledger):
        payment_id, key, _ = self._approved(payment_plugin, ledger)
        result = ledger.void(payment_id, payment_plugin.method)
        assert result.outcome is Outcome.CANCELLED
        assert ledger.get(payment_id).state == PaymentState.CANCELLED
        (void,) = ledger.linked(payment_id)
        assert void.kind == PaymentKind.VOID and void.state == PaymentState.CANCELLED
        assert payment_plugin.controller.charged(key) == 0

    def test_cancel_twice_is_harmless(self, payment_plugin, ledger):
        _, key, _ = self._approved(payment_plugin, ledger)
        first = payment_plugin.method.cancel(key)
        again = payment_plugin.method.cancel(key)
        assert first.outcome in VOIDED and again.outcome in VOIDED
        assert payment_plugin.controller.charged(key) == 0

    def test_cancel_of_a_key_never_sent_charges_nothing(self, payment_plugin):
        key = str(uuid.uuid4())
        result = payment_plugin.method.cancel(key)
        assert result.outcome in (*VOIDED, Outcome.NOT_FOUND)
        assert payment_plugin.controller.charged(key) == 0

    # --- refunds ---------------------------------------------------------------------------

    def test_partial_then_full_refund(self, payment_plugin, ledger):
        payment_id, key, approved = self._approved(payment_plugin, ledger)
        part = approved // 4 or 1
        method = payment_plugin.method
        assert ledger.refund(payment_id, part, method).outcome is Outcome.REFUNDED
        original = ledger.get(payment_id)
        assert original.state == PaymentState.APPROVED and original.refunded == part
        assert payment_plugin.controller.charged(key) == approved - part
        assert ledger.refund(payment_id, approved - part, method).outcome is Outcome.REFUNDED
        original = ledger.get(payment_id)
        assert original.state == PaymentState.REFUNDED and original.refunded == approved
        assert payment_plugin.controller.charged(key) == 0
        refunds = ledger.linked(payment_id)
        assert [r.kind for r in refunds] == [PaymentKind.REFUND, PaymentKind.REFUND]
        with pytest.raises(RefundNotAllowed):
            ledger.refund(payment_id, 1, method)

    def test_refund_beyond_the_payment_is_refused(self, payment_plugin, ledger):
        payment_id, key, approved = self._approved(payment_plugin, ledger)
        with pytest.raises(RefundNotAllowed):
            ledger.refund(payment_id, approved + 1, payment_plugin.method)
        assert payment_plugin.controller.charged(key) == approved

    def test_replayed_refund_with_the_same_key_gives_back_once(self, payment_plugin, ledger):
        _, key, approved = self._approved(payment_plugin, ledger)
        part = approved // 2 or 1
        refund_key = str(uuid.uuid4())
        first = payment_plugin.method.refund(key, part, refund_key)
        again = payment_plugin.method.refund(key, part, refund_key)
        assert first.outcome is Outcome.REFUNDED and again.outcome is Outcome.REFUNDED
        assert payment_plugin.controller.charged(key) == approved - part
        assert payment_plugin.method.status(refund_key).outcome is Outcome.REFUNDED

    # --- crash and restart -------------------------------------------------------------------

    def test_crash_before_the_request_is_sent_is_cancelled_at_restart(
        self, payment_plugin, ledger, store_path
    ):
        row = ledger.create(self._sale(), payment_plugin.method.id, payment_plugin.amount)
        ledger.transition(row.payment_id, PaymentState.REQUESTED)
        # the kiosk dies here
        after, _ = self._recover(store_path, payment_plugin)
        assert after.get(row.payment_id).state == PaymentState.CANCELLED
        assert payment_plugin.controller.charged(row.idempotency_key) == 0

    def test_crash_between_request_and_response_is_resolved_at_restart(
        self, payment_plugin, ledger, store_path
    ):
        row = ledger.create(self._sale(), payment_plugin.method.id, payment_plugin.amount)
        ledger.transition(row.payment_id, PaymentState.REQUESTED)
        payment_plugin.controller.prepare(payment_plugin.amount)
        payment_plugin.method.start(payment_plugin.amount, row.idempotency_key)
        # the kiosk dies before it writes the answer: no sale was committed
        after, _ = self._recover(store_path, payment_plugin)
        assert after.get(row.payment_id).state == PaymentState.CANCELLED
        assert payment_plugin.controller.charge_count(row.idempotency_key) <= 1
        assert payment_plugin.controller.charged(row.idempotency_key) == 0

    def test_crash_after_approval_before_commit_is_voided_at_restart(
        self, payment_plugin, ledger, store_path
    ):
        payment_id, key, _ = self._approved(payment_plugin, ledger)
        after, report = self._recover(store_path, payment_plugin)
        assert report.voided_orphans == 1
        assert after.get(payment_id).state == PaymentState.CANCELLED
        assert payment_plugin.controller.charged(key) == 0

    def test_committed_sale_keeps_its_payment_across_restart(
        self, payment_plugin, ledger, store_path
    ):
        payment_id, key, approved = self._approved(payment_plugin, ledger)
        sale_id = ledger.get(payment_id).sale_id
        after, report = self._recover(store_path, payment_plugin, committed={sale_id})
        assert report.voided_orphans == 0
        assert after.get(payment_id).state == PaymentState.APPROVED
        assert payment_plugin.controller.charged(key) == approved

    # --- limits ------------------------------------------------------------------------------

    def test_amount_outside_the_limits_is_refused_before_anything_is_sent(
        self, payment_plugin, ledger
    ):
        method = payment_plugin.method
        for amount in (method.min_amount - 1, method.max_amount + 1):
            with pytest.raises(AmountOutOfLimits):
                ledger.pay(self._sale(), method, amount)
        assert not ledger.open_payments() and not ledger.approved_payments()
