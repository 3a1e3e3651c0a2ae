"""``kiosk run``: the store's kiosk — the touch UI on the site configuration and its devices.

The same start as ``kiosk demo`` (:func:`kiosk.ui.app.run_app`), with two differences: the
configuration is the site file layered on the built-in defaults (never the demo store), and
the hardware profile's devices are always opened. Every configuration problem — the core
sections, the hardware profile, each plugin's table — is found before the window opens and
reported as one line (exit status 2).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace

from kiosk.config import ConfigError, KioskConfig
from kiosk.devices.profiles import (
    ProfileError,
    available_profiles,
    check_devices,
    load_profile,
    profile_dir,
)

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")


def check_config(config: KioskConfig, not_loaded: list[str] | None = None) -> list[str]:
    """Load the hardware profile and the plugins and check every plugin table (no I/O on
    devices, nothing started). Returns the loaded plugin names (and adds a line to
    ``not_loaded`` for each plugin that did not load); raises on a problem.

    A plugin that did not load (refused by the allow-list, an import error) is reported to
    staff and the kiosk sells without it, so it does not stop the start; its settings table
    is then an error that says why, not "no loaded plugin reads this table"."""
    from kiosk.app import build_plugin_host
    from kiosk.config import check_plugin_settings
    from kiosk.runtime.hardware import driver_registry

    name = config.hardware_profile
    if not name.endswith(".toml") and os.sep not in name and name not in available_profiles():
        known = ", ".join(available_profiles()) or "none"  # the site file's mistake
        raise ConfigError(
            config.origin("kiosk", "hardware_profile"),
            "kiosk.hardware_profile",
            f"no hardware profile {name!r} in {profile_dir()} (available: {known})",
        )
    profile = load_profile(config.hardware_profile)
    host = build_plugin_host(config)
    check_devices(profile, driver_registry(host))  # drivers and options, nothing opened
    failed = [p for p in host.problems if p.hook == "load"]
    problems = [
        (config.origin("plugins", p.plugin), f"plugins.{p.plugin}", f"its plugin {p.message}")
        for p in failed
        if p.plugin in config.plugin_config
    ]
    if problems:
        raise ConfigError.many(problems)
    check_plugin_settings(config, host.call("kiosk_plugin_settings"), host.names)
    where = config.origin("plugins", "allow")
    if not_loaded is not None:
        not_loaded += [f"{where}: plugin {p.plugin!r} {p.message}" for p in failed]
    return host.names


def run_kiosk(config: KioskConfig, check_only: bool = False) -> int:
    config = replace(config, open_hardware=True)  # a store's kiosk drives its own devices
    try:
        not_loaded: list[str] = []
        plugins = check_config(config, not_loaded)
    except (ConfigError, ProfileError) as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
    if check_only:
        for line in not_loaded:  # the kiosk starts without them, and staff are told
            print(f"kiosk: warning: {line}", file=sys.stderr)
        print(
            f"kiosk: {config.source}: configuration OK — kiosk {config.kiosk_id}, hardware "
            f"profile {config.hardware_profile}, {len(plugins)} plugins"
        )
        return 0
    if not any(os.environ.get(name) for name in DISPLAY_VARIABLES):
        print(
            "kiosk: no display (DISPLAY, WAYLAND_DISPLAY and SDL_VIDEODRIVER are unset): "
            "start it under cage or X, see docs/ui.md",
            file=sys.stderr,
        )
        return 1
    from kiosk.ui.app import run_app

    try:
        return run_app(config)
    except (ConfigError, ProfileError) as exc:  # found while opening the devices
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
