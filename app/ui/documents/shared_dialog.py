"""Asking for a group's shared library (File → Open shared library…)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

EXAMPLE = "postgresql://you@db.example.org/seminar"


class SharedLibraryDialog(QDialog):
    """One field for the library's address; Open asks the window to open it."""

    open_requested = Signal(str)  # the address typed

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        """Offer the library open now when it is a shared one, else an example to follow."""
        super().__init__(parent)
        self.setObjectName("sharedLibraryDialog")
        self.setWindowTitle("Open shared library")
        self.setAccessibleName("Open shared library")
        explanation = QLabel(
            "The address of your group's library on its PostgreSQL server. Your password is not "
            "typed here: PostgreSQL finds it in ~/.pgpass, a service file or PGPASSWORD."
        )
        explanation.setWordWrap(True)
        label = QLabel("&Address:")
        self.address = QLineEdit(current if current.startswith("postgresql") else "")
        self.address.setPlaceholderText(EXAMPLE)
        self.address.setAccessibleName("Address of the shared library")
        self.address.setAccessibleDescription(f"For example {EXAMPLE}")
        label.setBuddy(self.address)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._open)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (explanation, label, self.address, buttons):
            layout.addWidget(widget)

    def _open(self) -> None:
        self.open_requested.emit(self.address.text().strip())
        self.accept()
