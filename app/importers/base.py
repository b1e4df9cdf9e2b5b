"""What every importer returns, and the one error every importer raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict, Unpack

from app.domain.structure import Structure, TextBuilder, tidy
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


class ScanError(TextImportError):
    """A PDF whose pages are pictures: no text layer, or one that is not words. OCR can read it."""

    def __init__(self, path: Path | str, finding: str, remedy: str) -> None:
        """Record what was found ("it has no text layer (a scan)") and how to read it anyway."""
        self.finding = finding
        super().__init__(path, f"{finding} and {remedy}")


class Metadata(TypedDict, total=False):
    """What an importer may know about a text besides its words and title."""

    author: str
    source: str
    format: str  # the importer's format name: "text", "markdown", "pdf" ...
    date: str
    language: str


@dataclass(frozen=True, slots=True)
class ImportedText:
    """A decoded, normalised text ready to be stored.

    Build it with `ImportedText.of`, which normalises, so that no importer can forget to.
    """

    text: str
    title: str
    author: str
    source: str
    structure: Structure = field(default_factory=Structure)
    format: str = "text"
    date: str = ""
    language: str = ""

    @classmethod
    def of(
        cls, raw_text: str, *, title: str, structure: Structure | None = None, **metadata: Unpack[Metadata]
    ) -> ImportedText:
        """Normalise `raw_text` and wrap it with its metadata.

        `structure` must already refer to offsets of the normalised text (a
        `TextBuilder`'s does: see `built`).
        """
        return cls(
            text=normalise(raw_text),
            title=tidy(title),
            author=tidy(metadata.get("author", "")),
            source=metadata.get("source", ""),
            structure=structure or Structure(),
            format=metadata.get("format", "text"),
            date=tidy(metadata.get("date", "")),
            language=tidy(metadata.get("language", "")),
        )

    @classmethod
    def built(cls, builder: TextBuilder, *, title: str, **metadata: Unpack[Metadata]) -> ImportedText:
        """Wrap the text and structure a `TextBuilder` made (normalised block by block)."""
        text, structure = builder.build()
        return cls.of(text, title=title, structure=structure, **metadata)


def utc_moment(value: object) -> datetime | None:
    """Read an ISO 8601 time another tool wrote as the library stores times: UTC, without a zone.

    A time with an offset is converted to UTC; one without is taken as UTC already. Anything
    else (missing, not a time) is None.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        # A time in UTC ("Z", as tools write it) is read without its zone: converting each
        # one was a tenth of reading a project of 100,000 selections.
        moment = datetime.fromisoformat(value[:-1] if value.endswith("Z") else value)
    except ValueError:
        return None
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
