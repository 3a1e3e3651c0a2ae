"""The back office in a browser: hostile kiosk data stays text, CSRF, headers, CSV, API docs.

GIVEN/WHEN/THEN in short: a kiosk token holder sends markup where text belongs (basket
lines, alerts, audit entries, a member id) — every page an admin opens shows it escaped and
runs no inline script; a form from another origin (same host, other port) changes nothing;
every CSV cell a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from kiosk.backoffice.app import create_app
from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.core.security import (
    CONTENT_SECURITY_POLICY,
    SESSION_COOKIE,
    SettingError,
    WebSecurity,
    csrf_for,
)
from kiosk.backoffice.core.templates import Link, document, render
from kiosk.backoffice.exports import service as exports
from kiosk.backoffice.staff.models import StaffRow
from plugins.loyalty.backoffice.loyalty_sync_models import OverdrawRow
from tests.backoffice.databases import ORIGIN, PASSWORD, sign_in
from tests.backoffice.helpers import event, post

ROOT = Path(__file__).resolve().parents[2]
BACKOFFICE = ROOT / "kiosk" / "backoffice"
#: every place back-office pages are made: the core, the built-in plugins, the example
PAGE_CODE = (
    BACKOFFICE,
    ROOT / "plugins" / "loyalty" / "backoffice",
    ROOT / "plugins" / "tax_free" / "backoffice",
    ROOT / "examples" / "kiosk-feedback-example" / "kiosk_feedback_example",
)


def backoffice_sources() -> list[Path]:
    return [p for folder in PAGE_CODE for p in folder.rglob("*.py")]


def backoffice_templates() -> list[Path]:
    return [p for folder in PAGE_CODE for p in folder.rglob("templates/*.html")]


XSS = """<img src=x onerror="fetch('/staff',{method:'POST'})">"""
XSS2 = """"><script>document.title='pwned'</script>"""
MEMBER_XSS = "<svg onload=alert(1)>"  # fits a member id column (32)
FORMULA = '=HYPERLINK("http://evil.example","x")'


def hostile_report(client: TestClient, token: str):
    """The pen-test's console report: markup in every text the kiosk sends."""
    return client.post(
        "/api/v1/console/report",
        json={
            "state": "needs_attendant",
            "role": XSS2[:16],
            "mode": "open",
            "health": {XSS: XSS2},
            "alerts": [{"kind": "help_requested", "detail": XSS}],
            "lines": [{"line_id": 1, "name": XSS2, "quantity": XSS, "amount": 100}],
            "audit": [{"staff_id": XSS, "action": "approve_age", "detail": XSS2, "ok": True}],
        },
        headers={"Authorization": f"Bearer {token}"},
    )


def assert_escaped(text: str) -> None:
    for payload in (XSS, XSS2, "<img", "<script>document"):
        assert payload not in text
    assert "onerror=" not in text or "&lt;img" in text


def inline_scripts(text: str) -> list[str]:
    return [tag for tag in re.findall(r"<script\b[^>]*>", text) if "src=" not in tag]


# --- stored XSS -------------------------------------------------------------------------------


def test_function_a_hostile_console_report_is_shown_as_text(client, staff, kiosk_token, bo_db):
    """GIVEN a kiosk reports markup in its lines, alerts and audit entries WHEN an admin opens
    the console and the audit pages THEN nothing is markup: escaped on the server, data in the
    JSON snapshot, and the console page carries no inline script at all."""
    response = hostile_report(client, kiosk_token)
    assert response.status_code in (200, 422), response.text  # 422: refused at the door
    sign_in(client, staff["admin"])
    console = client.get("/console")
    assert console.status_code == 200
    assert inline_scripts(console.text) == [] and "/static/backoffice/console.js" in console.text
    assert_escaped(console.text)
    if response.status_code == 200:
        kiosk = client.get("/console/snapshot").json()["kiosks"][0]
        assert kiosk["lines"][0]["quantity"] == XSS  # data, drawn by textContent in the page
        for path in ("/console/audit", "/audit"):
            text = client.get(path).text
            assert_escaped(text)
            assert "&lt;img src=x onerror=" in text
    with bo_db.reading() as s:
        assert set(s.scalars(select(StaffRow.username))) == set(staff.values())


