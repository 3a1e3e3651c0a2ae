"""Console actions: role-checked, queued for the kiosk, results reported back, all audited."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.backoffice.audit.models import AuditRow
from tests.backoffice.databases import sign_in
from tests.console.conftest import report


def _audit(bo_db):
    with bo_db.reading() as s:
        return [
            (a.actor, a.action, a.result, a.origin, a.target, a.detail)
            for a in s.scalars(select(AuditRow).order_by(AuditRow.id))
        ]


def test_function_attendant_approves_and_the_kiosk_runs_it(attendant, tokens, bo_db, staff):
    """GIVEN K01 needs an age check WHEN the attendant approves from the console THEN the next
    report hands K01 the command, its result comes back, and both steps are audited."""
    report(attendant, tokens["K01"], "needs_attendant", role="self")
    response = attendant.post("/console/kiosks/K01/commands", json={"action": "approve_age"})
    assert response.status_code == 200, response.text
    commands = report(attendant, tokens["K01"], "needs_attendant", role="self")
    assert commands == [
        {"id": response.json()["id"], "action": "approve_age", "args": {}, "by": "attendant"}
    ]
    assert (
        report(
            attendant,
            tokens["K01"],
            "shopping",
            role="self",
            results=[{"id": commands[0]["id"], "ok": True, "detail": "approved age_check"}],
        )
        == []
    )
    rows = [r for r in _audit(bo_db) if r[1] == "console.approve_age"]
    assert [(r[0], r[2], r[5]["stage"]) for r in rows] == [
        ("attendant", "success", "queued"),
        ("attendant", "success", "done"),
    ]
    assert rows[0][3].startswith("console:") and rows[1][3] == "kiosk:K01" and rows[0][4] == "K01"


def test_function_roles_are_checked_and_refusals_audited(attendant, tokens, bo_db, staff, client):
    refused = attendant.post(
        "/console/kiosks/K01/commands",
        json={"action": "override_price", "args": {"line_id": 1, "price": 100}},
    )
    assert refused.status_code == 403
    assert _audit(bo_db)[-1][1:3] == ("console.override_price", "failure")
    bad = attendant.post("/console/kiosks/K01/commands", json={"action": "void_line", "args": {}})
    assert bad.status_code == 422
    sign_in(client, staff["manager"])
    assert (
        client.post(
            "/console/kiosks/K01/commands",
            json={"action": "override_price", "args": {"line_id": 1, "price": 100}},
        ).status_code
        == 200
    )
    commands = report(client, tokens["K01"], "shopping", role="self")
    assert commands[0]["args"] == {"line_id": 1, "price": 100}


def test_function_pin_actions_at_the_kiosk_reach_the_audit_log(attendant, tokens, bo_db):
    entries = [
        {
            "at": "2026-11-20T09:00:01",
            "staff_id": "S001",
            "action": "approve_age",
            "via": "pin",
            "ok": False,
            "detail": "WrongPin: wrong staff id or PIN (4 tries left)",
            "args": {},
            "sale_id": "x",
        },
        {
            "at": "2026-11-20T09:00:09",
            "staff_id": "S001",
            "action": "approve_age",
            "via": "pin",
            "ok": True,
            "detail": "approved age_check",
            "args": {},
            "sale_id": "x",
        },
    ]
    report(attendant, tokens["K01"], "shopping", role="self", audit=entries)
    rows = [r for r in _audit(bo_db) if r[1] == "kiosk.approve_age"]
    # the actor is the kiosk (its token); the staff id it reports is kept as a claim
    assert [(r[0], r[2], r[3], r[5]["claimed_staff_id"]) for r in rows] == [
        ("kiosk:K01", "failure", "kiosk:K01", "S001"),
        ("kiosk:K01", "success", "kiosk:K01", "S001"),
    ]


def test_function_a_message_that_reads_differently_on_the_screen_is_refused(
    attendant, tokens, bo_db, staff
):
    """GIVEN an attendant's message to a kiosk's screen holding a right-to-left override or
    an escape character WHEN sent THEN 422 naming the character, nothing is queued; plain
    text in any script goes through."""
    report(attendant, tokens["K01"], "shopping", role="self")
    for text in ("お待ちください\u202e!olleh", "wait\x1b[2J"):
        refused = attendant.post(
            "/console/kiosks/K01/commands", json={"action": "message", "args": {"text": text}}
        )
        assert refused.status_code == 422, refused.text
        assert "which changes how text reads" in refused.text
    assert report(attendant, tokens["K01"], "shopping", role="self") == []
    sent = attendant.post(
        "/console/kiosks/K01/commands",
        json={"action": "message", "args": {"text": "少々お待ちください"}},
    )
    assert sent.status_code == 200, sent.text
    queued = report(attendant, tokens["K01"], "shopping", role="self")
    assert [c["args"] for c in queued] == [{"text": "少々お待ちください"}]
