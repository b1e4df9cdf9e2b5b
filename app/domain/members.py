"""How the members of a group are told apart on screen: their initials and a colour each."""

from __future__ import annotations

import re
import zlib

# Distinct from one another and readable as a badge's ground under white letters; not the
# theme palette's, so that a member is never taken for a theme.
MEMBER_COLOURS = ("#1f6f8b", "#8b3a62", "#5b6c1f", "#7a4f9a", "#a0522d", "#2f7a4a", "#9a6a00", "#44546a")

_PARTS = re.compile(r"[^\W\d_]+")


def initials(name: str) -> str:
    """Return one or two capital letters for a member: "anna.karenina" is AK, "ben" is BE."""
    parts: list[str] = _PARTS.findall(name)
    if len(parts) >= 2:
        return (parts[0][0] + parts[1][0]).upper()
    if parts:
        return parts[0][:2].upper()
    return (name.strip()[:2] or "?").upper()


def member_colour(name: str) -> str:
    """Return the colour a member is shown in: the same for a name wherever and whenever it is shown."""
    return MEMBER_COLOURS[zlib.crc32(name.encode("utf-8")) % len(MEMBER_COLOURS)]
