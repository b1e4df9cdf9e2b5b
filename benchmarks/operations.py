"""What a change costs as a document grows, and what the operations log costs.

Run: .venv/bin/python -m benchmarks.operations
At 1,000, 10,000 and 100,000 highlights in one document of the real window, each figure
beside a bare baseline measured in the same run:

- H, Delete, tagging and a note, key (or save) to painted, against one bare sqlite3
  INSERT plus one repaint of a bare QPlainTextEdit of the reader's size;
- Ctrl+Z and Ctrl+Shift+Z, key to painted, against the same floor;
- a page scroll, against the bare editor;
- opening the document, against a bare QPlainTextEdit open plus a bare sqlite3 read of
  the same rows, with the memory it takes beside a bare list of those rows;
- the log's bytes per operation; a highlight made by another process (the CLI) appearing
  in the window, against a bare loop watching PRAGMA data_version at the same interval;
- the window's start, process start to painted, against a bare QApplication importing
  SQLAlchemy and showing a QPlainTextEdit with the same text.
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

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from app.importers import ImportedText
from app.services import LibraryService, open_service
from app.ui.common.preferences import Preferences
from app.ui.window.application import build_window
from app.ui.window.main_window import POLL_MS, MainWindow
from benchmarks.common import book_text, library_file, report, row, timed
from benchmarks.painting import page_steps, paint

COUNTS = (1_000, 10_000, 100_000)
SIZE = 5 * 1024 * 1024
STEPS = 25
# Rounds of changes made first and not counted: the first of each kind compiles its SQL.
WARM_UP = 5
REPEATS = 3
START_REPEATS = 11  # starts are cheap to repeat and noisy: the median of 7 moved by a fifth between runs
ROOT = Path(__file__).resolve().parent.parent


def rss_bytes() -> int:
    """This process's resident memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def fill(path: Path, document_id: int, text: str, count: int, rng: random.Random) -> None:
    """Store `count` highlights at once with bare SQL (setting up, not what is measured)."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    starts = sorted(rng.sample(range(len(text) - 200), count))
    con = sqlite3.connect(path)
    version = con.execute("SELECT id FROM document_versions WHERE document_id = ?", (document_id,)).fetchone()[0]
    rows = []
    for start in starts:
        end = start + rng.randint(5, 120)
        rows.append((document_id, version, version, start, end, text[start:end], "", "", "", "", now, now))
    con.executemany(
        "INSERT INTO highlights (document_id, version_id, made_on_version_id, start_offset, end_offset, exact, "
        "prefix, suffix, note, review_from, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    con.commit()
    con.close()


def floor(app: QApplication, path: Path, editor: QPlainTextEdit) -> list[float]:
    """The least a key-to-painted change can cost: a bare sqlite3 INSERT and one repaint."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE IF NOT EXISTS h (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, q TEXT)")
    samples = []
    for i in range(STEPS):

        def run(i: int = i) -> None:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO h (a, b, q) VALUES (?, ?, ?)", (i, i + 9, "quote"))
            con.execute("COMMIT")
            paint(app, editor)

        samples.append(timed(run))
    con.close()
    return samples


def key(app: QApplication, window: MainWindow, *keys: tuple[Qt.Key, Qt.KeyboardModifier]) -> float:
    """Seconds from pressing `keys` in the reader to the page painted."""

    def run() -> None:
        for k, modifiers in keys:
            QTest.keyClick(window.reader, k, modifiers)
        paint(app, window.reader)

    return timed(run)


NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def changes(app: QApplication, window: MainWindow, text: str, rng: random.Random) -> dict[str, list[float]]:
    """Time H, tag, note, Delete, Ctrl+Z and Ctrl+Shift+Z, each from the key to the page painted."""
    times: dict[str, list[float]] = {k: [] for k in ("H", "tag", "note", "Delete", "undo", "redo")}
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    window.reader.setFocus()
    for i in range(-WARM_UP, STEPS):
        at = rng.randrange(0, len(text) - 200)
        window.reader.move_caret(at)
        window.reader.select_span(at, at + 40)
        paint(app, window.reader)
        times["H"].append(key(app, window, (Qt.Key.Key_H, NONE)))
        made = window.panel.current()
        assert made is not None
        assert at <= made.start < at + 40  # the selection, trimmed of white space

        def tag(path: str = f"bench/t{i % 5}") -> None:
            window.themes.apply(path)
            paint(app, window.reader)

        def note(highlight_id: int = made.id, text: str = f"note {i}") -> None:
            window.panel.note_edited.emit(highlight_id, text, False)  # what the note field sends as it saves
            paint(app, window.reader)

        times["tag"].append(timed(tag))
        times["note"].append(timed(note))
        window.reader.setFocus()
        times["Delete"].append(key(app, window, (Qt.Key.Key_Delete, NONE)))
        times["undo"].append(key(app, window, (Qt.Key.Key_Z, CTRL)))
        times["redo"].append(key(app, window, (Qt.Key.Key_Z, CTRL | SHIFT)))
    return {name: samples[WARM_UP:] for name, samples in times.items()}


