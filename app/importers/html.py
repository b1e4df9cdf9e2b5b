"""HTML pages, and the HTML that Markdown, DOCX and EPUB importers produce or contain.

Beautiful Soup with Python's own `html.parser` reads the markup: it never loads a URL,
runs a script or expands a declared entity. The walk below turns the element tree into
the blocks a reader sees: headings, paragraphs, list items, quotes and preformatted
text, dropping scripts, styles and the navigation chrome around a page's main text.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

from app.domain.structure import TextBuilder
from app.importers.base import ImportedText, TextImportError
from app.importers.files import read_file
from app.importers.plaintext import decode_text

# Elements whose content is never the text: code, styling, forms and page chrome.
_DROPPED = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "textarea",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "audio",
        "video",
        "menu",
        "dialog",
    ]
)
# A long novel as one web page has some tens of thousands; this costs about 300 MB to parse.
MAX_ELEMENTS = 250_000
_START_TAG = re.compile(r"<[A-Za-z]")
_START_TAG_BYTES = re.compile(rb"<[A-Za-z]")
_OWN_PARTS = frozenset(("header", "footer"))
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "body",
        "blockquote",
        "li",
        "dd",
        "dt",
        "figcaption",
        "caption",
        "td",
        "th",
        "tr",
        "table",
        "ul",
        "ol",
        "dl",
        "figure",
        "address",
        "hr",
        "pre",
        "center",
    ]
)
_WHITE = re.compile("[ \t\n\r\f]+")  # HTML's white space: not U+00A0
_BREAK = "\u2028"  # stands for <br> while a paragraph is gathered (normalised to LF later)
# Landmarks around the main text, and the "↩" links that lead from a note back to its mark.
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search", "doc-backlink"))
_BACKLINK_CLASSES = frozenset(("footnote-back", "footnote-backref"))
# A note's mark in the text (EPUB 3, DPUB-ARIA, pandoc, markdown-it), shown as [1] the
# way DOCX and ODT notes are, not glued to the word before it ("Soviets.1").
# Sphinx and docutils write "footnote-reference".
_NOTE_REF_CLASSES = frozenset(("footnote-ref", "noteref", "footnote-reference"))
# What a note's mark looks like: a number, a letter, or the printer's symbols.
_NOTE_MARK = re.compile(r"\[?(?:\d{1,3}[a-z]?|[a-z]|[*†‡§¶]{1,3})\]?")


@dataclass
class _Walk:
    """The state of one walk: the builder and the paragraph being gathered."""

    builder: TextBuilder
    words: list[str] = field(default_factory=list)
    prefix: str = ""
    numbers: dict[int, int] = field(default_factory=dict)  # id of an <ol> -> its last item's number

    def number(self, ordered: Tag) -> int:
        """Return the number of the next item of an ordered list (counted, not searched for)."""
        start = str(ordered.get("start", "1")).strip()
        last = self.numbers.get(id(ordered), (int(start) if start.isdecimal() and len(start) < 7 else 1) - 1)
        self.numbers[id(ordered)] = last + 1
        return last + 1

    def flush(self) -> None:
        text = "".join(self.words)
        self.words.clear()
        # White space collapses as a browser shows it (no-break spaces are not white
        # space to HTML and stay); only <br> breaks a line.
        lines = (_WHITE.sub(" ", line).strip(" ") for line in text.split(_BREAK))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            self.builder.paragraph(self.prefix + paragraph)
            self.prefix = ""


def _hidden(tag: Tag) -> bool:
    if tag.name in _OWN_PARTS and tag.find_parent(("article", "main")) is not None:
        return False  # an article's own header holds its title, its footer its notes
    if tag.name in _DROPPED or tag.has_attr("hidden"):
        return True
    if str(tag.get("aria-hidden", "")).lower() == "true" or str(tag.get("role", "")).lower() in _CHROME_ROLES:
        return True
    if not _BACKLINK_CLASSES.isdisjoint(tag.get_attribute_list("class")):
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return "display:none" in style


def _note_ref(tag: Tag) -> bool:
    if "noteref" in str(tag.get("epub:type", "")).split() or str(tag.get("role", "")).lower() == "doc-noteref":
        return True
    if not _NOTE_REF_CLASSES.isdisjoint(tag.get_attribute_list("class")):
        return True
    # Many books mark nothing: a superscript that is nothing but one link to a place in
    # the book, with a short mark, is a note's mark ("m<sup>2</sup>" has no link).
    if tag.name != "sup":
        return False
    links = tag.find_all("a", href=True)
    return len(links) == 1 and "#" in str(links[0]["href"]) and bool(_NOTE_MARK.fullmatch(tag.get_text().strip()))


def _walk(node: Tag, walk: _Walk) -> None:
    for child in node.children:
        if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            walk.words.append(str(child))
            continue
        if not isinstance(child, Tag) or _hidden(child):
            continue
        name = child.name
        if _note_ref(child):
            mark = child.get_text().strip()
            if mark:  # a mark drawn as a picture has no text to show
                walk.words.append(mark if mark.startswith("[") else f"[{mark}]")
        elif name in _HEADINGS:
            walk.flush()
            walk.builder.heading(_HEADINGS[name], child.get_text(" "))
        elif name == "br":
            walk.words.append(_BREAK)
        elif name == "pre":
            walk.flush()
            walk.builder.paragraph(child.get_text().strip("\n"))
        elif name == "li":
            walk.flush()
            parent = child.parent
            if parent is not None and parent.name == "ol":
                walk.prefix = f"{walk.number(parent)}. "
            else:
                walk.prefix = "• "
            _walk(child, walk)
            walk.flush()
        elif name in _BLOCKS:
            walk.flush()
            _walk(child, walk)
            walk.flush()
        else:
            _walk(child, walk)


def html_blocks(soup: BeautifulSoup | Tag, builder: TextBuilder) -> None:
    """Add the readable blocks of an element tree to `builder`."""
    walk = _Walk(builder)
    _walk(soup, walk)
    walk.flush()


def parse_html(markup: str | bytes, source: Path | str) -> BeautifulSoup:
    """Parse HTML or XHTML with Python's own parser (no network, no entity declarations).

    Bytes are tried as UTF-8 first (EPUB requires it); Beautiful Soup's own encoding
    detection, several times slower, is left for the rest.

    Raises:
        TextImportError: If the markup has more elements than a book's page ever does.
    """
    # Beautiful Soup keeps about 1.2 KB per element: two million tiny elements in 16 MB
    # took 2.4 GB. Counting start tags first bounds the memory by what was read.
    starts = _START_TAG_BYTES.finditer(markup) if isinstance(markup, bytes) else _START_TAG.finditer(markup)
    elements = sum(1 for _ in starts)
    if elements > MAX_ELEMENTS:
        raise TextImportError(
            source, f"it has {elements:,} HTML elements, more than the {MAX_ELEMENTS:,} that any book's page needs"
        )
    if isinstance(markup, bytes):
        with contextlib.suppress(UnicodeDecodeError):
            markup = markup.decode("utf-8-sig")
    return BeautifulSoup(markup, "html.parser")


def main_part(soup: BeautifulSoup) -> Tag:
    """Return the element holding a page's main text: its `<main>`, its only `<article>`, or the body."""
    main = soup.find("main") or soup.find(None, {"role": "main"})
    if isinstance(main, Tag):
        return main
    articles = soup.find_all("article")
    if len(articles) == 1 and isinstance(articles[0], Tag):
        return articles[0]
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


