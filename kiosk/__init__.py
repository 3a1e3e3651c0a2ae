"""An open, plugin-based self-checkout kiosk runtime."""

__version__ = "0.1.0"
