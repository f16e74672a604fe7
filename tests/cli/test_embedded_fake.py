"""The embedded fake: served in the command's process, set up over its admin API, gone when
stopped."""

import httpx
import pytest

from segment_freshsales import RateLimits
from segment_freshsales.cli import embedded_fake, main
from segment_freshsales.cli.embedded_fake import EmbeddedFake, EmbeddedFakeError

pytestmark = pytest.mark.slow  # it listens on a socket


def test_the_fake_is_set_up_for_the_examples_and_gone_after() -> None:
    with EmbeddedFake(RateLimits.parse("50/20")) as fake:
        key = fake.settings.api_key
        assert fake.settings.base_url == f"{fake.url}/api"
        assert sorted(fake.activity_types.values()) == ["Page View", "Segment Event"]
        response = httpx.get(
            f"{fake.url}/api/settings/leads/fields", headers={"Authorization": f"Token token={key}"}
        )
        assert response.headers["X-RateLimit-Limit"] == "20"
        names = {field["name"] for field in response.json()["fields"]}
        assert {"cf_alternate_number", "cf_plan", "cf_seats"} <= names
        assert fake.admin.state()["leads"] == []
        url = fake.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_fake/clock", timeout=2)


def test_other_activity_type_names_are_created_in_the_fake() -> None:
    types = {"track_activity_type": "Product Event"}
    with EmbeddedFake(RateLimits(), types) as fake:
        assert sorted(fake.activity_types.values()) == [
            "Page View",
            "Product Event",
            "Segment Event",
        ]
        assert fake.settings.track_activity_type == "Product Event"


def test_a_fake_that_does_not_start_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(self: object) -> None:
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(embedded_fake.FakeFreshsales, "start", refuse)
    with (
        pytest.raises(
            EmbeddedFakeError,
            match=r"^the embedded fake Freshsales did not start: \[Errno 98\] Address already",
        ),
        EmbeddedFake(RateLimits()),
    ):
        pass
    assert main(["demo"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "segment-freshsales demo: error: the embedded fake Freshsales did not start: "
        "[Errno 98] Address already in use"
    ]
