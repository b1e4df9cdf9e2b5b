"""Export speed: 100,000 highlights to Markdown against a bare string join of the same quotes.

Run: .venv/bin/python -m benchmarks.export
The library is filled with bare sqlite3 (making 100,000 highlights one by one through
the service would take minutes and is not what is measured here).
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from pathlib import Path

from app.domain.export import ExportFormat
from app.domain.text import sha256_hex
from app.importers import ImportedText
from app.services import open_service
from benchmarks.common import book_text, report, timed

HIGHLIGHTS = 100_000
REPEATS = 3


def fill(path: Path, text: str, doc_id: int, version_id: int, count: int = HIGHLIGHTS) -> list[str]:
    """Insert `count` highlights (a third of them tagged, some with notes) and return their quotes."""
    rng = random.Random(1917)
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO tags (id, parent_id, name, colour, description, created_at) VALUES "
        "(1, NULL, 'power', '#f7d038', '', '2026-01-01'), (2, 1, 'soviets', '#f7d038', '', '2026-01-01')"
    )
    rows, links, quotes = [], [], []
    for i in range(1, count + 1):
        start = rng.randrange(0, len(text) - 300)
        end = start + rng.randint(20, 250)
        quotes.append(text[start:end])
        rows.append(
            (
                i,
                doc_id,
                version_id,
                start,
                end,
                text[start:end],
                text[max(0, start - 32) : start],
                text[end : end + 32],
                "a note\non two lines" if i % 5 == 0 else "",
                version_id,
                "2026-01-01",
                "2026-01-01",
            )
        )
        if i % 3 == 0:
            links.append((i, 2, 0))
    con.executemany(
        "INSERT INTO highlights (id, document_id, version_id, start_offset, end_offset, exact, prefix, "
        "suffix, note, made_on_version_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    con.executemany("INSERT INTO highlight_tags (highlight_id, tag_id, position) VALUES (?,?,?)", links)
    con.commit()
    con.close()
    return quotes


def main() -> None:
    text = book_text(5 * 1024 * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "library.sqlite"
        service = open_service(path)
        doc = service.add_document(ImportedText.of(text, title="A long book")).value[0]
        version = service.open_document(doc.id).version_id
        assert service.open_document(doc.id).sha256 == sha256_hex(text)
        quotes = fill(path, text, doc.id, version, HIGHLIGHTS)
        out = Path(tmp) / "out.md"

        def bare() -> None:
            out.write_text("\n\n".join(quotes), encoding="utf-8")

        export = service.export_set(document_ids=[doc.id])
        assert sum(len(d.highlights) for d in export.documents) == HIGHLIGHTS

        def render_only() -> None:
            out.write_text(service.render_export(export, ExportFormat.MARKDOWN), encoding="utf-8")

        def end_to_end() -> None:
            whole = service.export_set(document_ids=[doc.id])
            out.write_text(service.render_export(whole, ExportFormat.MARKDOWN), encoding="utf-8")

        baseline = min(timed(bare) for _ in range(REPEATS))
        rows = []
        for name, fn in (
            ("render 100k highlights to Markdown", render_only),
            ("load + render 100k to Markdown", end_to_end),
        ):
            ours = min(timed(fn) for _ in range(REPEATS))
            rows.append(
                {
                    "measure": name,
                    "ours_ms": ours * 1000,
                    "baseline_ms": baseline * 1000,
                    "ratio": ours / baseline,
                    "target": "<= 3x and < 3 s",
                }
            )
        service.close()
    report("export", rows)


if __name__ == "__main__":
    main()
