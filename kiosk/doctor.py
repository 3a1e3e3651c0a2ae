"""``kiosk doctor``: is this kiosk fit to sell? Store, journal, plugins, devices."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from kiosk.config import ConfigError, KioskConfig


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
    problems += _files_at_rest(config)
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


def _files_at_rest(config: KioskConfig) -> int:
    """The key directory, and data or keys others can read (docs/security.md)."""
    from kiosk.keys import key_dir

    try:
        keys = key_dir(config)
    except ConfigError as exc:
        print(f"  PROBLEM: {exc}")
        return 1
    print(f"keys         {keys}")
    data = Path(config.data_dir)
    problems = 0
    for path in (data, *data.glob("kiosk.sqlite3*"), keys, *keys.glob("*.key")):
        if path.exists() and path.stat().st_mode & 0o077:
            print(f"  PROBLEM: {path} is open to others: chmod {700 if path.is_dir() else 600}")
            problems += 1
    for path in data.glob("*.key"):
        print(f"  PROBLEM: key {path} is inside the data directory; move it to {keys}")
        problems += 1
    return problems
