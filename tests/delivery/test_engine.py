"""The delivery engine driven by hand: actions out, events in, no transport, no clock, no
files. Each test plays the driver's part and checks what the engine asks for next."""

import random
from typing import Any

import pytest

from segment_freshsales import AuthError, Outcome, RateLimits
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
from segment_freshsales.delivery.pacing import RateLimiter
from segment_freshsales.delivery.retry import RetryPolicy
from translator import Settings

SETTINGS = Settings(domain="acme", api_key="engine-key-7c1d")
START = Instant(monotonic=100.0, epoch=1_790_000_000.0)
IDENTIFY = {
    "type": "identify",
    "messageId": "m-1",
    "userId": "ada@example.com",
    "timestamp": "2026-05-01T10:00:00Z",
}
LEAD = {"lead": {"id": 7, "email": "ada@example.com"}}


def engine(limits: RateLimits | None = None, attempts: int = 3) -> Engine:
    return Engine(
        SETTINGS,
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
    assert sleep.why == "retrying POST /leads/upsert after 503"
    assert isinstance(steps.send(Done(later(sleep.seconds))), Send)
    steps.send(reply(200, LEAD, later(1)))
    outcome = finish(steps, Done(later(1)))
    assert (outcome.status, outcome.retries, outcome.attempts) == ("delivered", 1, 2)


def test_a_429_waits_as_long_as_the_server_says() -> None:
    steps = engine().deliver(IDENTIFY, START)
    next(steps)
    steps.send(Checked(False, START))
    sleep = steps.send(reply(429, None, x_ratelimit_reset="42"))
    assert sleep == Sleep(42.0, "retrying POST /leads/upsert after 429")


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
    assert second.send(Checked(False, later(15))) == Sleep(45.0, "pacing under the rate limit")
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
    found = {"contacts": {"contacts": [{"id": 12}]}, "leads": {"leads": []}}
    types = steps.send(reply(200, found))
    assert types == Send("GET", "/selector/sales_activity_types", None, None)
    listed = {"sales_activity_types": [{"id": 31, "name": "Segment Event"}]}
    activity = steps.send(reply(200, listed))
    assert isinstance(activity, Send)
    assert activity.path == "/sales_activities"
    assert activity.body["sales_activity"]["sales_activity_type_id"] == 31
    assert activity.body["sales_activity"]["targetable_type"] == "Contact"
    assert activity.body["sales_activity"]["targetable_id"] == 12
    steps.send(reply(201, {"sales_activity": {"id": 5}}))
    assert finish(steps, Done(START)).status == "delivered"
    # What it learnt stays for the next message: no lookup, no selector this time.
    again = delivery.deliver(track, START)
    assert next(again).path == "/sales_activities"  # type: ignore[union-attr]
