// The attendant console (served as a file: the CSP allows no inline script).
// Everything a kiosk reports is data: it reaches the page only through textContent and
// DOM properties, never parsed as HTML (a kiosk token holder must not run script here).
'use strict';
const LABEL = {idle:'Idle 待機', shopping:'Shopping 登録中', paying:'Paying 精算中',
  needs_attendant:'Needs attendant 呼出', error:'Error 異常', offline:'Offline 通信断', paid:'Paid 支払済'};
// kiosk roles and modes (attendant_policy.KioskRole / KioskMode)
const ROLE = {self:'Self フルセルフ', payment:'Payment 精算機', station:'Station 登録機'};
const MODE = {open:'Open 営業中', paused:'Paused 休止中', closed:'Closed 閉局'};
const label = (map, id) => map[id] || text(id);
const ALERT = {help_requested:'Help 呼出', age_restricted:'Age check 年齢確認', device_fault:'Device fault 機器異常',
  payment_unknown:'Payment unknown 決済不明', payment_problem:'Payment problem 決済異常',
  removal_approval:'Removal 取消承認', long_paying:'Long in payment 精算長時間', offline:'Offline 通信断'};
const CSRF = document.querySelector('meta[name=csrf-token]').content;
const text = v => String(v ?? '');
const yen = n => '¥' + Number(n || 0).toLocaleString('ja-JP');
const seenAlerts = new Set(); let first = true; let audio = null; let received = Date.now();
window.consoleBeeps = 0; window.consoleSnapshots = 0;

// h('td', {className: 'amt', dataset: {line: 3}}, 'text', childNode) — text children become text nodes
function h(tag, props, ...children){
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})){
    if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = text(dv);
    else el[k] = v;
  }
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(text(c)));
  return el;
}
function fill(parent, nodes){ parent.replaceChildren(...nodes); }

function beep(){
  window.consoleBeeps++;
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    [0, 0.22].forEach(t => { const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880; g.gain.value = 0.2; o.connect(g); g.connect(audio.destination);
      o.start(audio.currentTime + t); o.stop(audio.currentTime + t + 0.15); });
  } catch (e) { /* no audio device: the red banner still shows */ }
}
document.getElementById('sound').addEventListener('click', () => {
  audio = audio || new (window.AudioContext || window.webkitAudioContext)(); audio.resume(); beep(); });
function dur(s){ s = Math.max(0, Math.floor(s)); const m = Math.floor(s/60); return m ? `${m}m ${s%60}s` : `${s}s`; }

function skeleton(k){
  const figure = (label, cls) => [h('dt', {}, label), h('dd', {className: cls})];
  const action = (a, label) => h('button', {type: 'button', dataset: {a}}, label);
  const el = h('section', {className: 'tile', id: 'tile-' + text(k.kiosk_id)},
    h('h2', {}, h('span', {}, text(k.name) + ' ', h('small', {}, k.kiosk_id)), h('span', {className: 'badge'})),
    h('dl', {className: 'figures'}, ...figure('Total 合計', 'total'), ...figure('Items 点数', 'items'),
      ...figure('In state 経過', 'since'), ...figure('Role / mode 役割', 'mode'), ...figure('Devices 機器', 'health'),
      ...figure('Unsent 未送信', 'unsent')),
    h('div', {className: 'alerts'}), h('table', {className: 'lines'}, h('tbody')),
    h('ol', {className: 'timeline'}),
    h('div', {className: 'actions'},
      action('approve_age', 'Approve 承認'), action('cancel', 'Cancel 中止'), action('reprint', 'Reprint 再発行'),
      action('pause', 'Pause 休止'), action('open', 'Open 開局'), action('close', 'Close 閉局'),
      h('input', {className: 'price', type: 'number', min: '0', placeholder: 'new ¥'}),
      h('input', {className: 'msg', placeholder: 'message to screen'}), action('message', 'Send 送信')));
  el.querySelectorAll('button[data-a]').forEach(b => b.addEventListener('click', () => {
    const args = b.dataset.a === 'message' ? {text: el.querySelector('.msg').value} : {};
    act(k.kiosk_id, b.dataset.a, args);
  }));
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
  const r = await fetch(`/console/kiosks/${encodeURIComponent(kiosk)}/commands`, {method: 'POST',
    credentials: 'same-origin', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': CSRF},
    body: JSON.stringify({action, args})});
  const d = await r.json().catch(() => ({}));
  fb.textContent = r.ok ? `${kiosk}: ${action} sent 送信済` : `${kiosk}: ${action} refused — ${d.detail || r.status}`;
  fb.dataset.ok = r.ok ? '1' : '0';
}

