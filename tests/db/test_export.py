"""Exports read back: Markdown by a CommonMark parser, YAML, CSV, JSON and W3C JSON-LD."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.export import ExportFormat, ExportOrder, ExportTemplateError
from app.importers import ImportedText
from app.services import LibraryService, open_service
from app.services.backup import RestoreError
from tests.markdown_reader import blockquotes

TRICKY = (
    "# Heading-like line\n"
    "Body with *stars*, _under_, `ticks`, [brackets], <tags> and trailing spaces  \n"
    "> a quoted line\n"
    "1. a numbered line\n\n"
    "Second paragraph with #hashtag and $5 and ==marks==.\n\n\n"
    "After two blank lines 👩‍🔬 café."
)


@pytest.fixture
def filled(service: LibraryService) -> LibraryService:
    doc = service.add_document(ImportedText.of(TRICKY, title="Tricky: a *test*", author="A. Author")).value[0]
    whole = service.create_highlight(
        doc.id, 0, len(TRICKY), tags=["form/markdown", "power/soviets"], note="n1\nn2"
    ).value
    service.create_highlight(doc.id, TRICKY.index("Second"), TRICKY.index("marks==") + 7, tags=["power"])
    service.create_highlight(doc.id, TRICKY.index("café"), TRICKY.index("café") + 4)
    other = service.add_document(ImportedText.of("Another text, short.", title="Other")).value[0]
    service.create_highlight(other.id, 0, 7, tags=["power/soviets"])
    assert whole.exact == TRICKY
    return service


def _markdown(service: LibraryService, **kwargs: object) -> str:
    export = service.export_set(**kwargs)  # type: ignore[arg-type]
    return service.render_export(export, ExportFormat.MARKDOWN)


def _front_matter(markdown: str) -> dict[str, object]:
    assert markdown.startswith("---\n")
    head = markdown.split("\n---\n", 1)[0][4:]
    data = yaml.safe_load(head)
    assert isinstance(data, dict)
    return data


def test_markdown_keeps_every_quote_exactly_with_tags_citations_and_ids(filled: LibraryService) -> None:
    markdown = _markdown(filled, document_ids=[1])
    quotes = blockquotes(markdown)
    assert quotes == [h.exact for h in filled.highlights(1)]
    meta = _front_matter(markdown)
    assert meta["title"] == "Tricky: a *test*"
    assert meta["author"] == "A. Author"
    assert meta["themes"] == ["form/markdown", "power", "power/soviets"]
    assert str(meta["exported"]).endswith("Z") or meta["exported"]
    for h in filled.highlights(1):
        assert f"\n^hl-{h.id}\n" in markdown
    assert "— ¶ 1 · #form/markdown #power/soviets" in markdown
    assert "— ¶ 2 · #power" in markdown
    assert "\nn1\nn2\n" in markdown


def test_markdown_without_notes_and_by_theme(filled: LibraryService) -> None:
    markdown = _markdown(filled, include_notes=False, order=ExportOrder.THEME)
    assert "n1" not in markdown
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == ["## form/markdown", "## power", "## power/soviets", "## Untagged"]
    # A highlight under two themes is written twice, its block id once.
    assert markdown.count("^hl-1\n") == 1
    # "power" lists what carries that theme itself; its sub-theme has its own section.
    assert len(blockquotes(markdown)) == 5
    assert "Tricky: a \\*test\\*, ¶ 1" in markdown  # several documents: citations name them


def test_theme_filter_takes_sub_themes(filled: LibraryService) -> None:
    export = filled.export_set(themes=["power"])
    assert [[h.id for h in d.highlights] for d in export.documents] == [[1, 2], [4]]
    export = filled.export_set(themes=["#Power/Soviets"])
    assert [[h.id for h in d.highlights] for d in export.documents] == [[1], [4]]


def test_csv_loads_back(filled: LibraryService) -> None:
    text = filled.render_export(filled.export_set(), ExportFormat.CSV)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["quote"] for r in rows] == [h.exact for d in (1, 2) for h in filled.highlights(d)]
    assert rows[0]["themes"] == "form/markdown; power/soviets"
    assert rows[0]["note"] == "n1\nn2"
    assert rows[3]["document"] == "Other"


def test_json_is_lossless_with_theme_tree(filled: LibraryService) -> None:
    data = json.loads(filled.render_export(filled.export_set(), ExportFormat.JSON))
    first = data["documents"][0]["highlights"][0]
    stored = filled.highlight(1)
    assert (first["exact"], first["prefix"], first["suffix"], first["note"]) == (
        stored.exact,
        stored.prefix,
        stored.suffix,
        stored.note,
    )
    assert (first["start"], first["end"], first["paragraph"]) == (stored.start, stored.end, 1)
    themes = {t["path"]: t for t in data["themes"]}
    assert themes["power/soviets"]["parent"] == "power"
    assert themes["power"]["colour"].startswith("#")


def test_w3c_annotations_have_both_selectors(filled: LibraryService) -> None:
    data = json.loads(filled.render_export(filled.export_set(document_ids=[1]), ExportFormat.W3C))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    items = data["first"]["items"]
    assert data["total"] == len(items) == 3
    text = filled.open_document(1).text
    for item in items:
        quote, position = item["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert text[: position["start"]].endswith(quote["prefix"])
    assert {"type": "TextualBody", "purpose": "tagging", "value": "power/soviets"} in items[0]["body"]
    assert items[0]["motivation"] == "commenting"


def test_a_user_template_renders_in_a_sandbox(filled: LibraryService) -> None:
    template = (
        "{% for s in sections %}{% for e in s.entries %}{{ e.id }}:{{ e.tags | join(',') }};{% endfor %}{% endfor %}"
    )
    export = filled.export_set(document_ids=[1])
    assert (
        filled.render_export(export, ExportFormat.MARKDOWN, template) == "1:#form/markdown,#power/soviets;2:#power;3:;"
    )
    with pytest.raises(ExportTemplateError, match=r"unsafe|not safely|access"):
        filled.render_export(export, ExportFormat.MARKDOWN, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(ExportTemplateError):
        filled.render_export(export, ExportFormat.MARKDOWN, "{% for %}")


def test_backup_restore_backup_gives_the_same_library(filled: LibraryService, tmp_path: Path) -> None:
    filled.set_reading_position(1, 17)
    first = filled.backup_json()
    empty = open_service(tmp_path / "restored.sqlite")
    assert empty.restore_json(first).value == (2, 4, 4)
    second = empty.backup_json()
    first.pop("exported"), second.pop("exported")
    assert first == second
    assert empty.highlight(1) == filled.highlight(1)
    assert empty.open_document(1).reading_position == 17
    empty.close()


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda d: {"format": "something else"}, "not a Marginalia library backup"),
        (lambda d: {**d, "version": 99}, "version 99"),
        (lambda d: {**d, "highlights": "nope"}, r"at \$\.highlights: 'nope' is not a list of highlights"),
        (
            lambda d: {
                **d,
                "documents": [
                    {**d["documents"][0], "versions": [{**d["documents"][0]["versions"][0], "text": "changed"}]}
                ],
            },
            "SHA-256",
        ),
        (
            lambda d: {**d, "highlights": [{**d["highlights"][0], "end": 10**9}]},
            "the quote is not the text at its offsets",
        ),
        (
            lambda d: {**d, "highlights": [{**d["highlights"][0], "themes": [999]}]},
            r"at \$\.highlights\[0\]\.themes\[0\]: the theme 999 is not in the backup",
        ),
    ],
)
def test_a_bad_backup_is_refused_and_changes_nothing(
    filled: LibraryService, tmp_path: Path, mangle: object, reason: str
) -> None:
    data = filled.backup_json()
    target = open_service(tmp_path / "target.sqlite")
    with pytest.raises(RestoreError, match=reason):
        target.restore_json(mangle(data))  # type: ignore[operator]
    assert target.list_documents() == []
    assert target.tags() == []
    target.close()


def test_restore_refuses_a_library_that_is_not_empty(filled: LibraryService) -> None:
    with pytest.raises(RestoreError, match="not empty"):
        filled.restore_json(filled.backup_json())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quote=st.text(
        alphabet=st.characters(blacklist_categories=["Cs", "Cc"], whitelist_characters="\t\n\x0c"),
        min_size=1,
        max_size=60,
    ).filter(lambda q: q.strip() and "\r" not in q)
)
def test_any_highlighted_text_reads_back_from_the_export(service: LibraryService, quote: str) -> None:
    from app.domain.text import normalise

    text = normalise(f"Before.\n\n{quote}\n\nAfter.")
    doc, _ = service.add_document(ImportedText.of(text, title=f"t{abs(hash(text))}")).value
    start = text.index("Before.") + len("Before.\n\n")
    end = len(text) - len("\n\nAfter.")
    if start >= end:
        return
    service.create_highlight(doc.id, start, end)
    markdown = _markdown(service, document_ids=[doc.id])
    # The same text drawn twice is one document (deduplicated), with one highlight per draw.
    quotes = blockquotes(markdown)
    assert quotes and all(q == text[start:end] for q in quotes)
