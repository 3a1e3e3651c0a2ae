"""The plugins' shop fixtures (``plugins/conftest.py``) for the tests here that span plugins."""

from plugins.conftest import clock, kiosk  # noqa: F401  (fixtures)
