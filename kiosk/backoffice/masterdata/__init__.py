"""Products, settings and published master-data versions for the kiosks."""
