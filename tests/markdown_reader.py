"""Reading exported Markdown back with markdown-it-py, as a CommonMark or GitHub-flavoured reader sees it."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.token import Token

READERS = {
    "commonmark": MarkdownIt("commonmark"),
    # GitHub-flavoured: tables, strikethrough, and bare web addresses made links.
    "gfm": MarkdownIt("gfm-like", {"linkify": True}),
}


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    link: list[str] | None = None
    href = ""
    for child in token.children or []:
        if child.type in ("text", "text_special", "code_inline"):
            (parts if link is None else link).append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open" and child.markup in ("autolink", "linkify"):
            # A web address, linked: its text must be the address it links to.
            link, href = [], str(child.attrs.get("href", ""))
        elif child.type == "link_close" and link is not None:
            shown = "".join(link)
            # The address shown, normalised as a reader normalises any link (%-escapes,
            # punycode hosts; "http://" before a bare domain), must be the one linked.
            if href.removeprefix("mailto:") not in (normalizeLink(shown), normalizeLink("http://" + shown)):
                raise AssertionError(f"the link {shown!r} goes to {href!r}")
            parts.append(shown)
            link = None
        else:  # links, emphasis, HTML: the quote was not written as plain text
            raise AssertionError(f"unexpected Markdown construct {child.type!r} in {token.content!r}")
    return "".join(parts)


def blockquotes(markdown: str, reader: str = "commonmark") -> list[str]:
    """Return the text of every top-level block quote, paragraphs joined by a blank line."""
    quotes: list[str] = []
    depth = 0
    paragraphs: list[str] = []
    for token in READERS[reader].parse(markdown):
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
