"""Stock moves, counts and reorder points."""
