"""What exchanging a coded library with QDA tools costs: a REFI-QDA project (.qdpx) out and in.

Run: .venv/bin/python -m benchmarks.exchange
At 1,000, 10,000 and 100,000 highlights (over 20 documents of about 200 KB, with 40
themes and a note on a quarter of them), each figure beside a bare baseline measured in
the same run:

- exporting the library as .qdpx, against reading the same rows with plain sqlite3 and
  writing the same XML with lxml, zipped with the same sources;
- importing that .qdpx into an empty library (documents, themes, highlights, notes, as
  one undoable change, indexed for search), against parsing its project.qde with lxml
  and walking every selection;
- the same import against the floor under any import that keeps highlights searchable:
  parsing with lxml and storing the same rows with plain sqlite3, indexed with FTS5, with
  no checks and no history (`bare_store`), and that floor against the bare parse;
- undoing the import (Ctrl+Z), against deleting the bare store's rows and index entries.
"""

from __future__ import annotations

import io
import random
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

from app.importers import ImportedText
from app.services import open_service
from benchmarks.common import book_text, report, row
from benchmarks.search import fill_highlights, vocabulary
from db.search import TOKENIZER

COUNTS = (1_000, 10_000, 100_000)
DOCUMENTS = 20
SIZE = 200_000
REPEATS = 3
NS = "urn:QDA-XML:project:1.0"


