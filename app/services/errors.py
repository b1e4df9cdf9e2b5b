"""Errors the services raise, and the decorator that turns database failures into them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from db import explain
from db.shared import server_reason


class StorageError(Exception):
    """A change could not be saved (or data not read); nothing was half-written."""


class NotFoundError(StorageError):
    """The document, highlight or theme asked for is not in the library."""


class AmbiguityError(StorageError):
    """A name or quote matches more than one thing; the message lists how to choose."""


class _OnLibrary(Protocol):
    @property
    def path(self) -> Path | None: ...

    @property
    def address(self) -> str: ...


P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound=_OnLibrary)


def storage(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Turn database failures into a `StorageError` the UI and CLI can show plainly."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except SQLAlchemyError as exc:
            reason = server_reason(exc) if self.path is None else explain(exc, self.path)
            raise StorageError(f"The library {self.address} could not be updated: {reason}.") from exc

    return wrapper  # type: ignore[return-value]  # functools.wraps hides the ParamSpec from mypy
