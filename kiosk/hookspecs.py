"""Every hook a kiosk plugin can implement, grouped by the phase of a sale.

Built-in features (``plugins/``) use exactly these hooks, so a vendor's plugin can do
anything a built-in one does. Each hook is called through :class:`kiosk.plugins.PluginHost`,
which isolates plugins: an implementation that raises is logged and disabled for the session,
one that does not answer within its deadline is stopped (its thread retired, every door it
holds shut: :mod:`kiosk.plugin_door`); the sale goes on either way.

Argument names are the contract: an implementation may accept any subset of them. The
types below are what the kiosk passes and what it checks a result against
(:mod:`kiosk.hook_results`: a result of another type disables the plugin, naming the field).
They are imported for type checkers only, so a plugin importing this module pulls in none of
the kiosk's layers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    from fastapi import APIRouter
    from pydantic import BaseModel

    from kiosk.backoffice.core.extensions import (
        ConsolePart,
        EventHandler,
        MasterDataSection,
        NavEntry,
        TemplateFolder,
    )
    from kiosk.backoffice.exports.formats import ExportFormat
    from kiosk.backoffice.reports.service import DayReport, MonthReport
    from kiosk.cli_commands import CliCommand
    from kiosk.devices.registry import DriverRegistry
    from kiosk.domain.basket import AdjustContext, Adjustment, Basket, BasketLine
    from kiosk.domain.checkout import Checkout
    from kiosk.domain.events import AgeApproval, AttendantReason, CheckoutState, ScanClaim
    from kiosk.domain.receipt import ReceiptSection
    from kiosk.domain.report_section import ReportSection
    from kiosk.domain.sale import Sale
    from kiosk.domain.scan import Scan
    from kiosk.payments.method import PaymentMethod
    from kiosk.personal_data import MemberEraser
    from kiosk.plugin_context import PluginContext
    from kiosk.ui.controller import Controller
    from kiosk.ui.plugin_ui import PluginOverlay, PluginScreen

hookspec = pluggy.HookspecMarker("kiosk")
hookimpl = pluggy.HookimplMarker("kiosk")


class ScanSource(Protocol):
    """What ``kiosk_scan_sources`` returns: a scanner the runtime starts and stops."""

    name: str

    def start(self, emit: Callable[[Scan], None]) -> None: ...
    def stop(self) -> None: ...


# ``runtime: PluginContext`` below (and ``checkout``, ``basket``, ``line``): each plugin gets
# its own door over the live object (kiosk.plugin_door), shut when the plugin is disabled;
# every plugin — built-in or a vendor's — gets ``runtime`` over a
# kiosk.plugin_scope.ScopedRuntime (its own settings, keys and stored values, the devices
# its plugin.toml declares; no ``host``, ``store``, ``checkout`` or ``devices``).


# --- Lifecycle -------------------------------------------------------------------------------


@hookspec
def kiosk_plugin_settings() -> tuple[str, type[BaseModel] | None]:
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
def kiosk_startup(runtime: PluginContext) -> None:
    """The kiosk has loaded its configuration, store and devices and is about to sell.

    :param runtime: the plugin's door to the :class:`kiosk.runtime.KioskRuntime`.
    Use it to open connections, start threads, or read plugin settings from
    ``runtime.config.plugin_settings(name)``. Every plugin's ``runtime``, built-in or not,
    is scoped (:mod:`kiosk.plugin_scope`): its own settings, keys and stored values, a
    device by role only with ``permissions = ["devices"]``, no ``host``.
    """


@hookspec
def kiosk_shutdown(runtime: PluginContext) -> None:
    """The kiosk is stopping: release what :func:`kiosk_startup` acquired."""


@hookspec
def kiosk_masterdata_applied(runtime: PluginContext, version: int) -> None:
    """A master-data version from the back office was applied to the local store.

    The catalogue is already reloaded; ``runtime.masterdata(section)`` gives the new
    ``promotions``, ``coupons`` and ``config`` sections. Plugins that take rules from master
    data re-read them here (and at :func:`kiosk_startup`, for the version already applied).
    Called on the sync thread.
    """


# --- Devices ---------------------------------------------------------------------------------


@hookspec
def kiosk_register_drivers(registry: DriverRegistry) -> None:
    """Add device drivers a hardware profile can name.

    :param registry: a :class:`kiosk.devices.registry.DriverRegistry`; call
        ``registry.register(device_class, driver_name, factory)``.
    """


# --- Input -----------------------------------------------------------------------------------


@hookspec
def kiosk_scan_sources(runtime: PluginContext) -> list[ScanSource]:
    """Return scan sources this plugin provides (camera, serial scanner, simulator…).

    A scan source has ``name``, ``start(emit)`` and ``stop()``; it calls ``emit(scan)`` with a
    :class:`kiosk.domain.scan.Scan` from any thread. The runtime delivers it to the checkout.
    :return: a list of scan sources (may be empty).
    """


@hookspec(firstresult=True)
def kiosk_claim_scan(scan: Scan, checkout: Checkout) -> ScanClaim | None:
    """Offer a scan to plugins before it is treated as a product code.

    Coupons, member cards, payment QR codes, passports and hand-off tickets are claimed here.
    :param scan: the :class:`kiosk.domain.scan.Scan`.
    :param checkout: the current :class:`kiosk.domain.checkout.Checkout`.
    :return: a :class:`kiosk.domain.events.ScanClaim` to take the scan, or ``None``.
    Stops at the first non-None result.
    """


# --- Basket ----------------------------------------------------------------------------------


@hookspec
def kiosk_adjust_basket(basket: Basket, context: AdjustContext) -> list[Adjustment]:
    """Return price adjustments for the basket: promotions, coupons, member prices.

    Called after every basket change. Adjustments are recomputed from scratch each time, so
    an implementation returns all of its adjustments, not a difference.
    :param basket: the :class:`kiosk.domain.basket.Basket` (read it, do not change it).
    :param context: a :class:`kiosk.domain.basket.AdjustContext` (time, member, language).
    :return: a list of :class:`kiosk.domain.basket.Adjustment` (may be empty).
    """


@hookspec(firstresult=True)
def kiosk_age_check(line: BasketLine, checkout: Checkout) -> AgeApproval | None:
    """Approve an age-restricted line without an attendant (e.g. a digital ID check).

    :return: an :class:`kiosk.domain.events.AgeApproval` to approve, or ``None`` to leave it
        to staff. Stops at the first non-None result.
    """


# --- Payment ---------------------------------------------------------------------------------


@hookspec
def kiosk_payment_methods(runtime: PluginContext) -> list[PaymentMethod]:
    """Return the payment methods this plugin offers.

    Each is a :class:`kiosk.payments.method.PaymentMethod` (id, names, offline support,
    limits; ``start``/``status``/``cancel``/``refund`` with an idempotency key).
    """


# --- Receipt ---------------------------------------------------------------------------------


@hookspec
def kiosk_receipt_sections(sale: Sale) -> list[ReceiptSection]:
    """Return extra receipt sections (points earned, coupon used, tax-free summary…).

    :param sale: the committed :class:`kiosk.domain.sale.Sale`.
    :return: a list of :class:`kiosk.domain.receipt.ReceiptSection`.
    """


# --- Events (notifications: return values are ignored) --------------------------------------


@hookspec
def kiosk_basket_changed(checkout: Checkout) -> None:
    """The basket changed (line added, quantity changed, line voided, adjustments recomputed)."""


@hookspec
def kiosk_state_changed(checkout: Checkout, old: CheckoutState, new: CheckoutState) -> None:
    """The checkout moved from state ``old`` to ``new`` (:class:`CheckoutState` values)."""


@hookspec
def kiosk_sale_completed(sale: Sale) -> None:
    """A sale was committed together with its outbox row; the shopper now sees "paid".

    Training sales (``sale.training``: paid to a simulator) come here too: skip them for
    anything that reaches outside the kiosk (points, coupon uses, tax records, campaigns),
    but still show the shopper what a real sale would (its receipt section), marked 練習.

    Book what goes with an outbox event (points, coupon uses) in one
    ``runtime.unit_of_work()``: the rows, the event (``idempotency_key=sale.sale_id``) and the
    journal row commit together, so a crash neither loses nor doubles the event.
    """


@hookspec
def kiosk_return_completed(document: dict[str, Any]) -> None:
    """A return (返品) was committed with its outbox row, after its refunds went through.

    ``document`` is the return document: negative lines and rates, ``original_sale_id``,
    ``reason``, ``staff_id`` (see :mod:`kiosk.domain.returns`). Called again for the same
    return only if the kiosk died right after the commit; implementations must be idempotent
    (check and book in one ``runtime.unit_of_work()``).
    """


@hookspec
def kiosk_attendant_needed(checkout: Checkout, reason: AttendantReason) -> None:
    """The kiosk needs a member of staff (age check, removal approval, fault, help)."""


@hookspec
def kiosk_device_status(device: str, status: str) -> None:
    """A device reported a status change (paper low, changer near empty, disconnected…)."""


# --- Personal data (APPI) --------------------------------------------------------------------


@hookspec
def kiosk_member_erasers() -> list[MemberEraser]:
    """Say how to erase a member's rows from this plugin's own tables (a member was erased).

    The plugin that keeps members (loyalty) erases one on a manager's request or a tombstone
    from another kiosk, and calls ``runtime.erase_member_data(uow, member_id, at)`` inside its
    own unit of work: every :class:`kiosk.personal_data.MemberEraser` returned here runs there,
    on the caller's thread, in that one transaction, so the member's rows in every plugin go
    together or — when one eraser raises — none does. Implement it if your tables keep a
    member id (coupons: attached coupons and the member on a coupon use); never import the
    member plugin's tables, nor it yours.
    :return: a list of :class:`kiosk.personal_data.MemberEraser` (``plugin``, ``erases``,
        ``erase(uow, member_id, at) -> rows changed``).
    """


# --- Back office -----------------------------------------------------------------------------


@hookspec
def kiosk_report_sections(report: DayReport | MonthReport) -> list[ReportSection]:
    """Return extra sections for a back-office report (loyalty, coupons, tax-free ledger).

    :return: a list of :class:`kiosk.domain.report_section.ReportSection` (a title, column
        headers, rows of text or integer cells), checked by the plugin host like every hook
        result: a section whose rows do not fit its columns disables the plugin. The back
        office lays them out (escaped) on the report page and in its archived copy.
    """


@hookspec
def kiosk_export_formats() -> list[ExportFormat]:
    """Return export formats (accounting CSV layouts…) the back office can offer."""


# --- Plugin layout: screens, pages, migrations, event handlers -------------------------------
# A plugin is one folder (``plugins/<name>/{plugin.py, ui/, backoffice/, migrations/}``); these
# hooks let it bring everything a built-in feature has without the core importing it. They
# return descriptions (classes, paths, routers), never live objects: the caller builds them
# on its own thread (Kivy widgets on the UI thread, handlers inside the ingest transaction).


@hookspec
def kiosk_ui_screens(ctl: Controller) -> list[PluginScreen]:
    """Return the kiosk screens this plugin adds to the touch UI.

    Called once when the UI's root is built, before its screens exist.
    :param ctl: this plugin's view of the UI's controller,
        :class:`kiosk.ui.plugin_controller.PluginController` (the same object for all its UI
        hooks and screens): the controller's properties, text, navigation, messages, the
        runtime worker and the hook points; ``ctl.runtime`` is the plugin's own scoped
        runtime — the one its hooks get (no host, store, checkout, ledger or devices; its own
        plugin through ``ctl.runtime.plugin_api(<its name>)``). Until this version it was the
        controller itself, with the raw runtime: a screen that used ``ctl.flows``,
        ``ctl.runtime.host`` or another private part must use the named surface instead
        (docs/plugins.md, "What a plugin screen gets").
    :return: a list of :class:`kiosk.ui.plugin_ui.PluginScreen`: the screen's name, its
        ``kivy.uix.screenmanager.Screen`` class (made as ``cls(name=..., ctl=ctl)``, with
        the view), the ``.kv`` files to load first, whether it is a shopper screen (idle
        timeout), and an ``attach(root)`` callback run once every screen exists — the way to
        open the screen (a button on the shopping screen, a scan interceptor, a receipt
        note). ``root`` is a :class:`kiosk.ui.plugin_controller.PluginRoot`:
        ``root.screen(name)`` is the plugin's own screen, or a core screen's ``ids``.
    """


@hookspec
def kiosk_ui_overlays(ctl: Controller) -> list[PluginOverlay]:
    """Return overlays this plugin shows above the kiosk's screens.

    :param ctl: this plugin's view of the controller, as for :func:`kiosk_ui_screens`.
    :return: a list of :class:`kiosk.ui.plugin_ui.PluginOverlay`: a widget factory
        ``make(ctl)`` and a predicate ``shown(ctl)`` the root re-evaluates whenever the
        screen, the checkout state, staff mode or a message changes (both get the view).
    """


@hookspec
def kiosk_store_migrations() -> list[Path]:
    """Return Alembic version folders for this plugin's tables in the kiosk's local store.

    Each folder holds revisions of a branch of its own (``branch_labels``, ``down_revision``
    a core revision such as ``"0001"``); the store upgrades to ``heads`` with these folders
    added to its own.
    :return: a list of :class:`pathlib.Path`.
    """


@hookspec
def kiosk_backoffice_migrations() -> list[Path]:
    """Return Alembic version folders for this plugin's tables in the back office database.

    As :func:`kiosk_store_migrations`, for the back office (its core revisions are ``"0001"``
    and ``"0002"``; version table ``bo_alembic_version``).
    :return: a list of :class:`pathlib.Path`.
    """


@hookspec
def kiosk_backoffice_routers() -> list[APIRouter]:
    """Return FastAPI routers the back office includes (pages, kiosk or integration API).

    Use ``kiosk.backoffice.core.deps.Manager`` / ``KioskToken`` as dependencies for sign-in and
    ``kiosk.backoffice.core.pages.template_page`` to answer with a page from a template of
    :func:`kiosk_backoffice_templates` in the back office's chrome.
    :return: a list of ``fastapi.APIRouter``.
    """


@hookspec
def kiosk_backoffice_pages() -> list[NavEntry]:
    """Return navigation entries for this plugin's back-office pages.

    :return: a list of :class:`kiosk.backoffice.core.extensions.NavEntry` (``href``, ``label``);
        the page itself comes from a router of :func:`kiosk_backoffice_routers`.
    """


@hookspec
def kiosk_backoffice_templates() -> list[TemplateFolder]:
    """Return the folders of this plugin's back-office page templates (Jinja2, autoescaped).

    Each folder joins the back office's one template environment under its name: the file
    ``page.html`` of ``TemplateFolder("my_plugin", path)`` is ``"my_plugin/page.html"``, it
    extends ``"core/base.html"`` and may import the macros of ``"core/macros.html"``
    (``table``, ``post_form``, ``chart``). Every value is escaped where it is shown; the
    page answers with ``kiosk.backoffice.core.pages.template_page("my_plugin/page.html",
    title, staff, **values)``. A back-office feature's name (``"reports"``) is refused.
    :return: a list of :class:`kiosk.backoffice.core.extensions.TemplateFolder` (``name``,
        ``path``).
    """


@hookspec
def kiosk_backoffice_event_handlers() -> list[EventHandler]:
    """Return handlers for outbox event kinds this plugin's kiosk side sends.

    A handler runs inside the ingest transaction, after the raw event row is added, so what
    it derives commits with the event or not at all; it should record a malformed payload
    as a visible problem rather than raise (a raise fails the kiosk's whole batch).
    :return: a list of :class:`kiosk.backoffice.core.extensions.EventHandler` (``kind`` and
        ``handle(session, kiosk, event, now)``).
    """


@hookspec
def kiosk_backoffice_console() -> list[ConsolePart]:
    """Return this plugin's parts of the attendant console (the live ``/console`` page).

    A part may read fields of the kiosks' state reports (a schema of its own, checked at the
    door with the report, then handed over inside the report's transaction), add figures to
    each kiosk's tile, add a value to every live snapshot, and load a script and a stylesheet
    on the console page that draw it (through ``textContent``: what kiosks report is data).
    A name or report field the core or another part already uses is refused at start.
    :return: a list of :class:`kiosk.backoffice.core.extensions.ConsolePart` (``name``,
        ``report``, ``receive``, ``tile``, ``snapshot``, ``script``, ``stylesheet``).
    """


@hookspec
def kiosk_masterdata_sections() -> list[MasterDataSection]:
    """Return master-data sections the back office stores, checks and publishes to kiosks.

    A section is a setting a manager edits on the master-data page (``POST
    /masterdata/settings``), checked when saved, and frozen into each published master-data
    version under its name; kiosks store it as sent and read it with
    ``runtime.masterdata(name)`` (see :func:`kiosk_masterdata_applied`). The promotions and
    coupons plugins publish ``promotions`` and ``coupons`` this way. A name the core uses
    (``products``, ``config``, ``business_day_starts``) or another plugin's is refused at
    start. Without the plugin a back office neither offers nor publishes the section; a
    kiosk without it stores the section unread. The page lists the core's settings first,
    then the sections plugin by plugin in the order the plugins are loaded.
    :return: a list of :class:`kiosk.backoffice.core.extensions.MasterDataSection`.
    """


# --- Command line ----------------------------------------------------------------------------


@hookspec
def kiosk_cli_commands() -> list[CliCommand]:
    """Return ``kiosk <command>`` subcommands this plugin adds (tax-free: ``kiosk tax-free``).

    Called when the ``kiosk`` command builds its parser, before the configuration is read;
    ``kiosk --help`` lists them with the core's commands. A name the core already uses is left
    out. The command's handler gets the checked configuration and the parsed arguments and
    runs inside the command line's error handling: raise
    :class:`kiosk.cli_errors.CommandError` (or another typed error) for a one-line message.
    A command that builds a runtime finds its plugin with ``runtime.plugin_api(<its name>)``
    (the plugin's ``plugin_api()``), not through the host.
    :return: a list of :class:`kiosk.cli_commands.CliCommand`.
    """
