"""Writes the back-office screenshots under docs/screenshots/backoffice-*.png.

A real ``kiosk-backoffice serve`` on a temporary SQLite database, filled the way a store
fills it: kiosks enrolled, the e-receipt issuer and staff accounts set through the CLI, a
day's sales (and one return) synced through the kiosk sync API as a kiosk's relay posts
them, the hand-worked member store of tests/backoffice/test_function_customers.py. Staff
sign in in headless Chromium (Debian's, driven by Playwright, as tests/e2e does) and each
page is saved. docs/screenshots.md says what each picture must show.

Usage: ``python scripts/screenshots_backoffice.py [OUT_DIR]`` from the repository root
(scripts/screenshots.sh runs it). The console pictures need live kiosks: they come from
tests/e2e/test_semi_self_console.py with KIOSK_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# the store's clock everywhere: the CLI's audit rows, the server's and the kiosks' sale times
os.environ["TZ"] = "Asia/Tokyo"
time.tzset()

from kiosk.backoffice.core import extensions  # noqa: E402
from kiosk.backoffice.core.db import Database  # noqa: E402
from kiosk.backoffice.masterdata.service import set_setting  # noqa: E402
from kiosk.domain.receipt import ReceiptSection  # noqa: E402
from kiosk.domain.receipt_sections import KIND as RECEIPT_SECTIONS  # noqa: E402
from kiosk.domain.receipt_sections import sections_event_id, sections_payload  # noqa: E402
from kiosk.ereceipt_link import key_from_token, sign_link  # noqa: E402
from scripts.screenshot_store import (  # noqa: E402
    GROCERIES,
    Clock,
    Till,
    groceries,
    make_sale,
    return_document,
    tax_free_sales,
)
from tests.backoffice.test_function_customers import NOVEMBER, NOW, M, the_store  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, signed_in_page  # noqa: E402

KIOSKS = (("K01", "1"), ("K02", "2"), ("K03", "3"))
STAFF = (("manager", "manager"), ("attendant", "attendant"))
DAY_STARTS = 4  # o'clock: a convenience store's business day runs 04:00 to 04:00
METHODS = ("cash", "card", "emoney", "qr")  # the kiosk's payment method ids
ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin", "TZ": "Asia/Tokyo"}


def cli(db_url: str, *args: str) -> str:
    """One ``kiosk-backoffice`` command, as the store's operator types it."""
    run = subprocess.run(
        [sys.executable, "-m", "kiosk.backoffice.cli", "--database-url", db_url, *args],
        capture_output=True,
        text=True,
        env={**ENV, "BACKOFFICE_PASSWORD": PASSWORD},
        cwd=ROOT,
        check=False,
    )
    if run.returncode:
        raise SystemExit(f"kiosk-backoffice {' '.join(args)}: {run.stderr.strip()}")
    return run.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(db_url: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk.backoffice.cli", "--database-url", db_url, "serve",
         "--port", str(port)],
        cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,  # uvicorn's access log
    )  # fmt: skip
    deadline = time.monotonic() + 30  # bounded: a start-up that takes longer is a failure
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"kiosk-backoffice serve exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("kiosk-backoffice serve did not start within 30 s")


