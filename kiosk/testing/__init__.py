"""Test helpers shipped with the kiosk for plugin vendors: conformance kits and fixtures."""
