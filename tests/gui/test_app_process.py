"""The real entry point, `python -m app`, as a user starts and ends it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _documents(library: Path) -> list[tuple[str, str]]:
    if not library.exists():
        return []
    con = sqlite3.connect(f"file:{library}?mode=ro", uri=True)
    try:
        return con.execute("SELECT title, author FROM documents").fetchall()
    except sqlite3.OperationalError:  # the schema is still being created
        return []
    finally:
        con.close()


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MARGINALIA_CONFIG_DIR=str(tmp_path / "config"))
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_first_start_opens_the_sample_and_sigterm_closes_it_gracefully(tmp_path: Path) -> None:
    library = tmp_path / "lib" / "library.sqlite"
    process = _start(tmp_path, "--library", str(library))
    deadline = time.monotonic() + 30
    while not _documents(library) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    assert _documents(library) == [("Resolution on the Soviets of Workers’ and Soldiers’ Deputies", "V. I. Lenin")]
    time.sleep(1)  # the window is up
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert (tmp_path / "config" / "preferences.ini").exists()  # closed as Ctrl+Q would
    con = sqlite3.connect(library)
    assert con.execute("SELECT last_opened_at IS NOT NULL FROM documents").fetchall() == [(1,)]
    con.close()


def test_a_library_that_cannot_be_opened_gets_a_message_and_no_traceback(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    content = b"not a library at all\n" * 50
    library.write_bytes(content)
    process = _start(tmp_path, "--library", str(library))
    time.sleep(4)  # the message box is up, waiting for the user
    process.kill()
    _, err = process.communicate(timeout=20)
    assert f"marginalia: The file {library} is not a Marginalia library" in err
    assert "Traceback" not in err
    assert library.read_bytes() == content
