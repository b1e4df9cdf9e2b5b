"""Starting the desktop application: QApplication, the library, the window."""

from __future__ import annotations

import gc
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.text import plural
from app.domain.values import BackupSummary
from app.resources import DESKTOP_ID, ICON
from app.services import (
    DamagedLibraryError,
    LibraryError,
    LibraryService,
    backups,
    open_service,
    restore_from_backup,
    set_damaged_library_aside,
)
from app.services.paths import preferences_path
from app.ui.common.preferences import Preferences
from app.ui.desk.controller import DeskController
from app.ui.window.main_window import MainWindow


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
    if service.notices:
        window.show_error("Your library", "\n\n".join(service.notices))
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


def ask_about_damage(library_path: Path, error: DamagedLibraryError, newest: BackupSummary | None) -> str:
    """Ask what to do with a damaged library: "restore", "new" or "quit"."""
    box = QMessageBox(QMessageBox.Icon.Critical, "The library is damaged", str(error))
    box.setInformativeText(
        "Marginalia has not written to it. You can restore the latest backup or start a new, empty library; "
        "either way the damaged file is kept beside it."
    )
    restore = None
    if newest is not None:
        restore = box.addButton(
            f"Restore the backup of {newest.created:%Y-%m-%d %H:%M} UTC ({plural(newest.highlights, 'highlight')})",
            QMessageBox.ButtonRole.AcceptRole,
        )
    new = box.addButton("Start a new library", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return "restore" if clicked is restore and restore else "new" if clicked is new else "quit"


def recover(
    library_path: Path,
    error: DamagedLibraryError,
    choose: Callable[[Path, DamagedLibraryError, BackupSummary | None], str] = ask_about_damage,
) -> LibraryService | None:
    """Offer a way out of a damaged library; return the service over the result, or None."""
    found = backups(library_path)
    choice = choose(library_path, error, found[0] if found else None)
    if choice == "restore" and found:
        restore_from_backup(library_path, Path(found[0].path))
    elif choice == "new":
        set_damaged_library_aside(library_path)
    else:
        return None
    return open_service(library_path)


def _collect_from_now_on() -> None:
    """Let the cycle collector run again, the window shown (`app.__main__.main` held it off to start).

    What starting made lives as long as the program: it is set aside from the
    collector's walks (gc.freeze), which would otherwise all go over it first.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run_gui(library_path: Path | str) -> int:
    """Run the desktop application on the library at `library_path` (a file, or a shared library's address)."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Marginalia")
    app.setOrganizationName("Marginalia")
    app.setWindowIcon(QIcon(str(ICON)))
    app.setDesktopFileName(DESKTOP_ID)  # the task bar finds the entry's icon and name
    try:
        try:
            service = open_service(library_path)
        except DamagedLibraryError as exc:
            print(f"marginalia: {exc}", file=sys.stderr, flush=True)
            recovered = recover(Path(library_path), exc)  # only a file is found damaged
            if recovered is None:
                return 2
            service = recovered
    except LibraryError as exc:
        print(f"marginalia: {exc}", file=sys.stderr, flush=True)
        QMessageBox.critical(None, "Cannot open the library", str(exc))
        return 2
    _install_excepthook(app)
    try:
        window = build_window(service, Preferences(preferences_path()))
        _close_on_termination(app, window)
        window.show()
        QTimer.singleShot(0, _collect_from_now_on)
        # A library from before the search index gets it now, with its progress shown.
        QTimer.singleShot(0, window.search.ensure_index)
        return app.exec()
    finally:
        service.close()
