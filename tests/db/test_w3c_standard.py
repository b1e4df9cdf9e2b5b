"""The W3C Web Annotation export against the W3C's own test assertions and JSON-LD context.

The assertions are the W3C's web-annotation-tests (draft-04 JSON Schemas), read from
`../shared/standards/w3c-annotation/`: every one whose `assertionType` is `must` is run
against the collection, its page and each annotation, as the official harness does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from pyld import jsonld
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from app.domain.export import ExportFormat
from app.importers import ImportedText
from app.services import LibraryService

STANDARDS = Path(__file__).resolve().parents[3] / "shared" / "standards" / "w3c-annotation"
TESTS = STANDARDS / "web-annotation-tests"
# Which object each list of assertions is run on.
SUITES = {
    "annotations/annotationMusts.test": "annotation",
    "collections/collectionMusts.test": "collection",
    "collections/pages/pageMusts.test": "collection",  # "or an Annotation Collection with an embedded Page"
}


def _registry() -> Registry[Any]:
    """Every definition, under the bare names the assertions' `$ref`s use."""
    registry: Registry[Any] = Registry()
    for path in (TESTS / "definitions").glob("*.json"):
        resource = Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT4)
        registry = registry.with_resource(path.name, resource)
    return registry


REGISTRY = _registry()


def _assertions() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for suite, target in SUITES.items():
        for name in json.loads((TESTS / suite).read_text(encoding="utf-8"))["assertions"]:
            schema = json.loads((TESTS / name).read_text(encoding="utf-8"))
            if schema.get("assertionType") == "must":
                yield name, target, schema


def _failures(document: dict[str, Any], target: str) -> list[str]:
    # An annotation inside a collection is one "single annotation" with the collection's context.
    objects = (
        [document]
        if target == "collection"
        else [{"@context": document["@context"], **item} for item in document["first"]["items"]]
    )
    failed = []
    for name, wanted, schema in _assertions():
        if wanted != target:
            continue
        # The assertions' own ids are bare file names; their `$ref`s are relative to definitions/.
        body = {k: v for k, v in schema.items() if k != "id"}
        validator = Draft4Validator(body, registry=REGISTRY, format_checker=FormatChecker())
        for number, item in enumerate(objects):
            if not validator.is_valid(item):
                failed.append(f"{name} on {target} {number}: {schema.get('errorMessage', '')}")
    return failed


@pytest.fixture
def exported(service: LibraryService) -> dict[str, Any]:
    """An export with every kind of annotation: themes and a note, a theme only, a note only, neither."""
    text = "All power to the Soviets. Land to the peasants. Bread to the hungry. Peace to the peoples."
    doc = service.add_document(ImportedText.of(text, title="Slogans", author="Lenin", language="en")).value[0]
    service.create_highlight(doc.id, 0, 24, tags=["power/soviets", "class"], note="the slogan")
    service.create_highlight(doc.id, 26, 46, tags=["economy/land"])
    service.create_highlight(doc.id, 48, 67, note="a note alone")
    service.create_highlight(doc.id, 69, 89)
    data: dict[str, Any] = json.loads(service.render_export(service.export_set(), ExportFormat.W3C))
    return data


def test_the_assertions_are_there_to_run() -> None:
    counts = {target: sum(1 for _n, t, _s in _assertions() if t == target) for target in ("annotation", "collection")}
    assert counts["annotation"] >= 30 and counts["collection"] >= 20, counts


@pytest.mark.parametrize("target", ["annotation", "collection"])
def test_every_must_assertion_of_the_w3c_holds(exported: dict[str, Any], target: str) -> None:
    assert _failures(exported, target) == []


def test_without_notes_no_annotation_has_an_empty_body(service: LibraryService, exported: dict[str, Any]) -> None:
    bare = json.loads(service.render_export(service.export_set(include_notes=False), ExportFormat.W3C))
    assert all(item.get("body") != [] for item in bare["first"]["items"])
    assert _failures(bare, "annotation") == []
    assert [("body" in item) for item in exported["first"]["items"]] == [True, True, True, False]


def test_what_the_model_recommends_is_there(exported: dict[str, Any]) -> None:
    page = exported["first"]
    assert exported["last"] == page["id"] and page["partOf"] == exported["id"] and page["startIndex"] == 0
    first = page["items"][0]
    assert first["creator"]["type"] == "Person" and first["creator"]["name"]
    assert first["generator"]["type"] == "Software" and first["generator"]["name"] == "Marginalia"
    assert first["target"]["format"] == "text/plain" and first["target"]["language"] == "en"


def test_it_expands_as_json_ld_without_losing_a_key(exported: dict[str, Any]) -> None:
    context = json.loads((STANDARDS / "anno.jsonld").read_text(encoding="utf-8"))

    def offline(url: str, _options: dict[str, Any] | None = None) -> dict[str, Any]:
        assert url.rstrip("/").removesuffix(".jsonld") in ("http://www.w3.org/ns/anno", "https://www.w3.org/ns/anno")
        return {"contextUrl": None, "documentUrl": url, "document": context}

    expanded = jsonld.expand(exported, {"documentLoader": offline})
    compacted = jsonld.compact(expanded, context, {"documentLoader": offline})

    def keys(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert keys(exported) - {"@context"} <= keys(compacted)
