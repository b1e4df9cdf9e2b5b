"""Undoable commands for every change made at the reading desk.

A command's work is in `apply` (do, redo) and `revert` (undo). The window runs that work
itself and moves the undo stack only when it succeeded, so a change that failed to save
(a full disk, a locked library) never shows as done or undone. QUndoStack's own calls of
`redo`/`undo` that follow are therefore skipped once; that includes the first `redo`,
which `push` makes after the change was already saved.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from app.domain.values import DocumentProperties, Highlight, Tag, TagResult
from app.services.codebook import CodebookChange
from app.services.editions import EditionOutcome, EditionPlan, EditionReport
from app.services.shelf import DocumentSnapshot
from app.ui.controller import DeskController

NOTE_MERGE_ID = 1001


def _excerpt(text: str, limit: int = 30) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class DoneCommand(QUndoCommand):
    """A command whose work has been done before QUndoStack asks for it."""

    def __init__(self, controller: DeskController, text: str) -> None:
        super().__init__(text)
        self.controller = controller
        self._already_done = True

    def mark_done(self) -> None:
        """Say that the next `undo`/`redo` call from the stack was already carried out."""
        self._already_done = True

    def redo(self) -> None:
        """Redo the change, unless it was just done by the caller."""
        if self._already_done:
            self._already_done = False
            return
        self.apply()

    def undo(self) -> None:
        """Undo the change, unless it was just undone by the caller."""
        if self._already_done:
            self._already_done = False
            return
        self.revert()

    def apply(self) -> None:
        """Do the change again."""
        raise NotImplementedError

    def revert(self) -> None:
        """Undo the change."""
        raise NotImplementedError

    def current_after(self, *, undone: bool) -> int | None:
        """Return the highlight to make current once undone (or redone): the one brought back."""
        return None


class CreateHighlightCommand(DoneCommand):
    """Creating a highlight; undo deletes it, redo restores the same highlight."""

    def __init__(self, controller: DeskController, highlight: Highlight, created: tuple[Tag, ...] = ()) -> None:
        """Record the highlight that was created, and the themes made with it (parents first)."""
        super().__init__(controller, f"Highlight “{_excerpt(highlight.exact)}”")
        self.highlight = highlight
        self.created = created

    def revert(self) -> None:
        """Delete the highlight again, keeping what it had gained since (tags, note).

        Themes made with it go too, children first, unless something else now uses them.
        """
        self.highlight = self.controller.delete_highlight(
            self.highlight.id, drop_if_unused=[t.id for t in reversed(self.created)]
        )

    def apply(self) -> None:
        """Restore the highlight with its id, and the themes made with it."""
        self.controller.restore_highlight(self.highlight, recreate=self.created)

    def current_after(self, *, undone: bool) -> int | None:
        """Redone, the highlight is back."""
        return None if undone else self.highlight.id


class DeleteHighlightCommand(DoneCommand):
    """Deleting a highlight; undo restores it with the same id, tags and note."""

    def __init__(self, controller: DeskController, highlight: Highlight) -> None:
        """Record the highlight as it was before it was deleted."""
        super().__init__(controller, f"Delete highlight “{_excerpt(highlight.exact)}”")
        self.highlight = highlight

    def revert(self) -> None:
        """Restore the highlight."""
        self.controller.restore_highlight(self.highlight)

    def apply(self) -> None:
        """Delete it again."""
        self.highlight = self.controller.delete_highlight(self.highlight.id)

    def current_after(self, *, undone: bool) -> int | None:
        """Undone, the highlight is back."""
        return self.highlight.id if undone else None


class TagCommand(DoneCommand):
    """Applying a theme; undo removes it and any theme the tagging created."""

    def __init__(self, controller: DeskController, result: TagResult, position: int) -> None:
        """Record the tagging and where the theme went among the highlight's tags."""
        super().__init__(controller, f"Tag with {result.tag.path}")
        self.highlight_id = result.highlight.id
        self.tag = result.tag
        self.created: tuple[Tag, ...] = result.created
        self.position = position

    def revert(self) -> None:
        """Remove the theme, and drop themes made for it (children first)."""
        self.controller.untag_highlight(
            self.highlight_id, self.tag.id, drop_if_unused=[t.id for t in reversed(self.created)]
        )

    def apply(self) -> None:
        """Apply it again, bringing back the themes it had created with their ids."""
        self.controller.tag_highlight(self.highlight_id, self.tag.path, position=self.position, recreate=self.created)


