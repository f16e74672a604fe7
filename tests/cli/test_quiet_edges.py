"""In-process edges of the commands: empty input, a file that is no dead-letter file, a replay
stopped half-way, and the client's long waits passed on to the display."""

import json
import logging
from pathlib import Path

import httpx
import pytest

from segment_freshsales.cli.progress import waits_shown
from segment_freshsales.delivery.client import Client, log_sleep
from segment_freshsales.delivery.events import Sleep
from segment_freshsales.delivery.replay import replay
from tests.cli.helpers import IDENTIFY, TRACK, run
from translator.settings import Settings


@pytest.fixture(autouse=True)
def no_account(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FRESHSALES_DOMAIN", "FRESHSALES_API_KEY", "FRESHSALES_OWNER"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("text", ["", "\n  \n", "[]", '{"batch": []}'])
@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)], ids=["send", "dry-run"])
def test_an_input_without_messages_says_so_and_exits_0(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, dry_run: tuple[str, ...]
) -> None:
    source = tmp_path / "in.json"
    source.write_text(text)
    dead = tmp_path / "dead.jsonl"
    status, out, err = run(capsys, "send", str(source), "--dead-letter", str(dead), *dry_run)
    assert (status, out) == (0, "")
    assert err == f"segment-freshsales: no messages found in {source}\n"
    assert not dead.exists()


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(TRACK) + "\n" + json.dumps(IDENTIFY) + "\n",
        json.dumps({"batch": [TRACK], "context": {"traits": {"email": "a@b.co"}}}),
        "not even JSON\n",
    ],
    ids=["events", "batch-body", "text"],
)
def test_replay_refuses_a_file_that_is_no_dead_letter_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(text)
    status, out, err = run(capsys, "replay", str(path))
    assert (status, out) == (2, "")
    assert err == (
        f"segment-freshsales replay: error: {path} is not a dead-letter file: none of its lines "
        'is a record of an undelivered message ({"message": ..., "status": ...}); to deliver '
        "Segment messages, use `segment-freshsales send`\n"
    )
    assert path.read_text() == text  # left as it was


def test_replay_of_an_empty_dead_letter_file_has_nothing_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dead.jsonl"
    path.write_text("")  # what a replay that delivered everything leaves
    status, out, err = run(capsys, "replay", str(path))
    assert (status, out) == (0, "")
    assert err == f"segment-freshsales: no messages found in {path}: nothing to replay\n"


def test_a_replay_stopped_by_a_signal_keeps_the_records_it_did_not_reach(tmp_path: Path) -> None:
    records = [
        {"message": {"type": "track", "userId": "u-1"}, "status": "rejected", "reason": "r"},
        {"message": TRACK, "status": "unsent", "reason": "interrupted", "attempts": 0},
        {"message": IDENTIFY, "status": "failed", "reason": "503", "attempts": 6},
    ]
    path = tmp_path / "dead.jsonl"
    lines = [json.dumps(record) for record in records]
    path.write_text("".join(line + "\n" for line in lines))

    def ctrl_c(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt  # as a signal arrives while the request is out

    settings = Settings(domain="acme", api_key="test-key-5d1c9a7e3b")
    client = Client(settings, transport=httpx.MockTransport(ctrl_c))
    with client, pytest.raises(KeyboardInterrupt):
        replay(path, client)
    # The first was replayed (rejected again, with no request); the track was in flight, so it
    # and the identify after it stay as they were.
    first, *rest = path.read_text().splitlines()
    assert rest == lines[1:]
    again = json.loads(first)
    assert (again["status"], again["message"]["userId"]) == ("rejected", "u-1")


def test_the_clients_long_waits_are_passed_on_and_nothing_else() -> None:
    notes: list[str] = []
    logger = logging.getLogger("segment_freshsales.delivery")
    with waits_shown(notes.append):
        log_sleep(Sleep(42.0, "for the rate limit"))
        log_sleep(Sleep(0.25, "for the rate limit"))  # too short to mention
        logger.info("delivered track m-1 (3 calls)")  # each outcome: not a wait
    log_sleep(Sleep(42.0, "for the rate limit"))  # after the run
    assert notes == ["waiting 42 s for the rate limit"]
    assert logger.level == logging.NOTSET  # as it was
