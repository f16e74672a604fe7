"""The delivery engine driven by hand: actions out, events in, no transport, no clock, no
files. Each test plays the driver's part and checks what the engine asks for next."""

import random
from typing import Any

import pytest

from segment_freshsales import AuthError, Outcome, RateLimits, Report
from segment_freshsales.delivery.engine import Engine, Steps
from segment_freshsales.delivery.events import (
    Check,
    Checked,
    Done,
    Instant,
    NoReply,
    Reply,
    Send,
    Settle,
    Sleep,
)
from segment_freshsales.delivery.outcome import WARNINGS_KEPT
from segment_freshsales.delivery.pacing import RateLimiter
from segment_freshsales.delivery.retry import RetryPolicy
from translator import Settings

# An account with /leads/upsert: an identify of a lead is one request.
SETTINGS = Settings(domain="acme", api_key="engine-key-7c1d", lead_write="upsert")
START = Instant(monotonic=100.0, epoch=1_790_000_000.0)
IDENTIFY = {
    "type": "identify",
    "messageId": "m-1",
    "userId": "ada@example.com",
    "timestamp": "2026-05-01T10:00:00Z",
}
LEAD = {"lead": {"id": 7, "email": "ada@example.com"}}


def engine(
    limits: RateLimits | None = None, attempts: int = 3, settings: Settings = SETTINGS
) -> Engine:
    return Engine(
        settings,
        policy=RetryPolicy(max_attempts=attempts),
        limiter=RateLimiter(limits or RateLimits(((10_000, 1.0),))),
        rng=random.Random(3),
    )


def later(seconds: float, at: Instant = START) -> Instant:
    return Instant(at.monotonic + seconds, at.epoch + seconds)


def reply(status: int, body: Any, at: Instant = START, **headers: str) -> Reply:
    return Reply(status, {k.replace("_", "-"): v for k, v in headers.items()}, body, at)


def finish(steps: Steps, event: Done) -> Outcome:
    """Answer the last action (a Settle); the outcome the engine returns."""
    with pytest.raises(StopIteration) as stop:
        steps.send(event)
    outcome: Outcome = stop.value.value
    return outcome


def test_a_delivered_identify_is_checked_sent_and_settled() -> None:
    steps = engine().deliver(IDENTIFY, START)
    assert next(steps) == Check("m-1")
    send = steps.send(Checked(False, START))
    assert isinstance(send, Send)
    assert (send.method, send.path, send.query) == ("POST", "/leads/upsert", None)
    assert send.body == {
        "unique_identifier": {"emails": "ada@example.com"},
        "lead": {"email": "ada@example.com", "external_id": "ada@example.com"},
    }
    settle = steps.send(reply(200, LEAD))
    assert isinstance(settle, Settle)
    assert settle.message == IDENTIFY
    assert settle.message_ids == ("m-1",)
    outcome = finish(steps, Done(START))
    assert outcome == settle.outcome
    assert (outcome.status, outcome.calls, outcome.attempts) == (
        "delivered",
        [("POST", "/leads/upsert", 200)],
        1,
    )


def test_a_message_delivered_before_is_skipped_without_a_request() -> None:
    steps = engine().deliver(IDENTIFY, START)
    assert next(steps) == Check("m-1")
    settle = steps.send(Checked(True, START))
    assert settle == Settle(IDENTIFY, Outcome("skipped", "m-1"), ())
    assert finish(steps, Done(START)).status == "skipped"


def test_an_invalid_message_is_settled_as_rejected_with_its_reason() -> None:
    steps = engine().deliver({"type": "identify", "traits": {}}, START)
    settle = next(steps)  # no messageId: nothing to check
    assert isinstance(settle, Settle)
    assert settle.outcome.status == "rejected"
    assert settle.outcome.reason == (
        "invalid event: userId: expected a userId: it identifies the lead or contact"
    )
    assert finish(steps, Done(START)).reason == settle.outcome.reason


