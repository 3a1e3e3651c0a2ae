"""``kiosk doctor``: is this kiosk fit to sell? Store, journal, plugins, devices."""

from __future__ import annotations

import importlib.util

from kiosk.config import KioskConfig


def run_doctor(config: KioskConfig, profile: str | None = None) -> int:
    from kiosk.app import build_plugin_host, open_store
    from kiosk.store.engine import pragma_values

    problems = 0
    print(f"config       {config.source}")
    store = open_store(config)
    pragmas = pragma_values(store.engine)
    print(f"store        {config.database_path}  {pragmas}")
    if pragmas["journal_mode"] != "wal" or pragmas["synchronous"] != 2:
        print("  PROBLEM: the store is not in WAL mode with synchronous=FULL")
        problems += 1
    print(f"catalogue    {len(store.load_catalogue())} products; {store.sale_count()} sales")
    check = store.verify_journal()
    print(f"journal      {'OK' if check.ok else 'TAMPERED'} ({check.rows} rows) {check.problem}")
    problems += not check.ok
    problems += _store_identity(store, config)
    from kiosk.sync import parking

    unsent, waiting = parking.counts(store)
    print(f"outbox       {unsent} unsent, {waiting} parked")
    if waiting:  # the back office refused them as malformed: kept here until staff retry
        print("  PROBLEM: parked outbox events; see 'kiosk outbox list', then 'kiosk outbox retry'")
        problems += 1
    host = build_plugin_host(config)
    print(f"plugins      {', '.join(host.names) or '(none)'}")
    for problem in host.problems:
        print(f"  PROBLEM: {problem.staff_message()}")
        problems += 1
    if importlib.util.find_spec("kiosk.devices.doctor") is not None:
        from kiosk.devices.doctor import doctor_table

        print(doctor_table(profile or config.hardware_profile))
    store.close()
    print("doctor: all good" if not problems else f"doctor: {problems} problem(s)")
    return 0 if not problems else 1


def _store_identity(store, config: KioskConfig) -> int:
    """The database is the one this kiosk made (not emptied, replaced or an older copy)."""
    from kiosk.sync.identity import verify_identity

    result, lines = verify_identity(store, config.backoffice_url, config.backoffice_token)
    if result.ok:
        print(f"identity     {lines[0]}")
    else:
        print(f"identity     REPLACED ({result.head} journal rows)")
        print(f"  PROBLEM: {lines[0]}")
    for line in lines[1:]:
        print(f"  {line}")
    return 0 if result.ok else 1
