"""Shared helpers for the benchmarks: timing, test texts, and reporting."""

from __future__ import annotations

import json
import os
import platform
import random
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services import LibraryService

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "samples" / "lenin-1917-resolution-on-the-soviets.txt"


def library_file(service: LibraryService) -> Path:
    """The file of a library the benchmarks made (they measure files: the bare side is sqlite3)."""
    if service.path is None:
        raise ValueError(f"{service.address} is not a library file")
    return service.path


def book_text(size_bytes: int) -> str:
    """A long text made of the sample's paragraphs, numbered, with some emoji and accents.

    Astral characters and no-break spaces make the UTF-16 conversion do real work.
    """
    paragraphs = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    out: list[str] = []
    total = 0
    i = 0
    while total < size_bytes:
        para = f"§{i} {paragraphs[i % len(paragraphs)]}"
        if i % 7 == 0:
            para += " ✊🏽 café\u00a0naïve"
        out.append(para)
        total += len(para.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(out)


def median_ms(samples: list[float]) -> float:
    """Median of seconds, in milliseconds."""
    return statistics.median(samples) * 1000


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of `fn` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def report(name: str, rows: list[dict[str, object]]) -> None:
    """Print a table and save it as JSON under benchmarks/results/."""
    width = max(len(str(r["measure"])) for r in rows)
    print(f"\n{name} (Python {platform.python_version()}, {os.cpu_count()} cores)")
    for r in rows:
        print(
            f"  {r['measure']!s:<{width}}  {r['ours_ms']:>9.2f} ms  baseline {r['baseline_ms']:>9.2f} ms  "
            f"ratio {r['ratio']:>6.2f}  target {r['target']}"
        )
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(rows, indent=2))


def row(measure: str, ours: list[float], baseline: list[float], target: str) -> dict[str, object]:
    """One report row: medians of both sides in milliseconds and their ratio."""
    o, b = median_ms(ours), median_ms(baseline)
    return {"measure": measure, "ours_ms": o, "baseline_ms": b, "ratio": o / b, "target": target}


# A highlight to store in setting up: document, edition, start, end, quote, note, maker.
StoredHighlight = tuple[int, int, int, int, str, str, str]


def store_highlights(con: sqlite3.Connection, rows: Iterable[StoredHighlight], now: str) -> None:
    """Insert highlights with bare SQL (setting up a library, not what is measured)."""
    con.executemany(
        "INSERT INTO highlights (document_id, version_id, made_on_version_id, start_offset, end_offset, exact, "
        "prefix, suffix, note, review_from, author, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, '', '', ?, '', ?, ?, ?)",
        [(d, v, v, start, end, quote, note, maker, now, now) for d, v, start, end, quote, note, maker in rows],
    )


def theme_each_highlight(con: sqlite3.Connection, rng: random.Random, themes: int) -> None:
    """Give every stored highlight one of the themes numbered 1 to `themes`, at random."""
    ids = [i for (i,) in con.execute("SELECT id FROM highlights")]
    con.executemany(
        "INSERT INTO highlight_tags (highlight_id, tag_id, position) VALUES (?, ?, 0)",
        [(i, rng.randint(1, themes)) for i in ids],
    )
