"""The shopper's e-receipt page (QR link from the paper receipt)."""
