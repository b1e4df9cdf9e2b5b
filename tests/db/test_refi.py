"""REFI-QDA: projects and codebooks that validate against the official schemas, and come back whole."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from app.importers import ImportedText
from app.importers.base import TextImportError
from app.services import LibraryService, open_service
from tests.db.test_search import _quote

STANDARDS = Path(__file__).resolve().parents[3] / "shared" / "standards" / "refi-qda"
TEXT = "All power to the Soviets!\r\nLand to the peasants, bread to the hungry.\n\nPeace — ✊🏽 — to the peoples.\n"
PROJECT_NS = "urn:QDA-XML:project:1.0"


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / name)))


@pytest.fixture
def coded(service: LibraryService) -> LibraryService:
    doc = service.add_document(ImportedText.of(TEXT, title="Slogans", author="Lenin")).value[0].id
    service.add_document(ImportedText.of("A text nobody coded.", title="Uncoded"))
    service.codebook.create("power/soviets", colour="#aa3300", description="Who holds power")
    _quote(service, doc, "All power to the Soviets", tags=["power/soviets", "class"], note="the slogan\nof 1917")
    _quote(service, doc, "bread to the hungry", tags=["economy"])
    _quote(service, doc, "✊🏽 — to the peoples", note="a fist, two code points")
    return service


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _state(service: LibraryService) -> tuple[object, ...]:
    """Documents, themes and highlights as a reader sees them, without ids or times."""
    documents = sorted((d.title, service.open_document(d.id, mark_opened=False).text) for d in service.list_documents())
    themes = sorted((t.path, t.colour, t.description) for t in service.tags())
    titles = {d.id: d.title for d in service.list_documents()}
    highlights = sorted(
        (titles[h.document_id], h.start, h.end, h.exact, h.note, tuple(t.path for t in h.tags))
        for d in service.list_documents()
        for h in service.highlights(d.id)
    )
    return documents, themes, highlights


def test_a_project_validates_and_its_selections_count_code_points_with_an_exclusive_end(
    coded: LibraryService,
) -> None:
    files = _unzip(coded.export_qdpx())
    assert "project.qde" in files
    root = etree.fromstring(files["project.qde"])
    _schema("Project-mrt2019.xsd").assertValid(root)
    ns = {"q": PROJECT_NS}
    [source] = [s for s in root.iterfind(".//q:TextSource", ns) if s.get("name") == "Slogans"]
    text = files[f"sources/{source.get('plainTextPath', '').removeprefix('internal://')}"].decode("utf-8")
    assert text == coded.open_document(1).text  # the stored text: LF, NFC
    selections = source.findall("q:PlainTextSelection", ns)
    assert len(selections) == 3
    for selection in selections:
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert text[start:end] == selection.get("name") and len(selection.get("name")) == end - start
    codes = {c.get("name"): c for c in root.iterfind(".//q:Code", ns)}
    assert codes["soviets"].get("color") == "#aa3300"
    assert codes["soviets"].findtext("q:Description", namespaces=ns) == "Who holds power"
    assert [c.get("name") for c in codes["power"].findall("q:Code", ns)] == ["soviets"]
    notes = [n.findtext("q:PlainTextContent", namespaces=ns) for n in root.iterfind(".//q:Note", ns)]
    assert sorted(notes) == ["a fist, two code points", "the slogan\nof 1917"]


def test_the_codebook_validates(coded: LibraryService) -> None:
    root = etree.fromstring(coded.export_qdc().encode("utf-8"))
    _schema("Codebook-mrt2019.xsd").assertValid(root)
    assert sorted(c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")) == [
        "class",
        "economy",
        "power",
        "soviets",
    ]


def test_export_import_export_is_the_same_library(coded: LibraryService, tmp_path: Path) -> None:
    path = tmp_path / "project.qdpx"
    path.write_bytes(coded.export_qdpx())
    other = open_service(tmp_path / "other.sqlite")
    try:
        done = other.import_qda(path)
        assert done.value.documents == 2 and done.value.highlights == 3 and not done.value.skipped
        assert _state(other) == _state(coded)
        again = tmp_path / "again.qdpx"
        again.write_bytes(other.export_qdpx())
        third = open_service(tmp_path / "third.sqlite")
        try:
            third.import_qda(again)
            assert _state(third) == _state(coded)
        finally:
            third.close()
        other.operations.undo()  # one import, one change
        assert other.list_documents() == [] and other.tags() == []
    finally:
        other.close()


def test_a_document_or_a_set_of_themes_alone(coded: LibraryService) -> None:
    one = etree.fromstring(_unzip(coded.export_qdpx(document_ids=[2]))["project.qde"])
    assert [s.get("name") for s in one.iter(f"{{{PROJECT_NS}}}TextSource")] == ["Uncoded"]
    themed = etree.fromstring(_unzip(coded.export_qdpx(themes=["power"]))["project.qde"])
    _schema("Project-mrt2019.xsd").assertValid(themed)
    assert [s.get("name") for s in themed.iter(f"{{{PROJECT_NS}}}PlainTextSelection")] == ["All power to the Soviets"]
    assert {c.get("name") for c in themed.iter(f"{{{PROJECT_NS}}}Code")} == {"power", "soviets", "class"}


def _qdpx(tmp_path: Path, qde: str, files: dict[str, bytes], name: str = "other.qdpx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        for member, data in files.items():
            archive.writestr(member, data)
    return path


G = "{:08x}-0000-4000-8000-000000000000".format


def test_what_real_tools_write_comes_in(service: LibraryService, tmp_path: Path) -> None:
    text = "Workers of the world, unite!\r\nYou have nothing to lose but your chains."
    chains = text.index("your chains.")  # counted in the file's text, CR and all
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="From ATLAS.ti" origin="ATLAS.ti">
  <Users><User guid="{G(1)}" name="Karl"/></Users>
  <CodeBook><Codes>
    <Code guid="{G(2)}" name="Class" isCodable="true" color="#0a0">
      <Description>Social class</Description>
      <Code guid="{G(3)}" name="Proletariat / workers" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sets/>
  <Sources>
    <TextSource guid="{G(4)}" name="Manifesto" plainTextPath="internal://{G(4)}.txt">
      <Unknown flavour="ignored"/>
      <PlainTextSelection guid="{G(5)}" name="Workers" startPosition="0" endPosition="7">
        <Coding guid="{G(6)}"><CodeRef targetGUID="{G(3)}"/></Coding>
        <NoteRef targetGUID="{G(7)}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{G(8)}" name="your chains." startPosition="{chains}" endPosition="{chains + 11}"/>
      <PlainTextSelection guid="{G(9)}" name="beyond" startPosition="60" endPosition="900">
        <Coding guid="{G(12)}"><CodeRef targetGUID="{G(2)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{G(13)}" startPosition="70" endPosition="800"/>
    </TextSource>
    <PDFSource guid="{G(10)}" name="A scan" path="internal://scan.pdf"/>
    <TextSource guid="{G(11)}" name="Escaping" plainTextPath="internal://../../etc/passwd"/>
  </Sources>
  <Notes><Note guid="{G(7)}" name="n"><PlainTextContent>who works</PlainTextContent></Note></Notes>
</Project>"""
    path = _qdpx(tmp_path, qde, {f"Sources/{G(4)}.txt": text.encode("utf-8")})
    summary = service.import_qda(path).value
    assert (summary.documents, summary.highlights, summary.orphans) == (1, 2, 1)
    assert "1 orphan (selections that do not fit their text" in summary.describe()
    assert len(summary.skipped) == 3
    assert any("PDFSource “A scan”" in s for s in summary.skipped)
    assert any("Escaping" in s for s in summary.skipped)
    assert any("70-800 does not fit" in s and "no words" in s for s in summary.skipped)
    [doc] = service.list_documents()
    # Positions beyond the text and words found nowhere in it: an orphan with its words
    # and code, never a highlight at a wrong place.
    [orphan] = service.orphans(doc.id)
    assert (orphan.exact, [t.path for t in orphan.tags]) == ("beyond", ["Class"])
    assert [v.label for v in service.versions(doc.id)] == ["Quotes not found in the text", "1 (current)"]
    world = service.open_document(doc.id).text.index("world")
    attached = service.attach_highlight(orphan.id, world, world + 5).value
    assert (attached.exact, service.orphans(doc.id)) == ("world", [])
    stored = service.open_document(doc.id).text
    assert "\r" not in stored
    first, _world, last = service.highlights(doc.id)
    assert (first.exact, first.note, [t.path for t in first.tags]) == (
        "Workers",
        "who works",
        ["Class/Proletariat - workers"],
    )
    assert last.exact == "your chains."  # an inclusive end, recognised by the selection's name
    assert {t.path: t.colour for t in service.tags()}["Class"] == "#00aa00"


