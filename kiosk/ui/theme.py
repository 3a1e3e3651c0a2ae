"""Themes: ``themes/<name>/theme.toml`` plus its logo — colours, fonts, sizes, strings.

A theme changes how the kiosk looks and what it says on the attract screen; it never changes
behaviour. String overrides (``[strings.<lang>]``) win over the gettext catalogue, so a store
can say "Welcome to Sakura Mart" without a new translation release.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

THEMES_DIR = Path(__file__).resolve().parents[2] / "themes"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

_COLOUR_KEYS = (
    "background",
    "surface",
    "surface_alt",
    "text",
    "muted",
    "primary",
    "primary_text",
    "secondary",
    "secondary_text",
    "accent",
    "danger",
    "danger_text",
    "ok",
    "header",
    "header_text",
    "reduced",
)


class ThemeError(ValueError):
    """A theme file is missing or wrong; the message names the file and key to fix."""


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    colours: dict[str, list[float]]
    sizes: dict[str, float]  # points: small, body, large, huge, total
    font_regular: str = CJK_FONT
    font_bold: str = CJK_FONT_BOLD
    logo: str = ""
    store_name: dict[str, str] = field(default_factory=dict)
    attract_message: dict[str, str] = field(default_factory=dict)
    strings: dict[str, dict[str, str]] = field(default_factory=dict)

    def colour(self, key: str) -> list[float]:
        return self.colours[key]

    def text_for(self, table: dict[str, str], language: str) -> str:
        return table.get(language) or table.get("en") or table.get("ja", "")


def hex_colour(value: str, source: str) -> list[float]:
    text = value.lstrip("#")
    if len(text) not in (6, 8):
        raise ThemeError(f"{source}: colour {value!r} must be #rrggbb or #rrggbbaa")
    parts = [int(text[i : i + 2], 16) / 255 for i in range(0, len(text), 2)]
    return parts if len(parts) == 4 else [*parts, 1.0]


def load_theme(name: str, themes_dir: Path = THEMES_DIR) -> Theme:
    folder = themes_dir / name
    path = folder / "theme.toml"
    if not path.is_file():
        known = sorted(p.name for p in themes_dir.iterdir() if (p / "theme.toml").is_file())
        raise ThemeError(f"no theme {name!r} (looked for {path}); known: {', '.join(known)}")
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    base: dict[str, Any] = {}
    if data.get("extends"):
        parent = load_theme(data["extends"], themes_dir)
        base = {"colours": dict(parent.colours), "sizes": dict(parent.sizes)}
    colours = base.get("colours", {})
    colours.update(
        {k: hex_colour(v, f"{path} [colours.{k}]") for k, v in data.get("colours", {}).items()}
    )
    missing = [k for k in _COLOUR_KEYS if k not in colours]
    if missing:
        raise ThemeError(f"{path}: [colours] lacks {', '.join(missing)}")
    sizes = base.get("sizes", {"small": 14, "body": 18, "large": 26, "huge": 44, "total": 34})
    sizes.update({k: float(v) for k, v in data.get("sizes", {}).items()})
    fonts = data.get("fonts", {})
    logo = data.get("logo", "")
    return Theme(
        name=name,
        folder=folder,
        colours=colours,
        sizes=sizes,
        font_regular=_font(fonts.get("regular"), folder, CJK_FONT),
        font_bold=_font(fonts.get("bold"), folder, CJK_FONT_BOLD),
        logo=str(folder / logo) if logo else "",
        store_name=data.get("store_name", {}),
        attract_message=data.get("attract_message", {}),
        strings=data.get("strings", {}),
    )


def _font(value: str | None, folder: Path, default: str) -> str:
    if not value:
        return default
    path = Path(value) if Path(value).is_absolute() else folder / value
    return str(path)


def register_fonts(theme: Theme) -> None:
    """Make the theme's CJK font Kivy's default so ja/zh/ko text never shows tofu boxes."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    bold = theme.font_bold if Path(theme.font_bold).is_file() else theme.font_regular
    LabelBase.register(DEFAULT_FONT, theme.font_regular, fn_bold=bold)
    LabelBase.register("KioskBold", bold)
