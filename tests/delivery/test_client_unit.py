"""Client against respx: each status class, retries, pacing, placeholders and caches."""

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from segment_freshsales import AuthError, Client, RateLimits, replay
from segment_freshsales.delivery.deadletter import DeadLetters
from tests.dead_letters import dead_letters
from tests.delivery.helpers import (
    API_KEY,
    VirtualTime,
    activity_types,
    errors,
    nobody,
)
from translator import Settings

MakeClient = Callable[..., Client]
TRACK = {"type": "track", "userId": "ann@example.com", "event": "Signed Up", "messageId": "m-1"}
OWNER = 70000000005
LEAD = httpx.Response(
    201, json={"lead": {"id": 101, "email": "ann@example.com", "owner_id": OWNER}}
)
CREATED = httpx.Response(201, json={"sales_activity": {"id": 9}})
# An account known to have /leads/upsert: an identify of a lead is then one request, which keeps
# the tests of retries, pacing and storage to the point. The find-first default has its own.
UPSERTS = Settings(domain="acme", api_key=API_KEY, lead_write="upsert")


@pytest.fixture
def make_client(make_client: MakeClient) -> MakeClient:
    """The conftest's clients, of the UPSERTS account unless given settings."""
    return lambda **options: make_client(**{"settings": UPSERTS, **options})


