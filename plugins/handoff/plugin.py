"""The kiosk plugin for semi-self and the attendant console (listed in ``BUILTIN_PLUGINS``).

Settings ``[plugins.handoff]``: ``hmac_key`` (base64) or ``ed25519_private_key`` (stations) /
``ed25519_public_key`` (payment kiosks); ``role`` = self | payment | station;
``server_url`` + ``token`` (the kiosk's back-office token) to report state and take
commands — both default to ``[backoffice] url``/``token``, so an enrolled kiosk shows on the
attendant console without more settings (``report = false`` opts out);
``report_interval_s`` (5); ``autostart`` (true) starts the reporter thread.

Hooks: ``kiosk_claim_scan`` takes hand-off codes (and refuses scans on a read-only basket
or a paused/closed kiosk); ``kiosk_adjust_basket`` applies staff price overrides;
``kiosk_device_status`` feeds device health; ``kiosk_sale_completed`` closes the hand-off.
Its back office (the hand-off API, its console part, its tables) comes with the back-office
hooks of :class:`plugins.handoff.layout.HandoffBackoffice`.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

from kiosk.attendant_policy import KioskMode, KioskRole
from kiosk.domain.events import CheckoutState, ScanClaim
from kiosk.hookspecs import hookimpl
from kiosk.messages import Amount, Message
from plugins.handoff.actions import StaffActions
from plugins.handoff.client import StoreServer
from plugins.handoff.errors import HandOffError
from plugins.handoff.i18n import handoff_message
from plugins.handoff.layout import HandoffBackoffice
from plugins.handoff.receiver import HandOffReceiver
from plugins.handoff.reporter import StatusReporter
from plugins.handoff.ticket import TicketKeys, is_handoff_code

log = logging.getLogger(__name__)

NAME = "handoff"

SHORT_PREFIX = "KHT:"  # the barcode on an online hand-off slip: KHT:<hand-off id>


def handoff_for(runtime: Any) -> Plugin:
    """This kiosk's hand-off plugin (for the UI: receiver, actions, reporter)."""
    plugin = runtime.plugin_api(NAME)  # LookupError when not live here
    if plugin.runtime != runtime:  # a door == its runtime
        raise LookupError("the handoff plugin is not started on this kiosk")
    return plugin


class HandoffSettings(BaseModel):
    """``[plugins.handoff]`` (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Literal["self", "payment", "station"] = "self"
    hmac_key: str | None = None  # base64
    ed25519_private_key: str | None = None  # base64, stations
    ed25519_public_key: str | None = None  # base64, payment kiosks
    server_url: str | None = None
    token: str | None = None
    report_interval_s: float = Field(5.0, gt=0)
    autostart: bool = True
    report: bool = True  # false: no state reports to the store server


def server_settings(settings: dict[str, Any], config: Any) -> tuple[str, str]:
    """The store server's url and this kiosk's token: ``[plugins.handoff]`` if set there,
    else the kiosk's ``[backoffice]`` ones (the same server and enrolment token)."""
    if settings.get("report") is False:
        return "", ""
    url = settings.get("server_url") or getattr(config, "backoffice_url", "")
    token = settings.get("token") or getattr(config, "backoffice_token", "")
    return str(url or ""), str(token or "")


