"""EPUB books: the spine's documents in reading order, chapters as headings.

The package is read with zipfile and defusedxml rather than an EPUB library: the ones
on PyPI parse the package XML with lxml's default parser, which resolves entities, and
an EPUB is untrusted input. What is needed is small: the container points at the
package document, whose metadata, manifest and spine say everything.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from bs4 import Tag

from app.domain.progress import Progress
from app.domain.structure import TextBuilder
from app.importers.base import ImportedText, TextImportError
from app.importers.files import (
    children,
    find_all,
    first_text,
    open_zip,
    parse_xml,
    read_file,
    read_member,
    text_of,
)
from app.importers.html import html_blocks, parse_html

_CONTAINER = "META-INF/container.xml"
_DOCUMENTS = frozenset(("application/xhtml+xml", "text/html", "application/x-dtbook+xml"))


def _package_path(archive: zipfile.ZipFile, path: Path) -> str:
    if _CONTAINER not in archive.namelist():
        raise TextImportError(path, f"it is a zip archive but not an EPUB (it has no {_CONTAINER})")
    container = parse_xml(read_member(archive, _CONTAINER, path), path, _CONTAINER)
    for rootfile in find_all(container, "rootfile"):
        full = rootfile.get("full-path", "")
        if full:
            return full
    raise TextImportError(path, f"its {_CONTAINER} names no package document")


def _spine(package: Element, base: str) -> list[str]:
    """Return the archive paths of the spine's documents, in reading order."""
    manifest: dict[str, tuple[str, str]] = {}
    for item in find_all(package, "item"):
        href = item.get("href", "")
        if item.get("id") and href:
            target = posixpath.normpath(posixpath.join(base, unquote(href.split("#")[0])))
            manifest[item.get("id", "")] = (target, item.get("media-type", ""))
    order = []
    for spine in find_all(package, "spine"):
        for ref in children(spine, "itemref"):
            entry = manifest.get(ref.get("idref", ""))
            if entry is not None and entry[1] in _DOCUMENTS:
                order.append(entry[0])
    return order


def _toc_labels(archive: zipfile.ZipFile, package: Element, base: str, path: Path) -> dict[str, str]:
    """Return the table of contents' label of each document (EPUB 3 nav or EPUB 2 NCX)."""
    labels: dict[str, str] = {}
    names = set(archive.namelist())
    for item in find_all(package, "item"):
        href = posixpath.normpath(posixpath.join(base, unquote(item.get("href", "").split("#")[0])))
        if href not in names:
            continue
        if "nav" in item.get("properties", "").split():
            soup = parse_html(read_member(archive, href, path), path)
            for link in soup.select("nav a[href]"):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(href), unquote(str(link["href"]))))
                labels.setdefault(target.split("#")[0], " ".join(link.get_text(" ").split()))
        elif item.get("media-type") == "application/x-dtbncx+xml":
            ncx = parse_xml(read_member(archive, href, path), path, href)
            for point in find_all(ncx, "navPoint"):
                content = next(iter(find_all(point, "content")), None)
                if content is not None:
                    src = unquote(content.get("src", "").split("#")[0])
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(href), src))
                    labels.setdefault(target, first_text(point, "text"))
    return labels


def read_epub(path: Path, progress: Progress | None = None) -> ImportedText:
    """Import an EPUB (2 or 3): its documents in spine order, title, author and language.

    A spine entry whose file is missing from the archive is skipped, as reading systems
    do; the import fails only when no document of the spine can be read.

    Raises:
        TextImportError: If the file is not a sound EPUB or holds no text.
    """
    archive = open_zip(read_file(path), path, "EPUB")
    with archive:
        package_name = _package_path(archive, path)
        package = parse_xml(read_member(archive, package_name, path), path, package_name)
        names = set(archive.namelist())
        base = posixpath.dirname(package_name)
        labels = _toc_labels(archive, package, base, path)
        builder = TextBuilder()
        spine = _spine(package, base)
        for done, name in enumerate(spine, start=1):
            if progress is not None:
                progress(done, len(spine))
            if name not in names:
                continue
            soup = parse_html(read_member(archive, name, path), path)
            body = soup.find("body")
            # A chapter file without a heading of its own gets its contents label, so
            # that every chapter is in the outline and in citations.
            if labels.get(name) and soup.find(("h1", "h2", "h3")) is None:
                builder.heading(1, labels[name])
            html_blocks(body if isinstance(body, Tag) else soup, builder)
    if builder.empty:
        raise TextImportError(path, "none of the documents its spine lists holds any text")
    metadata = next(iter(find_all(package, "metadata")), package)
    return ImportedText.built(
        builder,
        title=first_text(metadata, "title") or path.stem,
        author=", ".join(text_of(c) for c in find_all(metadata, "creator") if text_of(c)),
        date=first_text(metadata, "date"),
        language=first_text(metadata, "language"),
        source=str(path),
        format="epub",
    )
