"""Starting the desktop application: QApplication, the library, the window."""

from __future__ import annotations

import signal
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services import LibraryError, LibraryService, open_service
from app.services.paths import preferences_path
from app.ui.controller import DeskController
from app.ui.main_window import MainWindow
from app.ui.preferences import Preferences


def build_window(service: LibraryService, preferences: Preferences) -> MainWindow:
    """Create the main window over an open library and open the document to read.

    On the very first start the bundled sample is added; afterwards the document read
    last is reopened where the reader left it.
    """
    if service.created:
        service.add_sample()
    window = MainWindow(DeskController(service), preferences)
    document_id = service.last_opened_document_id()
    if document_id is not None:
        window.open_document(document_id)
    return window


def _install_excepthook(app: QApplication) -> None:
    """Show unexpected errors in a message instead of losing them on a terminal."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        traceback.print_exception(kind, value, tb)
        QMessageBox.critical(
            app.activeWindow(),
            "Unexpected error",
            f"Something went wrong: {value}\n\nEvery change saved before this is safe in your library.",
        )

    sys.excepthook = hook


def _close_on_termination(app: QApplication, window: MainWindow) -> None:
    """Close the window as Ctrl+Q would when the session ends (SIGTERM) or on Ctrl+C.

    Closing saves the note being typed, the reading position and the window layout.
    Python runs signal handlers only between bytecodes, so a timer lets it in while the
    Qt event loop waits.
    """

    def request_close(_signum: int, _frame: object) -> None:
        QTimer.singleShot(0, window.close)

    signal.signal(signal.SIGTERM, request_close)
    signal.signal(signal.SIGINT, request_close)
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)


def run_gui(library_path: Path) -> int:
    """Run the desktop application on the library at `library_path`; return the exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Marginalia")
    app.setOrganizationName("Marginalia")
    try:
        service = open_service(library_path)
    except LibraryError as exc:
        print(f"marginalia: {exc}", file=sys.stderr, flush=True)
        QMessageBox.critical(None, "Cannot open the library", str(exc))
        return 2
    _install_excepthook(app)
    try:
        window = build_window(service, Preferences(preferences_path()))
        _close_on_termination(app, window)
        window.show()
        return app.exec()
    finally:
        service.close()
