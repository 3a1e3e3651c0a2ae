"""The attendant console: kiosk status reports, commands, hand-offs and the live console page."""
