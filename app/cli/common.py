"""What every command of the command line shares: its one-line errors and its JSON."""

from __future__ import annotations

import json
from typing import Any, TextIO

from app.domain.values import Highlight

EXIT_ERROR = 1
QDA_FORMATS = ("qdpx", "qdc")


class CliError(Exception):
    """A failure to report as one line."""


def themes_of(h: Highlight) -> str:
    """A highlight's themes as one column: paths separated by commas, or "-"."""
    return ", ".join(t.path for t in h.tags) or "-"


def print_json(out: TextIO, value: Any) -> None:  # noqa: ANN401 - any JSON value
    """Print a JSON value, indented, as people and programs read it."""
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
