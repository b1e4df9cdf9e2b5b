"""What every importer returns, and the one error every importer raises."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.domain.text import normalise

# A text larger than this is almost certainly not something a person reads closely,
# and decoding it would hold several times its size in memory.
MAX_TEXT_BYTES = 200 * 1024 * 1024


class TextImportError(Exception):
    """A file could not be imported; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        """Record the file and the reason, and build the message shown to the user."""
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"Cannot import {self.path.name}: {reason}.")


@dataclass(frozen=True, slots=True)
class ImportedText:
    """A decoded, normalised text ready to be stored.

    Build it with `ImportedText.of`, which normalises, so that no importer can forget to.
    """

    text: str
    title: str
    author: str
    source: str

    @classmethod
    def of(cls, raw_text: str, *, title: str, author: str = "", source: str = "") -> ImportedText:
        """Normalise `raw_text` and wrap it with its metadata."""
        return cls(text=normalise(raw_text), title=title.strip(), author=author.strip(), source=source)
