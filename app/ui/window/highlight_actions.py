"""The highlight commands of the window: tag, note, delete, copy, step through, and what the caret says."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from app.domain.members import Person
from app.domain.tags import TagPathError
from app.domain.values import Highlight, Tag
from app.services import StorageError
from app.ui.common.speech import announce, spoken_highlight
from app.ui.common.status import STATUS_MS
from app.ui.window.desk import Desk

# The preference that new notes in a shared library start private ("yes" or "no").
_PRIVATE_KEY = "notes/private"
# The panel follows the caret once it has rested this long. Longer than a held key's
# repeat (30-40 ms), so paging or arrowing through a densely highlighted text paints
# each page without filling the panel for every highlight passed on the way; short
# enough that a single move seems followed at once.
CARET_FOLLOW_MS = 60


class HighlightActions:
    """What the window does with its highlights, from the keys, the panel and the caret."""

    def __init__(self, window: Desk) -> None:
        """Work on `window`."""
        self.window = window
        self._follow = QTimer(window.as_widget())
        self._follow.setSingleShot(True)
        self._follow.setInterval(CARET_FOLLOW_MS)
        self._follow.timeout.connect(self.follow_caret)

    def tag_current(self) -> None:
        """Move to the theme field of the current highlight (T)."""
        if self.window.highlight_for_action() is not None:
            self.window.panel.focus_tags()

    def note_current(self) -> None:
        """Move to the note field of the current highlight (N)."""
        if self.window.highlight_for_action() is not None:
            self.window.panel.focus_note()

    def delete_current(self) -> None:
        """Delete the current highlight (Delete); undo brings it back."""
        current = self.window.current_highlight()
        if current is None:
            self.window.statusBar().showMessage("There is no current highlight to delete.", STATUS_MS)
            return
        self.window.panel.flush_note()
        try:
            self.window.controller.delete_highlight(current.id)
        except StorageError as exc:
            self.window.show_error("The highlight was not deleted", str(exc))
            return
        self.window.statusBar().showMessage("Highlight deleted. Ctrl+Z brings it back.", STATUS_MS)

    def copy_current(self) -> None:
        """Put the current highlight on the clipboard as a Markdown snippet (Ctrl+Shift+C)."""
        current = self.window.current_highlight()
        if current is None:
            self.window.statusBar().showMessage("Put the caret in a highlight first.", STATUS_MS)
            return
        try:
            QGuiApplication.clipboard().setText(self.window.controller.snippet(current.id))
        except StorageError as exc:
            self.window.show_error("The highlight was not copied", str(exc))
            return
        self.window.statusBar().showMessage("Copied the highlight as Markdown.", STATUS_MS)

    def step_highlight(self, direction: int) -> None:
        """Make the next or previous highlight (in text order) current."""
        highlights = self.window.controller.highlights()
        if not highlights:
            self.window.statusBar().showMessage("No highlights in this document yet.", STATUS_MS)
            return
        current = self.window.current_highlight()
        if current is None:
            caret = self.window.reader.caret_position()
            after = [i for i, h in enumerate(highlights) if h.start >= caret]
            before = [i for i, h in enumerate(highlights) if h.start < caret]
            ahead = after[:1] if direction > 0 else before[-1:]
            index = ahead[0] if ahead else (0 if direction > 0 else len(highlights) - 1)
            wrapped = not ahead
        else:
            rank = self.window.controller.highlight_rank(current.id)
            here = rank[0] - 1 if rank is not None else 0
            index = (here + direction) % len(highlights)
            wrapped = index != here + direction
        self.window.select_highlight(highlights[index])
        self.window.reader.centerCursor()
        # The caret jumped; a screen reader hears the line, not that a highlight starts
        # there, nor that the jump went round from the last one to the first.
        turn = ("Back to the first highlight. " if direction > 0 else "On to the last highlight. ") if wrapped else ""
        announce(self.window.as_widget(), turn + spoken_highlight(highlights[index], index + 1, len(highlights)))

    def apply_tag(self, highlight_id: int, path: str) -> None:
        """Apply the theme typed in the panel to a highlight."""
        before = self.window.controller.highlight(highlight_id)
        try:
            result = self.window.controller.tag_highlight(highlight_id, path)
        except (TagPathError, StorageError) as exc:
            self.window.show_error("The theme was not applied", str(exc))
            return
        self.window.panel.tag_input.clear()
        if before is not None and before.tags == result.highlight.tags:
            self.window.statusBar().showMessage(f"Already tagged #{result.tag.path}.", STATUS_MS)
            return
        self.window.statusBar().showMessage(f"Tagged #{result.tag.path}.", STATUS_MS)

    def remove_tag(self, highlight_id: int, tag: Tag) -> None:
        """Take a theme off a highlight (the panel's remove)."""
        try:
            self.window.controller.untag_highlight(highlight_id, tag.id)
        except StorageError as exc:
            self.window.show_error("The theme was not removed", str(exc))

    def save_note(self, highlight_id: int, note: str, private: bool) -> None:
        """Save a note as it is typed, and whether it is private (unchanged notes are not saved again)."""
        before = self.window.controller.highlight(highlight_id)
        if before is None or (before.note == note and (before.private == private or not note)):
            return
        try:
            saved = self.window.controller.set_note(highlight_id, note, private=private)
        except StorageError as exc:
            self.window.show_error("The note was not saved", str(exc))
            return
        if saved.private != before.private and note:
            said = "Private note: only you read it." if saved.private else "Note shared with the group."
            self.window.statusBar().showMessage(said, STATUS_MS)  # heard too (the window says its messages)

    def private_by_default(self) -> bool:
        """Whether the reader's new notes in a shared library start private (their own preference)."""
        return self.window.preferences.get(_PRIVATE_KEY, "no") == "yes"

    def toggle_private_default(self) -> None:
        """Make new notes private, or shared, by default (Highlight → New notes private)."""
        private = self.window.private_notes_action.isChecked()
        self.window.preferences.set(_PRIVATE_KEY, "yes" if private else "no")
        self.show_privacy(self.window.panel.notes.person.kind)
        said = "New notes are private." if private else "New notes are shared with the group."
        self.window.statusBar().showMessage(said, STATUS_MS)

    def show_privacy(self, kind: str | None) -> None:
        """Offer private notes when the library is shared, new ones as the reader prefers.

        Args:
            kind: What the person may do in the group, as the status bar found it (None:
                a file, or the server could not say, and decides).
        """
        service = self.window.controller.service
        private = self.private_by_default()
        self.window.private_notes_action.setEnabled(service.is_shared)
        self.window.private_notes_action.setChecked(private)
        person = Person(service.operations.author, kind) if service.is_shared else Person()
        self.window.panel.show_person(person, private_by_default=private)

    def on_caret_moved(self, _position: int) -> None:
        """Follow the caret into (or out of) a highlight once it rests."""
        self._follow.start()

    def catch_up(self) -> None:
        """Follow the caret now if it moved since it was last followed, so that a command acts where it is."""
        if self._follow.isActive():
            self.follow_caret()

    def follow_caret(self) -> None:
        """Make the highlight the caret is in current, and say so to a screen reader."""
        self._follow.stop()
        reader = self.window.reader
        if reader.textCursor().hasSelection():
            return
        ids = reader.highlights_at(reader.caret_position())
        current = self.window.panel.current()
        if current is not None and current.id in ids:
            return
        self.window.panel.select(ids[0] if ids else None)
        if self.window.reader.hasFocus():
            self._announce_caret_highlight(ids[0] if ids else None, left=current)

    def _announce_caret_highlight(self, highlight_id: int | None, left: Highlight | None) -> None:
        """Say that the caret entered a highlight (and which), or left one for plain text."""
        highlight = None if highlight_id is None else self.window.controller.highlight(highlight_id)
        rank = None if highlight is None else self.window.controller.highlight_rank(highlight.id)
        if highlight is not None and rank is not None:
            announce(self.window.as_widget(), spoken_highlight(highlight, *rank))
        elif left is not None:
            announce(self.window.as_widget(), "Out of the highlight.")

    def jump_to_highlight(self, highlight_id: int) -> None:
        """Show a highlight chosen in the list in the text, the caret at its start."""
        highlight = self.window.controller.highlight(highlight_id)
        if highlight is not None:
            self.window.reader.move_caret(highlight.start)
            self.window.reader.centerCursor()

    # Find, view, help ------------------------------------------------------------
