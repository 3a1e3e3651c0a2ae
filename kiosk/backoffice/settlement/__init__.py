"""End-of-day cash settlement (精算)."""
