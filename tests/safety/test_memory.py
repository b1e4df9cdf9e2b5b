"""A web page cannot make an import take memory out of proportion to its size."""

from __future__ import annotations

import hashlib
import re
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.importers import FORMATS, ImportedText, Progress, TextImportError, import_file
from app.services import open_service

ROOT = Path(__file__).resolve().parents[2]
GIB = 1024**3


def _limited(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_two_million_tiny_elements_are_refused_within_a_memory_limit(tmp_path: Path) -> None:
    page = tmp_path / "tiny-elements.html"
    page.write_text("<html><body>" + "<p><b>x</b></p>" * 1_100_000 + "</body></html>")
    assert page.stat().st_size > 16_000_000
    library = tmp_path / "library.sqlite"
    open_service(library).close()
    before = hashlib.sha256(library.read_bytes()).hexdigest()
    result = subprocess.run(
        [sys.executable, "-m", "app", "--library", str(library), "import", str(page)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _limited(int(1.5 * GIB)),
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "marginalia import: Cannot import tiny-elements.html: it has 2,200,002 HTML elements, "
        "more than the 250,000 that any book's page needs."
    ]
    assert hashlib.sha256(library.read_bytes()).hexdigest() == before


def test_running_out_of_memory_while_reading_is_a_clear_refusal(tmp_path: Path) -> None:
    page = tmp_path / "long.html"
    page.write_text("<html><body>" + "<p><b>x</b> word</p>" * 120_000 + "</body></html>")
    # The child imports everything first, then may use only 64 MB more: far less than the
    # roughly 250 MB that Beautiful Soup takes for this page's 240,000 elements.
    script = textwrap.dedent(
        f"""
        import resource, sys
        from pathlib import Path
        from app.importers import TextImportError, import_file
        import app.importers.html
        import charset_normalizer  # imported by the reader when it first needs it
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (size + 64 * 2**20, size + 64 * 2**20))
        try:
            import_file(Path({str(page)!r}))
        except TextImportError as exc:
            print(exc)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == "Cannot import long.html: reading it needs more memory than is free; nothing was imported."
    )


@pytest.mark.parametrize(
    ("raised", "said"),
    [
        # What CPython 3.11 raises when it cannot allocate a call's frame: out of memory.
        (SystemError("error return without exception set"), "reading it needs more memory than is free"),
        (SystemError("bad argument to internal function"), "it could not be read (SystemError: bad argument"),
    ],
)
def test_an_allocation_that_fails_without_a_memory_error_is_said_as_one(
    raised: SystemError, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(_path: Path, _progress: Progress | None, _encoding: str | None) -> ImportedText:
        raise raised

    monkeypatch.setitem(FORMATS, ".txt", (FORMATS[".txt"][0], failing))
    text = tmp_path / "notes.txt"
    text.write_text("Some words.", encoding="utf-8")
    with pytest.raises(TextImportError, match=re.escape(said)):
        import_file(text)
