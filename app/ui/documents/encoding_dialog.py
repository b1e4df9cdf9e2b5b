"""Choosing the encoding of a text file whose detected one was wrong, with a live preview."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

PREVIEW_CHARS = 4000


class EncodingDialog(QDialog):
    """Lists the encodings the file's bytes may be in, showing the text as each reads it."""

    def __init__(self, name: str, data: bytes, candidates: list[str], parent: QWidget | None = None) -> None:
        """Offer `candidates` (the one import guessed first) for the file called `name`."""
        super().__init__(parent)
        self.setWindowTitle(f"Reopen {name} with another encoding")
        self.setAccessibleName("Reopen with encoding")
        self._data = data
        label = QLabel("&Encodings these bytes may be in (the first is the one guessed):")
        self.list = QListWidget()
        self.list.setAccessibleName("Encodings")
        self.list.addItems(candidates)
        label.setBuddy(self.list)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("The text as this encoding reads it")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Reopen as a new edition")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addWidget(self.preview, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(row, 1)
        layout.addWidget(QLabel("Your highlights move to the new edition where their words are found again."))
        layout.addWidget(self.buttons)
        self.resize(820, 460)
        self.list.currentTextChanged.connect(self._show)
        self.list.setCurrentRow(0)

    def chosen(self) -> str:
        """Return the encoding chosen."""
        item = self.list.currentItem()
        return item.text() if item is not None else ""

    def _show(self, encoding: str) -> None:
        text = self._data.decode(encoding, errors="replace") if encoding else ""
        self.preview.setPlainText(text[:PREVIEW_CHARS])
