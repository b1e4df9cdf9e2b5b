"""Writing a file the user asked for (an export, a codebook) whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

from app.services.errors import StorageError
from db import explain


def write_whole(path: Path, text: str | bytes) -> None:
    """Write `text` (in UTF-8) or bytes to `path`: beside it first, then renamed over it.

    A full disk or a kill leaves the file that was there before, never half a file.

    Raises:
        StorageError: Naming the file and why it was not written (a full disk says so).
    """
    path = path.expanduser()
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    try:
        with partial.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        partial.replace(path)
    except OSError as exc:
        reason = explain(exc, path, len(data))
        raise StorageError(f"{path} was not written: {reason}.") from exc
    finally:
        partial.unlink(missing_ok=True)