def test_function_the_console_and_live_scripts_never_parse_data_as_html():
    """The page scripts build the DOM with createElement/textContent only."""
    for name in ("console.js", "live.js"):
        script = (BACKOFFICE / "core" / "static" / name).read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in script, f"{name} uses {sink}"


def test_function_a_hostile_member_id_is_escaped_for_admins(
    client, staff, kiosk_token, bo_db, clock
):
    """GIVEN a kiosk sends a sale whose member id is markup WHEN an admin (who sees whole ids)
    opens the member list, the member page and points to settle THEN it is text."""
    sale = post(client, kiosk_token, [event(1, clock(), member_id=MEMBER_XSS)])
    with bo_db.transaction() as s:
        s.add(
            OverdrawRow(
                member_id=MEMBER_XSS, store_id="S01", debt=5, kiosks=["K01"], detected_at=clock()
            )
        )
    sign_in(client, staff["admin"])
    escaped = "&lt;svg onload=alert(1)&gt;"
    if sale.status_code == 200:  # the member list needs the sale; validation may refuse it
        members = client.get("/customers").text
        assert escaped in members and MEMBER_XSS not in members
        member = client.get("/customers/" + MEMBER_XSS).text
        assert escaped in member and MEMBER_XSS not in member
    loyalty = client.get("/loyalty").text
    assert escaped in loyalty and MEMBER_XSS not in loyalty


def test_function_every_page_escapes_and_every_post_form_carries_the_token(
    client, staff, kiosk_token, clock
):
    """Hostile data everywhere a kiosk can put text, then every page as an admin."""
    hostile_report(client, kiosk_token)
    post(client, kiosk_token, [event(1, clock(), member_id=XSS2, method="cash")])
    sign_in(client, staff["admin"])
    day = clock().date().isoformat()
    pages = [
        "/", "/console", "/console/audit", f"/reports/daily?day={day}", "/reports/monthly",
        "/reports/pl", "/reports/archive", "/settlement", "/inventory", "/search?counterparty=" + XSS,
        "/customers", "/campaigns", "/tax-free?date_from=" + day, "/masterdata", "/kiosks",
        "/staff", "/audit", "/loyalty",
    ]  # fmt: skip
    token = csrf_for(client.cookies[SESSION_COOKIE])
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert_escaped(response.text)
        assert inline_scripts(response.text) == [], path
        assert "<style" not in response.text and " style=" not in response.text, path
        for form in re.findall(r"<form\b[^>]*>.*?</form>", response.text, re.S):
            if 'method="post"' in form:
                assert f'name="csrf_token" value="{token}"' in form, (path, form[:200])


def test_function_templates_escape_every_value_and_a_link_is_never_a_script():
    """Every template is autoescaped: a value is text, in an element and in an attribute."""
    text = render("core/error.html", title=XSS, brand=XSS2, static="/s", body_class="",
                  nav=[("/x?a=1&b=\"", XSS)], staff=None, scripts=[], csrf="", message=XSS)  # fmt: skip
    assert "<img" not in text and "<script>document" not in text
    assert escape(XSS) in text and 'href="/x?a=1&amp;b=&#34;"' in text
    with pytest.raises(ValueError):
        Link(" JavaScript:alert(1)", "t")


def test_function_no_module_makes_markup_from_a_string():
    """Nothing in the back office (core, plugins, the example) marks a string as markup:
    no ``markupsafe``, no ``Markup(``, no ``|safe`` in a template."""
    for source in backoffice_sources():
        text = source.read_text()
        assert "markupsafe" not in text and "Markup(" not in text, source
    for template in backoffice_templates():
        text = template.read_text()
        assert not re.search(r"\|\s*safe\b", text) and "autoescape false" not in text, template


