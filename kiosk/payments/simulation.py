"""When a payment plugin may use a simulator instead of real money, and what it must say.

A simulator is used only when asked: ``simulate = true`` in the plugin's table, or the
``simulated`` hardware profile with no connection settings given. Otherwise a plugin without
its connection settings raises :class:`NotConfigured`; the plugin host disables it and staff
see the message in the plugin problems, and the kiosk sells with its other methods. A method
talking to a simulator sets ``simulated = True``: the kiosk is then in training mode (練習).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

SIMULATED_PROFILE = "simulated"
SIM_PACKAGE = "kiosk.devices.sim"


class SimulatorSettings(BaseModel):
    """The base of a payment plugin's settings table: ``simulate`` plus its own keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: true: always the simulator (training); false: never; unset: the simulator only with
    #: the "simulated" hardware profile and no connection settings
    simulate: bool | None = None


class NotConfigured(RuntimeError):
    """A payment plugin has neither its connection settings nor ``simulate = true``."""


def use_simulator(config: Any, settings: SimulatorSettings, connected: bool) -> bool:
    """True when the plugin should start its simulator (see the module docstring)."""
    if settings.simulate is not None:
        return settings.simulate
    return not connected and config.hardware_profile == SIMULATED_PROFILE


def not_configured(config: Any, plugin: str, key: str, what: str) -> NotConfigured:
    """The refusal, naming the file (or variable), the section and the key (``key=""``:
    the table itself, when what is missing is not one key of it)."""
    where = config.origin("plugins", plugin, *([key] if key else []))
    dotted = f"plugins.{plugin}.{key}" if key else f"plugins.{plugin}"
    return NotConfigured(
        f"{where}: [{dotted}] {what} — or set simulate = true to "
        "practise with a simulator (training mode); this payment method is off until then"
    )


def is_simulated_device(device: Any) -> bool:
    """True when an opened device's driver is one of ``kiosk.devices.sim``."""
    driver = getattr(device, "driver", None)
    return driver is not None and any(
        cls.__module__ == SIM_PACKAGE or cls.__module__.startswith(SIM_PACKAGE + ".")
        for cls in type(driver).__mro__
    )


def show_on_panel(runtime: Any, role: str, device_class: str, simulator: Any) -> None:
    """Let the developer device panel drive ``simulator`` — the very object the plugin pays
    through — as ``role`` (a no-op when the kiosk opened no hardware, so has no panel)."""
    add = getattr(runtime, "add_panel_simulator", None)
    if add is not None:
        add(role, device_class, simulator)
