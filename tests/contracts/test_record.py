"""Recording against the fake over a real socket: no secret is written, PII is replaced with
stable placeholders, and what is recorded verifies against a fresh fake."""

import json
import re
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest

from contracts import SCENARIOS, load_interactions, record, verify_provider
from contracts.cli import main
from contracts.scenarios import Scenario, Step
from fake_freshsales import FakeFreshsales

pytestmark = pytest.mark.slow

CANARY = f"canary-{uuid.uuid4().hex}"
# A scenario that puts the key wherever a careless recorder would write it: the path, the
# query, a request body the server echoes back, and (always) the Authorization header.
LEAKY = Scenario(
    "leaky",
    "The API key in every part of a request.",
    (
        Step(
            "upsert",
            "an upsert carrying the key in its fields",
            "POST",
            "/contacts/upsert",
            {
                "unique_identifier": {"emails": "leak@example.com"},
                "contact": {
                    "email": "leak@example.com",
                    "external_id": CANARY,
                    "job_title": f"key {CANARY} inside",
                },
            },
        ),
        Step(
            "lookup",
            "a lookup by the key",
            "GET",
            "/lookup",
            query={"q": CANARY, "f": "external_id", "entities": "contact"},
        ),
        Step("selector", "the key in the path", "GET", f"/selector/{CANARY}"),
    ),
)


def written_bytes(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted(folder.iterdir())]


def test_recording_writes_no_secret(tmp_path: Path) -> None:
    with FakeFreshsales(api_key=CANARY) as fake:
        written = record(fake.url, CANARY, LEAKY, tmp_path)
    assert [path.name for path in written] == [
        "leaky--upsert.json",
        "leaky--lookup.json",
        "leaky--selector.json",
    ]
    assert sorted(tmp_path.iterdir()) == sorted(written)
    for content in written_bytes(tmp_path):
        assert CANARY.encode() not in content
        assert quote(CANARY, safe="").encode() not in content
        assert b"Authorization" not in content
    upsert, lookup, selector = (json.loads(path.read_text()) for path in written)
    assert upsert["request"]["body"]["contact"]["job_title"] == "key [api-key] inside"
    assert upsert["response"]["body"]["contact"]["external_id"] == "[api-key]"
    assert lookup["request"]["query"]["q"] == "[api-key]"
    assert selector["request"]["path"] == "/api/selector/[api-key]"
    assert set(upsert["request"]["headers"]) == {"Accept", "Content-Type", "User-Agent"}
    assert set(lookup["request"]["headers"]) == {"Accept", "User-Agent"}
    assert set(upsert["response"]["headers"]) == {
        "Content-Type",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
    }


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_recording_verifies_against_a_fresh_fake(name: str, tmp_path: Path) -> None:
    with FakeFreshsales() as fake:
        written = record(fake.url, fake.api_key, SCENARIOS[name], tmp_path, today=date(2026, 5, 1))
        host = fake.url.removeprefix("http://")
    recorded = load_interactions(tmp_path)
    assert [i.file for i in recorded] == sorted(written)
    assert {i.source for i in recorded} == {f"recorded from {host} on 2026-05-01"}
    # A fake's answers prove nothing about Freshsales.
    assert {(i.evidence, i.confidence) for i in recorded} == {(("recorded",), "inferred")}
    results = verify_provider(interactions=recorded)
    assert [(r.name, r.status, r.differences) for r in results if r.failed] == []


def test_the_command_line_records_with_pii_replaced(
    fake_freshsales: FakeFreshsales,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RECORD_KEY", fake_freshsales.api_key)
    argv = ["record", "--base-url", fake_freshsales.url, "--api-key-env", "RECORD_KEY"]
    argv += ["--scenario", "contact lifecycle", "--redact-pii", "--out", str(tmp_path)]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"wrote {tmp_path / 'contact-lifecycle--upsert-create.json'}"
    assert len(lines) == 7
    for content in written_bytes(tmp_path):
        assert not re.search(rb"ann\.lee@example\.com|\bAnna?\b|\bLee\b", content)
        assert fake_freshsales.api_key.encode() not in content
    create = json.loads((tmp_path / "contact-lifecycle--upsert-create.json").read_text())
    lookup = json.loads((tmp_path / "contact-lifecycle--lookup.json").read_text())
    assert create["request"]["body"] == {
        "unique_identifier": {"emails": "person1@example.com"},
        "contact": {"email": "person1@example.com", "first_name": "Name-1", "last_name": "Name-2"},
    }
    assert create["response"]["body"]["contact"]["display_name"] == "Name-1 Name-2"
    # The same person keeps the same placeholders in every file of the recording.
    assert lookup["request"]["query"]["q"] == "person1@example.com"
    assert lookup["provider_states"] == [
        {
            "name": "contact exists",
            "params": {
                "email": "person1@example.com",
                "first_name": "Name-3",
                "last_name": "Name-2",
                "job_title": "CTO",
            },
        }
    ]
    assert re.fullmatch(r"recorded from 127\.0\.0\.1:\d+ on \d{4}-\d{2}-\d{2}", create["source"])
    results = verify_provider(interactions=load_interactions(tmp_path))
    assert [r.name for r in results if r.failed] == []


def test_without_redact_pii_emails_and_names_stay(tmp_path: Path) -> None:
    with FakeFreshsales() as fake:
        record(fake.url, fake.api_key, SCENARIOS["contact lifecycle"], tmp_path)
    create = json.loads((tmp_path / "contact-lifecycle--upsert-create.json").read_text())
    assert create["request"]["body"]["contact"] == {
        "email": "ann.lee@example.com",
        "first_name": "Ann",
        "last_name": "Lee",
    }
