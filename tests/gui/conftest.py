"""Fixtures for driving the real main window offscreen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from pytestqt.qtbot import QtBot

from app.services import LibraryService
from app.ui.common.preferences import Preferences
from app.ui.window.application import build_window
from app.ui.window.main_window import MainWindow

WindowFactory = Callable[[LibraryService], MainWindow]
Heard = list[tuple[str, QAccessible.AnnouncementPoliteness]]


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path) -> WindowFactory:
    """Build, show and focus a main window over a service, as the app does at start."""

    def make(service: LibraryService) -> MainWindow:
        window = build_window(service, Preferences(tmp_path / "preferences.ini"))
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.isActiveWindow())
        return window

    return make


@pytest.fixture
def window(make_window: WindowFactory, service: LibraryService) -> MainWindow:
    """The main window on a first start: the bundled sample is open."""
    return make_window(service)


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> Heard:
    """What the application announced, with how urgently, as Qt passes it to AT-SPI."""
    said: Heard = []
    real = QAccessible.updateAccessibility

    def listen(event: QAccessibleEvent) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            said.append((event.message(), event.politeness()))
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", listen)
    return said


Focused = list[tuple[QAccessible.Role, str]]


@pytest.fixture
def focused(monkeypatch: pytest.MonkeyPatch) -> Focused:
    """The role and name of every node the application told assistive technology has the focus.

    Qt's own focus events go straight to the platform bridge; what is heard here is what
    the application adds on top, in Python.
    """
    told: Focused = []
    real = QAccessible.updateAccessibility

    def listen(event: QAccessibleEvent) -> None:
        if event.type() == QAccessible.Event.Focus:
            node = event.accessibleInterface()
            told.append((node.role(), node.text(QAccessible.Text.Name)))
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", listen)
    return told
