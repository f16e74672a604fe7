"""Remembering which messageIds were delivered, so a redelivery does not make a twin.

Within a window only (`dedupe_window`, a week by default), as Segment's own deduplication
looks back a limited time: a messageId older than the window is forgotten, so a message sent
again after that long is delivered again. The oldest are pruned a bounded number at a time
as new ones are added, so memory and the file stay bounded by the messages of one window,
with no pause.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Final, Protocol

from segment_freshsales.delivery.sqlite_space import file_bytes, reclaim, reclaim_space

__all__ = [
    "DEFAULT_DEDUPE_WINDOW",
    "DeliveredIds",
    "MemoryIds",
    "NotSQLiteError",
    "SqliteIds",
    "open_delivered_ids",
    "require_sqlite",
]

DEFAULT_DEDUPE_WINDOW: Final = 7 * 24 * 3600.0
"""Seconds a delivered messageId is remembered, unless told otherwise."""
# Every _PRUNE_EVERY adds, up to _PRUNED_AT_ONCE expired messageIds are forgotten: more
# than were added meanwhile, so pruning outruns adding (a backlog left by a shorter window, or
# by a store opened after a pause, goes too), and few, so no add waits long. A statement per
# add would cost more than the add.
_PRUNE_EVERY: Final = 64
_PRUNED_AT_ONCE: Final = 4 * _PRUNE_EVERY
# In memory, pruning is cheap enough to do a little on every add.
_PRUNED_PER_MEMORY_ADD: Final = 4
# Free pages given back to the disk at most per prune.
_PAGES_AT_ONCE: Final = 64

# The first bytes of every SQLite database file (sqlite.org/fileformat.html, 1.3).
_SQLITE_HEADER: Final = b"SQLite format 3\x00"


class NotSQLiteError(sqlite3.DatabaseError):
    """A file that should hold a SQLite database holds something else. (A DatabaseError, as
    SQLite would raise later, without SQLite's terse "file is not a database".)"""


def require_sqlite(path: str | Path) -> None:
    """Raise NotSQLiteError unless `path` is missing, empty or a SQLite database file: the
    three that SQLite opens as a database (an empty or missing file becomes a new one)."""
    try:
        with Path(path).open("rb") as file:
            head = file.read(len(_SQLITE_HEADER))
    except OSError:
        return  # missing, a directory, unreadable: SQLite creates it or says why it cannot
    if head and head != _SQLITE_HEADER:
        raise NotSQLiteError(f"{path} is not a SQLite database")


class DeliveredIds(Protocol):
    """A set of messageIds delivered within the window."""

    def __contains__(self, message_id: object) -> bool: ...

    def add(self, message_id: str) -> None: ...

    def close(self) -> None: ...


def _checked(window: float) -> float:
    if not window > 0:
        raise ValueError(f"dedupe_window: expected a positive number of seconds, got {window}")
    return window


class MemoryIds:
    """Delivered messageIds of the last `window` seconds of `clock`, kept for the life of the
    client."""

    def __init__(
        self, window: float = DEFAULT_DEDUPE_WINDOW, clock: Callable[[], float] = time.time
    ) -> None:
        self._window = _checked(window)
        self._clock = clock
        self._ids: OrderedDict[str, float] = OrderedDict()  # when delivered, oldest first

    def __len__(self) -> int:
        """MessageIds held, some of them past the window until pruned."""
        return len(self._ids)

    def __contains__(self, message_id: object) -> bool:
        at = self._ids.get(message_id) if isinstance(message_id, str) else None
        return at is not None and at > self._clock() - self._window

    def add(self, message_id: str) -> None:
        now = self._clock()
        self._ids.pop(message_id, None)
        self._ids[message_id] = now
        for _ in range(_PRUNED_PER_MEMORY_ADD):
            oldest = next(iter(self._ids.items()), None)
            if oldest is None or oldest[1] > now - self._window:
                break
            del self._ids[oldest[0]]

    def close(self) -> None:
        """Nothing to release."""


class SqliteIds:
    """Delivered messageIds of the last `window` seconds of `clock` in a SQLite file: a
    restart or a replay after a crash remembers. Safe to share between threads."""

    def __init__(
        self,
        path: str | Path,
        window: float = DEFAULT_DEDUPE_WINDOW,
        clock: Callable[[], float] = time.time,
    ) -> None:
        require_sqlite(path)
        self.path = Path(path)
        self._window = _checked(window)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        reclaim_space(self._db)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL: a commit is not fsynced, so a power cut (not a crash of the process) may
        # forget the last messageIds. Their messages are then sent again as ones that may
        # have been sent (the relay's queue marks them first, durably), and a create is made
        # once even so; an fsync per delivered message would cost more than its requests.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS delivered (message_id TEXT PRIMARY KEY, at REAL NOT NULL)"
        )
        # Rows are added in the order they are delivered (a redelivery replaces its row with
        # a new one), so pruning reads the oldest by rowid: an index on `at` would add a third
        # tree to every insert (a third of its time) for no gain. Files of earlier versions
        # have that index: it goes, and its pages are given back as pruning goes.
        self._db.execute("DROP INDEX IF EXISTS delivered_at")
        self._added = 0

    def __len__(self) -> int:
        """MessageIds held, some of them past the window until pruned."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM delivered").fetchone()[0])

    def __contains__(self, message_id: object) -> bool:
        if not isinstance(message_id, str):
            return False
        since = self._clock() - self._window
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM delivered WHERE message_id = ? AND at > ?", (message_id, since)
            ).fetchone()
        return row is not None

    def add(self, message_id: str) -> None:
        """Keep `message_id` as delivered now; on the first add and every `_PRUNE_EVERY`
        after, forget some of those past the window and give the pages they held back."""
        now = self._clock()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO delivered (message_id, at) VALUES (?, ?)", (message_id, now)
            )
            self._added += 1
            # From the first add on: a run shorter than _PRUNE_EVERY prunes too.
            if self._added % _PRUNE_EVERY == 1:
                self._prune(now - self._window)

    def _prune(self, before: float) -> None:
        """Of the `_PRUNED_AT_ONCE` oldest messageIds, forget those delivered at or before
        `before`. (Reading no further: when the oldest are within the window, so are the rest,
        but for a wall clock set back, whose rows go when they become the oldest.)"""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            pruned = self._db.execute(
                "DELETE FROM delivered WHERE rowid IN "
                "(SELECT rowid FROM delivered ORDER BY rowid LIMIT ?) AND at <= ?",
                (_PRUNED_AT_ONCE, before),
            ).rowcount
            if pruned:
                reclaim(self._db, _PAGES_AT_ONCE)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def file_bytes(self) -> int:
        """The bytes the store takes on disk."""
        return file_bytes(self.path)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_delivered_ids(
    path: str | Path | None,
    window: float = DEFAULT_DEDUPE_WINDOW,
    clock: Callable[[], float] = time.time,
) -> DeliveredIds:
    """A SQLite store at `path`, or an in-memory one without; both forget messageIds older
    than `window` seconds of `clock`."""
    return MemoryIds(window, clock) if path is None else SqliteIds(path, window, clock)
