"""REFI-QDA (QDA-XML 1.0): the project (.qdpx) and codebook (.qdc) files QDA tools exchange.

A project is a zip holding `project.qde` (XML in the `urn:QDA-XML:project:1.0` namespace)
and `sources/`, one UTF-8 `.txt` file per plain-text source. Themes are codes (with their
hierarchy, colours and descriptions), highlights are plain-text selections coded with
their themes, and notes are notes linked to their selections.

Positions are code points from 0 with an exclusive end, `[startPosition, endPosition)`:
the specification's section 10.2 speaks of "the first and the last character", but the
files tools write (ATLAS.ti in the specification's own appendix, QualCoder) make a
selection's name exactly `endPosition - startPosition` characters long, and that is what
they read back.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree as ET  # noqa: N812 - named as ElementTree is

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Marginalia"


@dataclass(frozen=True, slots=True)
class QdaCode:
    """A theme as a code: its path of names, colour and description."""

    path: tuple[str, ...]
    colour: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class QdaSelection:
    """A coded stretch of a source: `[start, end)` in code points, its themes and note."""

    start: int
    end: int
    text: str
    codes: tuple[tuple[str, ...], ...] = ()
    note: str = ""
    created: datetime | None = None
    user: str = ""  # who coded it, by name ("": the project's user)


@dataclass(frozen=True, slots=True)
class QdaSource:
    """A plain-text source and its selections."""

    name: str
    text: str
    selections: tuple[QdaSelection, ...] = ()
    created: datetime | None = None
    # Selections whose positions and words are found nowhere in the text (positions as
    # the file gave them): kept as orphans, never put at a wrong place.
    unplaced: tuple[QdaSelection, ...] = ()


@dataclass(frozen=True, slots=True)
class QdaProject:
    """What a project file holds, as Marginalia reads and writes it."""

    name: str
    codes: tuple[QdaCode, ...] = ()
    sources: tuple[QdaSource, ...] = ()
    user: str = ""
    skipped: tuple[str, ...] = field(default=())  # what was read but could not be kept, said why


# Characters XML 1.0 cannot hold, even escaped: they become U+FFFD in names and notes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Return `text` with what XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


class _Guids:
    """A GUID for each thing written, fresh for each file and the same for one thing within it.

    Random in their first 20 hex digits (one uuid4 per file), numbered in the last 12:
    hashing a name for each of a hundred thousand selections took a third of an export.
    """

    def __init__(self) -> None:
        self._prefix = str(uuid.uuid4())[:24]
        self._given: dict[object, str] = {}
        self._count = 0

    def __call__(self, *key: object) -> str:
        found = self._given.get(key)
        if found is None:
            found = self._given[key] = self.fresh()
        return found

    def fresh(self) -> str:
        """A GUID for a thing written once (a selection, a coding): nothing asks for it again."""
        self._count += 1
        return f"{self._prefix}{self._count:012x}"


def _lxml() -> ModuleType:
    """Return lxml's etree, imported when a file is written: it slowed every command's start."""
    from lxml import etree

    module: ModuleType = etree
    return module


def _codes(parent: ET._Element, ns: str, codes: Sequence[QdaCode], guid: _Guids) -> None:
    """Write the code tree: parents first, so that a code's Description comes before its children."""
    ET = _lxml()  # noqa: N806 - named as ElementTree is
    elements: dict[tuple[str, ...], object] = {}
    holder = ET.SubElement(parent, f"{{{ns}}}Codes")
    for code in sorted(codes, key=lambda c: len(c.path)):
        above = elements.get(code.path[:-1], holder)
        attributes = {"guid": guid("code", code.path), "name": xml_safe(code.path[-1]), "isCodable": "true"}
        if code.colour:
            attributes["color"] = code.colour
        element = ET.SubElement(above, f"{{{ns}}}Code", attributes)
        if code.description:
            ET.SubElement(element, f"{{{ns}}}Description").text = xml_safe(code.description)
        elements[code.path] = element


def _complete(codes: Sequence[QdaCode], used: Sequence[tuple[str, ...]]) -> list[QdaCode]:
    """Every code with every code above it, so that the tree has no gaps."""
    known = {c.path: c for c in codes}
    for path in [*known, *dict.fromkeys(used)]:
        for depth in range(1, len(path) + 1):
            known.setdefault(path[:depth], QdaCode(path[:depth]))
    return list(known.values())


