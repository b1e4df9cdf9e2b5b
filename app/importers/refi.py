"""Reading REFI-QDA projects (.qdpx) and codebooks (.qdc) written by QDA tools.

Real files stray from the schema in known ways, all accepted here: codebook namespaces
spelt `urn:QDA-XML:codebook:0:4` or `:1:0` (elements are matched by local name, in any
namespace), an empty `<Sets/>`, sources under `sources/` in any case, and elements
Marginalia does not know. The archive is read as any untrusted import is
(`app.importers.files`): sizes checked before inflating. Its XML is parsed with lxml, a
project of 100,000 selections four times as fast as with ElementTree, and as strictly:
document types and entities refused, nothing loaded. A selection is kept only where it
fits its text (see `_place`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.domain.progress import Progress
from app.domain.refi import QdaCode, QdaProject, QdaSelection, QdaSource
from app.domain.text import excerpt, normalise
from app.importers.base import TextImportError, utc_moment
from app.importers.files import local, open_zip, read_file, read_member

QDPX, QDC = ".qdpx", ".qdc"
# An lxml element: lxml ships no type information.
Element = Any
_ELEMENT = re.compile(rb"<[A-Za-z_]")  # the start of an element (not <? or <!)


def _parse(data: bytes, path: Path, part: str) -> Element:
    """Parse a QDA-XML part, refusing a document type or entities as every import does.

    Raises:
        TextImportError: If the part declares a document type or entities, or is not
            well-formed XML.
    """
    from lxml import etree  # imported when a file is read: it slowed every command's start

    refused = f"{part} declares XML entities or a document type, which Marginalia refuses to read"
    # A document type can only stand before the root element; after it, in a CDATA
    # section, the same characters are a source's text.
    root_at = _ELEMENT.search(data)
    prolog = data[: root_at.start()] if root_at else data
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise TextImportError(path, refused)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True, huge_tree=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TextImportError(path, f"{part} is not well-formed XML ({exc})") from exc
    if root.getroottree().docinfo.doctype:  # spelt in another encoding than the search above
        raise TextImportError(path, refused)
    return root


def _kids(element: Element, name: str) -> Iterator[Element]:
    """The children of `element` whose local name is `name`, in any namespace or none."""
    return iter(element.iterchildren(f"{{*}}{name}"))


def _name(element: Element, fallback: str) -> str:
    return " ".join((element.get("name") or "").split()) or fallback


def _description(element: Element) -> str:
    found = next(_kids(element, "Description"), None)
    return "".join(found.itertext()).strip() if found is not None else ""


def _codes(holder: Element) -> tuple[list[QdaCode], dict[str, tuple[str, ...]]]:
    """Return the codes under a Codes element as paths, and each code's GUID's path."""
    codes: list[QdaCode] = []
    paths: dict[str, tuple[str, ...]] = {}

    def walk(element: Element, above: tuple[str, ...]) -> None:
        for code in _kids(element, "Code"):
            # A theme name cannot hold a slash (it separates sub-themes).
            path = (*above, _name(code, "Unnamed code").replace("/", "-"))
            colour = code.get("color") or ""
            if len(colour) == 4 and colour.startswith("#"):  # #rgb, as the schema allows
                colour = "#" + "".join(ch * 2 for ch in colour[1:])
            codes.append(QdaCode(path, colour.lower() if len(colour) == 7 else "", _description(code)))
            paths[(code.get("guid") or "").strip("{}").lower()] = path
            walk(code, path)

    walk(holder, ())
    return codes, paths


def read_codebook(path: Path) -> list[QdaCode]:
    """Read a `.qdc` codebook.

    Raises:
        TextImportError: If it is not a QDA-XML codebook, or is hostile or damaged.
    """
    root = _parse(read_file(path), path, "the codebook")
    holders = [root] if local(root.tag) == "Codes" else list(root.iter("{*}Codes"))
    if local(root.tag) != "CodeBook" or not holders:
        raise TextImportError(path, "it is not a REFI-QDA codebook (no CodeBook with Codes in it)")
    codes, _paths = _codes(holders[0])
    return codes


def _member(archive: zipfile.ZipFile, reference: str) -> str | None:
    """Return the archive member an `internal://` path names, in `sources/` of any case."""
    wanted = reference.removeprefix("internal://").lstrip("/").replace("\\", "/")
    if ".." in wanted.split("/"):
        return None
    for name in archive.namelist():
        folder, _, file = name.rpartition("/")
        if file == wanted and folder.lower() in ("sources", ""):
            return name
    return None


def _place(text: str, start: int, end: int, name: str) -> tuple[int, int] | None:
    """Return where a selection stands in its text, or None when it cannot be placed for sure.

    Positions should be `[start, end)` in code points. When the selection's name is its
    text (as tools write it) and the positions disagree with it, the name decides: an
    end counted inclusively (as the specification's words say) is recognised, and a
    file that counts in other units (UTF-16, bytes, CR LF as two) is placed by finding
    the name in the text, at the occurrence nearest the position given. A name that is
    not the text (a label) leaves the positions to stand on their own.
    """
    fits = 0 <= start < end <= len(text)
    label = name.strip()
    if not label or (fits and text[start:end].strip() == label):
        return (start, end) if fits else None
    if fits and text[start : end + 1].strip() == label:
        return start, end + 1
    found = _nearest(text, label, start)
    if found is not None:
        return found, found + len(label)
    return (start, end) if fits else None


def _nearest(text: str, label: str, near: int) -> int | None:
    """Return the start of the occurrence of `label` in `text` nearest to `near`, if any."""
    best: int | None = None
    at = text.find(label)
    while at >= 0:
        if best is None or abs(at - near) < abs(best - near):
            best = at
        if at > near:
            break
        at = text.find(label, at + 1)
    return best


def _normalised(raw: str, text: str, at: int) -> int:
    """Return where offset `at` of a source as stored in the file falls in its normalised text."""
    return at if raw == text else len(normalise(raw[:at]))


def read_project(path: Path, progress: Progress | None = None) -> QdaProject:
    """Read a `.qdpx` project: its codes, its plain-text sources and their coded selections.

    `progress` is told (sources read, sources) before each source; it may raise
    `Cancelled`. It is not told that all are read: what reads a project goes on to store
    it, and a progress dialog at its end would close while that is still to do.

    Raises:
        TextImportError: If it is not a REFI-QDA project, or is hostile or damaged.
    """
    archive = open_zip(read_file(path), path, "QDA project")
    qde = next((n for n in archive.namelist() if n.lower().endswith(".qde") and "/" not in n), None)
    if qde is None:
        raise TextImportError(path, "it is not a REFI-QDA project (no project.qde inside)")
    root = _parse(read_member(archive, qde, path), path, "project.qde")
    if local(root.tag) != "Project":
        raise TextImportError(path, "it is not a REFI-QDA project (project.qde has no Project)")
    holders = [c for book in _kids(root, "CodeBook") for c in _kids(book, "Codes")]
    codes, code_paths = _codes(holders[0]) if holders else ([], {})
    notes = {
        (n.get("guid") or "").strip("{}").lower(): "\n".join(
            "".join(c.itertext()) for c in _kids(n, "PlainTextContent")
        )
        for holder in _kids(root, "Notes")
        for n in _kids(holder, "Note")
    }
    users = {
        (u.get("guid") or "").strip("{}").lower(): u.get("name") or ""
        for holder in _kids(root, "Users")
        for u in _kids(holder, "User")
    }
    skipped: list[str] = []
    sources: list[QdaSource] = []
    elements = [element for holder in _kids(root, "Sources") for element in holder]
    for done, element in enumerate(elements):
        if progress is not None:
            progress(done, len(elements))
        kind = local(element.tag)
        name = _name(element, "Untitled source")
        raw = _source_text(archive, element, path)
        if raw is None:
            skipped.append(f"the {kind} “{excerpt(name)}” (it carries no plain text Marginalia can read)")
            continue
        text = normalise(raw)
        placed: list[QdaSelection] = []
        unplaced: list[QdaSelection] = []
        for selection in _kids(element, "PlainTextSelection"):
            read = _selection(selection, raw, text, code_paths, notes, users)
            if isinstance(read, str):
                skipped.append(f"a selection in “{excerpt(name)}”: {read}")
            else:
                (placed if read[1] else unplaced).append(read[0])
        created = utc_moment(element.get("creationDateTime"))
        sources.append(QdaSource(name, text, tuple(placed), created, tuple(unplaced)))
    user = next(iter(users.values()), "")
    return QdaProject(_name(root, path.stem), tuple(codes), tuple(sources), user, tuple(skipped))


def _source_text(archive: zipfile.ZipFile, element: Element, path: Path) -> str | None:
    """Return a source's plain text as the file has it: its content, its plain-text file, or a rendition's."""
    inline = next(_kids(element, "PlainTextContent"), None)
    if inline is not None:
        return "".join(inline.itertext())
    for carrier in [element, *_kids(element, "Representation")]:
        reference = carrier.get("plainTextPath")
        if not reference:
            continue
        member = _member(archive, reference)
        if member is None:
            return None
        try:
            return read_member(archive, member, path).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TextImportError(path, f"{member} is not UTF-8 text, as REFI-QDA requires") from None
    return None


def _selection(
    element: Element,
    raw: str,
    text: str,
    code_paths: dict[str, tuple[str, ...]],
    notes: dict[str, str],
    users: dict[str, str],
) -> tuple[QdaSelection, bool] | str:
    """Read one plain-text selection (placed on `raw`, the text as the file has it), or say why it cannot be kept.

    Returns the selection and whether it stands on the text. One that does not, but
    carries its words in its name, is returned with those words (and positions as the
    file gave them), to be kept as an orphan rather than put at a wrong place.
    """
    try:
        start, end = int(element.get("startPosition", "")), int(element.get("endPosition", ""))
    except ValueError:
        return "its positions are not numbers"
    name = element.get("name") or ""
    placed = _place(raw, start, end, name)
    if placed is None and not name.strip():
        return f"{start}-{end} does not fit the text ({len(raw)} characters) and it carries no words; it was left out"
    # The references under the selection and its codings, by local name, in one walk (a
    # lookup by name per kind cost a fifth of reading a large project).
    codes: list[tuple[str, ...]] = []
    refs: list[str] = []
    description = ""
    for child in element:
        kind = local(child.tag)
        if kind == "Coding":
            for ref in child:
                target = (ref.get("targetGUID") or "").strip("{}").lower()
                if local(ref.tag) == "CodeRef" and target in code_paths:
                    codes.append(code_paths[target])
                elif local(ref.tag) == "NoteRef":
                    refs.append(target)
        elif kind == "NoteRef":
            refs.append((child.get("targetGUID") or "").strip("{}").lower())
        elif kind == "Description" and not description:
            description = "".join(child.itertext()).strip()
    note = "\n\n".join(notes[r] for r in refs if notes.get(r)) or description
    created = utc_moment(element.get("creationDateTime"))
    user = users.get((element.get("creatingUser") or "").strip("{}").lower(), "")
    if placed is None:
        return QdaSelection(start, end, name.strip(), tuple(codes), note, created, user), False
    first, last = _normalised(raw, text, placed[0]), _normalised(raw, text, placed[1])
    return QdaSelection(first, last, text[first:last], tuple(codes), note, created, user), True
