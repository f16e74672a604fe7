"""The API key and the app token never show: canaries go through the client, the CLI, the
demo, the relay and contract recording, and every file written, every log record, every
exception string, all output and the fake's journal are searched for them."""

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main as contracts_main
from contracts.scenarios import SCENARIOS
from fake_freshsales import FakeFreshsales
from segment_freshsales import AuthError, Client
from segment_freshsales.cli import main
from segment_freshsales.delivery.redact import REDACTED, scrub
from tests.processes import Process, Relay, clean_env
from translator import Settings

CANARY = "canary-KEY-3f9d1c7e5b"
TOKEN = "canary-TOKEN-8e2b4a6d1c"
CANARIES = (CANARY, TOKEN)
pytestmark = pytest.mark.slow  # the fake, the demo and the relay listen on sockets
CONTACT = {"email": "ann@x.io", "fsContact": True, "company": "Acme", "deal": {"name": "D"}}
MESSAGES: list[dict[str, Any]] = [
    {"type": "identify", "messageId": "m1", "userId": "u-1", "traits": CONTACT},
    {"type": "track", "messageId": "m2", "userId": "ann@x.io", "event": "Signed Up"},
    {"type": "page", "messageId": "m3", "userId": "u-1", "name": "Pricing"},
    {"type": "track", "messageId": "m4", "userId": "nobody-known", "event": "E"},
    {"type": "identify", "messageId": "m5", "userId": "u-2"},
    {
        "type": "group",
        "messageId": "m6",
        "userId": "ann@x.io",
        "groupId": "g",
        "traits": {"name": "A"},
    },
]


