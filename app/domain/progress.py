"""Long work that reports how far it got and can be stopped: an import, a re-anchoring."""

from __future__ import annotations

from collections.abc import Callable

# Called with (done, total) as the work goes; it may raise Cancelled to stop it.
Progress = Callable[[int, int], None]


class Cancelled(Exception):  # noqa: N818 - a user's choice, not an error
    """The user cancelled the work; nothing was stored."""
