"""Readable highlight colours: WCAG contrast, alpha compositing and light/dark variants.

A theme stores one colour. The reader paints it translucently over the page, in a light
or a dark variant depending on the page, and text over it must keep a contrast ratio of
at least 4.5:1 (WCAG AA), also where highlights overlap and their colours blend.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence

MIN_CONTRAST = 4.5
# Translucency of a highlight over the page (out of 255): the text's own anti-aliasing
# and the page tint stay visible, and overlapping highlights show as a blend.
HIGHLIGHT_ALPHA = 115
# A variant is made a little more readable than needed, so that rounding to 8-bit
# channels and blending with other highlights never bring it under MIN_CONTRAST.
MARGIN = 1.5

RGB = tuple[float, float, float]
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


class ColourError(ValueError):
    """A colour is not written as ``#rrggbb``."""


def parse_hex(colour: str) -> RGB:
    """Return the 0-1 channels of a ``#rrggbb`` colour.

    Raises:
        ColourError: If `colour` is not ``#`` followed by six hex digits.
    """
    if not _HEX.fullmatch(colour.strip()):
        raise ColourError(f"“{colour}” is not a colour; write it as #rrggbb, e.g. #f7d038.")
    value = colour.strip()[1:]
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)


def to_hex(rgb: RGB) -> str:
    """Return the ``#rrggbb`` form of 0-1 channels (rounded to 8 bits)."""
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def luminance(rgb: RGB) -> float:
    """Return the WCAG relative luminance of an sRGB colour."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """Return the WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def composite(page: RGB, layers: Sequence[RGB], alpha: int = HIGHLIGHT_ALPHA) -> RGB:
    """Return what the page looks like under `layers` painted in order at `alpha`/255."""
    a = alpha / 255
    out = page
    for layer in layers:
        out = (
            a * layer[0] + (1 - a) * out[0],
            a * layer[1] + (1 - a) * out[1],
            a * layer[2] + (1 - a) * out[2],
        )
    return out


def readable_variant(colour: str, page: str, text: str) -> str:
    """Return `colour` lightened (light page) or darkened (dark page) until text reads on it.

    The hue and saturation are kept; only the HSL lightness moves, towards the page, as
    little as needed for the opaque colour to give `text` a contrast of MIN_CONTRAST plus
    a margin. Painted translucently over the page, alone or blended with other variants,
    the result is then at least as readable (tests/unit/test_colours.py checks this).

    Raises:
        ColourError: If any argument is not a ``#rrggbb`` colour.
    """
    rgb, page_rgb, text_rgb = parse_hex(colour), parse_hex(page), parse_hex(text)
    target = MIN_CONTRAST + MARGIN
    if contrast(rgb, text_rgb) >= target:
        return to_hex(rgb)
    h, lightness, s = colorsys.rgb_to_hls(*rgb)
    towards = 1.0 if luminance(page_rgb) >= luminance(text_rgb) else 0.0
    low, high = 0.0, 1.0  # fraction of the way from the colour's lightness to `towards`
    for _ in range(24):
        mid = (low + high) / 2
        candidate = colorsys.hls_to_rgb(h, lightness + (towards - lightness) * mid, s)
        if contrast(parse_hex(to_hex(candidate)), text_rgb) >= target:
            high = mid
        else:
            low = mid
    return to_hex(colorsys.hls_to_rgb(h, lightness + (towards - lightness) * high, s))


# The reader's page themes: (page, text). Each gives its text a contrast of 7:1 or more
# (WCAG AAA); highlight colours are then made readable on each (readable_variant).
PAGE_THEMES: dict[str, tuple[str, str]] = {
    "light": ("#ffffff", "#1b1b1b"),
    "sepia": ("#f4ecd8", "#3e2f1c"),
    "dark": ("#1f2023", "#dcdcd6"),
}
