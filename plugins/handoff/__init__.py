"""Semi-self checkout (セミセルフ) and the kiosk side of the attendant console.

A staff registration station builds the basket and hands it off to a payment kiosk, through
the store server ("go to kiosk 3") or, with no network, as a signed QR ticket. Every kiosk
reports its state to the back office and runs the console's commands. See docs/semi-self.md.

Modules: :mod:`ticket` (signed compact basket), :mod:`station` (the staff station),
:mod:`receiver` (restoring a basket read-only), :mod:`plugin` (the kiosk plugin),
:mod:`actions` (staff actions, role checks, PIN lock-out), :mod:`reporter` (state reports and
the command queue), :mod:`client` (HTTP to the store server).
"""
