"""Running the command in-process with its output captured, and messages to send."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_freshsales import FakeFreshsales
from segment_freshsales.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `segment-freshsales ARGV...`."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def owner_email(fake: FakeFreshsales) -> str:
    """The email of the fake account's one user (GET /selector/owners); the fake is reset
    afterwards, so that request leaves no trace in its journal or budget."""
    response = httpx.get(f"{fake.url}/api/selector/owners", headers=fake.auth_headers)
    fake.admin.reset()
    return str(response.json()["users"][0]["email"])


def write_lines(path: Path, *messages: Any) -> Path:
    """A JSON lines file; a str is written as it is (a malformed line)."""
    lines = [m if isinstance(m, str) else json.dumps(m) for m in messages]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


IDENTIFY = {
    "type": "identify",
    "messageId": "m-identify",
    "userId": "u-1",
    "traits": {"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"},
    "timestamp": "2024-05-06T08:00:00.000Z",
}
TRACK = {
    "type": "track",
    "messageId": "m-track",
    "userId": "u-1",
    "event": "Signed Up",
    "timestamp": "2024-05-06T08:01:00.000Z",
}


def send(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, *args: str
) -> tuple[int, str, str]:
    return run(capsys, "send", *args, "--domain", "acme", "--base-url", fake.url)
