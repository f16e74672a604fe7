"""The embedded fake: a child process, set up over its admin API, gone when stopped."""

import shutil
import sys

import httpx
import pytest

from segment_freshsales import RateLimits
from segment_freshsales.cli import embedded_fake
from segment_freshsales.cli.embedded_fake import EmbeddedFake, EmbeddedFakeError


def test_a_key_that_looks_like_an_option_still_starts_the_fake(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embedded_fake.secrets, "token_urlsafe", lambda _: "-looks-like-an-option")
    with EmbeddedFake(RateLimits.parse("50/20")) as fake:
        assert fake.settings.api_key == "-looks-like-an-option"
        assert sorted(fake.activity_types.values()) == ["Page View", "Segment Event"]
        response = httpx.get(
            f"{fake.url}/api/settings/leads/fields",
            headers={"Authorization": "Token token=-looks-like-an-option"},
        )
        assert response.headers["X-RateLimit-Limit"] == "20"
        names = {field["name"] for field in response.json()["fields"]}
        assert {"cf_alternate_number", "cf_plan", "cf_seats"} <= names
        assert fake.state()["leads"] == []
        url = fake.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_fake/clock", timeout=2)


def test_a_child_that_does_not_start_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    false = shutil.which("false")
    assert false is not None
    monkeypatch.setattr(sys, "executable", false)
    with (
        pytest.raises(
            EmbeddedFakeError, match=r"^the embedded fake Freshsales did not start: no output$"
        ),
        EmbeddedFake(RateLimits()),
    ):
        pass
