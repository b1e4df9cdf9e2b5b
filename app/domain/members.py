"""The members of a group: how they are told apart on screen, and what each may change."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from app.domain.values import Highlight

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


@dataclass(frozen=True, slots=True)
class Person:
    """Who works in the open library, and so which highlights they may change (as db.group enforces).

    `role` is None in a library file: its one reader changes everything. In a shared
    library it is the connected role, and `kind` what the group lets it do ("owner",
    "member", "reader"; None when the server could not say: then the server decides).
    """

    role: str | None = None
    kind: str | None = None

    @property
    def shared(self) -> bool:
        """Whether the library is a group's."""
        return self.role is not None

    def may_change(self, highlight: Highlight) -> bool:
        """Whether this person may change the highlight's themes and note."""
        if self.role is None or self.kind in ("owner", None):
            return True
        return self.kind == "member" and highlight.author == self.role

    def may_make_private(self, highlight: Highlight) -> bool:
        """Whether this person may keep the highlight's note private (their own highlight, in a group)."""
        return self.shared and self.kind != "reader" and highlight.author == self.role
