"""Telling a screen reader what just happened, without moving the keyboard focus."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget

from app.domain.text import plural
from app.domain.values import Highlight


def announce(widget: QWidget, message: str, *, assertive: bool = False) -> None:
    """Have assistive technology say `message` (errors interrupt; the rest waits its turn).

    A status-bar message changes an unfocused widget, which screen readers do not speak;
    an announcement (Qt 6.8 and later) is spoken wherever the focus is.
    """
    event = QAccessibleAnnouncementEvent(widget, message)
    politeness = QAccessible.AnnouncementPoliteness
    event.setPoliteness(politeness.Assertive if assertive else politeness.Polite)
    QAccessible.updateAccessibility(event)


QUOTE_WORDS = 12  # a longer quote is heard as its opening and closing words
OPENING_WORDS, CLOSING_WORDS = 8, 4
NOTE_WORDS = 30


def short_quote(text: str) -> str:
    """Return a quote whole if short, else its opening and closing words around an ellipsis."""
    words = text.split()
    if len(words) > QUOTE_WORDS:
        return " ".join(words[:OPENING_WORDS]) + " … " + " ".join(words[-CLOSING_WORDS:])
    return " ".join(words)


def spoken_highlight(highlight: Highlight, number: int, total: int) -> str:
    """Say which highlight this is, how long, what it quotes, its themes and its note.

    Highlights are painted, not part of the text, so a screen reader cannot tell where
    one starts or ends; this is what it hears on entering or jumping to one.
    """
    words = highlight.exact.split()
    quote = short_quote(highlight.exact)
    themes = ", ".join(tag.path for tag in highlight.tags) or "none"
    parts = [f"Highlight {number} of {total}, {plural(len(words), 'word')}: “{quote}”", f"Themes: {themes}"]
    if highlight.note.strip():
        note = highlight.note.split()
        parts.append("Note: " + " ".join(note[:NOTE_WORDS]) + (" …" if len(note) > NOTE_WORDS else ""))
    return ". ".join(parts) + "."
