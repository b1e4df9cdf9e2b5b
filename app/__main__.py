"""Composition root: `python -m app` starts the reading desk."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import __version__
from app.services.paths import LIBRARY_ENV, resolve_library_path


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="marginalia",
        description="Marginalia: an offline close-reading desk. With no command, opens the window.",
    )
    parser.add_argument(
        "--library",
        metavar="PATH",
        help=f"the library file to use (default: ${LIBRARY_ENV}, else the platform's user data folder)",
    )
    parser.add_argument("--version", action="version", version=f"Marginalia {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and start the application; return the exit code."""
    args = build_parser().parse_args(argv)
    library = resolve_library_path(args.library)
    # Qt is imported only when the window is wanted, so headless commands stay light.
    from app.ui.application import run_gui

    return run_gui(library)


if __name__ == "__main__":
    sys.exit(main())
