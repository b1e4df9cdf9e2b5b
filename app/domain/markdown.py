"""Writing quotes, tags and front matter as Markdown that reads back exactly.

A quote becomes a block quote whose rendered text is the quote, character for character,
under any CommonMark parser, while staying readable as plain text: only what would be
taken as syntax is escaped. Obsidian's extra syntax (tags, math, highlights, comments,
block ids) is escaped too, since Obsidian is where most exports go.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable

# Inline characters that start syntax anywhere in a line: code spans, emphasis, links,
# HTML and autolinks, and the backslash itself. Also Obsidian math ($) and block ids (^).
# Most prose lines hold none of them: searching first and substituting only on a hit is
# what keeps exporting 100,000 highlights fast (str.translate takes a slow per-character
# path on non-ASCII text, and re.sub expands its template on every call).
_ALWAYS = re.compile(r"[\\`*_\[\]<$^]")
# A line of pipes, dashes and colons under another line makes a GitHub-flavoured table:
# its pipes are escaped.
_TABLE_RULE = re.compile(r"^[ \t|:-]*\|[ \t|:-]*$")
# Only in these contexts: an entity reference (&amp;), a tag (#word).
_CONTEXTUAL = re.compile(r"&(?=#?\w+;)|#(?=\S)")
# Runs of Obsidian's and GitHub's doubled marks (~~strike~~, ==highlight==, %%comment%%):
# every character of the run is escaped, or the rest of a run of three still counts.
_RUNS = re.compile(r"~{2,}|={2,}|%{2,}")
# A bare web address: written as an autolink (<https://…>), inside which nothing is
# escaped, so that GitHub-flavoured readers, which link bare addresses, link the same
# one (an escape inside it would become part of it). Only plain ASCII addresses are:
# a reader shows an autolink's %-escapes and punycode hosts decoded, not as written.
# Punctuation that ends a sentence after an address stays text.
_URL = re.compile(
    r"\b(?:https?|ftp)://(?![^\s/?#]*xn--)[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]{1,5})?"
    r"(?:[/?#][A-Za-z0-9._~:/?#@!$'()*+,;=\[\]-]*)?",
    re.IGNORECASE,
)
_URL_TAIL = ".,:;!?')]*_~"
# Any other "scheme://": its colon is written as a character reference, which readers
# decode after they look for addresses, so none links it (and swallows an escape).
_SCHEME = re.compile(r"(?<=[A-Za-z0-9+.-]):(?=//)")
# At the start of a line: headings, block quotes, list items, setext underlines,
# thematic breaks and fenced code.
_LINE_START_CHARS = frozenset("#>+-=~")
_ORDERED_ITEM = re.compile(r"^(\d{1,9})([.)])")
_NEWLINES = re.compile(r"(\n+)")


_NL = "&#10;"


def _escape_text(text: str) -> str:
    if _ALWAYS.search(text):
        text = _ALWAYS.sub(r"\\\g<0>", text)
    if _CONTEXTUAL.search(text):
        text = _CONTEXTUAL.sub(r"\\\g<0>", text)
    if _RUNS.search(text):
        text = _RUNS.sub(lambda m: "".join("\\" + ch for ch in m.group()), text)
    return text


def escape_inline(line: str) -> str:
    """Backslash-escape what would be read as syntax in one stripped line (web addresses become autolinks)."""
    if "://" in line:
        written, at = [], 0
        for m in _URL.finditer(line):
            url = m.group().rstrip(_URL_TAIL)
            written += [_SCHEME.sub("&#58;", _escape_text(line[at : m.start()])), f"<{url}>"]
            at = m.start() + len(url)
        line = "".join(written) + _SCHEME.sub("&#58;", _escape_text(line[at:]))
    else:
        line = _escape_text(line)
    if "|" in line and "-" in line and _TABLE_RULE.match(line):
        line = line.replace("|", "\\|")
    if line[:1] in _LINE_START_CHARS:
        line = "\\" + line
    elif line[:1].isdigit():
        line = _ORDERED_ITEM.sub(r"\1\\\2", line)
    return line


def _entities(text: str) -> str:
    return "".join(f"&#{ord(ch)};" for ch in text)


def _escape_line(line: str) -> str:
    """Escape one line; white space at its edges becomes character references.

    Parsers strip white space at the start and end of lines (and four leading spaces
    would start code), so it is written as references, which are decoded after parsing.
    """
    body = line.strip()
    if body == line:
        return escape_inline(line)
    if not body:
        return _entities(line)
    start = line.index(body)
    return _entities(line[:start]) + escape_inline(body) + _entities(line[start + len(body) :])


def quote_block(text: str) -> str:
    """Return `text` as Markdown block-quote lines (no trailing newline).

    One line break stays a line break and one blank line a paragraph break, as a reader
    expects. Newlines Markdown cannot show as such (at the very start or end, or more
    than one blank line in a row) are written as ``&#10;``.
    """
    if "\n" not in text:
        return f"> {_escape_line(text)}" if text else ">"
    if not text.strip("\n"):
        return "> " + _NL * len(text)
    pieces = _NEWLINES.split(text)
    contents, runs = pieces[0::2], [len(run) for run in pieces[1::2]]
    lines: list[str] = []
    carry = ""
    for i, content in enumerate(contents):
        if content:
            lines.append(carry + _escape_line(content))
            carry = ""
        if i == len(runs):
            break
        if i == 0 and not content:  # newlines before the first line
            carry = _NL * runs[i]
        elif i == len(runs) - 1 and not contents[-1]:  # newlines after the last line
            lines[-1] += _NL * runs[i]
        elif runs[i] >= 2:  # a paragraph break, and any further blank lines
            lines.append("")
            carry = _NL * (runs[i] - 2)
    return "\n".join(f"> {line}" if line else ">" for line in lines)


# Letters, digits, _ - / and emoji (with their joiners, variation selectors and skin
# tones) make an Obsidian tag; anything else becomes a hyphen.
_TAG_INVALID = re.compile("[^\\w/\\-\u200d\ufe0e\ufe0f\u2600-\u27bf\U0001f000-\U0001faff\U000e0020-\U000e007f]+")


@functools.lru_cache(maxsize=4096)
def hashtag(path: str) -> str:
    """Return a theme path as an Obsidian-valid tag: ``class struggle/1917`` → ``#class-struggle/1917``.

    Obsidian tags take letters, digits, ``_``, ``-``, ``/`` and emoji; anything else
    becomes a hyphen. A tag of digits alone is not a tag in Obsidian, so it gets a leading
    ``_``. Two themes can come out alike (``C++`` and ``C``): `hashtags` tells them apart.
    """
    segments = [_TAG_INVALID.sub("-", part).strip("-") or "_" for part in path.split("/")]
    tag = "/".join(segments)
    if tag.replace("/", "").isdigit():
        tag = "_" + tag
    return "#" + tag


def hashtags(paths: Iterable[str]) -> dict[str, str]:
    """Return a distinct Obsidian tag for each theme path of one export.

    Themes whose tags come out alike (Obsidian ignores case, so ``C``, ``c`` and ``C++``
    are one tag) are numbered in path order: ``#C``, ``#C-2``, ``#C-3``.
    """
    taken: set[str] = set()
    tags: dict[str, str] = {}
    for path in sorted(set(paths)):
        tag = base = hashtag(path)
        number = 1
        while tag.casefold() in taken:
            number += 1
            tag = f"{base}-{number}"
        taken.add(tag.casefold())
        tags[path] = tag
    return tags


# What a YAML reader would take as a line break or refuse (C0 and C1 controls, NEL, the
# line and paragraph separators, non-characters, lone surrogates): written as escapes.
_YAML_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def yaml_string(value: str) -> str:
    """Quote a string for YAML front matter: a JSON string, with what YAML reads otherwise escaped."""
    quoted = json.dumps(value, ensure_ascii=False)
    if _YAML_UNSAFE.search(quoted):
        quoted = _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
    return quoted


# A line a note ends or holds that would turn the line above into a heading (--- or ===),
# and an Obsidian block id (^id) at a line's end, which would be given twice when a note
# is written under each of its highlight's themes.
_UNDERLINE = re.compile(r"^( {0,3})([-=])(?=[-=]*[ \t]*$)", re.MULTILINE)
_BLOCK_ID = re.compile(r"(?<!\\)\^(?=[\w-]+[ \t]*$)", re.MULTILINE)


def note_markdown(note: str) -> str:
    """Return a note as written, Markdown and all, but never a heading made of the line above, nor a block id."""
    return _BLOCK_ID.sub(r"\\^", _UNDERLINE.sub(r"\1\\\2", note))
