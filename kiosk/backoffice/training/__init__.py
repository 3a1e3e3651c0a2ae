"""Training-mode sales, kept apart from the books."""
