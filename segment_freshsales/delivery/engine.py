"""Delivering one message, as rules only: the engine does no I/O and reads no clock.

`Engine.deliver(message, at)` is a generator. It yields actions (`events.Check`, `Send`,
`Sleep`, `Settle`) and is sent back the event that answers each (`Checked`, `Reply` or
`NoReply`, `Done`), every event stamped with the time; it returns the message's `Outcome`.
`Client` drives it with httpx and `time.sleep`, `AsyncClient` with httpx's async client and
`asyncio.sleep`, and a test can drive it with nothing at all, so all of them share every rule:
the plan, placeholders, caches, retries, pacing and the outcome.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias

from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.events import (
    Action,
    Check,
    Checked,
    Event,
    Instant,
    NoReply,
    Reply,
    Send,
    Settle,
    Sleep,
)
from segment_freshsales.delivery.outcome import CallRecord, Outcome, Status
from segment_freshsales.delivery.pacing import RateLimiter, parse_reset
from segment_freshsales.delivery.redact import scrub
from segment_freshsales.delivery.resolve import (
    Unresolved,
    lookup_names,
    person_from_lookup,
    person_from_upsert,
    resolve,
)
from segment_freshsales.delivery.retry import RETRYABLE_STATUSES, RetryPolicy
from translator.errors import InvalidEvent
from translator.plan import JSON, Call, Plan
from translator.settings import Settings
from translator.translate import translate

__all__ = ["Engine", "Steps"]

Steps: TypeAlias = Generator[Action, Event, Outcome]
_Sub: TypeAlias = Generator[Action, Event, Any]


class _Rejected(Exception):
    """Refused for good: the message is rejected with this reason.

    `status` is the HTTP status that refused it, when one did.
    """

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


class _Failed(Exception):
    """Still failing when the retry budget ran out: the message is kept for replay."""


@dataclass
class _Run:
    """What one delivery has done so far, and the time of the last event."""

    at: Instant
    calls: list[CallRecord] = field(default_factory=list)
    attempts: int = 0
    retries: int = 0
    cached_person: tuple[str, str] | None = None  # the cache key of a person not fetched

    def tell(self, event: Event) -> Event:
        """Note the time an event came with; the event."""
        self.at = event.at
        return event


class Engine:
    """The rules of delivery to one account, shared by Client and AsyncClient.

    It keeps what it learns across messages (people found, selector entries, the rate-limit
    state) in memory; what must outlive it (dead letters, delivered messageIds) it hands to the
    driver in `Check` and `Settle` actions.

    ```python
    engine = Engine(settings, policy=RetryPolicy(), limiter=RateLimiter(RateLimits()),
                    rng=random.Random(7))
    steps = engine.deliver(message, Instant(monotonic=0.0, epoch=1.7e9))
    action = next(steps)                  # Check, Send, Sleep or Settle
    try:
        while True:                       # carry_out answers with the matching event
            action = steps.send(carry_out(action))
    except StopIteration as stop:
        outcome = stop.value
    ```
    """

    def __init__(
        self,
        settings: Settings,
        *,
        policy: RetryPolicy,
        limiter: RateLimiter,
        rng: random.Random,
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.limiter = limiter
        self.rng = rng
        self.people: dict[tuple[str, str], dict[str, JSON]] = {}
        self.selectors: dict[str, dict[str, int]] = {}

    def deliver(
        self, message: object, at: Instant, message_ids: Sequence[str] | None = None
    ) -> Steps:
        """Deliver one message (see the module doc); returns its Outcome.

        `message_ids` count as delivered when it is (by default its own; a coalesced identify
        passes those of every message merged into it). On 401/403 the message is settled as
        failed, then AuthError is raised.
        """
        message_id = message.get("messageId") if isinstance(message, dict) else None
        message_id = message_id if isinstance(message_id, str) else None
        if message_id is not None:
            checked = yield Check(message_id)
            if isinstance(checked, Checked) and checked.delivered:
                outcome = Outcome("skipped", message_id)
                yield Settle(message, outcome, ())
                return outcome
            at = checked.at
        message = _stamped(message, at)
        try:
            plan = translate(message, self.settings)
        except InvalidEvent as error:
            outcome = Outcome("rejected", message_id, reason=f"invalid event: {error}")
            yield Settle(message, outcome, ())
            return outcome
        run = _Run(at)
        try:
            try:
                yield from self._execute(plan, run, use_cache=True)
            except _Rejected as error:
                if run.cached_person is None or error.status not in (400, 404):
                    raise
                # The person we remembered may be gone from Freshsales: forget and look again.
                self._forget(run.cached_person)
                run.cached_person = None
                yield from self._execute(plan, run, use_cache=False)
        except (_Rejected, _Failed, AuthError) as error:
            status: Status = "rejected" if isinstance(error, _Rejected) else "failed"
            reason = scrub(str(error), self.settings.api_key)
            outcome = Outcome(status, message_id, run.calls, reason, run.attempts, run.retries)
            yield Settle(message, outcome, ())
            if isinstance(error, AuthError):
                raise
            return outcome
        outcome = Outcome("delivered", message_id, run.calls, None, run.attempts, run.retries)
        if message_ids is None:
            message_ids = [message_id] if message_id is not None else []
        yield Settle(message, outcome, tuple(message_ids))
        return outcome

    def _execute(self, plan: Plan, run: _Run, use_cache: bool) -> _Sub:
        results: dict[str, JSON] = {}
        for call in plan.calls:
            if call.method == "GET" and call.path == "/lookup" and call.query is not None:
                results[call.name] = yield from self._find_person(call, run, results, use_cache)
                continue
            body = yield from self._resolved(call.body, results, run)
            reply = yield from self._request(call.method, call.path, call.query, body, run)
            results[call.name] = reply.body
            self._remember_upserted_person(call.path, body, reply.body)

    def _find_person(
        self, call: Call, run: _Run, results: dict[str, JSON], use_cache: bool
    ) -> _Sub:
        """The person a `GET /lookup` call names, from the cache, the lookup or its fallback."""
        query = call.query or {}
        key = _person_key(query.get("f", ""), query.get("q", ""))
        if use_cache and key in self.people:
            run.cached_person = key
            return self.people[key]
        reply = yield from self._request("GET", "/lookup", query, None, run)
        person = person_from_lookup(query.get("entities", ""), reply.body)
        if person is None:
            if call.fallback is None:
                raise _Rejected(
                    f"no contact or lead has {query.get('f')} {query.get('q')!r}: send an "
                    "identify for this user first, or an email in context.traits"
                )
            fallback = call.fallback
            body = yield from self._resolved(fallback.body, results, run)
            reply = yield from self._request(fallback.method, fallback.path, None, body, run)
            person = person_from_upsert(fallback.path, reply.body)
            if person is None:
                raise _Rejected(f"{fallback.method} {fallback.path} answered without a record id")
            self._remember_upserted_person(fallback.path, body, reply.body)
        self.people[key] = person
        return person

    def _remember_upserted_person(self, path: str, body: JSON, response: JSON) -> None:
        """After a lead or contact upsert, know that person by email and external id."""
        if path not in ("/leads/upsert", "/contacts/upsert") or not isinstance(body, dict):
            return
        person = person_from_upsert(path, response)
        if person is None:
            return
        record = body.get(path[1:].split("/")[0].removesuffix("s"))
        email = (body.get("unique_identifier") or {}).get("emails")
        external_id = record.get("external_id") if isinstance(record, dict) else None
        for key, value in (("email", email), ("external_id", external_id)):
            if isinstance(value, str):
                self.people[_person_key(key, value)] = person

    def _forget(self, key: tuple[str, str]) -> None:
        """Forget a person, under every key that names the same record."""
        person = self.people.pop(key, None)
        for other in [k for k, v in self.people.items() if v == person]:
            del self.people[other]

    def _resolved(self, body: JSON, results: Mapping[str, JSON], run: _Run) -> _Sub:
        """The body with placeholders filled, fetching the selectors it needs first."""
        for selector in _selectors_in(body):
            if selector not in self.selectors:
                reply = yield from self._request("GET", f"/selector/{selector}", None, None, run)
                self.selectors[selector] = lookup_names(selector, reply.body)
        try:
            return resolve(body, results, self._lookup)
        except Unresolved as error:
            raise _Rejected(str(error)) from None

    def _lookup(self, selector: str, name: str) -> int:
        entries = self.selectors.get(selector, {})
        if name in entries:
            return entries[name]
        hint = ""
        settings = [k for k, v in self.settings.activity_type_settings.items() if v == name]
        if selector == "sales_activity_types" and settings:
            hint = (
                f": create it in Freshsales (Admin Settings > Sales Activities) or set "
                f"Settings.{settings[0]} to one of {sorted(entries)}"
            )
        raise Unresolved(f"{selector} has no entry named {name!r}{hint}")

    def _request(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None,
        body: JSON,
        run: _Run,
    ) -> _Sub:
        """One request, paced, retried per the policy; a 2xx Reply or an exception."""
        for attempt in range(self.policy.max_attempts):
            if attempt:
                run.retries += 1
            wait = self.limiter.reserve(run.at.monotonic)
            if wait > 0:
                run.tell((yield Sleep(wait, "pacing under the rate limit")))
            run.attempts += 1
            reply = run.tell((yield Send(method, path, query, body)))
            last = attempt == self.policy.max_attempts - 1
            if not isinstance(reply, Reply):
                problem = reply.problem if isinstance(reply, NoReply) else "no answer"
                run.calls.append((method, path, 0))
                if last:
                    raise _Failed(
                        f"{method} {path}: no answer after {attempt + 1} attempts ({problem})"
                    )
                delay = self.policy.wait(attempt, None, self.rng)
                run.tell((yield Sleep(delay, f"retrying {method} {path} after {problem}")))
                continue
            run.calls.append((method, path, reply.status))
            reset = self.limiter.observe(
                reply.headers, reply.status, reply.at.monotonic, reply.at.epoch
            )
            if 200 <= reply.status < 300:
                return reply
            detail = _error_messages(reply)
            if reply.status in (401, 403):
                raise AuthError(reply.status, scrub(detail, self.settings.api_key))
            if reply.status not in RETRYABLE_STATUSES:
                raise _Rejected(f"{method} {path}: {reply.status} {detail}", reply.status)
            if last:
                raise _Failed(
                    f"{method} {path}: {reply.status} {detail} after {attempt + 1} attempts"
                )
            hint = parse_reset(reply.headers.get("retry-after"), reply.at.epoch)
            if hint is None and reply.status == 429:
                hint = reset
            delay = self.policy.wait(attempt, hint, self.rng)
            why = f"retrying {method} {path} after {reply.status}"
            run.tell((yield Sleep(delay, why)))
        raise AssertionError("unreachable: the last attempt raises")


def _stamped(message: object, at: Instant) -> object:
    """The message with a `timestamp`, as Segment gives one on receipt when it has none."""
    if isinstance(message, dict) and message.get("timestamp") is None:
        now = datetime.fromtimestamp(at.epoch, UTC)
        return {**message, "timestamp": now.isoformat(timespec="milliseconds")[:-6] + "Z"}
    return message


def _person_key(field: str, value: str) -> tuple[str, str]:
    """Emails are matched without regard to case, as Freshsales does."""
    return (field, value.lower() if field == "email" else value)


def _selectors_in(body: JSON) -> list[str]:
    """The selectors named by `$lookup` placeholders in `body`."""
    found: list[str] = []
    stack: list[Any] = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if "$lookup" in value:
                found.append(str(value["$lookup"]))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _error_messages(reply: Reply) -> str:
    """Freshsales' `errors.message` (a list of strings), or what else the body says."""
    body = reply.body
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, dict):
            messages = errors.get("message")
            if isinstance(messages, list):
                return "; ".join(str(m) for m in messages)
            if messages is not None:
                return str(messages)
        for key in ("message", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
    if 300 <= reply.status < 400:
        return f"redirect to {reply.headers.get('location', '?')} not followed"
    return "(no error message in the response)"
