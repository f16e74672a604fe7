"""Remembering which messageIds were delivered, so a redelivery does not make a twin."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Final, Protocol

__all__ = [
    "DeliveredIds",
    "MemoryIds",
    "NotSQLiteError",
    "SqliteIds",
    "open_delivered_ids",
    "require_sqlite",
]

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
    """A set of delivered messageIds."""

    def __contains__(self, message_id: object) -> bool: ...

    def add(self, message_id: str) -> None: ...

    def close(self) -> None: ...


class MemoryIds:
    """Delivered messageIds kept for the life of the client."""

    def __init__(self) -> None:
        self._ids: set[str] = set()

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._ids

    def add(self, message_id: str) -> None:
        self._ids.add(message_id)

    def close(self) -> None:
        """Nothing to release."""


class SqliteIds:
    """Delivered messageIds in a SQLite file: a restart or a replay after a crash remembers."""

    def __init__(self, path: str | Path) -> None:
        require_sqlite(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS delivered (message_id TEXT PRIMARY KEY, at REAL NOT NULL)"
        )

    def __contains__(self, message_id: object) -> bool:
        if not isinstance(message_id, str):
            return False
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM delivered WHERE message_id = ?", (message_id,)
            ).fetchone()
        return row is not None

    def add(self, message_id: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO delivered (message_id, at) VALUES (?, ?)",
                (message_id, time.time()),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_delivered_ids(path: str | Path | None) -> DeliveredIds:
    """A SQLite store at `path`, or an in-memory one without."""
    return MemoryIds() if path is None else SqliteIds(path)
