"""Marginalia as a desktop application: its entry, icon and metadata agree and install."""

from __future__ import annotations

import configparser
import os
import tomllib
from pathlib import Path

from defusedxml.ElementTree import parse
from PySide6.QtGui import QIcon

from app.resources import DESKTOP_DIR, DESKTOP_ID, ICON
from app.services.desktop import install_desktop_entry

ROOT = Path(__file__).resolve().parent.parent


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_entry_the_metadata_and_the_launcher_name_the_same_application() -> None:
    entry = _entry(DESKTOP_DIR / f"{DESKTOP_ID}.desktop")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["gui-scripts"]
    assert entry["Exec"] in scripts  # "marginalia", which pip and pipx install
    assert entry["Icon"] == DESKTOP_ID and ICON.name == f"{DESKTOP_ID}.svg"
    component = parse(str(DESKTOP_DIR / f"{DESKTOP_ID}.metainfo.xml")).getroot()
    assert component is not None
    assert component.findtext("id") == DESKTOP_ID
    assert component.findtext("launchable") == f"{DESKTOP_ID}.desktop"
    assert component.findtext("provides/binary") == entry["Exec"]


def test_the_icon_draws(qapp: object) -> None:
    pixmap = QIcon(str(ICON)).pixmap(64, 64)
    assert not pixmap.isNull() and pixmap.toImage().pixelColor(32, 32).alpha() != 0


def test_install_desktop_puts_the_files_where_desktops_look(tmp_path: Path) -> None:
    written = install_desktop_entry(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        f"applications/{DESKTOP_ID}.desktop",
        f"icons/hicolor/scalable/apps/{DESKTOP_ID}.svg",
        f"metainfo/{DESKTOP_ID}.metainfo.xml",
    ]
    command = _entry(tmp_path / "applications" / f"{DESKTOP_ID}.desktop")["Exec"]
    program = command.split()[0]
    assert Path(program).is_absolute() and os.access(program, os.X_OK)  # this installation, found by path
