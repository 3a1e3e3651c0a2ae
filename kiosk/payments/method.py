"""What a payment method plugin implements.

A method never sees card data: it hands an amount and an idempotency key to a terminal or a
provider and gets back a result with an opaque reference and, at most, a masked number
(first 6 / last 4). The same key sent twice must never charge twice.

The four calls, and what the kiosk relies on:

``start(amount, idempotency_key)``
    Take up to ``amount``. Blocks (bounded) until the outcome is known; a timeout or a
    dropped connection is ``UNKNOWN``, never an exception that hides a charge. Calling it
    again with the same key returns the first outcome and charges nothing more. ``APPROVED``
    may carry ``amount`` lower than asked (e-money short of balance): the kiosk keeps the
    rest due.
``status(idempotency_key)``
    What the provider knows about the key: ``APPROVED``/``DECLINED``/``CANCELLED``,
    ``NOT_FOUND`` (never received it) or ``UNKNOWN`` (cannot tell now).
``cancel(idempotency_key)``
    Void the payment; ``CANCELLED`` (or ``REFUNDED``) once nothing stays charged, also when
    nothing was ever charged. Safe to call twice.
``refund(idempotency_key, amount, refund_key)``
    Give back ``amount`` of an approved payment. ``refund_key`` is the refund's own
    idempotency key: the same refund sent twice gives back once. ``status(refund_key)``
    answers ``REFUNDED`` or ``NOT_FOUND`` for it.

Deadlines: each call runs under the method's declared deadline — ``start_deadline_s``
for ``start`` (it includes the shopper's wait: set it above your own wait), and
``call_deadline_s`` for ``status``, ``cancel`` and ``refund``. A call still running at its
deadline is abandoned and its outcome is ``UNKNOWN``: the ledger asks ``interrupt()``, then
resolves the payment by ``status()`` and ``cancel()`` — never by charging again — so your
``cancel`` must also refuse a request that arrives after it (a tombstone).

Showing things to the shopper (any thread, never blocks; see docs/plugins.md):

``show_code(code, due=…)``
    A code for the shopper's app to scan (a merchant-presented QR payload): the paying
    screen draws it as a QR code until the payment ends.
``show_amount(due, inserted=…)``
    The amount this payment asks for (and, for cash, what is in so far).
``show_status(Message.of("…", DOMAIN))``
    The status line under the amounts, in the shopper's language ("charging now"): a key of
    the plugin's own catalogue (a ``{"ja": …, "en": …}`` dict is still taken, deprecated).
``waiting=False`` on any of them tells the screen the shopper can no longer cancel.

Optional, for methods that wait for the shopper inside ``start`` (cash, QR, e-money); the
runtime calls them from another thread while ``start`` blocks, and none of them may block:

``progress``
    Set by the runtime before ``start`` (:meth:`PaymentMethod.attach_display`); the
    ``show_*`` calls hand it a :class:`PaymentProgress`, as may :meth:`PaymentMethod.report`.
``interrupt()``
    The shopper pressed cancel: stop waiting, so ``start`` returns ``CANCELLED`` with nothing
    kept (cash given back). ``False`` when it is too late (the charge is being made).
``take_code(code)``
    A code the shopper showed the scanner while ``start`` waits (a QR wallet code).
"""

from __future__ import annotations

import dataclasses
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kiosk.domain.languages import LANGUAGES
from kiosk.domain.money import Yen
from kiosk.messages import Message, catalogue
from kiosk.payments.outcome import Outcome

