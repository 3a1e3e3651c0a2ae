"""Every hook a kiosk plugin can implement, grouped by the phase of a sale.

Built-in features (``plugins/``) use exactly these hooks, so a vendor's plugin can do
anything a built-in one does. Each hook is called through :class:`kiosk.plugins.PluginHost`,
which isolates plugins: an implementation that raises is logged and disabled for the session,
one that does not answer within its deadline is abandoned; the sale goes on either way.

Argument names are the contract: an implementation may accept any subset of them.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("kiosk")
hookimpl = pluggy.HookimplMarker("kiosk")


# --- Lifecycle -------------------------------------------------------------------------------


@hookspec
def kiosk_plugin_settings() -> Any:
    """Declare the ``[plugins.<name>]`` table of kiosk.toml this plugin reads, with its schema.

    Called once when the kiosk starts, before :func:`kiosk_startup`, and the table checked
    against the model: an unknown key, a value of the wrong type, or a table that no loaded
    plugin declares (a misspelt plugin name) stops the kiosk with one line naming the file
    (or environment variable), the section and the key.
    :return: a ``(name, model)`` pair: the table's name and a pydantic model class for it
        (``extra="forbid"``, so a misspelt key is named), or ``(name, None)`` for a table the
        plugin checks itself. Read the checked values with
        ``kiosk.config.plugin_settings_model(runtime.config, name, model)``.
    """


@hookspec
def kiosk_startup(runtime: Any) -> None:
    """The kiosk has loaded its configuration, store and devices and is about to sell.

    :param runtime: the :class:`kiosk.runtime.KioskRuntime`.
    Use it to open connections, start threads, or read plugin settings from
    ``runtime.config.plugin_settings(name)``. A third-party plugin's ``runtime`` is scoped
    (:mod:`kiosk.plugin_scope`): its own settings and keys only, no ``host``.
    """


@hookspec
def kiosk_shutdown(runtime: Any) -> None:
    """The kiosk is stopping: release what :func:`kiosk_startup` acquired."""


@hookspec
def kiosk_masterdata_applied(runtime: Any, version: int) -> None:
    """A master-data version from the back office was applied to the local store.

    The catalogue is already reloaded; ``runtime.masterdata(section)`` gives the new
    ``promotions``, ``coupons`` and ``config`` sections. Plugins that take rules from master
    data re-read them here (and at :func:`kiosk_startup`, for the version already applied).
    Called on the sync thread.
    """


# --- Devices ---------------------------------------------------------------------------------


@hookspec
def kiosk_register_drivers(registry: Any) -> None:
    """Add device drivers a hardware profile can name.

    :param registry: a :class:`kiosk.devices.registry.DriverRegistry`; call
        ``registry.register(device_class, driver_name, factory)``.
    """


# --- Input -----------------------------------------------------------------------------------


@hookspec
def kiosk_scan_sources(runtime: Any) -> list[Any]:
    """Return scan sources this plugin provides (camera, serial scanner, simulator…).

    A scan source has ``name``, ``start(emit)`` and ``stop()``; it calls ``emit(scan)`` with a
    :class:`kiosk.domain.scan.Scan` from any thread. The runtime delivers it to the checkout.
    :return: a list of scan sources (may be empty).
    """


@hookspec(firstresult=True)
def kiosk_claim_scan(scan: Any, checkout: Any) -> Any:
    """Offer a scan to plugins before it is treated as a product code.

    Coupons, member cards, payment QR codes, passports and hand-off tickets are claimed here.
    :param scan: the :class:`kiosk.domain.scan.Scan`.
    :param checkout: the current :class:`kiosk.domain.checkout.Checkout`.
    :return: a :class:`kiosk.domain.events.ScanClaim` to take the scan, or ``None``.
    Stops at the first non-None result.
    """


# --- Basket ----------------------------------------------------------------------------------


@hookspec
def kiosk_adjust_basket(basket: Any, context: Any) -> list[Any]:
    """Return price adjustments for the basket: promotions, coupons, member prices.

    Called after every basket change. Adjustments are recomputed from scratch each time, so
    an implementation returns all of its adjustments, not a difference.
    :param basket: the :class:`kiosk.domain.basket.Basket` (read it, do not change it).
    :param context: a :class:`kiosk.domain.basket.AdjustContext` (time, member, language).
    :return: a list of :class:`kiosk.domain.basket.Adjustment` (may be empty).
    """


@hookspec(firstresult=True)
def kiosk_age_check(line: Any, checkout: Any) -> Any:
    """Approve an age-restricted line without an attendant (e.g. a digital ID check).

    :return: an :class:`kiosk.domain.events.AgeApproval` to approve, or ``None`` to leave it
        to staff. Stops at the first non-None result.
    """


# --- Payment ---------------------------------------------------------------------------------


@hookspec
def kiosk_payment_methods(runtime: Any) -> list[Any]:
    """Return the payment methods this plugin offers.

    Each is a :class:`kiosk.payments.method.PaymentMethod` (id, names, offline support,
    limits; ``start``/``status``/``cancel``/``refund`` with an idempotency key).
    """


# --- Receipt ---------------------------------------------------------------------------------


@hookspec
def kiosk_receipt_sections(sale: Any) -> list[Any]:
    """Return extra receipt sections (points earned, coupon used, tax-free summary…).

    :param sale: the committed :class:`kiosk.domain.sale.Sale`.
    :return: a list of :class:`kiosk.domain.receipt.ReceiptSection`.
    """


# --- Events (notifications: return values are ignored) --------------------------------------


@hookspec
def kiosk_basket_changed(checkout: Any) -> None:
    """The basket changed (line added, quantity changed, line voided, adjustments recomputed)."""


@hookspec
def kiosk_state_changed(checkout: Any, old: Any, new: Any) -> None:
    """The checkout moved from state ``old`` to ``new`` (:class:`CheckoutState` values)."""


@hookspec
def kiosk_sale_completed(sale: Any) -> None:
    """A sale was committed together with its outbox row; the shopper now sees "paid".

    Training sales (``sale.training``: paid to a simulator) come here too: skip them for
    anything that reaches outside the kiosk (points, coupon uses, tax records, campaigns).
    """


@hookspec
def kiosk_attendant_needed(checkout: Any, reason: Any) -> None:
    """The kiosk needs a member of staff (age check, removal approval, fault, help)."""


@hookspec
def kiosk_device_status(device: Any, status: Any) -> None:
    """A device reported a status change (paper low, changer near empty, disconnected…)."""


# --- Back office -----------------------------------------------------------------------------


@hookspec
def kiosk_report_sections(report: Any) -> list[Any]:
    """Return extra sections for a back-office report (loyalty, coupons, tax-free ledger)."""


@hookspec
def kiosk_export_formats() -> list[Any]:
    """Return export formats (accounting CSV layouts…) the back office can offer."""
