"""Page layout and small HTML helpers (string.Template, escaped values; no template engine)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from string import Template

from fastapi.responses import HTMLResponse

from kiosk.backoffice.models import StaffRow

CSS = """
body{font-family:system-ui,"Noto Sans CJK JP",sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#1f3b57;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none}header .who{margin-left:auto}
main{padding:1rem;max-width:1100px}
table{border-collapse:collapse;background:#fff;margin:.5rem 0 1rem}
th,td{border:1px solid #ccd;padding:.25rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}
.bad{color:#b00020;font-weight:bold}.ok{color:#0a7a2f}.card{display:inline-block;background:#fff;border:1px solid #ccd;padding:.6rem 1rem;margin:.3rem}
.card b{display:block;font-size:1.6rem}form.inline{display:inline}input,select,textarea{font:inherit;margin:.1rem}
.error{background:#fde7e9;border:1px solid #b00020;padding:.6rem}
"""

PAGE = Template("""<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>$title · Back office</title><style>$css</style></head>
<body><header><strong>Back office</strong>$nav<span class="who">$who</span></header>
<main><h1>$title</h1>
$body
</main>$script</body></html>""")

NAV = (
    ("/", "Today 本日"),
    ("/console", "Console 監視"),
    ("/reports/daily", "Daily 日報"),
    ("/reports/monthly", "Monthly 月報"),
    ("/reports/archive", "Archive 帳票保管"),
    ("/reports/pl", "P&L 部門損益"),
    ("/settlement", "Settlement 精算"),
    ("/inventory", "Inventory 在庫"),
    ("/search", "Search 電帳法検索"),
    ("/customers", "Customers 顧客"),
    ("/campaigns", "Campaigns 販促効果"),
    ("/tax-free", "Tax-free 免税"),
    ("/masterdata", "Master data マスタ"),
    ("/kiosks", "Kiosks"),
    ("/staff", "Staff"),
    ("/audit", "Audit"),
)


def page(
    title: str, body: str, staff: StaffRow | None, *, script: str = "", status: int = 200
) -> HTMLResponse:
    nav = "".join(f' <a href="{href}">{escape(label)}</a>' for href, label in NAV) if staff else ""
    who = (
        f"{escape(staff.display_name)} ({escape(staff.role)}) "
        '<form class="inline" method="post" action="/logout"><button>Sign out</button></form>'
        if staff
        else ""
    )
    html = PAGE.substitute(
        title=escape(title),
        css=CSS,
        nav=nav,
        who=who,
        body=body,
        script=f"<script>{script}</script>" if script else "",
    )
    return HTMLResponse(html, status_code=status)


def table(header: Sequence[str], rows: Iterable[Sequence[object]], *, id_: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    ident = f' id="{escape(id_)}"' if id_ else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Raw(str):
    """Markup we built ourselves, put into a table cell as it is."""


def cell(value: object) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    return escape("" if value is None else str(value))


def yen(value: int) -> str:
    return f"¥{value:,}"
