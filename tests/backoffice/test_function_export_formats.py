"""GIVEN a plugin offering an export format (``kiosk_export_formats``) WHEN a manager asks
for the formats and downloads one THEN the plugin's CSV comes out, cells neutralised."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from kiosk.backoffice.app import create_app
from kiosk.backoffice.exports.formats import ExportFormat
from kiosk.hookspecs import hookimpl
from kiosk.plugins import PluginHost
from tests.backoffice.databases import ORIGIN, sign_in


class Freee:
    @hookimpl
    def kiosk_export_formats(self):
        def rows(session, first, last):
            return [[str(first), "=HYPERLINK(1)", 100], [str(last), "ok", 200]]

        return [ExportFormat("freee-v1", "freee 仕訳", ("date", "memo", "amount"), rows)]


def test_function_plugin_export_format_is_listed_and_downloaded(bo_db, clock, staff):
    host = PluginHost()
    host.register(Freee(), "freee")
    app = create_app(bo_db, clock=clock, host=host)
    with TestClient(app, headers={"Origin": ORIGIN}) as client:
        sign_in(client, staff["manager"])
        listed = {f["name"] for f in client.get("/exports/formats").json()}
        assert listed == {"kiosk-journal-v1", "freee-v1"}
        params = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
        text = client.get("/exports/formats/freee-v1.csv", params=params).text.lstrip("\ufeff")
        assert list(csv.reader(io.StringIO(text))) == [
            ["date", "memo", "amount"],
            ["2026-11-01", "'=HYPERLINK(1)", "100"],
            ["2026-11-30", "ok", "200"],
        ]
        journal = client.get("/exports/formats/kiosk-journal-v1.csv", params=params)
        assert journal.status_code == 200 and journal.text.lstrip("\ufeff").startswith("date,")
        assert client.get("/exports/formats/nope.csv", params=params).status_code == 404
