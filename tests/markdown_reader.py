"""Reading exported Markdown back with markdown-it-py, as a CommonMark reader sees it."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark")


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        else:  # links, emphasis, HTML: the quote was not written as plain text
            raise AssertionError(f"unexpected Markdown construct {child.type!r} in {token.content!r}")
    return "".join(parts)


def blockquotes(markdown: str) -> list[str]:
    """Return the text of every top-level block quote, paragraphs joined by a blank line."""
    quotes: list[str] = []
    depth = 0
    paragraphs: list[str] = []
    for token in _MD.parse(markdown):
        if token.type == "blockquote_open":
            depth += 1
            if depth == 1:
                paragraphs = []
        elif token.type == "blockquote_close":
            depth -= 1
            if depth == 0:
                quotes.append("\n\n".join(paragraphs))
        elif depth == 1 and token.type == "inline":
            paragraphs.append(_inline_text(token))
        elif depth > 1 or (depth == 1 and token.type not in ("paragraph_open", "paragraph_close", "inline")):
            raise AssertionError(f"quote holds a {token.type!r}, not only paragraphs")
    return quotes
