"""The relay tests' shared fixtures: a fresh queue, and the fake account's user, who owns the
sales activities (an account refuses an activity without an owner)."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fake_freshsales import FakeFreshsales
from segment_freshsales.relay.queue import Queue


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[Queue]:
    queue = Queue(tmp_path / "queue.sqlite")
    yield queue
    queue.close()


def owner_email(fake: FakeFreshsales) -> str:
    """The email of the fake account's one user, as `GET /selector/owners` lists it."""
    response = httpx.get(f"{fake.url}/api/selector/owners", headers=fake.auth_headers)
    [user] = response.json()["users"]
    return str(user["email"])