def sync(base: str, token: str, events: list[dict], store_instance: str) -> None:
    """A batch as a kiosk's relay posts it (naming the kiosk's database)."""
    response = httpx.post(
        f"{base}/api/v1/sync/outbox",
        json={"store_instance": store_instance, "events": events},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    if response.status_code != 200 or response.json()["applied"] != len(events):
        raise SystemExit(f"sync refused: {response.status_code} {response.text[:300]}")


def sale_times(now: datetime, count: int) -> list[datetime]:
    """``count`` moments spread over the business day so far (at most its last ten hours)."""
    start = now.replace(hour=DAY_STARTS, minute=0, second=0, microsecond=0)
    if now < start:
        start -= timedelta(days=1)
    start = max(start, now - timedelta(hours=10))
    step = (now - start) / (count + 1)
    return [(start + step * (i + 1)).replace(microsecond=0) for i in range(count)]


def todays_sales(tills: dict[str, Till], clock: Clock) -> dict:
    """Twelve sales today on kiosks 2 and 3 (kiosk 3's tax-free purchases of the week before
    them) and a return of one item; the first sale's document."""
    now = datetime.now()
    moments = sale_times(now, 13)
    tax_free_sales(tills["K03"], clock, date.today(), moments[4:5])
    times = iter(moments[:4] + moments[5:])
    first = None
    for kiosk_id in ("K02", "K03"):
        till = tills[kiosk_id]
        for n in range(1, 7):
            basket = groceries(n + (6 if kiosk_id == "K03" else 0))
            sale = till.sell(next(times), basket, METHODS[n % len(METHODS)])
            first = first or sale.to_document()
    line = first["lines"][0]
    document = return_document(first, {line["line_id"]: 1}, "K02", 1, now.replace(microsecond=0))
    tills["K02"].outbox("return", document["return_id"], document, now)
    # the points section the kiosk printed, sent after the sale: the e-receipt shows it too
    points = ReceiptSection("ポイント", ("会員番号 ****0001", "今回獲得ポイント 12pt",
                                      "ポイント残高 340pt"))  # fmt: skip
    tills["K02"].outbox(RECEIPT_SECTIONS, first["sale_id"],
                        sections_payload(first["sale_id"], [points]), now,
                        event_id=sections_event_id(first["sale_id"]))  # fmt: skip
    return first


def members(base: str, token: str, db_url: str, shift: timedelta) -> None:
    """The member store of tests/backoffice/test_function_customers.py on kiosk 1, moved by
    ``shift`` whole days, and the coupons the manager set up. Its −¥500 "sale" (a stand-in
    for a refund there) is a real return here: member MB brings back part of a shopping."""
    events = [e for e in the_store().events if e["kind"] != "sale" or e["payload"]["total"] > 0]
    for e in events:
        if e["kind"] == "sale":
            at = datetime.fromisoformat(e["payload"]["completed_at"]) + shift
            e["payload"]["completed_at"] = at.isoformat()
    shopping = [(GROCERIES[2], 2), (GROCERIES[4], 1), (GROCERIES[5], 1)]
    bought = make_sale("K01", 0, NOW.replace(day=15, hour=18) + shift, shopping, "cash",
                       member_id=M["MB"]).to_document()  # fmt: skip
    events.append({"event_id": str(uuid.uuid4()), "kind": "sale", "payload": bought})
    sales = sorted((e["payload"] for e in events if e["kind"] == "sale"),
                   key=lambda doc: doc["completed_at"])  # fmt: skip
    for receipt_no, document in enumerate(sales, 1):
        document["receipt_no"] = receipt_no  # one receipt number per sale, in order
    milk = next(x["line_id"] for x in bought["lines"] if x["sku"] == GROCERIES[2].sku)
    returned = return_document(bought, {milk: 1}, "K01", 1, NOW.replace(day=18, hour=10) + shift)
    events.append({"event_id": str(uuid.uuid4()), "kind": "return", "payload": returned})
    # kiosk 1's database is the test's hand-made store: named, but it keeps no journal to
    # report (its Journal cell says so)
    sync(base, token, [e | {"seq": seq} for seq, e in enumerate(events, 1)], uuid.uuid4().hex)
    coupons = [
        {"id": "BDAY", "label_ja": "誕生日クーポン", "members": [M["MB"], M["MC"]]},
        {"id": "C100", "label_ja": "100円引", "issued": 10},
    ]
    # "coupons" is the coupons plugin's section: this process checks it as the server does
    extensions.install(extensions.collect(extensions.builtin_host()))
    db = Database(db_url, migrate=False)
    try:
        with db.transaction() as session:
            set_setting(session, "coupons", coupons, datetime.now(), "manager")
    finally:
        db.close()


def main(out: Path) -> int:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "backoffice.sqlite3"
        db_url = f"sqlite:///{db_file}"
        cli(db_url, "migrate", "--create")
        db = Database(db_url)
        with db.transaction() as session:
            set_setting(session, "business_day_starts", f"{DAY_STARTS:02d}:00", datetime.now(),
                        "manager")  # fmt: skip
        db.close()
        tokens = {k: cli(db_url, "enrol-kiosk", k, "--name", n).split()[-1] for k, n in KIOSKS}
        for username, role in STAFF:
            cli(db_url, "add-staff", username, "--role", role)
        cli(db_url, "set-issuer", "さくらマート 渋谷店", "T5835678256246",
            "--address", "東京都渋谷区神南1-2-3", "--phone", "03-0000-0000")  # fmt: skip
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = serve(db_url, port)
        try:
            clock = Clock()  # the tax-free plugin's: moved to each record's moment
            tills = {k: Till(Path(tmp) / "kiosks", k, clock) for k in ("K02", "K03")}
            first = todays_sales(tills, clock)
            for kiosk_id, till in tills.items():
                till.deliver(base, tokens[kiosk_id])
            shift = timedelta(days=(date.today() - NOW.date()).days)
            members(base, tokens["K01"], db_url, shift)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=[*CHROMIUM_ARGS, "--lang=ja"],
                    # a Japanese browser: fontconfig then prefers the Japanese forms of shared kanji
                    env={**os.environ, "LANG": "ja_JP.UTF-8", "LANGUAGE": "ja"},
                )
                try:
                    shoot_all(browser, base, out, db_file, first, tokens, shift)
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


