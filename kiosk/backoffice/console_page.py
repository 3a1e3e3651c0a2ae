"""The attendant console's markup, style and script (served by :mod:`console_web`).

The page opens an EventSource on ``/console/events``; each message is a whole snapshot.
Tiles are built once per kiosk and then updated in place, so a half-typed message or price
survives updates. New alerts beep (WebAudio) once; ``window.consoleBeeps`` counts them.
"""

from __future__ import annotations

STYLE = """
<style>
main{max-width:none}
.toolbar{display:flex;gap:1rem;align-items:center;margin-bottom:.5rem}
#alerts-bar{min-height:1.6rem}
#alerts-bar .alert{display:inline-block;background:#b00020;color:#fff;border-radius:4px;padding:.15rem .5rem;margin:.1rem;font-weight:bold}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:.8rem}
.tile{background:#fff;border:1px solid #ccd;border-top:8px solid #9aa;border-radius:6px;padding:.6rem .8rem}
.tile h2{margin:.1rem 0 .3rem;font-size:1.15rem;display:flex;justify-content:space-between;align-items:center}
.badge{font-size:.85rem;border-radius:999px;padding:.1rem .6rem;background:#e3e6ea;color:#222}
.state-idle{border-top-color:#2e7d32}.state-idle .badge{background:#2e7d32;color:#fff}
.state-shopping{border-top-color:#1565c0}.state-shopping .badge{background:#1565c0;color:#fff}
.state-paying{border-top-color:#ef8f00}.state-paying .badge{background:#ef8f00;color:#fff}
.state-needs_attendant{border-top-color:#c62828;background:#fff5f5}.state-needs_attendant .badge{background:#c62828;color:#fff}
.state-error{border-top-color:#6a1b1b}.state-error .badge{background:#6a1b1b;color:#fff}
.state-offline{border-top-color:#777;background:#f0f0f0;color:#666}.state-offline .badge{background:#777;color:#fff}
.figures{display:grid;grid-template-columns:auto 1fr;gap:.05rem .6rem;font-size:.92rem}
.figures dt{color:#667}.figures dd{margin:0;font-weight:600}
.total{font-size:1.4rem}
.tile .alerts .alert{color:#b00020;font-weight:bold;display:block}
.timeline{font-size:.78rem;color:#445;margin:.3rem 0;padding-left:1.2rem;max-height:7.5rem;overflow:auto}
.lines{font-size:.85rem;margin:.3rem 0;width:100%;border:0}
.lines td{padding:.1rem .3rem;border:0;border-bottom:1px solid #e6e8ec;text-align:left;vertical-align:middle}
.lines td.amt{text-align:right;white-space:nowrap}.lines td.ops{white-space:nowrap;text-align:right}
.lines button{font-size:.75rem;padding:0 .3rem}
.state-offline .actions{opacity:.45}
.actions{display:flex;flex-wrap:wrap;gap:.25rem;margin-top:.4rem}.actions button{font-size:.8rem}
.actions input{width:5.5rem;font-size:.8rem}.actions input.msg{width:11rem}
#feedback{min-height:1.3rem;font-weight:bold}
#handoffs td.expired{color:#b00020;font-weight:bold}
</style>
"""

BODY = """
<div class="toolbar"><button id="sound" type="button">♪ Sound on 音声オン</button>
<span>Live 更新: <b id="live">connecting…</b> <span id="updated"></span></span>
<span id="feedback" role="status"></span></div>
<div id="alerts-bar" aria-live="assertive"></div>
<div id="tiles" class="tiles"></div>
<h2>Hand-offs 受け渡し (semi-self)</h2>
<table id="handoffs"><thead><tr><th>Hand-off</th><th>Station</th><th>Staff</th><th>Kiosk</th>
<th>State</th><th>Total ¥</th><th>Items</th><th>Created</th><th>Expires</th></tr></thead><tbody></tbody></table>
"""

