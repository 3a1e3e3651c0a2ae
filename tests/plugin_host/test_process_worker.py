"""Plugins with ``isolation = "process"`` run in a worker process the host kills at a
deadline (issue 19): a payment stuck in ``socket.recv`` becomes UNKNOWN and is resolved on a
fresh worker; a hook that hangs or returns the wrong type disables the plugin; nothing —
thread or process — is left behind."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import shutil
import socketserver
import sys
import threading
from pathlib import Path

import pytest

from kiosk.domain.scan import Scan
from kiosk.payments import Outcome, PaymentState
from kiosk.plugin_manifest import ManifestError, load_manifest
from kiosk.plugin_trust import AllowedPlugin
from kiosk.plugin_worker_child import WorkerAccessDenied, WorkerContext, WorkerScope
from kiosk.plugins import PluginHost
from kiosk.runtime import PaymentFailed
from kiosk.store.models import JournalRow, OutboxRow

WORKER_PLUGINS = Path(__file__).with_name("worker_plugins")
ONIGIRI = "4901234000018"  # 150 yen


class Terminal(socketserver.ThreadingTCPServer):
    """A card terminal on a TCP port: one line in, one line out — or nothing, when
    ``hang_starts`` (the charge went through, the answer never comes)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TerminalHandler)
        self.hang_starts = False
        self.keep_charges = True  # False: a hung start leaves no record (never received)
        self.charged: dict[str, int] = {}
        self.lines: list[str] = []
        self.release = threading.Event()  # ends the hanging handlers at tear-down

    @property
    def port(self) -> int:
        return self.server_address[1]


class _TerminalHandler(socketserver.StreamRequestHandler):
    server: Terminal

    def handle(self) -> None:
        terminal = self.server
        words = self.rfile.readline().decode().split()
        terminal.lines.append(words[0])
        if words[0] == "START":
            if terminal.keep_charges:
                terminal.charged[words[1]] = int(words[2])
            if terminal.hang_starts:
                terminal.release.wait()
                return
            answer = f"approved {words[2]} T-{words[1][:6]}"
        elif words[0] == "STATUS":
            amount = terminal.charged.get(words[1])
            answer = "not_found 0 -" if amount is None else f"approved {amount} T-late"
        else:
            answer = "cancelled 0 -"
        self.wfile.write(answer.encode() + b"\n")


@pytest.fixture
def terminal():
    server = Terminal()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


def _folder(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copytree(WORKER_PLUGINS / name, tmp_path / "plugins" / name))


@pytest.fixture
def kiosk(make_runtime, terminal, tmp_path):
    runtime = make_runtime()
    # the vendor's table, as the store's kiosk.toml would have it (loaded after start-up
    # here, so the start-up check of the tables does not know the plugin yet)
    tables = {**runtime.config.plugin_config, "terminal_pay": {"port": terminal.port}}
    runtime.config = dataclasses.replace(runtime.config, plugin_config=tables)
    assert runtime.host.load_folder(_folder(tmp_path, "terminal_pay")) == "terminal_pay"
    return runtime


def _threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def _dead(pid: int) -> bool:
    """Ended and reaped: no longer our child, and no such process."""
    if any(p.pid == pid for p in multiprocessing.active_children()):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_manifest_declares_process_isolation_for_data_hooks_only(tmp_path):
    manifest = load_manifest(WORKER_PLUGINS / "terminal_pay")
    assert manifest.isolation == "process"
    assert load_manifest(Path("plugins/pay_cash")).isolation == "thread"  # the default
    folder = _folder(tmp_path, "odd_worker")
    toml = (
        (folder / "plugin.toml").read_text().replace('"kiosk_device_status"', '"kiosk_claim_scan"')
    )
    (folder / "plugin.toml").write_text(toml)
    with pytest.raises(ManifestError, match="kiosk_claim_scan cannot run in a worker process"):
        load_manifest(folder)


def test_a_process_isolated_payment_method_sells(kiosk, terminal, caplog):
    """GIVEN a payment plugin in a worker process
    WHEN the shopper pays with it
    THEN the terminal approves, the sale is committed, the plugin's log line and its
    screen status came across, its outbox event was written by the kiosk."""
    shown = []
    kiosk.subscribe(shown.append)
    kiosk.handle_scan(Scan(ONIGIRI))
    with caplog.at_level(logging.INFO):
        sale = kiosk.pay("terminal")
    assert sale is not None and sale.tenders[0].reference.startswith("T-")
    assert terminal.lines == ["START"]
    worker = kiosk.host.worker_of("terminal_pay")
    assert len(worker.pids) == 1 and worker.alive
    assert "[worker of terminal_pay] terminal: charging 150 yen" in caplog.text
    assert any(getattr(p, "status", {}).get("en") == "Charging" for p in shown)
    with kiosk.store.transaction() as session:
        kinds = [row.kind for row in session.query(OutboxRow)]
    assert "terminal_pay.sale" in kinds
    assert not kiosk.host.problems


