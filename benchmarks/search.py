"""What searching the whole library costs, as the library grows to 300 documents and 200 MB.

Run: .venv/bin/python -m benchmarks.search
At three sizes (10 documents and 1,000 highlights, 30 and 10,000, 300 and 100,000; each
document about 680 KB of text drawn from a 30,000-word vocabulary with word frequencies
as in real prose), each figure beside a bare baseline measured in the same run:

- a word, a phrase, and a theme-filtered query, typed in the search window to its first
  screen of results drawn, against the bare FTS5 query (best 100 by rank, with snippets)
  on the same index through a plain sqlite3 connection;
- importing a document, against the same import with the index left out;
- the index's size on disk, against the whole library's;
- the tokenizer chosen (unicode61, diacritics removed, Porter stems) against a trigram
  index of the same passages: size, and a word's query.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from unittest import mock

from PySide6.QtWidgets import QApplication

from app.domain.search import Results, parse
from app.importers import ImportedText
from app.services import LibraryService, open_service
from app.ui.search.dialog import SearchDialog
from benchmarks.common import StoredHighlight, library_file, report, row, store_highlights, theme_each_highlight
from db import search as index

SCALES = ((10, 1_000), (30, 10_000), (300, 100_000))
DOC_CHARS = 680_000
VOCABULARY = 30_000
THEMES = 40
REPEATS = 15
IMPORTS = 5
SHOWN = 100


def vocabulary(rng: random.Random) -> list[str]:
    """Pronounceable made-up words, some with accents, most frequent first."""
    syllables = ["ka", "lo", "mi", "re", "su", "ta", "ve", "no", "dé", "ri", "po", "la", "chi", "ze", "mu", "fa"]
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    return sorted(words, key=lambda w: (len(w), w))


def document_text(rng: random.Random, words: list[str], weights: list[float]) -> str:
    """About DOC_CHARS of paragraphs whose words follow Zipf's law."""
    drawn = rng.choices(words, cum_weights=weights, k=DOC_CHARS // 6)
    paragraphs = []
    at = 0
    while at < len(drawn):
        size = rng.randint(40, 160)
        paragraphs.append(" ".join(drawn[at : at + size]).capitalize() + ".")
        at += size
    return "\n\n".join(paragraphs)


def fill_highlights(service: LibraryService, count: int, rng: random.Random, words: list[str]) -> None:
    """Store `count` highlights with themes and some notes, with bare SQL (setting up, not measured)."""
    con = sqlite3.connect(library_file(service))
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    con.executemany(
        "INSERT INTO tags (id, parent_id, name, colour, description, created_at) VALUES (?, ?, ?, '#ffd54f', '', ?)",
        [
            (i, None if i <= THEMES // 5 else (i - 1) % (THEMES // 5) + 1, f"theme{i}", now)
            for i in range(1, THEMES + 1)
        ],
    )
    documents = con.execute(
        "SELECT v.document_id, v.id, v.text FROM document_versions v WHERE v.number = 1 ORDER BY v.document_id"
    ).fetchall()
    per = count // len(documents)
    for document_id, version_id, text in documents:
        rows: list[StoredHighlight] = []
        for start in sorted(rng.sample(range(len(text) - 200), per)):
            end = start + rng.randint(5, 120)
            note = " ".join(rng.choices(words[:5000], k=rng.randint(3, 20))) if rng.random() < 0.25 else ""
            rows.append((document_id, version_id, start, end, text[start:end], note, ""))
        store_highlights(con, rows, now)
    theme_each_highlight(con, rng, THEMES)
    con.commit()
    con.close()
    service.build_index()


def find(service: LibraryService, text: str) -> Results:
    """Search as the window does: the best hits, their words placed only when one is opened."""
    return service.search(parse(text), SHOWN, places=False)


def bare_query(con: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> float:
    """Seconds a bare FTS5 query takes, rows fetched."""
    start = time.perf_counter()
    con.execute(sql, params).fetchall()
    return time.perf_counter() - start


def typed(app: QApplication, dialog: SearchDialog, query: str) -> float:
    """Seconds from a query typed (after its pause) to the first screen of results painted."""
    dialog.box.setText(query)
    start = time.perf_counter()
    dialog.run()
    app.processEvents()
    dialog.tree.viewport().repaint()
    return time.perf_counter() - start


def import_ratio(rng: random.Random, words: list[str], weights: list[float]) -> tuple[list[float], list[float]]:
    """Import text files (as File → Open does) into a library with the index and into one without it."""
    with_index: list[float] = []
    without: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(IMPORTS + 1):
            files.append(Path(tmp) / f"book-{i}.txt")
            files[-1].write_text(document_text(rng, words, weights), encoding="utf-8")
        indexed, bare = open_service(Path(tmp) / "with.sqlite"), open_service(Path(tmp) / "without.sqlite")
        try:
            # The first import loads the importers' modules: not what is measured.
            indexed.import_path(files[0])
            with mock.patch.object(index, "index_document", return_value=None):
                bare.import_path(files[0])
            for path in files[1:]:  # alternately, so that both see the same machine
                start = time.perf_counter()
                indexed.import_path(path)
                with_index.append(time.perf_counter() - start)
                with mock.patch.object(index, "index_document", return_value=None):
                    start = time.perf_counter()
                    bare.import_path(path)
                    without.append(time.perf_counter() - start)
        finally:
            indexed.close()
            bare.close()
    return with_index, without


def sizes(path: Path) -> tuple[int, int]:
    """Bytes the index takes, and bytes the whole library takes."""
    con = sqlite3.connect(path)
    ours = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%' OR name LIKE 'ix_search%'").fetchone()
    whole = con.execute("SELECT sum(pgsize) FROM dbstat").fetchone()
    con.close()
    return int(ours[0] or 0), int(whole[0] or 1)


def trigram_rows(path: Path, word: str) -> list[dict[str, object]]:
    """The same passages under a trigram tokenizer: its size, and a word's query, against ours."""
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE tri USING fts5(body, tokenize='trigram')")
    con.execute("INSERT INTO tri (rowid, body) SELECT rowid, body FROM search_text")
    con.commit()
    tri = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'tri%'").fetchone()[0]
    ours = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_text%'").fetchone()[0]
    sql = "SELECT rowid, snippet({t}, 0, '[', ']', '…', 12) FROM {t} WHERE {t} MATCH ? ORDER BY rank LIMIT 100"
    tri_ms = [bare_query(con, sql.format(t="tri"), (f'"{word}"',)) for _ in range(REPEATS)]
    our_ms = [bare_query(con, sql.format(t="search_text"), (f'"{word}"',)) for _ in range(REPEATS)]
    con.execute("DROP TABLE tri")
    con.commit()
    con.close()
    return [
        {
            "measure": "index size: trigram (bytes) against ours",
            "ours_ms": float(tri),
            "baseline_ms": float(ours),
            "ratio": tri / ours,
            "target": "bytes, not ms: why not trigram",
        },
        row("a word's query: trigram against ours", tri_ms, our_ms, "why not trigram"),
    ]


def main() -> None:
    """Build the libraries, measure, and report."""
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    rng = random.Random(1917)
    words = vocabulary(rng)
    weights: list[float] = []
    total = 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank
        weights.append(total)
    rows: list[dict[str, object]] = []
    ours_import, bare_import = import_ratio(rng, words, weights)
    rows.append(row("import a 680 KB text file, indexed", ours_import, bare_import, "<= 1.5x"))
    word = words[400]  # in many passages, not in all
    with tempfile.TemporaryDirectory() as tmp:
        for scale, (documents, highlights) in enumerate(SCALES):
            path = Path(tmp) / f"library-{documents}.sqlite"
            service = open_service(path)
            try:
                texts = []
                for i in range(documents):
                    text = document_text(rng, words, weights)
                    texts.append(text)
                    service.add_document(ImportedText.of(text, title=f"Book {i}", author=f"Author {i % 17}"))
                fill_highlights(service, highlights, rng, words)
                middle = texts[len(texts) // 2].split("\n\n")[7].split()
                phrase = f'"{middle[3]} {middle[4]} {middle[5]}"'
                queries = {"a word": word, "a phrase": phrase, "a theme-filtered query": f"{word} theme:theme3"}
                con = sqlite3.connect(path)
                theme_ids = ", ".join(str(i) for i in (3, *range(THEMES // 5 + 3, THEMES + 1, THEMES // 5)))
                bare = {
                    "a word": (
                        "SELECT rowid, snippet(search_text, 0, '[', ']', '…', 12) FROM search_text "
                        "WHERE search_text MATCH ? ORDER BY rank LIMIT ?",
                        (f'"{word}"', SHOWN),
                    ),
                    "a phrase": (
                        "SELECT rowid, snippet(search_text, 0, '[', ']', '…', 12) FROM search_text "
                        "WHERE search_text MATCH ? ORDER BY rank LIMIT ?",
                        (phrase, SHOWN),
                    ),
                    "a theme-filtered query": (
                        "SELECT rowid, snippet(search_marks, -1, '[', ']', '…', 12) FROM search_marks "
                        "WHERE search_marks MATCH ? AND rowid IN (SELECT highlight_id FROM highlight_tags "
                        f"WHERE tag_id IN ({theme_ids})) ORDER BY rank LIMIT ?",
                        (f'"{word}"', SHOWN),
                    ),
                }
                dialog = SearchDialog(partial(find, service))
                dialog.resize(820, 600)
                dialog.show()
                for name, query in queries.items():
                    typed(app, dialog, query)  # warm: the pages read once
                    ours = [typed(app, dialog, query) for _ in range(REPEATS)]
                    sql, params = bare[name]
                    baseline = [bare_query(con, sql, params) for _ in range(REPEATS)]
                    label = f"{name}, to first screen drawn, {documents} documents, {highlights:,} highlights"
                    rows.append(row(label, ours, baseline, "< 50 ms and <= 2x at 100k"))
                dialog.close()
                con.close()
                used, whole = sizes(path)
                rows.append(
                    {
                        "measure": f"index size (bytes) against the library's, {documents} documents",
                        "ours_ms": float(used),
                        "baseline_ms": float(whole),
                        "ratio": used / whole,
                        "target": "bytes, not ms: the index's share",
                    }
                )
                if scale == 0:
                    rows += trigram_rows(path, word)
            finally:
                service.close()
    report("search", rows)


if __name__ == "__main__":
    main()
