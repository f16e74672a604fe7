"""`segment-freshsales replay`: dead letters sent again, the file rewritten with what is left."""

import json
from pathlib import Path

import pytest

from fake_freshsales import FakeFreshsales
from tests.cli.helpers import IDENTIFY, TRACK, owner_email, run, write_lines
from tests.dead_letters import dead_letters

pytestmark = pytest.mark.slow  # the command sends to the fake over a socket


@pytest.fixture
def fake(fake_freshsales: FakeFreshsales, monkeypatch: pytest.MonkeyPatch) -> FakeFreshsales:
    monkeypatch.setenv("FRESHSALES_OWNER", owner_email(fake_freshsales))
    monkeypatch.setenv("FRESHSALES_API_KEY", fake_freshsales.api_key)
    monkeypatch.setenv("FRESHSALES_DOMAIN", "acme")
    return fake_freshsales


def test_replay_delivers_what_was_fixed_and_keeps_the_rest(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    # No "Segment Event" activity type yet: the track is rejected and kept.
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK, "garbage")
    dead = tmp_path / "dead.jsonl"
    url = ("--base-url", fake.url)
    assert run(capsys, "send", str(source), "--dead-letter", str(dead), *url)[0] == 1
    assert [r["status"] for r in dead_letters(dead, with_time=False)] == ["rejected", "rejected"]

    fake.admin.add_activity_type("Segment Event")
    status, out, err = run(capsys, "replay", str(dead), *url)
    assert status == 1
    assert err == ""
    assert out == (
        "Replayed 2: 1 delivered, 1 rejected, 0 failed, 0 skipped (delivered before)\n"
        "API calls: 4 (0 retries); HTTP statuses: 200 x3, 201 x1\n"
        "Not delivered, by reason:\n"
        "  1 x invalid event: message: expected a JSON object, got the string 'garbage'\n"
        f"Still undelivered in {dead}: 1 message(s)\n"
        # A rejected message cannot succeed on replay as it is: the summary says so.
        "  1 rejected: a replay rejects them again unless the cause their reason names is fixed "
        "first\n"
    )
    assert [r["message"] for r in dead_letters(dead, with_time=False)] == ["garbage"]
    assert [a["title"] for a in fake.admin.state()["sales_activities"]] == ["Signed Up"]


def test_replay_skips_messages_delivered_since(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    fake.admin.add_activity_type("Segment Event")
    ids = ("--dedupe-path", str(tmp_path / "ids.sqlite"), "--base-url", fake.url)
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK)
    assert run(capsys, "send", str(source), "--dead-letter", str(tmp_path / "d"), *ids)[0] == 0
    dead = tmp_path / "old-dead.jsonl"
    record = {"message": TRACK, "status": "failed", "reason": "503", "attempts": 6}
    dead.write_text(json.dumps(record) + "\n")

    status, out, _ = run(capsys, "replay", str(dead), *ids)
    assert status == 0
    assert out.splitlines()[0] == (
        "Replayed 1: 0 delivered, 0 rejected, 0 failed, 1 skipped (delivered before)"
    )
    assert dead.read_text() == ""
    assert len(fake.admin.state()["sales_activities"]) == 1
