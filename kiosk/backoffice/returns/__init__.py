"""Returns (返品) in the back office: ingest of the kiosks' return documents, the sale's
returnable units across kiosks, the double-return flag, and the staff page/API."""