def sent(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def track_routes(router: respx.Router) -> dict[str, respx.Route]:
    return {
        "lookup": router.get("/lookup").mock(return_value=nobody()),
        "lead": router.post("/leads/upsert").mock(return_value=LEAD),
        "types": router.get("/selector/sales_activity_types").mock(
            return_value=activity_types("Phone", "Segment Event", "Page View")
        ),
        "activity": router.post("/sales_activities").mock(return_value=CREATED),
    }


def test_track_for_an_unseen_person_creates_a_lead_and_the_activity(
    router: respx.Router, make_client: MakeClient
) -> None:
    routes = track_routes(router)
    message = {**TRACK, "timestamp": "2026-05-01T10:00:00Z", "properties": {"plan": "pro"}}
    outcome = make_client().deliver(message)
    assert outcome.status == "delivered"
    assert outcome.calls == [
        ("GET", "/lookup", 200),
        ("POST", "/leads/upsert", 201),
        ("GET", "/selector/sales_activity_types", 200),
        ("POST", "/sales_activities", 201),
    ]
    lookup = routes["lookup"].calls[0].request
    assert dict(lookup.url.params) == {
        "q": "ann@example.com",
        "f": "email",
        "entities": "contact,lead",
    }
    assert lookup.headers["authorization"] == f"Token token={API_KEY}"
    assert lookup.headers["user-agent"].startswith("segment-freshsales/")
    assert sent(routes["activity"]) == {
        "sales_activity": {
            "title": "Signed Up",
            # The last line names the message: a retry finds the activity by it.
            "notes": 'Segment track "Signed Up"\nplan: pro\nSegment messageId: m-1',
            "start_date": "2026-05-01T10:00:00Z",
            "end_date": "2026-05-01T10:00:00Z",
            "sales_activity_type_id": 70001,
            "targetable_type": "Lead",
            "targetable_id": 101,
            "owner_id": OWNER,  # the owner the new lead was given
        }
    }
    assert routes["activity"].calls[0].request.headers["content-type"] == "application/json"


def test_an_existing_contact_is_found_and_never_gets_a_twin_lead(
    router: respx.Router, make_client: MakeClient
) -> None:
    routes = track_routes(router)
    routes["lookup"].mock(
        return_value=httpx.Response(
            200,
            json={
                "contacts": {"contacts": [{"id": 55, "owner_id": 8}]},
                "leads": {"leads": [{"id": 101, "owner_id": 9}]},
            },
        )
    )
    assert make_client().deliver(TRACK).status == "delivered"
    assert not routes["lead"].called
    body = sent(routes["activity"])["sales_activity"]
    assert (body["targetable_type"], body["targetable_id"], body["owner_id"]) == ("Contact", 55, 8)


def test_message_without_timestamp_is_stamped_on_receipt(
    router: respx.Router, make_client: MakeClient, time_: VirtualTime
) -> None:
    routes = track_routes(router)
    make_client().deliver(TRACK)
    body = sent(routes["activity"])["sales_activity"]
    assert body["start_date"] == "2026-09-21T14:30:00.000Z"  # the virtual wall clock


def test_people_and_selectors_are_looked_up_once(
    router: respx.Router, make_client: MakeClient
) -> None:
    routes = track_routes(router)
    client = make_client()
    for number in range(3):
        assert client.deliver({**TRACK, "messageId": f"m-{number}"}).status == "delivered"
    assert routes["lookup"].call_count == 1
    assert routes["types"].call_count == 1
    assert routes["activity"].call_count == 3


def test_identify_teaches_the_client_who_the_person_is(
    router: respx.Router, make_client: MakeClient
) -> None:
    routes = track_routes(router)
    client = make_client()
    identify = {"type": "identify", "userId": "u-1", "traits": {"email": "Ann@Example.com"}}
    assert client.deliver(identify).status == "delivered"
    assert client.deliver(TRACK).status == "delivered"  # by email, any case
    by_id = {"type": "page", "userId": "u-1", "messageId": "m-2"}
    assert client.deliver(by_id).status == "delivered"  # by external id
    assert routes["lookup"].call_count == 0
    assert [
        c["sales_activity"]["targetable_id"] for c in map(sent_json, routes["activity"].calls)
    ] == [101, 101]


def sent_json(call: Any) -> Any:
    return json.loads(call.request.content)


def test_a_forgotten_person_is_looked_up_again(
    router: respx.Router, make_client: MakeClient
) -> None:
    routes = track_routes(router)
    routes["activity"].side_effect = [
        CREATED,
        errors(400, "Targetable does not exist"),
        CREATED,
    ]
    client = make_client()
    assert client.deliver(TRACK).status == "delivered"
    outcome = client.deliver({**TRACK, "messageId": "m-2"})
    assert outcome.status == "delivered"
    assert routes["lookup"].call_count == 2


def test_user_id_alone_that_nobody_has_is_rejected_with_advice(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    routes = track_routes(router)
    outcome = make_client().deliver({"type": "track", "userId": "u-9", "event": "E"})
    assert outcome.status == "rejected"
    assert outcome.reason == (
        "no contact or lead has external_id 'u-9': send an identify for this user first, "
        "or an email in context.traits"
    )
    assert dict(routes["lookup"].calls[0].request.url.params)["f"] == "external_id"
    assert dead_letters(tmp_path / "dead-letter.jsonl")[0]["reason"] == outcome.reason


def test_contact_plan_links_account_contact_and_deal(
    router: respx.Router, make_client: MakeClient
) -> None:
    account = router.post("/sales_accounts/upsert").mock(
        return_value=httpx.Response(200, json={"sales_account": {"id": 7001, "name": "Acme"}})
    )
    contact = router.post("/contacts/upsert").mock(
        return_value=httpx.Response(200, json={"contact": {"id": 8001, "sales_accounts": []}})
    )
    link = router.put("/contacts/8001").mock(
        return_value=httpx.Response(200, json={"contact": {"id": 8001}})
    )
    deals = router.get("/sales_accounts/7001", params={"include": "deals"}).mock(
        return_value=httpx.Response(200, json={"sales_account": {"id": 7001}, "deals": []})
    )
    deal = router.post("/deals").mock(return_value=httpx.Response(200, json={"deal": {"id": 9001}}))
    message = {
        "type": "identify",
        "userId": "u-1",
        "traits": {
            "email": "a@b.co",
            "fsContact": "true",
            "company": {"name": "Acme"},
            "deal": {"name": "D", "amount": 5},
        },
    }
    assert make_client().deliver(message).status == "delivered"
    assert sent(account)["unique_identifier"] == {"name": "Acme"}
    assert "sales_accounts" not in sent(contact)["contact"]
    assert sent(link) == {"contact": {"sales_accounts": [{"id": 7001, "is_primary": True}]}}
    assert deals.call_count == 1
    assert sent(deal)["deal"] == {
        "name": "D",
        "amount": 5,
        "sales_account_id": 7001,
        "contacts_added_list": [8001],
    }


def test_response_without_the_referenced_id_is_a_rejection(
    router: respx.Router, make_client: MakeClient
) -> None:
    router.post("/sales_accounts/upsert").mock(return_value=httpx.Response(200, json={"oops": 1}))
    router.post("/contacts/upsert").mock(
        return_value=httpx.Response(200, json={"contact": {"id": 8001, "sales_accounts": []}})
    )
    message = {
        "type": "identify",
        "userId": "u",
        "traits": {"email": "a@b.co", "fsContact": True, "company": "Acme"},
    }
    outcome = make_client().deliver(message)
    assert outcome.status == "rejected"
    assert outcome.reason == "call 'account': no /sales_account/id in the response"


def test_missing_activity_type_names_the_setting_to_change(
    router: respx.Router, make_client: MakeClient
) -> None:
    routes = track_routes(router)
    routes["types"].mock(return_value=activity_types("Phone", "Email"))
    outcome = make_client().deliver(TRACK)
    assert outcome.status == "rejected"
    assert outcome.reason == (
        "sales_activity_types has no entry named 'Segment Event': create it in Freshsales "
        "(Admin Settings > Sales Activities) or set Settings.track_activity_type "
        "(--track-activity-type) to one of ['Email', 'Phone']"
    )
    assert not routes["activity"].called


@pytest.mark.parametrize("status", [400, 404, 422])
def test_permanent_errors_reject_with_freshsales_message(
    router: respx.Router, make_client: MakeClient, tmp_path: Path, status: int
) -> None:
    route = router.post("/leads/upsert").mock(
        return_value=errors(status, "The type for owner_id is invalid.")
    )
    message = {"type": "identify", "userId": "a@b.co", "messageId": "m-7"}
    outcome = make_client().deliver(message)
    assert outcome.status == "rejected"
    assert outcome.reason == f"POST /leads/upsert: {status} The type for owner_id is invalid."
    assert route.call_count == 1
    [letter] = dead_letters(tmp_path / "dead-letter.jsonl")
    assert letter["message"]["messageId"] == "m-7"
    assert (letter["status"], letter["attempts"]) == ("rejected", 1)


def test_invalid_event_is_rejected_without_any_request(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    outcome = make_client().deliver({"type": "identify", "userId": "u-1", "traits": {}})
    assert outcome.status == "rejected"
    assert outcome.reason is not None and outcome.reason.startswith("invalid event: traits.email")
    assert outcome.calls == []
    assert not router.calls
    assert dead_letters(tmp_path / "dead-letter.jsonl")[0]["status"] == "rejected"


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried_with_jittered_backoff(
    router: respx.Router, make_client: MakeClient, time_: VirtualTime, status: int
) -> None:
    route = router.post("/leads/upsert").mock(
        side_effect=[errors(status, "busy"), errors(status, "busy"), LEAD]
    )
    outcome = make_client().deliver({"type": "identify", "userId": "a@b.co"})
    assert outcome.status == "delivered"
    assert (outcome.attempts, outcome.retries, route.call_count) == (3, 2, 3)
    assert 0 <= time_.sleeps[0] <= 0.5 and 0 <= time_.sleeps[1] <= 1.0


def test_501_is_not_retried(router: respx.Router, make_client: MakeClient) -> None:
    route = router.post("/leads/upsert").mock(return_value=errors(501, "Not Implemented"))
    assert make_client().deliver({"type": "identify", "userId": "a@b.co"}).status == "rejected"
    assert route.call_count == 1


def test_retry_after_is_honoured(
    router: respx.Router, make_client: MakeClient, time_: VirtualTime
) -> None:
    router.post("/leads/upsert").mock(
        side_effect=[
            httpx.Response(
                429,
                headers={"Retry-After": "17"},
                json={"errors": {"code": 429, "message": ["Too many"]}},
            ),
            LEAD,
        ]
    )
    assert make_client().deliver({"type": "identify", "userId": "a@b.co"}).status == "delivered"
    assert time_.sleeps == [17.0]


def test_rate_limit_reset_is_honoured_on_429(
    router: respx.Router, make_client: MakeClient, time_: VirtualTime
) -> None:
    limited = httpx.Response(429, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "42"})
    router.post("/leads/upsert").mock(side_effect=[limited, LEAD])
    assert make_client().deliver({"type": "identify", "userId": "a@b.co"}).status == "delivered"
    assert time_.sleeps == [42.0]


def test_waits_of_two_seconds_or_more_are_logged_at_info(
    router: respx.Router, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    limited = httpx.Response(429, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "42"})
    unavailable = httpx.Response(503, headers={"Retry-After": "3"})
    short = httpx.Response(503, headers={"Retry-After": "1.5"})
    router.post("/leads/upsert").mock(side_effect=[limited, unavailable, short, LEAD])
    with caplog.at_level(logging.DEBUG, logger="segment_freshsales.delivery"):
        make_client().deliver({"type": "identify", "userId": "a@b.co"})
    waits = [(r.name, r.levelname, r.getMessage()) for r in caplog.records][:3]
    assert waits == [
        ("segment_freshsales.delivery", "INFO", "waiting 42 s for the rate limit"),
        (
            "segment_freshsales.delivery",
            "INFO",
            "waiting 3 s before retrying POST /leads/upsert after 503",
        ),
        (
            "segment_freshsales.delivery",
            "DEBUG",
            "waiting 1.50 s before retrying POST /leads/upsert after 503",
        ),
    ]


def test_reset_as_an_epoch_time_is_understood(
    router: respx.Router, make_client: MakeClient, time_: VirtualTime
) -> None:
    reset = str(int(time_.wall_clock()) + 30)
    limited = httpx.Response(429, headers={"X-RateLimit-Reset": reset})
    router.post("/leads/upsert").mock(side_effect=[limited, LEAD])
    make_client().deliver({"type": "identify", "userId": "a@b.co"})
    assert time_.sleeps == [30.0]


def test_exhausted_retries_fail_and_keep_the_message(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    route = router.post("/leads/upsert").mock(return_value=errors(503, "Service Unavailable"))
    outcome = make_client(max_attempts=4).deliver(
        {"type": "identify", "userId": "a@b.co", "messageId": "m-3"}
    )
    assert outcome.status == "failed"
    assert outcome.reason == "POST /leads/upsert: 503 Service Unavailable after 4 attempts"
    assert route.call_count == 4
    [letter] = dead_letters(tmp_path / "dead-letter.jsonl")
    assert (letter["status"], letter["attempts"], letter["message"]["messageId"]) == (
        "failed",
        4,
        "m-3",
    )


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("dropped"),
    ],
)
def test_timeouts_and_connection_errors_are_retried(
    router: respx.Router, make_client: MakeClient, error: Exception
) -> None:
    route = router.post("/leads/upsert").mock(side_effect=[error, LEAD])
    outcome = make_client().deliver({"type": "identify", "userId": "a@b.co"})
    assert outcome.status == "delivered"
    assert outcome.calls == [("POST", "/leads/upsert", 0), ("POST", "/leads/upsert", 201)]
    assert route.call_count == 2


def test_connection_errors_until_the_end_fail(
    router: respx.Router, make_client: MakeClient
) -> None:
    router.post("/leads/upsert").mock(side_effect=httpx.ConnectError("refused"))
    outcome = make_client(max_attempts=2).deliver({"type": "identify", "userId": "a@b.co"})
    assert outcome.status == "failed"
    assert (
        outcome.reason == "POST /leads/upsert: no answer after 2 attempts (ConnectError: refused)"
    )


@pytest.mark.parametrize(
    ("status", "words"), [(401, "the API key is wrong or revoked"), (403, "lacks permission")]
)
def test_auth_errors_stop_and_keep_everything(
    router: respx.Router, make_client: MakeClient, tmp_path: Path, status: int, words: str
) -> None:
    router.post("/leads/upsert").mock(
        return_value=errors(status, "Invalid authorization credentials.")
    )
    client = make_client()
    messages = [{"type": "identify", "userId": "a@b.co", "messageId": f"m-{i}"} for i in range(4)]
    with pytest.raises(AuthError) as error:
        client.deliver_all(iter(messages))
    assert words in str(error.value)
    assert API_KEY not in str(error.value)
    letters = dead_letters(tmp_path / "dead-letter.jsonl")
    assert [(d["message"]["messageId"], d["status"]) for d in letters] == [
        ("m-0", "failed"),
        ("m-1", "unsent"),
        ("m-2", "unsent"),
        ("m-3", "unsent"),
    ]
    assert router.calls.call_count == 1


def test_redirects_are_not_followed(router: respx.Router, make_client: MakeClient) -> None:
    router.post("/leads/upsert").mock(
        return_value=httpx.Response(302, headers={"Location": "https://evil.example/steal"})
    )
    outcome = make_client().deliver({"type": "identify", "userId": "a@b.co"})
    assert outcome.status == "rejected"
    assert (
        outcome.reason
        == "POST /leads/upsert: 302 redirect to https://evil.example/steal not followed"
    )
    assert router.calls.call_count == 1


def test_cookies_an_answer_sets_are_neither_kept_nor_sent(
    router: respx.Router, make_client: MakeClient
) -> None:
    cookie = {"Set-Cookie": "session=abc123; Path=/; Domain=acme.freshsales.io"}
    upsert = router.post("/leads/upsert").mock(
        return_value=httpx.Response(200, headers=cookie, json={"lead": {"id": 1}})
    )
    client = make_client()
    for number in range(2):
        message = {"type": "identify", "userId": "a@b.co", "messageId": f"m-{number}"}
        assert client.deliver(message).status == "delivered"
    assert "cookie" not in upsert.calls[-1].request.headers
    assert upsert.calls[-1].request.headers["authorization"] == f"Token token={API_KEY}"


def test_a_lookup_query_is_encoded_once(router: respx.Router, make_client: MakeClient) -> None:
    routes = track_routes(router)
    message = {**TRACK, "userId": "ann+promo@example.com"}
    assert make_client().deliver(message).status == "delivered"
    request = routes["lookup"].calls[-1].request
    assert request.url.params["q"] == "ann+promo@example.com"
    assert b"q=ann%2Bpromo%40example.com" in request.url.query


def test_pacing_spreads_requests_under_the_budget(
    router: respx.Router, make_client: MakeClient, time_: VirtualTime
) -> None:
    router.post("/leads/upsert").mock(return_value=LEAD)
    client = make_client(limits=RateLimits(((2, 1.0),)))
    start = time_.now
    for number in range(6):
        client.deliver({"type": "identify", "userId": "a@b.co", "messageId": f"m-{number}"})
    # two at once, then one every half second
    assert time_.now - start == pytest.approx(2.0)
    assert router.calls.call_count == 6


def test_server_remaining_zero_waits_for_the_reset(
    router: respx.Router, make_client: MakeClient, time_: VirtualTime
) -> None:
    spent = httpx.Response(
        201,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "25"},
        json={"lead": {"id": 1}},
    )
    route = router.post("/leads/upsert").mock(side_effect=[spent, LEAD])
    client = make_client()
    client.deliver({"type": "identify", "userId": "a@b.co", "messageId": "m-1"})
    client.deliver({"type": "identify", "userId": "a@b.co", "messageId": "m-2"})
    assert time_.sleeps == [25.0]
    assert route.call_count == 2


