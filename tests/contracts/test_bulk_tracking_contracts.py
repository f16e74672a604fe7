"""The contracts of bulk upserts, filtered search and the tracking API: what they pin, with what
confidence, and that no file (nor a recording) ever holds an application token."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from contracts import load_interactions
from contracts.conformance import check_request
from contracts.model import CONTRACTS_DIR
from contracts.redact import Redactor

INTERACTIONS = {i.name: i for i in load_interactions()}
SHAPES = [i for i in INTERACTIONS.values() if i.succeeds]
TRACKING = sorted(name for name, i in INTERACTIONS.items() if "/track/" in i.request.path)
# The only tokens a contract file may hold: a placeholder that a provider state replaces, and
# a plainly wrong one.
PLACEHOLDER = "test-app-token"
WRONG = "wrong-app-token-for-contract-check"


def tokens(value: Any) -> list[Any]:
    if isinstance(value, dict):
        found = [item for key, item in value.items() if key == "application_token"]
        return found + [token for item in value.values() for token in tokens(item)]
    if isinstance(value, list):
        return [token for item in value for token in tokens(item)]
    return []


def test_no_contract_file_holds_an_application_token() -> None:
    seen = set()
    for path in sorted((CONTRACTS_DIR / "interactions").glob("*.json")):
        seen.update(tokens(json.loads(path.read_text(encoding="utf-8"))))
    assert seen == {PLACEHOLDER, WRONG}
    for name in TRACKING:
        interaction = INTERACTIONS[name]
        assert interaction.request.auth == "none", name
        if interaction.request.body["application_token"] == PLACEHOLDER:
            # Replaced by the state's fresh token before the request goes out.
            assert dict(interaction.from_state) == {
                ("request", "body", "application_token"): "app_token"
            }, name


def test_a_recording_never_writes_an_application_token() -> None:
    redacted = Redactor("some-api-key", pii=False).redact(
        {
            "request": {"body": {"application_token": "tok-live-1", "identifier": "a"}},
            "response": {"body": {"echo": {"application_token": "tok-live-1"}}},
        }
    )
    assert "tok-live-1" not in json.dumps(redacted)
    assert redacted["request"]["body"] == {"application_token": "[app-token]", "identifier": "a"}


def test_the_tracking_routes_are_graded_by_host() -> None:
    grades = {name: INTERACTIONS[name].confidence for name in TRACKING}
    assert grades == {
        "error-401-tracking-wrong-token": "inferred",
        "error-404-tracking-unavailable": "inferred",
        "suite-track-events": "claim",
        "suite-track-page-views": "claim",
        "suite-track-visitors": "claim",
        "track-events": "official",
        "track-page-views": "official",
        "track-visitors": "official",
    }
    assert {INTERACTIONS[name].suite for name in TRACKING if name.startswith("suite-")} == {True}


def test_the_bulk_routes_are_claims_and_the_job_statuses_inferred() -> None:
    bulk = {n: i.confidence for n, i in INTERACTIONS.items() if "bulk" in n or "job-status" in n}
    assert set(bulk.values()) == {"claim", "inferred"}
    for name, confidence in bulk.items():
        expected = "claim" if name.endswith("bulk-upsert") else "inferred"
        assert confidence == expected, name
        assert set(INTERACTIONS[name].evidence) <= {"E1", "E4"}, name
    statuses = {INTERACTIONS[n].response.body["status"] for n in bulk if "job-status" in n}
    assert statuses == {"queued", "completed", "partially_completed", "failed"}


def request(path: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Request:
    sent = {"Accept": "application/json", "User-Agent": "segment-freshsales/9.9 python-httpx/1.0"}
    return httpx.Request(
        "POST",
        f"https://acme.myfreshworks.com{path}",
        json=body,
        headers={**sent, **(headers or {})},
    )


def test_a_clients_tracking_post_conforms_and_a_bad_one_does_not() -> None:
    event = {
        "application_token": "any-real-token",
        "sdk": "segment-freshsales",
        "identifier": "ann@x.io",
        "event": {"name": "Signed Up", "plan": "Pro", "seats": 3},
    }
    assert check_request(request("/crm/sales/track/events", event), SHAPES) is None
    view = {**{k: v for k, v in event.items() if k != "event"}, "page_view": {"url": "https://x"}}
    assert check_request(request("/track/page_views", view), SHAPES) is None
    nameless = {**event, "event": {"plan": "Pro"}}
    miss = check_request(request("/track/events", nameless), SHAPES)
    assert miss is not None
    assert miss.closest.name in {"track-events", "suite-track-events"}


@pytest.mark.parametrize("root", ["/api", "/crm/sales/api"])
def test_a_clients_bulk_upsert_and_search_conform(root: str) -> None:
    auth = {"Authorization": "Token token=k", "Content-Type": "application/json"}
    items = [
        {"unique_identifier": {"emails": f"p{n}@x.io"}, "data": {"emails": f"p{n}@x.io"}}
        for n in range(100)
    ]
    bulk = request(f"{root}/contacts/bulk_upsert", {"contacts": items}, auth)
    assert check_request(bulk, SHAPES) is None
    too_many = request(f"{root}/contacts/bulk_upsert", {"contacts": [*items, items[0]]}, auth)
    assert check_request(too_many, SHAPES) is not None
    rule = {"attribute": "name", "operator": "is_in", "value": ["A", "B"]}
    search = request(f"{root}/filtered_search/sales_account", {"filter_rule": [rule]}, auth)
    assert check_request(search, SHAPES) is None
