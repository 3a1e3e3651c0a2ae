"""``PluginContext``: the part of the runtime a plugin may rely on, as a typed protocol.

Hooks that take ``runtime`` receive the :class:`~kiosk.runtime.KioskRuntime` (a built-in) or a
:class:`~kiosk.plugin_scope.ScopedRuntime` over it (a plugin loaded from an entry point: own
settings and keys only, no ``host``). Both satisfy this protocol; what it lists is the
supported door — the rest of the runtime may change between versions. A third-party
plugin additionally has ``runtime.keys`` (:class:`kiosk.keys.PluginKeys`, its own keys).

Typing only: nothing here runs, so importing it costs nothing and changes no behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.domain.checkout import Checkout
    from kiosk.domain.events import CheckoutEvent
    from kiosk.domain.scan import Scan
    from kiosk.payments.method import PaymentMethod, PaymentProgress
    from kiosk.runtime.runtime import ScanOutcome


@runtime_checkable
class PluginContext(Protocol):
    #: the kiosk's configuration (a third party's: its own ``plugin_settings(name)`` only)
    config: KioskConfig
    #: the store's clock (``[store] time_zone``): use it, not ``datetime.now()``
    clock: Callable[[], datetime]
    #: the shopper's language now (``ja``, ``en``, ``zh-Hans``, ``ko``)
    language: str
    #: the payment network is reachable (the sync relay lowers it when not)
    online: bool
    #: the sale in progress (read it; change it through the runtime's methods)
    checkout: Checkout
    #: this shopper's sale id (a new one per shopper)
    sale_id: str
    #: the member card scanned for this sale, if any
    member_id: str | None
    #: the hardware profile's devices (``None`` when none were opened)
    devices: Any

    def masterdata(self, section: str) -> Any:
        """A section of the applied master data (``promotions``, ``coupons``, ``config``)."""
        ...

    def on_shutdown(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` first thing at shutdown (stop a thread, close a port)."""
        ...

    def subscribe(self, listener: Callable[[CheckoutEvent | PaymentProgress], None]) -> None:
        """Get every checkout event and payment progress, from any thread."""
        ...

    def handle_scan(self, scan: Scan) -> ScanOutcome:
        """Offer a scan as a scanner would (plugins first, then the catalogue)."""
        ...

    def payment_methods(self) -> list[PaymentMethod]:
        """The methods that can take the amount due now, in the store's order."""
        ...

    def method(self, method_id: str) -> PaymentMethod:
        """One payment method by id (``KeyError`` if no plugin offers it)."""
        ...
