"""1,000 card payments with a fault at every step, and kill -9 of a real kiosk process.

GIVEN a kiosk paying by card against a terminal simulator
WHEN faults are injected before the request, between request and reply, as a lost reply, as a
     decline, and between approval and commit (each crash followed by a restart on the store)
THEN no key is charged twice, no sale is "paid" without an approved payment and a committed
     sale, nothing stays charged without a sale, and every payment is resolved.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from kiosk.app import build_runtime
from kiosk.config import load_config
from plugins.pay_card.simulator import CardTerminalSimulator
from tests.payments.faults import Fault, Tally, audit, kiosk, one_sale

ROOT = Path(__file__).resolve().parents[2]
PAYMENTS = 1000
KILLS = 8
WAIT_S = 60.0  # bound on waiting for the child; only reached when something is broken


@pytest.fixture
def data_dir(tmp_path):
    """The kiosk's data directory, on tmpfs when there is one: a killed *process* loses
    nothing the OS already has, so fsync cost (synchronous=FULL) only slows the test."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path / "kiosk"
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="kiosk-fault-") as path:
        yield Path(path)


@pytest.fixture
def terminal():
    simulator = CardTerminalSimulator().start()
    yield simulator
    simulator.stop()


@pytest.mark.slow
def test_thousand_payments_with_faults_at_every_step_charge_once_and_resolve(tmp_path, terminal):
    data_dir = tmp_path / "kiosk"
    tally = Tally()
    faults = itertools.cycle(list(Fault))
    runtime = kiosk(data_dir, terminal.port)
    for _ in range(PAYMENTS):
        if not one_sale(runtime, terminal, next(faults), tally):
            runtime.store.close()  # the process is gone; what is on disk stays
            runtime = kiosk(data_dir, terminal.port)  # restart: resolves before selling
    runtime.shutdown()
    restarted = kiosk(data_dir, terminal.port)
    result = audit(restarted.store, terminal, lambda: tally.paid)
    restarted.shutdown()
    print(
        f"\nfault test: {tally.payments} payments, {tally.crashes} crashes, "
        f"{tally.failed} failed, {len(tally.paid)} paid | double charges "
        f"{result.double_charges}, paid without approved+committed "
        f"{result.paid_without_approved_committed}, charged without sale "
        f"{result.charged_without_sale}, unresolved {result.unresolved}"
    )
    assert result.payments == PAYMENTS
    assert result.double_charges == 0
    assert result.paid_without_approved_committed == 0
    assert result.charged_without_sale == 0
    assert result.unresolved == 0
    assert len(tally.paid) > 0 and tally.crashes > 0


def _run_child(data_dir: Path, terminal: CardTerminalSimulator, kill_on_sale: int) -> list[str]:
    """Run a kiosk process; SIGKILL it the moment the terminal receives its sale number
    ``kill_on_sale`` (the terminal still charges it: the kiosk dies between request and
    reply). Returns the sale ids the child reported as paid."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.payments.pay_child", str(data_dir), str(terminal.port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    sales = itertools.count(1)
    killed = threading.Event()

    def on_sale(key: str) -> None:
        if next(sales) == kill_on_sale and not killed.is_set():
            killed.set()
            os.kill(child.pid, signal.SIGKILL)

    terminal.on_sale = on_sale
    try:
        out, _ = child.communicate(timeout=WAIT_S)
    finally:
        terminal.on_sale = None
    assert killed.is_set(), "the child must actually be killed"
    return [line.split()[1] for line in out.splitlines() if line.startswith("PAID ")]


@pytest.mark.slow
def test_kill_minus_nine_of_the_kiosk_process_leaves_nothing_charged_twice_or_unresolved(
    data_dir, terminal
):
    paid: list[str] = []
    for n in range(KILLS):
        paid += _run_child(data_dir, terminal, kill_on_sale=2 + n % 4)
    config = load_config(
        None,
        data_dir=data_dir,
        builtin_plugins=("plugins.pay_card",),
        plugin_config={"pay_card": {"host": "127.0.0.1", "port": terminal.port}},
    )
    restarted = build_runtime(config)  # resolves what the last kill left
    result = audit(restarted.store, terminal, lambda: paid)
    restarted.shutdown()
    print(
        f"\nkill -9 test: {KILLS} kills, {result.payments} payments, {len(paid)} paid | "
        f"double charges {result.double_charges}, paid without approved+committed "
        f"{result.paid_without_approved_committed}, charged without sale "
        f"{result.charged_without_sale}, unresolved {result.unresolved}"
    )
    assert result.double_charges == 0
    assert result.paid_without_approved_committed == 0
    assert result.charged_without_sale == 0
    assert result.unresolved == 0
