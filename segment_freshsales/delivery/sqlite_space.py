"""Keeping a SQLite file that only ever deletes old rows as small as what it still holds.

SQLite keeps the pages of deleted rows in the file for reuse; with incremental auto-vacuum
the freed pages can be given back to the disk a few at a time, with no pause for a whole
`VACUUM`. The write-ahead log is capped too, since after a checkpoint it keeps its largest
size otherwise.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

__all__ = ["file_bytes", "reclaim", "reclaim_space"]

# sqlite.org/pragma.html#pragma_auto_vacuum: 2 is INCREMENTAL.
_INCREMENTAL: Final = 2
# The WAL is truncated to this after a checkpoint (SQLite checkpoints at about 4 MB).
_WAL_BYTES: Final = 4 * 1024 * 1024


def reclaim_space(db: sqlite3.Connection) -> None:
    """Set `db` up to give freed pages back (call before anything else on a new
    connection). A file made without incremental auto-vacuum is rewritten once, by a
    `VACUUM`: the mode cannot be switched otherwise."""
    if db.execute("PRAGMA auto_vacuum").fetchone()[0] != _INCREMENTAL:
        db.execute("PRAGMA auto_vacuum=INCREMENTAL")
        if db.execute("PRAGMA page_count").fetchone()[0] > 0:
            db.execute("VACUUM")
    db.execute(f"PRAGMA journal_size_limit={_WAL_BYTES}")


def reclaim(db: sqlite3.Connection, pages: int) -> None:
    """Give up to `pages` free pages back to the disk (in the caller's transaction, if any)."""
    free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
    # One page per statement: Python's sqlite3 steps a pragma once, and this one frees a
    # page per step.
    for _ in range(min(free, pages)):
        db.execute("PRAGMA incremental_vacuum(1)")


def file_bytes(path: str | Path) -> int:
    """The bytes a SQLite database takes on disk: its file and its write-ahead log."""
    parts = (Path(path), Path(f"{path}-wal"))
    return sum(part.stat().st_size for part in parts if part.exists())
