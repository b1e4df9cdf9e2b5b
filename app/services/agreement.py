"""Agreement between the people who coded a document: theme by theme, as CSV or a table."""

from __future__ import annotations

from app.domain.agreement import ThemeAgreement, theme_agreements
from app.services.base import ServiceBase
from app.services.errors import StorageError, storage


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
            version = self._current_version(s, document_id)
            highlights = self._document_highlights(s, document_id, version.id)
            length = len(version.text)
        try:
            return theme_agreements(highlights, length)
        except ValueError as exc:
            raise StorageError(str(exc)) from exc
