"""SQLAlchemy 2 typed models of the library file.

The schema is described for users in README.md ("The library file"); keep the two in step.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints let Alembic's batch mode find and rebuild them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time in UTC (stored naive, always meaning UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DocumentRow(Base):
    """A text in the library; its words live in its versions."""

    __tablename__ = "documents"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String, nullable=False)
    author: Mapped[str] = mapped_column(String, nullable=False, default="")
    source: Mapped[str] = mapped_column(String, nullable=False, default="")
    # The importer's format ("pdf", "epub" ...), the work's date and language as given.
    format: Mapped[str] = mapped_column(String, nullable=False, default="text", server_default="text")
    date: Mapped[str] = mapped_column(String, nullable=False, default="", server_default="")
    language: Mapped[str] = mapped_column(String, nullable=False, default="", server_default="")
    added_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    last_opened_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Code-point offset of the first visible character, restored on the next start.
    reading_position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    versions: Mapped[list[VersionRow]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="VersionRow.number",
    )


class VersionRow(Base):
    """One edition of a document's text, stored normalised, with its SHA-256."""

    __tablename__ = "document_versions"
    __table_args__ = (
        Index("uq_document_versions_document_number", "document_id", "number", unique=True),
        Index("ix_document_versions_sha256", "sha256"),
        # The word count without reading the text before it in the row (migration 0014).
        Index("ix_document_versions_words", "document_id", "number", "word_count"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # Headings and pages as JSON (app.domain.structure.Structure), "" for none.
    structure: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    word_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    document: Mapped[DocumentRow] = relationship(back_populates="versions")


class HighlightRow(Base):
    """A highlighted span: code-point offsets into a version plus its quote selector."""

    __tablename__ = "highlights"
    __table_args__ = (
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="span"),
        Index("ix_highlights_document_start", "document_id", "start_offset"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    # The edition the reader highlighted; version_id is the one the offsets now refer to
    # (they differ after re-anchoring; a highlight left on an older edition is an orphan).
    made_on_version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    start_offset: Mapped[int] = mapped_column(Integer, nullable=False)
    end_offset: Mapped[int] = mapped_column(Integer, nullable=False)
    exact: Mapped[str] = mapped_column(Text, nullable=False)
    prefix: Mapped[str] = mapped_column(Text, nullable=False, default="")
    suffix: Mapped[str] = mapped_column(Text, nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The old wording of a quote matched only approximately in a new edition, until the
    # reader accepts the new place; empty otherwise.
    review_from: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    # Who made it: in a shared library the PostgreSQL role, set by the database (db.group);
    # empty in a file of one's own.
    author: Mapped[str] = mapped_column(String, nullable=False, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    tag_links: Mapped[list[HighlightTagRow]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="HighlightTagRow.position",
    )
    private_note: Mapped[PrivateNoteRow | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class PrivateNoteRow(Base):
    """A highlight's note that only its author may read (a shared library's members' privacy).

    A highlight's note is either shared (`highlights.note`) or private (a row here, and
    the highlight's own note empty). In a shared library row-level security lets each
    person see and write only their own (db.group): it is a table of its own because a
    policy hides rows, never one column of a row.
    """

    __tablename__ = "private_notes"

    highlight_id: Mapped[int] = mapped_column(ForeignKey("highlights.id", ondelete="CASCADE"), primary_key=True)
    # The PostgreSQL role that wrote it, set by the database; empty in a file of one's own.
    author: Mapped[str] = mapped_column(String, nullable=False, default="", server_default="")
    note: Mapped[str] = mapped_column(Text, nullable=False)


class TagRow(Base):
    """A theme; themes form a tree through `parent_id`."""

    __tablename__ = "tags"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String, nullable=False)
    colour: Mapped[str] = mapped_column(String(7), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    # The number key (1-9) a pinned theme is applied with; None when not pinned.
    pinned: Mapped[int | None] = mapped_column(Integer, nullable=True)


# NULL parents never collide in a plain UNIQUE, so sibling names (top-level ones
# included) are kept unique through an expression index.
Index("uq_tags_parent_name", func.coalesce(TagRow.parent_id, 0), TagRow.name, unique=True)


class HighlightTagRow(Base):
    """Links a highlight to a tag; `position` orders a highlight's tags (first = colour)."""

    __tablename__ = "highlight_tags"
    # Covers every "highlights under these themes" read: counting per theme and per
    # subtree reads the index alone (the primary key leads with highlight_id instead).
    __table_args__ = (Index("ix_highlight_tags_tag_id_highlight_id", "tag_id", "highlight_id"),)

    highlight_id: Mapped[int] = mapped_column(ForeignKey("highlights.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)

    tag: Mapped[TagRow] = relationship(lazy="joined")


class OperationRow(Base):
    """One change the reader made, with what undo and redo need (see db.journal).

    `entries` is the zlib-compressed JSON list of the rows the change touched, in the
    order it touched them: ``[table, before image or null, after digest or null]``.
    `redo` holds the after images once the change is undone, until it is redone.
    `stamp` grows with every do, undo and redo in the library, so that another window
    finds what changed since it last looked.
    """

    __tablename__ = "operations"
    __table_args__ = (
        Index("ix_operations_stamp", "stamp"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String, nullable=False)
    author: Mapped[str] = mapped_column(String, nullable=False, default="")
    # The window or command that last did, undid or redid it (a token per process).
    origin: Mapped[str] = mapped_column(String, nullable=False, default="")
    at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    # No foreign key: the history outlives a deleted document (and can bring it back).
    document_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    changes: Mapped[str] = mapped_column(Text, nullable=False)
    # Successive saves of one thing (a note being typed) fold into one operation.
    merge_key: Mapped[str] = mapped_column(String, nullable=False, default="")
    entries: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    redo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # 0 done, 1 undone (can be redone), 2 undone and then passed by a new change.
    state: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    stamp: Mapped[int] = mapped_column(Integer, nullable=False)
