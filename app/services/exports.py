"""Exports and JSON backups of the library."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.changes import Done
from app.domain.export import (
    ExportDocument,
    ExportFormat,
    ExportOrder,
    ExportSet,
    Locator,
    render_csv,
    render_json,
    render_markdown,
    snippet,
)
from app.domain.structure import Structure
from app.domain.tags import parse_tag_path
from app.domain.values import Tag
from app.domain.web_annotation import render_w3c
from app.resources import MARKDOWN_TEMPLATE
from app.services.backup import RestoreError, dump_library, load_library
from app.services.base import ServiceBase
from app.services.errors import NotFoundError, storage
from db.models import DocumentRow, VersionRow, utcnow


class Exports(ServiceBase):
    """The export and backup use cases of the library service."""

    @storage
    def export_set(
        self,
        *,
        document_ids: Sequence[int] | None = None,
        themes: Sequence[str] = (),
        highlight_ids: Sequence[int] | None = None,
        include_notes: bool = True,
        order: ExportOrder = ExportOrder.TEXT,
    ) -> ExportSet:
        """Gather what an export holds.

        Args:
            document_ids: The documents to export; None for the whole library (documents
                without a matching highlight are then left out).
            themes: Keep highlights carrying any of these themes or their sub-themes.
            highlight_ids: Keep only these highlights (the panel's current filter).
            include_notes: Whether notes are written.
            order: Text, theme or document order.

        Raises:
            NotFoundError: If a document or theme does not exist.
        """
        chosen = None if highlight_ids is None else set(highlight_ids)
        with self._sessions.begin() as s:
            tags = self._all_tags(s)
            wanted_tags = self._theme_ids(tags, themes)
            if document_ids is None:
                ids = list(s.execute(select(DocumentRow.id).order_by(DocumentRow.added_at, DocumentRow.id)).scalars())
            else:
                ids = list(document_ids)
            documents: list[ExportDocument] = []
            for doc_id in ids:
                doc = self._document_row(s, doc_id)
                highlights = [
                    h
                    for h in self._document_highlights(s, doc_id)
                    if (wanted_tags is None or any(t.id in wanted_tags for t in h.tags))
                    and (chosen is None or h.id in chosen)
                ]
                if not highlights and document_ids is None:
                    continue
                locators: dict[int, Locator] = {}
                for version_id in {h.version_id for h in highlights}:
                    structure = s.execute(select(VersionRow.structure).where(VersionRow.id == version_id)).scalar_one()
                    locators[version_id] = Locator(self._version_text(s, version_id), Structure.from_json(structure))
                documents.append(
                    ExportDocument(
                        id=doc.id,
                        title=doc.title,
                        author=doc.author,
                        source=doc.source,
                        highlights=tuple(highlights),
                        locations=tuple(locators[h.version_id].locate(h.start) for h in highlights),
                        language=doc.language,
                    )
                )
        return ExportSet(
            documents=tuple(documents),
            exported_at=utcnow(),
            include_notes=include_notes,
            order=order,
            creator=self.operations.author,
        )

    @staticmethod
    def _theme_ids(tags: dict[int, Tag], paths: Sequence[str]) -> set[int] | None:
        if not paths:
            return None
        by_path = {t.path.casefold(): t for t in tags.values()}
        wanted: set[int] = set()
        for raw in paths:
            key = "/".join(parse_tag_path(raw)).casefold()
            if key not in by_path:
                raise NotFoundError(f"There is no theme “{raw}”.")
            root = by_path[key].path.casefold()
            wanted |= {
                t.id for t in tags.values() if t.path.casefold() == root or t.path.casefold().startswith(root + "/")
            }
        return wanted

    def render_export(self, export: ExportSet, fmt: ExportFormat, template: str | None = None) -> str:
        """Write an export in a format (Markdown with the default or a given template).

        Raises:
            app.domain.export.ExportTemplateError: If a template fails.
        """
        if fmt is ExportFormat.MARKDOWN:
            if template is None:
                return render_markdown(export, default_template(), trusted=True)
            return render_markdown(export, template)
        if fmt is ExportFormat.CSV:
            return render_csv(export)
        if fmt is ExportFormat.W3C:
            return render_w3c(export)
        return render_json(export, self._theme_records(export))

    def _theme_records(self, export: ExportSet) -> list[dict[str, Any]]:
        """The themes an export uses, with their ancestors, parents first."""
        tags = {t.id: t for t in self.tags()}
        used = {t.id for d in export.documents for h in d.highlights for t in h.tags}
        keep: set[int] = set()
        for tag_id in used:
            current: int | None = tag_id
            while current is not None and current not in keep:
                keep.add(current)
                current = tags[current].parent_id
        return [
            {
                "path": t.path,
                "name": t.name,
                "parent": tags[t.parent_id].path if t.parent_id else None,
                "colour": t.colour,
            }
            for t in sorted((tags[i] for i in keep), key=lambda t: (t.path.count("/"), t.path.casefold()))
        ]

    def snippet(self, highlight_id: int) -> str:
        """One highlight as a Markdown snippet (quote, block id, citation, tags, note)."""
        h = self.highlight(highlight_id)
        [doc] = self.export_set(document_ids=[h.document_id], highlight_ids=[h.id]).documents
        return snippet(h, doc.locations[0], doc.title)

    @storage
    def backup_json(self) -> dict[str, Any]:
        """Return the whole library as JSON values (see `app.services.backup`)."""
        with self._sessions.begin() as s:
            return dump_library(s, utcnow())

    @storage
    def restore_json(self, data: object) -> Done[tuple[int, int, int]]:
        """Restore a JSON backup into this (empty) library; return the counts restored.

        Raises:
            RestoreError: If the data is not a valid backup or the library is not empty;
                nothing is changed.
        """
        try:
            with self.operations.record("Restore a JSON backup") as op:
                counts = load_library(op.session, data)
        except IntegrityError as exc:
            raise RestoreError(f"its records contradict each other ({exc.orig}); the file is damaged") from exc
        return op.done(counts)


def default_template() -> str:
    """Return the bundled default Markdown export template."""
    return MARKDOWN_TEMPLATE.read_text(encoding="utf-8")
