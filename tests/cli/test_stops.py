"""Stopping early through the real command: SIGTERM does what Ctrl-C does, a long wait is
shown, and a reader that goes away ends the command quietly."""

import json
import signal
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import IDENTIFY, TRACK, write_lines
from tests.dead_letters import dead_letters
from tests.processes import BIN, READ_TIMEOUT, Process, clean_env

pytestmark = pytest.mark.slow  # the command as a process

ANNOUNCED = r"embedded fake Freshsales at (http://127\.0\.0\.1:\d+) \(served"
INVALID = {"type": "track", "userId": "u-1", "messageId": "m-invalid"}  # no event name


def test_sigterm_keeps_every_unsent_message_prints_the_summary_and_exits_143(
    tmp_path: Path,
) -> None:
    # One request a minute: the second request waits, and the wait is shown, not silent.
    messages = [INVALID, IDENTIFY, TRACK, {**TRACK, "messageId": "m-track-2"}]
    source = write_lines(tmp_path / "in.jsonl", *messages)
    dead = tmp_path / "dead.jsonl"
    argv = ("send", str(source), "--limits", "1/1", "--dead-letter", str(dead))
    with Process("segment-freshsales", *argv) as send:
        send.expect(ANNOUNCED, "stderr")
        send.expect(r"^sending 1/4: 0 delivered, 1 rejected, 0 failed$", "stderr")
        send.expect(r"^waiting \d+ s for the rate limit", "stderr")
        send.process.send_signal(signal.SIGTERM)
        out, err = send.wait()
    assert send.returncode == 143, err
    assert err.splitlines()[-1] == "segment-freshsales: stopped: terminated (SIGTERM)"
    lines = out.splitlines()
    table = lines.index("events    delivered  rejected  failed  skipped  unsent  total")
    assert lines[table : table + 4] == [
        "events    delivered  rejected  failed  skipped  unsent  total",
        "identify          0         0       0        0       1      1",
        "track             0         1       0        0       2      3",
        "total             0         1       0        0       3      4",
    ]
    assert lines[-3:] == [
        f"Kept in {dead}: 4 message(s)",
        f"  3 failed or unsent: `segment-freshsales replay {dead}` sends them again",
        "  1 rejected: a replay rejects them again unless the cause their reason names is fixed "
        "first",
    ]
    kept = [(r["message"]["messageId"], r["status"], r["reason"]) for r in dead_letters(dead)]
    unsent = "terminated (SIGTERM) before it was delivered"
    assert kept == [
        ("m-invalid", "rejected", "invalid event: event: expected the event name, a non-empty "
         "string"),
        ("m-identify", "unsent", unsent),
        ("m-track", "unsent", unsent),
        ("m-track-2", "unsent", unsent),
    ]  # fmt: skip
    # The identify was being sent when the signal came: a replay looks before sending it.
    assert [r.get("maybe_sent", False) for r in dead_letters(dead)] == [False, True, False, False]


def test_a_reader_that_goes_away_ends_the_dry_run_quietly_with_141(tmp_path: Path) -> None:
    # Far more than a pipe holds, so the command is still writing when the reader leaves.
    messages = [{**TRACK, "messageId": f"m-{n}"} for n in range(2000)]
    source = write_lines(tmp_path / "in.jsonl", *messages)
    command = [str(BIN / "segment-freshsales"), "send", str(source), "--dry-run"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env()
    ) as dry_run:
        assert dry_run.stdout is not None and dry_run.stderr is not None
        first = json.loads(dry_run.stdout.readline())  # `| head -1`
        dry_run.stdout.close()
        err = dry_run.stderr.read()
        status = dry_run.wait(timeout=READ_TIMEOUT)
    assert first["messageId"] == "m-0"
    assert (status, err) == (141, b"")


@pytest.mark.parametrize(
    ("argv", "text", "status", "message"),
    [
        (("send", "FILE"), "\n \n", 0, "segment-freshsales: no messages found in FILE"),
        (("replay", "FILE"), json.dumps(TRACK), 2, "segment-freshsales replay: error: FILE is not "
         "a dead-letter file: none of its lines is a record of an undelivered message "
         '({"message": ..., "status": ...}); to deliver Segment messages, use `segment-freshsales '
         "send`"),
    ],
    ids=["send-empty", "replay-events"],
)  # fmt: skip
def test_the_installed_command_on_empty_or_foreign_input(
    tmp_path: Path, argv: tuple[str, ...], text: str, status: int, message: str
) -> None:
    path = tmp_path / "input.jsonl"
    path.write_text(text)
    result = subprocess.run(
        [str(BIN / "segment-freshsales"), *(arg.replace("FILE", str(path)) for arg in argv)],
        capture_output=True,
        text=True,
        timeout=READ_TIMEOUT,
        check=False,
        env=clean_env(),
    )
    assert (result.returncode, result.stdout) == (status, "")
    assert result.stderr == message.replace("FILE", str(path)) + "\n"
