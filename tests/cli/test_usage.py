"""Bad usage and settings: one line on stderr, exit 2, no traceback, nothing started."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import run

PROG = "segment-freshsales"


@pytest.fixture
def events(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text('{"type": "alias", "userId": "u"}\n')
    return path


@pytest.fixture(autouse=True)
def no_account(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "FRESHSALES_DOMAIN",
        "FRESHSALES_API_KEY",
        "FRESHSALES_OWNER",
        "SEGMENT_WRITE_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), f"{PROG}: error: the following arguments are required: COMMAND"),
        (("send",), f"{PROG} send: error: the following arguments are required: FILE"),
        (("send", "EVENTS", "--limits", "lots"), f"{PROG} send: error: argument --limits: rate "
         "limits: expected HOURLY/PER_MINUTE such as 1000/400, got 'lots'"),
        (("send", "EVENTS", "--concurrency", "0"), f"{PROG} send: error: argument "
         "--concurrency: expected a positive integer, got '0'"),
        (("send", "EVENTS", "--shout"), f"{PROG}: error: unrecognized arguments: --shout"),
        (("send", "MISSING"), f"{PROG} send: error: cannot read MISSING: No such file or "
         "directory"),
        (("send", "EVENTS", "--domain", "acme"), f"{PROG} send: error: $FRESHSALES_API_KEY is "
         "not set: it holds the Freshsales API key"),
        (("send", "EVENTS", "--base-url", "http://127.0.0.1:9"), f"{PROG} send: error: "
         "--base-url needs --domain or $FRESHSALES_DOMAIN: the domain decides the API root"),
        (("send", "EVENTS", "--dry-run", "--domain", "evil.com/x"), f"{PROG} send: error: "
         "domain: 'evil.com/x' is not a Freshsales domain: expected a subdomain such as 'acme', "
         "'acme.freshsales.io' or 'acme.myfreshworks.com' (letters, digits and hyphens only)"),
        (("send", "EVENTS", "--dead-letter", "NODIR/no/dead.jsonl"), f"{PROG} send: error: "
         "--dead-letter NODIR/no/dead.jsonl: no directory NODIR/no"),
        (("send", "EVENTS", "--dry-run", "--owner", "boss"), f"{PROG} send: error: owner: "
         "expected a Freshsales user id (a positive integer) or a user's email, got the string "
         "'boss'"),
        (("send", "EVENTS", "--owner", "0"), f"{PROG} send: error: owner: expected a "
         "Freshsales user id (a positive integer) or a user's email, got the number 0"),
        (("send", "EVENTS", "--lead-write", "guess"), f"{PROG} send: error: argument "
         "--lead-write: invalid choice: 'guess' (choose from 'find', 'upsert')"),
        (("replay", "MISSING"), f"{PROG} replay: error: cannot read MISSING: no such file"),
        (("serve",), f"{PROG} serve: error: serve needs a Freshsales account: --domain or "
         "$FRESHSALES_DOMAIN, and $FRESHSALES_API_KEY"),
        (("serve", "--port", "http"), f"{PROG} serve: error: argument --port: expected a port "
         "number (0-65535), got 'http'"),
    ],
)  # fmt: skip
def test_bad_usage_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    events: Path,
    tmp_path: Path,
    argv: tuple[str, ...],
    message: str,
) -> None:
    paths = {"EVENTS": str(events), "MISSING": str(tmp_path / "missing"), "NODIR": str(tmp_path)}
    for name, value in paths.items():
        argv = tuple(arg.replace(name, value) for arg in argv)
        message = message.replace(name, value)
    status, out, err = run(capsys, *argv)
    assert (status, out, err) == (2, "", message + "\n")


def test_serve_needs_a_write_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRESHSALES_API_KEY", "secret-key-9f2")
    status, out, err = run(capsys, "serve", "--domain", "acme")
    assert (status, out) == (2, "")
    assert err == f"{PROG} serve: error: serve needs --write-key or $SEGMENT_WRITE_KEY\n"


@pytest.mark.slow
def test_the_installed_command_says_it_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name(PROG)  # the console script of pyproject.toml
    result = subprocess.run(
        [str(command), "send", str(tmp_path), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"{PROG} send: error: cannot read {tmp_path}: Is a directory\n"
