"""Settings of the camera scanner (``[plugins.scanner_camera]`` in ``kiosk.toml``).

The runtime hands the plugin a plain dict; :meth:`CameraScannerConfig.from_settings` checks
every key and says what to write instead when one is wrong. An empty dict means "no camera".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from kiosk.domain.scan import Symbology

UNTIL_GONE = "until_gone"

# The retail set the decoder looks for unless the store narrows it.
RETAIL_FORMATS: tuple[Symbology, ...] = (
    Symbology.EAN13,
    Symbology.EAN8,
    Symbology.UPCA,
    Symbology.UPCE,
    Symbology.CODE128,
    Symbology.ITF,
    Symbology.DATABAR,
    Symbology.DATABAR_EXPANDED,
    Symbology.QR,
)


class CameraConfigError(ValueError):
    """A ``scanner_camera`` setting is wrong; the message names the key and what to write."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"[plugins.scanner_camera] {key}: {problem}")
        self.key = key
        self.problem = problem


class CameraSettingsTable(BaseModel):
    """The table's keys and their types, declared to the kiosk (``kiosk_plugin_settings``):
    checked when ``kiosk.toml`` is read, so a misspelt key is an error naming the file, the
    table and the key. What the values mean (a source that exists, a known symbology…)
    :meth:`CameraScannerConfig.from_settings` checks when the camera starts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str | None = None  # required once the table has any key; the plugin says so
    agree_frames: int | None = None
    agree_within: float | None = None
    cooldown: float | str | None = None  # seconds, or "until_gone"
    gone_after: float | None = None
    formats: list[str] | None = None
    preview: bool | None = None
    resolution: str | list[int] | None = None  # "1280x720" or [1280, 720]
    fps: float | None = None
    loop: bool | None = None
    fallback: bool | None = None
    fallback_budget_ms: int | None = None
    name: str | None = None


class SourceKind(StrEnum):
    V4L2 = "v4l2"  # a camera: /dev/video0
    FILE = "file"  # a video file (demo, tests)
    FOLDER = "folder"  # a folder of still images, read in name order (demo, tests)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    kind: SourceKind
    target: str

    @classmethod
    def parse(cls, text: str) -> SourceSpec:
        kind, sep, target = text.partition(":")
        if not sep or not target:
            raise CameraConfigError(
                "source",
                f"{text!r} is not '<kind>:<where>'; write e.g. 'v4l2:/dev/video0', "
                "'file:demo.mp4' or 'folder:frames/'",
            )
        try:
            return cls(SourceKind(kind), target)
        except ValueError:
            kinds = ", ".join(k.value for k in SourceKind)
            raise CameraConfigError(
                "source", f"unknown kind {kind!r}; use one of {kinds}"
            ) from None

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.target}"


@dataclass(frozen=True, slots=True)
class CameraScannerConfig:
    """What the camera scanner does; every field has a working default except ``source``.

    - ``agree_frames``: a code is accepted only after this many frames read it, no further
      than ``agree_within`` seconds apart (a misread rarely repeats itself).
    - ``cooldown``: ``"until_gone"`` (default) adds an item once while it stays in view; it
      counts as gone after ``gone_after`` seconds without a read. A number of seconds instead
      adds it again every that many seconds while it is held up.
    - ``formats``: symbologies to look for (names of :class:`Symbology`).
    - ``preview``: keep the latest frame with the code outlined for the shell to show.
    - ``resolution``: (width, height) asked of a V4L2 camera.
    - ``fps``: for ``file:``/``folder:`` sources, play at this rate and drop frames the
      decoder cannot keep up with, like a camera; ``None`` hands over every frame.
    - ``loop``: start a ``file:``/``folder:`` source again at its end (demo stands).
    - ``fallback``: try the contrast/upscale and pyzbar passes on barcode-like regions; a
      fallback read counts only when a second pass or a second frame confirms it.
    - ``fallback_budget_ms``: from a live source, a frame's fallback passes stop once a
      newer frame is waiting and the frame has been decoded this long (the first pass
      always runs; a lone frame always gets every pass). 0: stop as soon as a newer frame
      waits; a large value (60000) lets every frame finish.
    """

    source: SourceSpec
    agree_frames: int = 2
    agree_within: float = 0.5
    cooldown: str | float = UNTIL_GONE
    gone_after: float = 1.0
    formats: tuple[Symbology, ...] = RETAIL_FORMATS
    preview: bool = False
    resolution: tuple[int, int] | None = (1280, 720)
    fps: float | None = None
    loop: bool = False
    fallback: bool = True
    # above the ~110 ms a quiet kiosk spends on an unreadable frame's fallback chain, far
    # below agree_within (0.5 s); docs/camera-scanning.md, "Round 7 (live)"
    fallback_budget_ms: int = 150
    name: str = "camera"

    @property
    def cooldown_seconds(self) -> float | None:
        """Seconds between re-adds while held, or ``None`` for "until the code is gone"."""
        return None if self.cooldown == UNTIL_GONE else float(self.cooldown)

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> CameraScannerConfig:
        """Build and check a config from the plugin's settings dict."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise CameraConfigError(
                unknown[0], f"unknown setting; known settings are {', '.join(sorted(known))}"
            )
        if "source" not in settings:
            raise CameraConfigError("source", "missing; write e.g. source = 'v4l2:/dev/video0'")
        values: dict[str, Any] = {"source": _source(settings["source"])}
        if "agree_frames" in settings:
            values["agree_frames"] = _int(settings, "agree_frames", low=1, high=30)
        for key in ("agree_within", "gone_after"):
            if key in settings:
                values[key] = _seconds(settings, key)
        if "cooldown" in settings:
            values["cooldown"] = _cooldown(settings["cooldown"])
        if "formats" in settings:
            values["formats"] = _formats(settings["formats"])
        for key in ("preview", "loop", "fallback"):
            if key in settings:
                values[key] = _bool(settings, key)
        if "fallback_budget_ms" in settings:
            values["fallback_budget_ms"] = _int(settings, "fallback_budget_ms", low=0, high=60000)
        if "resolution" in settings:
            values["resolution"] = _resolution(settings["resolution"])
        if "fps" in settings and settings["fps"] is not None:
            values["fps"] = _seconds(settings, "fps")
        if "name" in settings:
            if not isinstance(settings["name"], str) or not settings["name"].strip():
                raise CameraConfigError("name", "must be a non-empty string")
            values["name"] = settings["name"]
        config = cls(**values)
        if config.source.kind is not SourceKind.V4L2:
            path = Path(config.source.target)
            if not path.exists():
                raise CameraConfigError("source", f"{path} does not exist")
        return config


