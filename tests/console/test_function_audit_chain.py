"""The audit log is hash-chained: an edited, deleted or inserted row is found."""

from __future__ import annotations

from sqlalchemy import select, text

from kiosk.backoffice import cli
from kiosk.backoffice.audit import service as audit
from kiosk.backoffice.audit.models import AuditRow
from tests.console.conftest import report


def _some_history(attendant, tokens):
    report(attendant, tokens["K01"], "needs_attendant", role="self")
    for action in ("approve_age", "reprint", "pause"):
        assert (
            attendant.post("/console/kiosks/K01/commands", json={"action": action}).status_code
            == 200
        )


def test_function_an_edited_row_breaks_the_chain_there(attendant, tokens, bo_db):
    """GIVEN a history of console actions WHEN someone edits one row in the database
    THEN verification names that row, and the console's audit page says BROKEN."""
    _some_history(attendant, tokens)
    with bo_db.reading() as s:
        assert audit.verify(s).ok
        victim = s.scalars(select(AuditRow).where(AuditRow.action == "console.reprint")).one()
    with bo_db.engine.begin() as c:
        c.execute(text("UPDATE bo_audit SET result = 'failure' WHERE id = :id"), {"id": victim.id})
    with bo_db.reading() as s:
        check = audit.verify(s)
    assert (check.ok, check.first_bad_id) == (False, victim.id) and "edited" in check.problem


def test_function_a_deleted_row_breaks_the_chain(attendant, tokens, bo_db):
    _some_history(attendant, tokens)
    with bo_db.reading() as s:
        ids = s.scalars(select(AuditRow.id).order_by(AuditRow.id)).all()
    with bo_db.engine.begin() as c:
        c.execute(text("DELETE FROM bo_audit WHERE id = :id"), {"id": ids[-2]})
    with bo_db.reading() as s:
        check = audit.verify(s)
    assert check.first_bad_id == ids[-1] and "deleted" in check.problem


def test_function_audit_page_and_cli_report_the_verdict(
    attendant, tokens, bo_db, client, staff, capsys
):
    from tests.backoffice.databases import sign_in

    _some_history(attendant, tokens)
    sign_in(client, staff["manager"])
    assert "Chain intact" in client.get("/console/audit").text
    assert cli.main(["--database-url", bo_db.url, "verify-audit"]) == 0
    with bo_db.engine.begin() as c:
        c.execute(text("UPDATE bo_audit SET actor = 'someone' WHERE id = 1"))
    assert "Chain BROKEN at row 1" in client.get("/console/audit").text
    assert cli.main(["--database-url", bo_db.url, "verify-audit"]) == 1
    assert "row 1" in capsys.readouterr().err
