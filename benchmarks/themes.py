"""Codebook speed: 500 themes and 50,000 highlights in one 5 MB document.

Run: .venv/bin/python -m benchmarks.themes
Three figures, each against a bare baseline measured in the same run:
- opening the themes panel (codebook with counts read and shown) vs a bare sqlite3
  count of highlights per theme;
- filtering the highlight panel by a top-level theme (sub-themes included), and clearing
  that filter, vs a bare sqlite3 query of the matching highlight ids;
- drawing the theme map vs one repaint of a bare QPlainTextEdit holding the same text.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication, QPlainTextEdit

from app.domain.highlight_filter import ThemeFilter
from app.importers import ImportedText
from app.services import open_service
from app.ui.common.preferences import Preferences
from app.ui.window.application import build_window
from benchmarks.common import book_text, report, row, timed

SIZE = 5 * 1024 * 1024
TOP_THEMES = 50
SUB_THEMES = 9  # 50 + 50 * 9 = 500 themes
HIGHLIGHTS = 50_000
REPEATS = 15


def fill(path: Path, document_id: int, version_id: int, text_length: int) -> int:
    """Write the themes and highlights straight into the library file; return a top theme id."""
    rng = random.Random(1917)
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    con = sqlite3.connect(path)
    with con:
        tags: list[int] = []
        for t in range(TOP_THEMES):
            cur = con.execute(
                "INSERT INTO tags (parent_id, name, colour, description, created_at) VALUES (NULL, ?, ?, '', ?)",
                (f"theme {t}", f"#{rng.randrange(0x808080, 0xFFFFFF):06x}", now),
            )
            top = cur.lastrowid
            assert top is not None
            tags.append(top)
            for c in range(SUB_THEMES):
                child = con.execute(
                    "INSERT INTO tags (parent_id, name, colour, description, created_at) VALUES (?, ?, ?, '', ?)",
                    (top, f"sub {c}", f"#{rng.randrange(0x808080, 0xFFFFFF):06x}", now),
                ).lastrowid
                assert child is not None
                tags.append(child)
        starts = sorted(rng.sample(range(text_length - 200), HIGHLIGHTS))
        for start in starts:
            end = start + rng.randint(5, 120)
            hid = con.execute(
                "INSERT INTO highlights (document_id, version_id, made_on_version_id, start_offset, end_offset,"
                " exact, prefix, suffix, note, review_from, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 'x', '', '', '', '', ?, ?)",
                (document_id, version_id, version_id, start, end, now, now),
            ).lastrowid
            for position, tag in enumerate(rng.sample(tags, rng.randint(1, 3))):
                con.execute(
                    "INSERT INTO highlight_tags (highlight_id, tag_id, position) VALUES (?, ?, ?)",
                    (hid, tag, position),
                )
    con.close()
    return tags[0]


def bare_counts(path: Path) -> float:
    con = sqlite3.connect(path)

    def run() -> None:
        con.execute("SELECT tag_id, count(*) FROM highlight_tags GROUP BY tag_id").fetchall()

    seconds = timed(run)
    con.close()
    return seconds


def bare_filter(path: Path, top: int) -> float:
    con = sqlite3.connect(path)

    def run() -> None:
        con.execute(
            "SELECT DISTINCT highlight_id FROM highlight_tags WHERE tag_id IN"
            " (SELECT id FROM tags WHERE id = ? OR parent_id = ?)",
            (top, top),
        ).fetchall()

    seconds = timed(run)
    con.close()
    return seconds


def main() -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    text = book_text(SIZE)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "library.sqlite"
        service = open_service(path)
        doc = service.add_document(ImportedText.of(text, title="Five megabytes")).value[0]
        version_id = service.open_document(doc.id).version_id
        top = fill(path, doc.id, version_id, len(text))
        window = build_window(service, Preferences(Path(tmp) / "prefs.ini"))
        window.resize(1400, 900)
        window.show()
        window.open_document(doc.id)
        app.processEvents()
        assert len(window.controller.highlights()) == HIGHLIGHTS

        def open_panel() -> None:
            window.refresh_themes()
            window.themes_panel.view.viewport().repaint()

        ours = [timed(open_panel) for _ in range(REPEATS)]
        assert window.themes_panel.model.rowCount() == TOP_THEMES
        bare = [bare_counts(path) for _ in range(REPEATS)]
        rows.append(row("open the themes panel (500 themes, 50k highlights)", ours, bare, "< 100 ms"))

        def filter_by(theme_filter: ThemeFilter) -> None:
            window.panel.set_filter(theme_filter)
            window.panel.list.viewport().repaint()

        filtered, cleared = [], []
        for _ in range(REPEATS):
            filter_by(ThemeFilter())
            filtered.append(timed(lambda: filter_by(ThemeFilter(themes=(top,)))))
            shown = window.panel.model.rowCount()
            cleared.append(timed(lambda: filter_by(ThemeFilter())))
        assert 0 < shown < HIGHLIGHTS == window.panel.model.rowCount()
        bare = [bare_filter(path, top) for _ in range(REPEATS)]
        rows.append(row(f"filter the panel by a theme ({shown} shown)", filtered, bare, "< 100 ms"))
        rows.append(row("clear the filter (all 50k shown again)", cleared, bare, "< 100 ms"))

        filter_by(ThemeFilter())
        strip = window.theme_map
        everything = window.panel.shown()

        def draw_map() -> None:
            strip.set_highlights(len(text), everything)
            strip.repaint()

        drawn = [timed(draw_map) for _ in range(REPEATS)]
        editor = QPlainTextEdit()
        editor.resize(window.reader.size())
        editor.setPlainText(text)
        editor.show()
        app.processEvents()
        bare = [timed(editor.viewport().repaint) for _ in range(REPEATS)]
        rows.append(row("draw the theme map (50k highlights)", drawn, bare, "< 100 ms"))
        window.close()
        service.close()
    report("themes", rows)


if __name__ == "__main__":
    main()
