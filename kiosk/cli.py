"""The ``kiosk`` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kiosk import return_cli
from kiosk.cli_commands import add_plugin_commands, discovery_host
from kiosk.cli_errors import check_data_dir, guarded
from kiosk.cli_language import OperatorParser, _, argparse_translated
from kiosk.config import KioskConfig, load_config
from kiosk.private_files import restrict_umask

SITE_CONFIG = Path("/etc/kiosk/kiosk.toml")  # what `kiosk run` reads without --config


def main(argv: list[str] | None = None) -> int:
    with argparse_translated():  # help and usage errors in the operator's language
        parser = _parser(sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(argv)
    configure_logging(args.verbose)
    database: list[Path] = []

    def run() -> int:
        # `run` reads the site file (never the demo store); `demo` layers --config on the demo
        path = getattr(args, "run_config", None) or args.config
        if path is None and getattr(args, "site", False):
            path = SITE_CONFIG
        config = load_config(path, demo=getattr(args, "demo", False), data_dir=args.data_dir)
        database.append(config.database_path)
        if args.needs_store:
            check_data_dir(config.data_dir)
        return args.handler(config, args)

    old_umask = restrict_umask()  # data, WAL, exports, receipts: 0600 (kiosk.private_files)
    try:
        # every known error is one line on stderr and a non-zero exit; -v shows the traceback
        return guarded("kiosk", args.verbose, run, lambda: database[-1] if database else None)
    finally:
        os.umask(old_umask)  # for callers in the same process (tests); a process just exits


def configure_logging(verbose: bool) -> None:
    """Warnings and errors, once each; ``-v``: every library's DEBUG lines too.

    Kivy's default log mode hooks the root logger: every library's DEBUG lines (httpx on
    each sync poll) reached journald, each twice, and a copy went to ~/.kivy/logs. PYTHON
    mode leaves logging to the configuration below; Kivy still sets its own logger's level
    from its config when imported (INFO: some 25 lines at every start), so that level is
    given here too (``KCFG_*`` is Kivy's environment override of its config)."""
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "debug" if verbose else "warning")
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The ``kiosk`` parser: the core's commands, then the plugins' (``kiosk_cli_commands``,
    from the plugins the ``--config`` in ``argv`` loads)."""
    parser = OperatorParser(prog="kiosk", description=_("Self-checkout kiosk runtime"))
    parser.add_argument("--config", help=_("kiosk.toml (default: the built-in demo store)"))
    parser.add_argument("--data-dir", help=_("where the local store lives (overrides the config)"))
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.set_defaults(needs_store=True)  # the folder is checked first (one-line errors)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help=_("run the kiosk demo (touch UI; --narrated for text)"))
    demo.add_argument(
        "--narrated", action="store_true", help=_("a scripted checkout, told in text")
    )
    demo.set_defaults(handler=_demo, demo=True)

    run = sub.add_parser(
        "run", help=_("run the kiosk for shoppers (touch UI, the store's devices)")
    )
    run.add_argument(
        "--config",
        dest="run_config",
        help=_("the store's kiosk.toml (default: {path})").format(path=SITE_CONFIG),
    )
    run.add_argument(
        "--check", action="store_true", help=_("check the configuration and plugins, then exit")
    )
    run.set_defaults(handler=_run, site=True)

    from kiosk.script import __doc__ as script_verbs  # the verbs, documented once

    checkout = sub.add_parser(
        "checkout",
        help=_("run a headless checkout script"),
        description=_("Run a checkout script against a headless kiosk, one command per line."),
        epilog=script_verbs,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    checkout.add_argument("--script", required=True, type=Path, help=_("the script file"))
    checkout.set_defaults(handler=_checkout)

    catalog = sub.add_parser("catalog", help=_("catalogue commands")).add_subparsers(required=True)
    imp = catalog.add_parser("import", help=_("replace the catalogue from a CSV file"))
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=_catalog_import)
    catalog_list = catalog.add_parser("list", help=_("the products the kiosk sells"))
    catalog_list.add_argument(
        "--search", help=_("only products whose sku, code or ja/en name contains this")
    )
    catalog_list.set_defaults(handler=_catalog_list)

    sales = sub.add_parser("sales", help=_("sales commands")).add_subparsers(required=True)
    listing = sales.add_parser("list", help=_("the latest sales"))
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(handler=_sales_list)

    journal = sub.add_parser("journal", help=_("journal commands")).add_subparsers(required=True)
    verify = journal.add_parser("verify", help=_("check the hash chain of the journal"))
    verify.set_defaults(handler=_journal_verify)

    store_cmd = sub.add_parser("store", help=_("local store commands")).add_subparsers(
        required=True
    )
    confirm = store_cmd.add_parser(
        "confirm-new",
        help=_("confirm a replaced/emptied/restored database so the kiosk sells again"),
    )
    confirm.add_argument("--reason", required=True, help=_("why the database was replaced (kept)"))
    confirm.set_defaults(handler=_store_confirm_new)
    outbox = sub.add_parser("outbox", help=_("events waiting for the back office")).add_subparsers(
        required=True
    )
    parked = outbox.add_parser("list", help=_("events the back office refused (parked)"))
    parked.set_defaults(handler=_outbox_list)
    retry = outbox.add_parser("retry", help=_("send a parked event again (after the fix)"))
    retry.add_argument("seq", type=int, help=_("the parked event's outbox seq"))
    retry.set_defaults(handler=_outbox_retry)

    staff_pin = sub.add_parser(
        "staff-pin", help=_("print a PIN hash for [staff.accounts.ID] pin_hash (asks for the PIN)")
    )
    staff_pin.set_defaults(handler=_staff_pin, needs_store=False)

    return_cli.register(sub)

    doctor = sub.add_parser("doctor", help=_("check the store, plugins and devices"))
    doctor.add_argument("--profile", help=_("hardware profile to open (default: the config's)"))
    doctor.set_defaults(handler=_doctor)
    add_plugin_commands(sub, discovery_host(argv or []), set(sub.choices))
    return parser


def _demo(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.demo import run_demo

    return run_demo(config, narrated=args.narrated)


def _run(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.run import run_kiosk

    return run_kiosk(config, check_only=args.check)


def _checkout(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import build_runtime
    from kiosk.script import ScriptError, run_script

    if not args.script.is_file():  # before the kiosk starts: nothing to undo
        raise ScriptError(str(args.script), None, "no such script file")
    runtime = build_runtime(config)
    try:
        run_script(runtime, args.script)
    finally:
        runtime.shutdown()
    return 0


def _catalog_import(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import open_store
    from kiosk.store.catalogue_csv import read_catalogue_csv

    products = read_catalogue_csv(args.file)  # bad rows: CatalogueImportError, by line
    store = open_store(config, seed_demo=False)
    count = store.replace_catalogue(products)
    print(f"imported {count} products from {args.file}")
    return 0


def _catalog_list(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import open_store

    store = open_store(config, seed_demo=False)
    try:
        products = sorted(store.load_catalogue(), key=lambda p: p.sku)
    finally:
        store.close()
    needle = (args.search or "").casefold()
    shown = [
        p
        for p in products
        if not needle
        or any(needle in (v or "").casefold() for v in (p.sku, p.gtin, p.plu, p.name_ja, p.name_en))
    ]
    print(f"{'sku':10}  {'gtin / plu':14}  {'price':>7}  {'tax':8}  {'flags':6}  name")
    for p in shown:
        flags = ("A" if p.age_restricted else "") + ("W" if p.weighed else "")
        flags += "" if p.price_includes_tax else "X"
        unit = "/kg" if p.weighed else ""
        print(
            f"{p.sku:10}  {p.gtin or 'PLU ' + str(p.plu):14}  {p.price:>7,}{unit:3}  "
            f"{p.tax:8}  {flags:6}  {p.name_ja} / {p.name_en}"
        )
    print(f"{len(shown)} of {len(products)} product(s) in {config.database_path}")
    if shown and any(p.age_restricted or p.weighed or not p.price_includes_tax for p in shown):
        print("flags: A age restricted, W weighed (price per kg), X price excludes tax (外税)")
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
    same, lines = _identity_lines(store, config)
    for line in lines:
        print(line, file=sys.stdout if same else sys.stderr)
    return 0 if check.ok and anchored and same else 1


def _identity_lines(store, config: KioskConfig) -> tuple[bool, list[str]]:
    """Is the database the one this kiosk made (not emptied, replaced or an older copy)?"""
    from kiosk.sync.identity import verify_identity

    result, lines = verify_identity(store, config.backoffice_url, config.backoffice_token)
    return result.ok, lines


def _store_confirm_new(config: KioskConfig, args: argparse.Namespace) -> int:
    from datetime import datetime

    from kiosk.app import open_store
    from kiosk.store import identity
    from kiosk.sync.identity import remote_anchor

    store = open_store(config, seed_demo=False)
    try:
        anchor, note = remote_anchor(store, config.backoffice_url, config.backoffice_token)
        if note:
            print(note, file=sys.stderr)
        before = identity.check(store, anchor)
        if before.ok:
            print("store identity OK: nothing to confirm")
            return 0
        print(before.message)
        identity.confirm_new(store, args.reason, datetime.now(), anchor)
    except identity.IdentityError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"confirmed: {config.database_path} is this kiosk's database from now on (journaled); "
          "restart the kiosk. The back office flags it until an admin confirms there too.")  # fmt: skip
    return 0


def _outbox_list(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import open_store
    from kiosk.sync import parking

    store = open_store(config, seed_demo=False)
    unsent, waiting = parking.counts(store)
    print(f"{'seq':>7}  {'kind':16}  {'parked':19}  {'retried as':>10}  reason")
    for row in parking.parked(store):
        retried = str(row.retried_as) if row.retried_as else "-"
        print(
            f"{row.seq:>7}  {row.kind:16}  {row.parked_at:%Y-%m-%d %H:%M:%S}  {retried:>10}  "
            f"{row.parked_reason}"
        )
    print(f"{unsent} unsent, {waiting} parked awaiting retry ('kiosk outbox retry SEQ')")
    return 0


def _outbox_retry(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import open_store
    from kiosk.sync import parking

    store = open_store(config, seed_demo=False)
    try:
        seq = parking.retry(store, args.seq)
    except parking.NotParked as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    print(f"outbox seq {args.seq} queued again as seq {seq}; the relay sends it next")
    return 0


def _staff_pin(config: KioskConfig, args: argparse.Namespace) -> int:
    import getpass

    from kiosk.cli_errors import CommandError
    from kiosk.staff import hash_pin

    if sys.stdin.isatty():
        pin = getpass.getpass("PIN: ")
        if getpass.getpass("again: ") != pin:
            raise CommandError(_("the two PINs differ"))
    else:
        pin = sys.stdin.readline().strip()
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise CommandError(_("a PIN is 4 to 8 digits"))
    print(f'pin_hash = "{hash_pin(pin)}"')
    return 0


def _doctor(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.doctor import run_doctor

    if args.verbose:
        return run_doctor(config, args.profile)
    # the report is the output: the checks' own log lines (no staff accounts, a plugin turned
    # off, a device that did not open) said each PROBLEM again, timestamped, between its lines
    logging.disable(logging.CRITICAL)
    try:
        return run_doctor(config, args.profile)
    finally:
        logging.disable(logging.NOTSET)


if __name__ == "__main__":
    sys.exit(main())
