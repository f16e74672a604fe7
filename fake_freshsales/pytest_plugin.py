"""pytest plugin (entry point `pytest11`): the `fake_freshsales` fixture.

One server per test session (per xdist worker), reset before each test that asks for it, so a
test may change its switches (`fake_freshsales.admin.set_variants(...)`) without leaking them.
The fake is imported only when a test uses the fixture, so projects that never do pay nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

__all__ = ["fake_freshsales", "fake_freshsales_server"]

if TYPE_CHECKING:
    from .server import FakeFreshsales


@pytest.fixture(scope="session")
def fake_freshsales_server() -> Iterator[FakeFreshsales]:
    """The session's running fake; prefer `fake_freshsales`, which also resets it."""
    from .server import FakeFreshsales

    with FakeFreshsales() as fake:
        yield fake


@pytest.fixture
def fake_freshsales(fake_freshsales_server: FakeFreshsales) -> FakeFreshsales:
    """A running fake Freshsales in its initial state: `.url`, `.api_key`, `.admin`."""
    fake_freshsales_server.admin.reset()
    return fake_freshsales_server
