"""A JSON backup restores whole and consistent, or is refused naming the first problem and where it is."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.importers import ImportedText
from app.services import LibraryService, open_service
from app.services.backup import RestoreError, check_backup
from tests.conftest import file_of

Backup = dict[str, Any]


@pytest.fixture(scope="module")
def backup(tmp_path_factory: pytest.TempPathFactory) -> Backup:
    """A real backup: two documents (one with two editions), nested and pinned themes, notes."""
    service = open_service(tmp_path_factory.mktemp("source") / "library.sqlite")
    first = service.add_document(
        ImportedText.of("All power to the Soviets.\n\nLand to the peasants.", title="A")
    ).value[0]
    second = service.add_document(ImportedText.of("Peace, bread and land.", title="B")).value[0]
    service.create_highlight(first.id, 0, 9, tags=["power/soviets", "class"], note="the slogan")
    service.create_highlight(second.id, 0, 5, tags=["war"])
    service.set_reading_position(first.id, 12)
    data: Backup = json.loads(json.dumps(service.backup_json()))
    service.close()
    return data


@pytest.fixture
def target(tmp_path: Path) -> Iterator[LibraryService]:
    service = open_service(tmp_path / "target.sqlite")
    yield service
    service.close()


def _set(data: Backup, path: tuple[str | int, ...], value: object) -> Backup:
    changed = copy.deepcopy(data)
    node: Any = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


def _second_edition(data: Backup) -> Backup:
    """Give document A a second edition, as a new edition would."""
    changed = copy.deepcopy(data)
    versions = changed["documents"][0]["versions"]
    versions.append({**versions[0], "id": 99, "number": 2})
    return changed


CASES: list[tuple[str, Callable[[Backup], object], str]] = [
    ("id of 2^63", lambda d: _set(d, ("highlights", 0, "id"), 2**63), r"at \$\.highlights\[0\]\.id: .* is not an id"),
    ("id of 2^64", lambda d: _set(d, ("documents", 0, "id"), 2**64), r"at \$\.documents\[0\]\.id"),
    ("edition not an object", lambda d: _set(d, ("documents", 0, "versions", 0), 7), r"\.versions\[0\]: 7 is not an"),
    ("edition list not a list", lambda d: _set(d, ("documents", 1, "versions"), {}), r"\$\.documents\[1\]\.versions"),
    ("lone surrogate in a note", lambda d: _set(d, ("highlights", 0, "note"), "a\ud800b"), r"\.note: .* not text"),
    ("lone surrogate in a title", lambda d: _set(d, ("documents", 1, "title"), "\udfff"), r"\.title"),
    (
        "highlight on another document's edition",
        lambda d: _set(d, ("highlights", 1, "version"), d["documents"][0]["versions"][0]["id"]),
        r"at \$\.highlights\[1\]\.version: the edition \d+ is not one of the highlight's document",
    ),
    (
        "made on another document's edition",
        lambda d: _set(d, ("highlights", 0, "made_on_version"), d["documents"][1]["versions"][0]["id"]),
        r"at \$\.highlights\[0\]\.made_on_version",
    ),
    ("highlight of no document", lambda d: _set(d, ("highlights", 0, "document"), 77), r"document 77 is not in"),
    ("document with no text", lambda d: _set(d, ("documents", 0, "versions"), []), r"at least one edition"),
    ("empty theme name", lambda d: _set(d, ("themes", 0, "name"), ""), r"at \$\.themes\[0\]\.name: '' is not a theme"),
    ("theme name with a slash", lambda d: _set(d, ("themes", 0, "name"), "a/b"), r"\.name: 'a/b' is not a theme"),
    ("theme name padded", lambda d: _set(d, ("themes", 0, "name"), " power"), r"\.name"),
    ("colour x", lambda d: _set(d, ("themes", 0, "colour"), "x"), r"\.colour: 'x' is not a colour"),
    ("empty colour", lambda d: _set(d, ("themes", 1, "colour"), ""), r"\.colour: '' is not a colour"),
    (
        "only the edition of quotes not found",
        lambda d: _set(d, ("documents", 0, "versions", 0, "number"), 0),
        r"at \$\.documents\[0\]\.versions: no edition numbered from 1",
    ),
    ("edition number -7", lambda d: _set(d, ("documents", 0, "versions", 0, "number"), -7), r"\.number: -7 is not"),
    (
        "two editions numbered alike",
        lambda d: _set(_second_edition(d), ("documents", 0, "versions", 1, "number"), 1),
        r"a second edition numbered 1",
    ),
    (
        "negative reading position",
        lambda d: _set(d, ("documents", 0, "reading_position"), -1),
        r"\.reading_position: -1 is not",
    ),
    (
        "reading position past the end",
        lambda d: _set(d, ("documents", 1, "reading_position"), 10**6),
        r"\.reading_position: 1000000 is past the end",
    ),
    ("a boolean for an id", lambda d: _set(d, ("themes", 0, "id"), True), r"\$\.themes\[0\]\.id"),
    (
        "a float offset",
        lambda d: _set(d, ("highlights", 0, "end"), 9.0),
        r"at \$\.highlights\[0\]\.end: 9\.0 is not a whole number",
    ),
    ("a date that is no date", lambda d: _set(d, ("themes", 0, "created_at"), "2026-13-01"), r"\.created_at"),
    (
        "an unknown field",
        lambda d: _set(d, ("highlights", 0, "colour"), "#ffffff"),
        r"at \$\.highlights\[0\]: must not contain \{'colour'\} properties",
    ),
    (
        "a theme that is its own grandparent",
        lambda d: _set(d, ("themes", 0, "parent"), next(t["id"] for t in d["themes"] if t["parent"])),
        r"makes a circle of themes",
    ),
    (
        "two themes pinned to one key",
        lambda d: _set(_set(d, ("themes", 0, "pinned"), 3), ("themes", 1, "pinned"), 3),
        r"a second theme pinned to the key 3",
    ),
    (
        "pinned to key 10",
        lambda d: _set(d, ("themes", 0, "pinned"), 10),
        r"at \$\.themes\[0\]\.pinned: 10 is not a number key from 1 to 9, or null",
    ),
    ("the same theme twice", lambda d: _set(d, ("highlights", 0, "themes"), [1, 1]), r"distinct theme ids"),
]


@pytest.mark.parametrize(("mangle", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_backup_that_contradicts_itself_is_refused_naming_where(
    backup: Backup, target: LibraryService, mangle: Callable[[Backup], object], message: str
) -> None:
    with pytest.raises(RestoreError, match=message):
        target.restore_json(mangle(backup))
    assert target.list_documents() == [] and target.tags() == []


def test_the_unchanged_backup_restores_and_checks_out(backup: Backup, target: LibraryService) -> None:
    assert target.restore_json(copy.deepcopy(backup)).value == (2, 4, 2)
    _assert_consistent(target)
    again = target.backup_json()
    again.pop("exported"), backup.get("exported")
    assert again == {k: v for k, v in backup.items() if k != "exported"}


def test_orphans_from_another_tool_restore_with_their_edition(tmp_path: Path, target: LibraryService) -> None:
    source = open_service(tmp_path / "source.sqlite")
    doc = source.add_document(ImportedText.of("The land to the peasants.", title="Decree")).value[0]
    clippings = tmp_path / "highlights.json"
    clippings.write_text(
        json.dumps([{"target": [{"selector": [{"type": "TextQuoteSelector", "exact": "Bread to the hungry"}]}]}]),
        encoding="utf-8",
    )
    source.import_highlights(clippings, document_id=doc.id)
    data = json.loads(json.dumps(source.backup_json()))
    source.close()
    target.restore_json(data)
    [orphan] = target.orphans(doc.id)
    assert orphan.exact == "Bread to the hungry"
    assert target.open_document(doc.id).text == "The land to the peasants."
    _assert_consistent(target)


def _assert_consistent(service: LibraryService) -> None:
    """Every invariant of a library holds: SQLite's checks, and the backup's own (re-dumped)."""
    con = sqlite3.connect(file_of(service))
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
    check_backup(json.loads(json.dumps(service.backup_json())))
    for document in service.list_documents():
        text = service.open_document(document.id, mark_opened=False).text
        for h in service.highlights(document.id):
            assert text[h.start : h.end] == h.exact


def _paths(node: object, here: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if here:
        yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*here, index))


_HOSTILE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30])
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3)
    | st.sampled_from(["", "/", "a/b", "#zzzzzz", "#ffffff", "2026-01-01T00:00:00", "x" * 65]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


# 150 in every run; MARGINALIA_FUZZ_EXAMPLES=2000 for a longer campaign by hand.
@settings(
    max_examples=int(os.environ.get("MARGINALIA_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_any_mutation_of_a_real_backup_is_refused_clearly_or_restores_consistent(
    backup: Backup, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    candidate: Backup = backup
    # Ids moved between records: a highlight pointing at an edition of any document.
    if data.draw(st.booleans(), label="cross"):
        ids = [v["id"] for d in backup["documents"] for v in d["versions"]]
        field = data.draw(st.sampled_from(["version", "made_on_version"]), label="field")
        candidate = _set(candidate, ("highlights", 1, field), data.draw(st.sampled_from(ids), label="edition"))
    for _ in range(data.draw(st.integers(0, 3), label="mutations")):
        paths = list(_paths(candidate))
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        candidate = _set(candidate, path, data.draw(_HOSTILE, label="value"))
    service = open_service(tmp_path_factory.mktemp("target") / "library.sqlite")
    try:
        counts = service.restore_json(candidate).value
    except RestoreError as exc:
        message = str(exc)
        assert message.startswith(("at $", "it is", "it is a backup of version")), message
        assert service.list_documents() == [] and service.tags() == []
    else:
        assert counts[0] == len(service.list_documents())
        _assert_consistent(service)
    finally:
        service.close()