def test_a_start_stuck_in_recv_is_unknown_the_worker_killed_and_status_resolves_it(
    kiosk, terminal, caplog
):
    """GIVEN a terminal that charges and never answers (start blocks in socket.recv)
    WHEN the shopper pays
    THEN at the method's deadline the worker is killed and the outcome is UNKNOWN; the
    ledger's status runs on a fresh worker and finds the charge, so the sale completes,
    charged once; the kiosk then sells again; no thread or process is left behind."""
    threads_before = _threads()
    terminal.hang_starts = True
    kiosk.handle_scan(Scan(ONIGIRI))
    sale = kiosk.pay("terminal")
    worker = kiosk.host.worker_of("terminal_pay")
    first, fresh = worker.pids
    assert _dead(first) and not _dead(fresh)
    assert sale is not None and sale.tenders[0].reference == "T-late"
    assert terminal.lines == ["START", "STATUS"]  # resolved, never charged again
    [row] = kiosk.ledger.for_sale(sale.sale_id)
    assert row.state == PaymentState.APPROVED
    with kiosk.store.transaction() as session:
        steps = [
            entry.kind
            for entry in session.query(JournalRow).order_by(JournalRow.seq)
            if entry.kind.startswith("payment_")
        ]
    assert steps[-3:] == ["payment_requested", "payment_unknown", "payment_approved"]
    assert "start did not answer in 1 s (its worker process was stopped)" in caplog.text
    assert not kiosk.host.problems  # a payment overrun is UNKNOWN, not a broken plugin

    kiosk.finish()
    terminal.hang_starts = False
    kiosk.handle_scan(Scan(ONIGIRI))
    again = kiosk.pay("terminal")
    assert again is not None and again.tenders[0].reference.startswith("T-")
    assert worker.pids == [first, fresh]  # the fresh worker served it

    kiosk.host.close()
    assert not multiprocessing.active_children()
    left = {t for t in _threads() - threads_before if t.name.startswith("kiosk-")}
    assert not left


def test_an_unknown_start_the_terminal_has_no_record_of_is_cancelled(kiosk, terminal):
    """GIVEN a terminal that never answers and has no record of the charge
    THEN status (fresh worker) says NOT_FOUND, cancel leaves a tombstone: nothing charged,
    the shopper may choose again."""
    terminal.hang_starts, terminal.keep_charges = True, False
    kiosk.handle_scan(Scan(ONIGIRI))
    with pytest.raises(PaymentFailed) as failed:
        kiosk.pay("terminal")
    assert failed.value.result.outcome is Outcome.CANCELLED
    assert terminal.lines == ["START", "STATUS", "CANCEL"]
    [row] = kiosk.ledger.for_sale(kiosk.sale_id)
    assert row.state == PaymentState.CANCELLED


def test_a_wrong_type_from_a_worker_disables_the_plugin_naming_hook_and_field(tmp_path):
    host = PluginHost(deadline_s=5.0)
    host.load_folder(_folder(tmp_path, "odd_worker"))
    try:
        assert host.call("kiosk_receipt_sections", sale=None) == []
    finally:
        host.close()
    [problem] = host.problems
    assert problem.plugin == "odd_worker"
    assert problem.hook == "kiosk_receipt_sections"
    assert "ReceiptSection.lines" in problem.message and "2 (int)" in problem.message
    assert not multiprocessing.active_children()


def test_a_hook_stuck_in_recv_disables_the_plugin_and_its_worker_is_killed(tmp_path, caplog):
    threads_before = _threads()
    host = PluginHost(deadline_s=1.0)
    name = host.load_folder(_folder(tmp_path, "odd_worker"))
    host.call("kiosk_device_status", device="printer", status="ok")  # starts the worker
    worker = host.worker_of(name)
    [pid] = worker.pids
    with caplog.at_level(logging.ERROR, logger="kiosk.plugins"):
        host.call("kiosk_device_status", device="printer", status="stuck")
    assert _dead(pid) and not worker.alive
    [line] = [r.getMessage() for r in caplog.records if r.name == "kiosk.plugins"]
    assert "'odd_worker'" in line and "kiosk_device_status" in line
    assert "worker process was stopped" in line
    assert host.call("kiosk_device_status", device="printer", status="ok") == []
    assert worker.pids == [pid]  # disabled: no fresh worker
    assert not multiprocessing.active_children()
    left = {t for t in _threads() - threads_before if t.name.startswith("kiosk-")}
    assert not left


def test_the_worker_gets_its_own_settings_and_names(kiosk, terminal):
    method = kiosk.method("terminal")
    assert method.name("ja") == "端末決済" and method.name("en") == "Terminal"
    assert kiosk.host.worker_of("terminal_pay").scope.settings == {"port": terminal.port}