#: HTML elements a page is made of; a string literal holding one is markup built in Python
TAG = re.compile(
    r"<(!doctype|/?(a|b|br|body|button|div|form|h[1-6]|head|html|i|input|label|li|link|meta|"
    r"option|p|pre|rect|script|section|select|small|span|style|svg|table|tbody|td|text|th|"
    r"thead|title|tr|ul)\b)",
    re.IGNORECASE,
)


def _code_strings(tree: ast.AST) -> list[ast.Constant]:
    """The string constants of a module that are not docstrings (docs may show a tag)."""
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_function_no_page_module_builds_tags_in_python_strings():
    """Markup lives in templates only: no string literal or f-string part of the back office's
    code (core, the built-in plugins' back-office parts, the example) holds an HTML tag.

    No allow-list: the CSRF refusal and the report archive render templates too."""
    found = [
        f"{source.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}"
        for source in backoffice_sources()
        for node in _code_strings(ast.parse(source.read_text()))
        if TAG.search(node.value)
    ]
    assert found == []


def test_function_the_tag_scan_finds_what_it_looks_for():
    """The scan above is not vacuous: an f-string tag and a plain one are both caught."""
    tree = ast.parse('x = f\'<td class="{c}">{v}</td>\'\ny = "<P>hi"\nz = "a < b"\n')
    caught = {n.value for n in _code_strings(tree) if TAG.search(n.value)}
    assert caught == {'<td class="', "</td>", "<P>hi"}


# --- CSRF -------------------------------------------------------------------------------------


def _add_staff(client: TestClient, name: str, **headers: str):
    data = {"username": name, "password": PASSWORD, "role": "admin"}
    return client.post("/staff", data=data, headers=headers, follow_redirects=False)


def _staff_names(bo_db) -> set[str]:
    with bo_db.reading() as s:
        return set(s.scalars(select(StaffRow.username)))


def test_function_a_form_from_another_origin_changes_nothing(client, staff, bo_db):
    """GIVEN an admin is signed in WHEN a page on the same host but another port (or another
    site) posts the add-staff form, even with a token THEN it is refused and no account made."""
    sign_in(client, staff["admin"])
    for origin in ("http://testserver:8081", "https://testserver", "http://evil.example"):
        refused = _add_staff(client, "mallory", Origin=origin)
        assert refused.status_code == 403 and "cross-site" in refused.text
    del client.headers["Origin"]
    assert _add_staff(client, "mallory", Referer="http://testserver:8081/x").status_code == 403
    assert _add_staff(client, "mallory").status_code == 403  # no Origin, no Referer
    assert "mallory" not in _staff_names(bo_db)


def test_function_same_origin_needs_the_session_token(client, staff, bo_db):
    sign_in(client, staff["admin"])
    token = client.headers.pop("X-CSRF-Token")
    assert _add_staff(client, "nobody").status_code == 403  # same origin, no token
    assert _add_staff(client, "nobody", **{"X-CSRF-Token": "0" * 64}).status_code == 403
    # the form field, as the page's form sends it
    data = {"username": "alice", "password": PASSWORD, "role": "admin", "csrf_token": token}
    assert client.post("/staff", data=data, follow_redirects=False).status_code == 303
    # the header, as the console's fetch sends it; Referer is enough without Origin
    del client.headers["Origin"]
    ok = _add_staff(client, "bob", **{"X-CSRF-Token": token, "Referer": f"{ORIGIN}/staff"})
    assert ok.status_code == 303
    assert {"alice", "bob"} <= _staff_names(bo_db) and "nobody" not in _staff_names(bo_db)


def test_function_console_commands_need_the_token_and_kiosk_routes_do_not(
    client, staff, kiosk_token
):
    sign_in(client, staff["admin"])
    token = client.headers.pop("X-CSRF-Token")
    command = {"action": "pause"}
    assert client.post("/console/kiosks/K01/commands", json=command).status_code == 403
    with_token = client.post(
        "/console/kiosks/K01/commands", json=command, headers={"X-CSRF-Token": token}
    )
    assert with_token.status_code != 403
    # a kiosk authenticates with its bearer token, never the cookie: no CSRF token needed
    kiosk = client.post(
        "/api/v1/console/report",
        json={"state": "idle"},
        headers={"Authorization": f"Bearer {kiosk_token}", "Origin": "http://elsewhere"},
    )
    assert kiosk.status_code == 200, kiosk.text


