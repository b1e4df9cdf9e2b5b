"""Agreement between the people who coded a document: theme by theme, as CSV or a table."""

from __future__ import annotations

from sqlalchemy import text

from app.domain.agreement import ThemeAgreement, theme_agreements
from app.services.base import ServiceBase
from app.services.errors import StorageError, storage
from app.services.queries import all_tags

# Characters, as SQLite counts them in text: code points, as the offsets are.
_LENGTH = text("SELECT length(text) FROM document_versions WHERE id = :v")
_MARKS = text(
    "SELECT h.start_offset, h.end_offset, h.author, t.tag_id FROM highlights h "
    "LEFT JOIN highlight_tags t ON t.highlight_id = h.id WHERE h.document_id = :d AND h.version_id = :v"
)


class Agreements(ServiceBase):
    """The coder-comparison use case of the library service."""

    @storage
    def agreement(self, document_id: int) -> list[ThemeAgreement]:
        """Compare, theme by theme, everyone who highlighted the document's current edition.

        Raises:
            NotFoundError: If there is no such document.
            StorageError: If fewer than two people made highlights in it.
        """
        with self._sessions.begin() as s:
            conn = s.connection()
            version = self._current_version_meta(s, document_id)
            length = conn.execute(_LENGTH, {"v": version}).scalar_one()
            tags = all_tags(s)
            # The stretches, makers and themes alone: a value for each highlight, dates
            # and quotes and all, cost ten times the comparison at 100,000 of them.
            marks = [
                (start, end, author, None if tag_id is None else tags[tag_id])
                for start, end, author, tag_id in conn.execute(_MARKS, {"d": document_id, "v": version})
            ]
        try:
            return theme_agreements(marks, length)
        except ValueError as exc:
            raise StorageError(str(exc)) from exc