class Plugin(HandoffBackoffice):
    def __init__(self) -> None:
        self.runtime: Any = None
        self.keys = TicketKeys()
        self.role = KioskRole.SELF
        self.server: StoreServer | None = None
        self.receiver: HandOffReceiver | None = None
        self.actions: StaffActions | None = None
        self.reporter: StatusReporter | None = None
        self._client: httpx.Client | None = None
        self._health: dict[str, str] = {}
        self.ui_parts: Any = None  # plugins.handoff.ui.UiParts of the kiosk's touch UI

    def plugin_api(self) -> Plugin:
        """What ``runtime.plugin_api("handoff")`` gives this plugin's own screens and
        helpers (:func:`handoff_for`): the plugin itself."""
        return self

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[HandoffSettings]]:
        return NAME, HandoffSettings

    @hookimpl
    def kiosk_startup(self, runtime: Any) -> None:
        settings = runtime.config.plugin_settings(NAME)
        self.runtime = runtime
        self.keys = TicketKeys.from_settings(settings)
        self.role = KioskRole(settings.get("role", "self"))
        self.actions = StaffActions(runtime)
        self.receiver = HandOffReceiver(runtime, self.keys)
        url, token = server_settings(settings, runtime.config)
        if url and token:
            self._client = httpx.Client(base_url=url, timeout=1.5)
            self.connect(
                StoreServer(self._client, token),
                interval_s=float(settings.get("report_interval_s", 5.0)),
                autostart=bool(settings.get("autostart", True)),
            )

    def connect(
        self, server: StoreServer, *, interval_s: float = 5.0, autostart: bool = False
    ) -> StatusReporter:
        """Talk to the store server: take assigned hand-offs, report state, run commands."""
        assert self.receiver is not None and self.actions is not None, "kiosk_startup first"
        self.server = self.receiver.server = server
        self.reporter = StatusReporter(
            self.runtime, server, self.actions, self.role, interval_s, health=self._health
        )
        if autostart:
            self.reporter.start()
        return self.reporter

    @hookimpl
    def kiosk_shutdown(self, runtime: Any) -> None:
        if self.reporter is not None:
            self.reporter.stop()
        if self._client is not None:
            self._client.close()

    # --- the kiosk UI (plugins/handoff/ui; imported when asked: a headless kiosk has no Kivy)

    @hookimpl
    def kiosk_ui_screens(self, ctl: Any) -> list[Any]:
        from plugins.handoff.ui import parts_for

        parts = parts_for(self, ctl)
        return [] if parts is None else parts.screens()

    @hookimpl
    def kiosk_ui_overlays(self, ctl: Any) -> list[Any]:
        from plugins.handoff.ui import parts_for

        parts = parts_for(self, ctl)
        return [] if parts is None else parts.overlays()

    @hookimpl
    def kiosk_claim_scan(self, scan: Any, checkout: Any) -> ScanClaim | None:
        if self.receiver is None or self.actions is None:
            return None
        code = scan.code
        if is_handoff_code(code) or code.startswith(SHORT_PREFIX):
            try:
                if code.startswith(SHORT_PREFIX):
                    ticket = self.receiver.take_assigned(code[len(SHORT_PREFIX) :])
                    if ticket is None:
                        raise HandOffError("this hand-off is not waiting here; ask staff")
                else:
                    ticket = self.receiver.take_code(code)
            except HandOffError as exc:
                log.warning("hand-off refused: %s", exc)
                return ScanClaim(
                    NAME,
                    handoff_message("This hand-off slip cannot be used. Please call staff."),
                    payload=exc,
                )
            return ScanClaim(
                NAME,
                handoff_message(
                    "Your basket ({total}) is ready: choose how to pay.",
                    total=Amount(ticket.total),
                ),
                payload=ticket,
            )
        if checkout.read_only:
            return ScanClaim(
                NAME,
                handoff_message(
                    "Staff registered this basket. Please pay, or call staff to add items."
                ),
            )
        if checkout.state is CheckoutState.IDLE and self.actions.mode is not KioskMode.OPEN:
            # the core's words (kiosk.po): the runtime refuses a scan on a closed kiosk alike
            return ScanClaim(NAME, Message.of("This checkout is closed. Please use another one."))
        return None

    @hookimpl
    def kiosk_adjust_basket(self, basket: Any, context: Any) -> list[Any]:
        return self.actions.adjustments(basket) if self.actions is not None else []

    @hookimpl
    def kiosk_device_status(self, device: Any, status: Any) -> None:
        if self.reporter is not None:
            self.reporter.device_status(str(device), str(status))
        else:
            self._health[str(device)] = str(status)

    @hookimpl
    def kiosk_sale_completed(self, sale: Any) -> None:
        handoff_id = sale.extra.get("handoff_id")
        if not handoff_id:
            return
        if self.receiver is not None:
            self.receiver.mark_used(handoff_id)
        if self.reporter is not None:
            self.reporter.handoff_done(handoff_id, sale.sale_id, sale.total)
