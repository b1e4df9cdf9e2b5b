"""Full disks, torn backups, kills during restores, and read-only places never lose or hide a library."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.__main__ import main
from app.domain.export import ExportFormat
from app.importers import ImportedText
from app.services import LibraryService, StorageError, backups, open_service, restore_from_backup
from db import DiskFullError, LibraryError, rolling_backup
from db.backups import is_whole
from tests.test_cli import Cli

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.now(UTC).strftime("%Y-%m-%d")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _library(path: Path, note: str = "kept", words: int = 0) -> Path:
    """A library with one document (longer with `words`) and one highlight carrying `note`."""
    service = open_service(path)
    text = "All power to the Soviets.\n\nLand to the peasants." + " bread" * words
    doc = service.add_document(ImportedText.of(text, title="Theses")).value[0]
    service.create_highlight(doc.id, 0, 9, tags=["power"], note=note)
    service.close()
    return path


def _notes(service: LibraryService) -> list[str]:
    return [h.note for d in service.list_documents() for h in service.highlights(d.id)]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MB disk (tmpfs) that a test can fill, or a skip saying why there is none."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"no small disk can be mounted here to fill (mount: {mounted.stderr.strip() or 'refused'})")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave: int = 0) -> Path:
    """Fill a disk to the last byte, then give back `leave` bytes; return the filler file."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as fh:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError:
                continue
    if leave:
        os.truncate(filler, filler.stat().st_size - leave)
    return filler


def test_a_full_disk_is_said_so_reads_go_on_and_nothing_is_moved(small_disk: Path) -> None:
    library = _library(small_disk / "library.sqlite")
    before = _digest(library)
    filler = _fill(small_disk)
    service = open_service(library)  # was: "disk I/O error", then "damaged" at every start
    assert service.read_only is not None and "the disk is full" in service.read_only
    assert "the disk is full" in service.notices[0] and "damaged" not in service.notices[0]
    assert _notes(service) == ["kept"]
    assert "kept" in service.render_export(service.export_set(), ExportFormat.MARKDOWN)
    with pytest.raises(StorageError, match=r"the disk is full: the disk holding .* has 0 bytes free, and about"):
        service.create_highlight(1, 10, 15)
    service.close()

    cli = Cli(library)
    listing = cli("list")
    assert "Theses" in listing.stdout and "the disk is full" in listing.stderr
    assert "damaged" not in listing.stderr and "restore-backup" not in listing.stderr
    written = cli("highlight", "Theses", "--quote", "Land", ok=False)
    assert written.returncode == 1 and "could not be updated: the disk is full" in written.stderr
    exported = cli("export", "--output", str(small_disk / "notes.md"), ok=False)
    assert exported.returncode == 1 and "notes.md was not written: the disk is full" in exported.stderr
    restored = cli("restore-backup", ok=False)
    assert restored.returncode == 1 and "Traceback" not in restored.stderr
    assert "The library was not replaced: the disk is full" in restored.stderr
    assert _digest(library) == before
    assert sorted(p.name for p in small_disk.iterdir() if not p.name.startswith("library.sqlite-")) == [
        "backups",
        "filler",
        "library.sqlite",
    ]

    filler.unlink()
    service = open_service(library)  # space is back: the same library, writable again
    assert service.read_only is None and _notes(service) == ["kept"]
    service.create_highlight(1, 10, 15, note="after")
    assert sorted(_notes(service)) == ["after", "kept"]
    service.close()


def test_a_daily_backup_that_does_not_fit_leaves_the_library_in_use(small_disk: Path) -> None:
    library = _library(small_disk / "library.sqlite", words=200_000)  # about 1.2 MB
    for made in (small_disk / "backups").glob("*-daily-*"):
        made.unlink()
    filler = _fill(small_disk, leave=400_000)  # room to write, none for a copy
    service = open_service(library)  # was: "Could not back up the library before use"
    assert service.read_only is None
    [notice] = service.notices
    assert notice.startswith("Today's backup was not made.") and "the disk is full" in notice
    service.create_highlight(1, 10, 15, note="written anyway")
    service.close()
    assert list((small_disk / "backups").iterdir()) == []  # nothing torn left behind
    assert backups(library) == []
    filler.unlink()
    service = open_service(library)
    assert service.notices == ()
    [daily] = backups(library)
    assert daily.path.endswith(f"library-daily-{TODAY}.sqlite") and daily.highlights == 2
    service.close()