def test_a_message_without_a_timestamp_is_stamped_with_the_time_it_was_given() -> None:
    message = {"type": "identify", "userId": "ada@example.com"}
    steps = engine().deliver(message, Instant(0.0, 1_790_000_000.25))
    next(steps)
    settle = steps.send(reply(200, LEAD))
    assert isinstance(settle, Settle)
    assert settle.message == {**message, "timestamp": "2026-09-21T14:13:20.250Z"}


def test_a_5xx_is_retried_after_a_sleep_the_engine_asks_for() -> None:
    steps = engine().deliver(IDENTIFY, START)
    next(steps)
    steps.send(Checked(False, START))
    sleep = steps.send(reply(503, {"errors": {"code": 503, "message": ["busy"]}}))
    assert isinstance(sleep, Sleep)
    assert 0 <= sleep.seconds <= 0.5
    assert sleep.why == "before retrying POST /leads/upsert after 503"
    assert isinstance(steps.send(Done(later(sleep.seconds))), Send)
    steps.send(reply(200, LEAD, later(1)))
    outcome = finish(steps, Done(later(1)))
    assert (outcome.status, outcome.retries, outcome.attempts) == ("delivered", 1, 2)


def test_a_429_waits_as_long_as_the_server_says() -> None:
    steps = engine().deliver(IDENTIFY, START)
    next(steps)
    steps.send(Checked(False, START))
    sleep = steps.send(reply(429, None, x_ratelimit_reset="42"))
    assert sleep == Sleep(42.0, "for the rate limit")


@pytest.mark.parametrize(
    "reset",
    ["2866", str(int(START.epoch) + 2866)],  # seconds, or the epoch second, an hour's reset
)
def test_a_429_with_a_long_reset_and_requests_left_is_a_backoff_not_a_stall(reset: str) -> None:
    steps = engine().deliver(IDENTIFY, START)
    next(steps)
    steps.send(Checked(False, START))
    limited = reply(429, None, x_ratelimit_reset=reset, x_ratelimit_remaining="99996")
    sleep = steps.send(limited)
    assert isinstance(sleep, Sleep)
    assert 0 <= sleep.seconds <= 0.5
    assert sleep.why == "before retrying POST /leads/upsert after 429"
    # Nor does the pacing believe it: the retry goes out as soon as the backoff is over.
    assert isinstance(steps.send(Done(later(sleep.seconds))), Send)


@pytest.mark.parametrize(
    ("remaining", "reset", "wait"),
    [
        ("0", "2866", 900.0),  # the hour spent: believed, up to the policy's longest wait
        ("3", "30", 30.0),  # within a minute: believed whatever it says remains
        (None, "2866", 900.0),  # no count to contradict it
    ],
)
def test_a_429_whose_headers_agree_is_waited_for(
    remaining: str | None, reset: str, wait: float
) -> None:
    steps = engine().deliver(IDENTIFY, START)
    next(steps)
    steps.send(Checked(False, START))
    headers = {"x_ratelimit_reset": reset}
    if remaining is not None:
        headers["x_ratelimit_remaining"] = remaining
    assert steps.send(reply(429, None, **headers)) == Sleep(wait, "for the rate limit")


def test_no_reply_is_retried_then_the_message_fails_with_the_problem() -> None:
    steps = engine(attempts=2).deliver(IDENTIFY, START)
    next(steps)
    steps.send(Checked(False, START))
    sleep = steps.send(NoReply("ConnectError: refused", START))
    assert isinstance(sleep, Sleep)
    steps.send(Done(later(1)))
    settle = steps.send(NoReply("ConnectError: refused", later(1)))
    assert isinstance(settle, Settle)
    assert settle.outcome.status == "failed"
    assert settle.outcome.reason == (
        "POST /leads/upsert: no answer after 2 attempts (ConnectError: refused)"
    )
    assert settle.outcome.calls == [("POST", "/leads/upsert", 0)] * 2


def test_a_refused_key_settles_the_message_then_raises() -> None:
    steps = engine().deliver(IDENTIFY, START)
    next(steps)
    steps.send(Checked(False, START))
    settle = steps.send(reply(401, {"message": "bad key engine-key-7c1d"}))
    assert isinstance(settle, Settle)
    assert settle.outcome.status == "failed"
    assert "engine-key-7c1d" not in str(settle.outcome.reason)
    with pytest.raises(AuthError, match=r"^Freshsales answered 401"):
        steps.send(Done(START))


