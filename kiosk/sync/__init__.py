"""Kiosk ↔ back office: the outbox relay (sales out) and master data (catalogue in)."""

from kiosk.sync.masterdata import MasterDataApplier
from kiosk.sync.relay import OutboxRelay, RelayAlert

__all__ = ["MasterDataApplier", "OutboxRelay", "RelayAlert"]
