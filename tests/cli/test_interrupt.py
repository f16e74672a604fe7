"""Ctrl-C during `send` to the embedded fake: every unsent message is kept, the fake stops."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.cli.helpers import write_lines

EVENTS = 60


def test_ctrl_c_keeps_every_unsent_message_and_stops_the_embedded_fake(tmp_path: Path) -> None:
    messages = [
        {"type": "track", "userId": f"user{n}@example.com", "event": "Opened", "messageId": f"m{n}"}
        for n in range(EVENTS)
    ]
    source = write_lines(tmp_path / "in.jsonl", *messages)
    dead = tmp_path / "dead.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRESHSALES_")}
    command = Path(sys.executable).with_name("segment-freshsales")
    process = subprocess.Popen(
        [str(command), "send", str(source), "--dead-letter", str(dead)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        announced = process.stderr.readline()
        found = re.search(
            r"embedded fake Freshsales at (http://127\.0\.0\.1:\d+) \(a child", announced
        )
        assert found is not None, announced
        url = found.group(1)
        # Slow the fake down, so the run is surely under way when Ctrl-C comes.
        httpx.post(f"{url}/_fake/faults", json={"latency_ms": [50, 50]}).raise_for_status()
        progress = process.stderr.readline()
        assert progress.startswith("sending "), progress
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    assert err.splitlines()[-1] == "segment-freshsales: stopped: interrupted (Ctrl-C)"
    records = [json.loads(line) for line in dead.read_text().splitlines()]
    totals = re.search(r"^total +(\d+)", out, re.MULTILINE)
    assert totals is not None, out
    delivered = int(totals.group(1))
    assert 0 < len(records) < EVENTS
    assert {r["status"] for r in records} == {"unsent"}
    kept = {r["message"]["messageId"] for r in records}
    assert len(kept) == len(records) == EVENTS - delivered
    assert f"Kept in {dead}: {len(records)} message(s), for replay" in out.splitlines()
    with pytest.raises(httpx.ConnectError):  # the embedded fake ended with the command
        httpx.get(f"{url}/_fake/clock", timeout=2)


def test_the_embedded_fake_ends_with_its_parent_even_after_kill_9(tmp_path: Path) -> None:
    messages = [{"type": "track", "userId": "a@b.co", "event": f"E{n}"} for n in range(EVENTS)]
    source = write_lines(tmp_path / "in.jsonl", *messages)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRESHSALES_")}
    command = Path(sys.executable).with_name("segment-freshsales")
    process = subprocess.Popen(
        [str(command), "send", str(source), "--dead-letter", str(tmp_path / "dead.jsonl")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        found = re.search(r"(http://127\.0\.0\.1:\d+)", process.stderr.readline())
        assert found is not None
        url = found.group(1)
        # Slow the fake down, so the command is surely still running when it is killed.
        httpx.post(f"{url}/_fake/faults", json={"latency_ms": [50, 50]}).raise_for_status()
        process.kill()
        process.wait()
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"{url}/_fake/clock", timeout=0.5)
            except httpx.TransportError:
                break  # nobody listens any more: the fake is gone
            assert time.monotonic() < deadline, "the embedded fake outlived its parent"
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