def test_pacing_reads_the_time_from_the_events_it_is_given() -> None:
    paced = engine(RateLimits(((1, 60.0),)))
    first = paced.deliver(IDENTIFY, START)
    next(first)
    first.send(Checked(False, START))
    first.send(reply(200, LEAD))
    finish(first, Done(START))
    second = paced.deliver({**IDENTIFY, "messageId": "m-2"}, later(15))
    next(second)
    assert second.send(Checked(False, later(15))) == Sleep(45.0, "for the rate limit")
    # Told that the wait is over, it sends without asking for more.
    assert isinstance(second.send(Done(later(60))), Send)


def test_a_track_looks_up_the_person_and_fills_the_activity_type_placeholder() -> None:
    track = {
        "type": "track",
        "userId": "ada@example.com",
        "event": "Signed Up",
        "timestamp": "2026-05-01T10:00:00Z",
    }
    delivery = engine()
    steps = delivery.deliver(track, START)
    lookup = next(steps)
    assert isinstance(lookup, Send)
    assert (lookup.method, lookup.path) == ("GET", "/lookup")
    found = {"contacts": {"contacts": [{"id": 12, "owner_id": 40}]}, "leads": {"leads": []}}
    types = steps.send(reply(200, found))
    assert types == Send("GET", "/selector/sales_activity_types", None, None)
    listed = {"sales_activity_types": [{"id": 31, "name": "Segment Event"}]}
    activity = steps.send(reply(200, listed))
    assert isinstance(activity, Send)
    assert activity.path == "/sales_activities"
    assert activity.body["sales_activity"]["sales_activity_type_id"] == 31
    assert activity.body["sales_activity"]["targetable_type"] == "Contact"
    assert activity.body["sales_activity"]["targetable_id"] == 12
    assert activity.body["sales_activity"]["owner_id"] == 40  # the contact's own owner
    steps.send(reply(201, {"sales_activity": {"id": 5}}))
    assert finish(steps, Done(START)).status == "delivered"
    # What it learnt stays for the next message: no lookup, no selector this time.
    again = delivery.deliver(track, START)
    assert next(again).path == "/sales_activities"  # type: ignore[union-attr]


def drive(steps: Steps, answers: dict[tuple[str, str], Any]) -> tuple[list[Send], Outcome]:
    """Play the driver: answer each Send from `answers` by (method, path), 200; the requests
    sent and the outcome."""
    sent: list[Send] = []
    action = next(steps)
    try:
        while True:
            if isinstance(action, Send):
                sent.append(action)
                action = steps.send(reply(200, answers[(action.method, action.path)]))
            else:
                action = steps.send(
                    Done(START) if not isinstance(action, Check) else Checked(False, START)
                )
    except StopIteration as stop:
        return sent, stop.value


FIND = Settings(domain="acme", api_key="engine-key-7c1d")  # the defaults: leads found first
NOBODY = {"leads": {"leads": []}}
TYPES = {"sales_activity_types": [{"id": 31, "name": "Segment Event"}]}


def test_a_lead_found_by_email_is_updated_by_id() -> None:
    found = {"leads": {"leads": [{"id": 7, "owner_id": None}]}}
    steps = engine(settings=FIND).deliver({**IDENTIFY, "traits": {"title": "CTO"}}, START)
    sent, outcome = drive(steps, {("GET", "/lookup"): found, ("PUT", "/leads/7"): LEAD})
    assert [(s.method, s.path, s.query) for s in sent] == [
        ("GET", "/lookup", {"q": "ada@example.com", "f": "email", "entities": "lead"}),
        ("PUT", "/leads/7", None),
    ]
    lead = {"email": "ada@example.com", "external_id": "ada@example.com", "job_title": "CTO"}
    assert sent[1].body == {"lead": lead}
    assert outcome.status == "delivered"


