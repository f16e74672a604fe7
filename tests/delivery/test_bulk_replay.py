"""replay(bulk_size=...): a dead-letter file sent again with bulk upserts, rewritten with what
is still undelivered; a refused key keeps every record."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from segment_freshsales import AuthError, Client
from segment_freshsales.delivery.deadletter import DeadLetters
from segment_freshsales.delivery.replay import replay
from tests.delivery.helpers import API_KEY, VirtualTime, errors
from translator import Settings

SUITE = Settings(domain="acme.myfreshworks.com", api_key=API_KEY)
BASE = SUITE.base_url


def identify(n: int) -> dict[str, Any]:
    traits = {"email": f"p{n}@example.com"}
    return {"type": "identify", "messageId": f"m{n}", "userId": f"u{n}", "traits": traits}


def dead_letter_file(path: Path, *messages: dict[str, Any]) -> Path:
    kept = DeadLetters(path, API_KEY)
    for message in messages:
        kept.write(message, "failed", "POST /contacts/upsert: 503 Service Unavailable", 6)
    return path


def client(router: respx.Router) -> Client:
    time_ = VirtualTime()
    return Client(
        SUITE,
        transport=httpx.MockTransport(router.handler),
        sleep=time_.sleep,
        clock=time_.clock,
        wall_clock=time_.wall_clock,
        seed=7,
    )


def test_replay_in_bulk_keeps_only_what_is_still_undelivered(tmp_path: Path) -> None:
    router = respx.Router(base_url=BASE, assert_all_mocked=True)
    url = f"{BASE}/job_statuses/4"
    router.post("/contacts/bulk_upsert").mock(
        return_value=httpx.Response(202, json={"job_status_url": url, "message": "queued"})
    )
    records = [
        {"index": 0, "status": "success", "id": 1, "errors": []},
        {"index": 1, "status": "failed", "id": None, "errors": ["Emails is invalid."]},
    ]
    router.get("/job_statuses/4").mock(
        return_value=httpx.Response(
            200, json={"id": 4, "status": "partially_completed", "data": {"records": records}}
        )
    )
    router.post("/contacts/upsert").mock(return_value=errors(400, "Emails is invalid."))
    path = dead_letter_file(tmp_path / "dead.jsonl", identify(1), identify(2))
    with path.open("a", encoding="utf-8") as file:
        file.write("not a record\n")
    with client(router) as sender:
        report = replay(path, sender, bulk_size=100)
    assert (report.delivered, report.rejected, report.bulk, report.bulk_jobs) == (1, 1, 1, 1)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "not a record"
    (kept,) = [json.loads(line) for line in lines[1:]]
    assert (kept["message"]["messageId"], kept["status"]) == ("m2", "rejected")


def test_a_refused_key_keeps_every_record_as_unsent(tmp_path: Path) -> None:
    router = respx.Router(base_url=BASE, assert_all_mocked=True)
    router.post("/contacts/bulk_upsert").mock(return_value=errors(401, "Login failed"))
    path = dead_letter_file(tmp_path / "dead.jsonl", identify(1), identify(2))
    with client(router) as sender, pytest.raises(AuthError):
        replay(path, sender, bulk_size=100)
    kept = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(k["message"]["messageId"], k["status"], k.get("maybe_sent")) for k in kept] == [
        ("m1", "unsent", True),
        ("m2", "unsent", True),
    ]
