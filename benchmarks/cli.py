"""What the command line costs: `python -m app list` on a current library, process start to exit.

Run: .venv/bin/python -m benchmarks.cli
At 1,000, 10,000 and 100,000 highlights (over 20 documents), each figure beside a bare
baseline measured in the same run, one of each in turn:

- `python -m app --library FILE list`, against a bare `python -c "import sqlite3"` (the
  floor any Python command stands on);
- beside it, in the same turns, a bare `import sqlalchemy.orm` (the cycle collector held
  off, as `python -m app` holds it) against the same floor: what loading the library's
  storage layer alone costs, which no command can do without.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from app.importers import ImportedText
from app.services import open_service
from benchmarks.common import library_file, report, row, store_highlights

COUNTS = (1_000, 10_000, 100_000)
DOCUMENTS = 20
REPEATS = 7  # process starts are cheap to repeat and noisy
ROOT = Path(__file__).resolve().parent.parent
BARE = [sys.executable, "-c", "import sqlite3"]
# With the cycle collector held off while importing, as `python -m app` does.
STORAGE = [sys.executable, "-c", "import gc; gc.disable(); import sqlalchemy.orm"]


def library(folder: Path, count: int, rng: random.Random) -> Path:
    """A current library of DOCUMENTS short texts holding `count` highlights between them."""
    service = open_service(folder / f"library-{count}.sqlite")
    for i in range(DOCUMENTS):
        service.add_document(ImportedText.of(f"Book {i}. " + "A line of the text to read. " * 200, title=f"Book {i}"))
    path = library_file(service)
    service.close()
    con = sqlite3.connect(path)
    versions = con.execute("SELECT document_id, id FROM document_versions").fetchall()
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    rows = []
    for _ in range(count):
        document, version = rng.choice(versions)
        start = rng.randrange(0, 5000)
        rows.append((document, version, start, start + 10, "A line of ", "", "bench"))
    store_highlights(con, rows, now)
    con.commit()
    con.close()
    return path


def seconds(command: list[str]) -> float:
    """Wall time of running `command` to its exit, its output discarded."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def in_turn(*commands: list[str]) -> list[list[float]]:
    """Seconds each command takes, REPEATS times, one of each in turn, after one unmeasured run of each.

    Taken in turn, all see the same moments of a machine whose speed drifts by a third
    within a minute.
    """
    for command in commands:
        seconds(command)
    taken: list[list[float]] = [[] for _ in commands]
    for _ in range(REPEATS):
        for command, samples in zip(commands, taken, strict=True):
            samples.append(seconds(command))
    return taken


def main() -> None:
    """Build the libraries, measure, and report."""
    rng = random.Random(1917)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in COUNTS:
            path = library(Path(tmp), count, rng)
            command = [sys.executable, "-m", "app", "--library", str(path), "list"]
            ours, bare, storage = in_turn(command, BARE, STORAGE)
            rows.append(row(f"list at {count:,} highlights", ours, bare, "well under 500 ms"))
            rows.append(row("  import sqlalchemy.orm alone, same turns", storage, bare, "what any command loads"))
    report("cli", rows)


if __name__ == "__main__":
    main()
