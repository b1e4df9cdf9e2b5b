"""Exchange with QDA tools: REFI-QDA projects (.qdpx) and codebooks (.qdc), out and in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.domain.changes import Done
from app.domain.codebook import CodebookEntry
from app.domain.refi import QdaCode, QdaProject, QdaSelection, QdaSource, write_codebook, write_project
from app.domain.tags import TagPathError, parse_tag_path
from app.domain.text import excerpt, plural, sha256_hex, word_count
from app.domain.values import Tag
from app.importers.base import TextImportError
from app.importers.refi import QDC, QDPX, read_codebook, read_project
from app.services.codebook import ensure_path
from app.services.errors import storage
from app.services.exports import Exports
from db.models import DocumentRow, HighlightTagRow, TagRow, VersionRow, utcnow


@dataclass(frozen=True, slots=True)
class QdaSummary:
    """What an import from a QDA tool brought in, and what it left out (said why)."""

    documents: int
    already: int  # sources whose text was already a document: their highlights went there
    highlights: int
    themes: int
    skipped: tuple[str, ...] = ()

    def describe(self) -> str:
        """One sentence or two for the status bar and the command line."""
        parts = [
            f"{plural(self.documents, 'document')} added",
            *([f"{plural(self.already, 'document')} already in the library"] if self.already else []),
            f"{plural(self.highlights, 'highlight')}",
            f"{plural(self.themes, 'theme')}",
        ]
        text = ", ".join(parts) + "."
        if self.skipped:
            text += f" Left out: {'; '.join(self.skipped[:5])}" + ("; …" if len(self.skipped) > 5 else "") + "."
        return text


def _path(tag: Tag) -> tuple[str, ...]:
    return tuple(tag.path.split("/"))


def _codes_of(tags: Sequence[Tag]) -> list[QdaCode]:
    return [QdaCode(_path(t), t.colour, t.description) for t in tags]


class Exchange(Exports):
    """The REFI-QDA use cases of the library service."""

    @storage
    def qda_project(self, *, document_ids: Sequence[int] | None = None, themes: Sequence[str] = ()) -> QdaProject:
        """Gather a project: the documents (all, or these), their current texts and highlights, every theme.

        Highlights waiting on an older edition (orphans) are not on the text written, and
        are left out (counted in `skipped`).
        """
        export = self.export_set(document_ids=document_ids, themes=themes)
        if document_ids is not None:
            ids = list(document_ids)
        elif themes:  # the documents holding those themes' highlights
            ids = [d.id for d in export.documents]
        else:  # the whole library, documents without highlights too
            ids = None
        by_id = {d.id: d for d in export.documents}
        sources: list[QdaSource] = []
        skipped: list[str] = []
        with self._sessions.begin() as s:
            order = select(DocumentRow.id, DocumentRow.title).order_by(DocumentRow.added_at, DocumentRow.id)
            titles: dict[int, str] = {row.id: row.title for row in s.execute(order)}
            for document_id in list(titles) if ids is None else ids:
                version_id = self._current_version_meta(s, document_id)
                highlights = by_id[document_id].highlights if document_id in by_id else ()
                current = [h for h in highlights if h.version_id == version_id]
                title = titles.get(document_id, "")
                if len(current) < len(highlights):
                    skipped.append(f"{plural(len(highlights) - len(current), 'orphan')} of “{excerpt(title)}”")
                selections = tuple(
                    QdaSelection(h.start, h.end, h.exact, tuple(_path(t) for t in h.tags), h.note, h.created_at)
                    for h in current
                )
                sources.append(QdaSource(title, self._version_text(s, version_id), selections))
        name = sources[0].name if len(sources) == 1 else "Marginalia library"
        codes = _codes_of(self.tags()) if not themes else []  # with themes: those used (and their parents)
        return QdaProject(name, tuple(codes), tuple(sources), self.operations.author, tuple(skipped))

    def export_qdpx(self, *, document_ids: Sequence[int] | None = None, themes: Sequence[str] = ()) -> bytes:
        """Return a `.qdpx` project of the library (or these documents, or these themes' highlights)."""
        return write_project(self.qda_project(document_ids=document_ids, themes=themes), utcnow())

    def export_qdc(self) -> str:
        """Return the codebook as a `.qdc` file."""
        return write_codebook(_codes_of(self.tags()))

    def import_qda(self, path: Path) -> Done[QdaSummary]:
        """Bring in a `.qdpx` project or a `.qdc` codebook from a QDA tool, as one change.

        Raises:
            TextImportError: If the file cannot be read; nothing is changed.
        """
        suffix = path.suffix.lower()
        if suffix == QDC:
            codes = read_codebook(path)
            done = self.codebook.import_entries(
                [CodebookEntry("/".join(c.path), c.colour or None, c.description) for c in codes]
            )
            return Done(QdaSummary(0, 0, 0, len(codes)), done.changes, done.label)
        if suffix != QDPX:
            raise TextImportError(path, "a QDA exchange file ends in .qdpx (a project) or .qdc (a codebook)")
        return self._store(read_project(path), path)

    @storage
    def _store(self, project: QdaProject, path: Path) -> Done[QdaSummary]:
        skipped = list(project.skipped)
        with self.operations.record(f"Import the QDA project “{excerpt(project.name)}”") as op:
            s = op.session
            themes_before = s.execute(select(TagRow.id)).scalars().all()
            for code in project.codes:
                try:
                    tag_id = ensure_path(s, parse_tag_path("/".join(code.path)))[0]
                except TagPathError as exc:
                    skipped.append(f"the code “{excerpt('/'.join(code.path))}” ({exc})")
                    continue
                row = s.get_one(TagRow, tag_id)
                if code.colour:
                    row.colour = code.colour
                if code.description and not row.description:
                    row.description = code.description
            added = already = highlights = 0
            for source in project.sources:
                digest = sha256_hex(source.text)
                existing = s.execute(
                    select(DocumentRow).join(VersionRow).where(VersionRow.sha256 == digest).limit(1)
                ).scalar_one_or_none()
                if existing is None:
                    document = DocumentRow(title=source.name, author="", source=str(path), format="qdpx")
                    document.versions.append(
                        VersionRow(number=1, text=source.text, sha256=digest, word_count=word_count(source.text))
                    )
                    s.add(document)
                    s.flush()
                    added += 1
                else:
                    document = existing
                    already += 1
                for selection in source.selections:
                    mark = self._insert_highlight(s, document.id, selection.start, selection.end, selection.note)
                    if selection.created is not None:
                        mark.created_at = mark.updated_at = selection.created
                    tag_ids: list[int] = []
                    for code_path in selection.codes:
                        try:
                            tag_id = ensure_path(s, parse_tag_path("/".join(code_path)))[0]
                        except TagPathError:
                            continue
                        if tag_id not in tag_ids:
                            tag_ids.append(tag_id)
                    mark.tag_links = [HighlightTagRow(tag_id=t, position=i) for i, t in enumerate(tag_ids)]
                    highlights += 1
            s.flush()
            themes = len(s.execute(select(TagRow.id)).scalars().all()) - len(themes_before)
        return op.done(QdaSummary(added, already, highlights, themes, tuple(skipped)))