def test_function_sign_in_from_another_origin_is_refused(client, staff):
    response = client.post(
        "/login",
        data={"username": staff["admin"], "password": PASSWORD},
        headers={"Origin": "http://testserver:9999"},
        follow_redirects=False,
    )
    assert response.status_code == 403 and SESSION_COOKIE not in response.cookies


def test_function_signing_in_again_needs_no_token(client, staff):
    """A stale or current session cookie does not make /login ask for a CSRF token."""
    sign_in(client, staff["manager"])
    del client.headers["X-CSRF-Token"]
    sign_in(client, staff["admin"])


# --- headers, cookies, API docs ---------------------------------------------------------------


def test_function_every_response_has_the_security_headers(client, staff, kiosk_token):
    sign_in(client, staff["manager"])
    for path in (
        "/login",
        "/reports/daily",
        "/static/backoffice/console.js",
        "/api/v1/reports/day",
    ):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert (
            headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        )
        assert headers["referrer-policy"] == "same-origin"
    csp = CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_function_the_browser_finds_an_icon_on_every_page(client, staff):
    """/favicon.ico was a 404 on every page a browser opened (an error on its console)."""
    for path in ("/favicon.ico", "/static/backoffice/favicon.svg"):
        response = client.get(path)  # not signed in: a browser asks before any sign-in
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.text.startswith("<svg") and "<script" not in response.text
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    sign_in(client, staff["manager"])
    for path in ("/login", "/reports/daily"):
        page = client.get(path).text
        assert '<link rel="icon" href="/static/backoffice/favicon.svg"' in page, path


def test_function_the_page_language_is_the_one_its_labels_lead_with(client, staff):
    """<html lang="ja"> on pages whose labels are "English 日本語": the primary text is
    English, so the pages say lang="en"; the e-receipt marks its receipt's own language."""
    sign_in(client, staff["manager"])
    for path in ("/login", "/", "/reports/daily", "/staff", "/audit"):
        page = client.get(path).text
        assert page.startswith('<!doctype html>\n<html lang="en">'), path
        assert "{#" not in page and 'lang="ja"' not in page  # the reasoning stays in source
    template = (BACKOFFICE / "ereceipt" / "templates" / "receipt.html").read_text()
    assert 'lang="{{ language }}"' in template


def test_function_the_session_cookie_is_secure_when_set(bo_db, clock, staff):
    for secure in (False, True):
        app = create_app(bo_db, clock=clock, web_security=WebSecurity(secure_cookies=secure))
        with TestClient(
            app, base_url="https://testserver", headers={"Origin": "https://testserver"}
        ) as c:
            response = c.post(
                "/login",
                data={"username": staff["admin"], "password": PASSWORD},
                follow_redirects=False,
            )
            cookie = response.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=strict" in cookie
            assert ("Secure" in cookie) is secure


def test_function_settings_come_from_the_environment():
    assert WebSecurity.from_env({}) == WebSecurity()
    env = {"BACKOFFICE_SECURE_COOKIES": "true", "BACKOFFICE_API_DOCS": "1"}
    assert WebSecurity.from_env(env) == WebSecurity(secure_cookies=True, api_docs=True)
    with pytest.raises(SettingError, match="BACKOFFICE_SECURE_COOKIES"):
        WebSecurity.from_env({"BACKOFFICE_SECURE_COOKIES": "sometimes"})
    with pytest.raises(SettingError, match="BACKOFFICE_PUBLIC_ORIGIN"):
        WebSecurity.from_env({"BACKOFFICE_PUBLIC_ORIGIN": "backoffice.shop"})


