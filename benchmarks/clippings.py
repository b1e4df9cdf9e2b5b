"""What bringing in highlights from other tools costs: a Kindle's onto the library's books, KOReader's read.

Run: .venv/bin/python -m benchmarks.clippings
At 1,000, 10,000 and 100,000 highlights, each beside a bare baseline measured in the same run:

- Kindle highlights spread over ten books of about 500 KB, imported, against the same
  quotes looked up with `str.find` in their books' texts (no parsing, no matching, no
  storing). The target: 10,000 highlights onto ten books in under 5 s.
- a KOReader sidecar of that many annotations read by Marginalia's Lua data parser,
  against `json.loads` (C) reading the same data written as JSON.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from functools import partial
from pathlib import Path

from app.importers import ImportedText
from app.importers.ereaders import read_koreader
from app.services import open_service
from benchmarks.common import book_text, report, row, timed

COUNTS = (1_000, 10_000, 100_000)
BOOKS = 10
SIZE = 500_000
REPEATS = 1


def clippings(texts: list[str], count: int, rng: random.Random) -> tuple[str, list[tuple[int, str]]]:
    """A My Clippings.txt of `count` highlights over the books, and each quote with its book."""
    entries, quotes = [], []
    for n in range(count):
        book = n % len(texts)
        text = texts[book]
        start = rng.randrange(0, len(text) - 200)
        start = text.find(" ", start) + 1
        end = text.find(" ", start + rng.randint(30, 150))
        quote = " ".join(text[start:end].split())
        if not quote:
            continue
        quotes.append((book, quote))
        entries.append(
            f"\ufeffBook {book} (Author {book})\r\n- Your Highlight at location {n}-{n + 1} | Added on Monday\r\n\r\n"
            f"{quote}\r\n==========\r\n"
        )
    return "".join(entries), quotes


def _lua(value: object) -> str:
    """The data as KOReader's serialiser writes it."""
    if isinstance(value, dict):
        return "{\n" + "".join(f"[{_lua(k)}] = {_lua(v)},\n" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return _lua(dict(enumerate(value, 1)))
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\\n") + '"'
    return repr(value)


def sidecar(count: int, rng: random.Random) -> dict[str, object]:
    """A KOReader sidecar's data with `count` annotations."""
    words = book_text(20_000).split()
    notes = [
        {
            "chapter": f"Chapter {n // 50}",
            "color": rng.choice(["yellow", "blue", "green"]),
            "datetime": "2024-05-01 10:00:00",
            "drawer": "lighten",
            "note": "a note\non two lines" if n % 4 == 0 else "",
            "pageno": n // 3,
            "pos0": f"/body/DocFragment[{n}]/body/p[2]/text().40",
            "pos1": f"/body/DocFragment[{n}]/body/p[2]/text().95",
            "text": " ".join(rng.sample(words, 15)),
        }
        for n in range(count)
    ]
    return {"annotations": notes, "doc_props": {"title": "Book", "authors": "Author"}}


def main() -> None:
    """Build the library, import, and report."""
    rng = random.Random(1917)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        texts = [" ".join(f"Book {i}. {book_text(SIZE)}".split()) for i in range(BOOKS)]
        for count in COUNTS:
            ours, bare = [], []
            for attempt in range(REPEATS):
                service = open_service(Path(tmp) / f"library-{count}-{attempt}.sqlite")
                stored = [
                    service.add_document(ImportedText.of(t, title=f"Book {i}", author=f"Author {i}")).value[0].id
                    for i, t in enumerate(texts)
                ]
                content, quotes = clippings([service.open_document(d).text for d in stored], count, rng)
                path = Path(tmp) / "My Clippings.txt"
                path.write_text(content, encoding="utf-8")
                start = time.perf_counter()
                service.import_highlights(path)
                ours.append(time.perf_counter() - start)
                start = time.perf_counter()
                for book, quote in quotes:
                    texts[book].find(quote)
                bare.append(time.perf_counter() - start)
                service.close()
            rows.append(row(f"import {count:,} Kindle highlights onto {BOOKS} books", ours, bare, "< 5 s at 10k"))
        for count in COUNTS:
            data = sidecar(count, rng)
            lua, plain = "return " + _lua(data), json.dumps(data)
            ours = [timed(partial(read_koreader, lua)) for _ in range(REPEATS)]
            bare = [timed(partial(json.loads, plain)) for _ in range(REPEATS)]
            rows.append(row(f"read a KOReader sidecar of {count:,} annotations", ours, bare, "as measured"))
    report("clippings", rows)


if __name__ == "__main__":
    main()
