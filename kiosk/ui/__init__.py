"""The Kivy shell of the kiosk (the touch screen the shopper uses).

Import order matters with Kivy: :func:`kiosk.ui.lockdown.configure_kivy` must run before
anything imports ``kivy.core.window``. :func:`kiosk.ui.app.run_app` does that for you.
This package's ``__init__`` imports no Kivy.
"""
