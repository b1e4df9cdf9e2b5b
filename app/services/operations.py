"""Operations: every change is one transaction with one row in the library's history.

A service method opens `Operations.record`; the journal's triggers (db.journal) note every
row the transaction touches, and when it ends one `operations` row is written in the same
transaction with the label, the time, the changes and the rows' images before (and the
digest of each row after). Undo writes the before images back, in reverse order, after
checking that every row is still what the change left; redo writes the after images again.
Nothing about undo lives in the UI or in the services' signatures.
"""

from __future__ import annotations

import getpass
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.domain.changes import Changes, Done, OperationSummary
from app.domain.text import excerpt
from app.services import oplog
from app.services.entries import changes_of, digest, pack, unpack
from app.services.errors import StorageError, storage
from app.services.part import LibraryPart
from db import Library, journal, search, shared
from db.models import OperationRow, utcnow

T = TypeVar("T")

# At least this many operations are kept; older ones are pruned as new ones come.
KEEP = 1000
# Saves of one note closer together than this are one step to undo.
MERGE_WINDOW = timedelta(minutes=2)

_NOUNS = {
    "documents": "the document",
    "document_versions": "an edition of the document",
    "tags": "the theme",
    "highlights": "the highlight",
    "highlight_tags": "the themes of a highlight",
    "private_notes": "the private note of a highlight",
}


class UndoError(StorageError):
    """An undo or redo that cannot be made; the message says why. Nothing was changed."""


def default_author() -> str:
    """Return who is making changes: the name the person logged in with."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _index(conn: Connection, changes: Changes) -> None:
    """Keep the search index in step with a change, in the change's own transaction."""
    search.refresh(
        conn,
        documents=changes.texts,
        highlights=changes.highlights_added | changes.highlights_changed | changes.highlights_removed,
        themes=changes.themes,
    )


@dataclass
class Recording:
    """An operation being made: its session, and the label and document to record."""

    session: Session
    label: str
    document_id: int | None = None
    merge_key: str = ""
    changes: Changes = field(default_factory=Changes)

    def done(self, value: T) -> Done[T]:
        """Return the value with what this operation changed and its label."""
        return Done(value, self.changes, self.label)


