"""The current highlight's note: its editor, whether it is private, and saving as one types."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.members import Person
from app.domain.values import Highlight
from app.ui.highlights.fields import NOTE_SAVE_DELAY_MS, NoteEditor

PRIVATE_TIP = (
    "A private note is read by you alone: the group's other members, owners included, never see it, "
    "and the library's search does not find it. Alt+P makes the note private or shares it again."
)
# Not a mnemonic ("&Private"): that moves the keyboard to the box, so that the words typed
# next went nowhere and a space shared the note again. The key leaves the keyboard be.
PRIVATE_KEY = "Alt+P"


class NoteField(QWidget):
    """The note of the current highlight, saved a moment after typing stops and when the keyboard leaves.

    In a shared library a box says whether the note is private. A highlight without a
    note shows the reader's default for new notes; ticking the box on a written note
    saves the change at once.
    """

    edited = Signal(int, str, bool)  # highlight id, note, private

    def __init__(self, parent: QWidget | None = None) -> None:
        """Make the label, the editor and the box, for no highlight."""
        super().__init__(parent)
        self._current: Highlight | None = None
        self._loading = False
        self.private_by_default = False
        self.person = Person()
        label = QLabel("N&ote")
        self.editor = NoteEditor()
        self.editor.setObjectName("noteEditor")
        self.editor.setAccessibleName("Note on the current highlight")
        self.editor.setPlaceholderText("Write a note… (saved as you type)")
        self.editor.setTabChangesFocus(True)
        label.setBuddy(self.editor)
        self.private = QCheckBox("Private")
        self.private.setObjectName("privateNote")
        self.private.setAccessibleName("Private note")
        self.private.setToolTip(PRIVATE_TIP)
        self.private.setAccessibleDescription(PRIVATE_TIP)
        self.private.hide()  # a file of one's own has no one to hide a note from
        self.private.toggled.connect(self._on_private_toggled)
        QShortcut(QKeySequence(PRIVATE_KEY), self, self._toggle_private, context=Qt.ShortcutContext.WindowShortcut)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._on_typed)
        self.editor.focus_left.connect(self.flush)
        top = QHBoxLayout()
        top.addWidget(label, 1)
        top.addWidget(self.private)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)

    def set_person(self, person: Person, *, private_by_default: bool) -> None:
        """Let `person` write the notes they may, privately on their own highlights in a group."""
        self.person = person
        self.private.setVisible(person.shared)
        self.private_by_default = private_by_default and person.shared
        self.show_highlight(self._current)

    def show_highlight(self, highlight: Highlight | None) -> None:
        """Show a highlight's note (None: no highlight is current)."""
        if highlight is None or self._current is None or highlight.id != self._current.id:
            self._timer.stop()  # what was typed was saved on leaving; a deleted one's is dropped
        self._current = highlight
        self.editor.setEnabled(highlight is not None)
        # Another's note is read, not written: typing there would only be refused.
        read_only = highlight is not None and not self.person.may_change(highlight)
        if self.editor.isReadOnly() != read_only:  # set even unchanged, Qt tells the editor of a change
            self.editor.setReadOnly(read_only)
        self.private.setEnabled(highlight is not None and self.person.may_make_private(highlight))
        note = highlight.note if highlight else ""
        # Saving is synchronous, so after the user's own save the field already equals
        # the stored note and is left alone (cursor included); it only changes for
        # outside changes such as an undo.
        if self.editor.toPlainText() != note:
            self._loading = True
            self.editor.setPlainText(note)
            self._loading = False
        private = highlight.private if highlight is not None and highlight.note else self.private_by_default
        self.private.blockSignals(True)
        self.private.setChecked(private)  # hidden in a file, it keeps a note brought home private
        self.private.blockSignals(False)

    def flush(self) -> None:
        """Save the note being typed now, if it (or whether it is private) changed."""
        self._timer.stop()
        h = self._current
        if h is None:
            return
        text, private = self.editor.toPlainText(), self.private.isChecked()
        if text != h.note or (text and private != h.private):
            self.edited.emit(h.id, text, private)

    def focus(self) -> None:
        """Put the keyboard in the editor, at its end."""
        self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)

    def _on_typed(self) -> None:
        if not self._loading and self._current is not None:
            self._timer.start()

    def _toggle_private(self) -> None:
        if self.private.isVisible() and self.private.isEnabled():
            self.private.toggle()

    def _on_private_toggled(self, _checked: bool) -> None:
        if self._current is not None and self.editor.toPlainText():
            self.flush()  # a written note changes at once; an empty one waits for its words
