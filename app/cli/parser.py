"""The command line's subcommands and their options (what `python -m app COMMAND --help` says)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.admin import cmd_backups, cmd_copy, cmd_group, cmd_install_desktop, cmd_restore_backup
from app.cli.common import QDA_FORMATS
from app.cli.exchange import cmd_backup, cmd_export, cmd_import_highlights, cmd_restore
from app.cli.reading import (
    cmd_agreement,
    cmd_edition,
    cmd_highlight,
    cmd_highlights,
    cmd_history,
    cmd_import,
    cmd_list,
    cmd_redo,
    cmd_search,
    cmd_text,
    cmd_undo,
)
from app.domain.export import ExportFormat, ExportOrder
from app.domain.search import HELP as SEARCH_SYNTAX
from app.importers.highlights import FORMATS as HIGHLIGHT_FORMATS
from app.services.group import ROLES as GROUP_ROLES


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

    p = commands.add_parser(
        "agreement", help="compare, theme by theme, the people who highlighted a document (kappa or alpha)"
    )
    p.add_argument("document", type=int, metavar="DOC", help="document id (see `list`)")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write the table as CSV to FILE instead")
    p.set_defaults(run=cmd_agreement)

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
