"""The device panel's HTML: server-rendered with ``html.escape``, no template engine.

The script refreshes the status cells from ``api/devices`` every second (after the previous
refresh finished, so a slow device never piles requests up) and posts the action forms as
JSON. Everything coming from devices is set with ``textContent``, never as HTML.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

_STYLE = """
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 .2em; }
.meta { color: #666; margin-bottom: 1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .35em .5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
tr.bad td.health { background: #fde2e2; color: #a00; font-weight: bold; }
tr.good td.health { background: #e3f6e3; color: #060; }
td.detail { font: 12px ui-monospace, monospace; color: #444; max-width: 22em;
            overflow-wrap: anywhere; }
form { display: inline-block; margin: 0 .3em .3em 0; }
form input[type=text], form input[type=number] { width: 9em; }
#flash { min-height: 1.4em; margin: .5em 0; }
#flash.ok { color: #060; } #flash.err { color: #a00; font-weight: bold; }
.real { color: #666; font-style: italic; }
"""

_SCRIPT = """
const $ = (sel, root) => (root || document).querySelector(sel);
function setCell(row, name, text) { const c = $('[data-field="' + name + '"]', row);
  if (c && c.textContent !== text) c.textContent = text; }
function healthText(d) { return (d.health.ok ? 'ok' : 'NOT OK') + (d.health.stale ? ' (stale)' : ''); }
function statusText(d) { return d.health.status + (d.health.hint && !d.health.ok ? ' — ' + d.health.hint : ''); }
async function refresh() {
  try {
    const r = await fetch('api/devices', {cache: 'no-store'});
    const j = await r.json();
    for (const d of j.devices) {
      const row = document.getElementById('row-' + d.role);
      if (!row) continue;
      setCell(row, 'state', d.state + (d.enabled ? '' : ' (disabled)'));
      setCell(row, 'health', healthText(d));
      setCell(row, 'status', statusText(d));
      setCell(row, 'detail', JSON.stringify(d.detail));
      row.className = d.health.ok ? 'good' : 'bad';
    }
    $('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('#updated').textContent = 'panel unreachable (' + e + ')';
  }
  setTimeout(refresh, 1000);
}
function flash(ok, text) { const f = $('#flash'); f.className = ok ? 'ok' : 'err'; f.textContent = text; }
document.addEventListener('submit', async (ev) => {
  const form = ev.target;
  if (!form.dataset.action) return;
  ev.preventDefault();
  const body = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    body[el.name] = el.type === 'checkbox' ? el.checked : el.value;
  }
  for (const b of form.querySelectorAll('button')) b.disabled = true;
  try {
    const r = await fetch(form.dataset.action, {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
    const j = await r.json();
    flash(r.ok, (j.message || JSON.stringify(j)) + (j.hint && !r.ok ? ' — ' + j.hint : ''));
  } catch (e) { flash(false, String(e)); }
  finally { for (const b of form.querySelectorAll('button')) b.disabled = false; }
});
setTimeout(refresh, 1000);
"""


def _field_html(spec: dict[str, Any]) -> str:
    name, label, kind = escape(spec["name"]), escape(spec["label"]), spec["kind"]
    default = escape(str(spec["default"]))
    if kind == "select":
        options = "".join(
            f'<option value="{escape(o)}"{" selected" if o == spec["default"] else ""}>'
            f"{escape(o)}</option>"
            for o in spec["options"]
        )
        return f'<label>{label} <select name="{name}">{options}</select></label> '
    if kind == "checkbox":
        checked = " checked" if spec["default"] in ("true", "1", "on") else ""
        return f'<label><input type="checkbox" name="{name}"{checked}> {label}</label> '
    input_type = "number" if kind == "number" else "text"
    step = ' step="any" min="0"' if kind == "number" else ""
    return (
        f'<input type="{input_type}" name="{name}" value="{default}"{step} '
        f'placeholder="{label}" aria-label="{label}" required> '
    )


def _actions_html(device: dict[str, Any]) -> str:
    if not device["simulated"]:
        return '<span class="real">real driver: no simulator controls</span>'
    if not device["actions"]:
        return '<span class="real">no controls</span>'
    role = device["role"]
    forms = []
    for action in device["actions"]:
        url = f"api/devices/{role}/actions/{action['name']}"
        fields = "".join(_field_html(spec) for spec in action["fields"])
        forms.append(
            f'<form method="post" action="{escape(url)}" data-action="{escape(url)}">'
            f'{fields}<button type="submit">{escape(action["label"])}</button></form>'
        )
    return "".join(forms)


def _row_html(device: dict[str, Any]) -> str:
    health = device["health"]
    ok = health["ok"]
    status = health["status"] + (f" — {health['hint']}" if health["hint"] and not ok else "")
    state = device["state"] + ("" if device["enabled"] else " (disabled)")
    health_text = ("ok" if ok else "NOT OK") + (" (stale)" if health["stale"] else "")
    return (
        f'<tr id="row-{escape(device["role"])}" class="{"good" if ok else "bad"}">'
        f"<td>{escape(device['role'])}</td>"
        f"<td>{escape(device['device_class'])}</td>"
        f'<td title="{escape(device["driver_type"])}">{escape(device["driver"])}'
        f"{'' if device['simulated'] else ' (real)'}</td>"
        f'<td data-field="state">{escape(state)}</td>'
        f'<td class="health" data-field="health">{escape(health_text)}</td>'
        f'<td data-field="status">{escape(status)}</td>'
        f'<td class="detail" data-field="detail">{escape(json.dumps(device["detail"]))}</td>'
        f"<td>{_actions_html(device)}</td>"
        "</tr>"
    )


def render_page(snapshot: dict[str, Any]) -> str:
    """The whole page for a ``/api/devices`` snapshot."""
    rows = "".join(_row_html(device) for device in snapshot["devices"])
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        "<title>Device panel</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>Device panel</h1>"
        f'<div class="meta">profile <b>{escape(snapshot["profile"])}</b> — '
        f'{escape(snapshot["model"])} · <span id="updated">loaded</span></div>'
        '<div id="flash" role="status"></div>'
        "<table><thead><tr><th>role</th><th>class</th><th>driver</th><th>state</th>"
        "<th>health</th><th>status</th><th>detail</th><th>simulate</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f"<script>{_SCRIPT}</script>"
        "</body></html>\n"
    )
