"""Re-anchoring speed: a 5 MB text, 10,000 highlights, a new edition with scattered edits.

Run: .venv/bin/python -m benchmarks.reanchor
Baseline, in the same run: a bare windowed `str.find` of each quote near its old offset,
the least any re-anchoring does (it finds unchanged quotes and nothing else).
"""

from __future__ import annotations

import random

from app.domain.anchoring import reanchor
from benchmarks.common import book_text, report, timed

SIZE = 5 * 1024 * 1024
HIGHLIGHTS = 10_000
EDITS = 2_000


def edition(text: str, rng: random.Random) -> str:
    """Scattered edits: words replaced, sentences inserted and deleted, all over the text."""
    pieces: list[str] = []
    last = 0
    for at in sorted(rng.sample(range(len(text) - 200), EDITS)):
        if at < last:
            continue
        pieces.append(text[last:at])
        kind = rng.random()
        if kind < 0.4:
            pieces.append("revised wording ")
            last = at + rng.randint(5, 30)
        elif kind < 0.7:
            pieces.append(" An inserted sentence of the new edition. ")
            last = at
        else:
            last = at + rng.randint(20, 120)
    pieces.append(text[last:])
    return "".join(pieces)


def main() -> None:
    rng = random.Random(1917)
    old = book_text(SIZE)
    new = edition(old, rng)
    highlights = []
    for start in rng.sample(range(len(old) - 300), HIGHLIGHTS):
        end = start + rng.randint(15, 200)
        highlights.append({"start": start, "end": end, "exact": old[start:end]})

    def bare() -> None:
        for h in highlights:
            start = int(h["start"])  # type: ignore[call-overload]
            new.find(str(h["exact"]), max(0, start - 20_000), start + 20_000)

    results: list[tuple[int, int] | None] = []

    def ours() -> None:
        results[:] = reanchor(old, new, highlights)

    baseline = timed(bare)
    seconds = timed(ours)
    orphans = sum(r is None for r in results)
    unchanged = sum(1 for h, r in zip(highlights, results, strict=True) if r and new[r[0] : r[1]] == h["exact"])
    print(f"found verbatim {unchanged}, changed but placed {HIGHLIGHTS - unchanged - orphans}, orphans {orphans}")
    report(
        "reanchor",
        [
            {
                "measure": "re-anchor 10k highlights, 5 MB, scattered edits",
                "ours_ms": seconds * 1000,
                "baseline_ms": baseline * 1000,
                "ratio": seconds / baseline,
                "target": "< 2 s",
            }
        ],
    )


if __name__ == "__main__":
    main()
