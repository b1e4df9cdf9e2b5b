"""What every part of the library service shares: the open library, its history, and row helpers."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.orm import Session

from app.domain.anchors import quote_of
from app.domain.values import DocumentSummary, Highlight, Tag
from app.services.bulk import highlight_row
from app.services.codebook import Codebook
from app.services.errors import NotFoundError, StorageError, storage
from app.services.operations import Operations, default_author
from app.services.queries import all_tags, existing, read_highlights, summary_of
from app.services.shelf import Shelf
from db import Library, group
from db.models import Base, DocumentRow, HighlightRow, HighlightTagRow, VersionRow, utcnow
from db.shared import connected_role

_HIGHLIGHTS = Base.metadata.tables["highlights"]
_INSERT_HIGHLIGHT = insert(_HIGHLIGHTS).returning(_HIGHLIGHTS.c.id)
# Asked by every new highlight: as text, it skips building and compiling a query each time.
_CURRENT_VERSION = text("SELECT id FROM document_versions WHERE document_id = :d ORDER BY number DESC LIMIT 1")


class ServiceBase:
    """The open library, its operations log, codebook and shelf, and the helpers every use case reads rows with."""

    def __init__(self, library: Library, notices: tuple[str, ...] = (), author: str | None = None) -> None:
        """Wrap an open library; `notices` are what its owner should be told once, on opening.

        Changes are recorded as made by `author` (default: the name the person logged in with).
        """
        self._library = library
        self.notices = notices
        self._sessions = library.sessions
        if author is None:
            # In a shared library, who makes a change is the role connected: what the
            # database's policies check, whatever the login name on this computer.
            author = _role(library) if library.path is None else default_author()
        self.operations = Operations(library, author)
        self.codebook = Codebook(self.operations)
        self.shelf = Shelf(self.operations)
        # The last edition text read, by edition id: making a highlight needs the text for
        # its quote, and re-reading 5 MB each time is slow (so was reading its digest to
        # check it: SQLite walks the whole text to reach the column after it). Once
        # committed, an edition's text never changes and its id is never given to another
        # (AUTOINCREMENT), so a text is kept only when the transaction it was read in
        # commits: one read inside a change that was rolled back, whose id may be given
        # again, is never used.
        self._text_cache: tuple[int, str] | None = None
        self._text_read: tuple[int, str] | None = None
        event.listen(self._sessions, "after_commit", self._keep_text_read)
        event.listen(self._sessions, "after_rollback", self._drop_text_read)

    @property
    def path(self) -> Path | None:
        """The library file (None: the library is shared, on a PostgreSQL server)."""
        return self._library.path

    @property
    def address(self) -> str:
        """What names the library to a person: its file, or its server's address."""
        return self._library.address

    @storage
    def group_kind(self) -> str | None:
        """In a shared library, what this person may do: "owner", "member" or "reader" (None elsewhere)."""
        if not self.is_shared:
            return None
        with self._sessions.begin() as s:
            return group.kind_of(s.connection())

    @property
    def is_shared(self) -> bool:
        """Whether the library is a group's, on a PostgreSQL server."""
        return self._library.path is None

    @property
    def read_only(self) -> str | None:
        """Why the library can only be read (a full disk, a read-only folder), or None."""
        return self._library.read_only

    @property
    def created(self) -> bool:
        """Whether the library file was created when it was opened (a first start)."""
        return self._library.created

    def close(self) -> None:
        """Close the library."""
        self.operations.close()
        self._library.close()

    def _insert_highlight(self, s: Session, document_id: int, start: int, end: int, note: str) -> Highlight:
        """Store a new highlight (without themes) on the document's current text; return it."""
        version = self._current_version_meta(s, document_id)
        text = self._version_text(s, version)
        try:
            quote = quote_of(text, start, end)
        except ValueError as exc:
            raise StorageError(f"Cannot highlight: {exc}.") from exc
        now = utcnow()
        author = self.operations.author
        row = highlight_row(None, (document_id, version, start, end), quote, note, "", (now, author))
        # Through the core: the unit of work cost a new highlight more than its SQL.
        highlight_id: int = s.connection().execute(_INSERT_HIGHLIGHT, row).scalar_one()
        return Highlight(
            id=highlight_id,
            document_id=document_id,
            version_id=version,
            start=start,
            end=end,
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            note=note,
            tags=(),
            created_at=now,
            updated_at=now,
            made_on_version_id=version,
            review_from="",
            author=author,
        )

    @staticmethod
    def _relink(s: Session, row: HighlightRow, links: list[HighlightTagRow]) -> None:
        """Replace a highlight's tag links, numbering their positions in order."""
        keep = {link.tag_id for link in links}
        for old in list(row.tag_links):
            if old.tag_id not in keep:
                row.tag_links.remove(old)
        s.flush()
        by_tag = {link.tag_id: link for link in row.tag_links}
        ordered = [by_tag.get(link.tag_id, link) for link in links]
        for i, link in enumerate(ordered):
            link.position = i
        row.tag_links = ordered
        row.updated_at = utcnow()
        s.flush()

    @staticmethod
    def _all_tags(s: Session) -> dict[int, Tag]:
        return all_tags(s)

    def _document_highlights(self, s: Session, document_id: int, version_id: int | None = None) -> list[Highlight]:
        """A document's highlights in text order (of one version, if given)."""
        h = HighlightRow.__table__.c
        conditions = [h.document_id == document_id]
        if version_id is not None:
            conditions.append(h.version_id == version_id)
        return read_highlights(s, all_tags(s), *conditions)

    def _value(self, s: Session, row: HighlightRow, tags: dict[int, Tag] | None = None) -> Highlight:
        links = row.tag_links
        if tags is None:
            tags = self._all_tags(s) if links else {}  # the codebook only when there are themes
        return self._make_value(row, tuple(tags[link.tag_id] for link in links))

    @staticmethod
    def _make_value(row: HighlightRow, tags: tuple[Tag, ...]) -> Highlight:
        return Highlight(
            id=row.id,
            document_id=row.document_id,
            version_id=row.version_id,
            start=row.start_offset,
            end=row.end_offset,
            exact=row.exact,
            prefix=row.prefix,
            suffix=row.suffix,
            note=row.note if row.private_note is None else row.private_note.note,
            tags=tags,
            created_at=row.created_at,
            updated_at=row.updated_at,
            made_on_version_id=row.made_on_version_id,
            review_from=row.review_from,
            author=row.author,
            private=row.private_note is not None,
        )

    @staticmethod
    def _summary(s: Session, doc: DocumentRow) -> DocumentSummary:
        count = s.execute(select(func.count()).where(HighlightRow.document_id == doc.id)).scalar_one()
        return summary_of(doc, count, doc.versions[-1].word_count if doc.versions else 0)

    @staticmethod
    def _document_row(s: Session, document_id: int) -> DocumentRow:
        return existing(s, DocumentRow, document_id, "document")

    @staticmethod
    def _highlight_row(s: Session, highlight_id: int) -> HighlightRow:
        return existing(s, HighlightRow, highlight_id, "highlight")

    def _current_version(self, s: Session, document_id: int) -> VersionRow:
        version = s.execute(
            select(VersionRow).where(VersionRow.document_id == document_id).order_by(VersionRow.number.desc()).limit(1)
        ).scalar_one_or_none()
        if version is None:
            raise NotFoundError(f"There is no document {document_id} in the library.")
        return version

    def _current_version_meta(self, s: Session, document_id: int) -> int:
        version_id: int | None = s.connection().execute(_CURRENT_VERSION, {"d": document_id}).scalar_one_or_none()
        if version_id is None:
            raise NotFoundError(f"There is no document {document_id} in the library.")
        return version_id

    def _version_text(self, s: Session, version_id: int) -> str:
        for kept in (self._text_read, self._text_cache):
            if kept is not None and kept[0] == version_id:
                return kept[1]
        text: str = s.execute(select(VersionRow.text).where(VersionRow.id == version_id)).scalar_one()
        self._text_read = (version_id, text)
        return text

    def _keep_text_read(self, _session: Session) -> None:
        if self._text_read is not None:
            self._text_cache, self._text_read = self._text_read, None

    def _drop_text_read(self, _session: Session) -> None:
        self._text_read = None

    @storage
    def tags(self) -> list[Tag]:
        """Return every theme, sorted by path."""
        with self._sessions.begin() as s:
            return sorted(self._all_tags(s).values(), key=lambda t: t.path.casefold())

    @storage
    def highlight(self, highlight_id: int) -> Highlight:
        """Return one highlight."""
        with self._sessions.begin() as s:
            return self._value(s, self._highlight_row(s, highlight_id))


def _role(library: Library) -> str:
    with library.engine.connect() as conn:
        role = connected_role(conn)
        conn.rollback()
    return role
