"""Delivering one message, without doing any I/O itself.

`Engine.deliver(message)` is a generator: it yields what it needs done - `Send` a request or
`Sleep` a while - and is sent back the `Reply` (or the transport exception). `Client` drives it
with httpx and `time.sleep`, `AsyncClient` with httpx's async client and `asyncio.sleep`, so
both share every rule: the plan, placeholders, caches, retries, pacing and the outcome.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeAlias

from segment_freshsales.delivery.deadletter import DeadLetters
from segment_freshsales.delivery.dedupe import DeliveredIds
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.outcome import CallRecord, Outcome
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

__all__ = ["Action", "Engine", "Reply", "Send", "Sleep", "Steps"]

logger = logging.getLogger("segment_freshsales.delivery")


@dataclass(frozen=True, slots=True)
class Send:
    """Send this request (path relative to the base URL) and send back its Reply."""

    method: str
    path: str
    query: dict[str, str] | None
    body: JSON


@dataclass(frozen=True, slots=True)
class Sleep:
    """Wait this many seconds, then send back None."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Reply:
    """A response: status, headers with lower-case names, and the JSON body (None if not JSON)."""

    status: int
    headers: Mapping[str, str]
    body: JSON


Action: TypeAlias = Send | Sleep
Steps: TypeAlias = Generator[Action, "Reply | BaseException | None", Outcome]


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
    """What one delivery has done so far."""

    calls: list[CallRecord]
    attempts: int = 0
    retries: int = 0
    cached_person: tuple[str, str] | None = None  # the cache key of a person not fetched


class Engine:
    """The rules of delivery, shared by Client and AsyncClient."""

    def __init__(
        self,
        settings: Settings,
        *,
        policy: RetryPolicy,
        limiter: RateLimiter,
        delivered: DeliveredIds,
        dead_letters: DeadLetters,
        rng: random.Random,
        wall_clock: Callable[[], float],
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.limiter = limiter
        self.delivered = delivered
        self.dead_letters = dead_letters
        self.rng = rng
        self.wall_clock = wall_clock
        self.people: dict[tuple[str, str], dict[str, JSON]] = {}
        self.selectors: dict[str, dict[str, int]] = {}

    def stamp(self, message: object) -> object:
        """The message with a `timestamp`, as Segment gives one on receipt when it has none."""
        if isinstance(message, dict) and message.get("timestamp") is None:
            now = datetime.fromtimestamp(self.wall_clock(), UTC)
            return {**message, "timestamp": now.isoformat(timespec="milliseconds")[:-6] + "Z"}
        return message

    def deliver(self, message: object, dead_letters: DeadLetters | None = None) -> Steps:
        """Deliver one message; yields actions, returns its Outcome (see the module doc)."""
        message_id = message.get("messageId") if isinstance(message, dict) else None
        message_id = message_id if isinstance(message_id, str) else None
        if message_id is not None and message_id in self.delivered:
            return self._finish(Outcome("skipped", message_id), message, dead_letters)
        message = self.stamp(message)
        try:
            plan = translate(message, self.settings)
        except InvalidEvent as error:
            return self._finish(
                Outcome("rejected", message_id, reason=f"invalid event: {error}"),
                message,
                dead_letters,
            )
        run = _Run(calls=[])
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
        except _Rejected as error:
            outcome = Outcome("rejected", message_id, run.calls, str(error), run.attempts)
        except _Failed as error:
            outcome = Outcome("failed", message_id, run.calls, str(error), run.attempts)
        except AuthError as error:
            outcome = Outcome("failed", message_id, run.calls, str(error), run.attempts)
            self._finish(outcome, message, dead_letters)
            raise
        else:
            outcome = Outcome("delivered", message_id, run.calls, None, run.attempts)
            if message_id is not None:
                self.delivered.add(message_id)
        outcome.retries = run.retries
        return self._finish(outcome, message, dead_letters)

    def _finish(
        self, outcome: Outcome, message: object, dead_letters: DeadLetters | None
    ) -> Outcome:
        """Log the outcome and keep the message when it was not delivered."""
        if outcome.reason is not None:
            outcome.reason = scrub(outcome.reason, self.settings.api_key)
        kind = message.get("type") if isinstance(message, dict) else None
        if outcome.status in ("rejected", "failed"):
            (dead_letters or self.dead_letters).write(
                message, outcome.status, outcome.reason, outcome.attempts
            )
            logger.info("%s %s %s: %s", outcome.status, kind, outcome.message_id, outcome.reason)
        else:
            logger.info(
                "%s %s %s (%d calls)", outcome.status, kind, outcome.message_id, len(outcome.calls)
            )
        return outcome

    def _execute(
        self, plan: Plan, run: _Run, use_cache: bool
    ) -> Generator[Action, Reply | BaseException | None, None]:
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
    ) -> Generator[Action, Reply | BaseException | None, JSON]:
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
        for field, value in (("email", email), ("external_id", external_id)):
            if isinstance(value, str):
                self.people[_person_key(field, value)] = person

    def _forget(self, key: tuple[str, str]) -> None:
        """Forget a person, under every key that names the same record."""
        person = self.people.pop(key, None)
        for other in [k for k, v in self.people.items() if v == person]:
            del self.people[other]

    def _resolved(
        self, body: JSON, results: Mapping[str, JSON], run: _Run
    ) -> Generator[Action, Reply | BaseException | None, JSON]:
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
    ) -> Generator[Action, Reply | BaseException | None, Reply]:
        """One request, paced, retried per the policy; a 2xx Reply or an exception."""
        for attempt in range(self.policy.max_attempts):
            if attempt:
                run.retries += 1
            wait = self.limiter.reserve()
            if wait > 0:
                yield Sleep(wait)
            run.attempts += 1
            reply = yield Send(method, path, query, body)
            last = attempt == self.policy.max_attempts - 1
            if not isinstance(reply, Reply):
                run.calls.append((method, path, 0))
                problem = f"{type(reply).__name__}: {reply}"
                if last:
                    raise _Failed(
                        f"{method} {path}: no answer after {attempt + 1} attempts ({problem})"
                    )
                delay = self.policy.wait(attempt, None, self.rng)
                logger.debug("retrying %s %s in %.2fs after %s", method, path, delay, problem)
                yield Sleep(delay)
                continue
            run.calls.append((method, path, reply.status))
            reset = self.limiter.observe(reply.headers, reply.status, self.wall_clock())
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
            hint = parse_reset(reply.headers.get("retry-after"), self.wall_clock())
            if hint is None and reply.status == 429:
                hint = reset
            delay = self.policy.wait(attempt, hint, self.rng)
            logger.debug("retrying %s %s in %.2fs after %s", method, path, delay, reply.status)
            yield Sleep(delay)
        raise AssertionError("unreachable: the last attempt raises")


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
