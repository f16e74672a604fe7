"""Delivered messageIds are remembered for a window only, in memory and on disk, pruned as
new ones come; the file gives freed pages back."""

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import respx

from segment_freshsales import Client
from segment_freshsales.delivery.dedupe import (
    DEFAULT_DEDUPE_WINDOW,
    DeliveredIds,
    MemoryIds,
    SqliteIds,
)
from segment_freshsales.delivery.sqlite_space import file_bytes
from tests.delivery.helpers import API_KEY, VirtualTime
from translator import Settings

WEEK = 7 * 24 * 3600.0
Store = Callable[[Path, float, Callable[[], float]], DeliveredIds]
STORES: dict[str, Store] = {
    "memory": lambda _path, window, clock: MemoryIds(window, clock),
    "sqlite": lambda path, window, clock: SqliteIds(path / "delivered.sqlite", window, clock),
}


class Clock:
    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        return self.now


def count(store: DeliveredIds) -> int:
    assert isinstance(store, MemoryIds | SqliteIds)
    return len(store)


def test_the_default_window_is_a_week() -> None:
    assert DEFAULT_DEDUPE_WINDOW == WEEK


@pytest.mark.parametrize("kind", STORES)
def test_a_message_id_is_remembered_for_the_window_then_forgotten(
    kind: str, tmp_path: Path
) -> None:
    clock = Clock()
    store = STORES[kind](tmp_path, 100.0, clock)
    store.add("m-1")
    clock.now += 99.0
    assert "m-1" in store
    clock.now += 1.0  # exactly the window: gone, before any pruning
    assert "m-1" not in store
    assert 42 not in store
    store.close()


@pytest.mark.parametrize("kind", STORES)
def test_adding_again_restarts_the_window(kind: str, tmp_path: Path) -> None:
    clock = Clock()
    store = STORES[kind](tmp_path, 100.0, clock)
    store.add("m-1")
    clock.now += 150.0
    store.add("m-1")  # delivered again, after the window
    clock.now += 60.0
    assert "m-1" in store
    store.close()


@pytest.mark.parametrize("kind", STORES)
def test_expired_ids_are_pruned_while_adding_so_the_store_holds_one_window(
    kind: str, tmp_path: Path
) -> None:
    clock = Clock()
    store = STORES[kind](tmp_path, 1000.0, clock)
    for number in range(5000):
        store.add(f"m-{number}")
        clock.now += 1.0
    # One window of ids (1000), and at most one pruning's lag beyond it.
    assert 1000 <= count(store) <= 1100
    assert "m-3999" not in store and "m-4001" in store
    store.close()


def test_a_short_run_prunes_what_earlier_runs_left(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "delivered.sqlite"
    first = SqliteIds(path, 100.0, clock)
    for number in range(10):
        first.add(f"m-{number}")
    first.close()
    clock.now += 500.0  # the next run, long after
    second = SqliteIds(path, 100.0, clock)
    second.add("m-new")  # its only message
    assert len(second) == 1
    second.close()


def test_a_window_must_be_positive(tmp_path: Path) -> None:
    for window in (0.0, -1.0):
        with pytest.raises(ValueError, match="dedupe_window: expected a positive number"):
            MemoryIds(window)
        with pytest.raises(ValueError, match="dedupe_window: expected a positive number"):
            SqliteIds(tmp_path / "d.sqlite", window)


def test_the_file_gives_back_the_pages_of_pruned_ids(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "delivered.sqlite"
    store = SqliteIds(path, 100.0, clock)
    for number in range(10_000):
        store.add(f"message-{number:08d}-{'x' * 40}")
    full = file_bytes(path)
    clock.now += 101.0  # every id is past the window now
    for number in range(3000):
        store.add(f"later-{number}")
    store.close()  # checkpoints the write-ahead log into the file
    assert file_bytes(path) < full / 2
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # incremental


def test_a_file_made_without_incremental_vacuum_is_converted_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "delivered.sqlite"
    with sqlite3.connect(path) as db:  # as an earlier version made it
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE delivered (message_id TEXT PRIMARY KEY, at REAL NOT NULL)")
        db.execute("INSERT INTO delivered VALUES ('m-old', ?)", (1_790_000_000.0,))
    db.close()
    clock = Clock()
    store = SqliteIds(path, WEEK, clock)
    assert "m-old" in store
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA auto_vacuum").fetchone() == (2,)
    db.close()


def test_a_file_with_the_earlier_index_on_time_loses_it_and_prunes(tmp_path: Path) -> None:
    path = tmp_path / "delivered.sqlite"
    with sqlite3.connect(path) as db:  # as an earlier version made it
        db.execute("CREATE TABLE delivered (message_id TEXT PRIMARY KEY, at REAL NOT NULL)")
        db.execute("CREATE INDEX delivered_at ON delivered (at)")
        db.executemany("INSERT INTO delivered VALUES (?, 0.0)", [(f"m-{n}",) for n in range(9)])
    db.close()
    store = SqliteIds(path, WEEK, Clock())
    store.add("m-new")
    assert len(store) == 1  # the nine of long ago are gone
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall() == [
            ("sqlite_autoindex_delivered_1",)
        ]
    db.close()


def test_an_id_delivered_again_outlives_those_delivered_after_its_first_time(
    tmp_path: Path,
) -> None:
    clock = Clock()
    store = SqliteIds(tmp_path / "delivered.sqlite", 100.0, clock)
    store.add("m-again")
    for number in range(10):
        store.add(f"m-{number}")
    clock.now += 50.0
    store.add("m-again")
    clock.now += 60.0  # past the window of the ten, not of the second delivery
    for number in range(64):  # enough adds for a pruning
        store.add(f"later-{number}")
    assert "m-again" in store
    assert len(store) == 1 + 64
    store.close()


def test_one_store_is_shared_by_threads(tmp_path: Path) -> None:
    clock = Clock()
    store = SqliteIds(tmp_path / "delivered.sqlite", 10.0, clock)

    def add(prefix: str) -> None:
        for number in range(300):
            store.add(f"{prefix}-{number}")
            assert f"{prefix}-{number}" in store

    threads = [threading.Thread(target=add, args=(name,)) for name in "abc"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store) == 900
    store.close()


@pytest.mark.parametrize("on_disk", [False, True])
def test_a_message_sent_again_after_the_window_is_delivered_again(
    router: respx.Router, time_: VirtualTime, tmp_path: Path, on_disk: bool
) -> None:
    upsert = router.post("/leads/upsert").mock(
        return_value=httpx.Response(201, json={"lead": {"id": 101}})
    )
    message = {"type": "identify", "userId": "a@b.co", "messageId": "m-1"}
    with Client(
        Settings(domain="acme", api_key=API_KEY, lead_write="upsert"),
        transport=httpx.MockTransport(router.handler),
        dedupe_path=tmp_path / "delivered.sqlite" if on_disk else None,
        dedupe_window=3600.0,
        sleep=time_.sleep,
        clock=time_.clock,
        wall_clock=time_.wall_clock,
    ) as client:
        assert client.deliver(message).status == "delivered"
        time_.now += 3599.0
        assert client.deliver(message).status == "skipped"
        time_.now += 1.0
        assert client.deliver(message).status == "delivered"
        assert client.deliver(message).status == "skipped"
    assert upsert.call_count == 2
