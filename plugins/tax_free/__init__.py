"""Tax-free sales (免税) under the refund method (リファンド方式) in force from 2026-11-01.

Kiosk side: :class:`Plugin` (the hooks) and :func:`desk_for` (the UI's API). Back-office
side, as plain library modules: :mod:`.transmission` (queue), :mod:`.poller` (customs
confirmations), :mod:`.ledger` (refund ledger), :mod:`.refunds` (refund channels),
:mod:`.export` (CSV/JSON), :mod:`.nta_simulator` (a stand-in NTA endpoint), and
:mod:`.scheduler` (the kiosk thread that runs the queue and the poller). See
``docs/tax-free.md``.
"""

from plugins.tax_free.plugin import Plugin, desk_for, scheduler_for, tax_free_ledger

__all__ = ["Plugin", "desk_for", "scheduler_for", "tax_free_ledger"]
