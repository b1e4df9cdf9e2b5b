"""The command line, run as a user runs it: subprocesses on a temporary library."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from app.__main__ import main
from app.resources import SAMPLE_TEXT
from app.services.library import LibraryService
from db import open_library
from tests.formats import XXE_DOCTYPE, epub_file, scanned_pdf, zip_bomb
from tests.markdown_reader import blockquotes

ROOT = Path(__file__).resolve().parent.parent


class Cli:
    """Runs `python -m app --library LIB ...` with no display (without `--library`: from the environment)."""

    def __init__(self, library: Path | str | None, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
        self.library = library
        self.cwd = cwd
        self.env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        self.env.update(env or {})

    @property
    def file(self) -> Path:
        """The library file the commands run on."""
        assert isinstance(self.library, Path), self.library
        return self.library

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        chosen = [] if self.library is None else ["--library", str(self.library)]
        result = subprocess.run(
            [sys.executable, "-m", "app", *chosen, *args],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if ok:
            assert result.returncode == 0, result.stderr
        else:
            assert result.returncode != 0
            assert "Traceback" not in result.stderr
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        return result


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "library.sqlite")


@pytest.fixture
def sample(cli: Cli) -> str:
    assert cli("import", str(SAMPLE_TEXT)).stdout.startswith("1\t")
    return "1"


def test_help_works_for_every_command(cli: Cli) -> None:
    for command in ["import", "list", "text", "highlight", "highlights", "export", "backup", "restore"]:
        assert "usage:" in cli(command, "--help").stdout
    assert "DOC is a document id" in cli("--help").stdout


def test_import_list_and_text(cli: Cli, sample: str, tmp_path: Path) -> None:
    second = tmp_path / "notes.md"
    second.write_text("# Notes\r\n\r\nSome words.")
    assert cli("import", str(second)).stdout == "2\tNotes\n"
    assert "(already in the library)" in cli("import", str(second)).stdout
    listing = json.loads(cli("list", "--json").stdout)
    assert [(d["id"], d["title"], d["highlights"]) for d in listing] == [(1, "V. I. Lenin", 0), (2, "Notes", 0)]
    assert cli("text", "not").stdout == "Notes\n\nSome words."  # Markdown is stored as a reader sees it
    assert cli("text", "1").stdout == SAMPLE_TEXT.read_text(encoding="utf-8")


def test_highlight_by_quote_with_tags_and_note(cli: Cli, sample: str) -> None:
    out = cli(
        "highlight",
        "V. I",
        "--quote",
        "transferring all power to the Soviets",
        "--tag",
        "power/soviets",
        "--tag",
        "class/struggle",
        "--note",
        "two\nlines",
    ).stdout
    assert out.startswith("1\t") and out.rstrip().endswith("power/soviets, class/struggle")
    cli("highlight", sample, "--quote", "the Soviets", "--occurrence", "2")
    rows = json.loads(cli("highlights", sample, "--json").stdout)
    assert [r["exact"] for r in rows] == ["the Soviets", "transferring all power to the Soviets"]
    assert rows[1]["note"] == "two\nlines"
    only = json.loads(cli("highlights", sample, "--tag", "power", "--json").stdout)
    assert [r["id"] for r in only] == [1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["highlight", "1", "--quote", "the Soviets"], "occurs 8 times; choose one with --occurrence"),
        (["highlight", "1", "--quote", "words not in the text"], "does not occur"),
        (["highlight", "1", "--quote", "the Soviets", "--occurrence", "9"], "no occurrence 9"),
        (["highlight", "1", "--quote", "Soviets", "--occurrence", "1", "--tag", "a//b"], "empty part"),
        (["text", "Nothing like this"], "No document matches"),
        (["export", "--tag", "no/such/theme"], "no theme"),
        (["import", "/no/such/file.txt"], "file.txt"),
        (["restore", "/no/such/backup.json"], "backup.json"),
    ],
)
def test_errors_are_one_clear_line(cli: Cli, sample: str, args: list[str], message: str) -> None:
    result = cli(*args, ok=False)
    assert message in result.stderr
    assert result.stderr.startswith("marginalia ")
    assert json.loads(cli("highlights", sample, "--json").stdout) == []  # nothing half-made


def test_an_ambiguous_title_prefix_is_an_error(cli: Cli, sample: str, tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Volume {name}\n\ntext of {name}")
        cli("import", str(tmp_path / name))
    assert "matches 2 documents" in cli("text", "Volume", ok=False).stderr


def test_export_formats_from_the_command_line(cli: Cli, sample: str, tmp_path: Path) -> None:
    cli("highlight", sample, "--quote", "all lands are being transferred to the peasants", "--tag", "land")
    cli("highlight", sample, "--quote", "Pravda No. 46", "--note", "the source")
    markdown = cli("export", sample).stdout
    assert blockquotes(markdown) == ["all lands are being transferred to the peasants", "Pravda No. 46"]
    output = tmp_path / "out" / "notes.md"
    output.parent.mkdir()
    result = cli("export", "--tag", "land", "--output", str(output))
    assert "Wrote 1 highlight to" in result.stderr
    assert blockquotes(output.read_text(encoding="utf-8")) == ["all lands are being transferred to the peasants"]
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv").stdout)))
    assert [r["themes"] for r in rows] == ["land", ""]
    assert json.loads(cli("export", "--format", "w3c").stdout)["total"] == 2
    template = tmp_path / "mine.j2"
    template.write_text("{% for s in sections %}{% for e in s.entries %}- {{ e.quote }}\n{% endfor %}{% endfor %}")
    assert cli("export", "--template", str(template)).stdout == (
        "- all lands are being transferred to the peasants\n- Pravda No. 46\n"
    )
    assert "no-notes" in cli("export", "--help").stdout
    assert "the source" not in cli("export", "--no-notes").stdout


def test_backup_and_restore_round_trip(cli: Cli, sample: str, tmp_path: Path) -> None:
    cli("highlight", sample, "--quote", "Pravda No. 46", "--tag", "source/press", "--note", "n")
    backup = tmp_path / "backup.json"
    cli("backup", str(backup))
    restored = Cli(tmp_path / "restored.sqlite")
    assert "Restored 1 documents, 1 highlights and 2 themes" in restored("restore", str(backup)).stdout
    again = tmp_path / "again.json"
    restored("backup", str(again))
    first, second = json.loads(backup.read_text()), json.loads(again.read_text())
    first.pop("exported"), second.pop("exported")
    assert first == second
    assert "not empty" in cli("restore", str(backup), ok=False).stderr


def test_the_command_line_loads_neither_qt_nor_alembic_on_a_current_library(cli: Cli, sample: str) -> None:
    # Nor lxml, which only a QDA export needs: each costs start-up time of every command.
    code = (
        "import sys, app.__main__ as m; rc = m.main(['--library', sys.argv[1], 'list']);"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'PySide6', 'alembic', 'lxml'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(cli.library)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_new_edition_from_the_command_line(cli: Cli, sample: str, tmp_path: Path) -> None:
    cli("highlight", sample, "--quote", "all lands are being transferred to the peasants", "--tag", "land")
    cli("highlight", sample, "--quote", "Pravda No. 46", "--note", "the source")
    edition = tmp_path / "second-edition.txt"
    text = SAMPLE_TEXT.read_text(encoding="utf-8")
    edition.write_text("Editor's preface.\n\n" + text.replace("Pravda No. 46, May 15 (2), 1917", "First printed 1917."))
    out = cli("edition", sample, str(edition)).stdout
    assert "Edition 2 of V. I. Lenin: 0 unchanged, 1 moved, 0 approximate, 1 orphaned" in out
    assert "orphan 2: “Pravda No. 46”" in out
    assert cli("text", sample).stdout.startswith("Editor's preface.")
    moved, orphan = cli("highlights", sample).stdout.splitlines()
    assert moved.endswith("all lands are being transferred to the peasants")
    assert orphan.startswith("2\torphan, ¶ 11 of edition 1") and orphan.endswith("Pravda No. 46")
    assert "exactly the text" in cli("edition", sample, str(edition), ok=False).stderr


def test_hostile_files_fail_in_one_line_and_leave_the_library_byte_identical(
    cli: Cli, sample: str, tmp_path: Path
) -> None:
    hostile = [
        zip_bomb(tmp_path / "bomb.epub"),
        epub_file(tmp_path / "xxe.epub", container_doctype=XXE_DOCTYPE),
        scanned_pdf(tmp_path / "scan.pdf"),
    ]

    def files() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in cli.file.parent.glob(f"{cli.file.name}*")}

    before = files()
    for path in hostile:
        error = cli("import", str(path), ok=False).stderr
        assert error.startswith(f"marginalia import: Cannot import {path.name}: ")
    assert files() == before
    assert cli("import", str(epub_file(tmp_path / "book.epub"))).stdout == "2\tApril Theses\n"


def test_import_reads_a_text_in_the_encoding_named(tmp_path: Path) -> None:
    text = "Ĝis revido! Aĝo, ĉevalo, ŝipo kaj ĵaŭdo.\n\nLa dua paragrafo."
    source = tmp_path / "esperanto.txt"
    source.write_bytes(text.encode("iso8859-3"))
    cli = Cli(tmp_path / "library.sqlite")
    cli("import", "--encoding", "iso8859-3", str(source))
    assert cli("text", "1").stdout == text
    refused = cli("import", "--encoding", "klingon", str(source), ok=False)
    assert "“klingon” is not an encoding Marginalia knows" in refused.stderr


def test_search_prints_document_citation_and_snippet(cli: Cli, sample: str) -> None:
    cli("highlight", sample, "--quote", "all power to the Soviets", "--tag", "power/soviets", "--note", "the slogan")
    lines = cli("search", "soviet", "power", "--limit", "2").stdout.splitlines()
    assert len(lines) == 2
    doc, title, citation, kind, snippet = lines[0].split("\t")
    assert (doc, title, kind) == (sample, "V. I. Lenin", "quote")
    assert citation.startswith("¶") and "[power]" in snippet and "[Soviets]" in snippet
    found = json.loads(cli("search", "slogan", "--json").stdout)
    assert found["total"] == 1
    assert [(h["kind"], h["snippet"], h["highlight"]) for h in found["hits"]] == [("note", "the slogan", 1)]
    only_text = json.loads(cli("search", "theme:power", "--json").stdout)["hits"]
    assert [h["snippet"] for h in only_text] == ["all power to the Soviets"]
    problem = cli("search", "added:yesterday")
    assert "not a date" in problem.stderr


def test_a_qda_project_and_codebook_out_and_back_in(cli: Cli, sample: str, tmp_path: Path) -> None:
    cli("highlight", sample, "--quote", "all power to the Soviets", "--tag", "power/soviets", "--note", "the slogan")
    project, codebook = tmp_path / "p.qdpx", tmp_path / "c.qdc"
    assert "Wrote 1 documents and 1 highlights" in cli("export", "--format", "qdpx", "--output", str(project)).stderr
    cli("export", "--format", "qdc", "--output", str(codebook))
    assert "--output" in cli("export", "--format", "qdpx", ok=False).stderr
    other = Cli(tmp_path / "other.sqlite")
    said = other("import", str(codebook), str(project)).stdout
    assert "c.qdc: 0 documents added, 0 highlights, 2 themes." in said
    assert "p.qdpx: 1 document added, 1 highlight, 0 themes." in said
    [row] = json.loads(other("highlights", "1", "--json").stdout)
    assert (row["exact"], row["note"], row["themes"]) == ("all power to the Soviets", "the slogan", ["power/soviets"])


def test_highlights_from_a_kindle_come_in_from_the_command_line(cli: Cli, sample: str, tmp_path: Path) -> None:
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(
        "Resolution on the Soviets (V. I. Lenin)\r\n- Your Highlight at location 10-12 | Added on Monday\r\n\r\n"
        "all power to the Soviets\r\n==========\r\n",
        encoding="utf-8",
    )
    dry = cli("import-highlights", str(clippings), "--document", sample, "--dry-run")
    assert "1 placed exactly" in dry.stdout and "Would store 1 highlights" in dry.stderr
    assert json.loads(cli("highlights", sample, "--json").stdout) == []
    report = json.loads(cli("import-highlights", str(clippings), "--document", sample, "--json").stdout)
    assert report["stored"] == 1 and report["books"][0]["exact"] == 1
    [row] = json.loads(cli("highlights", sample, "--json").stdout)
    assert row["exact"] == "all power to the Soviets"
    assert "nothing.json" in cli("import-highlights", str(tmp_path / "nothing.json"), ok=False).stderr


def test_a_koreader_sidecar_with_colours_from_the_command_line(cli: Cli, sample: str, tmp_path: Path) -> None:
    sidecar = tmp_path / "metadata.epub.lua"
    sidecar.write_text(
        'return { ["annotations"] = { { ["text"] = "all power to the Soviets", ["color"] = "orange", '
        '["drawer"] = "lighten", ["note"] = "the slogan" } } }',
        encoding="utf-8",
    )
    plain = json.loads(cli("import-highlights", str(sidecar), "--document", sample, "--no-colours", "--json").stdout)
    assert (plain["format"], plain["stored"], plain["books"][0]["colours"]) == ("koreader", 1, ["orange"])
    [row] = json.loads(cli("highlights", sample, "--json").stdout)
    assert (row["note"], row["themes"]) == ("the slogan", [])
    again = json.loads(cli("import-highlights", str(sidecar), "--document", sample, "--json").stdout)
    assert (again["stored"], again["books"][0]["already"], again["books"][0]["updated"]) == (0, 1, 1)
    [row] = json.loads(cli("highlights", sample, "--json").stdout)
    assert row["themes"] == ["colour/orange"]  # a second import with colours gives the theme it lacked


@pytest.mark.parametrize("where", ["option", "environment"])
def test_the_commands_work_on_a_shared_library(tmp_path: Path, shared_address: str, where: str) -> None:
    if where == "option":
        run = Cli(shared_address, cwd=tmp_path)
    else:
        run = Cli(None, cwd=tmp_path, env={"MARGINALIA_LIBRARY": shared_address})
    run("import", str(SAMPLE_TEXT))
    run("highlight", "1", "--quote", "the eight-hour day", "--tag", "labour/hours", "--note", "shared")
    assert "labour/hours" in run("highlights", "1").stdout
    assert "[eight-hour]" in run("search", "eight-hour").stdout
    assert "its backups are its server's" in run("backups", ok=False).stderr
    assert list(tmp_path.iterdir()) == []  # no folder named "postgresql:", no backup file


def test_a_password_in_a_shared_library_s_address_is_refused_and_never_echoed(tmp_path: Path) -> None:
    refused = Cli("postgresql://someone:secret@127.0.0.1:1/seminar", cwd=tmp_path)("list", ok=False)
    assert "A password does not belong in the library's address" in refused.stderr
    assert "secret" not in refused.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_window_says_when_a_shared_library_s_server_cannot_be_reached(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: said.append(text))
    with socket.socket() as probe:  # a port nothing listens on: the server is not there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["--library", f"postgresql://someone@127.0.0.1:{port}/seminar"]) == 2
    assert said and "Cannot open the shared library postgresql://someone@127.0.0.1" in said[0]
    assert "Cannot open the shared library" in capsys.readouterr().err
    assert gc.isenabled()  # held off to start the window, and on again though it never opened


def test_the_cycle_collector_runs_again_after_a_command_even_a_refused_one(tmp_path: Path) -> None:
    """Starting holds Python's cycle collector off; a program left without it would only grow.

    What starting made is set aside from the collector's walks when the command starts: the
    first collection would otherwise walk all of it (60 ms of a `list`).
    """
    gc.unfreeze()
    try:
        assert main(["--library", str(tmp_path / "library.sqlite"), "list"]) == 0
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    with pytest.raises(SystemExit):
        main(["--no-such-option"])
    assert gc.isenabled()


@pytest.mark.usefixtures("sample")
def test_agreement_compares_two_coders_theme_by_theme_as_a_table_and_as_csv(cli: Cli) -> None:
    def coder(name: str) -> LibraryService:
        return LibraryService(open_library(cli.file), author=name)

    alone = cli("agreement", "1", ok=False)
    assert "two people or more" in alone.stderr
    ann, ben = coder("ann"), coder("ben")
    ann.create_highlight(1, 0, 100, tags=["power"])
    ben.create_highlight(1, 50, 100, tags=["power"])
    ben.create_highlight(1, 200, 300, tags=["land"])
    n = len(ann.open_document(1).text)
    ann.close()
    ben.close()
    table = cli("agreement", "1").stdout.splitlines()
    assert table[0].split("\t")[:2] == ["theme", "coders"]
    assert [line.split("\t")[0] for line in table[1:]] == ["land", "power"]
    out = cli.file.parent / "agreement.csv"
    cli("agreement", "1", "--csv", str(out))
    rows = {row["theme"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    power = rows["power"]
    assert power["characters coded"] == "ann 100, ben 50"
    assert (power["coded by all"], power["coded by some"]) == ("50", "50")
    agreed = (n - 50) / n  # only ann's first fifty characters differ
    chance = (100 / n) * (50 / n) + (1 - 100 / n) * (1 - 50 / n)
    assert float(power["Cohen's kappa"]) == pytest.approx((agreed - chance) / (1 - chance), abs=1e-3)
    assert float(power["agreement %"]) == pytest.approx(100 * agreed, abs=0.05)
    assert rows["land"]["characters coded"] == "ann 0, ben 100"  # ann never used it: she coded none of the text
    assert float(rows["land"]["Cohen's kappa"]) == pytest.approx(0.0, abs=1e-3)
