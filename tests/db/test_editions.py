"""New editions through the service: placements, orphans, review, undo, versions."""

from __future__ import annotations

import pytest

from app.domain.editions import Placement
from app.importers import ImportedText
from app.services import LibraryService, StorageError

OLD = (
    "All power to the Soviets.\n\n"
    "The land to the peasants, and control of the factories to the workers.\n\n"
    "Bread, peace and land for everyone who works."
)
NEW = (
    "A new preface for the second printing of this resolution.\n\n"
    "All power to the Soviets.\n\n"
    "The land to the peasants, and supervision of the factories to the workers.\n\n"
    "Peace for everyone."
)


def _edition(service: LibraryService) -> tuple[int, dict[str, int]]:
    doc = service.add_document(ImportedText.of(OLD, title="Resolution")).value[0]
    ids = {}
    for quote in ["All power to the Soviets", "control of the factories to the workers", "Bread, peace and land"]:
        start = OLD.index(quote)
        ids[quote] = service.create_highlight(doc.id, start, start + len(quote), tags=["t"], note=quote[:5]).value.id
    return doc.id, ids


def test_an_edition_places_moves_reviews_and_orphans(service: LibraryService) -> None:
    doc, ids = _edition(service)
    plan = service.prepare_edition(doc, ImportedText.of(NEW, title="ignored"))
    progress: list[tuple[int, int]] = []
    report = service.apply_edition(plan, plan.run(lambda done, total: progress.append((done, total)))).value
    assert progress[-1] == (3, 3)
    placements = {item.highlight_id: item.placement for item in report.items}
    assert placements == {
        ids["All power to the Soviets"]: Placement.MOVED,
        ids["control of the factories to the workers"]: Placement.APPROXIMATE,
        ids["Bread, peace and land"]: Placement.ORPHANED,
    }
    current = service.open_document(doc)
    assert current.text == NEW
    on_new = {h.id: h for h in service.highlights(doc)}
    assert set(on_new) == {ids["All power to the Soviets"], ids["control of the factories to the workers"]}
    approximate = on_new[ids["control of the factories to the workers"]]
    assert approximate.exact == "supervision of the factories to the workers"
    assert approximate.review_from == "control of the factories to the workers"
    assert approximate.made_on_version_id != approximate.version_id
    [orphan] = service.orphans(doc)
    assert (orphan.exact, orphan.note, [t.path for t in orphan.tags]) == ("Bread, peace and land", "Bread", ["t"])
    # Accept the approximate place; re-attach the orphan by hand.
    assert service.accept_placement(approximate.id).value.review_from == ""
    start = NEW.index("Peace for everyone")
    attached = service.attach_highlight(orphan.id, start, start + len("Peace for everyone")).value
    assert attached.exact == "Peace for everyone" and service.orphans(doc) == []
    versions = service.versions(doc)
    assert [(v.number, v.current, v.highlights_made) for v in versions] == [(1, False, 3), (2, True, 0)]


def test_an_edition_can_be_undone_and_redone_with_the_same_ids(service: LibraryService) -> None:
    doc, _ = _edition(service)
    before = {h.id: h for h in service.highlights(doc)}
    plan = service.prepare_edition(doc, ImportedText.of(NEW, title="x"))
    outcome = plan.run()
    report = service.apply_edition(plan, outcome).value
    after = {h.id: h for h in service.highlights(doc)}
    service.operations.undo()
    assert service.open_document(doc).text == OLD
    assert {h.id: h for h in service.highlights(doc)} == before
    assert service.orphans(doc) == []
    service.operations.redo()
    assert service.open_document(doc).version_id == report.version_id
    assert {h.id: h for h in service.highlights(doc)} == after


def test_the_same_text_again_is_not_a_new_edition(service: LibraryService) -> None:
    doc, _ = _edition(service)
    with pytest.raises(StorageError, match="exactly the text of the current one"):
        service.prepare_edition(doc, ImportedText.of(OLD, title="x"))


def test_exports_keep_orphans_with_their_old_citation(service: LibraryService) -> None:
    from app.domain.export import ExportFormat

    doc, _ = _edition(service)
    plan = service.prepare_edition(doc, ImportedText.of(NEW, title="x"))
    service.apply_edition(plan, plan.run())
    markdown = service.render_export(service.export_set(document_ids=[doc]), ExportFormat.MARKDOWN)
    assert "> Bread, peace and land" in markdown  # nothing is lost from exports
