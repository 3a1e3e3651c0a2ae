// The "Today" page: figures pushed over Server-Sent Events, written with textContent only.
'use strict';
function show(d){
  document.getElementById('sales').textContent = d.sales.toLocaleString();
  document.getElementById('returns').textContent = (d.returns || 0).toLocaleString();
  document.getElementById('total').textContent = '¥' + d.total.toLocaleString();
  const rows = (id, items, f) => document.querySelector('#' + id + ' tbody').replaceChildren(
    ...items.map(i => { const tr = document.createElement('tr');
      for (const c of f(i)) { const td = document.createElement('td'); td.textContent = String(c); tr.append(td); }
      return tr; }));
  rows('by-hour', d.by_hour, i => [i.hour + ':00', i.sales, i.total.toLocaleString()]);
  rows('by-kiosk', d.by_kiosk, i => [i.kiosk_id, i.sales, i.total.toLocaleString()]);
  rows('by-payment', d.by_payment, i => [i.label || i.method, i.count, i.amount.toLocaleString()]);
  rows('by-tax', d.by_tax, i => [i.rate_percent + '%', i.gross.toLocaleString(), i.tax_amount.toLocaleString()]);
  document.getElementById('title-day').textContent = d.day;
  document.getElementById('updated').textContent = new Date().toLocaleTimeString();
}
const live = new EventSource('/live/events');
live.addEventListener('day', e => { show(JSON.parse(e.data)); document.getElementById('link').textContent = 'live 接続中'; });
live.onerror = () => { document.getElementById('link').textContent = 'reconnecting 再接続中…'; };