def test_a_codebook_from_another_tool_with_its_own_namespace(service: LibraryService, tmp_path: Path) -> None:
    path = tmp_path / "codes.qdc"
    path.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="NVivo"><Codes>'
        f'<Code guid="{{{G(1)}}}" name="Land" isCodable="true" color="#123456"><Description>Who owns it</Description>'
        f'<Code guid="{G(2)}" name="Peasants" isCodable="true"/></Code></Codes><Sets/></CodeBook>',
        encoding="utf-8",
    )
    assert service.import_qda(path).value.themes == 2
    assert service.import_qda(path).value.themes == 0  # the summary counts themes added, not read
    assert {(t.path, t.colour, t.description) for t in service.tags()} == {
        ("Land", "#123456", "Who owns it"),
        ("Land/Peasants", "#123456", ""),
    }


@pytest.mark.parametrize(
    ("qde", "members", "message"),
    [
        ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e "x">]><Project name="&e;"/>', {}, "declares XML entities"),
        ("<Project", {}, "not well-formed"),
        ("<Other/>", {}, "not a REFI-QDA project"),
        ('<Project name="p"/>', {"sources/big.txt": b"\0" * (64 * 1024 * 1024)}, "zip bomb"),
    ],
)
def test_a_hostile_or_broken_project_is_refused_and_nothing_changes(
    service: LibraryService, tmp_path: Path, qde: str, members: dict[str, bytes], message: str
) -> None:
    path = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(TextImportError, match=message):
        service.import_qda(path)
    assert service.list_documents() == [] and service.operations.history() == []


