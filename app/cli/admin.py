"""The command line's commands on whole libraries: backups, copies, groups, the desktop entry.

Each works on a library file or address itself, without opening a library first.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from app.cli.common import CliError
from app.services import (
    StorageError,
    backups,
    restore_from_backup,
)
from app.services.copying import copy_between
from app.services.desktop import install_desktop_entry
from app.services.group import add_member, init_group, remove_member
from app.services.group import members as group_members


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


def cmd_copy(_library: Path, args: argparse.Namespace, out: TextIO) -> None:
    """Copy a whole library between back ends."""
    copied = copy_between(args.source, args.target)
    print(f"Copied {copied.describe()}.", file=out)


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


def cmd_install_desktop(_library: Path, _args: argparse.Namespace, out: TextIO) -> None:
    """Install the desktop entry, icon and AppStream metadata under the user's data folder."""
    try:
        written = install_desktop_entry()
    except StorageError as exc:
        raise CliError(str(exc)) from exc
    for path in written:
        print(f"Wrote {path}", file=out)
