"""kiosk_backoffice_console: a vendor's part of the attendant console reads its own fields of
the kiosks' reports (checked at the door), adds tile figures and a snapshot value, and loads
its script and stylesheet on the console page; a name or field already taken is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.extensions import ConsolePart, TileField, builtin_host
from kiosk.backoffice.plugin_api import ForbidExtra, text_field
from kiosk.backoffice.staff.auth import enrol_kiosk
from kiosk.hookspecs import hookimpl
from tests.backoffice.databases import ORIGIN, sign_in


class FridgeReport(ForbidExtra):
    fridge_c: text_field(8) | None = None


class Fridges:
    """A vendor's plugin: kiosks report their fridge's temperature; tiles show it."""

    def __init__(self, name: str = "fridges", report: type = FridgeReport) -> None:
        self.name, self.report, self.seen = name, report, {}

    @hookimpl
    def kiosk_backoffice_console(self):
        return [
            ConsolePart(
                name=self.name,
                report=self.report,
                receive=lambda session, kiosk, part, now: self.seen.update(
                    {kiosk.kiosk_id: part.fridge_c}
                ),
                tile=lambda session, kiosk_id, now: [
                    TileField("fridge_c", "Fridge 冷蔵", self.seen.get(kiosk_id) or "—")
                ],
                snapshot=lambda session, now: {"reporting": sorted(self.seen)},
                script="/fridges/console.js",
                stylesheet="/fridges/console.css",
            )
        ]


@pytest.fixture
def fridges() -> Fridges:
    return Fridges()


@pytest.fixture
def client(bo_db, clock, fridges) -> Iterator[TestClient]:
    host = builtin_host()
    host.register(fridges, "fridges")
    app = create_app(bo_db, clock=clock, host=host)
    with TestClient(app, headers={"Origin": ORIGIN}) as c:
        yield c


def _report(client, token, **fields):
    body = {"state": "idle", "role": "self", **fields}
    return client.post(
        "/api/v1/console/report", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_a_console_part_gets_its_checked_fields_and_shows_on_tiles(
    client, bo_db, clock, staff, fridges
):
    with bo_db.transaction() as session:
        token = enrol_kiosk(session, "K01", clock())
    bad = _report(client, token, fridge_c=4)  # a number, not text: the door refuses it
    assert bad.status_code == 422 and "fridge_c" in bad.json()["detail"]
    assert fridges.seen == {}
    unknown = _report(client, token, freezer_c="-18")  # claimed by no part
    assert unknown.status_code == 422 and "freezer_c" in unknown.json()["detail"]
    assert _report(client, token, fridge_c="3.5").status_code == 200
    assert fridges.seen == {"K01": "3.5"}

    sign_in(client, staff["attendant"])
    snap = client.get("/console/snapshot").json()
    assert snap["fridges"] == {"reporting": ["K01"]}
    tile = next(k for k in snap["kiosks"] if k["kiosk_id"] == "K01")
    fridge = next(f for f in tile["fields"] if f["key"] == "fridge_c")
    assert (fridge["label"], fridge["value"]) == ("Fridge 冷蔵", "3.5")
    page = client.get("/console").text
    assert '<script src="/fridges/console.js" defer>' in page
    assert '<link rel="stylesheet" href="/fridges/console.css">' in page


class StateReport(ForbidExtra):
    state: text_field(8) | None = None


@pytest.mark.parametrize(
    ("plugin", "taken"),
    [
        (Fridges(name="kiosks"), "'kiosks' is taken"),  # a core snapshot key
        (Fridges(name="handoffs"), "'handoffs' is taken"),  # the hand-off plugin's part
        (Fridges(report=StateReport), "report field state is taken"),  # a core report field
    ],
)
def test_a_console_part_cannot_take_a_name_or_field_in_use(bo_db, clock, plugin, taken):
    host = builtin_host()
    host.register(plugin, "fridges")
    with pytest.raises(ValueError, match=taken):
        create_app(bo_db, clock=clock, host=host)
