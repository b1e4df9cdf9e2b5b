"""Reading-desk speed: opening a 5 MB text, creating a highlight and scrolling at 10k highlights.

Run: .venv/bin/python -m benchmarks.reading_desk
Every figure is compared with a bare baseline measured in the same run: a plain
QPlainTextEdit for opening and scrolling, and for a new highlight a bare sqlite3 INSERT
plus one repaint of a plain QPlainTextEdit of the reader's size.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from app.importers import ImportedText
from app.services import open_service
from app.ui.common.preferences import Preferences
from app.ui.reading.line_layout import DEFAULT_LINE_SPACING
from app.ui.window.application import build_window
from app.ui.window.main_window import MainWindow
from benchmarks.common import book_text, report, row, timed
from benchmarks.painting import page_steps, paint

SIZE = 5 * 1024 * 1024
HIGHLIGHTS = 10_000
REPEATS = 5
STEPS = 60


def bare_open(app: QApplication, text: str) -> float:
    editor = QPlainTextEdit()
    editor.resize(1000, 800)
    editor.show()
    app.processEvents()

    def run() -> None:
        editor.setPlainText(text)
        paint(app, editor)

    seconds = timed(run)
    editor.close()
    return seconds


def ours_open(app: QApplication, window: MainWindow, doc_id: int, other_id: int) -> float:
    window.open_document(other_id)
    app.processEvents()

    def run() -> None:
        window.open_document(doc_id)
        paint(app, window.reader)

    return timed(run)


def bare_insert(path: Path) -> list[float]:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")  # as the library runs
    con.execute("CREATE TABLE h (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, exact TEXT, prefix TEXT, suffix TEXT)")
    samples = []
    for i in range(STEPS):

        def run(i: int = i) -> None:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO h (a, b, exact, prefix, suffix) VALUES (?, ?, ?, ?, ?)", (i, i + 9, "q", "p", "s"))
            con.execute("COMMIT")

        samples.append(timed(run))
    con.close()
    return samples


def main() -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    text = book_text(SIZE)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        service = open_service(Path(tmp) / "library.sqlite")
        doc = service.add_document(ImportedText.of(text, title="Five megabytes")).value[0]
        small = service.add_document(ImportedText.of("A short text.", title="Short")).value[0]
        window = build_window(service, Preferences(Path(tmp) / "prefs.ini"))
        window.resize(1400, 900)
        window.show()

        bare = [bare_open(app, text) for _ in range(REPEATS)]
        ours = [ours_open(app, window, doc.id, small.id) for _ in range(REPEATS)]
        rows.append(row("open 5 MB text, first screen painted", ours, bare, "<= 1.5x"))

        # 10,000 highlights spread over the text, then time H from key press to painted.
        stored = window.controller.document
        assert stored is not None
        rng = random.Random(1917)
        starts = sorted(rng.sample(range(len(stored.text) - 200), HIGHLIGHTS))
        for s in starts:
            service.create_highlight(doc.id, s, s + rng.randint(5, 120))
        window.open_document(small.id)
        window.open_document(doc.id)
        paint(app, window.reader)

        create = []
        window.activateWindow()
        assert QTest.qWaitForWindowActive(window)  # single-letter shortcuts need the active window
        window.reader.setFocus()
        for i in range(STEPS):
            at = rng.randrange(0, len(stored.text) - 200)
            window.reader.move_caret(at)
            window.reader.select_span(at, at + 40)
            paint(app, window.reader)

            def press() -> None:
                QTest.keyClick(window.reader, Qt.Key.Key_H)
                paint(app, window.reader)

            create.append(timed(press))
            assert len(window.controller.highlights()) == HIGHLIGHTS + i + 1
        bare_editor = QPlainTextEdit()
        bare_editor.resize(window.reader.size())
        bare_editor.setPlainText(stored.text)
        bare_editor.show()
        paint(app, bare_editor)
        # The least any "key to painted" can cost: one row saved with bare sqlite3 and
        # one repaint of a bare editor of the reader's size.
        bare_save = bare_insert(Path(tmp) / "bare.sqlite")
        bare_paint = [timed(lambda: paint(app, bare_editor)) for _ in range(STEPS)]
        floor = [save + repaint for save, repaint in zip(bare_save, bare_paint, strict=True)]
        rows.append(row("create highlight at 10k (key to painted)", create, floor, "< 16 ms"))
        # Line spacing moves every laid-out line in Python: measured against single
        # spacing (Qt's layout untouched) and the bare editor in the same run.
        for spacing in ("single", DEFAULT_LINE_SPACING, "double"):
            window.view_actions.set_line_spacing(spacing)
            rows.append(
                row(
                    f"scroll one page at 10k highlights, {spacing} lines",
                    *page_steps(app, window.reader, bare_editor, STEPS),
                    "< 16 ms",
                )
            )
        window.close()
        service.close()
    report("reading_desk", rows)


if __name__ == "__main__":
    main()