def _source(value: Any) -> SourceSpec:
    if isinstance(value, SourceSpec):
        return value
    if not isinstance(value, str):
        raise CameraConfigError("source", f"must be a string, got {type(value).__name__}")
    return SourceSpec.parse(value.strip())


def _bool(settings: dict[str, Any], key: str) -> bool:
    value = settings[key]
    if not isinstance(value, bool):
        raise CameraConfigError(key, f"must be true or false, got {value!r}")
    return value


def _int(settings: dict[str, Any], key: str, *, low: int, high: int) -> int:
    value = settings[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CameraConfigError(key, f"must be a whole number from {low} to {high}, got {value!r}")
    return value


def _seconds(settings: dict[str, Any], key: str) -> float:
    value = settings[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CameraConfigError(key, f"must be a number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise CameraConfigError(key, f"must be greater than 0, got {value!r}")
    return float(value)


def _cooldown(value: Any) -> str | float:
    if value == UNTIL_GONE:
        return UNTIL_GONE
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CameraConfigError(
            "cooldown", f"must be {UNTIL_GONE!r} or a number of seconds, got {value!r}"
        )
    return _seconds({"cooldown": value}, "cooldown")


def _formats(value: Any) -> tuple[Symbology, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise CameraConfigError("formats", "must be a non-empty list such as ['EAN13', 'QR']")
    allowed = {s.value for s in RETAIL_FORMATS}
    out: list[Symbology] = []
    for item in value:
        name = str(item).upper()
        if name not in allowed:
            raise CameraConfigError(
                "formats", f"{item!r} is not supported; choose from {', '.join(sorted(allowed))}"
            )
        if Symbology(name) not in out:
            out.append(Symbology(name))
    return tuple(out)


def _resolution(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, str) and "x" in value:
        parts: Any = value.lower().split("x", 1)
    else:
        parts = value
    try:
        width, height = (int(p) for p in parts)
    except (TypeError, ValueError):
        raise CameraConfigError(
            "resolution", f"write '1280x720' or [1280, 720], got {value!r}"
        ) from None
    if not (160 <= width <= 7680 and 120 <= height <= 4320):
        raise CameraConfigError("resolution", f"{width}x{height} is out of range")
    return width, height
