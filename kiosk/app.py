"""Assemble a kiosk from its configuration: store, catalogue, plugins, runtime."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig, check_plugin_settings, current_backoffice_token
from kiosk.plugins import BUILTIN_PLUGINS, PluginHost
from kiosk.runtime import KioskRuntime
from kiosk.store import LocalStore
from kiosk.store.catalogue_csv import read_catalogue_csv

DEMO_CATALOGUE = Path(__file__).with_name("data") / "demo_catalogue.csv"

log = logging.getLogger(__name__)


def build_plugin_host(config: KioskConfig) -> PluginHost:
    host = PluginHost(
        deadline_s=config.plugin_hook_deadline_s,
        startup_deadline_s=config.plugin_startup_deadline_s,
    )
    host.load_builtins(
        config.builtin_plugins if config.builtin_plugins is not None else BUILTIN_PLUGINS
    )
    host.load_entry_points(config.allowed_plugins)
    host.check()
    return host


def store_migrations(host: PluginHost) -> list[Path]:
    """The migration folders of the loaded plugins' own store tables."""
    return [Path(p) for p in host.call_each("kiosk_store_migrations")]


def open_store(
    config: KioskConfig, seed_demo: bool = True, host: PluginHost | None = None
) -> LocalStore:
    """``host``: the plugins whose tables the store holds (``kiosk_store_migrations``); a
    command without one opens the store as it is (kiosk.store.migrate.upgrade_to_heads)."""
    store = LocalStore(config.database_path, store_migrations(host) if host is not None else ())
    if seed_demo and not len(store.load_catalogue()):
        count = store.replace_catalogue(read_catalogue_csv(DEMO_CATALOGUE))
        log.info("loaded the demo catalogue (%d products) into %s", count, config.database_path)
    return store


def build_runtime(
    config: KioskConfig, devices: Any = None, seed_demo: bool = True, hardware: bool = False
) -> KioskRuntime:
    """A started runtime. ``hardware=True`` opens the devices of the config's profile
    (simulators in the default ``simulated`` profile); tests usually leave it off."""
    from kiosk.devices.watcher import ByIdWatcher
    from kiosk.runtime.hardware import attach, open_hardware

    hardware = hardware or config.open_hardware
    host = build_plugin_host(config)
    # a misspelt key in a plugin's table stops the kiosk here, before anything is opened
    check_plugin_settings(config, host.call("kiosk_plugin_settings"), host.names)
    store = open_store(config, seed_demo, host)
    if hardware and devices is None:
        try:
            devices = open_hardware(config.hardware_profile, host)
        except Exception:
            store.close()
            raise
    runtime = KioskRuntime(config, store, host, clock=config.now, devices=devices)
    if hardware:
        attach(runtime, devices)
        watcher = ByIdWatcher(devices)
        if watcher.watched:  # roles on /dev/serial/by-id: re-plugs are picked up at once
            watcher.start()
            runtime.on_shutdown(watcher.stop)
        if config.device_panel_port is not None:
            from kiosk.devices.panel import serve_panel

            _thread, port, stop = serve_panel(devices, port=config.device_panel_port)
            runtime.on_shutdown(stop)
            runtime.device_panel_url = f"http://127.0.0.1:{port}/"
            log.warning("developer device panel on %s", runtime.device_panel_url)
    runtime.start()
    if config.backoffice_url:
        from kiosk.sync.service import SyncService

        # the store's outbox transport, given the store beside the runtime (not through it)
        # a refused token is looked up again in kiosk.toml: re-enrolling needs no restart
        sync = SyncService(
            runtime,
            store,
            config.backoffice_url,
            config.backoffice_token,
            token_source=lambda: current_backoffice_token(config),
        )
        runtime.on_shutdown(sync.stop)
        sync.start()
    return runtime
