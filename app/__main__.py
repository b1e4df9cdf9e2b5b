"""Composition root: `python -m app` starts the reading desk."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from app import __version__


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    # The commands bring in the services (and SQLAlchemy): imported here, while main
    # holds the cycle collector off.
    from app.cli.parser import add_commands
    from app.services.paths import LIBRARY_ENV

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
    # Starting makes some hundred thousand objects that live as long as the program
    # (modules, classes, Qt's types, the window), and Python's cycle collector walked
    # them about 200 times on the way: 60 ms of a 0.7 s start. It is held off until the
    # command starts, or the window has been shown (run_gui), and always back on after.
    gc.disable()
    try:
        args = build_parser().parse_args(argv)
        if args.command is not None:
            from app.cli.runner import run

            # What starting made lives as long as the command: set aside, as the window
            # does, or the first collection walks all of it (60 ms, one in ten of `list`).
            gc.freeze()
            gc.enable()
            return run(args)
        from app.services.paths import resolve_library

        library = resolve_library(args.library)
        # Qt is imported only when the window is wanted: the commands run without a display.
        from app.ui.window.application import run_gui

        return run_gui(library)
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