def meta(soup: BeautifulSoup, *names: str) -> str:
    """Return the content of the first `<meta name=...>` or `property=...` among `names`."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").lower()
        content = str(tag.get("content") or "").strip()
        if key in names and content:
            found.setdefault(key, content)
    return next((found[n] for n in names if n in found), "")


def read_html(path: Path, encoding: str | None = None) -> ImportedText:
    """Import a saved web page: its main text, title and author.

    Raises:
        TextImportError: If the file cannot be read, is not text, or holds no text.
    """
    soup = parse_html(decode_text(read_file(path), path, encoding), path)
    builder = TextBuilder()
    html_blocks(main_part(soup), builder)
    if builder.empty:
        raise TextImportError(path, "the page holds no readable text")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ") if isinstance(title_tag, Tag) else ""
    heading = soup.find("h1")
    title = title.strip() or (heading.get_text(" ") if isinstance(heading, Tag) else "") or path.stem
    return ImportedText.built(
        builder,
        title=title,
        author=meta(soup, "author", "dc.creator", "article:author"),
        date=meta(soup, "date", "dc.date", "article:published_time"),
        source=str(path),
        format="html",
    )


def pasted_html(markup: str) -> ImportedText | None:
    """Make a document of HTML from the clipboard, or None if it holds no readable text."""
    soup = parse_html(markup, "clipboard")
    builder = TextBuilder()
    html_blocks(main_part(soup), builder)
    if builder.empty:
        return None
    title_tag = soup.find("title")
    return ImportedText.built(
        builder,
        title=title_tag.get_text(" ") if isinstance(title_tag, Tag) else "",
        source="clipboard",
        format="pasted",
    )