def test_a_result_that_is_not_data_disables_the_plugin_saying_so(tmp_path):
    host = PluginHost(deadline_s=5.0)
    host.load_folder(_folder(tmp_path, "odd_worker"))
    try:
        host.call("kiosk_return_completed", document={"return_id": "R1"})
    finally:
        host.close()
    [problem] = host.problems
    assert problem.hook == "kiosk_return_completed"
    assert "returned lock, which cannot cross to the kiosk" in problem.message


class _Dist:
    def __init__(self) -> None:
        self.metadata, self.version = {"Name": "odd-worker"}, "1.0"


class _EntryPoint:
    def __init__(self, name: str, value: str) -> None:
        self.name, self.value, self.dist = name, value, _Dist()

    def load(self):  # never: a process plugin is not imported in the kiosk
        raise AssertionError("imported in the kiosk's process")


def test_an_entry_point_with_a_process_manifest_beside_it_runs_in_a_worker(tmp_path, monkeypatch):
    folder = _folder(tmp_path, "odd_worker")
    monkeypatch.syspath_prepend(str(folder.parent))
    monkeypatch.setattr(
        "kiosk.plugins.entry_points", lambda group: [_EntryPoint("odd_worker", "odd_worker")]
    )
    host = PluginHost(deadline_s=5.0)
    host.load_entry_points([AllowedPlugin("odd_worker", "odd-worker", "1.0")])
    try:
        host.call("kiosk_device_status", device="printer", status="ok")
        assert host.worker_of("odd_worker").alive
        assert "odd_worker" not in sys.modules
    finally:
        host.close()
    assert not host.problems


def test_the_worker_context_holds_its_own_settings_and_keys_only(tmp_path):
    context = WorkerContext("terminal_pay", channel=None)  # type: ignore[arg-type]
    context.scope = WorkerScope(settings={"port": 1}, key_dir=str(tmp_path), language="ko")
    assert context.config.plugin_settings("terminal_pay") == {"port": 1}
    with pytest.raises(WorkerAccessDenied, match=r"not \[plugins.loyalty\]"):
        context.config.plugin_settings("loyalty")
    assert context.keys.path() == tmp_path / "terminal_pay.key"
    assert context.language == "ko" and not hasattr(context, "store")


def test_the_shoppers_cancel_reaches_a_start_waiting_in_the_worker(make_runtime, tmp_path):
    """GIVEN a wallet in a worker whose start shows a code and waits for the shopper
    WHEN the screen has the code and the shopper presses cancel
    THEN the interrupt crosses to the worker while start waits: start answers CANCELLED,
    nothing is charged, the worker keeps running."""
    runtime = make_runtime()
    runtime.host.load_folder(_folder(tmp_path, "waiting_pay"))
    screen = []
    runtime.subscribe(screen.append)
    runtime.handle_scan(Scan(ONIGIRI))

    def press_cancel() -> None:  # once the code is on the screen (bounded: never hangs)
        for _ in range(3000):
            if any(getattr(p, "code", "") for p in screen) and runtime.interrupt_payment():
                return
            threading.Event().wait(0.01)

    canceller = threading.Thread(target=press_cancel)
    canceller.start()
    with pytest.raises(PaymentFailed) as failed:
        runtime.pay("waiting")
    canceller.join()
    assert failed.value.result.outcome is Outcome.CANCELLED
    code = next(p for p in screen if getattr(p, "code", ""))
    assert code.code.startswith("https://pay.example/") and code.due == 150
    worker = runtime.host.worker_of("waiting_pay")
    assert worker.alive and len(worker.pids) == 1


def test_a_payment_result_of_the_wrong_type_from_a_worker_disables_the_plugin(
    make_runtime, tmp_path
):
    """GIVEN a method in a worker whose start approves with the amount as text
    THEN the plugin is disabled with a message naming plugin, call and field; the payment
    is settled as for a thread plugin — status and cancel on a fresh worker — so nothing
    stays charged; its hooks start no worker again."""
    runtime = make_runtime()
    runtime.host.load_folder(_folder(tmp_path, "sloppy_pay"))
    runtime.handle_scan(Scan(ONIGIRI))
    with pytest.raises(PaymentFailed) as failed:
        runtime.pay("sloppy")
    assert failed.value.result.outcome is Outcome.CANCELLED
    [problem] = runtime.host.problems
    assert problem.plugin == "sloppy_pay"
    assert problem.hook == "PaymentMethod.start (method 'sloppy')"
    assert "PaymentResult.amount" in problem.message and "'150' (str)" in problem.message
    worker = runtime.host.worker_of("sloppy_pay")
    assert len(worker.pids) == 2  # the first stopped at the disable, one to settle
    assert "sloppy" not in {m.id for m in runtime.payment_methods()}
    assert len(worker.pids) == 2
