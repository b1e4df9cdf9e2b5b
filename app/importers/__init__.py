"""Importers: one module per format, each turning a file into an `ImportedText`."""

from __future__ import annotations

import gc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from app.domain.progress import Cancelled, Progress
from app.importers.base import ImportedText, ScanError, TextImportError
from app.importers.plaintext import encoding_candidates, read_plain_text

__all__ = [
    "ENCODED_SUFFIXES",
    "FORMATS",
    "SUPPORTED_SUFFIXES",
    "Cancelled",
    "ImportedText",
    "Progress",
    "ScanError",
    "TextImportError",
    "encoding_candidates",
    "import_file",
    "import_pasted",
]

T = TypeVar("T")
# A reader takes the file, a progress callback and, for formats that are text, the
# encoding the user named (None: detect it).
_Reader = Callable[[Path, Progress | None, str | None], ImportedText]


def _plain(path: Path, _progress: Progress | None, encoding: str | None) -> ImportedText:
    return read_plain_text(path, encoding)


# The readers of the other formats are imported when first used: their parsers (Beautiful
# Soup, mammoth, PDFium) added about a quarter of a second to every start of the window
# and to each command-line call, which mostly import nothing.


def _markdown(path: Path, _progress: Progress | None, encoding: str | None) -> ImportedText:
    from app.importers.markdown_file import read_markdown

    return read_markdown(path, encoding)


def _html(path: Path, _progress: Progress | None, encoding: str | None) -> ImportedText:
    from app.importers.html import read_html

    return read_html(path, encoding)


def _epub(path: Path, progress: Progress | None, _encoding: str | None) -> ImportedText:
    from app.importers.epub import read_epub

    return read_epub(path, progress)


def _pdf(path: Path, progress: Progress | None, _encoding: str | None) -> ImportedText:
    from app.importers.pdf import read_pdf

    return read_pdf(path, progress)


def _docx(path: Path, _progress: Progress | None, _encoding: str | None) -> ImportedText:
    from app.importers.docx import read_docx

    return read_docx(path)


def _odt(path: Path, _progress: Progress | None, _encoding: str | None) -> ImportedText:
    from app.importers.odt import read_odt

    return read_odt(path)


# Suffix -> (format name shown to users, reader).
FORMATS: dict[str, tuple[str, _Reader]] = {
    ".txt": ("Plain text", _plain),
    ".text": ("Plain text", _plain),
    ".md": ("Markdown", _markdown),
    ".markdown": ("Markdown", _markdown),
    ".html": ("Web page", _html),
    ".htm": ("Web page", _html),
    ".xhtml": ("Web page", _html),
    ".epub": ("EPUB", _epub),
    ".pdf": ("PDF", _pdf),
    ".docx": ("Word document", _docx),
    ".odt": ("OpenDocument text", _odt),
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(FORMATS)
# Formats stored as text, whose encoding a reader can name; the others carry their own.
ENCODED_SUFFIXES = frozenset(("", ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"))


def import_file(
    path: Path, progress: Progress | None = None, encoding: str | None = None, ocr: str | None = None
) -> ImportedText:
    """Read `path` with the importer for its format (a file without a suffix is plain text).

    Args:
        path: The file.
        progress: Told (done, total) as long imports go (PDF pages, EPUB chapters); it
            may raise `Cancelled`.
        encoding: For a text file (plain, Markdown, web page), the encoding to read it
            in instead of the one detected.
        ocr: For a scanned PDF, the language (Tesseract's code: "eng") to read its page
            images in with OCR instead of its text layer.

    Raises:
        TextImportError: With a message naming the file and the reason, for a file that
            cannot be read, is empty, damaged, hostile, of an unsupported format, or
            too large for the memory that is free.
    """
    suffix = path.suffix.lower()
    if suffix and suffix not in FORMATS:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise TextImportError(path, f"the {suffix} format is not supported (supported: {supported})")
    if encoding is not None and suffix not in ENCODED_SUFFIXES:
        raise TextImportError(path, f"{FORMATS[suffix][0]} files carry their own encoding; none can be chosen")
    if ocr is not None:
        if suffix != ".pdf":
            raise TextImportError(path, "OCR reads scanned PDFs only")
        from app.importers.ocr import read_pdf_with_ocr

        return _guarded(path, lambda: read_pdf_with_ocr(path, ocr, progress))
    read = FORMATS[suffix][1] if suffix else FORMATS[".txt"][1]
    return _guarded(path, lambda: read(path, progress, encoding))


def _guarded(source: Path | str, read: Callable[[], T]) -> T:
    """Run a reader; turn any failure, running out of memory included, into a `TextImportError`."""
    try:
        with _reading(source):
            return read()
    except MemoryError:
        pass  # the half-built document is let go of only once this block is left
    gc.collect()  # a parsed tree is full of cycles: only the collector gives its memory back
    raise TextImportError(source, "reading it needs more memory than is free; nothing was imported")


@contextmanager
def _reading(source: Path | str) -> Iterator[None]:
    """Turn whatever a reader meets that it did not foresee into a `TextImportError`.

    Files and the clipboard are untrusted and the parsers are many: a surprise in one of
    them still ends as a message naming the source, never a crash.
    """
    try:
        yield
    except (TextImportError, Cancelled):
        raise
    except RecursionError:
        raise TextImportError(source, "its markup is nested too deeply to read") from None
    except MemoryError:
        raise  # made into a message by the caller, once what the reader built is freed
    except SystemError as exc:
        # Where an allocation fails without setting MemoryError (CPython 3.11 growing its
        # stack of frames for a call, some C parsers), Python raises this instead.
        if str(exc) == "error return without exception set":
            raise MemoryError from None
        raise TextImportError(source, _unforeseen(exc)) from exc
    except zlib.error as exc:
        raise TextImportError(source, f"a compressed part inside it is damaged ({exc})") from exc
    except Exception as exc:
        raise TextImportError(source, _unforeseen(exc)) from exc


def _unforeseen(exc: Exception) -> str:
    detail = " ".join(str(exc).split())[:200]
    return f"it could not be read ({type(exc).__name__}: {detail})"


def import_pasted(text: str, html: str = "") -> ImportedText:
    """Make a document of pasted text: from its HTML when the clipboard has some, for structure.

    Raises:
        TextImportError: If the clipboard holds no text.
    """
    from app.importers.html import pasted_html

    imported = _guarded("clipboard", lambda: pasted_html(html) if html.strip() else None)
    if imported is None:
        imported = ImportedText.of(text, title="", source="clipboard", format="pasted")
    if not imported.text.strip():
        raise TextImportError("clipboard", "it holds no text")
    first = next((line for line in imported.text.split("\n") if line.strip()), "Pasted text")
    title = imported.title or (first if len(first) <= 80 else first[:79] + "…")
    return ImportedText(
        text=imported.text,
        title=title,
        author=imported.author,
        source="clipboard",
        structure=imported.structure,
        format="pasted",
        date=imported.date,
    )
