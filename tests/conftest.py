"""Shared fixtures. Qt runs offscreen: set before any Qt module is imported."""

from __future__ import annotations

import os
import uuid

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import create_engine, text

from app.services import LibraryService, open_service
from tests.postgres import Server, own_server, throwaway_server

T = TypeVar("T")


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    """A library file that does not exist yet."""
    return tmp_path / "library" / "library.sqlite"


@pytest.fixture
def service(library_path: Path) -> Iterator[LibraryService]:
    """A service over a new, empty library."""
    svc = open_service(library_path)
    yield svc
    svc.close()


def file_of(service: LibraryService) -> Path:
    """The library file of a service over one (the tests of a file's own behaviour use it)."""
    if service.path is None:
        raise AssertionError(f"{service.address} is a shared library, not a file")
    return service.path


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep preferences and the default library out of the real home folder."""
    monkeypatch.setenv("MARGINALIA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("MARGINALIA_LIBRARY", raising=False)


@contextmanager
def _required(servers: AbstractContextManager[T]) -> Iterator[T]:
    """A server the tests need: without PostgreSQL they are skipped saying what to install.

    Under CI the run fails instead: a shared library that is never tested must not pass as green.
    """
    try:
        with servers as server:
            yield server
    except RuntimeError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test the shared library: {exc}")
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for the shared-library tests (tests.postgres): its superuser's address."""
    with _required(throwaway_server()) as url:
        yield url


@pytest.fixture
def own_postgres() -> Iterator[Server]:
    """A PostgreSQL server for one test alone, which it may stop and start again."""
    with _required(own_server()) as server:
        yield server


@pytest.fixture
def shared_address(postgres_server: str) -> Iterator[str]:
    """The address of a new, empty PostgreSQL database, dropped after the test."""
    name = f"library_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