def open_costs(
    app: QApplication, window: MainWindow, path: Path, doc_id: int, other_id: int, text: str
) -> tuple[list[float], list[float], int, int]:
    """Open the document in the window against a bare editor open plus a bare read of its rows; and memory.

    One of each in turn, so that both see the same moments of a machine whose speed drifts.
    """
    ours, bare = [], []
    memory = 0
    editor = QPlainTextEdit()
    editor.resize(window.reader.size())
    editor.show()
    rows: list[tuple[object, ...]] = []
    for _ in range(REPEATS):
        window.open_document(other_id)
        app.processEvents()
        before = rss_bytes()

        def open_it() -> None:
            window.open_document(doc_id)
            paint(app, window.reader)

        ours.append(timed(open_it))
        memory = max(memory, rss_bytes() - before)  # the first open grows the most; later ones reuse memory
        editor.setPlainText("")
        app.processEvents()
        rows.clear()

        def bare_open() -> None:
            con = sqlite3.connect(path)
            rows.extend(con.execute("SELECT * FROM highlights WHERE document_id = ?", (doc_id,)))
            con.close()
            editor.setPlainText(text)
            paint(app, editor)

        bare.append(timed(bare_open))
    rows.clear()
    editor.close()
    return ours, bare, memory, bare_rows_memory(path, doc_id)


BARE_ROWS = """
import sqlite3, sys
from benchmarks.operations import rss_bytes
before = rss_bytes()
con = sqlite3.connect(sys.argv[1])
rows = list(con.execute("SELECT * FROM highlights WHERE document_id = ?", (int(sys.argv[2]),)))
print(rss_bytes() - before)
"""


