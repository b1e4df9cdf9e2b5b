"""Painting in the benchmarks: a change counts as done when the page is painted once."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit


class _PaintCounter(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def paint(app: QApplication, editor: QPlainTextEdit) -> None:
    """Run the queued work and make sure the editor's page has been painted once since.

    A change that schedules a repaint is painted by the event loop, as on the screen; a
    page that nothing scheduled (a bare INSERT beside an untouched editor) is painted now.
    Painting it again after the event loop had painted it counted a second paint that no
    one waits for.
    """
    counter = _PaintCounter()
    viewport = editor.viewport()
    viewport.installEventFilter(counter)
    app.processEvents()
    viewport.removeEventFilter(counter)
    if counter.count == 0:
        viewport.repaint()


def page_steps(
    app: QApplication, ours: QPlainTextEdit, bare: QPlainTextEdit, steps: int
) -> tuple[list[float], list[float]]:
    """Seconds per PageDown, painted, in `ours` and in `bare`, one step of each in turn from the top.

    Taken in turn, both sides see the same moments of a shared machine, whose speed
    drifts by a third within a minute: one side measured after the other compared
    different machines.
    """
    for editor in (ours, bare):
        editor.moveCursor(editor.textCursor().MoveOperation.Start)
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(steps):
        for editor, taken in zip((ours, bare), samples, strict=True):
            began = time.perf_counter()
            QTest.keyClick(editor, Qt.Key.Key_PageDown)
            paint(app, editor)
            taken.append(time.perf_counter() - began)
    return samples
