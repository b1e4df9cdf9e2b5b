"""Shared fixtures. Qt runs offscreen: set before any Qt module is imported."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import LibraryService, open_service


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    """A library file that does not exist yet."""
    return tmp_path / "library" / "library.sqlite"


@pytest.fixture
def service(library_path: Path) -> Iterator[LibraryService]:
    """A service over a new, empty library."""
    svc = open_service(library_path)
    yield svc
    svc.close()


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep preferences and the default library out of the real home folder."""
    monkeypatch.setenv("MARGINALIA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("MARGINALIA_LIBRARY", raising=False)
