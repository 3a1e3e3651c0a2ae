"""``kiosk tax-free …``: the plugin's own commands, added through ``kiosk_cli_commands``."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli_commands import CliCommand
from kiosk.cli_errors import CommandError
from kiosk.cli_language import operator_language
from plugins.tax_free.errors import tax_free_message


def commands() -> list[CliCommand]:
    # help in the operator's language, as the core's commands (kiosk.cli_language)
    help_text = tax_free_message("tax-free (免税) commands").render(operator_language())
    return [CliCommand("tax-free", help_text, _arguments)]


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    ledger_help = tax_free_message("the refund ledger: pending, confirmed, refunded…")
    ledger = sub.add_parser("ledger", help=ledger_help.render(operator_language()))
    ledger.set_defaults(handler=ledger_command)


def ledger_command(config: Any, args: argparse.Namespace) -> int:
    """Print the refund ledger, oldest sale first, and the totals per status."""
    from kiosk.app import build_runtime
    from plugins.tax_free.errors import TaxFreeError
    from plugins.tax_free.ledger import ledger_totals
    from plugins.tax_free.plugin import tax_free_ledger

    runtime = build_runtime(config)
    try:
        rows = tax_free_ledger(runtime)
    except TaxFreeError as exc:  # the plugin is not enabled or configured for this store
        raise CommandError(f"tax-free ledger unavailable: {exc}") from exc
    finally:
        runtime.shutdown()
    print(f"{'sale date':10}  {'status':13}  {'refund':>8}  {'deadline':10}  {'sent':10}  buyer")
    for row in rows:
        print(
            f"{row.sale_date:%Y-%m-%d}  {row.status:13}  {row.refund_amount:>8,}  "
            f"{row.export_deadline:%Y-%m-%d}  {row.transmission:10}  {row.buyer}"
        )
    for status, (count, amount) in sorted(ledger_totals(rows).items()):
        print(f"{status}: {count} record(s), ¥{amount:,}")
    return 0
