"""Which tool a file of highlights comes from, and reading it with that tool's reader."""

from __future__ import annotations

import json
from pathlib import Path

from app.importers.base import TextImportError
from app.importers.clippings import SEPARATOR, read_annotations, read_kindle
from app.importers.ereaders import read_kobo, read_koreader
from app.importers.files import read_file
from app.importers.foreign import ForeignBook
from app.importers.lua_data import LuaDataError
from app.importers.notebooks import (
    is_calibre,
    is_readwise,
    is_zotero,
    read_calibre,
    read_readwise,
    read_zotero,
)

FORMATS = ("kindle", "koreader", "kobo", "hypothesis", "calibre", "readwise", "zotero", "w3c")
# Files that hold highlights rather than a text: opened or dropped, they are imported as such.
HIGHLIGHT_SUFFIXES = (".lua", ".sqlite", ".json", ".csv")
KINDLE_FILE = "my clippings.txt"
MAX_BYTES = 64 * 1024 * 1024
_SQLITE = b"SQLite format 3\x00"


def is_highlights_file(path: Path) -> bool:
    """Whether a file opened or dropped is highlights from another tool (by its name), not a text."""
    return path.name.lower() == KINDLE_FILE or path.suffix.lower() in HIGHLIGHT_SUFFIXES


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(len(_SQLITE)) == _SQLITE
    except OSError:
        return False  # read_file says why


def _detect(path: Path, text: str) -> str:
    """Name the format of a text file of highlights from its contents (and, for KOReader, its name)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "[{":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TextImportError(path, f"it is not well-formed JSON ({exc})") from exc
        if is_calibre(parsed):
            return "calibre"
        if is_zotero(parsed):
            return "zotero"
        return "hypothesis" if '"uri"' in text else "w3c"
    if path.suffix.lower() == ".lua" or stripped.startswith(("return", "--")):
        return "koreader"
    if SEPARATOR in text:
        return "kindle"
    if is_readwise(text):
        return "readwise"
    raise TextImportError(
        path,
        "it is not a file of highlights Marginalia knows (Kindle My Clippings.txt, a KOReader "
        "metadata.*.lua, KoboReader.sqlite, or Hypothesis, calibre, Readwise, Zotero or W3C exports)",
    )


def read_highlights(path: Path, fmt: str = "auto") -> tuple[str, list[ForeignBook]]:
    """Read a file of highlights from another tool; return its format and its books.

    Raises:
        TextImportError: If the file is not of a known format, or is damaged or too large.
    """
    if fmt != "auto" and fmt not in FORMATS:
        raise TextImportError(path, f"the format {fmt!r} is not one Marginalia reads ({', '.join(FORMATS)})")
    if fmt == "kobo" or (fmt == "auto" and _is_sqlite(path)):
        # A device's database may be larger than any export: SQLite reads what it needs.
        books = read_kobo(path)
        fmt = "kobo"
    else:
        data = read_file(path, MAX_BYTES)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TextImportError(path, "it is not UTF-8 text, as highlight exports are") from None
        if fmt == "auto":
            fmt = _detect(path, text)
        books = _read_text(path, fmt, text)
    if not any(book.highlights for book in books):
        raise TextImportError(path, "it holds no highlights Marginalia can read")
    return fmt, books


def _read_text(path: Path, fmt: str, text: str) -> list[ForeignBook]:
    if fmt == "kindle":
        return read_kindle(text)
    if fmt == "readwise":
        return read_readwise(text)
    if fmt == "koreader":
        try:
            return read_koreader(text)
        except LuaDataError as exc:
            raise TextImportError(path, f"it is not KOReader's Lua data ({exc})") from exc
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TextImportError(path, f"it is not well-formed JSON ({exc})") from exc
    if fmt == "calibre":
        return read_calibre(parsed)
    if fmt == "zotero":
        return read_zotero(parsed)
    return read_annotations(parsed)
