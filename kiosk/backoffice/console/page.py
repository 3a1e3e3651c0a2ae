"""The attendant console's markup (served by :mod:`console_web`).

The page loads ``/static/backoffice/console.js``, which opens an EventSource on
``/console/events``; each message is a whole snapshot. Tiles are built once per kiosk and
then updated in place, so a half-typed message or price survives updates. New alerts beep
(WebAudio) once; ``window.consoleBeeps`` counts them. The script builds every element with
``createElement``/``textContent``: what kiosks report is never parsed as HTML. Its style is in
``static/backoffice.css``.
"""

from __future__ import annotations

from typing import LiteralString

SCRIPTS = ("console.js",)

BODY: LiteralString = """
<div class="toolbar"><button id="sound" type="button">♪ Sound on 音声オン</button>
<span>Live 更新: <b id="live">connecting…</b> <span id="updated"></span></span>
<span id="feedback" role="status"></span></div>
<div id="alerts-bar" aria-live="assertive"></div>
<div id="tiles" class="tiles"></div>
<h2>Hand-offs 受け渡し (semi-self)</h2>
<table id="handoffs"><thead><tr><th>Hand-off 受け渡し</th><th>Station 登録台</th><th>Staff 担当</th>
<th>Kiosk 端末</th><th>State 状態</th><th>Total ¥ 合計</th><th>Items 点数</th><th>Created 作成</th>
<th>Expires 期限</th></tr></thead><tbody></tbody></table>
"""