class UntagCommand(DoneCommand):
    """Removing a theme from a highlight; undo puts it back in the same place."""

    def __init__(self, controller: DeskController, highlight_id: int, tag: Tag, position: int) -> None:
        """Record which theme was removed and where it stood."""
        super().__init__(controller, f"Remove tag {tag.path}")
        self.highlight_id = highlight_id
        self.tag = tag
        self.position = position

    def revert(self) -> None:
        """Put the theme back at its old position."""
        self.controller.tag_highlight(self.highlight_id, self.tag.path, position=self.position)

    def apply(self) -> None:
        """Remove it again."""
        self.controller.untag_highlight(self.highlight_id, self.tag.id)


class NoteCommand(DoneCommand):
    """Editing a note; consecutive saves of one note while typing merge into one step."""

    def __init__(self, controller: DeskController, highlight_id: int, old: str, new: str) -> None:
        """Record the note before and after."""
        super().__init__(controller, "Edit note")
        self.highlight_id = highlight_id
        self.old = old
        self.new = new

    def id(self) -> int:
        """Return the merge id shared by all note edits."""
        return NOTE_MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        """Fold a later save of the same note into this step."""
        if not isinstance(other, NoteCommand) or other.highlight_id != self.highlight_id:
            return False
        self.new = other.new
        return True

    def revert(self) -> None:
        """Restore the previous note."""
        self.controller.set_note(self.highlight_id, self.old)

    def apply(self) -> None:
        """Write the new note again."""
        self.controller.set_note(self.highlight_id, self.new)


class EditionCommand(DoneCommand):
    """Adding a new edition; undo removes it and puts every highlight back."""

    def __init__(
        self, controller: DeskController, plan: EditionPlan, outcome: EditionOutcome, report: EditionReport
    ) -> None:
        """Record the plan, where the highlights went, and the edition made."""
        super().__init__(controller, f"New edition {report.number}")
        self.plan, self.outcome, self.report = plan, outcome, report

    def revert(self) -> None:
        """Remove the edition."""
        self.controller.revert_edition(self.plan, self.report)

    def apply(self) -> None:
        """Add it again, with the same id."""
        self.report = self.controller.apply_edition(self.plan, self.outcome, self.report.version_id)


class AttachCommand(DoneCommand):
    """Attaching an orphan (or moving a highlight) to a passage; undo puts it back."""

    def __init__(self, controller: DeskController, before: Highlight, after: Highlight) -> None:
        """Record the highlight before and after."""
        super().__init__(controller, "Attach highlight")
        self.before, self.after = before, after

    def revert(self) -> None:
        """Put the highlight back where it was (on its old edition, for an orphan)."""
        self.controller.restore_anchor(self.before)

    def apply(self) -> None:
        """Attach it again."""
        self.controller.attach_highlight(self.after.id, self.after.start, self.after.end)


class CodebookCommand(DoneCommand):
    """A change to the themes (rename, merge, move...); undo writes the old state back."""

    def __init__(self, controller: DeskController, change: CodebookChange) -> None:
        """Record the change with its before and after states."""
        super().__init__(controller, change.text)
        self.change = change

    def revert(self) -> None:
        """Put the touched themes and links back as they were."""
        self.controller.restore_codebook(self.change.before)

    def apply(self) -> None:
        """Write the changed state again."""
        self.controller.restore_codebook(self.change.after)


class DeleteDocumentCommand(DoneCommand):
    """Deleting a document with its highlights; undo puts every row back as it was."""

    def __init__(self, controller: DeskController, snapshot: DocumentSnapshot) -> None:
        """Record what was deleted."""
        super().__init__(controller, f"delete “{_excerpt(snapshot.title)}”")
        self.snapshot = snapshot

    def revert(self) -> None:
        """Put the document back and open it."""
        self.controller.restore_document(self.snapshot)

    def apply(self) -> None:
        """Delete it again."""
        self.snapshot = self.controller.delete_document(int(self.snapshot.document["id"]))


class PropertiesCommand(DoneCommand):
    """Editing a document's title, author, date or source."""

    def __init__(
        self, controller: DeskController, document_id: int, before: DocumentProperties, after: DocumentProperties
    ) -> None:
        """Record both sets of properties."""
        super().__init__(controller, f"edit properties of “{_excerpt(after.title)}”")
        self.document_id = document_id
        self.before = before
        self.after = after

    def revert(self) -> None:
        """Store the previous properties."""
        self.controller.set_properties(self.document_id, self.before)

    def apply(self) -> None:
        """Store the new properties again."""
        self.controller.set_properties(self.document_id, self.after)
