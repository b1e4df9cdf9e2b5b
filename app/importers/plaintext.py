"""Plain text and Markdown files in any common encoding."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from app.importers.base import MAX_TEXT_BYTES, ImportedText, TextImportError

# Longest first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")
_CHAOS_MARGIN = 0.2
_TITLE_MAX = 120
# Control characters other than tab, LF, FF and CR do not occur in prose; a decoded
# text with many of them is a binary file that happened to decode.
_ALLOWED_CONTROLS = frozenset("\t\n\x0c\r")
_MAX_CONTROL_RATIO = 0.001


def decode_text(data: bytes, path: Path) -> str:
    """Decode the bytes of a text file, detecting the encoding.

    A BOM decides when present; otherwise strict UTF-8 is tried first (it is by far the
    most common and detectors misjudge short UTF-8 files), then charset-normalizer.

    Raises:
        TextImportError: For an empty file, or bytes that are not text in any encoding.
    """
    if not data:
        raise TextImportError(path, "the file is empty")
    text = _decode(data, path)
    if not text:
        raise TextImportError(path, "the file holds no text (only a byte-order mark)")
    # Checked whatever the encoding: UTF-16 with a BOM can decode binary bytes to text.
    if "\x00" in text or _control_ratio(text) > _MAX_CONTROL_RATIO:
        raise TextImportError(path, "it is not a text file (it contains binary data)")
    return text


def _decode(data: bytes, path: Path) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                reason = f"it starts like {encoding.upper()} text but is damaged ({exc.reason})"
                raise TextImportError(path, reason) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _detect(data, path)


def _detect(data: bytes, path: Path) -> str:
    """Decode non-UTF-8 bytes with the most plausible legacy encoding.

    charset-normalizer's scores separate single-byte Latin code pages poorly on short
    prose (French in Latin-1 came out as cp1257, turning "à" into "ą"). Windows-1252 is
    by far the commonest legacy encoding (WHATWG maps Latin-1 labels to it), so among
    candidates nearly as clean as the best it is preferred; a text in another code page
    (Czech in cp1250, Russian in KOI8-R) reads as garbage in cp1252 and is not affected.
    """
    candidates = list(from_bytes(data))
    if not candidates:
        raise TextImportError(path, "it is not a text file (no text encoding fits its bytes)")
    best = min(candidates, key=lambda m: (m.chaos, -m.coherence))
    plausible = [m for m in candidates if m.chaos <= best.chaos + _CHAOS_MARGIN]
    preferred = [m for m in plausible if m.encoding in _PREFERRED]
    chosen = min(preferred, key=lambda m: _PREFERRED.index(m.encoding)) if preferred else best
    return str(chosen)


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    return controls / len(text)


def read_plain_text(path: Path) -> ImportedText:
    """Import a plain-text or Markdown file; its title is its first non-blank line.

    Raises:
        TextImportError: If the file cannot be read or is not text.
    """
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise TextImportError(
                path, f"it is {size // (1024 * 1024)} MB, larger than the {MAX_TEXT_BYTES // (1024 * 1024)} MB limit"
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise TextImportError(path, "it is a folder, not a file") from None
    except OSError as exc:
        raise TextImportError(path, exc.strerror or str(exc)) from exc
    imported = ImportedText.of(decode_text(data, path), title="", source=str(path))
    if not imported.text.strip():
        raise TextImportError(path, "it contains only white space")
    return ImportedText(
        text=imported.text,
        title=_title_from(imported.text, path),
        author="",
        source=imported.source,
    )


def _title_from(text: str, path: Path) -> str:
    for line in text.split("\n", 50)[:50]:
        line = " ".join(line.replace("\u00a0", " ").split()).lstrip("#").strip()
        if line:
            return line if len(line) <= _TITLE_MAX else line[: _TITLE_MAX - 1] + "…"
    return path.stem
