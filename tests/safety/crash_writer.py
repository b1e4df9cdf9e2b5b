"""A process that writes highlights until it is killed, acknowledging each one on stdout.

Used by the safety tests: `python -m tests.safety.crash_writer LIBRARY [COUNT]` (without
COUNT it writes until killed).
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.importers import ImportedText
from app.services import open_service

TEXT = "\n\n".join(f"Paragraph {i}: all power to the Soviets, land to the peasants." for i in range(400))


def main() -> None:
    service = open_service(Path(sys.argv[1]))
    document = service.add_document(ImportedText.of(TEXT, title="Crash test")).value[0]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else None
    i = 0
    while count is None or i < count:
        start = (i * 37) % (len(TEXT) - 40)
        h = service.create_highlight(
            document.id, start, start + 20, tags=["crash/test", f"n{i % 5}"], note=f"note {i}"
        ).value
        # Printed only after the transaction committed: an acknowledged change.
        print(h.id, flush=True)
        i += 1


if __name__ == "__main__":
    main()
