"""Rewrite imports of the old flat back-office modules to the feature packages (issue 19).

A merge helper: a branch written against ``kiosk/backoffice/<module>.py`` (``web.py``,
``models.py``, ``api.py``, ...) imports modules that moved. Run

    python scripts/rewrite_backoffice_imports.py FILE...

on its Python, Markdown and TOML files after merging: ``from kiosk.backoffice.models import
Base, SaleRow`` becomes one import per new module (``core.models``, ``sales.models``), and
dotted references in strings and docs follow. Comments on rewritten import lines are not
kept (check ``# noqa`` markers). Files it changes are printed. Delete this script once the
parallel branches are merged.
"""

import re
import sys
from pathlib import Path

P = "kiosk.backoffice."
MOD = dict(
    app="core.app",
    db="core.db",
    writer_queue="core.writer_queue",
    errors="core.errors",
    bounds="core.bounds",
    door="core.door",
    web_security="core.security",
    change_bus="core.change_bus",
    change_feed="core.change_feed",
    extensions="core.extensions",
    event_handlers="core.event_handlers",
    business_day="core.business_day",
    backup="core.backup",
    models="sales.models",
    api="sales.api",
    ingest="sales.ingest",
    ingest_rows="sales.ingest_rows",
    ingest_sales="sales.ingest_sales",
    kiosk_schemas="sales.schemas",
    sales_partitions="sales.partitions",
    parked_events="sales.parked_events",
    reconcile="sales.reconcile",
    auth="staff.auth",
    throttle="staff.throttle",
    audit="audit.service",
    kiosk_identity="kiosks.identity",
    kiosk_identity_web="kiosks.web",
    journal_anchor="kiosks.journal_anchor",
    reports="reports.service",
    web="reports.web",
    charts="reports.charts",
    exports="exports.service",
    export_formats="exports.formats",
    report_archive="archive.service",
    report_archive_web="archive.web",
    settlement="settlement.service",
    inventory="inventory.service",
    web_ops="inventory.web",
    masterdata="masterdata.service",
    console_api="console.api",
    console_models="console.models",
    console_page="console.page",
    console_state="console.state",
    console_web="console.web",
    handoffs="console.handoffs",
    ereceipt_web="ereceipt.web",
    training="training.service",
)
NEWSUB = {"service", "models", "web", "api", "formats", "charts", "templates"}
PKGS = {"audit", "reports", "exports", "settlement", "inventory", "masterdata", "training"}
NAMES = {
    "models": dict(
        Base="core.models",
        KioskRow="kiosks.models",
        ProductRow="masterdata.models",
        MasterVersionRow="masterdata.models",
        SettingRow="masterdata.models",
        StockMoveRow="inventory.models",
        SettlementRow="settlement.models",
        StaffRow="staff.models",
        SessionRow="staff.models",
        AuditRow="audit.models",
    ),
    "kiosk_identity": dict(EpochRow="kiosks.models", IdentityFlagRow="kiosks.models"),
    "journal_anchor": dict(JournalHeadRow="kiosks.models"),
    "training": dict(TrainingSaleRow="training.models"),
    "report_archive": dict(ArchivedReportRow="archive.models"),
    "api": {
        **{
            n: "core.deps"
            for n in [
                "SESSION_COOKIE",
                "bo",
                "kiosk_token",
                "session_token",
                "current_staff",
                "staff_with",
                "Attendant",
                "Manager",
                "Admin",
                "KioskToken",
                "JsonBody",
                "parse_month",
            ]
        },
        "masterdata_current": "masterdata.api",
        "masterdata_applied": "masterdata.api",
        "report_day": "reports.api",
        "report_month": "reports.api",
        "search_sales": "exports.api",
    },
    "web": {
        **{n: "core.pages" for n in ["form", "error_page", "csv_response"]},
        **{n: "staff.web" for n in ["login_page", "login_submit", "logout"]},
        **{
            n: "exports.web"
            for n in ["_search_query", "search_page", "search_csv", "accounting_csv"]
        },
    },
    "web_ops": {
        "back": "core.pages",
        "integer": "core.pages",
        **{
            n: "settlement.web"
            for n in ["settlement_page", "settlement_table", "settlement_submit"]
        },
        **{n: "masterdata.web" for n in ["masterdata_page", "publish_submit", "settings_submit"]},
        **{
            n: "kiosks.web"
            for n in [
                "KIOSK_COLUMNS",
                "kiosks_page",
                "anchor_reset_submit",
                "enrol_submit",
                "revoke_submit",
            ]
        },
        "staff_page": "staff.web",
        "staff_submit": "staff.web",
        "audit_page": "audit.web",
    },
}

IMPORT = re.compile(
    r"^(?P<ind>[ \t]*)from kiosk\.backoffice(?:\.(?P<mod>[\w]+))? import (?P<names>\([^)]*\)|[^\n]*(?:\\\n[^\n]*)*)",
    re.M,
)


def parse_names(s):
    s = s.strip().strip("()").replace("\\\n", " ")
    out = []
    for part in s.split(","):
        part = part.split("#")[0].strip()
        if not part:
            continue
        if " as " in part:
            n, a = [x.strip() for x in part.split(" as ")]
        else:
            n, a = part, None
        out.append((n, a))
    return out


def fmt(ind, mod, names):
    items = ", ".join(f"{n} as {a}" if a else n for n, a in names)
    line = (
        f"{ind}from kiosk.backoffice.{mod} import {items}"
        if mod
        else f"{ind}from kiosk.backoffice import {items}"
    )
    return line


def sub_import(m):
    ind, mod, names = m.group("ind"), m.group("mod"), parse_names(m.group("names"))
    if mod is None:
        out = []
        keep = []
        for n, a in names:
            if n in MOD:
                pkg, _, sub = MOD[n].rpartition(".")
                alias = a or n
                out.append(fmt(ind, pkg, [(sub, alias if alias != sub else None)]))
            else:
                keep.append((n, a))
        if keep:
            out.insert(0, fmt(ind, None, keep))
        return "\n".join(out)
    if mod in MOD:
        groups = {}
        for n, a in names:
            target = NAMES.get(mod, {}).get(n, MOD[mod])
            groups.setdefault(target, []).append((n, a))
        return "\n".join(fmt(ind, t, ns) for t, ns in groups.items())
    return m.group(0)


def dotted(text):
    def rep(m):
        old, rest = m.group(1), m.group(2) or ""
        if old not in MOD:
            return m.group(0)
        if old in PKGS and rest and rest[1:].split(".")[0].split(":")[0] in NEWSUB:
            return m.group(0)
        if rest:
            attr = rest[1:].split(".")[0].split(":")[0]
            tgt = NAMES.get(old, {}).get(attr)
            if tgt:
                return P + tgt + rest
        return P + MOD[old] + rest

    return re.sub(r"kiosk\.backoffice\.(\w+)((?:[.:]\w+)*)", rep, text)


def main(files: list[str]) -> None:
    for name in files:
        path = Path(name)
        text = path.read_text()
        new = IMPORT.sub(sub_import, text) if name.endswith(".py") else text
        # dotted references outside import statements (strings, docs, toml)
        lines = [
            line if re.match(r"\s*from kiosk\.backoffice", line) else dotted(line)
            for line in new.split("\n")
        ]
        new = "\n".join(lines)
        if new != text:
            path.write_text(new)
            print("rewrote", name)


if __name__ == "__main__":
    main(sys.argv[1:])