function clip(value){ return h('span', {className: 'clip', title: text(value)}, value); }
function lineRow(l){
  const op = (name, label) => h('button', {type: 'button', dataset: {line: l.line_id, op: name}}, label);
  return h('tr', {}, h('td', {}, clip(l.line_id)), h('td', {}, l.name),
    h('td', {className: 'amt'}, clip('×' + text(l.quantity))), h('td', {className: 'amt'}, yen(l.amount)),
    h('td', {className: 'ops'}, op('void_line', 'Void 取消'), ' ', op('override_price', 'Price 売変')));
}

function render(s){
  window.consoleSnapshots++; received = Date.now(); window.lastSnapshot = s;
  document.getElementById('live').textContent = 'on';
  document.getElementById('updated').textContent = text(s.at).slice(11);
  for (const k of s.kiosks){
    const el = document.getElementById('tile-' + text(k.kiosk_id)) || skeleton(k);
    el.className = 'tile state-' + text(k.state); el.dataset.state = text(k.state);
    el.dataset.seconds = text(k.seconds_in_state);
    el.querySelector('.badge').textContent = LABEL[k.state] || text(k.state);
    el.querySelector('.total').textContent = yen(k.total);
    el.querySelector('.items').textContent = text(k.items);
    el.querySelector('.mode').textContent = `${label(ROLE, k.role) || '-'} / ${label(MODE, k.mode) || '-'}`;
    const health = Object.entries(k.health || {});
    el.querySelector('.health').textContent = health.length ? health.map(([d, v]) => `${d}: ${v}`).join(', ') : 'ok';
    el.querySelector('.unsent').textContent = text(k.unsent_sales);
    // figures plugins add (ConsolePart.tile), after the core's in the same list: text only
    const figures = el.querySelector('.figures');
    figures.querySelectorAll('.field').forEach(n => n.remove());
    figures.append(...(k.fields || []).flatMap(f =>
      [h('dt', {className: 'field'}, f.label), h('dd', {className: 'field', dataset: {key: f.key}}, f.value)]));
    fill(el.querySelector('.alerts'), (k.alerts || []).map(a =>
      h('span', {className: 'alert', dataset: {kind: a.kind}}, `⚠ ${ALERT[a.kind] || text(a.kind)} ${text(a.detail)}`)));
    fill(el.querySelector('.lines tbody'), (k.lines || []).map(lineRow));
    fill(el.querySelector('.timeline'), (k.timeline || []).map(t =>
      h('li', {dataset: {new: t.new}}, `${text(t.at)} ${label(LABEL, t.old)} → `, h('b', {}, label(LABEL, t.new)))));
  }
  const bar = document.getElementById('alerts-bar'); let fresh = false;
  fill(bar, s.alerts.map(a => h('span', {className: 'alert', dataset: {key: a.key}},
    `${text(a.kiosk_id)}: ${ALERT[a.kind] || text(a.kind)}`)));
  const now = new Set(s.alerts.map(a => a.key));
  for (const key of now) if (!seenAlerts.has(key)) { seenAlerts.add(key); fresh = true; }
  for (const key of [...seenAlerts]) if (!now.has(key)) seenAlerts.delete(key);
  if (fresh && !first) beep();
  if (fresh && first && s.alerts.length) beep();
  first = false; tick();
  document.dispatchEvent(new CustomEvent('console:snapshot', {detail: s}));  // plugins' parts
}
// What a plugin's console script (ConsolePart.script, loaded after this file) may use: it
// draws its part into #console-parts on each 'console:snapshot' event (and from lastSnapshot
// if one came before it loaded), with h()/fill() so reported values stay text.
window.kioskConsole = {h, fill, text, label, yen, get lastSnapshot(){ return window.lastSnapshot; }};
function tick(){ document.querySelectorAll('.tile').forEach(el => {
  el.querySelector('.since').textContent = dur(Number(el.dataset.seconds || 0) + (Date.now() - received) / 1000); }); }
setInterval(tick, 1000);
const source = new EventSource('/console/events');
source.addEventListener('snapshot', e => render(JSON.parse(e.data)));
source.onerror = () => { document.getElementById('live').textContent = 'reconnecting… 再接続中'; };
