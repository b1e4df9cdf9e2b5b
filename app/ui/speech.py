"""Telling a screen reader what just happened, without moving the keyboard focus."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget


def announce(widget: QWidget, message: str, *, assertive: bool = False) -> None:
    """Have assistive technology say `message` (errors interrupt; the rest waits its turn).

    A status-bar message changes an unfocused widget, which screen readers do not speak;
    an announcement (Qt 6.8 and later) is spoken wherever the focus is.
    """
    event = QAccessibleAnnouncementEvent(widget, message)
    politeness = QAccessible.AnnouncementPoliteness
    event.setPoliteness(politeness.Assertive if assertive else politeness.Polite)
    QAccessible.updateAccessibility(event)