def test_a_delivered_message_id_is_skipped(router: respx.Router, make_client: MakeClient) -> None:
    router.post("/leads/upsert").mock(return_value=LEAD)
    client = make_client()
    message = {"type": "identify", "userId": "a@b.co", "messageId": "m-1"}
    assert client.deliver(message).status == "delivered"
    assert client.deliver(message).status == "skipped"
    assert router.calls.call_count == 1


def test_sqlite_dedupe_survives_a_new_client(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    router.post("/leads/upsert").mock(return_value=LEAD)
    message = {"type": "identify", "userId": "a@b.co", "messageId": "m-1"}
    first = make_client(dedupe_path=tmp_path / "delivered.sqlite")
    assert first.deliver(message).status == "delivered"
    first.close()
    second = make_client(dedupe_path=tmp_path / "delivered.sqlite")
    assert second.deliver(message).status == "skipped"


def test_coalescing_merges_consecutive_identifies_of_one_person(
    router: respx.Router, make_client: MakeClient
) -> None:
    route = router.post("/leads/upsert").mock(return_value=LEAD)
    activity = track_routes(router)["activity"]
    messages = [
        {
            "type": "identify",
            "userId": "u-1",
            "messageId": "i-1",
            "traits": {"email": "a@b.co", "firstName": "A", "title": "Dev"},
        },
        {
            "type": "identify",
            "userId": "u-1",
            "messageId": "i-2",
            "traits": {"email": "a@b.co", "title": "CTO"},
        },
        {
            "type": "identify",
            "userId": "u-1",
            "messageId": "i-3",
            "traits": {"email": "a@b.co", "lastName": "B"},
        },
        {"type": "track", "userId": "a@b.co", "event": "E"},
        {"type": "identify", "userId": "u-1", "messageId": "i-4", "traits": {"email": "a@b.co"}},
    ]
    client = make_client()
    told: list[tuple[int, object, str]] = []
    report = client.deliver_all(
        messages,
        coalesce=True,
        on_outcome=lambda n, message, outcome: told.append((n, message, outcome.status)),
    )
    assert (report.delivered, report.calls_saved) == (5, 2)
    # Each input message, as it came (not merged), is told its outcome in the stream's order.
    assert told == [(n, message, "delivered") for n, message in enumerate(messages)]
    assert route.call_count == 2
    assert sent(route, 0)["lead"] == {
        "email": "a@b.co",
        "external_id": "u-1",
        "first_name": "A",
        "job_title": "CTO",
        "last_name": "B",
    }
    assert activity.call_count == 1
    assert client.deliver(messages[0]).status == "skipped"


def test_report_counts_everything(router: respx.Router, make_client: MakeClient) -> None:
    router.post("/leads/upsert").mock(
        side_effect=[LEAD, errors(400, "Bad"), errors(500, "x"), LEAD]
    )
    messages = [
        {"type": "identify", "userId": "a@b.co", "messageId": "1"},
        {"type": "identify", "userId": "a@b.co", "messageId": "2"},
        {"type": "identify", "userId": "a@b.co", "messageId": "3"},
        {"type": "identify", "userId": "a@b.co", "messageId": "1"},
        {"type": "bogus"},
    ]
    report = make_client().deliver_all(messages)
    assert (report.delivered, report.rejected, report.failed, report.skipped) == (2, 2, 0, 1)
    assert (report.api_calls, report.retries, report.total) == (4, 1, 5)
    assert report.by_status == {201: 2, 400: 1, 500: 1}
    assert report.by_reason["POST /leads/upsert: 400 Bad"] == 1


def test_logs_one_line_per_outcome_and_never_the_key(
    router: respx.Router, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    router.post("/leads/upsert").mock(
        side_effect=[errors(503, "x"), LEAD, errors(400, f"echo {API_KEY}")]
    )
    client = make_client()
    with caplog.at_level(logging.DEBUG, logger="segment_freshsales.delivery"):
        client.deliver({"type": "identify", "userId": "a@b.co", "messageId": "m-1"})
        outcome = client.deliver({"type": "identify", "userId": "a@b.co", "messageId": "m-2"})
    levels = [(r.levelname, r.getMessage().split(" ")[0]) for r in caplog.records]
    assert levels == [("DEBUG", "waiting"), ("INFO", "delivered"), ("INFO", "rejected")]
    first = caplog.records[0].getMessage()
    assert first.endswith(" s before retrying POST /leads/upsert after 503")
    assert all(API_KEY not in r.getMessage() for r in caplog.records)
    assert outcome.reason == "POST /leads/upsert: 400 echo [REDACTED]"


def test_replay_resends_and_rewrites_the_file(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    route = router.post("/leads/upsert").mock(return_value=errors(503, "down"))
    client = make_client(max_attempts=1)
    client.deliver_all(
        [{"type": "identify", "userId": "a@b.co", "messageId": f"m-{i}"} for i in range(3)]
    )
    path = tmp_path / "dead-letter.jsonl"
    assert len(path.read_text().splitlines()) == 3
    with path.open("a") as file:
        file.write("not json\n")
    route.mock(side_effect=[LEAD, errors(400, "Bad"), LEAD])
    replayer = make_client(dead_letter=tmp_path / "other.jsonl")
    report = replay(path, replayer)
    assert (report.delivered, report.rejected) == (2, 1)
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["message"]["messageId"] == "m-1"
    assert json.loads(lines[0])["reason"] == "POST /leads/upsert: 400 Bad"
    assert lines[1] == "not json"
    assert not (tmp_path / "other.jsonl").exists()


def listed(*notes: str) -> httpx.Response:
    """A record's activities, newest first, with these notes."""
    return httpx.Response(
        200, json={"activities": [{"id": 900 + i, "notes": n} for i, n in enumerate(notes)]}
    )


MADE = 'Segment track "Signed Up"\nSegment messageId: m-1'


@pytest.mark.parametrize(
    "unknown", [httpx.ReadTimeout("timed out"), httpx.RemoteProtocolError("dropped"), errors(502)]
)
def test_an_activity_whose_create_may_have_been_made_is_looked_for_before_it_is_sent_again(
    router: respx.Router, make_client: MakeClient, unknown: Exception | httpx.Response
) -> None:
    routes = track_routes(router)
    routes["activity"].side_effect = [unknown, CREATED]
    # The earlier attempt was carried out: its activity is there, below a later one.
    listing = router.get("/leads/101/activities").mock(
        return_value=listed('Segment track "Other"\nSegment messageId: m-7', MADE)
    )
    outcome = make_client().deliver(TRACK)
    assert outcome.status == "delivered"
    status = unknown.status_code if isinstance(unknown, httpx.Response) else 0
    assert outcome.calls[-2:] == [
        ("POST", "/sales_activities", status),
        ("GET", "/leads/101/activities", 200),
    ]
    assert (routes["activity"].call_count, listing.call_count) == (1, 1)


def test_an_activity_missing_from_the_listing_is_sent_again(
    router: respx.Router, make_client: MakeClient
) -> None:
    routes = track_routes(router)
    routes["activity"].side_effect = [httpx.ReadTimeout("timed out"), CREATED]
    # Notes that only mention the messageId elsewhere, or another message's: not this one.
    router.get("/leads/101/activities").mock(
        return_value=listed("Segment messageId: m-1\nlater: line", "Segment messageId: m-10")
    )
    outcome = make_client().deliver(TRACK)
    assert outcome.status == "delivered"
    assert routes["activity"].call_count == 2
    assert sent(routes["activity"], 0) == sent(routes["activity"], 1)


def test_a_429_is_certain_so_the_activity_is_sent_again_without_a_listing(
    router: respx.Router, make_client: MakeClient
) -> None:
    routes = track_routes(router)
    routes["activity"].side_effect = [errors(429, "Too many"), CREATED]
    listing = router.get("/leads/101/activities").mock(return_value=listed())
    assert make_client().deliver(TRACK).status == "delivered"
    assert (routes["activity"].call_count, listing.called) == (2, False)


@pytest.mark.parametrize(("found", "posts"), [(True, 0), (False, 1)])
def test_a_message_that_may_have_been_sent_is_looked_for_first(
    router: respx.Router, make_client: MakeClient, found: bool, posts: int
) -> None:
    routes = track_routes(router)
    listing = router.get("/leads/101/activities").mock(
        return_value=listed(MADE) if found else listed()
    )
    outcome = make_client().deliver(TRACK, maybe_sent=True)
    assert outcome.status == "delivered"
    assert (listing.call_count, routes["activity"].call_count) == (1, posts)


def test_a_replayed_failure_is_looked_for_and_an_unsent_message_is_not(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    routes = track_routes(router)
    listing = router.get("/leads/101/activities").mock(return_value=listed(MADE))
    path = tmp_path / "replay.jsonl"
    unsent = {**TRACK, "messageId": "m-2"}
    with path.open("w") as file:
        for message, status in ((TRACK, "failed"), (unsent, "unsent")):
            record = {"message": message, "status": status, "reason": "x", "attempts": 0}
            file.write(json.dumps(record) + "\n")
    report = replay(path, make_client())
    assert report.delivered == 2
    # The failed one was made by an attempt that got no answer: found, not made again.
    assert listing.call_count == 1
    assert [sent_json(c)["sales_activity"]["notes"] for c in routes["activity"].calls] == [
        'Segment track "Signed Up"\nSegment messageId: m-2'
    ]


def test_a_replayed_message_that_was_being_sent_when_sending_stopped_is_looked_for(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    routes = track_routes(router)
    listing = router.get("/leads/101/activities").mock(return_value=listed(MADE))
    path = tmp_path / "replay.jsonl"
    DeadLetters(path, API_KEY).keep_unsent([TRACK], "interrupted", maybe_sent=True)
    assert replay(path, make_client()).delivered == 1
    assert (listing.call_count, routes["activity"].call_count) == (1, 0)


def test_dead_letters_without_a_file_are_kept_in_memory(
    router: respx.Router, make_client: MakeClient
) -> None:
    client = make_client(dead_letter=None)
    client.deliver({"type": "nope"})
    assert client.dead_letters.kept[0]["status"] == "rejected"


def test_repr_hides_the_key(make_client: MakeClient) -> None:
    assert API_KEY not in repr(make_client())
    assert API_KEY not in repr(Settings(domain="acme", api_key=API_KEY))


def test_the_headers_on_the_wire_are_the_clients_with_host_and_the_bodys(
    router: respx.Router, make_client: MakeClient
) -> None:
    routes = track_routes(router)
    assert make_client().deliver(TRACK).status == "delivered"
    lookup = routes["lookup"].calls[0].request
    activity = routes["activity"].calls[0].request
    common = {
        "host": "acme.freshsales.io",
        "accept": "application/json",
        "accept-encoding": lookup.headers["accept-encoding"],  # what this httpx can decode
        "connection": "keep-alive",
        "user-agent": lookup.headers["user-agent"],
        "authorization": f"Token token={API_KEY}",
    }
    assert dict(lookup.headers) == common
    assert dict(activity.headers) == {
        **common,
        "content-type": "application/json",
        "content-length": str(len(activity.content)),
    }
    assert next(iter(activity.headers)) == "host"