def test_a_lead_nobody_has_is_created_then_known_to_the_next_message() -> None:
    delivery = engine(settings=FIND)
    sent, _ = drive(
        delivery.deliver(IDENTIFY, START), {("GET", "/lookup"): NOBODY, ("POST", "/leads"): LEAD}
    )
    assert [(s.method, s.path) for s in sent] == [("GET", "/lookup"), ("POST", "/leads")]
    assert sent[1].body == {"lead": {"email": "ada@example.com", "external_id": "ada@example.com"}}
    again, _ = drive(
        delivery.deliver({**IDENTIFY, "messageId": "m-2"}, START), {("PUT", "/leads/7"): LEAD}
    )
    assert [(s.method, s.path) for s in again] == [("PUT", "/leads/7")]


def test_an_owner_email_is_looked_up_once_among_the_users() -> None:
    by_email = Settings(domain="acme", api_key="k", owner="Boss@Acme.io")
    delivery = engine(settings=by_email)
    track = {"type": "track", "userId": "ada@example.com", "event": "Segment Event"}
    answers = {
        ("GET", "/lookup"): {"contacts": {"contacts": [{"id": 12, "owner_id": None}]}},
        ("GET", "/selector/sales_activity_types"): TYPES,
        ("GET", "/selector/owners"): {"users": [{"id": 3, "email": "boss@acme.io"}]},
        ("POST", "/sales_activities"): {"sales_activity": {"id": 1}},
    }
    first, _ = drive(delivery.deliver(track, START), answers)
    second, _ = drive(delivery.deliver(track, START), answers)
    assert [s.path for s in first + second].count("/selector/owners") == 1
    assert [s.body["sales_activity"]["owner_id"] for s in first + second if s.body] == [3, 3]


def test_no_owner_anywhere_rejects_the_activity_before_it_is_sent() -> None:
    track = {"type": "track", "userId": "ada@example.com", "event": "Segment Event"}
    answers = {
        ("GET", "/lookup"): {"contacts": {"contacts": [{"id": 12, "owner_id": None}]}},
        ("GET", "/selector/sales_activity_types"): TYPES,
    }
    sent, outcome = drive(engine().deliver(track, START), answers)
    assert "/sales_activities" not in [s.path for s in sent]
    assert outcome.status == "rejected"
    assert outcome.reason == (
        "the sales activity has no owner (tried: person (none)), and a Freshsales account "
        "refuses an activity without one: set Settings.owner (the command line's "
        "--owner ID|EMAIL or $FRESHSALES_OWNER), or send properties.ownerId"
    )


# A track whose activity must be made once: the person is a known contact, the owner given.
ONCE = {
    "type": "track",
    "messageId": "m-9",
    "userId": "ada@example.com",
    "event": "Signed Up",
    "timestamp": "2026-05-01T10:00:00Z",
    "properties": {"ownerId": 40},
}
CONTACT = {"contacts": {"contacts": [{"id": 12, "owner_id": None}]}, "leads": {"leads": []}}
NOTES = 'Segment track "Signed Up"\nownerId: 40\nSegment messageId: m-9'
ACTIVITIES = "/contacts/12/activities"


def play(steps: Steps, answers: list[Reply | NoReply]) -> tuple[list[Send], Outcome]:
    """Play the driver: answer each Send with the next of `answers` (all of them must be
    used); the requests sent and the outcome."""
    sent: list[Send] = []
    action = next(steps)
    try:
        while True:
            if isinstance(action, Send):
                sent.append(action)
                action = steps.send(answers.pop(0))
            elif isinstance(action, Check):
                action = steps.send(Checked(False, START))
            else:
                action = steps.send(Done(START))
    except StopIteration as stop:
        assert answers == [], "answers left over"
        return sent, stop.value


def listing(*notes: str) -> Reply:
    return reply(200, {"activities": [{"id": 70 + i, "notes": n} for i, n in enumerate(notes)]})


BEFORE = [reply(200, CONTACT), reply(200, TYPES)]  # the lookup, the activity types
UNKNOWN = [NoReply("ReadTimeout: timed out", START), reply(503, None)]


