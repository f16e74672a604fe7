"""Remembering which messageIds were delivered, so a redelivery does not make a twin."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol

__all__ = ["DeliveredIds", "MemoryIds", "SqliteIds", "open_delivered_ids"]


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
