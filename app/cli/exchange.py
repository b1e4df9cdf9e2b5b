"""The command line's exchange commands: exports, other tools' highlights, JSON backups."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import TextIO

from app.cli.common import QDA_FORMATS, CliError, print_json
from app.domain.export import ExportFormat, ExportOrder
from app.services import LibraryService
from app.services.files import write_whole


def cmd_export(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Export highlights to a file or standard output."""
    document_ids = None if args.doc is None else [service.find_document(args.doc).id]
    if args.format in QDA_FORMATS:
        _export_qda(service, args, document_ids, out)
        return
    template = None
    if args.template is not None:
        template = args.template.read_text(encoding="utf-8")
    export = service.export_set(
        document_ids=document_ids, themes=args.tag, include_notes=not args.no_notes, order=ExportOrder(args.order)
    )
    text = service.render_export(export, ExportFormat(args.format), template)
    if args.output is None:
        out.write(text)
    else:
        write_whole(args.output, text)
        count = sum(len(d.highlights) for d in export.documents)
        print(f"Wrote {count} highlight{'s' if count != 1 else ''} to {args.output}", file=sys.stderr)


def _export_qda(service: LibraryService, args: argparse.Namespace, document_ids: list[int] | None, out: TextIO) -> None:
    """Write a REFI-QDA project (a zip: a file only) or codebook."""
    if args.format == "qdc":
        text = service.export_qdc()
        if args.output is None:
            out.write(text)
        else:
            write_whole(args.output, text)
            print(f"Wrote the codebook to {args.output}", file=sys.stderr)
        return
    if args.output is None:
        raise CliError("a .qdpx project is a zip archive: name the file to write with --output")
    from app.domain.refi import write_project  # lxml is loaded for this command alone

    project = service.qda_project(document_ids=document_ids, themes=args.tag)
    write_whole(args.output, write_project(project, datetime.now(UTC).replace(tzinfo=None)))
    count = sum(len(source.selections) for source in project.sources)
    print(f"Wrote {len(project.sources)} documents and {count} highlights to {args.output}", file=sys.stderr)
    for skipped in project.skipped:
        print(f"marginalia export: left out {skipped} (not on the current text)", file=sys.stderr)


def cmd_import_highlights(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Place another tool's highlights on the library's documents (one change), or say what would happen."""
    document_id = None if args.document is None else service.find_document(args.document).id
    result = service.import_highlights(
        args.file,
        document_id=document_id,
        fmt=args.format,
        dry_run=args.dry_run,
        colours={} if args.no_colours else None,
    ).value
    if args.json:
        print_json(
            out,
            {
                "format": result.format,
                "stored": result.stored,
                "books": [
                    {
                        "title": b.title,
                        "document": b.document_id,
                        "found": b.found,
                        "exact": b.exact,
                        "reworded": b.reworded,
                        "already": b.already,
                        "updated": b.updated,
                        "not_placed": list(b.not_placed),
                        "colours": list(b.colours),
                    }
                    for b in result.books
                ],
            },
        )
        return
    print(result.describe(), file=out)
    for book in result.books:
        for quote in book.not_placed:
            print(f"not found in “{book.title}” (an orphan): {' '.join(quote.split())[:100]}", file=out)
    placed = sum(b.exact + b.reworded for b in result.books)
    print(f"{'Would store' if args.dry_run else 'Stored'} {placed} highlights ({result.format}).", file=sys.stderr)


def cmd_backup(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Write the library as JSON."""
    data = service.backup_json()
    write_whole(args.file, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    print(
        f"Backed up {len(data['documents'])} documents, {len(data['highlights'])} highlights and "
        f"{len(data['themes'])} themes to {args.file}",
        file=out,
    )


def cmd_restore(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Restore a JSON backup into an empty library."""
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{args.file} is not a JSON backup ({exc})") from exc
    documents, themes, highlights = service.restore_json(data).value
    print(
        f"Restored {documents} documents, {highlights} highlights and {themes} themes into {service.address}", file=out
    )
