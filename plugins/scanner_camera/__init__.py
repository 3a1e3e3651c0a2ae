"""Camera scanning (カメラスキャン): read product barcodes and QR codes from a webcam.

Capture runs in its own thread and always decodes the newest frame; decoding
(:mod:`.decoder`) is a pure function on an image; agreement and cooldown
(:mod:`.agreement`) are pure logic with an injected clock. :mod:`.plugin` is what the kiosk
loads: it implements ``kiosk_scan_sources`` from the ``[plugins.scanner_camera]`` settings.
See ``docs/camera-scanning.md``.
"""
