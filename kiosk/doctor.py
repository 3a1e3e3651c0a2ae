"""``kiosk doctor``: is this kiosk fit to sell? Every check prints a line; every problem is
marked PROBLEM, says what to do, and makes the command exit 1.

Checked: the configuration and store time zone, the store file (pragmas, catalogue), the
journal and its anchor, payments left open for staff, the outbox (backlog, last delivery,
whether the back office answers), the plugins (loaded, then a dry-run sale on a scratch
store so a plugin that fails every checkout shows here and not at the till) and the
hardware profile's devices. Nothing here changes the store.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import ConfigError, KioskConfig

#: the relay raises its staff alert at this age too (kiosk.sync.relay.OutboxRelay)
BACKLOG_ALERT = timedelta(minutes=30)
DRY_RUN_CODE = "4901234000018"  # in the demo catalogue the dry run sells from


class Report:
    """Collects the doctor's lines and counts problems."""

    def __init__(self, say: Callable[[str], None] = print) -> None:
        self.say = say
        self.problems = 0

    def line(self, label: str, text: str) -> None:
        self.say(f"{label:12} {text}")

    def problem(self, text: str) -> None:
        self.problems += 1
        self.say(f"  PROBLEM: {text}")


def run_doctor(
    config: KioskConfig,
    profile: str | None = None,
    say: Callable[[str], None] = print,
    dry_run: bool = True,
) -> int:
    from kiosk.devices.profiles import load_profile

    profile = str(load_profile(profile or config.hardware_profile).path)  # a typo stops here
    report = Report(say)
    report.line("config", config.source)
    check_time_zone(config, report)
    check_staff(config, report)
    check_files_at_rest(config, report)
    store = check_store(config, report)
    if store is not None:
        try:
            check_journal(store, report)
            check_identity(config, store, report)
            check_payments(store, report)
            check_outbox(config, store, report)
            check_parked(store, report)
        finally:
            store.close()
    host = check_plugins(config, report, dry_run=dry_run)
    check_devices(profile, host, report)
    say("doctor: all good" if not report.problems else f"doctor: {report.problems} problem(s)")
    return 0 if not report.problems else 1


def check_time_zone(config: KioskConfig, report: Report) -> None:
    machine = datetime.now().astimezone().tzname()
    report.line(
        "time zone",
        f"{config.time_zone}: store time {config.now():%Y-%m-%d %H:%M} "
        f"(receipts, business dates); machine zone {machine}",
    )


def check_staff(config: KioskConfig, report: Report) -> None:
    """A store's own kiosk.toml needs its own staff accounts (the demo PINs work only on the
    demo store, and a kiosk nobody can unlock cannot approve an age check)."""
    from kiosk.staff import StaffRegistry

    registry = StaffRegistry.for_config(config)
    if config.demo_store:
        report.line("staff", "demo accounts (S001/1234, M001/9999): the demo store only")
        return
    report.line("staff", f"{len(registry.accounts)} account(s)")
    if not registry.accounts:
        report.problem(
            f"{config.source} has no [staff.accounts.*]: no PIN unlocks this kiosk (age checks, "
            "removals, help); add accounts with `kiosk staff-pin` (docs/getting-started.md)"
        )


def check_files_at_rest(config: KioskConfig, report: Report) -> None:
    """The key directory, and data or keys others can read (docs/security.md)."""
    from kiosk.keys import key_dir

    try:
        keys = key_dir(config)
    except ConfigError as exc:
        report.problem(str(exc))
        return
    report.line("keys", str(keys))
    data = Path(config.data_dir)
    for path in (data, *data.glob("kiosk.sqlite3*"), keys, *keys.glob("*.key")):
        if path.exists() and path.stat().st_mode & 0o077:
            report.problem(f"{path} is open to others: chmod {700 if path.is_dir() else 600}")
    for path in data.glob("*.key"):
        report.problem(f"key {path} is inside the data directory; move it to {keys}")


def check_store(config: KioskConfig, report: Report) -> Any:
    from kiosk.store import LocalStore
    from kiosk.store.engine import pragma_values

    path = config.database_path
    if not path.exists():
        report.line("store", f"{path}: missing")
        report.problem(
            f"no store at {path}: a kiosk that sold here has lost its database (restore the "
            "backup), or it never started (run the kiosk once)"
        )
        return None
    store = LocalStore(path)  # as it is: the plugins' tables are checked by their dry run
    pragmas = pragma_values(store.engine)
    report.line("store", f"{path}  {pragmas}")
    if pragmas["journal_mode"] != "wal" or pragmas["synchronous"] != 2:
        report.problem("the store is not in WAL mode with synchronous=FULL")
    products = len(store.load_catalogue())
    report.line("catalogue", f"{products} products; {store.sale_count()} sales")
    if not products:
        report.problem("the catalogue is empty: kiosk catalog import FILE.csv")
    return store


