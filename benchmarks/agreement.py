"""Agreement between coders: what comparing a document's coders costs as their highlights grow.

Run: .venv/bin/python -m benchmarks.agreement
One 5 MB document with 1,000, 10,000 and 100,000 highlights, made by three coders and
each given one of 20 themes. Ours is `agreement(doc)` (read the highlights, merge and
sweep each theme's stretches, kappa or alpha); the bare baseline, in the same run, is a
sqlite3 read of the same highlights with their authors and themes: what any such report
must read before it computes anything.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from app.importers import ImportedText
from app.services import open_service
from benchmarks.common import (
    StoredHighlight,
    book_text,
    library_file,
    report,
    row,
    store_highlights,
    theme_each_highlight,
)

COUNTS = (1_000, 10_000, 100_000)
SIZE = 5 * 1024 * 1024
CODERS = ("ann", "ben", "carla")
THEMES = 20
REPEATS = 3


def fill(path: Path, document_id: int, text: str, count: int, rng: random.Random) -> None:
    """Store `count` highlights by the coders, each with a theme, with bare SQL (setting up)."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO tags (id, parent_id, name, colour, description, created_at) VALUES (?, NULL, ?, '#ffd54f', '', ?)",
        [(i, f"theme{i}", now) for i in range(1, THEMES + 1)],
    )
    version = con.execute("SELECT id FROM document_versions WHERE document_id = ?", (document_id,)).fetchone()[0]
    rows: list[StoredHighlight] = []
    for start in sorted(rng.sample(range(len(text) - 200), count)):
        end = start + rng.randint(5, 120)
        rows.append((document_id, version, start, end, text[start:end], "", rng.choice(CODERS)))
    store_highlights(con, rows, now)
    theme_each_highlight(con, rng, THEMES)
    con.commit()
    con.close()


def bare_read(path: Path, document_id: int) -> int:
    """Read the document's highlights with their makers and themes, as plain rows."""
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT h.start_offset, h.end_offset, h.author, t.tag_id FROM highlights h "
        "JOIN highlight_tags t ON t.highlight_id = h.id WHERE h.document_id = ?",
        (document_id,),
    ).fetchall()
    con.close()
    return len(rows)


def main() -> None:
    """Build the libraries, measure, and report."""
    rng = random.Random(1917)
    text = book_text(SIZE)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in COUNTS:
            service = open_service(Path(tmp) / f"library-{count}.sqlite")
            doc = service.add_document(ImportedText.of(text, title="Five megabytes")).value[0]
            fill(library_file(service), doc.id, text, count, rng)
            ours, bare = [], []
            for _ in range(REPEATS):
                start = time.perf_counter()
                found = service.agreement(doc.id)
                ours.append(time.perf_counter() - start)
                start = time.perf_counter()
                read = bare_read(library_file(service), doc.id)
                bare.append(time.perf_counter() - start)
            assert 0 < len(found) <= THEMES
            assert read == count
            rows.append(row(f"agreement of 3 coders at {count:,} highlights", ours, bare, "grows with the highlights"))
            service.close()
    report("agreement", rows)


if __name__ == "__main__":
    main()
