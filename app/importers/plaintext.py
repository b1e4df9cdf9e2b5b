"""Plain-text files in any common encoding, hard-wrapped or not."""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.structure import Heading, Structure
from app.domain.text import normalise
from app.importers.base import MAX_TEXT_BYTES, ImportedText, TextImportError
from app.importers.files import read_file

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch

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
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")  # all C0 controls but tab, LF, FF, CR
_MAX_CONTROL_RATIO = 0.001
_MIN_WRAPPED_LINES = 20
_WRAP_WIDTHS = (55, 80)
_MIN_PARAGRAPHS = 3
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "”", "’")
_SHORT_LINE = 0.6  # a line shorter than this share of the wrap width was broken on purpose
_LIST_ITEM = re.compile(r"(?:[-*•]|\d+[.)]|[a-z][.)])\s")
# A line of its own; that it also stands alone as a paragraph is checked after matching
# (a multi-line pattern is four times faster than one that looks behind everywhere).
_CHAPTER = re.compile(
    r"^[ \t]*(chapter|book|part|section|canto|act)[ \t]+"
    r"(?:[ivxlcdm]+|\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)\b[^\n]{0,70}$",
    re.IGNORECASE | re.MULTILINE,
)
_PART_WORDS = frozenset(("book", "part"))
_HEADER_CHARS = 4000
_HEADER_FIELDS = frozenset(("title", "author", "release date"))
_BYLINE = re.compile(r"by\s+(\S.{0,78}?)\.?", re.IGNORECASE)
_BYLINE_LINES = 20


def decode_text(data: bytes, path: Path, encoding: str | None = None) -> str:
    """Decode the bytes of a text file in `encoding`, or detecting the encoding.

    A BOM decides when present; otherwise strict UTF-8 is tried first (it is by far the
    most common and detectors misjudge short UTF-8 files), then charset-normalizer, which
    also recognises UTF-16 and UTF-32 without a BOM. A guess can be wrong (a Latin-3
    text read as Windows-1252): the reader can then name the encoding.

    Raises:
        TextImportError: For an empty file, an unknown encoding, bytes that the encoding
            named cannot decode, or bytes that are not text in any encoding.
    """
    if not data:
        raise TextImportError(path, "the file is empty")
    text = _decode(data, path) if encoding is None else _decode_as(data, path, encoding)
    if not text:
        raise TextImportError(path, "the file holds no text (only a byte-order mark)")
    # Checked whatever the encoding: UTF-16 with a BOM can decode binary bytes to text.
    if "\x00" in text or _control_ratio(text) > _MAX_CONTROL_RATIO:
        raise TextImportError(path, "it is not a text file (it contains binary data)")
    return text


