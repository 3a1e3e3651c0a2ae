"""``kiosk doctor`` tells the truth: GIVEN a kiosk with one problem at a time WHEN the doctor
runs THEN it names the problem and exits 1; a healthy kiosk exits 0."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text, update

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.doctor import run_doctor
from kiosk.domain.scan import Scan
from kiosk.payments.ledger import PaymentLedger
from kiosk.payments.states import PaymentState
from kiosk.store import LocalStore
from kiosk.store.models import OutboxRow

CASH_ONLY = ("plugins.pay_cash",)


def sell_one(config) -> None:
    runtime = build_runtime(config)
    try:
        runtime.handle_scan(Scan("4901234000018"))
        runtime.checkout.begin_payment()
        runtime.method("cash").drawer.insert(150)
        assert runtime.pay("cash") is not None
        runtime.finish()
    finally:
        runtime.shutdown()


def doctor(config, capsys, profile: str | None = None, dry_run: bool = False):
    code = run_doctor(config, profile, dry_run=dry_run)
    return code, capsys.readouterr().out


@pytest.fixture
def config(tmp_path):
    config = load_config(None, data_dir=tmp_path / "k", builtin_plugins=CASH_ONLY)
    sell_one(config)
    return config


def test_a_healthy_kiosk_is_all_good(config, capsys):
    code, out = doctor(config, capsys, dry_run=True)
    assert code == 0, out
    assert out.rstrip().endswith("doctor: all good")
    assert "time zone    Asia/Tokyo" in out


def test_a_payment_provider_not_answering_is_named_in_the_report(tmp_path, capsys):
    """GIVEN a kiosk with cash and QR whose provider does not answer WHEN the doctor runs
    THEN the report names the methods offered and QR with why (the log, where this warning
    was, is quiet under the report), and it is not a problem of the kiosk (exit 0)."""
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = load_config(
        None,
        data_dir=tmp_path / "k",
        builtin_plugins=(*CASH_ONLY, "plugins.pay_qr"),
        plugin_config={"pay_qr": {"base_url": f"http://127.0.0.1:{port}/v1/"}},
    )
    sell_one(config)
    code, out = doctor(config, capsys, dry_run=True)
    assert code == 0, out
    assert "pay methods  offered: cash" in out
    assert f"pay methods  not offered now: qr: QR provider http://127.0.0.1:{port}/v1/" in out


def test_a_device_in_error_is_a_problem(config, capsys, tmp_path):
    profile = tmp_path / "till.toml"
    profile.write_text(
        '[kiosk]\nmodel = "Till"\n[devices.main_scanner]\ndriver = "serial"\n'
        'connection = "/dev/ttyNOPE-doctor"\n',
        encoding="utf-8",
    )
    code, out = doctor(config, capsys, profile=str(profile))
    assert code == 1
    assert "PROBLEM: device main_scanner (serial) is error" in out


def test_a_plugin_that_crashes_every_checkout_is_a_problem(tmp_path, capsys):
    config = load_config(
        None, data_dir=tmp_path / "k", builtin_plugins=(*CASH_ONLY, "tests.crashing_plugin")
    )
    sell_one(config)  # the sale goes on: the plugin is disabled for the session
    code, out = doctor(config, capsys, dry_run=True)
    assert code == 1
    assert "PROBLEM: dry-run sale: plugin 'tests.crashing_plugin' was disabled" in out
    assert "ZeroDivisionError" in out


def test_an_unknown_payment_left_for_staff_is_a_problem(config, capsys):
    store = LocalStore(config.database_path)
    ledger = PaymentLedger(store)
    row = ledger.create("sale-x", "card", 1280)
    ledger.transition(row.payment_id, PaymentState.REQUESTED)
    ledger.transition(row.payment_id, PaymentState.UNKNOWN)
    store.close()
    code, out = doctor(config, capsys)
    assert code == 1
    assert f"payment {row.payment_id} (card, ¥1,280) is unknown" in out


def test_an_unreachable_back_office_with_a_growing_outbox_is_a_problem(config, capsys):
    store = LocalStore(config.database_path)
    with store.transaction() as session:
        session.execute(update(OutboxRow).values(created_at=config.now() - timedelta(hours=3)))
    store.close()
    offline = load_config(
        None,
        data_dir=config.data_dir,
        builtin_plugins=CASH_ONLY,
        backoffice_url="http://127.0.0.1:9",  # nothing listens on the discard port
        backoffice_token="K01.secret",
    )
    code, out = doctor(offline, capsys)
    assert code == 1
    assert "last delivered to the back office: never" in out
    assert "PROBLEM: the back office at http://127.0.0.1:9 does not answer" in out
    assert "PROBLEM: 1 sale(s) not delivered" in out


def test_a_back_office_url_without_a_token_names_the_key(config, capsys):
    """GIVEN [backoffice] url but no token WHEN doctor THEN the PROBLEM names
    [backoffice.token], not "does not answer: is it running, is the url right?"."""
    without = load_config(
        None,
        data_dir=config.data_dir,
        builtin_plugins=CASH_ONLY,
        backoffice_url="http://127.0.0.1:9",
        backoffice_token="",
    )
    code, out = doctor(without, capsys)
    assert code == 1
    assert "[backoffice.token] missing" in out and "enrol-kiosk" in out
    assert "does not answer" not in out


def test_an_emptied_database_is_a_problem(config, capsys):
    config.database_path.unlink()
    for extra in ("-wal", "-shm"):
        config.database_path.with_name(config.database_path.name + extra).unlink(missing_ok=True)
    code, out = doctor(config, capsys)
    assert code == 1
    assert f"PROBLEM: no store at {config.database_path}" in out
    assert not config.database_path.exists()  # the doctor does not make an empty one


def test_an_empty_catalogue_is_a_problem(config, capsys):
    store = LocalStore(config.database_path)
    store.replace_catalogue([])
    store.close()
    code, out = doctor(config, capsys)
    assert code == 1 and "PROBLEM: the catalogue is empty" in out


def test_a_tampered_journal_is_a_problem(config, capsys):
    store = LocalStore(config.database_path)
    with store.transaction() as session:
        session.execute(text("UPDATE journal SET payload = '{}' WHERE seq = 1"))
    store.close()
    code, out = doctor(config, capsys)
    assert code == 1 and "PROBLEM: the journal's hash chain breaks at row 1" in out


def test_a_store_config_without_staff_accounts_is_a_problem(config, capsys, tmp_path):
    from kiosk.config import DEFAULT_CONFIG

    own = tmp_path / "kiosk.toml"
    own.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    store_config = load_config(own, data_dir=config.data_dir, builtin_plugins=CASH_ONLY)
    code, out = doctor(store_config, capsys)
    assert code == 1 and "has no [staff.accounts.*]: no PIN unlocks this kiosk" in out
    from kiosk.staff import StaffRegistry

    assert StaffRegistry.for_config(store_config).accounts == {}  # the demo PINs do not work


def test_staff_pin_prints_a_hash_the_kiosk_accepts(monkeypatch, capsys, tmp_path):
    import io
    import tomllib

    from kiosk.cli import main
    from kiosk.staff import StaffRegistry

    monkeypatch.setattr("sys.stdin", io.StringIO("4821\n"))
    assert main(["--data-dir", str(tmp_path / "d"), "staff-pin"]) == 0
    line = capsys.readouterr().out.strip()
    settings = tomllib.loads(f'[accounts.S101]\nrole = "attendant"\n{line}\n')
    registry = StaffRegistry.from_settings(settings)
    assert registry.check("S101", "4821").staff_id == "S101"


class _StatusServer:
    """A back office that answers /api/v1/sync/status with a given journal anchor."""

    def __init__(self, anchor):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        body = json.dumps({"journal_anchor": anchor}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if self.path == "/api/v1/sync/status" else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_an_emptied_store_fails_the_back_offices_anchor(tmp_path, capsys):
    """GIVEN the back office acknowledged journal row 40 of this kiosk WHEN the kiosk's
    store was replaced by a fresh, nearly empty one THEN the doctor names the missing row."""
    server = _StatusServer({"seq": 40, "hash": "a" * 64})
    try:
        config = load_config(
            None,
            data_dir=tmp_path / "k",
            builtin_plugins=CASH_ONLY,
            backoffice_url=server.url,
            backoffice_token="K01.secret",
        )
        sell_one(load_config(None, data_dir=tmp_path / "k", builtin_plugins=CASH_ONLY))
        code, out = doctor(config, capsys)
    finally:
        server.close()
    assert code == 1
    assert f"back office  {server.url}: reachable" in out
    assert "PROBLEM: journal row 40 (anchor kept by the back office) is missing" in out


@pytest.mark.parametrize("verbose", [False, True])
def test_the_doctor_command_prints_its_report_and_no_log_lines(tmp_path, verbose):
    """GIVEN a store's kiosk.toml without staff accounts WHEN `kiosk doctor` runs THEN stdout
    is the report with the PROBLEM once and stderr is empty; the log lines only with -v."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from kiosk.config import DEFAULT_CONFIG

    own = tmp_path / "kiosk.toml"
    own.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    root = Path(__file__).resolve().parents[1]
    command = [sys.executable, "-m", "kiosk.cli", "--config", str(own), "--data-dir", str(data)]
    done = subprocess.run(
        [*command, *(["-v"] if verbose else []), "doctor"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(root), "LC_ALL": "C"},
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.count("no PIN unlocks this kiosk") == 1
    assert "ERROR" not in done.stdout and "kiosk.staff" not in done.stdout
    if verbose:
        assert "ERROR kiosk.staff:" in done.stderr
    else:
        assert done.stderr == ""
