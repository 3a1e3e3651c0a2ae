"""The attendant console: kiosk status reports, commands and the live console page.

Plugins add parts to it (``kiosk_backoffice_console``): the hand-offs are
``plugins/handoff/backoffice``."""
