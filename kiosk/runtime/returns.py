"""The return desk (返品): staff check, plan, draft, refunds, commit — and recovery.

Steps of :meth:`ReturnDesk.make` (each is a place a crash may hit; recovery finishes it):

``planned``   the plan (pure) and the staff check; nothing written
``drafted``   the pending return and its refund rows, one transaction (kiosk.store.returns)
``refunding`` each refund row sent through its method (``refund``, or the cash changer's
              ``pay_out`` for a method that cannot refund); an unknown outcome is settled by
              ``status()``, never by a second refund
``committed`` the return document, its outbox row and journal entry, one transaction

:func:`recover_returns` runs at start-up after the payment recovery: a pending return
whose refunds all went through is committed; one for which nothing was refunded is
abandoned (its units are returnable again); anything else is left for staff.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from kiosk.config_schema import ReturnsSection
from kiosk.domain.returns import ReturnPlan, plan_return, refunded_by_rate, returned_so_far
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from kiosk.payments.states import OPEN_STATES, PaymentState
from kiosk.staff import NotAllowed, Role, StaffAccount

# SaleNotFound is named here too: the return screens see the runtime, never the store
from kiosk.store.returns import ReturnBook, SaleNotFound

log = logging.getLogger(__name__)

#: a test (the kill -9 crash test) may set this to stop the process at a named step
checkpoint: Callable[[str], None] = lambda step: None  # noqa: E731


_FAILED = (PaymentState.DECLINED, PaymentState.CANCELLED)  # a refund row that gave nothing


class NeedsManager(NotAllowed):
    """The refund is above ``[returns] approval_above``: a manager must approve it."""


class RefundUnresolved(RuntimeError):
    """A refund's outcome is still unknown, or it was declined with no cash to stand in:
    the return stays pending (its units held) for staff; nothing is refunded twice."""


@dataclass(frozen=True, slots=True)
class ReturnResult:
    document: dict[str, Any]
    problems: tuple[str, ...] = ()  # cash paid out short (違算): staff pay the rest


class ReturnDesk:
    def __init__(self, runtime: Any, settings: ReturnsSection | None = None) -> None:
        self.runtime = runtime
        self.settings = settings or runtime.config.returns
        self.book = ReturnBook(runtime.store)

    # --- choosing ------------------------------------------------------------------------

    def plan(
        self,
        original: Mapping[str, Any],
        chosen: Mapping[int, int],
        *,
        reason: str,
        staff: StaffAccount,
        approver: StaffAccount | None = None,
        elsewhere: Sequence[Mapping[str, Any]] = (),
    ) -> ReturnPlan:
        """The return of ``chosen`` units, checked against the staff rules and what earlier
        returns took. Raises :class:`NotAllowed`, :class:`NeedsManager`, ``ReturnError``.

        ``elsewhere``: return documents of the sale made on other kiosks (from the back
        office); they count with this kiosk's own."""
        if reason not in self.settings.reasons:
            raise ValueError(
                f"unknown reason {reason!r} (known: {', '.join(self.settings.reasons)})"
            )
        if staff.role < Role.parse(self.settings.role):
            raise NotAllowed(f"{staff.staff_id} may not make returns ({self.settings.role} needed)")
        plan = self.unchecked_plan(original, chosen, reason, staff.staff_id, elsewhere)
        above = plan.total > self.settings.approval_above and staff.role < Role.MANAGER
        if above and (approver is None or approver.role < Role.MANAGER):
            raise NeedsManager(
                f"a refund of {plan.total} yen is above {self.settings.approval_above}: "
                "a manager must approve"
            )
        if approver is not None:
            plan = replace(plan, approved_by=approver.staff_id)
        return plan

    def unchecked_plan(
        self,
        original: Mapping[str, Any],
        chosen: Mapping[int, int],
        reason: str,
        staff_id: str,
        elsewhere: Sequence[Mapping[str, Any]] = (),
    ) -> ReturnPlan:
        """The plan without the staff rules (what the screen shows while staff choose)."""
        sale_id = str(original["sale_id"])
        earlier = merge_returns(self.book.returns_of(sale_id), elsewhere)
        return plan_return(
            original,
            chosen,
            return_id=str(uuid.uuid4()),
            reason=reason,
            staff_id=staff_id,
            taken=returned_so_far(earlier, sale_id),
            refunded_by_rate=refunded_by_rate(earlier),
            refundable_by_payment=self._refundable(original, earlier),
            restock=reason not in self.settings.damaged_reasons,
            rounding=self.runtime.config.policy.rounding,
            approved_by=None,
        )

    # --- doing ---------------------------------------------------------------------------

    def make(self, plan: ReturnPlan, elsewhere: Sequence[Mapping[str, Any]] = ()) -> ReturnResult:
        """Draft, refund, commit. Raises :class:`RefundUnresolved` when a refund cannot be
        settled now (the return stays pending). ``elsewhere``: as for :meth:`plan`."""
        checkpoint("planned")
        refunds = [
            (t.payment_id, self._refund_method(t.payment_id, t.method), t.amount)
            for t in plan.tenders
        ]
        record, _ = self.book.begin(
            plan,
            refunds,
            kiosk_id=self.runtime.config.kiosk_id,
            at=self.runtime.clock(),
            elsewhere=elsewhere,
        )
        checkpoint("drafted")
        if str(plan.original.get("kiosk_id")) == self.runtime.config.kiosk_id and not elsewhere:
            return self.finish(record.return_id)
        # another kiosk's sale, or ours that other kiosks took part of back: the plugins
        # following the return (kiosk_return_completed) see it and its returns elsewhere
        # through runtime.sale_and_returns (a coupon freed once the whole sale is back)
        with self.runtime.returning_foreign_sale(plan.original, elsewhere):
            return self.finish(record.return_id)

    def finish(self, return_id: str) -> ReturnResult:
        """Send or settle every refund row of a pending return, then commit it."""
        problems: list[str] = []
        rows = self.book.refund_rows(return_id)
        # a row that did not go through is settled by a live cash row for the same payment
        live_cash = {
            r.original_payment_id for r in rows if r.method == "cash" and r.state not in _FAILED
        }
        for row in rows:
            if row.state in _FAILED:
                if row.original_payment_id not in live_cash:  # staff are here: pay it now
                    problems += self._cash_instead(return_id, row)
                    live_cash.add(row.original_payment_id)
                continue
            result = self.runtime.ledger.send_refund(row.payment_id, self._method(row.method))
            checkpoint("refunded")
            problems += result.problems
            if result.outcome is Outcome.DECLINED and row.method != "cash":
                problems += self._cash_instead(return_id, row)
                live_cash.add(row.original_payment_id)
            elif result.outcome is not Outcome.REFUNDED:
                raise RefundUnresolved(
                    f"refund of {row.amount} yen by {row.method} is {result.outcome.value}: "
                    f"return {return_id} is pending for staff ({result.message})"
                )
        document = self.book.commit(return_id, self.runtime.clock())
        checkpoint("committed")
        self.runtime.host.call("kiosk_return_completed", document=document)
        return ReturnResult(document, tuple(problems))

    def hold_unattended_cash(self) -> list[str]:
        """At start-up, before the payment recovery: a pending return's cash refund that
        the changer never started is cancelled, not paid out into an empty tray; staff pay
        it with the shopper there (``kiosk return --resume``). Returns the rows cancelled."""
        pending = self.book.pending()
        if not pending:  # the usual start: no payment method is looked up
            return []
        cash = self._cash()
        held = []
        for record in pending:
            for row in self.book.refund_rows(record.return_id):
                if row.method != "cash" or row.state not in [s.value for s in OPEN_STATES]:
                    continue
                if cash is None or cash.status(row.idempotency_key).outcome is Outcome.NOT_FOUND:
                    self.runtime.ledger.transition(
                        row.payment_id,
                        PaymentState.CANCELLED,
                        PaymentResult(Outcome.CANCELLED, message="not paid out before a restart"),
                    )
                    held.append(row.payment_id)
        return held

    def _cash_instead(self, return_id: str, row: Any) -> tuple[str, ...]:
        """Pay ``row``'s amount in cash (its method declined, or it was never paid out)."""
        cash = self._cash()
        if cash is None:
            raise RefundUnresolved(
                f"{row.method} did not refund {row.amount} yen and there is no cash changer: "
                f"return {return_id} is pending for staff"
            )
        stand_in = self.book.add_cash_refund(return_id, row, self.runtime.clock())
        result = self.runtime.ledger.send_refund(stand_in.payment_id, cash)
        checkpoint("refunded")
        if result.outcome is not Outcome.REFUNDED:
            raise RefundUnresolved(
                f"cash refund of {row.amount} yen is {result.outcome.value}: "
                f"return {return_id} is pending for staff ({result.message})"
            )
        return result.problems

    # --- helpers -------------------------------------------------------------------------

    def _refundable(
        self, original: Mapping[str, Any], earlier: Sequence[Mapping[str, Any]] = ()
    ) -> dict[str, int]:
        ledger = self.runtime.ledger
        left = {}
        for tender in original.get("tenders", []):
            payment_id = str(tender["payment_id"])
            try:
                row = ledger.get(payment_id)
            except KeyError:
                # another kiosk's payment: what its tender took less what returns gave back
                # of it (refunded here in cash, :meth:`_refund_method`)
                left[payment_id] = int(tender["amount"]) - _refunded_from(earlier, payment_id)
                continue
            in_flight = sum(
                r.amount
                for r in ledger.linked(payment_id)
                if r.kind == "refund" and r.state in [s.value for s in OPEN_STATES]
            )
            # a partial refund keeps a payment approved; a voided or fully refunded one has
            # nothing left
            usable = row.state == PaymentState.APPROVED
            left[payment_id] = (row.approved_amount - row.refunded - in_flight) if usable else 0
        return left

    def _refund_method(self, payment_id: str, method_id: str) -> str:
        """The method that refunds: the original one, or cash if it cannot refund or the
        payment was taken on another kiosk (its terminal, not this one, holds it)."""
        try:
            self.runtime.ledger.get(payment_id)
        except KeyError:
            method_id = ""
        method = self._method_or_none(method_id) if method_id else None
        if method is not None and method.refunds:
            return method_id
        if self._cash() is None:
            raise RefundUnresolved(f"{method_id} cannot refund and there is no cash changer")
        return "cash"

    def _cash(self) -> PaymentMethod | None:
        return self._method_or_none("cash")

    def _method_or_none(self, method_id: str) -> PaymentMethod | None:
        try:
            return self.runtime.method(method_id)
        except KeyError:
            return None

    def _method(self, method_id: str) -> PaymentMethod:
        method = self._method_or_none(method_id)
        if method is None:
            raise RefundUnresolved(f"no payment method {method_id!r} on this kiosk")
        return method


