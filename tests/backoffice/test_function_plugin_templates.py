"""A plugin's back-office page from its own template folder (kiosk_backoffice_templates).

GIVEN a vendor's plugin that names a template folder and routes a page rendering it
WHEN a manager opens the page with hostile text in the query
THEN the page has the back office's layout (navigation, sign-out), the core's table macro,
and the hostile text only escaped; a folder named like a core feature is refused.
"""

from __future__ import annotations

import pytest
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient
from markupsafe import escape

from kiosk.backoffice.app import create_app
from kiosk.backoffice.core import extensions
from kiosk.backoffice.core.deps import Manager
from kiosk.backoffice.core.extensions import TemplateFolder, builtin_host
from kiosk.backoffice.core.pages import template_page
from kiosk.backoffice.core.templates import render
from kiosk.hookspecs import hookimpl
from tests.backoffice.databases import ORIGIN, sign_in

HOSTILE = '<script>alert(1)</script>"onload='
PAGE = """{% extends "core/base.html" %}
{% from "core/macros.html" import table %}
{% block body %}<p id="said">{{ said }}</p>{{ table(("Shelf", "Labels"), rows, id="shelves") }}
{% endblock %}
"""


def shelf_router() -> APIRouter:
    router = APIRouter()

    @router.get("/shelf-labels")
    def shelf_page(request: Request, staff: Manager):
        said = request.query_params.get("said", "")
        return template_page(
            "shelf_labels/page.html", "Shelf labels", staff, said=said, rows=[(said, 1200)]
        )

    return router


class ShelfLabels:
    def __init__(self, folder, name="shelf_labels"):
        self.folder, self.name = folder, name

    @hookimpl
    def kiosk_backoffice_templates(self):
        return [TemplateFolder(self.name, self.folder)]

    @hookimpl
    def kiosk_backoffice_routers(self):
        return [shelf_router()]


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    return tmp_path


def test_a_plugin_page_renders_from_its_own_folder_escaped(bo_db, clock, staff, folder):
    host = builtin_host()
    host.register(ShelfLabels(folder), "shelf_labels")
    app = create_app(bo_db, clock=clock, host=host)
    with TestClient(app, headers={"Origin": ORIGIN}) as client:
        sign_in(client, staff["manager"])
        page = client.get("/shelf-labels", params={"said": HOSTILE})
    assert page.status_code == 200, page.text[:300]
    text = page.text
    assert 'action="/logout"' in text and 'href="/reports/daily"' in text  # the layout
    assert '<table id="shelves">' in text and "<td>1,200</td>" in text  # the core's macro
    assert HOSTILE not in text and "<script>alert" not in text
    assert text.count(str(escape(HOSTILE))) == 2  # the paragraph and the cell, as text


def test_the_built_in_plugins_bring_their_templates_through_the_hook(bo_db, clock):
    create_app(bo_db, clock=clock)
    assert "Tax-free ledger" in render(
        "tax_free/ledger.html", title="Tax-free ledger", brand="b", static="/s", body_class="",
        nav=[], staff=None, scripts=[], csrf="", statuses=(), selected="", date_from="",
        date_to="", csv_link="/x", totals=[], columns=("a",), rows=[], key_warning="",
        problems=[],
    )  # fmt: skip


def test_a_folder_named_like_a_core_feature_is_refused(bo_db, clock, folder):
    host = builtin_host()
    host.register(ShelfLabels(folder, name="reports"), "shelf_labels")
    before = extensions.current()
    create_app(bo_db, clock=clock, host=host)
    try:
        with pytest.raises(ValueError, match="'reports'"):
            render("core/error.html", message="x")
    finally:
        extensions.install(before)  # the next test's pages render with the core's folders
