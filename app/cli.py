"""The headless command line: everything but reading, without Qt.

Errors print one line on stderr and exit non-zero; there is never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from app.domain.editions import Placement
from app.domain.export import ExportFormat, ExportOrder, ExportTemplateError, highlight_json
from app.domain.search import HELP as SEARCH_SYNTAX
from app.domain.search import marked_snippet, plain_snippet
from app.domain.search import parse as parse_query
from app.domain.tags import TagPathError
from app.domain.values import Highlight
from app.importers import TextImportError, import_file
from app.importers.highlights import FORMATS as HIGHLIGHT_FORMATS
from app.services import (
    DamagedLibraryError,
    LibraryError,
    LibraryService,
    StorageError,
    backups,
    open_service,
    restore_from_backup,
)
from app.services.backup import RestoreError
from app.services.copying import copy_between
from app.services.desktop import install_desktop_entry
from app.services.files import write_whole
from app.services.group import ROLES as GROUP_ROLES
from app.services.group import add_member, init_group, remove_member
from app.services.group import members as group_members
from app.services.paths import resolve_library_path

EXIT_ERROR = 1
QDA_FORMATS = ("qdpx", "qdc")


class CliError(Exception):
    """A failure to report as one line."""


def add_commands(parser: argparse.ArgumentParser) -> None:
    """Add the headless subcommands to the main parser."""
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser(
        "import", help="import texts (id and title printed for each), or a QDA project (.qdpx) or codebook (.qdc)"
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="read text files in this encoding (e.g. iso8859-3) instead of the one detected",
    )
    p.add_argument(
        "--ocr",
        metavar="LANG",
        help="read scanned PDFs with Tesseract OCR in this language (its code: eng, deu, fra)",
    )
    p.set_defaults(run=cmd_import)

    p = commands.add_parser("list", help="list the documents with their highlight counts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_list)

    p = commands.add_parser("text", help="print a document's stored text")
    p.add_argument("doc", metavar="DOC", help="a document id or an unambiguous title prefix")
    p.set_defaults(run=cmd_text)

    p = commands.add_parser("highlight", help="highlight a quote found in a document")
    p.add_argument("doc", metavar="DOC", help="a document id or an unambiguous title prefix")
    p.add_argument("--quote", required=True, help="the exact words to highlight")
    p.add_argument("--occurrence", type=int, metavar="N", help="which occurrence, when the quote occurs more than once")
    p.add_argument("--tag", action="append", default=[], metavar="THEME", help="a theme such as power/soviets")
    p.add_argument("--note", default="", help="a note for the highlight")
    p.set_defaults(run=cmd_highlight)

    p = commands.add_parser("highlights", help="list a document's highlights")
    p.add_argument("doc", metavar="DOC", help="a document id or an unambiguous title prefix")
    p.add_argument("--tag", action="append", default=[], metavar="THEME", help="only these themes (and sub-themes)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_highlights)

    p = commands.add_parser("export", help="export highlights (Markdown by default)")
    p.add_argument("doc", nargs="?", metavar="DOC", help="one document (default: the whole library)")
    p.add_argument("--tag", action="append", default=[], metavar="THEME", help="only these themes (and sub-themes)")
    p.add_argument(
        "--format",
        choices=[*(f.value for f in ExportFormat), *QDA_FORMATS],
        default=ExportFormat.MARKDOWN.value,
        help="qdpx: a REFI-QDA project for QDA tools (needs --output); qdc: the codebook",
    )
    p.add_argument("--order", choices=[o.value for o in ExportOrder], default=ExportOrder.TEXT.value)
    p.add_argument("--no-notes", action="store_true", help="leave the notes out")
    p.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--template", type=Path, metavar="FILE", help="a Jinja2 template for Markdown")
    p.set_defaults(run=cmd_export)

    p = commands.add_parser(
        "import-highlights",
        help="bring in highlights made in Kindle, KOReader, Kobo, Hypothesis, calibre, Readwise, Zotero or W3C tools",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--document", metavar="DOC", help="put every highlight on this document (default: match by title)")
    p.add_argument("--format", choices=["auto", *HIGHLIGHT_FORMATS], default="auto")
    p.add_argument("--dry-run", action="store_true", help="say what would be imported; store nothing")
    p.add_argument(
        "--no-colours", action="store_true", help="leave highlight colours out (default: yellow → theme colour/yellow)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_import_highlights)

    p = commands.add_parser("backup", help="write the whole library to a JSON file")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(run=cmd_backup)

    p = commands.add_parser("restore", help="restore a JSON backup into an empty library")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(run=cmd_restore)

    p = commands.add_parser("edition", help="replace a document's text with a new edition, keeping its highlights")
    p.add_argument("doc", metavar="DOC", help="a document id or an unambiguous title prefix")
    p.add_argument("file", type=Path, metavar="FILE", help="the new edition (any importable file)")
    p.set_defaults(run=cmd_edition)

    p = commands.add_parser("history", help="list the latest changes, newest first")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="how many (default 20)")
    p.set_defaults(run=cmd_history)

    p = commands.add_parser("undo", help="undo the latest change (made here or in the window)")
    p.set_defaults(run=cmd_undo)

    p = commands.add_parser("redo", help="redo the change undone last")
    p.set_defaults(run=cmd_redo)

    p = commands.add_parser(
        "search",
        help="search the whole library (texts, quotes, notes, themes)",
        description="Search the whole library.\n\n" + SEARCH_SYNTAX,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", nargs="+", metavar="QUERY", help="the query (see above)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="how many hits at most (default 20)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_search)

    p = commands.add_parser("backups", help="list the library's automatic backups with dates and counts")
    p.set_defaults(run=cmd_backups, without_library=True)

    p = commands.add_parser(
        "restore-backup", help="replace the library with one of its backups (the current one is kept aside)"
    )
    p.add_argument(
        "backup", nargs="?", type=Path, metavar="BACKUP", help="a file listed by 'backups' (default: newest)"
    )
    p.set_defaults(run=cmd_restore_backup, without_library=True)

    p = commands.add_parser(
        "copy", help="copy a whole library, history included, between files and PostgreSQL (postgresql://host/db)"
    )
    p.add_argument("source", metavar="SOURCE", help="a library file, or a postgresql:// address")
    p.add_argument("target", metavar="TARGET", help="a new library file, or an empty PostgreSQL database")
    p.set_defaults(run=cmd_copy, without_library=True, addresses_given=True)

    p = commands.add_parser("group", help="set up a group's shared library on PostgreSQL, and its members")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = actions.add_parser("init", help="make the schema, the group's roles and what each may do")
    a.add_argument("address", metavar="URL", help="postgresql://host/database (an empty or shared library)")
    a = actions.add_parser("add-member", help="make a PostgreSQL role an owner, member or reader")
    a.add_argument("address", metavar="URL")
    a.add_argument("role", metavar="ROLE", help="the person's PostgreSQL login role (made if missing)")
    a.add_argument("--as", dest="kind", choices=GROUP_ROLES, default="member")
    a = actions.add_parser("remove-member", help="take a role out of the group: it can no longer connect")
    a.add_argument("address", metavar="URL")
    a.add_argument("role", metavar="ROLE")
    a = actions.add_parser("members", help="list the members with what each may do")
    a.add_argument("address", metavar="URL")
    p.set_defaults(run=cmd_group, without_library=True, addresses_given=True)

    p = commands.add_parser(
        "install-desktop", help="add Marginalia to this user's desktop menu (entry, icon, metadata)"
    )
    p.set_defaults(run=cmd_install_desktop, without_library=True)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run a parsed subcommand against the library; return the exit code.

    Args:
        args: The parsed command line.
        out: Where results go (standard output as it is when called, by default).
    """
    out = sys.stdout if out is None else out
    try:
        # copy and group name their libraries themselves.
        library = Path() if getattr(args, "addresses_given", False) else resolve_library_path(args.library)
    except LibraryError as exc:
        print(f"marginalia: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if getattr(args, "without_library", False):
        # Backup commands work on the file itself: they must work on a damaged library.
        try:
            args.run(library, args, out)
        except (CliError, LibraryError, OSError) as exc:
            print(f"marginalia {args.command}: {exc}", file=sys.stderr)
            return EXIT_ERROR
        return 0
    command: Callable[[LibraryService, argparse.Namespace, TextIO], None] = args.run
    try:
        service = open_service(library)
    except DamagedLibraryError as exc:
        print(f"marginalia: {exc} See 'backups' and 'restore-backup'.", file=sys.stderr)
        return EXIT_ERROR
    except LibraryError as exc:
        print(f"marginalia: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        command(service, args, out)
    except (CliError, StorageError, TextImportError, TagPathError, ExportTemplateError, RestoreError) as exc:
        print(f"marginalia {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"marginalia {args.command}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    finally:
        service.close()
    # Said after a command that worked: one that failed has said why in its one line.
    for notice in service.notices:
        print(f"marginalia: {notice}", file=sys.stderr)
    return 0


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
        _print_json(
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
    print(f"{highlight.id}\t{start}-{end}\t{_themes(highlight)}", file=out)


def cmd_highlights(service: LibraryService, args: argparse.Namespace, out: TextIO) -> None:
    """List a document's highlights."""
    doc = service.find_document(args.doc)
    [exported] = service.export_set(document_ids=[doc.id], themes=args.tag).documents
    if args.json:
        _print_json(
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
        print(f"{h.id}\t{where}\t{_themes(h)}\t{quote}", file=out)


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
        _print_json(
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


def cmd_group(_library: Path, args: argparse.Namespace, out: TextIO) -> None:
    """Set up a shared library's group, or change or list its members."""
    if args.action == "init":
        init_group(args.address)
        print("The shared library is ready: add its members with 'group add-member'.", file=out)
    elif args.action == "add-member":
        add_member(args.address, args.role, args.kind)
        print(f"{args.role} is now {'an' if args.kind == 'owner' else 'a'} {args.kind} of the group.", file=out)
    elif args.action == "remove-member":
        remove_member(args.address, args.role)
        print(f"{args.role} is no longer in the group.", file=out)
    else:
        for member in group_members(args.address):
            print(f"{member.role}\t{member.kind}", file=out)


def cmd_copy(_library: Path, args: argparse.Namespace, out: TextIO) -> None:
    """Copy a whole library between back ends."""
    copied = copy_between(args.source, args.target)
    print(f"Copied {copied.describe()}.", file=out)


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
    print(f"Restored {documents} documents, {highlights} highlights and {themes} themes into {service.path}", file=out)


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
        _print_json(
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


def cmd_backups(library: Path, _args: argparse.Namespace, out: TextIO) -> None:
    """List the backups, newest first."""
    found = backups(library)
    if not found:
        raise CliError(f"There are no backups of {library} yet.")
    for b in found:
        print(f"{b.created:%Y-%m-%d %H:%M} UTC\t{b.documents} documents\t{b.highlights} highlights\t{b.path}", file=out)


def cmd_restore_backup(library: Path, args: argparse.Namespace, out: TextIO) -> None:
    """Replace the library with a backup, keeping the current one."""
    chosen: Path | None = args.backup
    if chosen is None:
        found = backups(library)
        if not found:
            raise CliError(f"There are no backups of {library} to restore.")
        chosen = Path(found[0].path)
    kept = restore_from_backup(library, chosen)
    where = f"; the library it replaced is kept as {kept}" if kept else ""
    print(f"Restored {library} from {chosen}{where}", file=out)


def cmd_install_desktop(_library: Path, _args: argparse.Namespace, out: TextIO) -> None:
    """Install the desktop entry, icon and AppStream metadata under the user's data folder."""
    try:
        written = install_desktop_entry()
    except StorageError as exc:
        raise CliError(str(exc)) from exc
    for path in written:
        print(f"Wrote {path}", file=out)


def _themes(h: Highlight) -> str:
    return ", ".join(t.path for t in h.tags) or "-"


def _print_json(out: TextIO, value: Any) -> None:  # noqa: ANN401 - any JSON value
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
