"""Making Qt widgets say to assistive technology what they say on screen."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QObject, QPoint, QTimer
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAction
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget

CLEAR_ACTION = "_q_qlineeditclearaction"  # the object name Qt gives a line edit's clear button action


def clearable(field: QLineEdit, name: str) -> None:
    """Give `field` a clear button that a screen reader can name (Qt leaves it unnamed)."""
    field.setClearButtonEnabled(True)
    action = field.findChild(QAction, CLEAR_ACTION)
    if action is not None:
        action.setText(name)
        action.setToolTip(name)


class ItemFocus(QObject):
    """Puts the accessible focus on a list's or tree's current item when the view gets the focus.

    Qt announces focus on the view itself after the view chose its current item, so a
    screen reader said "Library, list" and not the document Enter would open. Listening
    to the application's focus changes covers every list, tree and table, in every
    dialog, and costs nothing on other events (an event filter would see every paint).
    """

    def __init__(self, owner: QObject) -> None:
        """Follow the application's focus changes for as long as `owner` lives."""
        super().__init__(owner)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focused)

    def _focused(self, _old: QWidget | None, new: QWidget | None) -> None:
        """On focus into an item view, make sure it has a current item, then tell of it after Qt tells of the view."""
        if isinstance(new, QAbstractItemView):
            _choose_current(new)
            QTimer.singleShot(0, self, tell_current_item)


def _choose_current(view: QAbstractItemView) -> None:
    """Give a view that has rows a current one, and select it where one row at a time is chosen.

    Qt makes a row current on focus without selecting it: the row was told of but not
    painted as the one chosen, as an arrow key would have chosen it.
    """
    model, selection = view.model(), view.selectionModel()
    if model is None or selection is None or not model.rowCount(view.rootIndex()):
        return
    current = view.currentIndex()
    if not current.isValid():
        current = model.index(0, 0, view.rootIndex())
        selection.setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
    if view.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection and not selection.isSelected(current):
        flags = QItemSelectionModel.SelectionFlag
        selection.select(current, flags.ClearAndSelect | flags.Rows)


def tell_current_item() -> None:
    """Send the accessibility focus event for the focused view's current item."""
    view = QApplication.focusWidget()
    if not isinstance(view, QAbstractItemView):
        return
    index = view.currentIndex()
    interface = QAccessible.queryAccessibleInterface(view)
    rect = view.visualRect(index) if index.isValid() else None
    if interface is None or rect is None or rect.isEmpty():
        return
    item = interface.childAt(*_global(view, rect.center()))
    child = interface.indexOfChild(item) if item is not None else -1
    if child >= 0:
        event = QAccessibleEvent(view, QAccessible.Event.Focus)
        event.setChild(child)
        QAccessible.updateAccessibility(event)


def _global(view: QAbstractItemView, point: QPoint) -> tuple[int, int]:
    spot = view.viewport().mapToGlobal(point)
    return spot.x(), spot.y()