class Operations(LibraryPart):
    """The library's history of changes: recording, undo, redo, and what changed since."""

    def __init__(self, library: Library, author: str) -> None:
        """Record changes as `author`; this process's changes carry a token of its own."""
        super().__init__(library.sessions, library.path, library.address)
        self.sessions = library.sessions
        self._engine = library.engine
        self.author = author
        self.origin = secrets.token_hex(8)
        self._watcher: journal.Watching | None = None
        self._seen: int | None = None  # the newest stamp taken in (None: not watching yet)
        # What Ctrl+Z and Ctrl+Shift+Z would do: read once, then kept until something else
        # changes the history (an undo, a redo, another window's or process's change).
        self._steps: tuple[OperationSummary | None, OperationSummary | None] | None = None

    @contextmanager
    def record(self, label: str, document_id: int | None = None) -> Iterator[Recording]:
        """Run one change in one transaction and write its operation row with it.

        A change that touches nothing writes no row. Set `label` and `document_id` on the
        yielded recording when they are known only inside.
        """
        written: OperationSummary | None = None
        with self._sessions.begin() as s:
            conn = s.connection()
            journal.start(conn)
            recording = Recording(s, label, document_id)
            yield recording
            s.flush()
            entries = journal.read(conn)
            if entries:
                recording.changes = changes_of(entries)
                _index(conn, recording.changes)
                written = self._write(s, recording, entries)
        if written is not None:
            # Known once committed: Ctrl+Z now undoes this, and nothing is left to redo.
            self._steps = (written, None)

    def _write(self, s: Session, recording: Recording, entries: list[journal.Entry]) -> OperationSummary:
        packed = [
            # An update is keyed as the row was before it (the key may be what changed).
            [
                e.table,
                journal.key_of(e.table, json.loads(e.before) if e.before and e.after else e.row),
                e.before,
                digest(e.after),
            ]
            for e in entries
        ]
        now = utcnow()
        conn = s.connection()
        # The library's newest change, if it is this author's (another's in between: no merge).
        newest = oplog.newest_id(conn) if recording.merge_key else None
        last = s.get(OperationRow, newest) if newest is not None else None
        if (
            recording.merge_key
            and last is not None
            and last.state == 0
            and last.merge_key == recording.merge_key
            and last.origin == self.origin
            and now - last.at < MERGE_WINDOW
        ):
            last.entries = pack(unpack(last.entries) + packed)
            last.changes = (Changes.from_json(last.changes) | recording.changes).to_json()
            last.at, last.stamp = now, oplog.next_stamp(conn)
            return oplog.summary(conn, last)
        return oplog.append(
            conn,
            label=recording.label,
            author=self.author,
            origin=self.origin,
            at=now,
            document_id=recording.document_id,
            changes=recording.changes,
            entries=pack(packed),
            merge_key=recording.merge_key,
            keep=KEEP,
        )

    # Undo and redo ------------------------------------------------------------------

    @storage
    def undo(self, down_to: int | None = None) -> Done[list[OperationSummary]]:
        """Undo the newest change, or every change of this author back to `down_to` included.

        The label names what was undone (the change's own label).

        Raises:
            UndoError: If there is nothing to undo, or a row a change touched has since
                been changed by something not undone with it; nothing is changed then.
        """
        self._steps = None
        with self._sessions.begin() as s:
            conn = s.connection()
            stmt = select(OperationRow).where(OperationRow.state == 0, OperationRow.author == self.author)
            stmt = stmt.where(OperationRow.id >= down_to) if down_to is not None else stmt.limit(1)
            targets = list(s.execute(stmt.order_by(OperationRow.id.desc())).scalars())
            if not targets:
                raise UndoError("There is nothing to undo.")
            journal.start(conn)
            journal.defer_links(conn)
            stamp = oplog.next_stamp(s.connection())
            for op in targets:
                steps = [
                    journal.Step(table, tuple(key), after, before) for table, key, before, after in unpack(op.entries)
                ][::-1]
                found, failed = journal.replay(conn, steps, lambda step, image: digest(image) == step.expected)
                if failed is not None:
                    raise UndoError(self._conflict(s, "undo", op, conn, failed))
                op.redo = pack(found[::-1])
                op.state, op.stamp, op.origin = 1, stamp, self.origin
            changes = changes_of(journal.read(conn))
            _index(conn, changes)
            summaries = [self._summary(s, op) for op in targets]
            label = targets[0].label if len(targets) == 1 else f"{len(targets)} changes back to “{targets[-1].label}”"
            # Undone changes are always newer than those still done: the oldest undone is
            # what Ctrl+Shift+Z redoes now. (The rows' new states are written first: the
            # log is read through the core, which does not flush the session.)
            s.flush()
            coming = (self._next(s, 0, newest=True), summaries[-1])
        self._steps = coming
        return Done(summaries, changes, label)

    @storage
    def redo(self) -> Done[list[OperationSummary]]:
        """Redo the change undone last (the list holds it alone).

        Raises:
            UndoError: If there is nothing to redo, or the rows it would write have been
                changed since it was undone.
        """
        self._steps = None
        with self._sessions.begin() as s:
            conn = s.connection()
            op = s.execute(
                select(OperationRow)
                .where(OperationRow.state == 1, OperationRow.author == self.author)
                .order_by(OperationRow.id)
                .limit(1)
            ).scalar_one_or_none()
            if op is None or op.redo is None:
                raise UndoError("There is nothing to redo.")
            journal.start(conn)
            journal.defer_links(conn)
            steps = [
                journal.Step(table, tuple(key), before, image)
                for (table, key, before, _after), image in zip(unpack(op.entries), unpack(op.redo), strict=True)
            ]
            _found, failed = journal.replay(conn, steps, lambda step, image: image == step.expected)
            if failed is not None:
                raise UndoError(self._conflict(s, "redo", op, conn, failed))
            op.redo, op.state, op.stamp, op.origin = None, 0, oplog.next_stamp(s.connection()), self.origin
            changes = changes_of(journal.read(conn))
            _index(conn, changes)
            redone = self._summary(s, op)
            s.flush()
            coming = (redone, self._next(s, 1, newest=False))
        self._steps = coming
        return Done([redone], changes, op.label)

    def _conflict(self, s: Session, verb: str, op: OperationRow, conn: Connection, step: journal.Step) -> str:
        table = step.table
        image = journal.current_many(conn, table, [step.key]).get(step.key) or step.expected or step.image
        what = _NOUNS[table]
        row = json.loads(image) if image else {}
        if table == "highlights" and row.get("exact"):
            what = f"{what} “{excerpt(row['exact'])}”"
        elif table in ("tags", "documents") and (row.get("name") or row.get("title")):
            what = f"{what} “{excerpt(row.get('name') or row.get('title') or '')}”"
        later = oplog.later(conn, op.id)
        by = f" by “{later.label}” ({later.author or 'someone'})" if later is not None else ""
        return (
            f"Cannot {verb} “{op.label}”: {what} was changed since{by}. "
            f"Nothing was changed; {verb} that later change first if it should go."
        )

    # Reading the history ------------------------------------------------------------

    @storage
    def history(self, limit: int = KEEP) -> list[OperationSummary]:
        """Return this author's changes, newest first (undone ones, still redoable, included)."""
        with self._sessions.begin() as s:
            rows = s.execute(
                select(OperationRow)
                .where(OperationRow.author == self.author)
                .order_by(OperationRow.id.desc())
                .limit(limit)
            ).scalars()
            return [self._summary(s, op) for op in rows]

    @storage
    def next_undo(self) -> OperationSummary | None:
        """Return the change Ctrl+Z would undo, if any."""
        return self.next_steps()[0]

    @storage
    def next_redo(self) -> OperationSummary | None:
        """Return the change Ctrl+Shift+Z would redo, if any."""
        return self.next_steps()[1]

    @storage
    def next_steps(self) -> tuple[OperationSummary | None, OperationSummary | None]:
        """Return what Ctrl+Z would undo and Ctrl+Shift+Z would redo, in one transaction."""
        if self._steps is None:
            with self._sessions.begin() as s:
                self._steps = (self._next(s, 0, newest=True), self._next(s, 1, newest=False))
        return self._steps

    def _next(self, s: Session, state: int, *, newest: bool) -> OperationSummary | None:
        return oplog.next_of(s.connection(), self.author, state, newest=newest)

    @storage
    def stamp(self) -> int:
        """Return the library's newest stamp: changes after it are news."""
        with self._sessions.begin() as s:
            return oplog.next_stamp(s.connection()) - 1

    @storage
    def changes_since(self, stamp: int) -> tuple[int, Changes]:
        """Return the newest stamp and what others (windows, processes) changed after `stamp`."""
        with self._sessions.begin() as s:
            rows = oplog.since(s.connection(), stamp)
        changes = Changes()
        for row in rows:
            stamp = max(stamp, row.stamp)
            if row.origin != self.origin:
                changes = changes | Changes.from_json(row.changes)
        return stamp, changes

    @storage
    def news(self) -> Changes:
        """Return what other windows and processes changed since the last call (cheap when nothing did).

        The first call only starts watching.
        """
        try:
            if self._seen is None:
                self._watcher = self._watch()
                self._seen = self.stamp()
                return Changes()
            if self._watcher is None:
                # Watching again after the file or the server was away: whatever was
                # committed meanwhile is news, read from the history below.
                self._watcher = self._watch()
            elif not self._watcher.changed():
                return Changes()
        except journal.WatchError as exc:
            # Not watchable now (the file moved away or is being restored, the server went):
            # look again later. A server gone is said: changes to it are refused meanwhile.
            self.close()
            if self.path is None:
                raise StorageError(
                    f"The shared library {self.address} cannot be reached now ({exc}). Marginalia will reconnect."
                ) from exc
            return Changes()
        seen, changes = self.changes_since(self._seen)
        if seen != self._seen:
            self._steps = None  # another process may have undone or redone this person's changes
        self._seen = seen
        return changes

    def _watch(self) -> journal.Watching:
        return journal.Watcher(self.path) if self.path else shared.Listener(self._engine)

    def close(self) -> None:
        """Stop watching for other processes' changes."""
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    @staticmethod
    def _summary(s: Session, op: OperationRow) -> OperationSummary:
        return oplog.summary(s.connection(), op)


class RecordedPart(LibraryPart):
    """A part of the services whose every change is one recorded operation."""

    def __init__(self, operations: Operations) -> None:
        """Work on the library of `operations`, recording changes there."""
        super().__init__(operations.sessions, operations.path, operations.address)
        self._operations = operations
