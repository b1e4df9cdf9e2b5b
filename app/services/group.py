"""Setting up a group's shared library and its members: `python -m app group …`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from db import group
from db.failures import LibraryError
from db.group import ROLES, Member
from db.shared import is_shared, migrate_shared, shared_engine

T = TypeVar("T")

__all__ = ["ROLES", "Member", "add_member", "init_group", "members", "remove_member"]


@contextmanager
def _shared(address: str) -> Iterator[Engine]:
    if not is_shared(address):
        raise LibraryError(f"{address} is not a PostgreSQL address (postgresql://host/database).")
    engine = shared_engine(address)
    try:
        yield engine
    finally:
        engine.dispose()


def _run(address: str, work: Callable[[Engine], T]) -> T:
    with _shared(address) as engine:
        try:
            return work(engine)
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            raise LibraryError(f"The group's library refused: {reason}.") from exc


def init_group(address: str) -> None:
    """Make the schema (the same migrations as a file's) and the group's roles, grants and policies.

    Run by whoever administers the server (a role that may create roles).
    """

    def work(engine: Engine) -> None:
        migrate_shared(engine)
        group.set_up(engine)

    _run(address, work)


def add_member(address: str, role: str, kind: str) -> None:
    """Make `role` an owner, member or reader of the group (its login role is made if missing)."""
    _run(address, lambda engine: group.add_member(engine, role, kind))


def remove_member(address: str, role: str) -> None:
    """Take `role` out of the group: it can no longer connect to the library."""
    _run(address, lambda engine: group.remove_member(engine, role))


def members(address: str) -> list[Member]:
    """The group's members, with what each may do."""
    return _run(address, group.members)
