"""The 電帳法 search, accounting CSV and the export formats."""
