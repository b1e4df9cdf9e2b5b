"""Damaged libraries, backups, restores and two processes at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.importers import ImportedText
from app.services import (
    DamagedLibraryError,
    LibraryError,
    backups,
    open_service,
    restore_from_backup,
    set_damaged_library_aside,
)
from tests.test_cli import Cli

ROOT = Path(__file__).resolve().parents[2]


def _library_with_data(path: Path, note: str = "kept") -> None:
    """A library with one highlight, and a daily backup of it as a later day's start makes."""
    service = open_service(path)
    doc = service.add_document(ImportedText.of("All power to the Soviets.\n\nLand to the peasants.", title="T")).value[
        0
    ]
    service.create_highlight(doc.id, 0, 9, tags=["power"], note=note)
    service.close()
    for daily in (path.parent / "backups").glob("*-daily-*.sqlite"):
        daily.unlink()  # the first start's backup held the empty library
    open_service(path).close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        path.write_bytes(bytes(data[: len(data) // 2 + 100]))
    else:  # scribble over the second page, where tables live
        data[4096 : 4096 + 600] = b"\xde\xad\xbe\xef" * 150
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "scribbled"])
def test_a_damaged_library_is_refused_and_never_written(tmp_path: Path, how: str) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_data(library)
    _damage(library, how)
    before = _files(tmp_path)
    with pytest.raises(DamagedLibraryError, match="is damaged"):
        open_service(library)
    assert _files(tmp_path) == before  # nothing written, nothing created beside it


def test_opening_makes_one_daily_backup_and_keeps_seven(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_data(library)
    folder = tmp_path / "backups"
    for day in range(1, 10):
        (folder / f"library-daily-2020-01-0{day}.sqlite").write_bytes((folder / os.listdir(folder)[0]).read_bytes())
    open_service(library).close()
    daily = sorted(p.name for p in folder.glob("library-daily-*.sqlite"))
    assert len(daily) == 7
    assert daily[-1].startswith(f"library-daily-{time.strftime('%Y')}")  # today's is kept
    [newest] = [b for b in backups(library) if b.path.endswith(daily[-1])]
    assert (newest.documents, newest.highlights) == (1, 1)


def test_restoring_a_backup_keeps_the_replaced_library(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_data(library, note="old")
    [daily] = backups(library)
    service = open_service(library)
    service.set_note(1, "changed after the backup")
    service.close()
    kept = restore_from_backup(library, Path(daily.path))
    assert kept is not None and "before-restore" in kept.name
    restored = open_service(library)
    assert restored.highlight(1).note == "old"
    restored.close()
    con = sqlite3.connect(kept)
    assert con.execute("SELECT note FROM highlights").fetchall() == [("changed after the backup",)]
    con.close()


def test_a_damaged_library_can_be_replaced_by_its_latest_backup(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_data(library)
    _damage(library, "scribbled")
    damaged = library.read_bytes()
    [daily] = backups(library)
    kept = restore_from_backup(library, Path(daily.path))
    assert kept is not None and ".damaged-" in kept.name
    assert kept.read_bytes() == damaged  # set aside untouched
    assert open_service(library).highlight(1).note == "kept"


def test_a_bad_backup_is_refused_and_the_library_untouched(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_data(library)
    before = library.read_bytes()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(LibraryError, match="not a Marginalia library"):
        restore_from_backup(library, junk)
    assert library.read_bytes() == before


def test_starting_a_new_library_sets_the_damaged_one_aside(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_data(library)
    _damage(library, "truncated")
    damaged = library.read_bytes()
    aside = set_damaged_library_aside(library)
    assert aside.read_bytes() == damaged and not library.exists()
    fresh = open_service(library)
    assert fresh.list_documents() == []
    fresh.close()


def test_the_command_line_lists_and_restores_backups(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_data(library)
    cli = Cli(library)
    listing = cli("backups").stdout
    assert "1 documents\t1 highlights" in listing and "library-daily-" in listing
    _damage(library, "scribbled")
    error = cli("list", ok=False).stderr
    assert "is damaged" in error and "restore-backup" in error
    assert "the library it replaced is kept as" in cli("restore-backup").stdout
    assert "\t1 highlights" in cli("list").stdout


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    open_service(library).close()
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.safety.crash_writer", str(library), "60"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    acknowledged: list[int] = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        acknowledged += [int(line) for line in out.split()]
    assert len(acknowledged) == len(set(acknowledged)) == 120
    service = open_service(library)
    [doc] = service.list_documents()  # both found the same text: one document
    assert sorted(h.id for h in service.highlights(doc.id)) == sorted(acknowledged)
    service.close()
