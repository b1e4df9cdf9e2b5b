"""Reading untrusted files safely: size limits, zip archives and XML.

Every format but plain text arrives as a zip of XML (EPUB, DOCX, ODT) or as a binary
(PDF). A hostile file must cost a clear message, never memory, a local file or a
network request: sizes are checked before anything is inflated, and XML is parsed by
defusedxml, which refuses document type declarations (entity expansion bombs and
external entities that would read local files or URLs).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from app.importers.base import MAX_TEXT_BYTES, TextImportError

MAX_FILE_BYTES = MAX_TEXT_BYTES
# Inflated size of all members together: an EPUB of a long book is tens of megabytes.
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
# Text and XML compress about 5-20 times; a member inflating more than this is a bomb.
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024  # small members may compress extremely well (a blank page)
MAX_MEMBERS = 20_000


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def read_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Return the bytes of `path`, refusing folders, empty files and files over `limit`.

    Raises:
        TextImportError: Naming the file and the reason.
    """
    try:
        if path.is_dir():
            raise TextImportError(path, "it is a folder, not a file")
        size = path.stat().st_size
        if size > limit:
            raise TextImportError(path, f"it is {_megabytes(size)}, larger than the {_megabytes(limit)} limit")
        data = path.read_bytes()
    except OSError as exc:
        raise TextImportError(path, exc.strerror or str(exc)) from exc
    if not data:
        raise TextImportError(path, "the file is empty")
    return data


def open_zip(data: bytes, path: Path, kind: str) -> zipfile.ZipFile:
    """Open the bytes of a zip-based format after checking that inflating it is safe.

    Args:
        data: The file's bytes.
        path: The file, for messages.
        kind: The format's name for messages ("EPUB", "DOCX").

    Raises:
        TextImportError: If it is not a complete zip, or would inflate beyond the limits.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise TextImportError(path, f"it is not a complete {kind} file (its zip archive is damaged: {exc})") from exc
    if len(members) > MAX_MEMBERS:
        raise TextImportError(path, f"its archive holds {len(members)} files, more than a {kind} ever needs")
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED_BYTES:
        raise TextImportError(
            path, f"it would unpack to {_megabytes(total)}, over the {_megabytes(MAX_UNZIPPED_BYTES)} limit"
        )
    for m in members:
        if m.file_size > _RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise TextImportError(path, f"it looks like a zip bomb ({m.filename} inflates {_megabytes(m.file_size)})")
        if m.flag_bits & 0x1:
            raise TextImportError(path, f"it is encrypted ({m.filename} needs a password)")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """Return one member of a checked archive.

    Raises:
        TextImportError: If the member is missing or damaged.
    """
    try:
        with archive.open(name) as member:
            return member.read(MAX_UNZIPPED_BYTES + 1)
    except KeyError:
        raise TextImportError(path, f"it lacks {name}") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise TextImportError(path, f"{name} inside it is damaged ({exc})") from exc


def parse_xml(data: bytes, path: Path, part: str) -> Element:
    """Parse one XML part of a file with defusedxml.

    Raises:
        TextImportError: If the part is not well-formed, or declares a document type or
            entities (refused outright: see the module docstring).
    """
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        reason = f"{part} declares XML entities or a document type, which Marginalia refuses to read ({exc})"
        raise TextImportError(path, reason) from exc
    except ParseError as exc:
        raise TextImportError(path, f"{part} is not well-formed XML ({exc})") from exc
    return root


def local(tag: str) -> str:
    """Return an XML tag's local name, without its `{namespace}`."""
    return tag.rpartition("}")[2]


def children(element: Element, name: str) -> list[Element]:
    """Return the direct children of `element` whose local name is `name`, any namespace."""
    return [c for c in element if local(c.tag) == name]


def find_all(element: Element, name: str) -> list[Element]:
    """Return every descendant of `element` whose local name is `name`, any namespace.

    Matching local names lets one reader take both Transitional and Strict OOXML, and
    the namespace variants EPUB writers use.
    """
    return [e for e in element.iter() if local(e.tag) == name]


def text_of(element: Element | None) -> str:
    """Return all the text inside an element (empty for None)."""
    return "" if element is None else "".join(element.itertext()).strip()


def first_text(element: Element, *names: str) -> str:
    """Return the text of the first descendant named one of `names` (in that preference)."""
    for name in names:
        for found in find_all(element, name):
            value = text_of(found)
            if value:
                return value
    return ""
