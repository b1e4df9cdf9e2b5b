"""Every benchmark still runs: each one at tiny sizes, its table checked instead of saved."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

import pytest

from benchmarks import common

# What each benchmark measures at full size, made small enough to run in seconds.
TINY: dict[str, dict[str, object]] = {
    "agreement": {"COUNTS": (40,), "REPEATS": 1},
    "cli": {"COUNTS": (30,), "DOCUMENTS": 2, "REPEATS": 1},
    "clippings": {"COUNTS": (20,), "BOOKS": 2, "REPEATS": 1},
    "exchange": {"COUNTS": (40,), "DOCUMENTS": 2, "REPEATS": 1},
    "export": {"HIGHLIGHTS": 200, "REPEATS": 1},
    "operations": {"COUNTS": (30,), "STEPS": 2, "REPEATS": 1, "START_REPEATS": 1, "WARM_UP": 1},
    "imports": {"PDF_PAGES": 3, "REPEATS": 1, "READ_REPEATS": 1, "OCR_PAGES": 1, "OCR_HEIGHT": 0.1},
    "reading_desk": {"HIGHLIGHTS": 100, "REPEATS": 1, "STEPS": 3},
    "reanchor": {"HIGHLIGHTS": 100, "EDITS": 20},
    "recovery": {"SIZES": (30,), "REPEATS": 1},
    "shared": {"COUNTS": (30,), "STEPS": 2, "WARM_UP": 1, "MEMBERS": (2,), "DURATION": 3.0, "SIZE": 40_000},
    "search": {"SCALES": ((2, 40),), "DOC_CHARS": 20_000, "REPEATS": 1, "IMPORTS": 1},
    "themes": {"TOP_THEMES": 3, "SUB_THEMES": 2, "HIGHLIGHTS": 200, "REPEATS": 1},
}


@pytest.mark.parametrize("name", sorted(TINY))
def test_the_benchmark_runs_at_tiny_sizes(
    name: str, monkeypatch: pytest.MonkeyPatch, qapp: object, request: pytest.FixtureRequest
) -> None:
    if name == "shared":
        request.getfixturevalue("postgres_server")  # skipped without PostgreSQL, as every shared-library test
    module: ModuleType = importlib.import_module(f"benchmarks.{name}")
    for constant, value in TINY[name].items():
        assert hasattr(module, constant), f"benchmarks.{name} no longer has {constant}"
        monkeypatch.setattr(module, constant, value)
    tiny_text: Callable[[int], str] = lambda size: common.book_text(min(size, 40_000))  # noqa: E731
    if hasattr(module, "book_text"):
        monkeypatch.setattr(module, "book_text", tiny_text)
    if hasattr(module, "SIZE"):
        monkeypatch.setattr(module, "SIZE", 40_000)
    tables: list[tuple[str, list[dict[str, object]]]] = []
    monkeypatch.setattr(module, "report", lambda table, rows: tables.append((table, rows)))
    module.main()
    [(table, rows)] = tables
    assert table == name and rows
    for row in rows:
        assert float(str(row["ours_ms"])) > 0 and float(str(row["baseline_ms"])) > 0, row
