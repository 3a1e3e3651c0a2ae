"""The tax-free plugin's kiosk screen (``kiosk_ui_screens``)."""