def test_a_source_whose_text_holds_a_document_type_in_cdata_is_read(service: LibraryService, tmp_path: Path) -> None:
    # Only a document type before the root element is refused: in CDATA it is a source's text.
    text = "<!DOCTYPE html><!ENTITY is only text here>"
    path = tmp_path / "page.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "project.qde",
            '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>'
            f'<TextSource guid="{G(1)}" name="Page"><PlainTextContent><![CDATA[{text}]]></PlainTextContent>'
            "</TextSource></Sources></Project>",
        )
    assert service.import_qda(path).value.documents == 1
    assert service.open_document(service.list_documents()[0].id, mark_opened=False).text == text


@pytest.fixture(scope="module")
def empty_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty library, made once for the examples to copy."""
    path = tmp_path_factory.mktemp("empty") / "empty.sqlite"
    open_service(path).close()
    return path


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=5, max_size=60)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    bodies=st.lists(texts, min_size=1, max_size=3, unique=True),
    spans=st.lists(st.tuples(st.integers(0, 59), st.integers(1, 60), st.sampled_from(["a", "a/b", "c"])), max_size=6),
    # XML 1.0 cannot carry control characters but tab and newline (they become U+FFFD).
    note=st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n"), max_size=20),
)
def test_any_library_comes_back_whole(
    empty_library: Path,
    tmp_path_factory: pytest.TempPathFactory,
    bodies: list[str],
    spans: list[tuple[int, int, str]],
    note: str,
) -> None:
    folder = tmp_path_factory.mktemp("refi")
    for name in ("first.sqlite", "second.sqlite"):
        shutil.copyfile(empty_library, folder / name)  # an empty library of the newest schema: no migrating
    first = open_service(folder / "first.sqlite")
    second = open_service(folder / "second.sqlite")
    try:
        for number, body in enumerate(bodies):
            doc = first.add_document(ImportedText.of(body, title=f"Text {number}")).value[0]
            text = first.open_document(doc.id).text
            for start, end, theme in spans:
                if start < end <= len(text) and text[start:end].strip():
                    first.create_highlight(doc.id, start, end, tags=[theme], note=note)
        path = folder / "p.qdpx"
        path.write_bytes(first.export_qdpx())
        second.import_qda(path)
        assert _state(second) == _state(first)
    finally:
        first.close()
        second.close()


def test_a_tool_counting_in_other_units_is_placed_by_the_selected_text(service: LibraryService, tmp_path: Path) -> None:
    # 𝔸 and ✊🏽 are one code point and two (three) UTF-16 units: a tool counting UTF-16,
    # as NVivo's .NET does, gives positions past the words it means.
    text = "𝔸 workers ✊🏽 unite. Workers, unite! The workers unite."
    utf16 = text.encode("utf-16-le")
    wanted = text.rindex("workers unite")
    start16 = len(text[:wanted].encode("utf-16-le")) // 2
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="NVivo">
  <Sources><TextSource guid="{G(1)}" name="Call"><PlainTextContent>{text}</PlainTextContent>
    <PlainTextSelection guid="{G(2)}" name="workers unite" startPosition="{start16}" endPosition="{start16 + 13}"/>
    <PlainTextSelection guid="{G(3)}" name="Selection 2" startPosition="2" endPosition="9"/>
  </TextSource></Sources>
</Project>"""
    assert len(utf16) // 2 > len(text)
    summary = service.import_qda(_qdpx(tmp_path, qde, {})).value
    assert summary.highlights == 2 and not summary.skipped
    [doc] = service.list_documents()
    placed, labelled = sorted(service.highlights(doc.id), key=lambda h: -h.start)
    assert (placed.start, placed.exact) == (wanted, "workers unite")  # the nearest of three
    assert labelled.exact == "workers"  # a name that is a label: the positions stand


