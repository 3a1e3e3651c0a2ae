"""The shopper languages, in the order the screen offers them (pure: no gettext here).

:mod:`kiosk.messages` translates into these; the sale document records an adjustment's
label in each of them.
"""

LANGUAGES: tuple[str, ...] = ("ja", "en", "zh-Hans", "ko")
