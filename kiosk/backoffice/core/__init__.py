"""Shared back-office infrastructure: app factory, database, security, errors, the kiosk door, change buses and the one SSE helper."""
