"""The relay's durable queue: accepted messages in SQLite until each has an outcome.

A message is committed (WAL, fsync on every commit) before the relay answers 200, and leaves
the queue only in the transaction that counts its outcome. A crash at any moment therefore
leaves every message either counted or still queued; the one that was being delivered is
delivered again on start. The client's messageId store skips it when its delivery was
recorded; when it was not, the queue's mark that its delivery had started (`attempt`, durable
before any request) makes the client look for its sales activity before sending it again.

The file stays as small as what it holds: the pages delivered messages leave are given back
to the disk (incremental auto-vacuum), so a backlog, once drained, does not keep its size.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from segment_freshsales.delivery.sqlite_space import file_bytes, reclaim, reclaim_space

__all__ = ["COUNTERS", "Queue"]

COUNTERS: Final = ("accepted", "delivered", "rejected", "failed", "skipped")
# Free pages given back to the disk at most per message done: a drained backlog shrinks the
# file over the next messages, with no pause for a whole VACUUM.
_PAGES_PER_DONE: Final = 8
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL,
    received REAL NOT NULL,
    attempted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


class Queue:
    """Accepted messages, oldest first, safe to share between threads.

    ```python
    queue = Queue(state_dir / "queue.sqlite")
    queue.put([message, ...])           # durable when it returns
    row = queue.next(timeout=1.0)       # (row id, message) of the oldest, or None
    queue.attempt(row_id)               # delivery starts; True when it had started before
    queue.done(row_id, "delivered")     # gone from the queue, counted
    ```
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        reclaim_space(self._db)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: in WAL mode, NORMAL does not fsync at commit, and an accepted message must
        # survive a power cut, not only a crash of the process.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._add_the_mark()
        self._lock = threading.Lock()
        self._added = threading.Condition(self._lock)

    def _add_the_mark(self) -> None:
        """Add the `attempted` column to a queue written by a version without it."""
        with self._transaction():
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(messages)")}
            if "attempted" in columns:
                return
            self._db.execute("ALTER TABLE messages ADD COLUMN attempted INTEGER NOT NULL DEFAULT 0")
            # That version may have been delivering its oldest message when it stopped.
            self._db.execute(
                "UPDATE messages SET attempted = 1 WHERE id = (SELECT min(id) FROM messages)"
            )

    def put(self, messages: Iterable[dict[str, Any]]) -> int:
        """Append messages in one transaction; returns how many."""
        # ASCII JSON: keeps integers beyond 64 bits and escaped lone surrogates as they came.
        rows = [(json.dumps(message), time.time()) for message in messages]
        with self._added:
            with self._transaction():
                self._db.executemany("INSERT INTO messages (body, received) VALUES (?, ?)", rows)
                self._count("accepted", len(rows))
            self._added.notify_all()
        return len(rows)

    def next(self, timeout: float) -> tuple[int, dict[str, Any]] | None:
        """The oldest queued message, waiting up to `timeout` seconds for one."""
        with self._added:
            row = self._oldest()
            if row is None:
                self._added.wait(timeout)
                row = self._oldest()
        return None if row is None else (row[0], json.loads(row[1]))

    def _oldest(self) -> tuple[int, str] | None:
        row = self._db.execute("SELECT id, body FROM messages ORDER BY id LIMIT 1").fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def attempt(self, row_id: int) -> bool:
        """Mark a message as being delivered, durably, before any request is sent for it;
        whether it was marked before (an earlier delivery may have sent requests)."""
        with self._lock, self._transaction():
            row = self._db.execute(
                "SELECT attempted FROM messages WHERE id = ?", (row_id,)
            ).fetchone()
            self._db.execute("UPDATE messages SET attempted = 1 WHERE id = ?", (row_id,))
        return row is not None and bool(row[0])

    def done(self, row_id: int, status: str) -> None:
        """Remove a message that has its outcome, and count the outcome, atomically; give
        back to the disk a few of the pages delivered messages freed."""
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM messages WHERE id = ?", (row_id,))
            self._count(status, 1)
            reclaim(self._db, _PAGES_PER_DONE)

    def wake(self) -> None:
        """Wake a waiting `next` (the worker is stopping)."""
        with self._added:
            self._added.notify_all()

    def depth(self) -> int:
        """Messages waiting for an outcome."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM messages").fetchone()[0])

    def oldest_age(self) -> float | None:
        """Seconds since the oldest queued message was received; None when none is queued."""
        with self._lock:
            row = self._db.execute("SELECT min(received) FROM messages").fetchone()
        return None if row[0] is None else max(0.0, time.time() - float(row[0]))

    def counters(self) -> dict[str, int]:
        """Messages accepted, and outcomes, since the queue was created."""
        with self._lock:
            rows = dict(self._db.execute("SELECT name, value FROM counters").fetchall())
        return {name: int(rows.get(name, 0)) for name in COUNTERS}

    def file_bytes(self) -> int:
        """The bytes the queue takes on disk."""
        return file_bytes(self.path)

    def writable(self) -> bool:
        """Whether a write transaction can be taken now."""
        try:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            return False
        return True

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _count(self, name: str, amount: int) -> None:
        self._db.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            (name, amount),
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an error (the caller holds the lock)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