@pytest.mark.parametrize("torn", ["empty", "cut short", "with a hot journal"])
def test_a_torn_daily_backup_is_not_today_s_backup(tmp_path: Path, torn: str) -> None:
    library = _library(tmp_path / "library.sqlite")
    today = tmp_path / "backups" / f"library-daily-{TODAY}.sqlite"
    whole = today.read_bytes()
    if torn == "empty":
        today.write_bytes(b"")
    elif torn == "cut short":
        today.write_bytes(whole[: len(whole) // 2])
    else:
        (tmp_path / "backups" / f"{today.name}-journal").write_bytes(b"\0" * 512)
    assert backups(library) == [] or torn == "with a hot journal"
    open_service(library).close()
    assert is_whole(today) and today.read_bytes()[:16] == b"SQLite format 3\x00"
    [listed] = backups(library)
    assert (listed.documents, listed.highlights) == (1, 1)


def test_torn_backups_do_not_count_toward_the_seven_kept(tmp_path: Path) -> None:
    library = _library(tmp_path / "library.sqlite")
    folder = tmp_path / "backups"
    whole = (folder / f"library-daily-{TODAY}.sqlite").read_bytes()
    for day in range(1, 10):
        (folder / f"library-daily-2020-01-0{day}.sqlite").write_bytes(whole if day % 3 else whole[:5000])
    open_service(library).close()
    kept = sorted(p.name for p in folder.glob("library-daily-*.sqlite"))
    assert len(kept) == 7 and all(is_whole(folder / name) for name in kept)
    assert kept[-1] == f"library-daily-{TODAY}.sqlite"
    assert "library-daily-2020-01-08.sqlite" in kept and "library-daily-2020-01-09.sqlite" not in kept


def test_copies_left_by_a_dead_writer_are_removed_and_a_live_one_s_kept(tmp_path: Path) -> None:
    library = _library(tmp_path / "library.sqlite")
    folder = tmp_path / "backups"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        gone = int(dead.stdout)
        leftovers = [
            folder / f".library-daily-{TODAY}.sqlite.{gone}.partial",
            folder / f".library-daily-{TODAY}.sqlite.{gone}.partial-journal",
            # A copy killed mid-way takes the library's write-ahead log mode with it.
            folder / f".library-daily-{TODAY}.sqlite.{gone}.partial-wal",
            folder / f".library-daily-{TODAY}.sqlite.{gone}.partial-shm",
            tmp_path / f".library.sqlite.{gone}.restoring",
        ]
        live = folder / f".library-daily-{TODAY}.sqlite.{sleeper.pid}.partial"
        for path in [*leftovers, live]:
            path.write_bytes(b"half")
        open_service(library).close()
        assert [p for p in leftovers if p.exists()] == [] and live.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_no_log_files_appear_beside_backups(tmp_path: Path) -> None:
    library = _library(tmp_path / "library.sqlite")
    [daily] = backups(library)
    restore_from_backup(library, Path(daily.path))
    backups(library)
    open_service(library).close()
    assert sorted(p.name for p in (tmp_path / "backups").iterdir() if p.name.endswith(("-wal", "-shm"))) == []


def test_a_backup_from_a_newer_marginalia_is_not_restored(tmp_path: Path) -> None:
    library = _library(tmp_path / "library.sqlite")
    newer = tmp_path / "newer.sqlite"
    _library(newer)
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = _digest(library)
    with pytest.raises(LibraryError, match="newer version of Marginalia"):
        restore_from_backup(library, newer)
    assert _digest(library) == before


def test_a_read_only_library_file_is_read_not_replaced(tmp_path: Path) -> None:
    library = _library(tmp_path / "library.sqlite")
    [daily] = backups(library)
    library.chmod(0o444)
    before = _digest(library)
    try:
        with pytest.raises(LibraryError, match=r"not replaced: the file .* is read-only \(its permissions say so\)"):
            restore_from_backup(library, Path(daily.path))
        service = open_service(library)
        assert service.read_only is not None and _notes(service) == ["kept"]
        with pytest.raises(StorageError, match=r"is read-only \(its permissions say so\)"):
            service.set_note(1, "changed")
        service.close()
        assert _digest(library) == before
    finally:
        library.chmod(0o644)


@contextmanager
def _as_another_user(folder: Path) -> Iterator[None]:
    """Act as a user who may read `folder` but not write it (root steps down to 'nobody')."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    try:
        os.setegid(65534)
        os.seteuid(65534)
    except OSError as exc:
        pytest.skip(f"root cannot act as another user here ({exc}), and a read-only folder means nothing to root")
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder any user can reach (pytest's own are private to root), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="marginalia-readonly-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_library_in_a_folder_one_cannot_write_is_read_and_writes_say_why(
    open_folder: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    folder = open_folder
    library = _library(folder / "library.sqlite")
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    before = _digest(library)
    assert main(["--library", str(library), "list"]) == 0  # every module is loaded before stepping down
    capfd.readouterr()
    with _as_another_user(folder):
        listed = main(["--library", str(library), "list"])
        out, err = capfd.readouterr()
        written = main(["--library", str(library), "highlight", "Theses", "--quote", "Land"])
        _, write_err = capfd.readouterr()
        restored = main(["--library", str(library), "restore-backup"])
        _, restore_err = capfd.readouterr()
    assert listed == 0 and "Theses" in out  # was: "attempt to write a readonly database"
    assert f"is open for reading only: the folder {folder} is read-only" in err
    assert written == 1 and f"could not be updated: the folder {folder} is read-only" in write_err
    assert restored == 1 and f"The library was not replaced: the folder {folder} is read-only" in restore_err
    assert _digest(library) == before


def _run_and_kill(command: list[str], after: float) -> int:
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err, err
    return process.returncode


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


KILLS = int(os.environ.get("MARGINALIA_KILLS", "12"))


def test_killing_a_restore_at_any_moment_leaves_the_old_library_or_the_restored_one(tmp_path: Path) -> None:
    pristine = _library(tmp_path / "pristine" / "library.sqlite", note="old", words=1_500_000)
    backup = _library(tmp_path / "other" / "library.sqlite", note="restored", words=1_500_000)
    library = tmp_path / "live" / "library.sqlite"
    cli = [sys.executable, "-m", "app", "--library", str(library)]
    rng = random.Random(12)
    seen: dict[str, int] = {}
    for kill in range(KILLS + 2):
        for stale in library.parent.glob("*library.sqlite*"):
            stale.unlink()
        library.parent.mkdir(exist_ok=True)
        library.write_bytes(pristine.read_bytes())
        # Kill between the end of start-up (timed by a command that restores nothing)
        # and the end of a whole restore: the moments when files are being written.
        if kill == 0:
            started = _timed([*cli, "--version"])
            continue
        if kill == 1:
            whole = _timed([*cli, "restore-backup", str(backup)])
            continue
        _run_and_kill([*cli, "restore-backup", str(backup)], rng.uniform(0.9 * started, whole))
        service = open_service(library)  # never damaged, never a new empty library
        notes = _notes(service)
        service.close()
        assert notes in (["old"], ["restored"]), notes
        seen[notes[0]] = seen.get(notes[0], 0) + 1
    assert sum(seen.values()) == KILLS


def test_killing_a_daily_backup_at_any_moment_leaves_no_torn_backup(tmp_path: Path) -> None:
    library = _library(tmp_path / "library.sqlite", words=400_000)
    today = tmp_path / "backups" / f"library-daily-{TODAY}.sqlite"
    script = f"from pathlib import Path; from db import rolling_backup; rolling_backup(Path({str(library)!r}))"
    command = [sys.executable, "-c", script]
    rng = random.Random(5)
    today.unlink()
    whole = _timed(command)
    for _ in range(KILLS):
        today.unlink(missing_ok=True)
        _run_and_kill(command, rng.uniform(0.3 * whole, whole))
        assert not today.exists() or is_whole(today)
        assert all(is_whole(Path(b.path)) for b in backups(library))
        rolling_backup(library)  # the next start: today's backup is there, whole, and nothing is left over
        assert is_whole(today) and sorted(p.name for p in today.parent.iterdir()) == [today.name]
        con = sqlite3.connect(f"file:{today}?mode=ro", uri=True)
        assert con.execute("PRAGMA quick_check").fetchone() == ("ok",)
        con.close()


def test_restore_refuses_before_it_starts_when_the_copies_cannot_fit(small_disk: Path) -> None:
    library = _library(small_disk / "library.sqlite", note="old", words=200_000)
    [daily] = backups(library)
    before = _digest(library)
    _fill(small_disk, leave=2_000_000)  # less than the restored copy and the working room
    with pytest.raises(DiskFullError, match=r"about .* MB is needed"):
        restore_from_backup(library, Path(daily.path))
    assert _digest(library) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["backups", "filler", "library.sqlite"]