def bare_rows_memory(path: Path, doc_id: int) -> int:
    """The memory a bare list of the document's rows takes, in a fresh process.

    Measured here, the list took memory this process had freed before, and read as none.
    """
    done = subprocess.run(
        [sys.executable, "-c", BARE_ROWS, str(path), str(doc_id)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def appearing(
    app: QApplication, window: MainWindow, service: LibraryService, text: str, rng: random.Random
) -> tuple[list[float], list[float]]:
    """Seconds from another process's committed highlight to the window showing it, and a bare watcher's."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    ours, bare = [], []
    for i in range(REPEATS):
        quote = text[1000 * (i + 1) : 1000 * (i + 1) + 30]
        before = len(window.controller.store)
        command = [sys.executable, "-m", "app", "--library", str(library_file(service)), "highlight", "1"]
        subprocess.run([*command, "--quote", quote, "--occurrence", "1"], cwd=ROOT, env=env, check=True)
        committed = time.perf_counter()
        while len(window.controller.store) == before:
            app.processEvents()
            time.sleep(0.005)
        paint(app, window.reader)
        ours.append(time.perf_counter() - committed)
        # A bare watcher asking PRAGMA data_version at the window's interval, its next
        # tick falling anywhere in the interval, as the window's timer does.
        con = sqlite3.connect(library_file(service))
        version = con.execute("PRAGMA data_version").fetchone()[0]
        writer = sqlite3.connect(library_file(service))
        writer.execute("CREATE TABLE IF NOT EXISTS bench_ping (x)")
        writer.execute("INSERT INTO bench_ping VALUES (1)")
        writer.commit()
        committed = time.perf_counter()
        time.sleep(rng.random() * POLL_MS / 1000)
        while con.execute("PRAGMA data_version").fetchone()[0] == version:
            time.sleep(0.005)
        bare.append(time.perf_counter() - committed)
        writer.close()
        con.close()
    return ours, bare


# `python -m app` itself, run as the interpreter runs it (runpy), with QApplication.exec
# replaced, as PySide6.QtWidgets is loaded, by a print once the window is painted.
# Importing Qt first to replace it would change what is measured: once PySide6 is
# imported it reads the source of every module imported after it (its __feature__
# switches), a third of a second when this harness did so.
START_OURS = """
import importlib.abc, importlib.util, runpy, sys

def shown(self):
    from PySide6.QtWidgets import QApplication
    QApplication.processEvents()
    print("shown", flush=True)
    return 0

class ReplaceExec(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "PySide6.QtWidgets":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        load = spec.loader.exec_module
        def exec_module(module):
            load(module)
            module.QApplication.exec = shown
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, ReplaceExec())
sys.argv = ["marginalia", "--library", sys.argv[1]]
try:
    runpy.run_module("app", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
"""
START_BARE = """
import sys
import sqlalchemy.orm
from PySide6.QtWidgets import QApplication, QPlainTextEdit
app = QApplication(sys.argv[:1])
editor = QPlainTextEdit()
editor.setPlainText(open(sys.argv[1], encoding="utf-8").read())
editor.resize(1320, 820)
editor.show()
app.processEvents()
print("shown", flush=True)
"""


def start_up(library: Path, text_file: Path, config: Path) -> tuple[list[float], list[float]]:
    """Seconds from starting a process to the window painted: ours and the bare one."""
    env = {**os.environ, "MARGINALIA_CONFIG_DIR": str(config), "QT_QPA_PLATFORM": "offscreen"}
    # As on a user's machine, modules are compiled once and their bytecode kept: where
    # PYTHONDONTWRITEBYTECODE is set (CI, these machines), every start compiled the app's
    # 150 modules from source, a fifth of a second the installed packages never pay.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def launch(code: str, argument: Path) -> float:
        began = time.perf_counter()
        with subprocess.Popen(
            [sys.executable, "-c", code, str(argument)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        ) as process:
            assert process.stdout is not None
            line = process.stdout.readline()
            took = time.perf_counter() - began
            process.communicate(timeout=60)
        assert line.strip() == "shown", line
        return took

    launch(START_OURS, library)  # writes the bytecode, as a first start does
    launch(START_BARE, text_file)
    # One of each in turn: a bare start measured a minute after ours took anywhere
    # from 0.37 to 0.67 s on the same machine.
    ours, bare = [], []
    for _ in range(START_REPEATS):
        ours.append(launch(START_OURS, library))
        bare.append(launch(START_BARE, text_file))
    return ours, bare


def log_bytes(path: Path) -> list[tuple[str, float]]:
    """Average bytes the log holds per operation, by kind of change."""
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT substr(label, 1, instr(label || ' ', ' ') - 1), "
        "avg(length(entries) + coalesce(length(redo), 0) + length(changes) + length(label) + 40) "
        "FROM operations GROUP BY 1 ORDER BY 1"
    ).fetchall()
    con.close()
    return [(kind, float(size)) for kind, size in rows]


def main() -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    text = book_text(SIZE)
    rows: list[dict[str, object]] = []
    rng = random.Random(1917)
    for count in COUNTS:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            service = open_service(folder / "library.sqlite")
            doc = service.add_document(ImportedText.of(text, title="Five megabytes")).value[0]
            small = service.add_document(ImportedText.of("A short text.", title="Short")).value[0]
            fill(library_file(service), doc.id, text, count, rng)
            window = build_window(service, Preferences(folder / "prefs.ini"))
            window.resize(1400, 900)
            window.show()
            ours, bare, memory, bare_memory = open_costs(app, window, library_file(service), doc.id, small.id, text)
            rows.append(row(f"open 5 MB text at {count:,} highlights", ours, bare, "<= 2x at 100k"))
            rows[-1]["memory_mb"] = round(memory / 2**20, 1)
            rows[-1]["baseline_memory_mb"] = round(bare_memory / 2**20, 1)
            window.open_document(doc.id)
            bare_editor = QPlainTextEdit()
            bare_editor.resize(window.reader.size())
            bare_editor.setPlainText(text)
            bare_editor.show()
            paint(app, bare_editor)
            least = floor(app, folder / "bare.sqlite", bare_editor)
            for name, samples in changes(app, window, text, rng).items():
                rows.append(row(f"{name} at {count:,} highlights (to painted)", samples, least, "< 10 ms"))
            rows.append(
                row(
                    f"page scroll at {count:,} highlights",
                    *page_steps(app, window.reader, bare_editor, STEPS),
                    "<= 1.5x at 100k",
                )
            )
            if count == COUNTS[0]:
                ours_seen, bare_seen = appearing(app, window, service, text, rng)
                rows.append(row("another process's highlight, commit to painted", ours_seen, bare_seen, "< 2 s"))
                for kind, size in log_bytes(library_file(service)):
                    rows.append(
                        {
                            "measure": f"log bytes per operation: {kind}",
                            "ours_ms": size,
                            "baseline_ms": size,
                            "ratio": 1.0,
                            "target": "bytes, not ms",
                        }
                    )
                window.close()
                text_file = folder / "text.txt"
                text_file.write_text(text, encoding="utf-8")
                ours_start, bare_start = start_up(library_file(service), text_file, folder / "config")
                rows.append(row("start: process to window painted", ours_start, bare_start, "<= 1.5x"))
            bare_editor.close()
            window.close()
            service.close()
    report("operations", rows)


if __name__ == "__main__":
    main()
