"""Staff accounts, sign-in sessions, roles and the login throttle."""
