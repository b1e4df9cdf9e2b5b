"""New editions: preparing one, storing it with every highlight placed, attaching orphans."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain.anchors import quote_of
from app.domain.changes import Done
from app.domain.editions import (
    EditionOutcome,
    EditionPlan,
    EditionReport,
    PlacedHighlight,
    Placement,
    VersionSummary,
)
from app.domain.text import sha256_hex, word_count
from app.domain.values import Highlight
from app.importers import ImportedText
from app.services.base import ServiceBase
from app.services.errors import StorageError, storage
from db.models import HighlightRow, VersionRow, utcnow


class Editions(ServiceBase):
    """The edition use cases of the library service."""

    @storage
    def prepare_edition(self, document_id: int, imported: ImportedText) -> EditionPlan:
        """Read what adding `imported` as the document's new edition needs.

        Raises:
            StorageError: If the new text is the current one.
        """
        digest = sha256_hex(imported.text)
        with self._sessions.begin() as s:
            current = self._current_version(s, document_id)
            if current.sha256 == digest:
                raise StorageError("The new edition has exactly the text of the current one.")
            highlights = self._document_highlights(s, document_id)
            groups = tuple(
                (
                    version_id,
                    self._version_text(s, version_id),
                    tuple(h for h in highlights if h.version_id == version_id),
                )
                for version_id in sorted({h.version_id for h in highlights})
            )
            return EditionPlan(
                document_id, current.number + 1, imported.text, digest, groups, imported.structure.to_json()
            )

    @storage
    def apply_edition(self, plan: EditionPlan, outcome: EditionOutcome) -> Done[EditionReport]:
        """Store the new edition and move every placed highlight onto it, in one transaction.

        Orphans stay on their old edition with their quote, themes and note.
        """
        with self.operations.record(f"New edition {plan.number}", plan.document_id) as op:
            s = op.session
            previous = self._current_version_meta(s, plan.document_id)
            version = VersionRow(
                document_id=plan.document_id,
                number=plan.number,
                text=plan.text,
                sha256=plan.sha256,
                structure=plan.structure,
                word_count=word_count(plan.text),
            )
            s.add(version)
            s.flush()
            rows = {
                r.id: r
                for r in s.execute(select(HighlightRow).where(HighlightRow.document_id == plan.document_id)).scalars()
            }
            items: list[PlacedHighlight] = []
            for h, span in outcome.results:
                row = rows.get(h.id)
                if row is None:
                    continue
                if span is None:
                    items.append(PlacedHighlight(h.id, Placement.ORPHANED, h.exact, ""))
                    continue
                quote = quote_of(plan.text, *span)
                if quote.exact != h.exact:
                    placement = Placement.APPROXIMATE
                elif span == (h.start, h.end) and h.version_id == previous:
                    placement = Placement.UNCHANGED
                else:
                    placement = Placement.MOVED
                row.version_id, row.start_offset, row.end_offset = version.id, span[0], span[1]
                row.exact, row.prefix, row.suffix = quote.exact, quote.prefix, quote.suffix
                row.review_from = h.exact if placement is Placement.APPROXIMATE else ""
                items.append(PlacedHighlight(h.id, placement, h.exact, quote.exact))
            report = EditionReport(plan.document_id, version.id, plan.number, version.created_at, tuple(items))
        return op.done(report)

    @storage
    def accept_placement(self, highlight_id: int) -> Done[Highlight]:
        """Accept where an approximately matched highlight was placed."""
        with self.operations.record("Accept placement") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            op.document_id = row.document_id
            row.review_from = ""
            value = self._value(s, row)
        return op.done(value)

    @storage
    def attach_highlight(self, highlight_id: int, start: int, end: int) -> Done[Highlight]:
        """Put a highlight (an orphan, or one placed wrongly) on `[start, end)` of the current edition."""
        with self.operations.record("Attach highlight") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            op.document_id = row.document_id
            version = self._current_version_meta(s, row.document_id)
            try:
                quote = quote_of(self._version_text(s, version), start, end)
            except ValueError as exc:
                raise StorageError(f"Cannot attach the highlight: {exc}.") from exc
            row.version_id, row.start_offset, row.end_offset = version, start, end
            row.exact, row.prefix, row.suffix, row.review_from = quote.exact, quote.prefix, quote.suffix, ""
            row.updated_at = utcnow()
            value = self._value(s, row)
        return op.done(value)

    @storage
    def versions(self, document_id: int) -> list[VersionSummary]:
        """Return a document's editions, oldest first."""
        with self._sessions.begin() as s:
            made = dict(
                s.execute(
                    select(HighlightRow.made_on_version_id, func.count())
                    .where(HighlightRow.document_id == document_id)
                    .group_by(HighlightRow.made_on_version_id)
                ).all()
            )
            rows = s.execute(
                select(
                    VersionRow.id,
                    VersionRow.number,
                    VersionRow.created_at,
                    VersionRow.sha256,
                    func.length(VersionRow.text),
                )
                .where(VersionRow.document_id == document_id)
                .order_by(VersionRow.number)
            ).all()
            last = rows[-1].number if rows else None
            return [
                VersionSummary(r.id, r.number, r.created_at, r.sha256, r[4], made.get(r.id, 0), r.number == last)
                for r in rows
            ]
