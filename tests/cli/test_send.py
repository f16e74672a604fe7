"""`segment-freshsales send` against the fake Freshsales (--base-url), checked by its state."""

import json
import os
from pathlib import Path

import httpx
import pytest

from fake_freshsales import FakeFreshsales
from tests.cli.helpers import IDENTIFY, TRACK, send, write_lines
from tests.dead_letters import dead_letters

pytestmark = pytest.mark.slow  # the command sends to the fake over a socket

BROKEN_TRACK = {"type": "track", "messageId": "m-broken", "userId": "u-1"}


def test_json_lines_with_a_malformed_line_deliver_the_rest_and_keep_it(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, "{not json", TRACK, BROKEN_TRACK)
    dead = tmp_path / "dead.jsonl"
    status, out, err = send(capsys, fake, str(source), "--dead-letter", str(dead))
    assert status == 1
    assert out == (
        "events      delivered  rejected  failed  skipped  unsent  total\n"
        "identify            1         0       0        0       0      1\n"
        "track               1         1       0        0       0      2\n"
        "(not JSON)          0         1       0        0       0      1\n"
        "total               2         2       0        0       0      4\n"
        "\n"
        "API calls: 5 (0 retries); HTTP statuses: 200 x4, 201 x1\n"
        "Person cache: 50.0% hits (1 of 2 lookups)\n"  # the track found who the identify made
        "Not delivered (2):\n"
        "  line 2  (not JSON)  rejected: not JSON: Expecting property name enclosed in double "
        "quotes (column 2)\n"
        "  line 4  track       m-broken  rejected: invalid event: event: expected the event "
        "name, a non-empty string\n"
        f"Kept in {dead}: 2 message(s)\n"
        "  2 rejected: a replay rejects them again unless the cause their reason names is fixed "
        "first\n"
    )
    assert err == (
        "sending 1/4: 1 delivered, 0 rejected, 0 failed\n"
        "sending 2/4: 1 delivered, 1 rejected, 0 failed\n"
        "sending 3/4: 2 delivered, 1 rejected, 0 failed\n"
        "sending 4/4: 2 delivered, 2 rejected, 0 failed\n"
    )
    assert dead_letters(dead, with_time=False) == [
        {
            "message": "{not json",
            "status": "rejected",
            "reason": "line 2: not JSON: Expecting property name enclosed in double quotes "
            "(column 2)",
            "attempts": 0,
        },
        {
            "message": {
                **BROKEN_TRACK,
                "timestamp": dead_letters(dead, with_time=False)[1]["message"]["timestamp"],
            },
            "status": "rejected",
            "reason": "invalid event: event: expected the event name, a non-empty string",
            "attempts": 0,
        },
    ]
    state = fake.admin.state()
    assert [(lead["email"], lead["external_id"]) for lead in state["leads"]] == [
        ("ada@example.com", "u-1")
    ]
    assert [(a["title"], a["targetable_type"]) for a in state["sales_activities"]] == [
        ("Signed Up", "Lead")
    ]
    assert fake.api_key not in out + err + dead.read_text()


