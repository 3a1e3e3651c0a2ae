"""Real hardware drivers (serial, ESC/POS …). Simulators live in :mod:`kiosk.devices.sim`."""
