"""The navigation bar shows each member of staff the pages their role may open.

GIVEN an attendant, a manager and an admin signed in
WHEN each opens the start page
THEN the bar lists exactly the pages that answer them 200 (core and plugin pages alike):
before, an attendant saw every link and got a 403 on most of them.
"""

from __future__ import annotations

import re

import pytest

from kiosk.backoffice.core.extensions import NavEntry
from tests.backoffice.databases import sign_in


@pytest.mark.parametrize("role", ["attendant", "manager", "admin"])
def test_function_the_bar_lists_only_pages_the_role_may_open(client, staff, role):
    sign_in(client, staff[role])
    page = client.get("/").text
    bar = page[page.index("<header>") : page.index("</header>")]
    links = re.findall(r'<a href="([^"]+)">', bar)
    assert "/" in links and "/console" in links
    for href in links:
        assert client.get(href).status_code == 200, (role, href)
    if role == "attendant":
        assert not {"/reports/daily", "/customers", "/tax-free", "/staff"} & set(links)
    if role == "manager":
        assert {"/reports/daily", "/tax-free"} <= set(links) and "/staff" not in links
    if role == "admin":
        assert {"/staff", "/audit", "/customers"} <= set(links)


def test_function_a_nav_entry_names_a_known_role():
    with pytest.raises(ValueError, match="role 'owner'"):
        NavEntry("/x", "X", role="owner")
