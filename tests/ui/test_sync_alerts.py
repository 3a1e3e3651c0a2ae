"""GIVEN the back office down (or refusing this kiosk) WHEN the sync relay raises its alert
THEN staff read it on the kiosk's problem bar, through the runtime's door: a backlog without
a shopper line, once per episode, gone when the sales were sent; a refused token with the
shopper told that staff know. Before: the alert went to the log and the journal only.

The relay is the real one (kiosk.sync.service wiring, the back office's app behind a link
that can be down); its clock is injected, so half an hour of downtime takes no time."""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta

import httpx
import pytest

from kiosk.ui.controller import Controller
from kiosk.ui.settings import UiSettings
from kiosk.ui.theme import load_theme
from tests.backoffice.databases import app, bo_db, client, clock, kiosk_token, postgres_url
from tests.backoffice.factories import FakeClock, make_sale
from tests.sync.transport import FaultyTransport
from tests.ui.driver import make_driver

__all__ = ["app", "bo_db", "client", "clock", "kiosk_token", "postgres_url"]

OPENED = datetime(2026, 12, 7, 14, 5)  # store time: the first unsent sale


def _sync(runtime, transport, token):
    """The kiosk's sync service on ``transport`` (its thread not started: cycles by hand)."""
    from kiosk.sync.service import SyncService

    sync = SyncService(
        runtime,
        runtime.store,
        "http://testserver",
        token,
        client=httpx.Client(transport=transport, base_url="http://testserver"),
    )
    sync.relay.clock = FakeClock(OPENED)
    return sync


def _cycle(sync):
    result = sync.relay.send_once()
    sync.relay.check_backlog_after(result)
    return result


def _controller(runtime, language):
    runtime.language = language
    return Controller(runtime, load_theme("default"), UiSettings())


def test_a_backlog_reaches_staff_once_and_leaves_when_the_sales_went(
    make_runtime, client, kiosk_token
):
    runtime = make_runtime()
    for n in (1, 2, 3):
        runtime.store.commit_sale(make_sale(n, OPENED + timedelta(minutes=n - 1)))
    transport = FaultyTransport(client, random.Random(1))
    transport.down = True
    sync = _sync(runtime, transport, kiosk_token)
    ctl = _controller(runtime, "ja")

    _cycle(sync)  # down, but the oldest sale is fresh: no alert yet
    ctl.poll_problems()
    assert ctl.problems == [] and runtime.sync_alerts() == ()

    sync.relay.clock.advance(minutes=31)
    _cycle(sync)
    ctl.poll_problems()
    assert [a.kind for a in runtime.sync_alerts()] == ["backlog"]
    (problem,) = ctl.problems
    assert problem["shopper"] == ""  # the shopper is not alarmed: a staff matter
    assert problem["staff"] == "14:05からの売上3件が本部に未送信です — 本部が止まっていませんか？"
    ctl.language = "en"  # the bar's "Staff:" line follows the screen's language
    assert ctl.problems[0]["staff"] == ("3 sales not sent since 14:05 — is the back office down?")

    for _ in range(3):  # still down: one alert per episode, not one per cycle
        sync.relay.clock.advance(minutes=10)
        _cycle(sync)
        ctl.poll_problems()
    assert len(ctl.problems) == 1 and len(sync.relay.alerts) == 1

    transport.down = False  # back: the sales go, the bar leaves
    for _ in range(5):
        _cycle(sync)
    assert runtime.store.unsent_outbox() == []
    ctl.poll_problems()
    assert ctl.problems == [] and runtime.sync_alerts() == ()
    ctl.poll_problems()
    assert ctl.problems == []  # not shown again

    # a new episode is told again
    transport.down = True
    runtime.store.commit_sale(make_sale(4, sync.relay.clock()))
    sync.relay.clock.advance(minutes=31)
    _cycle(sync)
    ctl.poll_problems()
    assert [p["staff"] for p in ctl.problems] == [
        "One sale not sent since 15:06 — is the back office down?"
    ]
    sync.client.close()


def test_a_dismissed_backlog_is_not_shown_again_in_the_same_episode(
    make_runtime, client, kiosk_token
):
    runtime = make_runtime()
    runtime.store.commit_sale(make_sale(1, OPENED))
    transport = FaultyTransport(client, random.Random(1))
    transport.down = True
    sync = _sync(runtime, transport, kiosk_token)
    ctl = _controller(runtime, "en")
    sync.relay.clock.advance(minutes=31)
    _cycle(sync)
    ctl.poll_problems()
    ctl.dismiss_problem()  # staff read it and pressed OK
    ctl.poll_problems()
    assert ctl.problems == []
    sync.client.close()


def test_a_refused_token_tells_staff_to_re_enrol_the_kiosk(make_runtime):
    runtime = make_runtime()
    runtime.store.commit_sale(make_sale(1, OPENED))
    refused = httpx.MockTransport(lambda _r: httpx.Response(401, json={"detail": "revoked"}))
    sync = _sync(runtime, refused, "K01.old")
    ctl = _controller(runtime, "ja")
    assert _cycle(sync).outcome.value == "stopped"
    ctl.poll_problems()
    (alert,) = runtime.sync_alerts()
    assert alert.kind == "revoked" and alert.stopped
    assert ctl.problems[0]["shopper"] == "係員に連絡済みです。"
    assert ctl.problems[0]["staff"] == (
        "売上が本部に届いていません：この端末のトークンが拒否されました — 端末を再登録してください"
    )
    ctl.language = "en"
    assert ctl.problems[0]["shopper"] == "Staff have been told."
    assert ctl.problems[0]["staff"] == (
        "Sales are not reaching the back office: this kiosk's token was refused — re-enrol it"
    )
    sync.client.close()