def write_codebook(codes: Sequence[QdaCode]) -> str:
    """Return a `.qdc` codebook (XML) of these codes."""
    ET = _lxml()  # noqa: N806 - named as ElementTree is
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN}, nsmap={None: CODEBOOK_NS})
    _codes(root, CODEBOOK_NS, _complete(codes, ()), _Guids())
    return _serialise(root).decode("utf-8")


def write_project(project: QdaProject, created: datetime) -> bytes:
    """Return a `.qdpx` archive: `project.qde` and each source's text under `sources/`."""
    ET = _lxml()  # noqa: N806 - named as ElementTree is
    ns = PROJECT_NS
    guid = _Guids()
    # Each coder a user of the project, so that the tools' coder comparison sees who coded what.
    names = list(
        dict.fromkeys(
            [
                project.user or "Marginalia user",
                *(sel.user for s in project.sources for sel in s.selections if sel.user),
            ]
        )
    )
    user_of = {name: guid("user", name) for name in names}
    user = user_of[names[0]]
    root = ET.Element(
        f"{{{ns}}}Project",
        {
            "name": xml_safe(project.name),
            "origin": ORIGIN,
            "creatingUserGUID": user,
            "creationDateTime": _when(created),
        },
        nsmap={None: ns},
    )
    users = ET.SubElement(root, f"{{{ns}}}Users")
    for name, user_guid in user_of.items():
        ET.SubElement(users, f"{{{ns}}}User", {"guid": user_guid, "name": xml_safe(name)})
    used = [path for s in project.sources for sel in s.selections for path in sel.codes]
    codes = _complete(project.codes, used)
    if codes:
        _codes(ET.SubElement(root, f"{{{ns}}}CodeBook"), ns, codes, guid)
    texts: dict[str, str] = {}
    notes: list[tuple[str, str, datetime | None, str]] = []
    if project.sources:
        sources = ET.SubElement(root, f"{{{ns}}}Sources")
        for number, source in enumerate(project.sources):
            source_guid = guid("source", number)
            texts[f"sources/{source_guid}.txt"] = source.text
            attributes = {
                "guid": source_guid,
                "name": xml_safe(source.name),
                "plainTextPath": f"internal://{source_guid}.txt",
            }
            attributes["creatingUser"] = user
            if source.created is not None:
                attributes["creationDateTime"] = _when(source.created)
            element = ET.SubElement(sources, f"{{{ns}}}TextSource", attributes)
            for sel in source.selections:
                sel_guid = guid.fresh()
                coder = user_of[sel.user] if sel.user else user
                attributes = {
                    "guid": sel_guid,
                    "name": xml_safe(sel.text),
                    "startPosition": str(sel.start),
                    "endPosition": str(sel.end),
                    "creatingUser": coder,
                }
                if sel.created is not None:
                    attributes["creationDateTime"] = _when(sel.created)
                selection = ET.SubElement(element, f"{{{ns}}}PlainTextSelection", attributes)
                for path in sel.codes:
                    coding = ET.SubElement(
                        selection,
                        f"{{{ns}}}Coding",
                        {"guid": guid.fresh(), "creatingUser": coder},
                    )
                    ET.SubElement(coding, f"{{{ns}}}CodeRef", {"targetGUID": guid("code", path)})
                if sel.note:
                    note_guid = guid.fresh()
                    ET.SubElement(selection, f"{{{ns}}}NoteRef", {"targetGUID": note_guid})
                    notes.append((note_guid, sel.note, sel.created, coder))
    if notes:
        holder = ET.SubElement(root, f"{{{ns}}}Notes")
        for note_guid, text, when, coder in notes:
            attributes = {"guid": note_guid, "name": xml_safe(text.split("\n", 1)[0][:60]), "creatingUser": coder}
            if when is not None:
                attributes["creationDateTime"] = _when(when)
            note = ET.SubElement(holder, f"{{{ns}}}Note", attributes)
            ET.SubElement(note, f"{{{ns}}}PlainTextContent").text = xml_safe(text)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _serialise(root))
        for name, text in texts.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def _serialise(root: ET._Element) -> bytes:
    """The document indented, in UTF-8 after its XML declaration (bytes: a 50 MB project is not copied to text)."""
    ET = _lxml()  # noqa: N806 - named as ElementTree is
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + bytes(ET.tostring(root, encoding="utf-8")) + b"\n"
