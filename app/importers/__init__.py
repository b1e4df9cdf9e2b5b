"""Importers: one module per format, each turning a file into an `ImportedText`."""

from __future__ import annotations

from pathlib import Path

from app.importers.base import ImportedText, TextImportError
from app.importers.plaintext import read_plain_text

__all__ = ["SUPPORTED_SUFFIXES", "ImportedText", "TextImportError", "import_file"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".text", ".md", ".markdown")


def import_file(path: Path) -> ImportedText:
    """Read `path` with the importer for its format.

    Raises:
        TextImportError: With a message naming the file and the reason, for a file that
            cannot be read, is empty, is not text, or is of a format not yet supported.
    """
    suffix = path.suffix.lower()
    if suffix and suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise TextImportError(path, f"the {suffix} format is not supported yet (supported: {supported})")
    return read_plain_text(path)
