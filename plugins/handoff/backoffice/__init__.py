"""The handoff plugin's back office: hand-offs between stations and payment kiosks, their
kiosk API (``/api/v1/handoffs``) and their part of the attendant console."""
