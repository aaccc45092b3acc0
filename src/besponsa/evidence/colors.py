"""The figure palette and the WCAG 2.2 contrast arithmetic that justifies it.

Both arm colors reach 4.5:1 against white, so they pass as text colors (1.4.3) and, with room to
spare, as graphics (1.4.11, 3:1). Color never carries meaning alone: BESPONSA bars are solid,
comparator bars are hatched, every bar has a direct value label, and legends name both.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "BACKGROUND",
    "GRAPHIC_COLORS",
    "IC",
    "INO",
    "MUTED",
    "NEUTRAL",
    "TEXT",
    "TEXT_COLORS",
    "contrast_ratio",
    "relative_luminance",
]


def __dir__() -> list[str]:
    return __all__


BACKGROUND = "#FFFFFF"
INO = "#1B5E9A"  # BESPONSA: solid fill (6.7:1 on white)
IC = "#A04B00"  # investigator's choice: hatched outline (6.0:1 on white)
NEUTRAL = "#4D4D4D"  # subgroups without a comparator color, reference lines (8.5:1)
TEXT = "#1A1A1A"  # all text (17.4:1)
MUTED = "#595959"  # secondary text such as notes (7.0:1)

# Colors that draw text: WCAG 1.4.3 needs 4.5:1. Colors that draw meaningful graphics: 1.4.11 needs 3:1.
TEXT_COLORS: Mapping[str, str] = MappingProxyType({"text": TEXT, "muted": MUTED, "ino": INO, "ic": IC})
GRAPHIC_COLORS: Mapping[str, str] = MappingProxyType({"ino": INO, "ic": IC, "neutral": NEUTRAL, "text": TEXT})


def _channel(value: int) -> float:
    c = value / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_color: str) -> float:
    """WCAG relative luminance of an sRGB color written "#RRGGBB"."""
    text = hex_color.removeprefix("#")
    if len(text) != 6:
        raise ValueError(f"expected #RRGGBB, got {hex_color!r}")
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str = BACKGROUND) -> float:
    """WCAG contrast ratio (1–21) between two colors."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
