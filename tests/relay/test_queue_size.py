"""The relay's queue file stays as small as what it holds: a drained backlog gives its pages
back to the disk, and a queue made before that was possible is converted on open."""

import sqlite3
from pathlib import Path

from segment_freshsales.relay.queue import Queue

BODY = {"type": "track", "event": "Signed Up", "properties": {"note": "x" * 8000}}


def drain(queue: Queue) -> None:
    while (row := queue.next(timeout=0)) is not None:
        queue.done(row[0], "delivered")


def test_a_drained_backlog_gives_its_pages_back(tmp_path: Path) -> None:
    queue = Queue(tmp_path / "queue.sqlite")
    empty = queue.file_bytes()
    queue.put([BODY] * 500)  # about 4 MB
    backlog = queue.file_bytes()
    assert backlog > 4_000_000
    drain(queue)
    queue.close()  # checkpoints the write-ahead log into the file
    reopened = Queue(tmp_path / "queue.sqlite")
    assert reopened.file_bytes() < max(empty, 64 * 1024)
    assert reopened.counters()["delivered"] == 500
    reopened.close()


def test_file_bytes_counts_the_write_ahead_log(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite"
    queue = Queue(path)
    queue.put([BODY] * 10)
    wal = Path(f"{path}-wal")
    assert wal.exists()
    assert queue.file_bytes() == path.stat().st_size + wal.stat().st_size
    queue.close()


def test_a_queue_made_without_incremental_vacuum_is_converted_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite"
    first = Queue(path)
    first.put([{"n": 1}])
    first.close()
    with sqlite3.connect(path) as db:  # as an earlier version left it
        db.execute("PRAGMA auto_vacuum=NONE")
        db.execute("VACUUM")
        assert db.execute("PRAGMA auto_vacuum").fetchone() == (0,)
    db.close()
    queue = Queue(path)
    row = queue.next(timeout=0)
    assert row is not None and row[1] == {"n": 1}
    queue.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA auto_vacuum").fetchone() == (2,)
    db.close()
