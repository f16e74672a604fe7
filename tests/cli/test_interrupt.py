"""Ctrl-C during `send` to the embedded fake: every unsent message is kept, the fake stops."""

import re
import time
from pathlib import Path

import httpx
import pytest

from fake_freshsales import AdminClient
from tests.cli.helpers import write_lines
from tests.dead_letters import dead_letters
from tests.processes import Process

pytestmark = pytest.mark.slow  # the command as a process

EVENTS = 60
ANNOUNCED = r"embedded fake Freshsales at (http://127\.0\.0\.1:\d+) \(served"


def slowed_down(url: str) -> None:
    """Slow the fake down, so the command is surely still sending when the test acts."""
    with AdminClient(url) as admin:
        admin.set_faults(latency_ms=[50, 50])


def test_ctrl_c_keeps_every_unsent_message_and_stops_the_embedded_fake(tmp_path: Path) -> None:
    messages = [
        {"type": "track", "userId": f"user{n}@example.com", "event": "Opened", "messageId": f"m{n}"}
        for n in range(EVENTS)
    ]
    source = write_lines(tmp_path / "in.jsonl", *messages)
    dead = tmp_path / "dead.jsonl"
    with Process("segment-freshsales", "send", str(source), "--dead-letter", str(dead)) as send:
        url = send.expect(ANNOUNCED, "stderr")[1]
        slowed_down(url)
        send.expect(r"^sending ", "stderr")
        out, err = send.interrupt()
    assert send.returncode == 130, err
    assert err.splitlines()[-1] == "segment-freshsales: stopped: interrupted (Ctrl-C)"
    records = dead_letters(dead)
    # The table counts every message: those delivered, and those left unsent.
    totals = re.search(r"^total +(\d+) +0 +0 +0 +(\d+) +(\d+)$", out, re.MULTILINE)
    assert totals is not None, out
    delivered, unsent, total = map(int, totals.groups())
    assert total == EVENTS
    assert 0 < len(records) < EVENTS
    assert {r["status"] for r in records} == {"unsent"}
    kept = {r["message"]["messageId"] for r in records}
    assert len(kept) == len(records) == unsent == EVENTS - delivered
    assert f"Kept in {dead}: {unsent} message(s)" in out.splitlines()
    with pytest.raises(httpx.ConnectError):  # the embedded fake ended with the command
        httpx.get(f"{url}/_fake/clock", timeout=2)


def test_the_embedded_fake_ends_with_the_command_even_after_kill_9(tmp_path: Path) -> None:
    messages = [{"type": "track", "userId": "a@b.co", "event": f"E{n}"} for n in range(EVENTS)]
    source = write_lines(tmp_path / "in.jsonl", *messages)
    dead = tmp_path / "dead.jsonl"
    with Process("segment-freshsales", "send", str(source), "--dead-letter", str(dead)) as send:
        url = send.expect(ANNOUNCED, "stderr")[1]
        slowed_down(url)
        send.kill()
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(f"{url}/_fake/clock", timeout=0.5)
        except httpx.TransportError:
            break  # nobody listens any more: the fake is gone
        assert time.monotonic() < deadline, "the embedded fake outlived the command"
        time.sleep(0.05)