__all__ = ["Outcome", "PaymentMethod", "PaymentProgress", "PaymentResult"]


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """What ``start``/``status``/``cancel``/``refund`` answer. Every field has the type shown:
    another type is treated as ``UNKNOWN`` and disables the plugin (kiosk.payments.checks)."""

    outcome: Outcome
    amount: Yen = 0  # amount applied to the sale (may be less than asked: split tender)
    reference: str = ""  # provider's opaque token / approval number
    masked: str = ""  # at most first 6 / last 4 digits, e.g. "411111******1111"
    tendered: Yen = 0  # cash inserted (cash methods)
    change: Yen = 0  # change paid out (cash methods)
    message: str = ""  # for staff and logs; never card data
    problems: tuple[str, ...] = ()  # discrepancies staff must settle (違算, change short)


@dataclass(frozen=True, slots=True)
class PaymentProgress:
    """What a method waiting for the shopper reports, for the screen (from any thread).

    ``waiting``: the method waits for the shopper and :meth:`PaymentMethod.interrupt` can
    still stop it (no money kept); ``False`` once the charge or the change is being made.
    """

    method: str  # the reporting method's id
    waiting: bool = True  # the shopper can still cancel (nothing charged or kept yet)
    inserted: Yen = 0  # cash put in so far
    due: Yen = 0  # what this payment asks for
    code: str = ""  # a merchant-presented QR payload for the screen to show
    #: the status line for the shopper, by language (``ja``, ``en``, ``zh-Hans``, ``ko``);
    #: the screen falls back to ``en``, then to its own text for the method
    status: Mapping[str, str] = field(default_factory=dict)


