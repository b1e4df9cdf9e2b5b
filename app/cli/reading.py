"""The command line's reading commands: import, list, read, highlight, search, editions, history, agreement."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from app.cli.common import CliError, print_json, themes_of
from app.domain.agreement import AGREEMENT_COLUMNS, agreement_csv, agreement_rows
from app.domain.editions import Placement
from app.domain.export import highlight_json
from app.domain.search import marked_snippet, plain_snippet
from app.domain.search import parse as parse_query
from app.importers import TextImportError, import_file
from app.services import LibraryService
from app.services.files import write_whole


def cmd_import(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Import files; a failure is reported after the others were tried."""
    failures = []
    for path in args.files:
        if path.suffix.lower() in (".qdpx", ".qdc"):
            try:
                print(f"{path.name}: {service.import_qda(path).value.describe()}", file=out)
            except TextImportError as exc:
                failures.append(str(exc))
            continue
        try:
            summary, added = service.import_path(path, encoding=args.encoding, ocr=args.ocr).value
        except TextImportError as exc:
            failures.append(str(exc))
            continue
        print(f"{summary.id}\t{summary.title}{'' if added else '  (already in the library)'}", file=out)
    if failures:
        raise CliError(" ".join(failures))


def cmd_list(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """List the documents."""
    documents = service.list_documents()
    if args.json:
        print_json(
            out,
            [
                {
                    "id": d.id,
                    "title": d.title,
                    "author": d.author,
                    "format": d.format,
                    "words": d.word_count,
                    "date": d.date,
                    "source": d.source,
                    "highlights": d.highlight_count,
                    "added": d.added_at.isoformat(),
                }
                for d in documents
            ],
        )
        return
    for d in documents:
        print(
            f"{d.id}\t{d.title}\t{d.author}\t{d.format}\t{d.word_count} words\t{d.highlight_count} highlights", file=out
        )


def cmd_text(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Print a document's text exactly as stored."""
    out.write(service.open_document(service.find_document(args.doc).id, mark_opened=False).text)


def cmd_highlight(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Highlight a quote, with themes and a note, in one transaction."""
    doc = service.find_document(args.doc)
    start, end = service.find_quote(doc.id, args.quote, args.occurrence)
    highlight = service.create_highlight(doc.id, start, end, tags=args.tag, note=args.note).value
    print(f"{highlight.id}\t{start}-{end}\t{themes_of(highlight)}", file=out)


def cmd_highlights(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """List a document's highlights."""
    doc = service.find_document(args.doc)
    [exported] = service.export_set(document_ids=[doc.id], themes=args.tag).documents
    if args.json:
        print_json(
            out,
            [
                {**highlight_json(h), "chapter": loc.chapter, "section": loc.section, "page": loc.page}
                | {"paragraph": loc.paragraph}
                for h, loc in zip(exported.highlights, exported.locations, strict=True)
            ],
        )
        return
    orphans = {h.id for h in service.orphans(doc.id)}
    for h, loc in zip(exported.highlights, exported.locations, strict=True):
        quote = " ".join(h.exact.split())
        where = f"orphan, {loc.cite()} of edition {h.version_id}" if h.id in orphans else loc.cite()
        print(f"{h.id}\t{where}\t{themes_of(h)}\t{quote}", file=out)


def cmd_search(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Print the best hits of a query: document, citation, snippet (the match between [ and ])."""
    if service.index_missing() and service.read_only is None:
        print("marginalia search: indexing the library first…", file=sys.stderr)
        service.build_index()
    query = parse_query(" ".join(args.query))
    for problem in query.problems:
        print(f"marginalia search: {problem}", file=sys.stderr)
    results = service.search(query, max(1, args.limit), cite=True)
    if args.json:
        print_json(
            out,
            {
                "total": results.total,
                "documents": [{"id": d, "hits": n} for d, n in results.counts.items()],
                "hits": [
                    {
                        "document": h.document_id,
                        "title": h.title,
                        "kind": h.kind,
                        "citation": h.citation,
                        "snippet": plain_snippet(h.snippet),
                        "start": h.start,
                        "end": h.end,
                        "highlight": h.highlight_id,
                    }
                    for h in results.hits
                ],
            },
        )
        return
    for h in results.hits:
        snippet = " ".join(marked_snippet(h.snippet).split())
        print(f"{h.document_id}\t{h.title}\t{h.citation}\t{h.kind}\t{snippet}", file=out)
    shown = len(results.hits)
    print(f"{shown} of {results.total} hits in {len(results.counts)} documents", file=sys.stderr)


def cmd_edition(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Add a new edition and say where every highlight went."""
    doc = service.find_document(args.doc)
    plan = service.prepare_edition(doc.id, import_file(args.file))
    report = service.apply_edition(plan, plan.run()).value
    counts = ", ".join(f"{report.count(p)} {p.value}" for p in Placement)
    print(f"Edition {report.number} of {doc.title}: {counts}", file=out)
    for item in report.items:
        if item.placement is Placement.APPROXIMATE:
            print(f"  review {item.highlight_id}: “{item.old_wording}” → “{item.new_wording}”", file=out)
        elif item.placement is Placement.ORPHANED:
            print(f"  orphan {item.highlight_id}: “{item.old_wording}” (kept; attach it in the window)", file=out)


def cmd_history(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """List the latest changes, newest first, with their ids."""
    for op in service.operations.history(max(1, args.limit)):
        state = "undone" if op.undone else "done"
        print(f"{op.id}\t{op.at:%Y-%m-%d %H:%M} UTC\t{state}\t{op.label}\t{op.document_title}".rstrip(), file=out)


def cmd_undo(service: LibraryService, _args: argparse.Namespace, out: TextIO) -> None:
    """Undo the latest change."""
    print(f"Undone: {service.operations.undo().label}", file=out)


def cmd_redo(service: LibraryService, _args: argparse.Namespace, out: TextIO) -> None:
    """Redo the change undone last."""
    print(f"Redone: {service.operations.redo().label}", file=out)


def cmd_agreement(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """Compare the coders of a document theme by theme: print a table, or write it as CSV."""
    found = service.agreement(args.document)
    if args.csv is not None:
        write_whole(args.csv, agreement_csv(found))
        print(
            f"Wrote the agreement on {len(found)} theme{'s' if len(found) != 1 else ''} to {args.csv}", file=sys.stderr
        )
        return
    for row in [AGREEMENT_COLUMNS, *agreement_rows(found)]:
        print("\t".join(row), file=out)