@pytest.mark.parametrize("unknown", UNKNOWN)
def test_an_activity_that_may_have_been_made_is_found_and_not_sent_again(
    unknown: Reply | NoReply,
) -> None:
    answers = [*BEFORE, unknown, listing('Segment track "Later"\nSegment messageId: m-10', NOTES)]
    sent, outcome = play(engine().deliver(ONCE, START), answers)
    assert [(s.method, s.path) for s in sent[2:]] == [
        ("POST", "/sales_activities"),
        ("GET", ACTIVITIES),
    ]
    assert sent[2].body["sales_activity"]["notes"] == NOTES
    assert outcome.status == "delivered"
    assert outcome.calls[-1] == ("GET", ACTIVITIES, 200)


@pytest.mark.parametrize("unknown", UNKNOWN)
def test_an_activity_the_listing_lacks_is_sent_again(unknown: Reply | NoReply) -> None:
    answers = [*BEFORE, unknown, listing("Segment messageId: m-9 (not the last line)\nx: y")]
    answers.append(reply(200, {"sales_activity": {"id": 5}}))
    sent, outcome = play(engine().deliver(ONCE, START), answers)
    assert [(s.method, s.path) for s in sent[2:]] == [
        ("POST", "/sales_activities"),
        ("GET", ACTIVITIES),
        ("POST", "/sales_activities"),
    ]
    assert sent[2].body == sent[4].body
    assert (outcome.status, outcome.retries) == ("delivered", 1)


def test_every_uncertain_attempt_is_looked_for_before_the_next() -> None:
    answers = [*BEFORE, reply(502, None), listing(), NoReply("dropped", START), listing(NOTES)]
    sent, outcome = play(engine().deliver(ONCE, START), answers)
    assert [s.method for s in sent[2:]] == ["POST", "GET", "POST", "GET"]
    assert outcome.status == "delivered"


@pytest.mark.parametrize("certain", [429, 408])
def test_an_answer_below_500_is_certain_so_nothing_is_looked_for(certain: int) -> None:
    answers = [*BEFORE, reply(certain, None), reply(200, {"sales_activity": {"id": 5}})]
    sent, outcome = play(engine().deliver(ONCE, START), answers)
    assert [(s.method, s.path) for s in sent[2:]] == [("POST", "/sales_activities")] * 2
    assert outcome.status == "delivered"


@pytest.mark.parametrize(("found", "posts"), [(True, 0), (False, 1)])
def test_a_message_that_may_have_been_sent_is_looked_for_before_the_first_post(
    found: bool, posts: int
) -> None:
    answers = [*BEFORE, listing(NOTES) if found else listing()]
    answers += [reply(200, {"sales_activity": {"id": 5}})] * posts
    sent, outcome = play(engine().deliver(ONCE, START, maybe_sent=True), answers)
    assert [(s.method, s.path) for s in sent[2:]] == [
        ("GET", ACTIVITIES),
        *[("POST", "/sales_activities")] * posts,
    ]
    assert outcome.status == "delivered"


def test_without_a_message_id_an_activity_is_sent_again_at_least_once() -> None:
    message = {k: v for k, v in ONCE.items() if k != "messageId"}
    answers = [*BEFORE, NoReply("dropped", START), reply(200, {"sales_activity": {"id": 5}})]
    sent, outcome = play(engine().deliver(message, START, maybe_sent=True), answers)
    assert [s.method for s in sent[2:]] == ["POST", "POST"]
    assert "messageId" not in sent[2].body["sales_activity"]["notes"]
    assert outcome.status == "delivered"


def test_a_lead_create_without_an_answer_is_looked_up_again_not_sent_twice() -> None:
    delivery = engine(settings=FIND)
    found = reply(200, {"leads": {"leads": [{"id": 7, "owner_id": 3}]}})
    answers = [reply(200, NOBODY), NoReply("ReadTimeout: timed out", START), found]
    sent, outcome = play(delivery.deliver(IDENTIFY, START), answers)
    assert [(s.method, s.path) for s in sent] == [
        ("GET", "/lookup"),
        ("POST", "/leads"),
        ("GET", "/lookup"),
    ]
    assert sent[2].query == sent[0].query
    assert outcome.status == "delivered"
    # The lead it made is known from then on.
    again, _ = play(delivery.deliver({**IDENTIFY, "messageId": "m-2"}, START), [reply(200, LEAD)])
    assert [(s.method, s.path) for s in again] == [("PUT", "/leads/7")]


