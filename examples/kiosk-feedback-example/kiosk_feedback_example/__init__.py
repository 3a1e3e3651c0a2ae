"""An example third-party plugin: the shopper rates the checkout on a screen of its own, the
back office keeps the ratings in a table of its own and shows them on a page of its own.

It uses only the plugin hooks (docs/plugins.md, "Screens, pages, migrations, event
handlers"); nothing in the kiosk knows it.
"""

DOMAIN = "kiosk_feedback_example"  # the gettext domain of its messages (locale/)
KIND = "example_feedback"  # the outbox event kind the kiosk sends and the back office reads
RATINGS = ("good", "ok", "bad")
