"""File dialogs that start in the folder used last and give each format its filter and suffix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.common.preferences import Preferences

_LAST_FOLDER = "files/last_folder"


def last_folder(preferences: Preferences) -> Path:
    """Return the folder a file was last opened from or saved to (the home folder at first)."""
    folder = Path(preferences.get(_LAST_FOLDER, str(Path.home())))
    return folder if folder.is_dir() else Path.home()


def _remember(preferences: Preferences, path: Path) -> None:
    preferences.set(_LAST_FOLDER, str(path.parent))


def _filters(formats: Sequence[tuple[str, str]]) -> list[str]:
    return [f"{label} (*{suffix})" for label, suffix in formats]


def save_path(
    parent: QWidget, title: str, preferences: Preferences, name: str, formats: Sequence[tuple[str, str]]
) -> Path | None:
    """Ask where to save; return the path with the chosen format's suffix, or None if cancelled.

    Args:
        parent: The dialog's parent.
        title: The dialog's title.
        preferences: Where the last folder is remembered.
        name: The suggested file name.
        formats: (label, suffix) pairs, the first preselected.
    """
    filters = _filters(formats)
    chosen, selected = QFileDialog.getSaveFileName(
        parent, title, str(last_folder(preferences) / name), ";;".join(filters), filters[0]
    )
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        suffix = dict(zip(filters, (s for _label, s in formats), strict=True)).get(selected, formats[0][1])
        path = path.with_name(path.name + suffix)
    _remember(preferences, path)
    return path


def open_paths(parent: QWidget, title: str, preferences: Preferences, filters: str, *, many: bool) -> list[Path]:
    """Ask for one file (or several, with `many`) to open; return them, or [] if cancelled."""
    folder = str(last_folder(preferences))
    if many:
        names, _selected = QFileDialog.getOpenFileNames(parent, title, folder, filters)
    else:
        name, _selected = QFileDialog.getOpenFileName(parent, title, folder, filters)
        names = [name] if name else []
    paths = [Path(n) for n in names]
    if paths:
        _remember(preferences, paths[0])
    return paths
