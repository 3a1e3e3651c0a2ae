"""Weighed produce at the kiosk: read the scale role, check the reading, price it.

The touch UI polls :func:`read_scale` for the live figure and asks the runtime to add the
item; the runtime then takes its own *stable* reading from the scale, so the weight on the
receipt is never one the screen passed in. The price is the domain's
(:func:`kiosk.domain.basket.weighed_amount`: per-kg price × grams, truncated to whole yen).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR
from typing import Any

from kiosk.devices.errors import DeviceError, DeviceTimeout, ScaleOverload


class WeighRefused(ValueError):
    """The item cannot be added from the scale now; ``reason`` is a key the screen translates.

    ``no_scale`` (no scale role, or it is not working), ``unstable`` (did not settle),
    ``overload``, ``too_light`` (under ``[checkout] weigh_min_g``), ``not_weighed`` (the
    product is sold per piece).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ScaleReading:
    """What the scale shows now, for the live figure on the weigh screen (no waiting)."""

    status: str  # "ok" | "overload" | "waiting" (no reading yet) | "no_scale"
    grams: int = 0
    stable: bool = False


def scale_of(devices: Any) -> Any:
    """The scale role's device, or None when the kiosk has none (or it never came up)."""
    scale = getattr(devices, "scale", None) if devices is not None else None
    if scale is None:
        return None
    errors = getattr(devices, "errors", {})
    return None if "scale" in errors else scale


def whole_grams(grams: Any) -> int:
    """Grams as an int, rounded down: the shopper never pays for a fraction they did not get."""
    return int(grams.to_integral_value(rounding=ROUND_FLOOR))


def read_scale(devices: Any) -> ScaleReading:
    scale = scale_of(devices)
    if scale is None:
        return ScaleReading("no_scale")
    try:
        weight = scale.read_weight()
    except ScaleOverload:
        return ScaleReading("overload")
    except DeviceTimeout:
        return ScaleReading("waiting")
    except DeviceError:
        return ScaleReading("no_scale")
    return ScaleReading("ok", whole_grams(weight.grams), weight.stable)


def stable_grams(devices: Any, min_grams: int, timeout: float) -> int:
    """A stable reading in whole grams, at least ``min_grams``. Raises :class:`WeighRefused`."""
    scale = scale_of(devices)
    if scale is None:
        raise WeighRefused("no_scale")
    try:
        weight = scale.wait_for_stable(timeout)
    except ScaleOverload:
        raise WeighRefused("overload") from None
    except DeviceTimeout as exc:
        raise WeighRefused("unstable", str(exc)) from None
    except DeviceError as exc:
        raise WeighRefused("no_scale", str(exc)) from None
    if weight.overload:
        raise WeighRefused("overload")
    grams = whole_grams(weight.grams)
    if grams < min_grams:
        raise WeighRefused("too_light", f"{grams} g < {min_grams} g")
    return grams


def zero_scale(devices: Any) -> None:
    """Tare: zero the scale with the empty tray or container on it."""
    scale = scale_of(devices)
    if scale is None:
        raise WeighRefused("no_scale")
    try:
        scale.zero()
    except DeviceError as exc:
        raise WeighRefused("no_scale", str(exc)) from None
