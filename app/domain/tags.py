"""Theme paths and the default colour palette."""

from __future__ import annotations

# Light, distinct hues chosen so that dark text stays readable over them when drawn
# translucently on a white page, alone or blended where highlights overlap.
PALETTE: tuple[str, ...] = (
    "#f7d038",  # yellow
    "#7cc6fe",  # blue
    "#98df8a",  # green
    "#ffb077",  # orange
    "#cfa8ff",  # violet
    "#ff9ab4",  # pink
    "#6ee0d2",  # teal
    "#d9bf8c",  # sand
)
# Untagged highlights are a neutral grey, told apart from every theme's colour.
UNTAGGED_COLOUR = "#c5cad3"


class TagPathError(ValueError):
    """A theme path the user typed cannot name a theme."""


def parse_tag_path(raw: str) -> tuple[str, ...]:
    """Split a typed theme path such as ``#power / soviets`` into its names.

    A leading ``#`` (as in an exported hashtag) is dropped, white space around and inside
    names is collapsed, and empty segments are an error rather than silently skipped.

    Raises:
        TagPathError: If the path is empty or has an empty segment.
    """
    text = raw.strip().lstrip("#").strip()
    if not text:
        raise TagPathError("A theme needs a name.")
    names = tuple(" ".join(part.split()) for part in text.split("/"))
    if any(not name for name in names):
        raise TagPathError(f"“{raw.strip()}” has an empty part between slashes.")
    return names


def palette_colour(index: int) -> str:
    """Return the palette colour for the `index`-th top-level theme."""
    return PALETTE[index % len(PALETTE)]