def test_a_selection_found_nowhere_waits_for_the_next_edition(service: LibraryService, tmp_path: Path) -> None:
    text = "The land to the peasants."
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Elsewhere">
  <Sources>
    <TextSource guid="{G(1)}" name="Decree" plainTextPath="internal://{G(1)}.txt">
      <PlainTextSelection guid="{G(2)}" name="Bread to the hungry" startPosition="40" endPosition="59"/>
    </TextSource>
  </Sources>
</Project>"""
    path = _qdpx(tmp_path, qde, {f"sources/{G(1)}.txt": text.encode("utf-8")})
    summary = service.import_qda(path).value
    [doc] = service.list_documents()
    assert (summary.highlights, summary.orphans, service.highlights(doc.id)) == (0, 1, [])
    # A new edition holding the words places the orphan there, as for any other orphan.
    edition = text + " Bread to the hungry."
    plan = service.prepare_edition(doc.id, ImportedText.of(edition, title="Decree"))
    service.apply_edition(plan, plan.run(lambda done, total: None))
    [placed] = service.highlights(doc.id)
    assert (placed.start, placed.exact, service.orphans(doc.id)) == (26, "Bread to the hungry", [])
    # One undo of each takes the edition, then the import with its quotes' edition, away.
    service.operations.undo()
    service.operations.undo()
    assert service.list_documents() == []
