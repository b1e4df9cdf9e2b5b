"""Who made each highlight: recorded on every way in, kept by backups and QDA exchange."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from app.domain.export import ExportFormat
from app.importers import ImportedText
from app.services import LibraryService, open_service
from db import open_library
from tests.db.test_operations import TEXT, _clippings


def _as(path: Path, author: str) -> LibraryService:
    return LibraryService(open_library(path), author=author)


def test_every_way_in_records_who_made_the_highlight(tmp_path: Path) -> None:
    ann = _as(tmp_path / "library.sqlite", "ann")
    doc = ann.add_document(ImportedText.of(TEXT, title="Theses")).value[0]
    assert ann.create_highlight(doc.id, 0, 9).value.author == "ann"
    assert ann.highlight_and_tag(doc.id, 27, 31, "land").value.highlight.author == "ann"
    ben = _as(tmp_path / "library.sqlite", "ben")
    ben.import_highlights(_clippings(tmp_path), document_id=doc.id)  # brought in by ben: his
    by = {h.exact: h.author for h in ann.highlights(doc.id)}
    assert by == {"All power": "ann", "Land": "ann", "Land to the peasants": "ben"}
    ann.close()
    ben.close()


def test_a_backup_and_a_qda_project_keep_each_coder(tmp_path: Path) -> None:
    ann = _as(tmp_path / "library.sqlite", "ann")
    doc = ann.add_document(ImportedText.of(TEXT, title="Theses")).value[0]
    ann.create_highlight(doc.id, 0, 9, tags=["power"])
    ben = _as(tmp_path / "library.sqlite", "ben")
    ben.create_highlight(doc.id, 4, 24, tags=["power"])
    coders = sorted((h.start, h.author) for h in ann.highlights(doc.id))
    assert coders == [(0, "ann"), (4, "ben")]

    restored = open_service(tmp_path / "restored.sqlite")
    restored.restore_json(ann.backup_json())
    assert sorted((h.start, h.author) for h in restored.highlights(doc.id)) == coders

    project = tmp_path / "project.qdpx"
    project.write_bytes(ann.export_qdpx())
    carla = _as(tmp_path / "carla.sqlite", "carla")  # imports the project: the coders stay who they were
    carla.import_qda(project)
    assert sorted((h.start, h.author) for h in carla.highlights(1)) == coders
    for service in (ann, ben, restored, carla):
        service.close()


def test_exports_say_who_made_each_highlight(tmp_path: Path) -> None:
    ann = _as(tmp_path / "library.sqlite", "ann")
    doc = ann.add_document(ImportedText.of(TEXT, title="Theses")).value[0]
    ann.create_highlight(doc.id, 0, 9)
    alone = ann.render_export(ann.export_set(), ExportFormat.MARKDOWN)
    assert " · by " not in alone  # one person's notes name no one
    ben = _as(tmp_path / "library.sqlite", "ben")
    ben.create_highlight(doc.id, 27, 31)
    export = ann.export_set()
    markdown = ann.render_export(export, ExportFormat.MARKDOWN)
    assert [line.rsplit(" · by ", 1)[1] for line in markdown.splitlines() if " · by " in line] == ["ann", "ben"]
    rows = list(csv.DictReader(io.StringIO(ann.render_export(export, ExportFormat.CSV))))
    assert [(r["quote"], r["made by"]) for r in rows] == [("All power", "ann"), ("Land", "ben")]
    made = json.loads(ann.render_export(export, ExportFormat.JSON))["documents"][0]["highlights"]
    assert [h["made_by"] for h in made] == ["ann", "ben"]
    items = json.loads(ann.render_export(export, ExportFormat.W3C))["first"]["items"]
    assert [a["creator"] for a in items] == [{"type": "Person", "name": n} for n in ("ann", "ben")]
    ann.close()
    ben.close()