class PaymentMethod(ABC):
    """Base class for payment methods. Subclasses set the class attributes and the four calls."""

    id: str = ""  # unique, an identifier: the tile, [checkout] method_order, the ledger rows
    #: the tile's and the receipt's name: a msgid of ``domain``'s gettext catalogue, in all
    #: four languages there (``"Cash"`` in ``plugins/pay_cash/locale/<lang>/…/pay_cash.po``)
    name_key: str = ""
    #: the gettext domain that translates ``name_key``: the plugin's package name
    #: (``"plugins.pay_cash"``, a vendor's ``"acme_pay"``; docs/payment-plugins.md)
    domain: str = ""
    #: deprecated, for methods without ``name_key``: a Japanese/English pair; Chinese and
    #: Korean then come from the core catalogue when it knows ``name_en``, else English
    name_ja: str = ""
    name_en: str = ""
    icon: str = ""  # pictogram key: card | emoney | qr | cash | points (kiosk/ui/icons.py)
    icon_image: str = ""  # optional: path to the plugin's own PNG (brand mark), shown instead
    works_offline: bool = False  # offered while its own network is down (see available())
    min_amount: Yen = 1  # the kiosk never asks for less (AmountOutOfLimits before any call)
    max_amount: Yen = 10_000_000  # … nor for more
    #: True when the money goes to a simulator: the kiosk is then in training mode (練習)
    simulated: bool = False
    #: False for a method whose provider takes no refunds (a transit IC card): a return
    #: then refunds in cash from the changer (kiosk.runtime.returns)
    refunds: bool = True
    #: seconds ``start`` may run, the shopper's wait included; past it the outcome is UNKNOWN
    start_deadline_s: float = 120.0
    #: seconds ``status``, ``cancel`` and ``refund`` may each run
    call_deadline_s: float = 20.0

    def name(self, language: str) -> str:
        """The method's name in ``language`` (``ja``, ``en``, ``zh-Hans``, ``ko``)."""
        if self.name_key:
            return catalogue(self.domain or "kiosk", language).gettext(self.name_key)
        if language == "ja" or not self.name_en:  # the deprecated ja/en pair
            return self.name_ja or self.name_en or self.id
        return catalogue("kiosk", language).gettext(self.name_en)

    def names(self) -> dict[str, str]:
        """The name in every shopper language: ``{"ja": "現金", "en": "Cash", …}``."""
        return {language: self.name(language) for language in LANGUAGES}

    def network_up(self) -> bool:
        """Whether this method's own payment network answers now: its terminal's link to the
        card network, its provider's gateway. The kiosk passes it to :meth:`available`; it
        is never the back office, which gathers sales afterwards and is not in the payment
        path. Called whenever the payment screen opens: answer from a cached probe, within
        about a second. A method with no network (cash, a simulator) is always up."""
        return True

    def network_problem(self) -> str:
        """For staff and the log, when :meth:`network_up` is false: what is down, in a few
        English words ("card terminal 10.0.0.5:9100 not answering"); "" when nothing is."""
        return ""

    def available(self, online: bool) -> bool:
        """Whether the method can take a payment now (device connected, offline caps left);
        ``online`` is this method's :meth:`network_up`, not the back office."""
        return online or self.works_offline

    def accepts(self, amount: Yen) -> bool:
        return self.min_amount <= amount <= self.max_amount

    progress: Callable[[PaymentProgress], None] | None = None  # set by attach_display()
    _shown: PaymentProgress | None = None  # what the show_* calls have put up so far

    def attach_display(self, progress: Callable[[PaymentProgress], None] | None) -> None:
        """The runtime, before ``start``: where progress goes; the last payment's is cleared."""
        self.progress = progress
        self._shown = None

    def report(self, progress: PaymentProgress) -> None:
        """Hand ``progress`` to whoever watches (the runtime, for the screen)."""
        self._shown = progress
        if self.progress is not None:
            self.progress(progress)

    # --- what the shopper sees (public API for any payment plugin) ---------------------

    def show_code(self, code: str, *, due: Yen | None = None, waiting: bool = True) -> None:
        """Show ``code`` as a QR code for the shopper's app to scan, until the payment ends."""
        self._show(code=code, waiting=waiting, **_given(due=due))

    def show_amount(self, due: Yen, *, inserted: Yen | None = None, waiting: bool = True) -> None:
        """Show what this payment asks for (``due``) and what is in so far (``inserted``)."""
        self._show(due=due, waiting=waiting, **_given(inserted=inserted))

    def show_status(self, texts: Message | Mapping[str, str], *, waiting: bool = True) -> None:
        """Show a status line: a :class:`~kiosk.messages.Message` of the plugin's own
        catalogue (``Message.of("Scan the code with your app", DOMAIN)``), rendered in every
        shopper language; or, deprecated, one text per language ``{"ja": …, "en": …}`` (the
        screen falls back to ``en``)."""
        if isinstance(texts, Message):
            texts = {language: texts.render(language) for language in LANGUAGES}
        self._show(status=dict(texts), waiting=waiting)

    def _show(self, **changes: object) -> None:
        with _SHOW_LOCK:  # two threads (device, provider) may report at once
            shown = self._shown or PaymentProgress(self.id)
            self.report(dataclasses.replace(shown, **changes))  # type: ignore[arg-type]

    def interrupt(self) -> bool:
        """The shopper cancelled while ``start`` waits for them; ``False``: cannot stop now."""
        return False

    def take_code(self, code: str) -> bool:
        """A code shown to the scanner while ``start`` waits; ``True`` if it was taken."""
        return False

    @abstractmethod
    def start(self, amount: Yen, idempotency_key: str) -> PaymentResult:
        """Take ``amount``. Blocks until the outcome is known or is UNKNOWN."""

    @abstractmethod
    def status(self, idempotency_key: str) -> PaymentResult:
        """What happened to the payment (or refund) with this key."""

    @abstractmethod
    def cancel(self, idempotency_key: str) -> PaymentResult:
        """Cancel/void the payment with this key; CANCELLED if nothing is charged afterwards."""

    @abstractmethod
    def refund(self, idempotency_key: str, amount: Yen, refund_key: str) -> PaymentResult:
        """Give back ``amount`` of an approved payment, once per ``refund_key``."""


_SHOW_LOCK = threading.Lock()


def _given(**values: object) -> dict[str, object]:
    """Only the keyword arguments the caller gave (``None``: leave the screen's figure)."""
    return {name: value for name, value in values.items() if value is not None}
