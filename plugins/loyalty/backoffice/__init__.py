"""The loyalty plugin's back office: customers, campaigns, the store-wide loyalty ledger."""