class Leaks:
    """Collects every place the canary turned up."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def text(self, where: str, text: str) -> None:
        if any(canary in text for canary in CANARIES):
            self.found.append(where)

    def files(self, *roots: Path) -> int:
        """Search every file below `roots`; returns how many were read."""
        read = 0
        for root in roots:
            for path in [root] if root.is_file() else sorted(root.rglob("*")):
                if path.is_file():
                    read += 1
                    content = path.read_bytes()
                    if any(canary.encode() in content for canary in CANARIES):
                        self.found.append(str(path))
        return read

    def logs(self, records: list[logging.LogRecord]) -> None:
        for record in records:
            self.text(f"log {record.name}", record.getMessage() + (record.exc_text or ""))

    def journal(self, fake: FakeFreshsales) -> None:
        entries = fake.admin.journal()
        assert entries, "the journal recorded the requests"
        self.text("the fake's journal", json.dumps(entries))


@pytest.fixture
def fake() -> Iterator[FakeFreshsales]:
    """A fake of its own, whose account key is the canary."""
    with FakeFreshsales(api_key=CANARY, app_token=TOKEN) as server:
        for name in ("Segment Event", "Page View"):
            server.admin.add_activity_type(name)
        yield server


@pytest.fixture
def leaks() -> Leaks:
    return Leaks()


def test_client_and_its_errors(
    fake: FakeFreshsales, tmp_path: Path, leaks: Leaks, caplog: pytest.LogCaptureFixture
) -> None:
    fake.admin.set_faults(rate=0.3, statuses=[400, 500, 503], seed=3)
    settings = Settings(domain="acme", api_key=CANARY, base_url=fake.url)
    leaks.text("repr(settings)", repr(settings) + str(settings))
    with (
        caplog.at_level(logging.DEBUG),
        Client(
            settings,
            dead_letter=tmp_path / "dead.jsonl",
            dedupe_path=tmp_path / "ids.sqlite",
            max_attempts=2,
        ) as client,
    ):
        leaks.text("repr(client)", repr(client))
        report = client.deliver_all(MESSAGES)
        assert report.rejected + report.failed > 0
        for reason in report.by_reason:
            leaks.text("a reason", reason)
    # Freshsales refuses the canary: the AuthError says so without it.
    with (
        FakeFreshsales() as other,
        Client(
            Settings(domain="acme", api_key=CANARY, base_url=other.url),
            dead_letter=tmp_path / "refused.jsonl",
        ) as client,
    ):
        with pytest.raises(AuthError) as error:
            client.deliver(MESSAGES[1])
        leaks.text("AuthError", str(error.value) + repr(error.value))
        leaks.journal(other)
    leaks.logs(caplog.records)
    assert caplog.records, "the client logged its outcomes"
    assert leaks.files(tmp_path) >= 3
    leaks.journal(fake)
    assert leaks.found == []


def test_client_with_an_app_token(
    fake: FakeFreshsales, tmp_path: Path, leaks: Leaks, caplog: pytest.LogCaptureFixture
) -> None:
    """Tracks and pages go to the tracking API with the token in their bodies; a refused
    token stops delivery with an error that does not hold it."""
    fake.admin.set_faults(rate=0.3, statuses=[400, 500, 503], seed=5)
    settings = Settings(domain="acme", api_key=CANARY, base_url=fake.url, app_token=TOKEN)
    leaks.text("repr(settings)", repr(settings) + str(settings))
    with caplog.at_level(logging.DEBUG):
        with Client(settings, dead_letter=tmp_path / "dead.jsonl", max_attempts=2) as client:
            report = client.deliver_all(MESSAGES)
            assert report.tracking_calls > 0
            for reason in report.by_reason:
                leaks.text("a reason", reason)
        wrong = Settings(domain="acme", api_key=CANARY, base_url=fake.url, app_token=TOKEN[::-1])
        with Client(wrong, dead_letter=tmp_path / "refused.jsonl") as client:
            with pytest.raises(AuthError) as error:
                client.deliver(MESSAGES[1])
            leaks.text("AuthError", str(error.value) + repr(error.value))
    leaks.logs(caplog.records)
    leaks.files(tmp_path)
    leaks.journal(fake)
    assert fake.admin.tracking()["events"], "the track went to the tracking API"
    assert leaks.found == []


def test_command_line_send_and_dry_run(
    fake: FakeFreshsales,
    tmp_path: Path,
    leaks: Leaks,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("FRESHSALES_API_KEY", CANARY)
    monkeypatch.setenv("FRESHSALES_APP_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(m) + "\n" for m in MESSAGES) + "{not json\n")
    with caplog.at_level(logging.DEBUG):
        assert main(["send", str(events), "--domain", "acme", "--base-url", fake.url]) == 1
        assert main(["send", str(events), "--domain", "acme", "--dry-run"]) == 1
        assert (
            main(
                [
                    "send",
                    str(events),
                    "--domain",
                    "acme",
                    "--base-url",
                    fake.url,
                    "--concurrency",
                    "3",
                ]
            )
            == 1
        )
        assert (
            main(["replay", "dead-letter.jsonl", "--domain", "acme", "--base-url", fake.url]) == 1
        )
        # A key Freshsales refuses: one line on stderr, without the key.
        with FakeFreshsales() as other:
            assert main(["send", str(events), "--domain", "acme", "--base-url", other.url]) == 1
    captured = capsys.readouterr()
    leaks.text("stdout", captured.out)
    leaks.text("stderr", captured.err)
    leaks.logs(caplog.records)
    assert (tmp_path / "dead-letter.jsonl").exists()
    leaks.files(tmp_path)
    leaks.journal(fake)
    assert leaks.found == []


def test_demo_with_the_canary_as_the_embedded_key(
    tmp_path: Path,
    leaks: Leaks,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(
        "segment_freshsales.cli.embedded_fake.secrets.token_urlsafe", lambda *_: CANARY
    )
    with caplog.at_level(logging.DEBUG):
        assert main(["demo", "--dead-letter", str(tmp_path / "demo-dead.jsonl")]) == 0
    captured = capsys.readouterr()
    assert "Now in the fake Freshsales" in captured.out
    leaks.text("stdout", captured.out)
    leaks.text("stderr", captured.err)
    leaks.logs(caplog.records)
    assert leaks.files(tmp_path) == 1
    assert leaks.found == []


def test_relay(fake: FakeFreshsales, tmp_path: Path, leaks: Leaks) -> None:
    with (
        (tmp_path / "relay.log").open("w") as log,
        Relay(fake.url, CANARY, "wk-1", tmp_path / "state", log) as relay,
    ):
        relay.post("/v1/batch", {"batch": MESSAGES})
        relay.post("/v1/track", {"userId": "x", "event": "E"})
        relay.wait_until(lambda metrics: metrics["queue_depth"] == 0)
        leaks.text("metrics", relay.http.get("/metrics").text)
        leaks.text("health", relay.http.get("/health").text)
        out, _ = relay.interrupt()
    leaks.text("relay stdout", out)
    assert leaks.files(tmp_path) >= 3  # the queue, the messageIds, the log (and dead letters)
    leaks.journal(fake)
    assert leaks.found == []


def test_contract_recording_and_live_verification(
    fake: FakeFreshsales,
    tmp_path: Path,
    leaks: Leaks,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CANARY_KEY", CANARY)
    for scenario in SCENARIOS:
        out = tmp_path / scenario.replace(" ", "-")
        argv = ["record", "--base-url", fake.url, "--api-key-env", "CANARY_KEY", "--scenario"]
        assert contracts_main([*argv, scenario, "--out", str(out)]) == 0
    verify = ["verify", "--base-url", fake.url, "--api-key-env", "CANARY_KEY", "--allow-writes"]
    contracts_main([*verify, "--against-live"])
    captured = capsys.readouterr()
    leaks.text("stdout", captured.out)
    leaks.text("stderr", captured.err)
    assert leaks.files(tmp_path) >= len(SCENARIOS)
    leaks.journal(fake)
    assert leaks.found == []


@pytest.mark.parametrize(
    ("secret", "text", "scrubbed"),
    [
        # A key is a token of its own where it occurs: a header value, a URL, an echoed body.
        (CANARY, f"Token token={CANARY}", f"Token token={REDACTED}"),
        (CANARY, f"GET /lookup?key={CANARY}&f=email", f"GET /lookup?key={REDACTED}&f=email"),
        (CANARY, f'{{"message": "bad key {CANARY}."}}', f'{{"message": "bad key {REDACTED}."}}'),
        ("k3y/with+slash=", "GET /x?key=k3y%2Fwith%2Bslash%3D", f"GET /x?key={REDACTED}"),
        ("-edgy-key_", "x-edgy-key_y", f"x{REDACTED}y"),  # no letter can glue onto a dash
        # Text that merely holds the key's letters inside a word is left alone.
        ("k", "GET /lookup", "GET /lookup"),
        ("k", "GET /lookup?q=k", f"GET /lookup?q={REDACTED}"),
        ("abc", "abcd xabc abc1 abc", f"abcd xabc abc1 {REDACTED}"),
        ("", "nothing to find", "nothing to find"),
    ],
)  # fmt: skip
def test_the_key_is_redacted_as_a_whole_token(secret: str, text: str, scrubbed: str) -> None:
    assert scrub(text, secret) == scrubbed


def test_redaction_goes_through_keys_values_and_lists_of_echoed_bodies() -> None:
    body = {"errors": [f"token {CANARY}", {CANARY: 1, "lookup": None}], "code": 401}
    assert scrub(body, CANARY) == {
        "errors": [f"token {REDACTED}", {REDACTED: 1, "lookup": None}],
        "code": 401,
    }


LEAD = {"type": "identify", "messageId": "m-1", "userId": "u-1", "traits": {"email": "an@x.io"}}


def test_a_short_key_no_longer_mangles_what_is_written(tmp_path: Path) -> None:
    """The library still takes any key (the fakes' tests use `k`): with it, `/lookup` stays.
    (A word `k` of its own would still go: a key that short is told apart from text by nothing,
    which is why the command refuses it.)"""
    dead = tmp_path / "dead.jsonl"
    with FakeFreshsales(api_key="k") as fake:
        fake.admin.set_faults(rate=1.0, statuses=[400], seed=1)
        settings = Settings(domain="acme", api_key="k", base_url=fake.url)
        with Client(settings, dead_letter=dead) as client:
            outcome = client.deliver(LEAD)
    assert outcome.reason == "GET /lookup: 400 Bad Request"
    [record] = [json.loads(line) for line in dead.read_text().splitlines()]
    assert record["reason"] == "GET /lookup: 400 Bad Request"
    assert record["message"] == LEAD | {"timestamp": record["message"]["timestamp"]}


@pytest.mark.parametrize("key", ["k", "fifteen-chars-k"])
def test_the_command_refuses_a_key_too_short_to_be_real(tmp_path: Path, key: str) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(MESSAGES[1]) + "\n")
    env = clean_env(FRESHSALES_DOMAIN="acme", FRESHSALES_API_KEY=key)
    with Process("segment-freshsales", "send", str(events), env=env, cwd=tmp_path) as send:
        out, err = send.wait()
    assert (send.returncode, out) == (2, "")
    assert err == (
        "segment-freshsales send: error: $FRESHSALES_API_KEY is too short to be a Freshsales "
        "API key: a key has about 22 characters, and at least 16 are required\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["events.jsonl"]
