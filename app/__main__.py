"""Composition root: `python -m app` starts the reading desk."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import __version__
from app.cli.parser import add_commands
from app.cli.runner import run
from app.services.paths import LIBRARY_ENV, resolve_library


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="marginalia",
        description="Marginalia: an offline close-reading desk. With no command, opens the window.",
        epilog="DOC is a document id or an unambiguous title prefix. 'COMMAND --help' describes each command.",
    )
    parser.add_argument(
        "--library",
        metavar="LIBRARY",
        help=f"the library file to use, or a group's shared library as postgresql://HOST/DATABASE "
        f"(default: ${LIBRARY_ENV}, else a file in the platform's user data folder)",
    )
    parser.add_argument("--version", action="version", version=f"Marginalia {__version__}")
    add_commands(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and start the application; return the exit code."""
    args = build_parser().parse_args(argv)
    if args.command is not None:
        return run(args)
    library = resolve_library(args.library)
    # Qt is imported only when the window is wanted: the commands run without a display.
    from app.ui.window.application import run_gui

    return run_gui(library)


if __name__ == "__main__":
    sys.exit(main())
