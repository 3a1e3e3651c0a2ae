"""The tax-free plugin's back office: the store-wide ledger, its page and API."""