@pytest.mark.parametrize(("first", "looks"), [(reply(502, None), 1), (reply(429, None), 0)])
def test_a_lead_create_is_sent_again_when_it_was_not_made(first: Reply, looks: int) -> None:
    answers = [reply(200, NOBODY), first, *[reply(200, NOBODY)] * looks, reply(200, LEAD)]
    sent, outcome = play(engine(settings=FIND).deliver(IDENTIFY, START), answers)
    assert [(s.method, s.path) for s in sent] == [
        ("GET", "/lookup"),
        ("POST", "/leads"),
        *[("GET", "/lookup")] * looks,
        ("POST", "/leads"),
    ]
    assert outcome.status == "delivered"


def test_a_deal_create_without_an_answer_is_found_among_the_account_deals() -> None:
    message = {
        **IDENTIFY,
        "traits": {"fsContact": "true", "company": {"name": "Acme"}, "deal": {"name": "Big"}},
    }
    account = {"sales_account": {"id": 70, "name": "Acme"}}
    deals = "/sales_accounts/70"
    answers = [
        reply(200, account),
        reply(200, {"contact": {"id": 8, "sales_accounts": [{"id": 70, "is_primary": True}]}}),
        reply(200, {"sales_account": {"id": 70}, "deals": []}),
        reply(503, None),
        reply(200, {"sales_account": {"id": 70}, "deals": [{"id": 90, "name": "Big"}]}),
    ]
    sent, outcome = play(engine(settings=FIND).deliver(message, START), answers)
    assert [(s.method, s.path, s.query) for s in sent[2:]] == [
        ("GET", deals, {"include": "deals"}),
        ("POST", "/deals", None),
        ("GET", deals, {"include": "deals"}),
    ]
    assert outcome.status == "delivered"


# Issue 14: skips, dropped values as warnings, originalTimestamp, a person nobody found.


def test_a_message_for_other_destinations_is_skipped_with_its_reason() -> None:
    message = {**IDENTIFY, "integrations": {"All": False}}
    steps = engine().deliver(message, START)
    assert next(steps) == Check("m-1")
    settle = steps.send(Checked(False, START))
    assert settle == Settle(message, Outcome("skipped", "m-1", reason="integrations"), ())
    assert finish(steps, Done(START)).reason == "integrations"


def test_an_event_the_map_ignores_is_skipped_with_its_reason() -> None:
    settings = Settings(domain="acme", api_key="engine-key-7c1d", event_map={"Heartbeat": None})
    message = {"type": "track", "userId": "ada@example.com", "event": "Heartbeat"}
    sent, outcome = drive(engine(settings=settings).deliver(message, START), {})
    assert sent == []
    assert (outcome.status, outcome.reason, outcome.calls) == ("skipped", "event_map", [])


def test_dropped_values_are_the_outcome_s_warnings_whatever_its_status() -> None:
    message = {**IDENTIFY, "traits": {"ownerId": "boss", "cfScore": {"a": 1}}}
    warnings = [
        "traits.ownerId dropped: expected an integer (or a string of digits), got the string "
        "'boss'",
        "traits.cfScore dropped: expected a string, number, boolean, null or a list of those "
        "for a custom field, got an object",
    ]
    sent, delivered = play(engine().deliver(message, START), [reply(200, LEAD)])
    assert sent[0].body["lead"] == {"email": "ada@example.com", "external_id": "ada@example.com"}
    assert (delivered.status, delivered.warnings) == ("delivered", warnings)
    _, rejected = play(engine().deliver(message, START), [reply(400, {"errors": {}})])
    assert (rejected.status, rejected.warnings) == ("rejected", warnings)
    _, clean = play(engine().deliver(IDENTIFY, START), [reply(200, LEAD)])
    assert clean.warnings == []


