"""The payment contract: methods are plugins; every payment is a persisted state machine."""