def _decode_as(data: bytes, path: Path, encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise TextImportError(path, f"“{encoding}” is not an encoding Marginalia knows") from None
    try:
        return data.decode(name).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise TextImportError(path, f"its bytes are not {name} ({exc.reason} at byte {exc.start})") from exc


# Offered besides what the detector finds, when the bytes decode in them.
_COMMON = ("utf-8", "cp1252", "iso8859-15", "iso8859-2", "iso8859-3", "cp1250", "cp1251", "koi8-r", "mac-roman")


def encoding_candidates(data: bytes) -> list[str]:
    """Return the encodings these bytes may be in, the likeliest first (the one import guesses).

    For a reader to choose from when the guess was wrong; each decodes the bytes whole.
    Those that read as one language's alphabet come before those that put symbols inside
    words or mix languages' letters; the detector's order decides between equals.
    """
    from charset_normalizer import from_bytes  # here: only a text of unknown encoding needs it

    oddities: dict[str, tuple[int, int]] = {}
    guess = _guessed_encoding(data)
    detected = [m.encoding for m in sorted(from_bytes(data), key=lambda m: (m.chaos, -m.coherence))]
    for candidate in (guess, *detected, *_COMMON):
        if candidate is None:
            continue
        name = codecs.lookup(candidate).name
        if name in oddities:
            continue
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        oddities[name] = _implausibility(text)
    names = list(oddities)
    # The guess stays first: it is what import took.
    return names[:1] + sorted(names[1:], key=lambda name: oddities[name])


# The single-byte code pages a text is read in when the detector's pick puts symbols in
# words (charset-normalizer never proposes some of them, Latin-3 for one).
_LEGACY = tuple(
    codecs.lookup(name).name
    for name in ("cp1252", "iso8859-15", "iso8859-2", "iso8859-3", "cp1250", "cp1257", "iso8859-13", "mac-roman")
)
_SAMPLE_CHARS = 256 * 1024  # enough prose to judge an encoding by; a 5 MB file is not rescanned
# A word with a non-ASCII character in it (where the code pages differ).
_ODD_WORD = re.compile(r"\S*[^\x00-\x7f]\S*")
_ODD_CATEGORIES = frozenset(("So", "Sm", "Sc", "Sk", "No", "Co", "Cn", "Cc"))
# Punctuation that does stand in or against words: Spanish marks, the Catalan middle dot,
# quotes and the ellipsis. Other non-ASCII punctuation in a word ("¶oro") is a misreading.
_WORD_PUNCTUATION = frozenset("¡¿·‘’‚„“”«»…‹›")


# The letters beyond ASCII that each language's alphabet uses (lower case). A text read
# in the right code page uses the letters of one of them; a wrong one mixes languages
# ("Ařo, ćevalo, ţipo": Czech, Polish and Romanian letters in one Esperanto sentence).
_ALPHABETS = {
    "Catalan": "àçèéíïòóúü·",
    "Czech": "áčďéěíňóřšťúůýž",
    "Danish and Norwegian": "æøåéó",
    "Dutch": "éëïóöüèá",
    "Esperanto": "ĉĝĥĵŝŭ",
    "Estonian": "äõöüšž",
    "Finnish and Swedish": "åäöéü",
    "French": "àâæçéèêëîïôœùûüÿ",
    "German": "äöüß",
    "Hungarian": "áéíóöőúüű",
    "Icelandic": "áðéíóúýþæö",
    "Irish": "áéíóú",
    "Italian": "àèéìíîòóùú",
    "Latvian": "āčēģīķļņšūž",
    "Lithuanian": "ąčęėįšųūž",
    "Maltese": "ċġħżàèìòù",
    "Polish": "ąćęłńóśźż",
    "Portuguese": "áâãàçéêíóôõú",
    "Romanian": "ăâîșțşţ",
    "Croatian, Bosnian and Slovene": "čćđšž",
    "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Spanish": "áéíñóúü",
    "Turkish": "çğıöşüâî",
    "Welsh": "âêîôûŵŷáéíóúàèìòùäëïöüẅÿ",
    "Russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "Belarusian": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Serbian and Macedonian": "абвгдђѓежзѕијклљмнњопрстћќуфхцчџш",
    "Greek": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",
}


def _foreign_letters(text: str) -> int:
    """Count the distinct non-ASCII letters of `text` that the closest alphabet lacks."""
    letters = {ch for ch in text.lower() if ch > "\x7f" and ch.isalpha()}
    if not letters:
        return 0
    return min(len(letters - set(alphabet)) for alphabet in _ALPHABETS.values())


def _oddities(text: str) -> int:
    """Count words that no language writes: letters mixed with symbols, or with another script.

    Latin-3 Esperanto read as Windows-1252 turns "ĵaŭdo" into "¼aýdo"; Russian read in the
    wrong Cyrillic code page mixes in box-drawing signs. Words of one script's letters,
    marks and punctuation are not counted.
    """
    odd = 0
    for word in _ODD_WORD.findall(text):
        scripts = set()
        strange = False
        for ch in word:
            category = unicodedata.category(ch)
            if category[0] == "L":
                scripts.add(unicodedata.name(ch, "UNKNOWN ").split(" ", 1)[0])
            elif category in _ODD_CATEGORIES or (category == "Po" and ch > "\x7f" and ch not in _WORD_PUNCTUATION):
                strange = True
        if scripts and (strange or len(scripts) > 1):
            odd += 1
    return odd


def _guessed_encoding(data: bytes) -> str | None:
    """The encoding import picks for these bytes (None if it picks none)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "utf-8"
    chosen = _best_match(data)
    return None if chosen is None else chosen[0]


def _decode(data: bytes, path: Path) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                reason = f"it starts like {encoding.upper()} text but is damaged ({exc.reason})"
                raise TextImportError(path, reason) from exc
    # NUL bytes are valid UTF-8 but never prose: such bytes are UTF-16 or UTF-32 without
    # a BOM (or binary), which the detector tells apart.
    if b"\x00" not in data:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return _detect(data, path)


def _detect(data: bytes, path: Path) -> str:
    """Decode non-UTF-8 bytes with the most plausible legacy encoding.

    charset-normalizer's scores separate single-byte Latin code pages poorly on short
    prose (French in Latin-1 came out as cp1257, turning "à" into "ą"). Windows-1252 is
    by far the commonest legacy encoding (WHATWG maps Latin-1 labels to it), so among
    candidates nearly as clean as the best it is preferred; a text in another code page
    (Czech in cp1250, Russian in KOI8-R) reads as garbage in cp1252 and is not affected.
    """
    chosen = _best_match(data)
    if chosen is None:
        raise TextImportError(path, "it is not a text file (no text encoding fits its bytes)")
    return chosen[1]


def _best_match(data: bytes) -> tuple[str, str] | None:
    """Return the likeliest legacy encoding of these bytes and the text it reads.

    The detector's pick, preferring Windows-1252 among near-equals. When that reading
    puts symbols or mixed scripts inside words, a Latin code page that does so less is
    taken instead (Latin-3 Esperanto read as Windows-1252 had "¼aýdo" for "ĵaŭdo").
    """
    from charset_normalizer import from_bytes  # here: only a text of unknown encoding needs it

    candidates = list(from_bytes(data))
    if not candidates:
        return None
    best = min(candidates, key=lambda m: (m.chaos, -m.coherence))
    plausible = [m for m in candidates if m.chaos <= best.chaos + _CHAOS_MARGIN]
    preferred = [m for m in plausible if m.encoding in _PREFERRED]
    match: CharsetMatch = min(preferred, key=lambda m: _PREFERRED.index(m.encoding)) if preferred else best
    chosen = (codecs.lookup(match.encoding).name, str(match))
    score = _implausibility(chosen[1])
    if score == (0, 0):
        return chosen
    # Another code page is taken only when it reads as one known alphabet, with no more
    # odd words: a language not in the table keeps the detector's pick.
    for name in _LEGACY:  # single-byte code pages: the first bytes are the first characters
        try:
            other = _implausibility(data[:_SAMPLE_CHARS].decode(name))
            if other[1] == 0 and other < score:
                score, chosen = other, (name, data.decode(name))  # the whole text only for a better reading
        except UnicodeDecodeError:
            continue
    return chosen


def _implausibility(text: str) -> tuple[int, int]:
    """Odd words, then letters foreign to the closest alphabet: (0, 0) reads as one language."""
    sample = text[:_SAMPLE_CHARS]
    return _oddities(sample), _foreign_letters(sample)


def _control_ratio(text: str) -> float:
    return len(_CONTROLS.findall(text)) / len(text)


def read_plain_text(path: Path, encoding: str | None = None) -> ImportedText:
    """Import a plain-text file: title from a Gutenberg header, its first line or its name.

    The text is stored as written, except that a hard-wrapped text (Project Gutenberg
    style) has its wrapped lines joined into paragraphs; chapter and part lines become
    headings of the outline.

    Raises:
        TextImportError: If the file cannot be read or is not text.
    """
    text = normalise(decode_text(read_file(path, MAX_TEXT_BYTES), path, encoding))
    if not text.strip():
        raise TextImportError(path, "it contains only white space")
    text = unwrap(text)
    header = _gutenberg_header(text)
    return ImportedText(
        text=text,
        title=header.get("title") or _title_from(text, path),
        author=header.get("author") or _byline(text),
        date=header.get("release date", ""),
        source=str(path),
        structure=Structure(headings=chapter_headings(text)),
        format="text",
    )


def unwrap(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph, if the text is hard-wrapped.

    A text counts as hard-wrapped when most of its lines end near one width (about 60-80
    characters), mid-sentence, and most paragraphs span several lines. Inside a paragraph a line break
    stays where the next line is indented or starts a list item, or where the line is
    much shorter than the wrap width (verse, addresses, tables): the author broke it.
    """
    lines = text.split("\n")
    lengths = sorted(len(line) for line in lines if line.strip())
    if len(lengths) < _MIN_WRAPPED_LINES:
        return text
    width = lengths[int(len(lengths) * 0.9)]
    inner = [a for a, b in itertools.pairwise(lines) if a.strip() and b.strip()]
    paragraphs = sum(1 for a, b in itertools.pairwise(lines) if a.strip() and not b.strip())
    # Wrapped prose ends a line mid-sentence far more often than not; a text with one
    # sentence or verse line per line ends most lines with punctuation.
    sentence_ends = sum(1 for line in inner if line.rstrip().endswith(_SENTENCE_END))
    if (
        not (_WRAP_WIDTHS[0] <= width <= _WRAP_WIDTHS[1])
        or len(inner) < len(lengths) / 2
        or paragraphs < _MIN_PARAGRAPHS
        or sentence_ends > len(inner) / 2
    ):
        return text
    out = [lines[0]]
    for line in lines[1:]:
        before = out[-1]
        if (
            before.strip()
            and line.strip()
            and len(before) >= width * _SHORT_LINE
            and not line[0].isspace()
            and not _LIST_ITEM.match(line)
        ):
            out[-1] = f"{before.rstrip()} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def chapter_headings(text: str) -> tuple[Heading, ...]:
    """Return the chapter, part and book lines standing alone as headings of the text."""
    found = [
        (m.start(), m.group(1).casefold(), m.group(0).strip())
        for m in _CHAPTER.finditer(text)
        if text[max(0, m.start() - 2) : m.start()] in ("", "\n\n") and text[m.end() : m.end() + 2] in ("", "\n", "\n\n")
    ]
    return tuple(Heading(start, 1 if kind in _PART_WORDS else 2, title) for start, kind, title in found)


def _gutenberg_header(text: str) -> dict[str, str]:
    """Return the "Title:", "Author:" and "Release date:" fields of a Gutenberg header."""
    fields: dict[str, str] = {}
    for line in text[:_HEADER_CHARS].split("\n"):
        key, sep, value = line.partition(":")
        key = key.strip().casefold()
        if sep and key in _HEADER_FIELDS and value.strip() and key not in fields:
            fields[key] = " ".join(value.split()).split("[")[0].strip()
    return fields


def _byline(text: str) -> str:
    """Return the author a title page names on a line of its own ("By Jane Austen"), or ""."""
    lines = [line.strip() for line in text.split("\n", _BYLINE_LINES)[:_BYLINE_LINES] if line.strip()]
    for line in lines[1:6]:  # below the title, among the first lines of the page
        found = _BYLINE.fullmatch(line)
        if found:
            return " ".join(found.group(1).split())
    return ""


def _title_from(text: str, path: Path) -> str:
    for line in text.split("\n", 50)[:50]:
        line = " ".join(line.replace("\u00a0", " ").split()).lstrip("#").strip()
        if line:
            return line if len(line) <= _TITLE_MAX else line[: _TITLE_MAX - 1] + "…"
    return path.stem
