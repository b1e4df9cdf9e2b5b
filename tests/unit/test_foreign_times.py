"""Times other tools wrote are stored as the library stores every time: UTC."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from app.importers.base import utc_moment


@pytest.fixture
def far_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's clock set to Tokyo: a local-time conversion would show."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_east")
@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2024-05-01T10:00:00+02:00", datetime(2024, 5, 1, 8, 0)),
        ("2024-05-01T10:00:00.000000+00:00", datetime(2024, 5, 1, 10, 0)),
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, 0)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, 0)),
        ("yesterday", None),
        (None, None),
        (12, None),
    ],
)
def test_a_time_with_an_offset_becomes_utc(written: object, stored: datetime | None) -> None:
    assert utc_moment(written) == stored
