"""Kiosk enrolment, identity epochs (cloned/restored kiosks) and journal anchors."""
