"""The loyalty plugin's kiosk screens (``kiosk_ui_screens``): member enrolment, and what it
adds to the core's screens (the member line on the shopping screen, "Become a member" and
phone look-up on the member keypad, the points on the receipt screen)."""
