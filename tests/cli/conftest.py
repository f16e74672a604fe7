"""`fake`: a fake Freshsales set up as a user sets up a real account for `send` (a test
module may define its own)."""

import pytest

from fake_freshsales import FakeFreshsales
from tests.cli.helpers import owner_email


@pytest.fixture
def fake(fake_freshsales: FakeFreshsales, monkeypatch: pytest.MonkeyPatch) -> FakeFreshsales:
    """The fake with the activity type tracks are recorded as; its key, and its user as the
    owner of activities, in the env."""
    monkeypatch.setenv("FRESHSALES_OWNER", owner_email(fake_freshsales))
    fake_freshsales.admin.add_activity_type("Segment Event")
    monkeypatch.setenv("FRESHSALES_API_KEY", fake_freshsales.api_key)
    monkeypatch.delenv("FRESHSALES_DOMAIN", raising=False)
    return fake_freshsales
