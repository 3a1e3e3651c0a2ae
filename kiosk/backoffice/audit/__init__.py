"""The hash-chained audit log and its page."""
