"""One simulated member of a group, for benchmarks.shared: a change every few seconds, each timed.

Run by benchmarks.shared as `python -m benchmarks.shared_member ADDRESS SECONDS INTERVAL SEED OUT`;
without Qt, so that a hundred of them fit on the machine beside the window.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from app.services import open_service


def member(address: str, seconds: float, interval: float, seed: int, out: str) -> None:
    """One simulated member: a highlight or a note of theirs every `interval` seconds; what each took, to `out`."""
    service = open_service(address)
    text = service.open_document(1, mark_opened=False).text
    rng = random.Random(seed)
    mine: list[int] = []
    done: list[dict[str, Any]] = []
    began = time.monotonic()
    next_at = began + rng.uniform(0, interval)
    while next_at < began + seconds:
        time.sleep(max(0.0, next_at - time.monotonic()))
        n = len(done)
        started = time.perf_counter()
        if mine and rng.random() < 0.4:
            on = rng.choice(mine)
            note = f"note {seed}-{n}"
            service.set_note(on, note)
            kind, what = "note", note
        else:
            at = rng.randrange(0, len(text) - 100)
            on = service.create_highlight(1, at, at + rng.randint(5, 60)).value.id
            mine.append(on)
            kind, what = "highlight", str(on)
        latency = time.perf_counter() - started
        done.append({"kind": kind, "what": what, "on": on, "latency": latency, "at": time.time()})
        next_at += interval
    service.close()
    Path(out).write_text(json.dumps(done))


if __name__ == "__main__":
    member(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
