"""Running a parsed command: open the library, run, and report any failure in one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from app.cli.common import EXIT_ERROR, CliError
from app.domain.export import ExportTemplateError
from app.domain.tags import TagPathError
from app.importers import TextImportError
from app.services import (
    DamagedLibraryError,
    LibraryError,
    LibraryService,
    StorageError,
    open_service,
)
from app.services.backup import RestoreError
from app.services.paths import resolve_library, shown_address


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run a parsed subcommand against the library; return the exit code.

    Args:
        args: The parsed command line.
        out: Where results go (standard output as it is when called, by default).
    """
    out = sys.stdout if out is None else out
    # copy and group name their libraries themselves.
    library = Path() if getattr(args, "addresses_given", False) else resolve_library(args.library)
    if getattr(args, "without_library", False):
        if isinstance(library, str):
            print(
                f"marginalia {args.command}: {shown_address(library)} is a shared library: its backups are its "
                "server's (pg_dump, by the group's owner); 'copy' takes a copy of it into a file.",
                file=sys.stderr,
            )
            return EXIT_ERROR
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
