"""Day, month and P&L reports: queries, pages, CSV and the JSON report API."""