def test_strict_settings_reject_what_would_be_dropped() -> None:
    strict = Settings(domain="acme", api_key="engine-key-7c1d", lead_write="upsert", strict=True)
    message = {**IDENTIFY, "traits": {"ownerId": "boss"}}
    sent, outcome = play(engine(settings=strict).deliver(message, START), [])
    assert sent == []
    assert outcome.status == "rejected"
    assert outcome.reason is not None and outcome.reason.startswith("invalid event: traits.ownerId")


def test_a_message_with_an_original_timestamp_is_not_stamped_and_is_dated_by_it() -> None:
    message = {
        "type": "track",
        "userId": "ada@example.com",
        "event": "Signed Up",
        "originalTimestamp": "2026-05-01T09:59:58Z",
    }
    owner = Settings(domain="acme", api_key="engine-key-7c1d", owner=5)
    answers = {
        ("GET", "/lookup"): {"contacts": {"contacts": [{"id": 3}]}},
        ("GET", "/selector/sales_activity_types"): TYPES,
        ("POST", "/sales_activities"): {"sales_activity": {"id": 9}},
    }
    steps = engine(settings=owner).deliver(message, START)
    sent, outcome = drive(steps, answers)
    assert outcome.status == "delivered"
    assert sent[-1].body["sales_activity"]["start_date"] == "2026-05-01T09:59:58Z"


def test_a_plan_that_wrote_nothing_because_nobody_was_found_is_rejected() -> None:
    message = {
        "type": "track",
        "userId": "u-404",
        "event": "lifecycle_stage",
        "properties": {"lifecycle_stage_id": 3},
    }
    sent, outcome = drive(
        engine(settings=FIND).deliver(message, START), {("GET", "/lookup"): NOBODY}
    )
    assert [(s.method, s.path) for s in sent] == [("GET", "/lookup")]
    assert outcome.status == "rejected"
    assert outcome.reason == (
        "no contact or lead has external_id 'u-404': send an identify for this user first, "
        "or an email in context.traits"
    )


def test_a_lifecycle_stage_updates_the_contact_found_by_its_id() -> None:
    message = {
        "type": "track",
        "userId": "ada@example.com",
        "event": "lifecycle_stage",
        "properties": {"lifecycle_stage": "Customer"},
    }
    answers = {
        ("GET", "/lookup"): {"contacts": {"contacts": [{"id": 3, "owner_id": None}]}},
        ("GET", "/selector/lifecycle_stages"): {
            "lifecycle_stages": [{"id": 12, "name": "Customer"}]
        },
        ("PUT", "/contacts/3"): {"contact": {"id": 3}},
    }
    sent, outcome = drive(engine(settings=FIND).deliver(message, START), answers)
    assert [(s.method, s.path, s.body) for s in sent] == [
        ("GET", "/lookup", None),
        ("GET", "/selector/lifecycle_stages", None),
        ("PUT", "/contacts/3", {"contact": {"lifecycle_stage_id": 12}}),
    ]
    assert outcome.status == "delivered"


def test_a_report_counts_every_warning_and_keeps_the_first_few() -> None:
    report = Report()
    for index in range(WARNINGS_KEPT + 2):
        report.add(Outcome("delivered", f"m-{index}", warnings=[f"a{index}", f"b{index}"]))
    report.add(Outcome("skipped", "m-x", reason="integrations"))
    assert report.fields_dropped == 2 * (WARNINGS_KEPT + 2)
    assert report.first_warnings == [f"{k}{i}" for i in range(WARNINGS_KEPT // 2) for k in "ab"]
    assert (report.skipped, report.by_reason["integrations"]) == (1, 1)


def test_an_activity_on_a_named_record_with_no_owner_anywhere_is_rejected_unsent() -> None:
    message = {
        "type": "track",
        "userId": "u-1",
        "event": "sales_activity",
        "context": {"externalId": [{"type": "Deal", "id": 42}]},
    }
    sent, outcome = drive(
        engine(settings=FIND).deliver(message, START),
        {("GET", "/selector/sales_activity_types"): TYPES},
    )
    assert [s.method for s in sent] == ["GET"]  # the activity type, and no POST
    assert outcome.status == "rejected"
    assert outcome.reason is not None
    assert "no owner (tried: properties.ownerId, Settings.owner)" in outcome.reason
