"""``kiosk <command>`` subcommands that plugins add (``kiosk_cli_commands``).

The hook returns descriptions (:class:`CliCommand`); :func:`add_plugin_commands` puts each
under the ``kiosk`` parser, so ``kiosk --help`` lists them with the core's. The command runs
like a core one: after the configuration is read, inside the same one-line error handling
(:func:`kiosk.cli_errors.guarded`: a ``CommandError`` or another known error is one line on
stderr, a traceback only with ``-v``).

Which plugins: the built-ins the configuration loads, plus the third-party ones its allow-list
trusts. The parser is built before the command's own configuration is read, so the
configuration named by ``--config`` (default: the built-in demo store) decides; when it cannot
be read the built-ins are asked, and the command itself then reports the configuration error.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.plugins import PluginHost

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CliCommand:
    """A ``kiosk`` subcommand from a plugin.

    ``name`` is the word after ``kiosk`` (``"tax-free"``); ``add_arguments(parser)`` fills its
    ``argparse`` parser (options, or subcommands of its own), and each runnable parser sets
    ``handler=fn`` with ``parser.set_defaults``; ``fn(config, args) -> int`` gets the checked
    :class:`kiosk.config.KioskConfig` and the parsed arguments and returns the exit code.
    ``needs_store`` (default True): the data folder is checked before it runs.
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    needs_store: bool = True


def cli_command(value: Any) -> str | None:
    """The hook result check of one :class:`CliCommand` (kiosk.hook_results)."""
    from kiosk.contract_checks import describe

    if not isinstance(value, CliCommand):
        return f"is {describe(value)}, not a CliCommand"
    if not (isinstance(value.name, str) and value.name and " " not in value.name):
        return f"name is {describe(value.name)}, not a command word"
    if not callable(value.add_arguments):
        return f"add_arguments is {describe(value.add_arguments)}, not callable"
    return None


def discovery_host(argv: list[str]) -> PluginHost:
    """The plugins whose commands ``kiosk`` offers, from the ``--config`` in ``argv``."""
    from kiosk.plugins import BUILTIN_PLUGINS, PluginHost

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config")
    pre.add_argument("--data-dir")
    known, _rest = pre.parse_known_args(argv)
    host = PluginHost()
    try:
        from kiosk.config import load_config

        config: KioskConfig | None = load_config(known.config, data_dir=known.data_dir)
    except Exception as exc:  # the command reports it in one line when it reads the config
        log.debug("plugin commands from the built-ins only: %s", exc)
        config = None
    builtins = BUILTIN_PLUGINS
    if config is not None and config.builtin_plugins is not None:
        builtins = tuple(config.builtin_plugins)
    host.load_builtins(builtins)
    if config is not None:
        host.load_entry_points(config.allowed_plugins)
    return host


def add_plugin_commands(sub: Any, host: PluginHost, taken: set[str]) -> list[str]:
    """Add every plugin command to the ``kiosk`` subparsers; returns the names added.

    A name the core (or an earlier plugin) already uses is left out and logged: a plugin
    cannot replace ``kiosk run``.
    """
    added: list[str] = []
    for command in host.call_each("kiosk_cli_commands"):
        if command.name in taken:
            log.error("plugin command %r is already a kiosk command: left out", command.name)
            continue
        try:  # on a scratch parser first: a broken plugin must not break `kiosk --help`
            command.add_arguments(argparse.ArgumentParser(prog=f"kiosk {command.name}"))
        except Exception as exc:
            log.error("plugin command %r could not set up its arguments: %s", command.name, exc)
            continue
        parser = sub.add_parser(command.name, help=command.help)
        parser.set_defaults(needs_store=command.needs_store)
        command.add_arguments(parser)
        taken.add(command.name)
        added.append(command.name)
    return added
