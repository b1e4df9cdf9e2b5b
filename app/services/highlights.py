"""Highlights: making, tagging, annotating and deleting them, and reading them back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.domain.changes import Done
from app.domain.tags import parse_tag_path
from app.domain.text import excerpt
from app.domain.values import Highlight, TagResult
from app.services.base import ServiceBase
from app.services.codebook import ensure_path
from app.services.errors import NotFoundError, storage
from app.services.queries import all_tags, chunks, read_highlights
from db.models import HighlightRow, HighlightTagRow, PrivateNoteRow, VersionRow, utcnow

_DELETE = text("DELETE FROM highlights WHERE id = :id")


class Highlights(ServiceBase):
    """The highlight use cases of the library service."""

    @storage
    def highlights(self, document_id: int) -> list[Highlight]:
        """Return the highlights on a document's current edition, in text order."""
        with self._sessions.begin() as s:
            return self._document_highlights(s, document_id, self._current_version_meta(s, document_id))

    @storage
    def highlights_among(self, document_id: int, ids: Iterable[int]) -> list[Highlight]:
        """Return those of `ids` that are highlights on the document's current edition."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        h = HighlightRow.__table__.c
        with self._sessions.begin() as s:
            current = self._current_version_meta(s, document_id)
            tags = all_tags(s)
            return [
                found
                for chunk in chunks(wanted)
                for found in read_highlights(
                    s, tags, h.id.in_(chunk), h.document_id == document_id, h.version_id == current
                )
            ]

    @storage
    def highlight_counts(self, document_ids: Iterable[int]) -> dict[int, int]:
        """Return how many highlights each of these documents has."""
        wanted = list(set(document_ids))
        stmt = (
            select(HighlightRow.document_id, func.count())
            .where(HighlightRow.document_id.in_(wanted))
            .group_by(HighlightRow.document_id)
        )
        with self._sessions.begin() as s:
            return dict.fromkeys(wanted, 0) | dict(s.execute(stmt).all())

    @storage
    def orphans(self, document_id: int) -> list[Highlight]:
        """Return the highlights left on older editions (not found in the current one).

        Only those rows are read: reading every highlight to keep the few orphans cost
        1.6 s each time a document of 100,000 highlights was opened.
        """
        h = HighlightRow.__table__.c
        with self._sessions.begin() as s:
            current = self._current_version_meta(s, document_id)
            # Asked by the editions, through the index on version_id: "the document's,
            # and not of its current edition" walked all 100,000 of them (25 ms).
            older = select(VersionRow.id).where(VersionRow.document_id == document_id, VersionRow.id != current)
            return read_highlights(s, all_tags(s), h.version_id.in_(older))

    @storage
    def create_highlight(
        self, document_id: int, start: int, end: int, *, tags: Sequence[str] = (), note: str = ""
    ) -> Done[Highlight]:
        """Highlight `[start, end)` of the document's current text, with themes and a note.

        It is one transaction: a bad theme path leaves no highlight behind.

        Raises:
            StorageError: If the span is empty or outside the text.
            app.domain.tags.TagPathError: If a theme path is not valid.
        """
        paths = [parse_tag_path(t) for t in tags]
        with self.operations.record("", document_id) as op:
            s = op.session
            value = self._insert_highlight(s, document_id, start, end, note)
            op.label = f"Highlight “{excerpt(value.exact)}”"
            tag_ids: list[int] = []
            for names in paths:
                tag_id = ensure_path(s, names)[0]
                if tag_id not in tag_ids:
                    tag_ids.append(tag_id)
            if tag_ids:
                s.add_all(HighlightTagRow(highlight_id=value.id, tag_id=t, position=i) for i, t in enumerate(tag_ids))
                s.flush()
                known = self._all_tags(s)
                value = replace(value, tags=tuple(known[t] for t in tag_ids))
        return op.done(value)

    @storage
    def highlight_and_tag(self, document_id: int, start: int, end: int, path: str) -> Done[TagResult]:
        """Highlight `[start, end)` and tag it with the theme at `path`, in one transaction.

        Unlike `create_highlight`, it says which themes were made for the path.

        Raises:
            StorageError: If the span is empty or outside the text.
            app.domain.tags.TagPathError: If `path` is not a valid theme path.
        """
        names = parse_tag_path(path)
        with self.operations.record("", document_id) as op:
            s = op.session
            made = self._insert_highlight(s, document_id, start, end, "")
            tag_id, created_ids = ensure_path(s, names)
            s.add(HighlightTagRow(highlight_id=made.id, tag_id=tag_id, position=0))
            s.flush()
            result = self._tag_result(s, self._highlight_row(s, made.id), tag_id, created_ids)
            op.label = f"Highlight “{excerpt(made.exact)}” as {result.tag.path}"
        return op.done(result)

    @storage
    def delete_highlight(self, highlight_id: int) -> Done[Highlight]:
        """Delete a highlight; return it as it was."""
        with self.operations.record("") as op:
            s = op.session
            h = HighlightRow.__table__.c
            found = read_highlights(s, all_tags(s), h.id == highlight_id)
            if not found:
                raise NotFoundError(f"There is no highlight {highlight_id} in the library.")
            value = found[0]
            op.label, op.document_id = f"Delete highlight “{excerpt(value.exact)}”", value.document_id
            # One DELETE, its theme links going with it by the foreign key's cascade (the
            # journal notes those too): the unit of work loaded and deleted each link.
            s.connection().execute(_DELETE, {"id": highlight_id})
        return op.done(value)

    @storage
    def set_note(self, highlight_id: int, note: str, *, private: bool | None = None) -> Done[Highlight]:
        """Replace a highlight's note; saves of one note made while typing are one step to undo.

        Args:
            highlight_id: The highlight.
            note: Its new note ("" for none).
            private: True to keep the note its author's alone (in a shared library no one
                else reads it, owners included), False to share it, None to leave it as it is.
        """
        with self.operations.record("Edit note") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            op.document_id, op.merge_key = row.document_id, f"note:{highlight_id}"
            held = row.private_note
            private = held is not None if private is None else private
            if private != (held is not None):
                # A step of its own to undo, not folded into the typing around it.
                op.label, op.merge_key = ("Make note private" if private else "Share note"), ""
            was = (row.note, None if held is None else held.note)
            if not private:
                row.private_note, row.note = None, note
            elif held is None:
                mine = PrivateNoteRow(highlight_id=row.id, author=self.operations.author, note=note)
                row.private_note, row.note = mine, ""
            else:
                held.note, row.note = note, ""
            if was != (row.note, note if private else None):
                row.updated_at = utcnow()
            value = self._value(s, row)
        return op.done(value)

    @storage
    def tag_highlight(self, highlight_id: int, path: str) -> Done[TagResult]:
        """Apply the theme at `path` to a highlight (last), creating missing themes on the way.

        A theme the highlight already carries stays where it is.

        Raises:
            app.domain.tags.TagPathError: If `path` is not a valid theme path.
        """
        names = parse_tag_path(path)
        with self.operations.record(f"Tag with {'/'.join(names)}") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            op.document_id = row.document_id
            tag_id, created_ids = ensure_path(s, names)
            if all(link.tag_id != tag_id for link in row.tag_links):
                self._relink(s, row, [*row.tag_links, HighlightTagRow(tag_id=tag_id, position=0)])
            result = self._tag_result(s, row, tag_id, created_ids)
        return op.done(result)

    @storage
    def untag_highlight(self, highlight_id: int, tag_id: int) -> Done[Highlight]:
        """Remove a theme from a highlight."""
        with self.operations.record("Remove theme") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            tags = self._all_tags(s)
            if tag_id in tags:
                op.label = f"Remove theme {tags[tag_id].path}"
            op.document_id = row.document_id
            self._relink(s, row, [link for link in row.tag_links if link.tag_id != tag_id])
            value = self._value(s, row, tags)
        return op.done(value)

    def _tag_result(self, s: Session, row: HighlightRow, tag_id: int, created_ids: list[int]) -> TagResult:
        """The highlight as tagged, the theme applied, and the themes made for it (parents first)."""
        tags = self._all_tags(s)
        return TagResult(
            highlight=self._value(s, row, tags),
            tag=tags[tag_id],
            created=tuple(tags[i] for i in created_ids),
        )