def bare_export(path: Path) -> bytes:
    """The same project, from plain sqlite3 rows through lxml: the floor an export stands on."""
    con = sqlite3.connect(path)
    root = etree.Element(f"{{{NS}}}Project", name="bare", nsmap={None: NS})
    codes = etree.SubElement(etree.SubElement(root, f"{{{NS}}}CodeBook"), f"{{{NS}}}Codes")
    for tag_id, name, colour in con.execute("SELECT id, name, colour FROM tags"):
        etree.SubElement(
            codes,
            f"{{{NS}}}Code",
            guid=f"{tag_id:08x}-0000-4000-8000-000000000000",
            name=name,
            isCodable="true",
            color=colour,
        )
    sources = etree.SubElement(root, f"{{{NS}}}Sources")
    texts = {}
    notes = etree.Element(f"{{{NS}}}Notes")
    for document_id, title, text in con.execute(
        "SELECT d.id, d.title, v.text FROM documents d JOIN document_versions v ON v.document_id = d.id"
    ):
        guid = f"{document_id:08x}-0000-4000-8000-000000000001"
        texts[f"sources/{guid}.txt"] = text
        source = etree.SubElement(
            sources, f"{{{NS}}}TextSource", guid=guid, name=title, plainTextPath=f"internal://{guid}.txt"
        )
        for hid, start, end, exact, note, tag_id in con.execute(
            "SELECT h.id, h.start_offset, h.end_offset, h.exact, h.note, t.tag_id FROM highlights h "
            "LEFT JOIN highlight_tags t ON t.highlight_id = h.id WHERE h.document_id = ?",
            (document_id,),
        ):
            selection = etree.SubElement(
                source,
                f"{{{NS}}}PlainTextSelection",
                guid=f"{hid:08x}-0000-4000-8000-000000000002",
                name=exact,
                startPosition=str(start),
                endPosition=str(end),
            )
            if tag_id is not None:
                coding = etree.SubElement(selection, f"{{{NS}}}Coding", guid=f"{hid:08x}-0000-4000-8000-000000000003")
                etree.SubElement(coding, f"{{{NS}}}CodeRef", targetGUID=f"{tag_id:08x}-0000-4000-8000-000000000000")
            if note:
                note_guid = f"{hid:08x}-0000-4000-8000-000000000004"
                etree.SubElement(selection, f"{{{NS}}}NoteRef", targetGUID=note_guid)
                etree.SubElement(
                    etree.SubElement(notes, f"{{{NS}}}Note", guid=note_guid), f"{{{NS}}}PlainTextContent"
                ).text = note
    root.append(notes)
    con.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        for name, text in texts.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def bare_import(data: bytes) -> int:
    """Parse a project's XML with lxml and walk every selection: the floor an import stands on."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        for name in archive.namelist():
            if name.startswith("sources/"):
                archive.read(name).decode("utf-8")
    count = 0
    for selection in root.iter(f"{{{NS}}}PlainTextSelection"):
        count += int(selection.get("endPosition")) - int(selection.get("startPosition")) >= 0
    return count


_BARE_SCHEMA = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "CREATE TABLE texts (id INTEGER PRIMARY KEY, name TEXT, body TEXT)",
    "CREATE TABLE highlights (id INTEGER PRIMARY KEY, text_id INTEGER, start INTEGER, end INTEGER, "
    "exact TEXT, prefix TEXT, suffix TEXT, note TEXT, created TEXT)",
    "CREATE INDEX highlights_place ON highlights (text_id, start)",
    "CREATE TABLE highlight_codes (highlight_id INTEGER, code TEXT, PRIMARY KEY (highlight_id, code))",
    f"CREATE VIRTUAL TABLE passages USING fts5(body, tokenize='{TOKENIZER}')",
    f"CREATE VIRTUAL TABLE marks USING fts5(quote, note, tokenize='{TOKENIZER}')",
)


def bare_store(data: bytes, path: Path) -> None:
    """Parse a project with lxml and store its rows with plain sqlite3, indexed for search.

    What any import that keeps the highlights searchable must do, and no more: no
    checks, no history to undo, no themes' paths. The floor under our import.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("project.qde"), etree.XMLParser(huge_tree=True))
        texts = {n.removeprefix("sources/"): archive.read(n).decode("utf-8") for n in archive.namelist() if "/" in n}
    notes = {n.get("guid"): "".join(n.itertext()) for n in root.iter(f"{{{NS}}}Note")}
    con = sqlite3.connect(path, isolation_level=None)
    for statement in _BARE_SCHEMA:
        con.execute(statement)
    con.execute("BEGIN")
    highlights: list[tuple[object, ...]] = []
    codes: list[tuple[int, str]] = []
    for text_id, source in enumerate(root.iter(f"{{{NS}}}TextSource"), 1):
        text = texts[source.get("plainTextPath").removeprefix("internal://")]
        con.execute("INSERT INTO texts VALUES (?, ?, ?)", (text_id, source.get("name"), text))
        con.executemany("INSERT INTO passages (body) VALUES (?)", [(p,) for p in text.split("\n") if p])
        for selection in source.iter(f"{{{NS}}}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            hid = len(highlights) + 1
            note = "".join(notes.get(r.get("targetGUID"), "") for r in selection.iter(f"{{{NS}}}NoteRef"))
            context = (text[start:end], text[max(0, start - 32) : start], text[end : end + 32])
            highlights.append((hid, text_id, start, end, *context, note, selection.get("creationDateTime")))
            codes += [(hid, ref.get("targetGUID")) for ref in selection.iter(f"{{{NS}}}CodeRef")]
    con.executemany("INSERT INTO highlights VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", highlights)
    con.executemany("INSERT INTO highlight_codes VALUES (?, ?)", codes)
    con.executemany("INSERT INTO marks (rowid, quote, note) VALUES (?, ?, ?)", [(h[0], h[4], h[7]) for h in highlights])
    con.execute("COMMIT")
    con.close()


def bare_delete(path: Path) -> None:
    """Delete everything `bare_store` stored, index included, in one transaction: the floor under undoing an import."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    for table in ("marks", "highlight_codes", "highlights", "passages", "texts"):
        con.execute(f"DELETE FROM {table}")
    con.execute("COMMIT")
    con.close()


def main() -> None:
    """Build the libraries, measure, and report."""
    rng = random.Random(1917)
    words = vocabulary(rng)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in COUNTS:
            path = Path(tmp) / f"library-{count}.sqlite"
            service = open_service(path)
            for i in range(DOCUMENTS):
                service.add_document(ImportedText.of(f"Book {i}\n\n" + book_text(SIZE), title=f"Book {i}"))
            fill_highlights(service, count, rng, words)
            ours_out, bare_out, ours_in, bare_in, stored, undone, deleted = [], [], [], [], [], [], []
            for attempt in range(REPEATS):
                start = time.perf_counter()
                data = service.export_qdpx()
                ours_out.append(time.perf_counter() - start)
                start = time.perf_counter()
                bare = bare_export(path)
                bare_out.append(time.perf_counter() - start)
                project = Path(tmp) / "project.qdpx"
                project.write_bytes(data)
                target = open_service(Path(tmp) / f"target-{count}-{attempt}.sqlite")
                start = time.perf_counter()
                target.import_qda(project)
                ours_in.append(time.perf_counter() - start)
                start = time.perf_counter()
                target.operations.undo()
                undone.append(time.perf_counter() - start)
                target.close()
                start = time.perf_counter()
                bare_import(bare)
                bare_in.append(time.perf_counter() - start)
                start = time.perf_counter()
                bare_store(data, Path(tmp) / f"bare-{count}-{attempt}.sqlite")
                stored.append(time.perf_counter() - start)
                start = time.perf_counter()
                bare_delete(Path(tmp) / f"bare-{count}-{attempt}.sqlite")
                deleted.append(time.perf_counter() - start)
            service.close()
            rows.append(row(f"export .qdpx at {count:,} highlights", ours_out, bare_out, "<= 3x"))
            rows.append(row(f"import .qdpx at {count:,} highlights", ours_in, bare_in, "<= 3x"))
            rows.append(row("  the same, against parsing and storing bare", ours_in, stored, "reported"))
            rows.append(row("  storing bare, against parsing bare", stored, bare_in, "reported"))
            rows.append(row("  undoing the import, against deleting its rows bare", undone, deleted, "reported"))
    report("exchange", rows)


if __name__ == "__main__":
    main()
