"""Reading REFI-QDA projects (.qdpx) and codebooks (.qdc) written by QDA tools.

Real files stray from the schema in known ways, all accepted here: codebook namespaces
spelt `urn:QDA-XML:codebook:0:4` or `:1:0` (elements are matched by local name, in any
namespace), an empty `<Sets/>`, sources under `sources/` in any case, and elements
Marginalia does not know. The archive and its XML are read as any untrusted import is
(`app.importers.files`): sizes checked before inflating, document types and entities
refused. A selection is kept only where it fits its text (see `_place`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

from app.domain.refi import QdaCode, QdaProject, QdaSelection, QdaSource
from app.domain.text import excerpt, normalise
from app.importers.base import TextImportError, utc_moment
from app.importers.files import children, find_all, local, open_zip, parse_xml, read_file, read_member

QDPX, QDC = ".qdpx", ".qdc"


def _name(element: Element, fallback: str) -> str:
    return " ".join((element.get("name") or "").split()) or fallback


def _description(element: Element) -> str:
    found = children(element, "Description")
    return "".join(found[0].itertext()).strip() if found else ""


def _codes(holder: Element) -> tuple[list[QdaCode], dict[str, tuple[str, ...]]]:
    """Return the codes under a Codes element as paths, and each code's GUID's path."""
    codes: list[QdaCode] = []
    paths: dict[str, tuple[str, ...]] = {}

    def walk(element: Element, above: tuple[str, ...]) -> None:
        for code in children(element, "Code"):
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
    root = parse_xml(read_file(path), path, "the codebook")
    holders = [root] if local(root.tag) == "Codes" else find_all(root, "Codes")
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


def read_project(path: Path) -> QdaProject:
    """Read a `.qdpx` project: its codes, its plain-text sources and their coded selections.

    Raises:
        TextImportError: If it is not a REFI-QDA project, or is hostile or damaged.
    """
    archive = open_zip(read_file(path), path, "QDA project")
    qde = next((n for n in archive.namelist() if n.lower().endswith(".qde") and "/" not in n), None)
    if qde is None:
        raise TextImportError(path, "it is not a REFI-QDA project (no project.qde inside)")
    root = parse_xml(read_member(archive, qde, path), path, "project.qde")
    if local(root.tag) != "Project":
        raise TextImportError(path, "it is not a REFI-QDA project (project.qde has no Project)")
    codebooks = children(root, "CodeBook")
    holders = [c for book in codebooks for c in children(book, "Codes")]
    codes, code_paths = _codes(holders[0]) if holders else ([], {})
    notes = {
        (n.get("guid") or "").strip("{}").lower(): "\n".join(
            "".join(c.itertext()) for c in children(n, "PlainTextContent")
        )
        for holder in children(root, "Notes")
        for n in children(holder, "Note")
    }
    users = {
        (u.get("guid") or "").strip("{}").lower(): u.get("name") or ""
        for holder in children(root, "Users")
        for u in children(holder, "User")
    }
    skipped: list[str] = []
    sources: list[QdaSource] = []
    for holder in children(root, "Sources"):
        for element in holder:
            kind = local(element.tag)
            name = _name(element, "Untitled source")
            raw = _source_text(archive, element, path)
            if raw is None:
                skipped.append(f"the {kind} “{excerpt(name)}” (it carries no plain text Marginalia can read)")
                continue
            text = normalise(raw)
            placed: list[QdaSelection] = []
            unplaced: list[QdaSelection] = []
            for selection in children(element, "PlainTextSelection"):
                read = _selection(selection, raw, text, code_paths, notes)
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
    inline = children(element, "PlainTextContent")
    if inline:
        return "".join(inline[0].itertext())
    for carrier in [element, *children(element, "Representation")]:
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
    element: Element, raw: str, text: str, code_paths: dict[str, tuple[str, ...]], notes: dict[str, str]
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
    codes = tuple(
        code_paths[guid]
        for coding in children(element, "Coding")
        for ref in children(coding, "CodeRef")
        if (guid := (ref.get("targetGUID") or "").strip("{}").lower()) in code_paths
    )
    refs = [
        (ref.get("targetGUID") or "").strip("{}").lower()
        for holder in [element, *children(element, "Coding")]
        for ref in children(holder, "NoteRef")
    ]
    note = "\n\n".join(notes[r] for r in refs if notes.get(r)) or _description(element)
    created = utc_moment(element.get("creationDateTime"))
    if placed is None:
        return QdaSelection(start, end, name.strip(), codes, note, created), False
    first, last = _normalised(raw, text, placed[0]), _normalised(raw, text, placed[1])
    return QdaSelection(first, last, text[first:last], codes, note, created), True
