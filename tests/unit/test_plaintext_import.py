"""Decoding and importing plain-text and Markdown files."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from app.importers import TextImportError, encoding_candidates, import_file

PROSE = "Resolution on the Soviets — “all power”, naïve café, the peasants’ land.\n"


ENCODED = [
    (PROSE.encode("utf-8"), "utf8.txt"),
    (codecs.BOM_UTF8 + PROSE.encode("utf-8"), "utf8-bom.txt"),
    (codecs.BOM_UTF16_LE + PROSE.encode("utf-16-le"), "utf16le.txt"),
    (codecs.BOM_UTF16_BE + PROSE.encode("utf-16-be"), "utf16be.txt"),
    (codecs.BOM_UTF32_LE + PROSE.encode("utf-32-le"), "utf32le.txt"),
    (PROSE.encode("cp1252") * 20, "cp1252.txt"),
    (PROSE.encode("utf-16-le"), "utf16le-no-bom.txt"),
    (PROSE.encode("utf-16-be"), "utf16be-no-bom.txt"),
    (PROSE.encode("utf-32-le"), "utf32le-no-bom.txt"),
    (PROSE.encode("utf-32-be"), "utf32be-no-bom.txt"),
]
SHORT = "Вся власть Советам!"  # 38 bytes in UTF-16: too short to tell by statistics alone


@pytest.mark.parametrize(("encoded", "name"), ENCODED, ids=[name for _, name in ENCODED])
def test_common_encodings_are_detected(tmp_path: Path, encoded: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(encoded)
    imported = import_file(path)
    assert imported.text.startswith(PROSE)
    assert not imported.text.startswith("\ufeff")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_short_text_in_utf16_or_utf32_without_bom_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(SHORT.encode(encoding))
    assert import_file(path).text == SHORT


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    text = "Les soviets des députés ouvriers et soldats. Ça marche à Pétrograd. " * 10
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    assert import_file(path).text == text


def test_line_endings_and_accents_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("Title\r\n\r\nCafe\u0301 line\rnext\u2028last".encode())
    imported = import_file(path)
    assert imported.text == "Title\n\nCaf\u00e9 line\nnext\nlast"
    assert imported.title == "Title"
    assert imported.source == str(path)


def test_title_falls_back_to_file_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("\n\n \u00a0\nBody")
    assert import_file(path).title == "Body"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 300, "not a text file"),
        (bytes(range(256)) * 40, "not a text file"),
        (b"   \n\n\t ", "only white space"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(TextImportError, match=reason) as info:
        import_file(path)
    assert "bad.txt" in str(info.value)


def test_unsupported_format_and_folders_are_refused(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    with pytest.raises(TextImportError, match=r"\.xlsx format is not supported \(supported: \.txt.*\.pdf"):
        import_file(sheet)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(TextImportError, match="folder"):
        import_file(folder)
    with pytest.raises(TextImportError, match=r"missing\.txt"):
        import_file(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Советы рабочих и солдатских депутатов. Вся власть Советам! " * 8, "koi8_r"),
        ("Советы рабочих и солдатских депутатов. Вся власть Советам! " * 8, "cp1251"),
        ("Rady dělnických a vojenských zástupců. Všechnu moc radám! Příliš žluťoučký kůň. " * 8, "cp1250"),
        ("Rady delegatów robotniczych i żołnierskich. Cała władza w ręce rad! Zażółć gęślą jaźń. " * 8, "cp1250"),
        ("Ce texte est en Latin-1. Les soviets se réunissent à Pétrograd; ça avance déjà, où l'on sait.", "latin-1"),
        ("Die Räte der Arbeiter- und Soldatendeputierten übernehmen die Macht; Straße für Straße.", "cp1252"),
        ("労働者・兵士代表ソビエトに関する決議。すべての権力をソビエトへ！農民は土地を手に入れる。" * 6, "shift_jis"),
        ("关于工人和士兵代表苏维埃的决议。一切权力归苏维埃！农民取得土地，工人监督工厂。" * 6, "gb18030"),
        ("Ρωσία: όλη η εξουσία στα σοβιέτ των εργατών και των στρατιωτών. Η γη στους αγρότες. " * 6, "iso8859_7"),
    ],
)
def test_other_legacy_code_pages_are_detected(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    assert import_file(path).text == text


@pytest.mark.parametrize(
    ("page", "author"),
    [
        (
            "PRIDE AND PREJUDICE\n\nBy Jane Austen\n\nChapter 1\n\nIt is a truth universally acknowledged.",
            "Jane Austen",
        ),
        ("War and Peace\nby Leo Tolstoy.\n\nBOOK ONE", "Leo Tolstoy"),
        ("A Title\n\nIt was written by someone who knew the river.\n\nMore.", ""),
        ("Notes\n\nText.\n\n" + "Line.\n\n" * 10 + "By the way, nothing here.", ""),
    ],
)
def test_a_byline_under_the_title_names_the_author(tmp_path: Path, page: str, author: str) -> None:
    path = tmp_path / "book.txt"
    path.write_text(page, encoding="utf-8")
    assert import_file(path).author == author


LEGACY = [
    ("Ĝis revido! Aĝo, ĉevalo, ŝipo, ĥoro kaj ĵaŭdo estas Esperantaj vortoj.", "iso8859-3"),
    ("Ĝis revido! Aĝo, ĉevalo kaj ŝipo estas vortoj.", "iso8859-3"),
    ("Zażółć gęślą jaźń, mówił Łukasz. " * 5, "iso8859-2"),
    ("Ąžuolas ėjo į mišką, ūkininkas. " * 5, "cp1257"),
    ("Příliš žluťoučký kůň úpěl ďábelské ódy. " * 5, "cp1250"),
    ("Вся власть Советам! Мир народам, земля крестьянам. " * 5, "koi8-r"),
    ("Вся власть Советам! Мир народам. " * 5, "cp1251"),
    ("Ça été très naïf, où est la forêt? " * 5, "cp1252"),
    ("Müller größer Straße öffnen. " * 5, "iso8859-15"),
    ("Þórður og Guðrún fóru í bæinn. " * 5, "cp1252"),
]


@pytest.mark.parametrize(("text", "encoding"), LEGACY, ids=[f"{e}-{t[:6]}" for t, e in LEGACY])
def test_a_legacy_text_is_read_in_the_code_page_whose_letters_make_one_language(
    tmp_path: Path, text: str, encoding: str
) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    assert import_file(path).text.strip() == text.strip()


def test_a_wrongly_guessed_encoding_can_be_named_and_is_offered(tmp_path: Path) -> None:
    text = "Ĉu vi parolas Esperanton? Ĝi estas facila."  # as Windows-1252: "Æu … Øi", Danish letters
    path = tmp_path / "esperanto.txt"
    path.write_bytes(text.encode("iso8859-3"))
    assert import_file(path).text != text
    assert import_file(path, encoding="iso8859-3").text == text
    assert import_file(path, encoding="latin3").text == text  # any name Python knows
    candidates = encoding_candidates(path.read_bytes())
    assert candidates[0] == "cp1252"  # the guess first
    # then those whose letters make one language before those that mix languages' letters
    assert candidates.index("iso8859-3") < candidates.index("iso8859-2")
    with pytest.raises(TextImportError, match="“klingon” is not an encoding Marginalia knows"):
        import_file(path, encoding="klingon")
    with pytest.raises(TextImportError, match=r"its bytes are not utf-8 \(invalid .* at byte 0\)"):
        import_file(path, encoding="utf-8")


def test_a_format_with_its_own_encoding_refuses_one_named(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    path.write_bytes(b"PK")
    with pytest.raises(TextImportError, match="EPUB files carry their own encoding; none can be chosen"):
        import_file(path, encoding="cp1252")
