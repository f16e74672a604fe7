"""`send` with $FRESHSALES_APP_TOKEN: tracks go to the tracking API and the summary counts
those calls apart; `--track-as activities` keeps sales activities; `--dry-run` shows the
token's placeholder, never the token."""

import json
from pathlib import Path

import pytest

from fake_freshsales import FakeFreshsales
from tests.cli.helpers import IDENTIFY, TRACK, send, write_lines

# A track the tracking API can take: its user is known by email.
TRACK_BY_EMAIL = {**TRACK, "userId": "ada@example.com"}


@pytest.fixture
def token(fake: FakeFreshsales, monkeypatch: pytest.MonkeyPatch) -> str:
    assert fake.app_token is not None
    monkeypatch.setenv("FRESHSALES_APP_TOKEN", fake.app_token)
    return fake.app_token


def test_a_track_becomes_a_tracking_api_event(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, token: str, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK_BY_EMAIL)
    status, out, _ = send(capsys, fake, str(source), "--dead-letter", str(tmp_path / "d.jsonl"))
    assert status == 0, out
    assert "API calls: 2 (0 retries), tracking API calls: 1; HTTP statuses: " in out
    [event] = fake.admin.tracking()["events"]["ada@example.com"]
    assert event["name"] == "Signed Up"
    assert fake.admin.state()["sales_activities"] == []
    assert token not in out


def test_track_as_activities_keeps_sales_activities(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, token: str, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK_BY_EMAIL)
    argv = (str(source), "--track-as", "activities", "--dead-letter", str(tmp_path / "d.jsonl"))
    status, out, _ = send(capsys, fake, *argv)
    assert status == 0, out
    assert "tracking API calls" not in out
    assert len(fake.admin.state()["sales_activities"]) == 1
    assert fake.admin.tracking()["events"] == {}


def test_the_dry_run_shows_the_placeholder_not_the_token(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, token: str, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", TRACK_BY_EMAIL)
    status, out, _ = send(capsys, fake, str(source), "--dry-run")
    assert status == 0, out
    assert token not in out
    [call] = json.loads(out.splitlines()[0])["plan"]["calls"]
    assert call["path"] == "/track/events"
    assert call["body"]["application_token"] == {"$secret": "app_token"}
