"""Per-user interface preferences (font size, window layout), kept in an INI file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

DEFAULT_FONT_SIZE = 13  # points: the reader's text size until the reader zooms


class Preferences:
    """Reads and writes the interface settings; the library itself is never stored here."""

    def __init__(self, path: Path) -> None:
        """Use the INI file at `path` (created on first write)."""
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def font_size(self) -> int:
        """The reading font size in points."""
        value = self._settings.value("reader/font_size", DEFAULT_FONT_SIZE)
        try:
            return int(str(value))
        except ValueError:
            return DEFAULT_FONT_SIZE

    @font_size.setter
    def font_size(self, points: int) -> None:
        self._settings.setValue("reader/font_size", points)

    def get(self, key: str, default: str) -> str:
        """Return a remembered text choice."""
        value = self._settings.value(key, default)
        return value if isinstance(value, str) else default

    def set(self, key: str, value: str) -> None:
        """Remember a text choice."""
        self._settings.setValue(key, value)

    def layout(self, key: str) -> QByteArray | None:
        """Return a saved geometry or splitter state."""
        value = self._settings.value(f"window/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_layout(self, key: str, state: QByteArray) -> None:
        """Save a geometry or splitter state."""
        self._settings.setValue(f"window/{key}", state)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._settings.sync()