def shoot_all(browser, base, out, db_file, first, tokens, shift) -> None:
    def shot(page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        (out / f"{name}.png").write_bytes(page.screenshot(full_page=True))
        print(f"wrote {name}.png")

    page = signed_in_page(browser, base, "manager", width=1280, height=900)
    shot(page, "backoffice-today")
    page.goto(f"{base}/kiosks")
    shot(page, "backoffice-kiosks")
    page.goto(f"{base}/reports/daily")
    shot(page, "backoffice-daily")
    page.goto(f"{base}/reports/monthly")
    shot(page, "backoffice-monthly")
    page.goto(f"{base}/search?counterparty=")
    shot(page, "backoffice-search")
    page.goto(f"{base}/settlement")
    shot(page, "backoffice-settlement")
    page.goto(f"{base}/tax-free")
    shot(page, "backoffice-tax-free")
    page.goto(f"{base}/loyalty")
    shot(page, "backoffice-loyalty")
    page.goto(f"{base}/returns?kiosk_id=K02&receipt_no=1")
    shot(page, "backoffice-returns")
    page.goto(f"{base}/customers")
    shot(page, "backoffice-customers")
    page.click("a[data-sort=spend]")
    page.wait_for_url("**/customers?sort=spend*")
    page.click("#members tbody tr:first-child a")
    page.wait_for_selector("#purchases")
    shot(page, "backoffice-customers-member")
    first_day, last_day = (d + shift for d in NOVEMBER)
    page.goto(f"{base}/campaigns?date_from={first_day}&date_to={last_day}")
    shot(page, "backoffice-customers-campaigns")
    page.goto(f"{base}/console/audit")
    shot(page, "backoffice-audit-chain")
    # a row edited behind the application's back: the page must say which
    with sqlite3.connect(db_file) as c:
        c.execute(
            "UPDATE bo_audit SET actor = 'someone' WHERE id = (SELECT MIN(id) + 2 FROM bo_audit)"
        )
    page.reload()
    shot(page, "backoffice-audit-tampered")
    page.context.close()

    shopper = browser.new_context(viewport={"width": 430, "height": 900}, locale="ja-JP").new_page()
    link = sign_link(base, key_from_token(tokens["K02"]), "K02", first["sale_id"], datetime.now())
    shopper.goto(link)
    shot(shopper, "backoffice-e-receipt")
    shopper.context.close()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
