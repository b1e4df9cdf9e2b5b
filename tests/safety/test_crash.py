"""Killing Marginalia at any moment loses nothing it has acknowledged."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from app.services import open_service

ROOT = Path(__file__).resolve().parents[2]
KILLS = 12


def _run_and_kill(library: Path, rng: random.Random) -> list[int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.safety.crash_writer", str(library)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    acknowledged = [int(process.stdout.readline())]  # wait until it is writing
    time.sleep(rng.uniform(0.0, 0.4))
    os.kill(process.pid, signal.SIGKILL)
    out, _ = process.communicate(timeout=30)
    # Lines printed before the kill; a torn last line was never acknowledged.
    acknowledged += [int(line) for line in out.splitlines() if line.strip().isdigit()]
    return acknowledged


def test_sigkill_at_random_moments_keeps_every_acknowledged_highlight(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    rng = random.Random(7)
    acknowledged: list[int] = []
    for _ in range(KILLS):
        acknowledged += _run_and_kill(library, rng)
        con = sqlite3.connect(library)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.close()
    assert len(acknowledged) > KILLS
    service = open_service(library)
    stored = {h.id: h for doc in service.list_documents() for h in service.highlights(doc.id)}
    missing = set(acknowledged) - set(stored)
    assert not missing
    # Whatever is stored, acknowledged or not, was stored whole: themes and note with it.
    for h in stored.values():
        assert len(h.tags) == 2 and h.tags[0].path == "crash/test"
        assert h.note.startswith("note ")
    service.close()
