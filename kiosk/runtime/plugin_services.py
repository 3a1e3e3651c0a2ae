"""What the runtime does for plugins that a plugin may not do itself with the live parts.

A plugin's runtime is scoped (:mod:`kiosk.plugin_scope`): no ``host``, ``devices``, ``store``
or ``checkout``. The few things built-in features needed those for are methods here, on the
runtime's public API, so a vendor's plugin has them too:

- :meth:`PluginServices.device`: one device of the hardware profile by role (a scoped
  runtime hands it only to a plugin whose manifest declares ``"devices"``);
- :meth:`PluginServices.add_panel_simulator`: put a payment simulator on the developer
  device panel;
- :meth:`PluginServices.pricing_offers` and :meth:`PluginServices.offers_coordinated`: the
  pricing protocol by which one plugin settles every plugin's offers together (docs/plugins.md,
  "Offers settled together"). A plugin offers by having a ``pricing_offers(basket, context)``
  method; the one that settles them all sets ``settles_offers = True``;
- :meth:`PluginServices.plugin_api`: what a plugin publishes for its own screens and
  command-line helpers (its ``plugin_api()``: tax-free's desk, loyalty's service), found by
  its name. A plugin's scoped runtime answers only for that plugin's own name, so a screen
  or command finds its plugin without the host (:mod:`kiosk.plugin_scope`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.domain.basket import AdjustContext, Basket
    from kiosk.plugins import PluginHost

log = logging.getLogger(__name__)


class PluginServices:
    """Mixed into :class:`~kiosk.runtime.KioskRuntime`; the attributes below are its own."""

    host: PluginHost
    devices: Any

    def device(self, role: str) -> Any:
        """The opened device of the hardware profile in ``role`` (``changer``, ``terminal``,
        ``printer``…), or ``None`` when the profile has none or no devices were opened."""
        if self.devices is None:
            return None
        return getattr(self.devices, role, None)

    def add_panel_simulator(self, role: str, device_class: str, simulator: Any) -> None:
        """Let the developer device panel drive ``simulator`` as ``role`` (no-op without
        opened devices: then there is no panel)."""
        add = getattr(self.devices, "add_simulator", None) if self.devices is not None else None
        if add is not None:
            add(role, device_class, simulator)

    def plugin_api(self, name: str) -> Any:
        """What plugin ``name`` (its manifest's name: ``"tax_free"``, ``"loyalty"``)
        publishes for its UI and command-line helpers — the object its ``plugin_api()``
        method returns.

        :raises LookupError: the plugin is not live on this kiosk (not loaded, disabled) or
            publishes nothing.
        """
        return self.host.plugin_api(name)

    def offers_coordinated(self) -> bool:
        """Whether a live plugin settles every plugin's offers (``settles_offers = True``):
        then an offering plugin returns no adjustments of its own."""
        return any(getattr(p, "settles_offers", False) for p in self.host.pm.get_plugins())

    def pricing_offers(self, basket: Basket, context: AdjustContext) -> list[Any]:
        """Every live offering plugin's ``pricing_offers(basket, context)``, in the order of
        the plugins' names (the same basket settles the same way). One that raises is logged
        and left out: its bug must not take the others' discounts away."""
        offers: list[Any] = []
        for _name, plugin in sorted(self.host.pm.list_name_plugin(), key=lambda np: np[0]):
            if getattr(plugin, "settles_offers", False):
                continue
            offer = getattr(plugin, "pricing_offers", None)
            if not callable(offer):
                continue
            try:
                offers += offer(basket, context)
            except Exception:
                log.exception("pricing offers of %r failed; settled without them", plugin)
        return offers
