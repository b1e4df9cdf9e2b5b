"""Backups and restores at 1,000, 10,000 and 100,000 highlights, against bare sqlite3 in the same run.

Run: .venv/bin/python -m benchmarks.recovery

- restore a backup file: check it, build the copy beside the library, keep the old library,
  rename; against one bare `sqlite3` backup-API copy of the same file;
- a daily backup: copy under a temporary name, check, flush, rename; against the same bare copy;
- restore a JSON backup: the schema and every cross-reference checked, then written;
  against `json.loads` plus bare `executemany` inserts of the same rows into the same schema.
  Its peak memory (tracemalloc) is compared with the bare path's too.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.importers import ImportedText
from app.services import open_service, restore_from_backup
from benchmarks.common import book_text, report, row, timed
from benchmarks.export import fill
from db.backups import backup_library

SIZES = (1_000, 10_000, 100_000)
REPEATS = 3


def _library(folder: Path, highlights: int, text: str) -> Path:
    path = folder / "library.sqlite"
    service = open_service(path)
    doc = service.add_document(ImportedText.of(text, title="A long book")).value[0]
    fill(path, text, doc.id, service.open_document(doc.id).version_id, highlights)
    service.close()
    return path


def _bare_copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()


_HIGHLIGHT_FIELDS = ("version", "start", "end", "exact", "prefix", "suffix", "note", "created_at", "updated_at")


def _bare_json_restore(raw: str, schema_from: Path, target: Path) -> None:
    """json.loads, then the same rows inserted with executemany into an empty copy of the schema."""
    data: dict[str, Any] = json.loads(raw)
    shutil.copyfile(schema_from, target)
    con = sqlite3.connect(target)
    for d in data["documents"]:
        con.execute(
            "INSERT INTO documents (id, title, author, source, added_at, reading_position) VALUES (?,?,?,?,?,?)",
            (d["id"], d["title"], d["author"], d["source"], d["added_at"], d["reading_position"]),
        )
        con.executemany(
            "INSERT INTO document_versions (id, document_id, number, text, sha256, created_at) VALUES (?,?,?,?,?,?)",
            [(v["id"], d["id"], v["number"], v["text"], v["sha256"], v["created_at"]) for v in d["versions"]],
        )
    con.executemany(
        "INSERT INTO tags (id, parent_id, name, colour, description, created_at) VALUES (?,?,?,?,?,?)",
        [(t["id"], t["parent"], t["name"], t["colour"], t["description"], t["created_at"]) for t in data["themes"]],
    )
    con.executemany(
        "INSERT INTO highlights (id, document_id, version_id, made_on_version_id, start_offset, end_offset, exact, "
        "prefix, suffix, note, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(h["id"], h["document"], h["version"], *(h[k] for k in _HIGHLIGHT_FIELDS)) for h in data["highlights"]],
    )
    con.executemany(
        "INSERT INTO highlight_tags (highlight_id, tag_id, position) VALUES (?,?,?)",
        [(h["id"], t, i) for h in data["highlights"] for i, t in enumerate(h["themes"])],
    )
    con.commit()
    con.close()


def _our_json_restore(raw: str, target: Path) -> None:
    service = open_service(target)
    service.restore_json(json.loads(raw))
    service.close()


def _peak(fn: Callable[[], object]) -> float:
    """Peak bytes Python allocated while `fn` ran."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return float(peak)


def _measure(folder: Path, n: int, text: str, empty: Path) -> list[dict[str, object]]:
    """The rows for one size: file restore, daily backup, JSON restore (time and memory)."""
    library = _library(folder, n, text)
    backup = backup_library(library, folder / "backups" / "chosen.sqlite")
    names = (f"{folder}/copy-{i}.sqlite" for i in range(10**6))

    bare = [timed(lambda: _bare_copy(library, Path(next(names)))) for _ in range(REPEATS)]
    restores = [timed(lambda: restore_from_backup(library, backup)) for _ in range(REPEATS)]
    dailies = [timed(lambda: backup_library(library, Path(next(names)))) for _ in range(REPEATS)]

    service = open_service(library)
    raw = json.dumps(service.backup_json(), ensure_ascii=False)
    service.close()

    def ours_json() -> None:
        _our_json_restore(raw, Path(next(names)))

    def bare_json() -> None:
        _bare_json_restore(raw, empty, Path(next(names)))

    bare_times = [timed(bare_json) for _ in range(REPEATS)]
    ours_times = [timed(ours_json) for _ in range(REPEATS)]
    ours_peak, bare_peak = _peak(ours_json), _peak(bare_json)
    return [
        row(f"restore a backup file, {n:,} highlights", restores, bare, "<= 6x"),
        row(f"daily backup, {n:,} highlights", dailies, bare, "<= 3x"),
        row(f"restore JSON, {n:,} highlights", ours_times, bare_times, "<= 8x"),
        {
            "measure": f"restore JSON, peak MB, {n:,} highlights",
            "ours_ms": ours_peak / 1e6,
            "baseline_ms": bare_peak / 1e6,
            "ratio": ours_peak / bare_peak,
            "target": "<= 4x",
        },
    ]


def main(sizes: Sequence[int] | None = None) -> list[dict[str, object]]:
    """Measure every size (default: 1,000, 10,000 and 100,000); print and save the table, and return its rows."""
    text = book_text(1024 * 1024)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        empty = root / "empty.sqlite"
        open_service(empty).close()
        for n in SIZES if sizes is None else sizes:
            folder = root / str(n)
            folder.mkdir()
            rows += _measure(folder, n, text, empty)
    report("recovery", rows)
    return rows


if __name__ == "__main__":
    main()
