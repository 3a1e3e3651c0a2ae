"""The shop's rules in pure Python: money, codes, catalogue, basket, tax, receipts, checkout.

Nothing here imports Kivy, SQL, pluggy or does I/O; the runtime, the UI and the drivers call
into this package, never the other way round.
"""
