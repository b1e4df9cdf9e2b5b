"""Markdown files: the text as a reader sees it, with headings as structure.

markdown-it-py renders CommonMark to HTML (the same parser the export is checked with),
and the HTML walk turns that into blocks, so emphasis markers, link syntax and heading
hashes never reach the stored text. YAML front matter gives title, author and date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from app.domain.structure import TextBuilder
from app.importers.base import ImportedText, TextImportError
from app.importers.files import read_file
from app.importers.html import html_blocks, parse_html
from app.importers.plaintext import decode_text

# CommonMark plus what people write in notes apps: tables, ~~strikethrough~~, footnotes.
_MARKDOWN = (
    MarkdownIt("commonmark", {"html": True})
    .enable(["table", "strikethrough"])
    .use(front_matter_plugin)
    .use(footnote_plugin)
)


def _front_matter(tokens: list[Any], path: Path) -> dict[str, object]:
    if not tokens or tokens[0].type != "front_matter":
        return {}
    try:
        data = yaml.safe_load(tokens[0].content)
    except yaml.YAMLError as exc:
        raise TextImportError(path, f"its front matter is not valid YAML ({exc})") from exc
    return data if isinstance(data, dict) else {}


def _field(data: dict[str, object], *keys: str) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value is not None and str(value).strip():
            return str(value)
    return ""


def markdown_text(source: str, path: Path) -> ImportedText:
    """Import Markdown source text already decoded (from a file or the clipboard).

    Raises:
        TextImportError: If the front matter is broken or nothing readable remains.
    """
    tokens = _MARKDOWN.parse(source)
    front = _front_matter(tokens, path)
    soup = parse_html(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}), path)
    builder = TextBuilder()
    html_blocks(soup, builder)
    if builder.empty:
        raise TextImportError(path, "it holds no readable text")
    text, structure = builder.build()
    title = _field(front, "title") or (structure.headings[0].title if structure.headings else "")
    return ImportedText.built(
        builder,
        title=title or text.split("\n", 1)[0][:120] or path.stem,
        author=_field(front, "author", "authors", "creator"),
        date=_field(front, "date", "published"),
        source=str(path),
        format="markdown",
    )


def read_markdown(path: Path, encoding: str | None = None) -> ImportedText:
    """Import a Markdown file (.md, .markdown) in any common encoding.

    Raises:
        TextImportError: If the file cannot be read, is not text, or holds no text.
    """
    return markdown_text(decode_text(read_file(path), path, encoding), path)
