"""What each person may change in a library, as the window asks before the server would refuse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.members import Person
from app.domain.values import Highlight

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def _by(author: str) -> Highlight:
    return Highlight(1, 1, 1, 0, 3, "All", "", "", "", (), NOW, NOW, author=author)


@pytest.mark.parametrize(
    ("person", "own", "another_s", "private_own"),
    [
        (Person(), True, True, False),  # a file: its one reader changes everything, keeps nothing apart
        (Person("ann", "owner"), True, True, True),
        (Person("ann", "member"), True, False, True),
        (Person("ann", "reader"), False, False, False),
        (Person("ann", None), True, True, True),  # the server could not say: it decides
    ],
)
def test_who_may_change_a_highlight_and_keep_its_note_private(
    person: Person, own: bool, another_s: bool, private_own: bool
) -> None:
    assert person.may_change(_by("ann")) is own
    assert person.may_change(_by("ben")) is another_s
    assert person.may_make_private(_by("ann")) is private_own
    assert not person.may_make_private(_by("ben"))