def check_journal(store: Any, report: Report) -> None:
    from kiosk.store import anchor as anchors

    check = store.verify_journal()
    report.line(
        "journal", f"{'OK' if check.ok else 'TAMPERED'} ({check.rows} rows) {check.problem}"
    )
    if not check.ok:
        report.problem(f"the journal's hash chain breaks at row {check.first_bad_seq}")
    local = anchors.check_local(store)
    if local is None:
        report.line("anchor", "none yet (the back office has not acknowledged a journal head)")
    elif local.ok:
        report.line("anchor", f"journal holds at the acknowledged row {local.anchor.seq}")
    else:
        report.line("anchor", f"row {local.anchor.seq}")
        report.problem(local.text("en"))


def check_identity(config: KioskConfig, store: Any, report: Report) -> None:
    """The database is the one this kiosk made (not emptied, replaced or an older copy)."""
    from kiosk.sync.identity import verify_identity

    result, lines = verify_identity(store, config.backoffice_url, config.backoffice_token)
    if result.ok:
        report.line("identity", lines[0])
    else:
        report.line("identity", f"REPLACED ({result.head} journal rows)")
        report.problem(lines[0])
    for line in lines[1:]:
        report.say(f"  {line}")


def check_parked(store: Any, report: Report) -> None:
    """Events the back office refused as malformed wait here until staff retry them."""
    from kiosk.sync import parking

    _unsent, waiting = parking.counts(store)
    report.line("parked", f"{waiting} outbox event(s) refused by the back office")
    if waiting:
        report.problem("parked outbox events; see 'kiosk outbox list', then 'kiosk outbox retry'")


def check_payments(store: Any, report: Report) -> None:
    from kiosk.payments.ledger import PaymentLedger

    ledger = PaymentLedger(store)
    open_rows, orphans = ledger.open_payments(), ledger.approved_without_sale()
    report.line("payments", f"{len(open_rows)} open, {len(orphans)} approved without a sale")
    for row in open_rows:
        report.problem(
            f"{row.kind} {row.payment_id} ({row.method}, ¥{row.amount:,}) is {row.state} since "
            f"{row.created_at:%Y-%m-%d %H:%M}: check it on the terminal/provider's records; "
            "the kiosk asks again at start-up"
        )
    for row in orphans:
        report.problem(
            f"payment {row.payment_id} ({row.method}, ¥{row.amount:,}) was approved but its sale "
            "never committed: the kiosk voids it at start-up; if this stays, refund by hand"
        )


def check_outbox(config: KioskConfig, store: Any, report: Report) -> None:
    from sqlalchemy import func, select

    from kiosk.store.models import OutboxRow

    with store.transaction() as session:
        count, oldest = session.execute(
            select(func.count(), func.min(OutboxRow.created_at)).where(OutboxRow.sent_at.is_(None))
        ).one()
        last = session.scalar(select(func.max(OutboxRow.sent_at)))
    last_text = f"{last:%Y-%m-%d %H:%M}" if last else "never"
    report.line("outbox", f"{count} unsent; last delivered to the back office: {last_text}")
    if not config.backoffice_url:
        report.line("back office", "none configured (standalone kiosk)")
        return
    reachable, status = probe_backoffice(config, report)
    if status is not None:
        check_backoffice_anchor(store, status, report)
    if oldest is not None and config.now() - oldest > BACKLOG_ALERT:
        report.problem(
            f"{count} sale(s) not delivered, the oldest from {oldest:%Y-%m-%d %H:%M}"
            + ("" if reachable else ": the back office is not reachable")
        )


def check_backoffice_anchor(store: Any, status: dict[str, Any], report: Report) -> None:
    """The journal against the anchor the back office keeps: an emptied or replaced store
    (whose own anchor went with it) shows here."""
    from kiosk.store import anchor as anchors

    raw = status.get("journal_anchor")
    if raw is None:
        report.line("bo anchor", "none yet")
        return
    try:
        anchor = anchors.Anchor.from_json(raw)
    except anchors.BadAnchor as exc:
        report.problem(f"the back office sent a bad journal anchor: {exc}")
        return
    result = anchors.check(store, anchor, anchors.BACK_OFFICE)
    report.line("bo anchor", f"row {anchor.seq}: {'holds' if result.ok else 'BROKEN'}")
    if not result.ok:
        report.problem(result.text("en"))