SCRIPT = r"""
const LABEL = {idle:'Idle 待機', shopping:'Shopping 登録中', paying:'Paying 精算中',
  needs_attendant:'Needs attendant 呼出', error:'Error 異常', offline:'Offline 通信断'};
const ALERT = {help_requested:'Help 呼出', age_restricted:'Age check 年齢確認', device_fault:'Device fault 機器異常',
  payment_unknown:'Payment unknown 決済不明', payment_problem:'Payment problem 決済異常',
  removal_approval:'Removal 取消承認', long_paying:'Long in payment 精算長時間', offline:'Offline 通信断'};
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const yen = n => '¥' + Number(n || 0).toLocaleString('ja-JP');
const seenAlerts = new Set(); let first = true; let audio = null; let received = Date.now();
window.consoleBeeps = 0; window.consoleSnapshots = 0;
function beep(){
  window.consoleBeeps++;
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    [0, 0.22].forEach(t => { const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880; g.gain.value = 0.2; o.connect(g); g.connect(audio.destination);
      o.start(audio.currentTime + t); o.stop(audio.currentTime + t + 0.15); });
  } catch (e) { /* no audio device: the red banner still shows */ }
}
document.getElementById('sound').onclick = () => { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); audio.resume(); beep(); };
function dur(s){ s = Math.max(0, Math.floor(s)); const m = Math.floor(s/60); return m ? `${m}m ${s%60}s` : `${s}s`; }
function skeleton(k){
  const el = document.createElement('section'); el.className = 'tile'; el.id = 'tile-' + k.kiosk_id;
  el.innerHTML = `<h2><span>${esc(k.name)} <small>${esc(k.kiosk_id)}</small></span><span class="badge"></span></h2>
  <dl class="figures"><dt>Total 合計</dt><dd class="total"></dd><dt>Items 点数</dt><dd class="items"></dd>
  <dt>In state 経過</dt><dd class="since"></dd><dt>Role / mode</dt><dd class="mode"></dd>
  <dt>Devices 機器</dt><dd class="health"></dd><dt>Unsent 未送信</dt><dd class="unsent"></dd>
  <dt>Hand-off</dt><dd class="handoff"></dd></dl>
  <div class="alerts"></div><table class="lines"><tbody></tbody></table>
  <ol class="timeline"></ol>
  <div class="actions">
   <button data-a="approve_age">Approve 承認</button><button data-a="cancel">Cancel 中止</button>
   <button data-a="reprint">Reprint 再発行</button><button data-a="pause">Pause 休止</button>
   <button data-a="open">Open 開局</button><button data-a="close">Close 閉局</button>
   <input class="price" type="number" min="0" placeholder="new ¥">
   <input class="msg" placeholder="message to screen"><button data-a="message">Send 送信</button>
  </div>`;
  el.querySelectorAll('button[data-a]').forEach(b => b.onclick = () => {
    const args = b.dataset.a === 'message' ? {text: el.querySelector('.msg').value} : {};
    act(k.kiosk_id, b.dataset.a, args);
  });
  el.addEventListener('click', ev => {
    const b = ev.target.closest('button[data-line]'); if (!b) return;
    const args = {line_id: Number(b.dataset.line)};
    if (b.dataset.op === 'override_price') args.price = Number(el.querySelector('.price').value);
    act(k.kiosk_id, b.dataset.op, args);
  });
  document.getElementById('tiles').appendChild(el); return el;
}
async function act(kiosk, action, args){
  const fb = document.getElementById('feedback'); fb.textContent = `${kiosk}: ${action}…`;
  const r = await fetch(`/console/kiosks/${encodeURIComponent(kiosk)}/commands`, {method:'POST',
    credentials:'same-origin', headers:{'Content-Type':'application/json'}, body: JSON.stringify({action, args})});
  const d = await r.json().catch(() => ({}));
  fb.textContent = r.ok ? `${kiosk}: ${action} sent 送信済` : `${kiosk}: ${action} refused — ${d.detail || r.status}`;
  fb.dataset.ok = r.ok ? '1' : '0';
}
function render(s){
  window.consoleSnapshots++; received = Date.now(); window.lastSnapshot = s;
  document.getElementById('live').textContent = 'on';
  document.getElementById('updated').textContent = s.at.slice(11);
  for (const k of s.kiosks){
    const el = document.getElementById('tile-' + k.kiosk_id) || skeleton(k);
    el.className = 'tile state-' + k.state; el.dataset.state = k.state; el.dataset.seconds = k.seconds_in_state;
    el.querySelector('.badge').textContent = LABEL[k.state] || k.state;
    el.querySelector('.total').textContent = yen(k.total);
    el.querySelector('.items').textContent = k.items;
    el.querySelector('.mode').textContent = `${k.role || '-'} / ${k.mode || '-'}`;
    const h = Object.entries(k.health || {});
    el.querySelector('.health').textContent = h.length ? h.map(([d, v]) => `${d}: ${v}`).join(', ') : 'ok';
    el.querySelector('.unsent').textContent = k.unsent_sales;
    el.querySelector('.handoff').textContent = k.handoff_id || '—';
    el.querySelector('.alerts').innerHTML = k.alerts.map(a =>
      `<span class="alert" data-kind="${esc(a.kind)}">⚠ ${esc(ALERT[a.kind] || a.kind)} ${esc(a.detail)}</span>`).join('');
    el.querySelector('.lines tbody').innerHTML = (k.lines || []).map(l =>
      `<tr><td>${l.line_id}</td><td>${esc(l.name)}</td><td class="amt">×${l.quantity}</td><td class="amt">${yen(l.amount)}</td>
       <td class="ops"><button data-line="${l.line_id}" data-op="void_line">Void 取消</button>
       <button data-line="${l.line_id}" data-op="override_price">Price 売変</button></td></tr>`).join('');
    el.querySelector('.timeline').innerHTML = k.timeline.map(t =>
      `<li data-new="${esc(t.new)}">${esc(t.at)} ${esc(t.old)} → <b>${esc(t.new)}</b></li>`).join('');
  }
  const bar = document.getElementById('alerts-bar'); let fresh = false;
  bar.innerHTML = s.alerts.map(a => `<span class="alert" data-key="${esc(a.key)}">${esc(a.kiosk_id)}: ${esc(ALERT[a.kind] || a.kind)}</span>`).join('');
  const now = new Set(s.alerts.map(a => a.key));
  for (const key of now) if (!seenAlerts.has(key)) { seenAlerts.add(key); fresh = true; }
  for (const key of [...seenAlerts]) if (!now.has(key)) seenAlerts.delete(key);
  if (fresh && !first) beep();
  if (fresh && first && s.alerts.length) beep();
  first = false; tick();
  document.querySelector('#handoffs tbody').innerHTML = s.handoffs.map(x =>
    `<tr data-id="${esc(x.handoff_id)}"><td>${esc(x.handoff_id)}</td><td>${esc(x.station_id)}</td><td>${esc(x.staff_id)}</td>
     <td>${esc(x.kiosk_id)}</td><td class="${esc(x.state)}">${esc(x.state)}</td><td>${Number(x.total).toLocaleString('ja-JP')}</td>
     <td>${x.items}</td><td>${esc(x.created_at)}</td><td>${esc(x.expires_at)}</td></tr>`).join('');
}
function tick(){ document.querySelectorAll('.tile').forEach(el => {
  el.querySelector('.since').textContent = dur(Number(el.dataset.seconds || 0) + (Date.now() - received) / 1000); }); }
setInterval(tick, 1000);
const source = new EventSource('/console/events');
source.addEventListener('snapshot', e => render(JSON.parse(e.data)));
source.onerror = () => { document.getElementById('live').textContent = 'reconnecting… 再接続中'; };
"""
