"""Making Marginalia known to the desktop: its menu entry, icon and software-centre metadata."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from platformdirs import user_data_dir

from app.resources import DESKTOP_DIR, DESKTOP_ID
from app.services.files import write_whole


def launcher() -> str:
    """Return the command that starts this Marginalia's window, as a desktop entry's Exec."""
    beside = Path(sys.executable).with_name("marginalia")
    if beside.is_file():
        return str(beside)  # the gui-script pip or pipx installed into this environment
    found = shutil.which("marginalia")
    return found or f"{sys.executable} -m app"


def install_desktop_entry(data_home: Path | None = None) -> list[Path]:
    """Install the menu entry, the icon and the AppStream metadata for this user; return the files.

    Files go under $XDG_DATA_HOME (~/.local/share), where desktops look for them:
    applications/, icons/hicolor/scalable/apps/ and metainfo/. The entry's Exec names
    this installation's launcher, so it works from a virtual environment too.

    Raises:
        StorageError: If a file cannot be written.
    """
    home = data_home or Path(os.environ.get("XDG_DATA_HOME") or Path(user_data_dir()).expanduser())
    entry = (DESKTOP_DIR / f"{DESKTOP_ID}.desktop").read_text(encoding="utf-8")
    entry = "\n".join(f"Exec={launcher()}" if line.startswith("Exec=") else line for line in entry.splitlines())
    written = {
        home / "applications" / f"{DESKTOP_ID}.desktop": entry + "\n",
        home / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg": (
            DESKTOP_DIR / f"{DESKTOP_ID}.svg"
        ).read_text(encoding="utf-8"),
        home / "metainfo" / f"{DESKTOP_ID}.metainfo.xml": (DESKTOP_DIR / f"{DESKTOP_ID}.metainfo.xml").read_text(
            encoding="utf-8"
        ),
    }
    for path, text in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(path, text)
    return list(written)