def probe_backoffice(
    config: KioskConfig, report: Report, timeout_s: float = 3.0
) -> tuple[bool, dict[str, Any] | None]:
    """(reachable, the sync status it answered) — the status is None unless it answered."""
    import httpx

    url = config.backoffice_url
    if not config.backoffice_token:
        from kiosk.sync.relay import MISSING_TOKEN

        report.line("back office", f"{url}: not asked (no token)")
        report.problem(f"{config.source}: {MISSING_TOKEN}")
        return False, None
    try:
        response = httpx.get(
            url.rstrip("/") + "/api/v1/sync/status",
            headers={"Authorization": f"Bearer {config.backoffice_token}"},
            timeout=timeout_s,
        )
    except httpx.HTTPError as exc:
        report.line("back office", f"{url}: not reachable ({type(exc).__name__})")
        report.problem(
            f"the back office at {url} does not answer: is it running, is the url right?"
        )
        return False, None
    if response.status_code in (401, 403):
        report.line("back office", f"{url}: refuses this kiosk (HTTP {response.status_code})")
        report.problem("the back office refuses this kiosk's token: enrol it again")
        return True, None
    if response.status_code >= 400:
        report.line("back office", f"{url}: HTTP {response.status_code}")
        report.problem(f"the back office answered HTTP {response.status_code}")
        return response.status_code < 500, None
    report.line("back office", f"{url}: reachable")
    try:
        body = response.json()
    except ValueError:
        body = None
    return True, body if isinstance(body, dict) else None


def check_plugins(config: KioskConfig, report: Report, dry_run: bool = True) -> Any:
    from kiosk.app import build_plugin_host

    host = build_plugin_host(config)
    report.line("plugins", ", ".join(host.names) or "(none)")
    for problem in host.problems:
        report.problem(problem.staff_message())
    if dry_run:
        notes: list[str] = []
        for message in plugin_dry_run(config, notes):
            report.problem(message)
        for note in notes:
            report.line("pay methods", note)
    return host


def plugin_dry_run(config: KioskConfig, notes: list[str] | None = None) -> list[str]:
    """Sell one demo item on a scratch store with this kiosk's plugins; what went wrong.

    The scratch kiosk has no back office, no hand-off server and no hardware, so nothing it
    does reaches the store's records or devices. ``notes`` gets the payment methods offered
    and each one whose own network does not answer (the QR provider, the card terminal's
    link) with why: not a problem of the kiosk (the shopper is offered the others), but
    what an operator checking it wants to see, as the log's warning said before the report
    kept the log quiet.
    """
    from kiosk.app import build_runtime
    from kiosk.domain.scan import Scan

    plugin_config = {k: dict(v) for k, v in config.plugin_config.items()}
    plugin_config.setdefault("handoff", {})["report"] = False
    with tempfile.TemporaryDirectory(prefix="kiosk-doctor-") as scratch:
        trial = dataclasses.replace(
            config,
            data_dir=Path(scratch),
            backoffice_url="",
            backoffice_token="",
            open_hardware=False,
            device_panel_port=None,
            plugin_config=plugin_config,
        )
        messages: list[str] = []
        runtime = build_runtime(trial, seed_demo=True)
        try:
            runtime.handle_scan(Scan(DRY_RUN_CODE, source="doctor"))
            methods = [m.id for m in runtime.payment_methods()]
            if notes is not None:
                notes.append("offered: " + (", ".join(methods) or "(none)"))
                for method_id, why in runtime.payment_network_problems().items():
                    notes.append(f"not offered now: {method_id}: {why}")
            if "cash" in methods:
                runtime.begin_payment()
                runtime.method("cash").drawer.insert(runtime.amount_due)
                sale = runtime.pay("cash")
                if sale is not None:
                    runtime.receipt_lines(sale)
                runtime.finish()
        except Exception as exc:  # the dry run's own failure is a finding, not a crash
            messages.append(f"a dry-run sale failed: {type(exc).__name__}: {exc}")
        finally:
            problems = list(runtime.host.problems)
            runtime.shutdown()
    return [f"dry-run sale: {p.staff_message()}" for p in problems] + messages


def check_devices(profile: str, host: Any, report: Report) -> None:
    from kiosk.devices.doctor import device_reports, render_table
    from kiosk.devices.profiles import load_profile
    from kiosk.runtime.hardware import driver_registry

    loaded = load_profile(profile)
    rows, problems = device_reports(str(loaded.path), driver_registry(host))
    report.line("devices", f"{loaded.model} ({loaded.path.name})")
    report.say(render_table(rows))
    for problem in problems:
        report.problem(problem)
