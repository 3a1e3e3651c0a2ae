"""Which of the two last steps a live frame runs: the stacked-DataBar step on one frame, the
defocus step on the next (round 9 cost, issue 22).

Both steps run only on a frame where nothing was accepted, so they are what an empty frame
pays beyond the first pass and the default finder: about a quarter of its time at 1280×720
(the stacked finder ≈ 0.04 of pyzbar's time, the coarse finder and its gate ≈ 0.02;
docs/camera-scanning.md, "Round 9 (cost)"). A code only they read — a small stacked DataBar,
a UPC-A defocused until its narrow bars merge — stays in view for many frames while the
shopper holds it up, so from a live source each step runs on every other frame: an empty
frame pays one of them, and such a code is read at most one frame later. A step that read
something keeps its turn for the next frame (the scan needs a second read: without that it
would come two frames late, not one). A frame-by-frame
source (files, tests, the benchmark) and :func:`.decoder.decode` itself keep every step on
every frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from plugins.scanner_camera.decoder import DecodedCode, DecodeOptions

STEPS = ("stacked:", "defocus:")  # the stage prefix of each turn's step's reads


class LastStepCadence:
    """Per live frame, the options with one of the last steps off, taking turns."""

    def __init__(self, options: DecodeOptions) -> None:
        self._turns = (
            replace(options, defocus_step=False),
            replace(options, stacked_databar=False),
        )
        self._frame = 0

    def next(self) -> DecodeOptions:
        """The options for the next live frame."""
        options = self._turns[self._frame % 2]
        self._frame += 1
        return options

    def saw(self, codes: Iterable[DecodedCode]) -> None:
        """The reads of the frame :meth:`next` was last asked for: when its step read
        something, the next frame takes the same turn again."""
        step = STEPS[(self._frame - 1) % 2]
        if any(c.stage.startswith(step) for c in codes):
            self._frame -= 1