def test_a_json_array_from_stdin_is_delivered(
    capsys: pytest.CaptureFixture[str],
    fake: FakeFreshsales,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stdin = tmp_path / "stdin.json"
    stdin.write_text(json.dumps([IDENTIFY, TRACK]))
    dead = tmp_path / "dead.jsonl"
    with stdin.open(encoding="utf-8") as piped:
        monkeypatch.setattr("sys.stdin", piped)
        status, out, _ = send(capsys, fake, "-", "--dead-letter", str(dead))
    assert status == 0
    assert out.splitlines()[-2:] == [
        "API calls: 5 (0 retries); HTTP statuses: 200 x4, 201 x1",
        "Person cache: 50.0% hits (1 of 2 lookups)",
    ]
    assert not dead.exists()
    assert len(fake.admin.state()["sales_activities"]) == 1


def test_a_batch_body_shares_its_context_with_every_item(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    # The batch's context.traits.email is how the track finds (here: creates) its person.
    body = {
        "batch": [{"type": "track", "userId": "u-9", "event": "Trial Started", "messageId": "b1"}],
        "context": {"traits": {"email": "grace@example.com"}},
    }
    source = tmp_path / "batch.json"
    source.write_text(json.dumps(body))
    status, out, _ = send(capsys, fake, str(source), "--dead-letter", str(tmp_path / "d"))
    assert status == 0
    assert out == (
        "events  delivered  rejected  failed  skipped  unsent  total\n"
        "track           1         0       0        0       0      1\n"
        "total           1         0       0        0       0      1\n"
        "\n"
        "API calls: 5 (0 retries); HTTP statuses: 200 x4, 201 x1\n"
        "Person cache: 0.0% hits (0 of 1 lookups)\n"
    )
    state = fake.admin.state()
    assert [lead["email"] for lead in state["leads"]] == ["grace@example.com"]
    assert [a["title"] for a in state["sales_activities"]] == ["Trial Started"]


def test_concurrency_delivers_every_message_in_each_users_order(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    messages = []
    for n in range(6):
        email = f"user{n}@example.com"
        messages.append({"type": "identify", "userId": f"u{n}", "traits": {"email": email}})
        messages.append({"type": "track", "userId": f"u{n}", "event": f"Event {n}"})
    source = write_lines(tmp_path / "in.jsonl", *messages)
    status, out, _ = send(
        capsys, fake, str(source), "--concurrency", "4", "--dead-letter", str(tmp_path / "d")
    )
    assert status == 0, out
    state = fake.admin.state()
    assert len(state["leads"]) == 6
    assert sorted(a["title"] for a in state["sales_activities"]) == [f"Event {n}" for n in range(6)]
    # Each track came after its identify: the person was known, never created by the track.
    assert len(fake.admin.journal(method="POST", path="/api/leads")) == 6


def test_dry_run_prints_plans_and_sends_nothing(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, "nope", BROKEN_TRACK, TRACK)
    status, out, err = send(capsys, fake, str(source), "--dry-run", "--lead-write", "upsert")
    assert status == 1
    assert err == ""
    *lines, track = [json.loads(line) for line in out.splitlines()]
    assert lines == [  # the identify is one upsert, as --lead-write asks
        {
            "where": "line 1",
            "messageId": "m-identify",
            "plan": {
                "calls": [
                    {
                        "name": "person",
                        "method": "POST",
                        "path": "/leads/upsert",
                        "body": {
                            "unique_identifier": {"emails": "ada@example.com"},
                            "lead": {
                                "email": "ada@example.com",
                                "first_name": "Ada",
                                "last_name": "Lovelace",
                                "external_id": "u-1",
                            },
                        },
                    }
                ],
                "ignored": [],
            },
        },
        {"where": "line 2", "error": "not JSON: Expecting value (column 1)"},
        {
            "where": "line 3",
            "messageId": "m-broken",
            "error": "invalid event: event: expected the event name, a non-empty string",
        },
    ]
    # Where the activity's owner comes from: the person's, else $FRESHSALES_OWNER's user.
    assert track["owner"] == (
        f"the person's own owner, else Settings.owner {os.environ['FRESHSALES_OWNER']} "
        "(looked up in GET /selector/owners)"
    )
    assert [call["path"] for call in track["plan"]["calls"]] == ["/lookup", "/sales_activities"]
    assert fake.admin.journal() == []


def test_dry_run_says_when_no_owner_is_set(
    capsys: pytest.CaptureFixture[str],
    fake: FakeFreshsales,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FRESHSALES_OWNER")
    source = write_lines(tmp_path / "in.jsonl", TRACK, {**TRACK, "properties": {"ownerId": 7}})
    status, out, _ = send(capsys, fake, str(source), "--dry-run")
    assert status == 0
    assert [json.loads(line)["owner"] for line in out.splitlines()] == [
        "the person's own owner; no Settings.owner (--owner ID|EMAIL or $FRESHSALES_OWNER), "
        "so the event is rejected when the person has no owner",
        "properties.ownerId 7",
    ]


def test_without_an_owner_an_activity_is_rejected_naming_the_option(
    capsys: pytest.CaptureFixture[str],
    fake: FakeFreshsales,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FRESHSALES_OWNER")
    dead = tmp_path / "dead.jsonl"
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK)
    assert send(capsys, fake, str(source), "--dead-letter", str(dead))[0] == 1
    [record] = dead_letters(dead, with_time=False)
    assert "--owner ID|EMAIL" in record["reason"]
    # --owner takes an id as well as an email, and wins over the environment.
    owners = httpx.get(f"{fake.url}/api/selector/owners", headers=fake.auth_headers).json()
    [user] = owners["users"]
    monkeypatch.setenv("FRESHSALES_OWNER", "nobody@example.com")
    source = write_lines(tmp_path / "again.jsonl", {**TRACK, "messageId": "m-again"})
    option = ("--owner", str(user["id"]), "--dead-letter", str(tmp_path / "d2"))
    assert send(capsys, fake, str(source), *option)[0] == 0
    [activity] = fake.admin.state()["sales_activities"]
    assert activity["owner_id"] == user["id"]


def test_a_wrong_key_stops_with_one_line_and_keeps_everything_unsent(
    capsys: pytest.CaptureFixture[str],
    fake: FakeFreshsales,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FRESHSALES_API_KEY", "wrong-key-3b1f7a20c4")
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK, "broken")
    dead = tmp_path / "dead.jsonl"
    status, out, err = send(capsys, fake, str(source), "--dead-letter", str(dead))
    assert status == 1
    assert err == (
        "sending 1/3: 0 delivered, 1 rejected, 0 failed\n"  # the malformed line, kept
        "segment-freshsales: stopped: Freshsales answered 401: the API key is wrong or revoked "
        "(login failed)\n"
    )
    # The table counts every message, as the dead-letter file holds every one.
    assert out.splitlines() == [
        "events      delivered  rejected  failed  skipped  unsent  total",
        "identify            0         0       0        0       1      1",
        "track               0         0       0        0       1      1",
        "(not JSON)          0         1       0        0       0      1",
        "total               0         1       0        0       2      3",
        "",
        "API calls: 0 (0 retries)",
        "Person cache: 0.0% hits (0 of 1 lookups)",  # the identify's, answered 401
        "Not delivered (1):",
        "  line 3  (not JSON)  rejected: not JSON: Expecting value (column 1)",
        f"Kept in {dead}: 3 message(s)",
        f"  2 failed or unsent: `segment-freshsales replay {dead}` sends them again",
        "  1 rejected: a replay rejects them again unless the cause their reason names is fixed "
        "first",
    ]
    assert [(r["status"], r["attempts"]) for r in dead_letters(dead, with_time=False)] == [
        ("failed", 1),
        ("unsent", 0),
        ("rejected", 0),
    ]
    assert "wrong-key-3b1f7a20c4" not in out + err + dead.read_text()
    assert fake.admin.state()["leads"] == []


def test_a_dedupe_store_skips_what_an_earlier_run_delivered(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK)
    options = ("--dedupe-path", str(tmp_path / "ids.sqlite"), "--dead-letter", str(tmp_path / "d"))
    assert send(capsys, fake, str(source), *options)[0] == 0
    status, out, _ = send(capsys, fake, str(source), *options)
    assert status == 0
    assert out.splitlines()[:4] == [
        "events    delivered  rejected  failed  skipped  unsent  total",
        "identify          0         0       0        1       0      1",
        "track             0         0       0        1       0      1",
        "total             0         0       0        2       0      2",
    ]
    assert len(fake.admin.state()["sales_activities"]) == 1


def test_equal_values_that_are_no_messages_are_each_rejected_with_their_place(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    source = tmp_path / "in.json"
    source.write_text("[7, null, 7, null]")
    status, out, _ = send(capsys, fake, str(source), "--dead-letter", str(tmp_path / "d"))
    assert status == 1
    assert [line.split("  ")[1:3] for line in out.splitlines()[-6:-2]] == [
        ["item 1", "(not an object)"],
        ["item 2", "(not an object)"],
        ["item 3", "(not an object)"],
        ["item 4", "(not an object)"],
    ]


def test_activity_type_names_can_be_chosen(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    website = fake.admin.add_activity_type("Website Event")
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK)
    option = ("--track-activity-type", "Website Event")
    status, _, _ = send(capsys, fake, str(source), *option, "--dead-letter", str(tmp_path / "d"))
    assert status == 0
    [activity] = fake.admin.state()["sales_activities"]
    assert activity["sales_activity_type_id"] == website["id"]


def test_an_activity_type_the_account_lacks_names_the_option(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY, TRACK)
    dead = tmp_path / "dead.jsonl"
    option = ("--track-activity-type", "Nope")
    status, out, _ = send(capsys, fake, str(source), *option, "--dead-letter", str(dead))
    assert status == 1
    assert "rejected: sales_activity_types has no entry named 'Nope'" in out
    [record] = dead_letters(dead, with_time=False)
    assert record["reason"].startswith("sales_activity_types has no entry named 'Nope'")
    assert "track_activity_type" in record["reason"]
    assert fake.admin.state()["sales_activities"] == []


def test_the_cache_size_bounds_the_people_remembered(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    tracks = [
        {"type": "track", "userId": f"{name}@example.com", "event": "Signed Up", "properties": {}}
        for name in ("ann", "bob", "ann")
    ]
    source = write_lines(tmp_path / "in.jsonl", *tracks)
    lines = []
    for size in ("100", "1"):  # one person: Bob's lookup makes the client forget Ann
        dead = str(tmp_path / f"dead-{size}.jsonl")
        status, out, _ = send(
            capsys, fake, str(source), "--cache-size", size, "--dead-letter", dead
        )
        assert status == 0
        lines.append([line for line in out.splitlines() if line.startswith("Person cache")])
    assert lines == [
        ["Person cache: 33.3% hits (1 of 3 lookups)"],
        ["Person cache: 0.0% hits (0 of 3 lookups)"],
    ]