def test_function_api_docs_are_off_by_default_and_staff_only_when_on(bo_db, clock, staff, client):
    for path in ("/docs", "/redoc", "/openapi.json", "/api/docs", "/api/v1/openapi.json"):
        assert client.get(path).status_code == 404, path
    app = create_app(bo_db, clock=clock, web_security=WebSecurity(api_docs=True))
    with TestClient(app, headers={"Origin": ORIGIN}) as c:
        assert c.get("/api/v1/openapi.json").status_code == 401
        assert c.get("/docs").status_code == 404 and c.get("/openapi.json").status_code == 404
        sign_in(c, staff["manager"])
        schema = c.get("/api/v1/openapi.json")
        assert schema.status_code == 200 and "/api/v1/sync/outbox" in schema.json()["paths"]


# --- CSV --------------------------------------------------------------------------------------


def test_function_csv_cells_that_would_run_as_formulas_are_neutralised():
    text = exports.to_csv(
        ("a", "b", "c"),
        [("=1+1", "+81", "-x"), ("@SUM(A1)", "\tx", "\rx"), ("ok", -100, "a=b")],
    )
    assert text.split("\r\n") == [
        "a,b,c",
        "'=1+1,'+81,'-x",
        "'@SUM(A1),'\tx,\"'\rx\"",
        "ok,-100,a=b",
        "",
    ]


def test_function_daily_and_search_csv_are_neutralised(client, staff, kiosk_token, clock):
    """GIVEN a kiosk sends a payment method and a member id that are formulas WHEN a manager
    downloads the daily report and the search CSV THEN those cells start with ', amounts do not."""
    assert post(
        client, kiosk_token, [event(1, clock(), member_id=FORMULA, method="=cmd|'/c calc'!A1")]
    ).status_code in (200, 422)
    sign_in(client, staff["manager"])
    day = clock().date()
    daily = client.get(f"/reports/daily.csv?day={day}").text.lstrip("\ufeff")
    search = client.get(f"/search.csv?date_from={day - timedelta(days=1)}").text.lstrip("\ufeff")
    for text in (daily, search):
        for line in text.splitlines():
            for cell in line.split(","):
                assert not cell.lstrip('"').startswith(("=", "+", "@")), line
    if FORMULA[:5] in search:
        assert "'=HYPERLINK" in search


def test_function_audit_of_a_refused_form_is_not_needed_but_nothing_is_written(
    client, staff, bo_db
):
    """A refused cross-site POST stops before the route: no audit row, no change."""
    sign_in(client, staff["admin"])
    with bo_db.reading() as s:
        before = s.query(AuditRow).count()
    assert _add_staff(client, "mallory", Origin="http://testserver:8081").status_code == 403
    with bo_db.reading() as s:
        assert s.query(AuditRow).count() == before


def test_function_serve_refuses_a_misspelt_setting_in_one_line(
    tmp_path, backoffice_url, monkeypatch, capsys
):
    from kiosk.backoffice import cli

    monkeypatch.setenv("BACKOFFICE_SECURE_COOKIES", "ture")
    url = backoffice_url
    monkeypatch.setenv("DATABASE_URL", url)  # serve sets it; monkeypatch puts it back after
    assert cli.main(["--database-url", url, "serve"]) == 1
    assert capsys.readouterr().err.strip() == (
        "kiosk-backoffice: environment BACKOFFICE_SECURE_COOKIES='ture': use true or false"
    )


def test_function_the_worker_factory_reads_the_settings(tmp_path, monkeypatch):
    from kiosk.backoffice import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    monkeypatch.setenv("BACKOFFICE_SECURE_COOKIES", "true")
    monkeypatch.setenv("BACKOFFICE_PUBLIC_ORIGIN", "https://bo.shop.example")
    app = cli.app_from_env()
    assert app.state.web_security == WebSecurity(
        secure_cookies=True, public_origin="https://bo.shop.example"
    )
    app.state.bo.db.close()


def test_function_a_stored_report_carries_no_session_token(client, staff):
    """The archive keeps whole documents: rendered during a request, they hold no token."""
    sign_in(client, staff["manager"])
    app = client.app

    @app.get("/test-stored")
    def _stored() -> dict[str, str]:
        return {"html": document("core/error.html", "Daily", message="x")}

    text = client.get("/test-stored").json()["html"]
    assert '<meta name="csrf-token" content="">' in text
    assert client.headers["X-CSRF-Token"] not in text
