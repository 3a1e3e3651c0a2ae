// The hand-offs' part of the attendant console (a ConsolePart of the handoff plugin), loaded
// after the console's own script. It draws snapshot.handoffs as a table in #console-parts with
// the console's h()/fill(): every value a station or kiosk sent is text, never HTML.
'use strict';
(() => {
  const {h, fill, text, label} = window.kioskConsole;
  // hand-off states (bo_handoffs.state): shown by label, the id stays in the cell's class
  const HANDOFF = {waiting: 'Waiting 待ち', assigned: 'Assigned 割当済', claimed: 'Claimed 受取済',
    paid: 'Paid 支払済', expired: 'Expired 期限切れ'};
  const HEADS = ['Hand-off 受け渡し', 'Station 登録台', 'Staff 担当', 'Kiosk 端末', 'State 状態',
    'Total ¥ 合計', 'Items 点数', 'Created 作成', 'Expires 期限'];
  const body = h('tbody');
  document.getElementById('console-parts').append(
    h('h2', {}, 'Hand-offs 受け渡し (semi-self)'),
    h('table', {id: 'handoffs'}, h('thead', {}, h('tr', {}, ...HEADS.map(x => h('th', {}, x)))), body));
  function draw(s){
    fill(body, (s.handoffs || []).map(x =>
      h('tr', {dataset: {id: x.handoff_id}}, h('td', {}, x.handoff_id), h('td', {}, x.station_id),
        h('td', {}, x.staff_id), h('td', {}, x.kiosk_id), h('td', {className: text(x.state)}, label(HANDOFF, x.state)),
        h('td', {}, Number(x.total).toLocaleString('ja-JP')), h('td', {}, x.items),
        h('td', {}, x.created_at), h('td', {}, x.expires_at))));
  }
  document.addEventListener('console:snapshot', e => draw(e.detail));
  if (window.kioskConsole.lastSnapshot) draw(window.kioskConsole.lastSnapshot);
})();
