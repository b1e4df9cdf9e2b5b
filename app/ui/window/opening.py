"""Opening files: Ctrl+O and dropping send each file to the import that reads its kind."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QMimeData

from app.importers import SUPPORTED_SUFFIXES
from app.importers.highlights import is_highlights_file
from app.ui.common.file_dialogs import open_paths
from app.ui.window.desk import Desk
from app.ui.window.document_actions import DocumentActions
from app.ui.window.exchange_actions import QDA_SUFFIXES, ExchangeActions


class OpeningHost(Desk, Protocol):
    """The window as opening files sees it: the imports of texts, projects and highlights."""

    document_actions: DocumentActions
    exchange: ExchangeActions


class FileOpening:
    """Sends texts, QDA projects and codebooks, and other tools' highlights each to its import."""

    def __init__(self, window: OpeningHost) -> None:
        """Work on `window`."""
        self.window = window

    def open_file_dialog(self) -> None:
        """Ask for text files and open them (Ctrl+O)."""
        patterns = " ".join(f"*{s}" for s in (*SUPPORTED_SUFFIXES, *QDA_SUFFIXES))
        paths = open_paths(
            self.window.as_widget(),
            "Open text",
            self.window.preferences,
            f"Texts ({patterns});;All files (*)",
            many=True,
        )
        self.import_files(paths)

    def import_files(self, paths: list[Path]) -> None:
        """Import texts (off the UI thread, one by one), QDA projects and codebooks (each one change).

        A file of highlights from another tool (the first, when several are given) opens
        the preview of its import.
        """
        highlights = [p for p in paths if is_highlights_file(p)]
        if highlights:
            self.window.exchange.import_highlights(highlights[0])
        self.window.exchange.import_files([p for p in paths if p.suffix.lower() in QDA_SUFFIXES])
        self.window.document_actions.import_files(
            [p for p in paths if p.suffix.lower() not in QDA_SUFFIXES and not is_highlights_file(p)]
        )


def dropped_files(mime: QMimeData | None) -> list[Path]:
    """Return the local files in dragged data (web links are never fetched)."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
