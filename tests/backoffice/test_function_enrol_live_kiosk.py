"""GIVEN a kiosk enrolled and syncing WHEN `kiosk-backoffice enrol-kiosk K01` is run again (a
typo for K10, a copied line) THEN one line in the operator's language names the kiosk and
says `--replace`, nothing changes and its token still syncs; WHEN run with `--replace` THEN a
new token, the old one refused, and the audit log says the token was replaced. A revoked kiosk
re-enrols as before (its token was dead already)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kiosk.backoffice.app import create_app
from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.audit.service import verify
from kiosk.backoffice.cli import main
from kiosk.backoffice.core.db import Database
from tests.backoffice.databases import ORIGIN, sign_in


def _status(url: str, token: str) -> int:
    with TestClient(create_app(Database(url)), headers={"Origin": ORIGIN}) as c:
        return c.get(
            "/api/v1/sync/status", headers={"Authorization": f"Bearer {token}"}
        ).status_code


def _actions(url: str) -> list[str]:
    db = Database(url)
    with db.reading() as s:
        return list(s.scalars(select(AuditRow.action).order_by(AuditRow.id)))


@pytest.mark.parametrize(
    ("lang", "words"), [("C", "already enrolled"), ("ja_JP.UTF-8", "登録済み")]
)
def test_function_enrolling_a_live_kiosk_again_is_refused(
    backoffice_url, capsys, monkeypatch, lang, words
):
    url = backoffice_url
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 0
    token = capsys.readouterr().out.strip()
    monkeypatch.setenv("LC_ALL", lang)
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # no token
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert words in captured.err and "K01" in captured.err and "--replace" in captured.err
    assert _status(url, token) == 200  # the kiosk still syncs
    assert _actions(url) == ["kiosk.enrol"]


def test_function_replace_issues_a_new_token_and_audits_it(backoffice_url, capsys):
    url = backoffice_url
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 0
    old = capsys.readouterr().out.strip()
    assert main(["--database-url", url, "enrol-kiosk", "K01", "--replace"]) == 0
    new = capsys.readouterr().out.strip()
    assert new.startswith("K01.") and new != old
    assert _status(url, old) == 401 and _status(url, new) == 200
    assert _actions(url) == ["kiosk.enrol", "kiosk.token_replaced"]
    with Database(url).reading() as s:
        assert verify(s).ok


def test_function_a_revoked_kiosk_re_enrols_without_replace(backoffice_url, capsys):
    url = backoffice_url
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 0
    assert main(["--database-url", url, "revoke-kiosk", "K01"]) == 0
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert _status(url, token) == 200
    assert _actions(url) == ["kiosk.enrol", "kiosk.revoke", "kiosk.enrol"]


def test_function_the_kiosks_page_refuses_too_unless_replace_is_ticked(client, staff, kiosk_token):
    sign_in(client, staff["admin"])
    again = client.post("/kiosks/enrol", data={"kiosk_id": "K01", "store_id": "S01"})
    assert again.status_code == 422 and "already enrolled" in again.text
    bearer = {"Authorization": f"Bearer {kiosk_token}"}
    assert client.get("/api/v1/sync/status", headers=bearer).status_code == 200
    replaced = client.post(
        "/kiosks/enrol", data={"kiosk_id": "K01", "store_id": "S01", "replace": "1"}
    )
    assert replaced.status_code == 200
    assert client.get("/api/v1/sync/status", headers=bearer).status_code == 401
