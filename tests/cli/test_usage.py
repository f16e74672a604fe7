"""Bad usage and settings: one line on stderr, exit 2, no traceback, nothing started."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fake_freshsales import FakeFreshsales
from segment_freshsales.cli.account import uses_embedded_fake
from segment_freshsales.cli.options import Parser
from tests.cli.helpers import IDENTIFY, TRACK, run, write_lines
from tests.processes import Process, clean_env

PROG = "segment-freshsales"
KEY = "usage-key-5e0c1b7a9d"  # as long as a real key: only its absence or shortness is at fault


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
        (("send", "EVENTS", "--limits", "-1/5"), f"{PROG} send: error: argument --limits: rate "
         "limits: HOURLY must be a positive number of requests, got -1 in '-1/5' "
         "(HOURLY/PER_MINUTE, such as 1000/400)"),
        (("send", "EVENTS", "--limits", "1000/0"), f"{PROG} send: error: argument --limits: rate "
         "limits: PER_MINUTE must be a positive number of requests, got 0 in '1000/0' "
         "(HOURLY/PER_MINUTE, such as 1000/400)"),
        (("serve", "--limits", "--port"), f"{PROG} serve: error: argument --limits: rate "
         "limits: expected HOURLY/PER_MINUTE such as 1000/400, got '--port'"),
        (("send", "EVENTS", "--domain", ""), f"{PROG} send: error: --domain is empty: expected "
         "the Freshsales domain, e.g. acme or acme.myfreshworks.com"),
        (("send", "EVENTS", "--dry-run", "--domain", " "), f"{PROG} send: error: --domain is "
         "empty: expected the Freshsales domain, e.g. acme or acme.myfreshworks.com"),
        (("send", "EVENTS", "--concurrency", "0"), f"{PROG} send: error: argument "
         "--concurrency: expected a positive integer, got '0'"),
        (("send", "EVENTS", "--cache-size", "0"), f"{PROG} send: error: argument "
         "--cache-size: expected a positive integer, got '0'"),
        (("serve", "--dedupe-window", "1.5"), f"{PROG} serve: error: argument "
         "--dedupe-window: expected a positive integer, got '1.5'"),
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
    monkeypatch.setenv("FRESHSALES_API_KEY", KEY)
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


EMPTY_DOMAIN = (
    "$FRESHSALES_DOMAIN is empty: expected the Freshsales domain, e.g. acme or "
    "acme.myfreshworks.com"
)
KEY_WITHOUT_DOMAIN = (
    "$FRESHSALES_API_KEY is set, but no --domain or $FRESHSALES_DOMAIN names the account it is for"
)
SHORT_KEY = (
    "$FRESHSALES_API_KEY is too short to be a Freshsales API key: a key has about 22 "
    "characters, and at least 16 are required"
)


@pytest.mark.parametrize(
    ("env", "argv", "message"),
    [
        # Only the absence of both a domain and a key means the embedded fake.
        ({"FRESHSALES_DOMAIN": "", "FRESHSALES_API_KEY": KEY}, ("send", "EVENTS"), EMPTY_DOMAIN),
        ({"FRESHSALES_DOMAIN": ""}, ("send", "EVENTS"), EMPTY_DOMAIN),
        ({"FRESHSALES_DOMAIN": ""}, ("send", "EVENTS", "--dry-run"), EMPTY_DOMAIN),
        ({"FRESHSALES_API_KEY": KEY}, ("send", "EVENTS"), KEY_WITHOUT_DOMAIN),
        ({"FRESHSALES_API_KEY": ""}, ("send", "EVENTS"), KEY_WITHOUT_DOMAIN),
        ({"FRESHSALES_API_KEY": KEY}, ("serve", "--write-key", "w"), KEY_WITHOUT_DOMAIN),
        ({"FRESHSALES_DOMAIN": "acme", "FRESHSALES_API_KEY": ""}, ("send", "EVENTS"),
         "$FRESHSALES_API_KEY is empty: it must hold the Freshsales API key"),
        # Keys too short to be real, wherever the key is read.
        ({"FRESHSALES_DOMAIN": "acme", "FRESHSALES_API_KEY": "k"}, ("send", "EVENTS"), SHORT_KEY),
        ({"FRESHSALES_API_KEY": KEY[:15]}, ("send", "EVENTS", "--domain", "acme"), SHORT_KEY),
        ({"FRESHSALES_API_KEY": "k"}, ("replay", "DEAD", "--domain", "acme"), SHORT_KEY),
        ({"FRESHSALES_API_KEY": "k"}, ("serve", "--domain", "acme", "--write-key", "w"),
         SHORT_KEY),
    ],
)  # fmt: skip
def test_account_settings_that_name_no_usable_account(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    events: Path,
    tmp_path: Path,
    env: dict[str, str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    dead = tmp_path / "dead.jsonl"
    record = {"message": TRACK, "status": "failed", "reason": "503", "attempts": 1}
    dead.write_text(json.dumps(record) + "\n")
    paths = {"EVENTS": str(events), "DEAD": str(dead)}
    argv = tuple(paths.get(arg, arg) for arg in argv)
    status, out, err = run(capsys, *argv)
    assert (status, out, err) == (2, "", f"{PROG} {argv[0]}: error: {message}\n")


@pytest.mark.parametrize(
    ("argv", "env", "embedded"),
    [
        ((), {}, True),
        (("--owner", "7"), {"FRESHSALES_OWNER": "boss@acme.io"}, True),
        (("--domain", "acme"), {}, False),
        ((), {"FRESHSALES_DOMAIN": ""}, False),
        ((), {"FRESHSALES_API_KEY": ""}, False),
    ],
)
def test_only_the_absence_of_both_domain_and_key_means_the_embedded_fake(
    monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], env: dict[str, str], embedded: bool
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    parser = Parser(prog=PROG)
    parser.add_argument("--domain")
    parser.add_argument("--owner")
    assert uses_embedded_fake(parser.parse_args(argv)) is embedded


def test_a_missing_activity_type_names_the_command_line_option(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_freshsales: FakeFreshsales,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("FRESHSALES_API_KEY", fake_freshsales.api_key)
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK)
    dead = tmp_path / "dead.jsonl"
    status, out, _ = run(
        capsys, "send", str(source), "--domain", "acme", "--base-url", fake_freshsales.url,
        "--dead-letter", str(dead), "--page-activity-type", "Page View",
    )  # fmt: skip
    assert status == 1
    reason = (
        "sales_activity_types has no entry named 'Segment Event': create it in Freshsales "
        "(Admin Settings > Sales Activities) or set Settings.track_activity_type "
        "(--track-activity-type) to one of ["
    )
    assert f"rejected: {reason}" in out
    [record] = [json.loads(line) for line in dead.read_text().splitlines()]
    assert record["reason"].startswith(reason)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (("send", "EVENTS", "--limits", "-1/5"), {}, "send: error: argument --limits: rate "
         "limits: HOURLY must be a positive number of requests, got -1 in '-1/5' "
         "(HOURLY/PER_MINUTE, such as 1000/400)"),
        (("send", "EVENTS"), {"FRESHSALES_DOMAIN": "", "FRESHSALES_API_KEY": "k"},
         f"send: error: {EMPTY_DOMAIN}"),
        (("send", "EVENTS"), {"FRESHSALES_API_KEY": KEY}, f"send: error: {KEY_WITHOUT_DOMAIN}"),
    ],
)  # fmt: skip
def test_the_installed_command_refuses_bad_settings_in_one_line(
    events: Path, argv: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    args = [str(events) if arg == "EVENTS" else arg for arg in argv]
    with Process(PROG, *args, env=clean_env(**env)) as command:
        out, err = command.wait()
    assert (command.returncode, out, err) == (2, "", f"{PROG} {message}\n")
