"""Helpers for the client's unit tests: a respx router as the transport, and virtual time."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from segment_freshsales import Client
from tests.delivery.helpers import BASE, SETTINGS, VirtualTime


@pytest.fixture
def router() -> Iterator[respx.Router]:
    router = respx.Router(base_url=BASE, assert_all_mocked=True)
    yield router


@pytest.fixture
def time_() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def make_client(
    router: respx.Router, time_: VirtualTime, tmp_path: Path
) -> Iterator[Callable[..., Client]]:
    clients: list[Client] = []

    def make(**options: Any) -> Client:
        options.setdefault("dead_letter", tmp_path / "dead-letter.jsonl")
        client = Client(
            options.pop("settings", SETTINGS),
            transport=httpx.MockTransport(router.handler),
            sleep=time_.sleep,
            clock=time_.clock,
            wall_clock=time_.wall_clock,
            seed=7,
            **options,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
