"""The relay's SQLite queue: oldest first, durable, outcomes counted with the removal."""

import sqlite3
import time
from pathlib import Path

from segment_freshsales.relay.queue import Queue


def test_messages_come_out_oldest_first_and_leave_only_when_done(tmp_path: Path) -> None:
    queue = Queue(tmp_path / "queue.sqlite")
    assert queue.put([{"n": 1}, {"n": 2}]) == 2
    first = queue.next(timeout=0)
    assert first is not None and first[1] == {"n": 1}
    assert queue.next(timeout=0) == first  # still there until it has an outcome
    queue.done(first[0], "delivered")
    second = queue.next(timeout=0)
    assert second is not None and second[1] == {"n": 2}
    queue.done(second[0], "rejected")
    assert queue.next(timeout=0) is None
    assert queue.depth() == 0
    assert queue.counters() == {
        "accepted": 2,
        "delivered": 1,
        "rejected": 1,
        "failed": 0,
        "skipped": 0,
    }
    queue.close()


def test_what_was_committed_survives_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite"
    crashed = Queue(path)  # never closed: as after kill -9
    crashed.put([{"big": 2**70, "odd": "\ud800", "name": "Zoë"}])
    reopened = Queue(path)
    row = reopened.next(timeout=0)
    assert row is not None and row[1] == {"big": 2**70, "odd": "\ud800", "name": "Zoë"}
    assert reopened.counters()["accepted"] == 1
    reopened.close()
    crashed.close()


def test_the_queue_is_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite"
    queue = Queue(path)
    with sqlite3.connect(path) as probe:
        assert probe.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert queue.writable()
    queue.close()


def test_next_waits_for_a_message_no_longer_than_told(tmp_path: Path) -> None:
    queue = Queue(tmp_path / "queue.sqlite")
    started = time.monotonic()
    assert queue.next(timeout=0.05) is None
    assert 0.04 < time.monotonic() - started < 2
    queue.close()


def test_a_message_is_marked_when_its_delivery_starts_and_the_mark_survives(
    tmp_path: Path,
) -> None:
    path = tmp_path / "queue.sqlite"
    crashed = Queue(path)
    crashed.put([{"n": 1}])
    row = crashed.next(timeout=0)
    assert row is not None
    assert crashed.attempt(row[0]) is False  # the first delivery: nothing sent before
    assert crashed.attempt(row[0]) is True  # a failed one tried again
    reopened = Queue(path)  # as after kill -9
    again = reopened.next(timeout=0)
    assert again == row
    assert reopened.attempt(row[0]) is True
    reopened.close()
    crashed.close()


def test_a_queue_written_before_the_mark_existed_is_read_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite"
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, "
            "received REAL NOT NULL)"
        )
        old.executemany(
            "INSERT INTO messages (body, received) VALUES (?, 0)", [('{"n": 1}',), ('{"n": 2}',)]
        )
    old.close()
    queue = Queue(path)
    first = queue.next(timeout=0)
    assert first is not None and first[1] == {"n": 1}
    # The version before may have been delivering its oldest message: it counts as tried.
    assert queue.attempt(first[0]) is True
    queue.done(first[0], "delivered")
    second = queue.next(timeout=0)
    assert second is not None and second[1] == {"n": 2}
    assert (queue.attempt(second[0]), queue.attempt(second[0])) == (False, True)
    queue.close()
