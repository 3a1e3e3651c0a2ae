"""End-to-end fixtures: the back office as a uvicorn process, headless Chromium, kiosks.

Chromium is Debian's ``/usr/bin/chromium`` driven by pip ``playwright`` (no browser
download). Both are skipped cleanly when missing; everything is stopped after the tests.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from kiosk.backoffice.core.db import Database
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.staff.auth import Role, add_staff, enrol_kiosk

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip
PASSWORD = "console-test-pass"
KIOSKS = (("K01", "1"), ("K02", "2"), ("K03", "3"), ("ST1", "登録1"))


@dataclass
class BackofficeServer:
    url: str
    db_url: str
    tokens: dict[str, str]
    process: subprocess.Popen


def _wait_until_up(url: str, process: subprocess.Popen, port_file: Path) -> str:
    deadline = time.monotonic() + 30  # bounded: a start-up that takes longer is a failure
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"back office exited with {process.returncode}")
        if port_file.exists() and port_file.read_text().strip():
            base = f"{url}:{port_file.read_text().strip()}"
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    return base
            except httpx.TransportError:
                pass
        time.sleep(0.05)
    raise TimeoutError("back office did not start within 30 s")


@pytest.fixture(scope="module")
def backoffice(tmp_path_factory) -> Iterator[BackofficeServer]:
    tmp = tmp_path_factory.mktemp("bo")
    db_url = f"sqlite:///{tmp / 'backoffice.sqlite3'}"
    db = Database(db_url)
    tokens = {}
    with db.transaction() as session:
        for kiosk_id, name in KIOSKS:
            tokens[kiosk_id] = enrol_kiosk(session, kiosk_id, datetime.now(), name=name)
            session.get(KioskRow, kiosk_id).name = name
        for role in Role:
            add_staff(session, role.value, PASSWORD, role, datetime.now(), "e2e")
    db.close()
    port_file = tmp / "port"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.server_child", db_url, str(port_file)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        base = _wait_until_up("http://127.0.0.1", process, port_file)
        yield BackofficeServer(base, db_url, tokens, process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/setup-system.sh)")
    manager = sync_api.sync_playwright()
    try:
        p = manager.__enter__()
    except Exception as exc:  # "Connection closed while reading from the driver" says nothing
        pytest.fail(driver_start_problem(exc), pytrace=False)
    try:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        manager.__exit__(None, None, None)


def driver_start_problem(exc: Exception) -> str:
    """Why Playwright's node driver did not start, with the fix (usually a missing library)."""
    try:
        from playwright._impl._driver import compute_driver_executable

        node = compute_driver_executable()[0]
        run = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
        detail = (run.stderr or run.stdout).strip().splitlines()
        detail_text = detail[-1] if run.returncode and detail else ""
    except Exception as probe:  # the probe itself failed: report that instead
        detail_text = f"{type(probe).__name__}: {probe}"
    return explain_driver_failure(exc, detail_text)


def explain_driver_failure(exc: Exception, node_error: str) -> str:
    message = f"Playwright's node driver did not start ({type(exc).__name__}: {exc})"
    if "libatomic" in node_error:
        return (
            f"{message}: {node_error}. Install the missing library: apt-get install libatomic1 "
            "(scripts/setup-system.sh does)"
        )
    if "shared libraries" in node_error:
        return f"{message}: {node_error}. Install the Debian package that provides it."
    if node_error:
        return f"{message}: the driver says: {node_error}"
    return f"{message}. Its node runs, so see the error above; libatomic1 is a common gap."


def signed_in_page(browser, base: str, username: str, width: int = 1440, height: int = 1000):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url(f"{base}/")
    return page


def wait_until(page, expression: str, timeout_s: float = 15.0) -> None:
    """Wait until a JavaScript expression is truthy in ``page``.

    Playwright's ``wait_for_function`` polls with ``eval()`` inside the page, which the back
    office's Content-Security-Policy forbids (no 'unsafe-eval'); ``page.evaluate`` goes
    through the DevTools protocol, which the CSP does not govern. Bounded by ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout_s} s: {expression}")
        time.sleep(0.05)
