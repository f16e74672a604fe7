"""The relay tests' shared fixture: a fresh queue."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from segment_freshsales.relay.queue import Queue


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[Queue]:
    queue = Queue(tmp_path / "queue.sqlite")
    yield queue
    queue.close()
