"""The ``kiosk`` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.private_files import restrict_umask


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    old_umask = restrict_umask()  # data, WAL, exports, receipts: 0600 (kiosk.private_files)
    try:
        try:
            config = load_config(args.config, data_dir=args.data_dir)
        except ConfigError as exc:
            print(f"kiosk: configuration error: {exc}", file=sys.stderr)
            return 2
        return args.handler(config, args)
    finally:
        os.umask(old_umask)  # for callers in the same process (tests); a process just exits


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Self-checkout kiosk runtime")
    parser.add_argument("--config", help="kiosk.toml (default: the built-in demo store)")
    parser.add_argument("--data-dir", help="where the local store lives (overrides the config)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="run the kiosk demo (touch UI; --narrated for text)")
    demo.add_argument("--narrated", action="store_true", help="a scripted checkout, told in text")
    demo.set_defaults(handler=_demo)

    checkout = sub.add_parser("checkout", help="run a headless checkout script")
    checkout.add_argument("--script", required=True, type=Path)
    checkout.set_defaults(handler=_checkout)

    catalog = sub.add_parser("catalog", help="catalogue commands").add_subparsers(required=True)
    imp = catalog.add_parser("import", help="replace the catalogue from a CSV file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=_catalog_import)

    sales = sub.add_parser("sales", help="sales commands").add_subparsers(required=True)
    listing = sales.add_parser("list", help="the latest sales")
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(handler=_sales_list)

    journal = sub.add_parser("journal", help="journal commands").add_subparsers(required=True)
    verify = journal.add_parser("verify", help="check the hash chain of the journal")
    verify.set_defaults(handler=_journal_verify)

    taxfree = sub.add_parser("tax-free", help="tax-free (免税) commands").add_subparsers(
        required=True
    )
    ledger = taxfree.add_parser("ledger", help="the refund ledger: pending, confirmed, refunded…")
    ledger.set_defaults(handler=_taxfree_ledger)

    doctor = sub.add_parser("doctor", help="check the store, plugins and devices")
    doctor.add_argument("--profile", help="hardware profile to open (default: the config's)")
    doctor.set_defaults(handler=_doctor)
    return parser


def _demo(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.demo import run_demo

    return run_demo(config, narrated=args.narrated)


def _checkout(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import build_runtime
    from kiosk.script import ScriptError, run_script

    runtime = build_runtime(config)
    try:
        run_script(runtime, args.script)
    except ScriptError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    finally:
        runtime.shutdown()
    return 0


def _catalog_import(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import open_store
    from kiosk.store.catalogue_csv import CatalogueImportError, read_catalogue_csv

    try:
        products = read_catalogue_csv(args.file)
    except (CatalogueImportError, OSError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    store = open_store(config, seed_demo=False)
    count = store.replace_catalogue(products)
    print(f"imported {count} products from {args.file}")
    return 0


def _sales_list(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import open_store

    store = open_store(config, seed_demo=False)
    rows = store.list_sales(args.limit)
    print(f"{'receipt':>8}  {'completed':19}  {'total':>9}  {'tax':>7}  sale id")
    for row in rows:
        print(
            f"{row.receipt_no:>8}  {row.completed_at:%Y-%m-%d %H:%M:%S}  "
            f"{row.total:>9,}  {row.tax_total:>7,}  {row.sale_id}"
        )
    print(f"{store.sale_count()} sale(s) in {config.database_path}")
    return 0


def _journal_verify(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import open_store
    from kiosk.sync.anchor import verify_anchors

    store = open_store(config, seed_demo=False)
    check = store.verify_journal()
    if check.ok:
        print(f"journal OK: {check.rows} rows, hash chain intact")
    else:
        print(f"journal TAMPERED at row {check.first_bad_seq}: {check.problem}", file=sys.stderr)
    anchored, lines = verify_anchors(store, config.backoffice_url, config.backoffice_token)
    for line in lines:
        print(line, file=sys.stdout if anchored else sys.stderr)
    return 0 if check.ok and anchored else 1


def _taxfree_ledger(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import build_runtime
    from plugins.tax_free import tax_free_ledger
    from plugins.tax_free.ledger import ledger_totals

    runtime = build_runtime(config)
    try:
        rows = tax_free_ledger(runtime)
    except Exception as exc:  # the plugin is not enabled or configured for this store
        print(f"kiosk: tax-free ledger unavailable: {exc}", file=sys.stderr)
        return 1
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


def _doctor(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.doctor import run_doctor

    return run_doctor(config, args.profile)


if __name__ == "__main__":
    sys.exit(main())