def test_the_problem_bar_shows_a_backlog_to_staff_and_lets_the_shopper_shop(tmp_path):
    """The drawn bar: one staff line (no empty shopper line), the shopper still starts."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display (run under xvfb-run)")
    kiosk = make_driver(tmp_path)
    try:
        ctl, root, runtime = kiosk.ctl, kiosk.root, kiosk.runtime
        ctl.set_language("en")
        # first a problem with a shopper line (the bar lays it out), dismissed by staff
        runtime.report_sync_alert(
            "revoked", OPENED, unsent=7, oldest_unsent_at=OPENED, stopped=True
        )
        kiosk.wait(lambda: ctl.problems, timeout=10, what="the poll shows the refusal")
        kiosk.settle()
        kiosk.tap(root.problem_bar.ids.dismiss)
        kiosk.wait(lambda: not ctl.problems, what="dismissed")
        runtime.report_sync_alert(
            "backlog", OPENED + timedelta(minutes=40), unsent=7, oldest_unsent_at=OPENED
        )
        kiosk.wait(lambda: ctl.problems, timeout=10, what="the poll shows the alert")
        kiosk.settle()
        bar = root.problem_bar
        assert bar.parent is not None
        texts = [w.text for w in bar.walk() if hasattr(w, "text") and w.text]
        assert "Staff: 7 sales not sent since 14:05 — is the back office down?" in texts
        shopper_line = next(w for w in bar.walk() if getattr(w, "text", None) == "")
        assert shopper_line.height == 0  # no room kept for it (it was: the line sank)
        kiosk.tap(kiosk.widget("start", "attract"))  # the bar does not stop a shopper
        kiosk.wait_screen("shopping")
        runtime.sync_recovered("backlog")
        kiosk.wait(lambda: not ctl.problems, timeout=10, what="the bar leaves")
        kiosk.settle()
        assert bar.parent is None
    finally:
        kiosk.close()


def test_the_staff_overlay_tells_staff_what_is_wrong_and_what_to_do(
    tmp_path, client, bo_db, clock, kiosk_token
):
    """GIVEN the back office refusing this kiosk (revoked there, the real relay refused) and
    sales waiting WHEN a shopper calls staff and the staff overlay opens THEN staff read the
    problem, when it was reported, how many sales wait since when (store clock) and what to
    do — in the screen's language — after the problem bar's line was dismissed; it leaves
    when the relay recovers. Before: the overlay showed nothing of the relay."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display (run under xvfb-run)")
    from kiosk.backoffice.staff.auth import revoke_kiosk

    kiosk = make_driver(tmp_path)
    try:
        ctl, root, runtime = kiosk.ctl, kiosk.root, kiosk.runtime
        runtime.clock = lambda: OPENED + timedelta(minutes=25)  # the store's clock, fixed
        for n in (1, 2, 3):
            runtime.store.commit_sale(make_sale(n, OPENED + timedelta(minutes=n - 1)))
        with bo_db.transaction() as session:
            revoke_kiosk(session, "K01", clock(), "admin")
        sync = _sync(runtime, FaultyTransport(client, random.Random(1)), kiosk_token)
        sync.relay.clock.advance(minutes=20)  # refused at 14:25 (no backlog alert yet)
        assert _cycle(sync).outcome.value == "stopped"
        kiosk.wait(lambda: ctl.problems, timeout=10, what="the poll shows the refusal")
        kiosk.settle()
        kiosk.tap(root.problem_bar.ids.dismiss)  # staff read the bar's line and pressed OK
        kiosk.wait(lambda: not ctl.problems, what="dismissed")

        kiosk.tap(kiosk.widget("start", "attract"))
        kiosk.wait_screen("shopping")
        kiosk.tap(kiosk.widget("help", "shopping"))
        kiosk.wait(lambda: root.staff.parent is not None, what="the staff overlay")
        kiosk.settle()
        shown = root.staff.ids.sync_problems
        assert shown.opacity == 1 and shown.height > 0
        kiosk_id = runtime.config.kiosk_id
        assert shown.text.split("\n") == [
            "売上が本部に届いていません：この端末のトークンが拒否されました — 端末を再登録してください",
            "14:25に通知",
            "この端末で14:05から売上3件が送信待ちです",
            "本部でこの端末を再登録し、新しいトークンをこの端末のkiosk.tomlに書いてください。"
            "再起動しなくても送信を再開します：",
            f"kiosk-backoffice enrol-kiosk {kiosk_id}",
        ]
        ctl.set_language("en")
        kiosk.settle()
        assert shown.text.split("\n")[1:3] == [
            "Reported at 14:25",
            "3 sales waiting on this kiosk since 14:05",
        ]

        runtime.sync_recovered("revoked")  # the relay sent with a new token
        kiosk.wait(lambda: not shown.text, timeout=10, what="the overlay's account leaves")
        kiosk.settle()
        assert shown.height == 0
        sync.client.close()
    finally:
        kiosk.close()