def merge_returns(
    own: Sequence[Mapping[str, Any]], elsewhere: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """This kiosk's returns of a sale and those the back office knows, each once (a return
    made here and already synced is in both)."""
    seen = {str(d.get("return_id")) for d in own}
    return [*own, *(d for d in elsewhere if str(d.get("return_id")) not in seen)]


def _refunded_from(documents: Sequence[Mapping[str, Any]], payment_id: str) -> int:
    return -sum(
        int(t["amount"])
        for d in documents
        for t in d.get("tenders", [])
        if str(t.get("original_payment_id") or "") == payment_id
    )


@dataclass
class ReturnRecovery:
    committed: list[str]
    abandoned: list[str]
    left_for_staff: list[str]


def recover_returns(runtime: Any) -> ReturnRecovery:
    """Finish what a crash left of each pending return (after ``recover_payments``)."""
    desk = ReturnDesk(runtime)
    report = ReturnRecovery([], [], [])
    for record in desk.book.pending():
        rows = desk.book.refund_rows(record.return_id)
        states = {r.state for r in rows}
        if rows and states <= {PaymentState.DECLINED, PaymentState.CANCELLED}:
            desk.book.abandon(record.return_id, "no refund went through", runtime.clock())
            report.abandoned.append(record.return_id)
            continue
        if states & {PaymentState.DECLINED, PaymentState.CANCELLED, *OPEN_STATES}:
            # a declined or unclear refund: staff finish it (`kiosk return resume`), the
            # units stay held and nothing is sent again without them
            log.error("return %s is pending: a refund needs staff", record.return_id)
            report.left_for_staff.append(record.return_id)
            continue
        document = desk.book.commit(record.return_id, runtime.clock())
        runtime.host.call("kiosk_return_completed", document=document)
        report.committed.append(record.return_id)
    return report


# --- the kiosk's own return flow (staff overlay, semi-self station) -----------------------


class OnlyLocalSales(LookupError):
    """Another kiosk's sale while the back office cannot be reached (or there is none):
    only this kiosk's own sales can be returned now. ``why``: ``offline`` | ``no_backoffice``
    | ``receipt_offline`` (a receipt number typed for the store-wide look-up)."""

    def __init__(self, message: str, why: str) -> None:
        super().__init__(message)
        self.why = why


@dataclass(frozen=True, slots=True)
class FoundSale:
    """A sale found for a return: its document, whether it was made here, and the returns
    other kiosks made of it (from the back office)."""

    sale: dict[str, Any]
    local: bool
    elsewhere: tuple[dict[str, Any], ...] = ()


class KioskReturns:
    """What the kiosk's return screen calls (each call off the UI thread, on the worker).

    The screen never reaches the store, the ledger or the printer itself: it finds a sale
    (:meth:`find`), checks the staff (:meth:`sign_in`, :meth:`approve`), asks what is still
    returnable (:meth:`returnable`), makes the return (:meth:`make`) and prints its
    receipt / 適格返還請求書 (:meth:`print_receipt`).
    """

    def __init__(self, runtime: Any, fetch: Callable[..., Any] | None = None) -> None:
        from kiosk.runtime.return_lookup import fetch_sale
        from kiosk.staff import kiosk_staff

        self.runtime = runtime
        self.desk = ReturnDesk(runtime)
        self.staff = kiosk_staff(runtime)  # one PIN lock-out with the overlay's pad
        self._fetch = fetch or fetch_sale

    @property
    def reasons(self) -> list[str]:
        return list(self.desk.settings.reasons)

    def sign_in(self, staff_id: str, pin: str) -> StaffAccount:
        """A staff PIN with the role ``[returns] role`` names (WrongPin, NotAllowed…)."""
        return self.staff.check(staff_id, pin, Role.parse(self.desk.settings.role))

    def approve(self, staff_id: str, pin: str) -> StaffAccount:
        """A manager's PIN for a refund above ``[returns] approval_above``."""
        return self.staff.check(staff_id, pin, Role.MANAGER)

    def find(self, text: str) -> FoundSale:
        """A sale by its receipt's SR1 code (scanned or typed) or by receipt number (this
        kiosk's). Raises ``SaleNotFound``, ``InvalidSaleReference``, :class:`OnlyLocalSales`
        or the look-up's errors (:mod:`kiosk.runtime.return_lookup`)."""
        from kiosk.domain.sale_reference import PREFIX, parse_sale_reference

        text = text.strip()
        if text.isdigit():
            return self._local(self.desk.book.sale_by_receipt(int(text)))
        if not text.upper().startswith(PREFIX):
            raise SaleNotFound(f"{text[:40]!r} is neither a receipt number nor a receipt code")
        ref = parse_sale_reference(text)
        if ref.kiosk_id == self.runtime.config.kiosk_id:
            sale = self.desk.book.sale_by_receipt(ref.receipt_no)
            if not ref.matches(str(sale["sale_id"])):
                raise SaleNotFound(f"receipt {ref.receipt_no} of this kiosk is another sale")
            return self._local(sale)
        return self._remote(ref.kiosk_id, ref.receipt_no, ref.matches)

    def _local(self, sale: dict[str, Any]) -> FoundSale:
        """A sale of this kiosk, with the returns other kiosks made of it: another kiosk
        may have taken part of it back already, and what it refunded is not returnable
        here again. Asked of the back office; when it cannot answer (offline, no back
        office, the sale not synced yet) only this kiosk's returns count — the back office
        flags a double return made that way (docs/returns.md)."""
        from kiosk.runtime.return_lookup import NoBackOffice

        own = self.runtime.config.kiosk_id
        try:
            remote, returns = self._fetch(self.runtime.config, own, int(sale["receipt_no"]))
        except NoBackOffice:
            return FoundSale(sale, local=True)
        except (LookupError, ValueError) as exc:  # offline, not synced yet, a bad answer
            log.info("returns of sale %s elsewhere not known: %s", sale["sale_id"], exc)
            return FoundSale(sale, local=True)
        if str(remote.get("sale_id")) != str(sale["sale_id"]):
            return FoundSale(sale, local=True)  # the number names another sale there: not ours
        elsewhere = tuple(r for r in returns if str(r.get("kiosk_id")) != own)
        return FoundSale(sale, local=True, elsewhere=elsewhere)

    def _remote(self, kiosk_id: str, receipt_no: int, matches: Callable[[str], bool]) -> FoundSale:
        sale, returns = self._ask(kiosk_id, receipt_no, None, offline="offline")
        if not matches(str(sale["sale_id"])):
            raise SaleNotFound(f"receipt {receipt_no} of kiosk {kiosk_id} is another sale")
        return FoundSale(sale, local=False, elsewhere=tuple(returns))

    def find_in_store(
        self, receipt_no: int, kiosk_id: str = "", day: date | None = None
    ) -> FoundSale:
        """A sale of any kiosk by its receipt number (typed: the receipt's code is lost or
        unreadable), asked of the back office; ``kiosk_id`` and the business ``day``
        narrow it. Raises ``SeveralSales`` (staff choose a kiosk), ``RemoteSaleNotFound``,
        :class:`OnlyLocalSales` (``why`` ``receipt_offline``: scan the code or use the
        back office) or ``BadAnswer``."""
        own = self.runtime.config.kiosk_id
        if kiosk_id == own:
            return self._local(self.desk.book.sale_by_receipt(receipt_no))
        sale, returns = self._ask(kiosk_id, receipt_no, day, offline="receipt_offline")
        local = str(sale.get("kiosk_id")) == own
        return FoundSale(sale, local=local, elsewhere=tuple(returns))

    def _ask(
        self, kiosk_id: str, receipt_no: int, day: date | None, offline: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        from kiosk.runtime.return_lookup import BackOfficeUnreachable, NoBackOffice

        try:
            return self._fetch(self.runtime.config, kiosk_id, receipt_no, day=day)
        except NoBackOffice as exc:
            raise OnlyLocalSales(str(exc), "no_backoffice") from None
        except BackOfficeUnreachable as exc:
            raise OnlyLocalSales(str(exc), offline) from None

    def search(self, amount: int, day: Any = None) -> list[dict[str, Any]]:
        """This kiosk's sales of ``amount`` yen (of ``day``, default the store's today),
        newest first: a receipt that was lost."""
        when = day or self.runtime.clock().date()
        return self.desk.book.find_sales(when, amount, limit=8)

    def returnable(self, found: FoundSale) -> dict[int, int]:
        """Units (pieces, or grams of a weighed line) of each line still returnable."""
        from kiosk.domain.returns import returnable, returned_so_far

        sale_id = str(found.sale["sale_id"])
        earlier = merge_returns(self.desk.book.returns_of(sale_id), found.elsewhere)
        return returnable(found.sale, returned_so_far(earlier, sale_id))

    def plan(
        self,
        found: FoundSale,
        chosen: Mapping[int, int],
        reason: str,
        staff: StaffAccount,
        approver: StaffAccount | None = None,
    ) -> ReturnPlan:
        return self.desk.plan(
            found.sale,
            chosen,
            reason=reason,
            staff=staff,
            approver=approver,
            elsewhere=found.elsewhere,
        )

    def preview(self, found: FoundSale, chosen: Mapping[int, int], reason: str) -> int:
        """The refund (yen) returning ``chosen`` would make, shown while staff choose."""
        plan = self.desk.unchecked_plan(found.sale, chosen, reason, "", found.elsewhere)
        return plan.total

    def make(self, found: FoundSale, plan: ReturnPlan) -> ReturnResult:
        return self.desk.make(plan, elsewhere=found.elsewhere)

    def receipt_lines(self, document: Mapping[str, Any], printer: Any = None) -> list[str]:
        """The return receipt / 適格返還請求書, laid out for ``printer`` (or the config)."""
        from kiosk.domain.return_invoice import ReturnInvoice
        from kiosk.domain.return_receipt_text import render_return_invoice

        config = self.runtime.config
        invoice = ReturnInvoice.from_document(
            document, config.issuer, self.runtime.installed_method_names()
        )
        width = printer.columns if printer is not None else config.receipt_width
        return render_return_invoice(invoice, width)

    def print_receipt(self, document: Mapping[str, Any]) -> str:
        """Print it on the kiosk's printer: ``"printed"``, ``"saved"`` (no printer: a file in
        the data folder) or ``"exempt"`` (below ``[returns] invoice_exempt_below``; it is
        kept in the document). Printer faults are raised as the devices' ``PrinterError``."""
        from pathlib import Path

        from kiosk.domain.receipt_text import QR_MARK
        from kiosk.domain.return_invoice import ReturnInvoice

        config = self.runtime.config
        invoice = ReturnInvoice.from_document(document, config.issuer)
        if not invoice.printed(self.desk.settings.invoice_exempt_below):
            return "exempt"
        printer = getattr(self.runtime.devices, "printer", None)
        lines = self.receipt_lines(document, printer)
        if printer is not None:
            printer.print_receipt(lines)
            return "printed"
        path = Path(config.data_dir) / RETURN_RECEIPT_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        plain = (
            "[QR] " + line[len(QR_MARK) :] if line.startswith(QR_MARK) else line for line in lines
        )
        path.write_text("\n".join(plain) + "\n", encoding="utf-8")
        return "saved"


RETURN_RECEIPT_FILE = "last-return-receipt.txt"


def kiosk_returns(runtime: Any) -> KioskReturns:
    """The runtime's return flow, made once (the screens and the station share it)."""
    flow = getattr(runtime, "_kiosk_returns", None)
    if flow is None:
        flow = KioskReturns(runtime)
        runtime._kiosk_returns = flow
    return flow
