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

# Inline characters that start syntax anywhere in a line: code spans, emphasis, links,
# HTML and autolinks, and the backslash itself. Also Obsidian math ($) and block ids (^).
# Most prose lines hold none of them: searching first and substituting only on a hit is
# what keeps exporting 100,000 highlights fast (str.translate takes a slow per-character
# path on non-ASCII text, and re.sub expands its template on every call).
_ALWAYS = re.compile(r"[\\`*_\[\]<$^]")
# Only in these contexts: an entity reference (&amp;), a tag (#word), and Obsidian's
# doubled ~~strike~~, ==highlight== and %%comment%%.
_CONTEXTUAL = re.compile(r"&(?=#?\w+;)|#(?=\S)|~~|==|%%")
# At the start of a line: headings, block quotes, list items, setext underlines,
# thematic breaks and fenced code.
_LINE_START_CHARS = frozenset("#>+-=~")
_ORDERED_ITEM = re.compile(r"^(\d{1,9})([.)])")
_NEWLINES = re.compile(r"(\n+)")


_NL = "&#10;"


def escape_inline(line: str) -> str:
    """Backslash-escape what would be read as syntax in one stripped line."""
    if _ALWAYS.search(line):
        line = _ALWAYS.sub(r"\\\g<0>", line)
    if _CONTEXTUAL.search(line):
        line = _CONTEXTUAL.sub(r"\\\g<0>", line)
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


_TAG_INVALID = re.compile(r"[^\w/\-]+")


@functools.lru_cache(maxsize=4096)
def hashtag(path: str) -> str:
    """Return a theme path as an Obsidian-valid tag: ``class struggle/1917`` → ``#class-struggle/1917``.

    Obsidian tags take letters, digits, ``_``, ``-`` and ``/``; anything else becomes a
    hyphen. A tag of digits alone is not a tag in Obsidian, so it gets a leading ``_``.
    """
    segments = [_TAG_INVALID.sub("-", part).strip("-") or "_" for part in path.split("/")]
    tag = "/".join(segments)
    if tag.replace("/", "").isdigit():
        tag = "_" + tag
    return "#" + tag


def yaml_string(value: str) -> str:
    """Quote a string for YAML front matter (JSON strings are valid YAML scalars)."""
    return json.dumps(value, ensure_ascii=False)
