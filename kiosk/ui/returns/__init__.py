"""Returns at the kiosk (返品): staff sign in on the staff overlay, find the sale (its
receipt's SR1 code scanned, its receipt number typed, or a search by amount), choose lines
and quantities, refund, and print the return receipt / 適格返還請求書.

:class:`~kiosk.ui.returns.model.ReturnModel` (``ctl.returns``) holds what the screen
shows and calls only :class:`kiosk.runtime.returns.KioskReturns` (through the worker). The
semi-self station opens the same flow with ``ctl.returns.open()``. Texts are the gettext
domain ``kiosk.ui.returns`` (``locale/<lang>/LC_MESSAGES/returns.po``).
"""
