"""Delivering one message, as rules only: the engine does no I/O and reads no clock.

`Engine.deliver(message, at)` is a generator. It yields actions (`events.Check`, `Send`,
`Sleep`, `Settle`) and is sent back the event that answers each (`Checked`, `Reply` or
`NoReply`, `Done`), every event stamped with the time; it returns the message's `Outcome`.
`Client` drives it with httpx and `time.sleep`, `AsyncClient` with httpx's async client and
`asyncio.sleep`, and a test can drive it with nothing at all, so all of them share every rule:
the plan, placeholders, caches, retries, pacing and the outcome.

Creates are made once (`once`): when the engine cannot know whether an earlier attempt of a
create was carried out (no answer or a 5xx to it; for a sales activity, also a message the
caller says may have been sent before), it first looks for what that attempt made: a sales
activity among its record's activities, by its messageId line; a lead or deal by the find
call that found none.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any, Final, TypeAlias

from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.events import (
    Action,
    Check,
    Checked,
    Event,
    Instant,
    NoReply,
    Notice,
    Reply,
    Send,
    Settle,
    Sleep,
)
from segment_freshsales.delivery.lru import Lru
from segment_freshsales.delivery.once import Recheck, activity_recheck, find_recheck, is_create
from segment_freshsales.delivery.outcome import CallRecord, Outcome, Status, warning
from segment_freshsales.delivery.pacing import RateLimiter, RateLimits, parse_reset
from segment_freshsales.delivery.people import DEFAULT_CACHE_SIZE, Key, People, person_key
from segment_freshsales.delivery.redact import scrub
from segment_freshsales.delivery.resolve import (
    TARGETABLE_TYPES,
    Missing,
    Unchanged,
    Unresolved,
    created_record,
    fill_path,
    find_key,
    holds,
    lookup_names,
    match_record,
    needed_selectors,
    person_from_lookup,
    person_from_record,
    resolve,
)
from segment_freshsales.delivery.retry import RETRYABLE_STATUSES, RetryPolicy
from segment_freshsales.delivery.tracking import is_tracking
from translator.errors import InvalidEvent
from translator.plan import JSON, Call, Plan
from translator.settings import Settings
from translator.translate import translate

__all__ = ["RATE_LIMIT_WAIT", "Engine", "Steps", "stamped"]

# The person cache's size over the found records' (see Engine.found).
FOUND_SHARE: Final = 10

# Why a Sleep waits when the server's budget, or the pacing under it, says so.
RATE_LIMIT_WAIT = "for the rate limit"

Steps: TypeAlias = Generator[Action, Event, Outcome]
_Sub: TypeAlias = Generator[Action, Event, Any]


class _Rejected(Exception):
    """Refused for good: the message is rejected with this reason.

    `status` is the HTTP status that refused it, when one did.
    """

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


class _NoTrackingApi(Exception):
    """A tracking call answered 404: the account has no tracking API (the `tracking_api`
    switch of the fake)."""


class _Failed(Exception):
    """Still failing when the retry budget ran out: the message is kept for replay."""


@dataclass
class _Run:
    """What one delivery has done so far, and the time of the last event."""

    at: Instant
    message_id: str | None = None
    maybe_sent: bool = False  # an earlier delivery of the message may have sent its requests
    calls: list[CallRecord] = field(default_factory=list)
    attempts: int = 0
    retries: int = 0
    cached_person: Key | None = None  # the cache key of a person not fetched
    cached_finds: list[str] = field(default_factory=list)  # keys of records not fetched
    # Find calls that found nobody and had no fallback: what to do about it, by call name.
    nobody: dict[str, str] = field(default_factory=dict)

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
        cache_size: int = DEFAULT_CACHE_SIZE,
        tracking_limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.limiter = limiter
        # The tracking API's limits are not known, nor whether it spends the REST budget:
        # it is paced on a bucket of its own [I].
        self.tracking_limiter = tracking_limiter or RateLimiter(RateLimits())
        self.rng = rng
        self.people = People(cache_size)
        # What find calls other than lookups found or made (a deal by account and name), by
        # `find_key`: the next message that finds the same record writes it at once. An
        # account has far fewer deals than people, so a tenth of the people's room will do.
        self.found: Lru[str, dict[str, JSON]] = Lru(max(1, cache_size // FOUND_SHARE))
        # Selector entries by selector, at most `cache_size` entries in all.
        self.selectors: Lru[str, dict[str, int]] = Lru(cache_size, weigh=len)

    def deliver(
        self,
        message: object,
        at: Instant,
        message_ids: Sequence[str] | None = None,
        *,
        maybe_sent: bool = False,
        plan: Plan | None = None,
    ) -> Steps:
        """Deliver one message (see the module doc); returns its Outcome.

        `message_ids` count as delivered when it is (by default its own; a coalesced identify
        passes those of every message merged into it). `maybe_sent` says that an earlier
        delivery of this message may have sent its requests (a relay restarted mid-delivery,
        a replay of a failed message): its activity is then looked for before it is sent. On
        401/403 the message is settled as failed, then AuthError is raised. `plan` is the
        message's, when the caller has made it already (of the message `stamped`).
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
        message = stamped(message, at)
        try:
            plan = translate(message, self.settings) if plan is None else plan
        except InvalidEvent as error:
            outcome = Outcome("rejected", message_id, reason=f"invalid event: {error}")
            yield Settle(message, outcome, ())
            return outcome
        warnings = [warning(dropped) for dropped in plan.dropped]
        if plan.skipped is not None:
            # Not for Freshsales (its integrations, the event map): nothing to send.
            outcome = Outcome("skipped", message_id, reason=plan.skipped, warnings=warnings)
            yield Settle(message, outcome, ())
            return outcome
        run = _Run(at, message_id, maybe_sent)
        try:
            yield from self._carry_out(message, plan, run)
        except (_Rejected, _Failed, AuthError) as error:
            outcome = self._ended(run, error, warnings)
            yield Settle(message, outcome, ())
            if isinstance(error, AuthError):
                raise
            return outcome
        outcome = self._ended(run, None, warnings)
        if message_ids is None:
            message_ids = [message_id] if message_id is not None else []
        yield Settle(message, outcome, tuple(message_ids))
        return outcome

    @property
    def _secrets(self) -> tuple[str | None, ...]:
        return (self.settings.api_key, self.settings.app_token)

    def _carry_out(self, message: object, plan: Plan, run: _Run) -> _Sub:
        """Make the plan's calls, once more when what failed may be the engine's own memory:
        a remembered person gone from Freshsales, or a tracking API the account lacks."""
        try:
            try:
                yield from self._execute(plan, run, use_cache=True)
            except _NoTrackingApi as error:
                plan = yield from self._without_tracking(message, error)
                yield from self._execute(plan, run, use_cache=True)
        except _Rejected as error:
            cached = run.cached_person is not None or bool(run.cached_finds)
            if not cached or error.status not in (400, 404):
                raise
            # What we remembered (a person, a deal) may be gone from Freshsales: forget it
            # and look again.
            if run.cached_person is not None:
                self.people.forget(run.cached_person)
            for key in run.cached_finds:
                self.found.pop(key)
            run.cached_person = None
            run.cached_finds.clear()
            yield from self._execute(plan, run, use_cache=False)

    def _without_tracking(self, message: object, error: _NoTrackingApi) -> _Sub:
        """From now on, tracks and pages as sales activities (said once); the message's plan
        as one."""
        if self.settings.track_as != "activities":
            self.settings = self.settings.replace(track_as="activities")
            yield Notice(
                f"{error}: this account has no tracking API; tracks and pages are sent as "
                "sales activities from now on"
            )
        try:
            return translate(message, self.settings)
        except InvalidEvent as invalid:
            raise _Rejected(f"invalid event: {invalid}") from None

    def _execute(self, plan: Plan, run: _Run, use_cache: bool) -> _Sub:
        """Make the plan's calls. A plan that writes nothing because a find call found nobody
        (the calls on that person all skipped by their `when`) is rejected with the advice of
        that find, not delivered."""
        results: dict[str, JSON] = {}
        run.nobody.clear()
        first = len(run.calls)
        for call in plan.calls:
            if call.when is not None and not holds(call.when, results):
                continue
            try:
                if call.finds:
                    found = yield from self._find(call, run, results, use_cache)
                else:
                    found = yield from self._send(call, results, run)
            except Unchanged:
                continue  # a link that is there already: nothing to send
            if found is not None:
                results[call.name] = found
        if run.nobody and all(method == "GET" for method, _, _ in run.calls[first:]):
            raise _Rejected(next(iter(run.nobody.values())))

    def _find(self, call: Call, run: _Run, results: dict[str, JSON], use_cache: bool) -> _Sub:
        """A find call's result: the record found (then written by `found`), or else the
        record `fallback` wrote; None when nobody was found and there is no fallback."""
        query = call.query or {}
        path = self._filled(call.path, results, run)
        key = None
        if call.path == "/lookup":
            record = yield from self._find_person(call, run, use_cache)
        else:
            key = find_key(path, call.query, call.match or {})
            record = self.found.get(key) if use_cache else None
            if record is not None:
                run.cached_finds.append(key)
            else:
                reply = yield from self._request("GET", path, call.query, None, run)
                record = match_record(call.match or {}, reply.body)
                if record is not None:
                    self.found.put(key, record)
        if record is not None:
            if call.found is None:
                return record
            results[call.name] = record  # the found call names the record it writes
            step, created = call.found, False
        elif call.fallback is not None:
            step, created = call.fallback, True
        else:
            if call.path == "/lookup":
                run.nobody[call.name] = (
                    f"no contact or lead has {query.get('f')} {query.get('q')!r}: send an "
                    "identify for this user first, or an email in context.traits"
                )
            return None
        recheck = None
        if created and is_create(step.method, step.path):
            recheck = find_recheck(path, call.query, call.match, step.body)
        answer = yield from self._send(step, results, run, recheck)
        if key is not None:
            made = created_record(step.body, answer) if created else None
            if made is not None:
                self.found.put(key, made)
            return answer
        person = person_from_record(step.path, answer, created)
        if person is None:
            raise _Rejected(f"{step.method} {step.path} answered without a record id")
        self.people.remember(person, [person_key(query.get("f", ""), query.get("q", ""))])
        return person

    def _find_person(self, call: Call, run: _Run, use_cache: bool) -> _Sub:
        """The person a `GET /lookup` call finds, from the cache or the lookup; None if
        nobody."""
        query = call.query or {}
        entities = query.get("entities", "")
        kinds = {TARGETABLE_TYPES.get(e.strip()) for e in entities.split(",")}
        key = person_key(query.get("f", ""), query.get("q", ""))
        cached = self.people.get(key, kinds) if use_cache else None
        if cached is not None:
            run.cached_person = key
            return {**cached, "created": False}
        try:
            reply = yield from self._request("GET", "/lookup", query, None, run)
        except _Rejected as error:
            if error.status == 400 and query.get("f") == "external_id":
                raise _Rejected(
                    f"{error} - this account does not look people up by external_id "
                    "(the variant lookup_external_id=false), so a message that names its "
                    "user only by a userId that is not an email cannot be delivered: add "
                    "context.traits.email or properties.email",
                    400,
                ) from None
            raise
        person = person_from_lookup(entities, reply.body)
        if person is not None:
            self.people.remember(person, [key])
        return person

    def _send(
        self,
        call: Call,
        results: Mapping[str, JSON],
        run: _Run,
        recheck: Recheck | None = None,
    ) -> _Sub:
        """One planned write or read, placeholders filled; its answer. A create is made once:
        `recheck` finds what an attempt of it made (a sales activity has its own)."""
        path = self._filled(call.path, results, run)
        body = yield from self._resolved(call.body, results, run)
        recheck = recheck or activity_recheck(call.method, path, body, run.message_id)
        reply = yield from self._request(call.method, path, call.query, body, run, recheck)
        if call.method in ("POST", "PUT"):
            self.people.remember_written(path, body, reply.body)
        return reply.body

    def _filled(self, path: str, results: Mapping[str, JSON], run: _Run) -> str:
        """The path with its placeholders filled, or the message rejected."""
        try:
            return fill_path(path, results)
        except Unresolved as error:
            raise self._unresolved(error, run) from None

    def _resolved(self, body: JSON, results: Mapping[str, JSON], run: _Run) -> _Sub:
        """The body with placeholders filled, fetching the selectors it needs first."""
        # The tables this body reads, held here: caching one may evict another.
        tables: dict[str, dict[str, int]] = {}
        for selector in needed_selectors(body, results):
            table = self.selectors.get(selector)
            if table is None:
                reply = yield from self._request("GET", f"/selector/{selector}", None, None, run)
                table = lookup_names(selector, reply.body)
                self.selectors.put(selector, table)
            tables[selector] = table
        try:
            return resolve(body, results, partial(self._lookup, tables))
        except Unresolved as error:
            raise self._unresolved(error, run) from None

    @staticmethod
    def _unresolved(error: Unresolved, run: _Run) -> _Rejected:
        """The rejection for a placeholder that cannot be filled: when it needs a person
        nobody found, the advice of that lookup."""
        if isinstance(error, Missing) and error.call in run.nobody:
            return _Rejected(run.nobody[error.call])
        return _Rejected(str(error))

    def _lookup(
        self, tables: Mapping[str, dict[str, int]], selector: str, field: str, value: str
    ) -> int:
        entries = tables.get(selector, {})
        key = value.lower() if field == "email" else value
        if key in entries:
            return entries[key]
        if selector == "owners":
            raise Unresolved(
                f"no user of this Freshsales account has the email {value!r} "
                "(Settings.owner): set Settings.owner (--owner or $FRESHSALES_OWNER) to the "
                "id or the email of one of its users"
            )
        hint = ""
        settings = [k for k, v in self.settings.activity_type_settings.items() if v == value]
        if selector == "sales_activity_types" and settings:
            option = "--" + settings[0].replace("_", "-")  # the command line's name of it
            hint = (
                f": create it in Freshsales (Admin Settings > Sales Activities) or set "
                f"Settings.{settings[0]} ({option}) to one of {sorted(entries)}"
            )
        raise Unresolved(f"{selector} has no entry named {value!r}{hint}")

    def _request(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None,
        body: JSON,
        run: _Run,
        recheck: Recheck | None = None,
    ) -> _Sub:
        """One request, paced, retried per the policy; a 2xx Reply or an exception.

        With a `recheck` (a create made once), an attempt that follows one that may have been
        carried out (no answer, a 5xx; before the first, `run.maybe_sent` when the recheck
        says so) first looks for what it made; the Reply is then the recheck's, its body the
        create's answer. An answer below 500 is certain: the request was not carried out.
        """
        uncertain = run.maybe_sent and recheck is not None and recheck.before_first
        for attempt in range(self.policy.max_attempts):
            if attempt:
                run.retries += 1
            if recheck is not None and uncertain:
                made = yield from self._made_before(recheck, run)
                if made is not None:
                    return made
            limiter = self.tracking_limiter if is_tracking(path) else self.limiter
            wait = limiter.reserve(run.at.monotonic)
            if wait > 0:
                run.tell((yield Sleep(wait, RATE_LIMIT_WAIT)))
            run.attempts += 1
            reply = run.tell((yield Send(method, path, query, body)))
            last = attempt == self.policy.max_attempts - 1
            uncertain = not isinstance(reply, Reply) or reply.status >= 500
            if not isinstance(reply, Reply):
                problem = reply.problem if isinstance(reply, NoReply) else "no answer"
                run.calls.append((method, path, 0))
                if last:
                    raise _Failed(
                        f"{method} {path}: no answer after {attempt + 1} attempts ({problem})"
                    )
                delay = self.policy.wait(attempt, None, self.rng)
                run.tell((yield Sleep(delay, f"before retrying {method} {path} after {problem}")))
                continue
            run.calls.append((method, path, reply.status))
            reset = limiter.observe(reply.headers, reply.status, reply.at.monotonic, reply.at.epoch)
            if 200 <= reply.status < 300:
                return reply
            detail = _error_messages(reply)
            if reply.status in (401, 403):
                raise AuthError(reply.status, scrub(detail, *self._secrets))
            if reply.status == 404 and is_tracking(path):
                raise _NoTrackingApi(f"{method} {path} answered 404 ({detail})")
            if reply.status not in RETRYABLE_STATUSES:
                raise _Rejected(f"{method} {path}: {reply.status} {detail}", reply.status)
            if last:
                raise _Failed(
                    f"{method} {path}: {reply.status} {detail} after {attempt + 1} attempts"
                )
            hint = parse_reset(reply.headers.get("retry-after"), reply.at.epoch)
            if hint is None and reply.status == 429:
                hint = reset  # None when the limiter found the 429 suspect: a backoff then
            delay = self.policy.wait(attempt, hint, self.rng)
            why = f"before retrying {method} {path} after {reply.status}"
            if reply.status == 429 and hint is not None:
                why = RATE_LIMIT_WAIT
            run.tell((yield Sleep(delay, why)))
        raise AssertionError("unreachable: the last attempt raises")

    def request(
        self, method: str, path: str, body: JSON, at: Instant
    ) -> Generator[Action, Event, tuple[Reply | None, Outcome]]:
        """One request outside a message's plan (a bulk job's), paced and retried as every
        request is: its 2xx Reply (None when there is none) and an Outcome saying what it
        cost and, when it is not `delivered`, why. Raises AuthError on 401/403."""
        run = _Run(at)
        try:
            reply = yield from self._request(method, path, None, body, run)
        except (_Rejected, _Failed) as error:
            return None, self._ended(run, error)
        return reply, self._ended(run, None)

    def filled(self, body: JSON, at: Instant) -> Generator[Action, Event, tuple[JSON, Outcome]]:
        """A body outside a message's plan with its `$lookup` placeholders filled as a plan's
        are (each selector fetched once), and an Outcome as `request`'s: not `delivered` when
        the body cannot be filled."""
        run = _Run(at)
        try:
            filled = yield from self._resolved(body, {}, run)
        except (_Rejected, _Failed) as error:
            return None, self._ended(run, error)
        return filled, self._ended(run, None)

    def _ended(
        self, run: _Run, error: Exception | None, warnings: list[str] | None = None
    ) -> Outcome:
        """The Outcome of a run: delivered without an error; else rejected (refused for good)
        or failed, with the error, scrubbed of the secrets, as its reason."""
        status: Status = "delivered"
        reason = None
        if error is not None:
            status = "rejected" if isinstance(error, _Rejected) else "failed"
            reason = scrub(str(error), *self._secrets)
        return Outcome(
            status, run.message_id, run.calls, reason, run.attempts, run.retries, warnings or []
        )

    def _made_before(self, recheck: Recheck, run: _Run) -> _Sub:
        """The recheck's Reply with the create's answer as its body when an earlier attempt
        made the record; None when it did not."""
        reply = yield from self._request("GET", recheck.path, recheck.query, None, run)
        made = recheck.made(reply.body)
        return None if made is None else replace(reply, body=made)


def stamped(message: object, at: Instant) -> object:
    """The message with a `timestamp`, as Segment gives one on receipt when it has none (nor
    the client-side `originalTimestamp`, which the translator reads next)."""
    if (
        isinstance(message, dict)
        and message.get("timestamp") is None
        and message.get("originalTimestamp") is None
    ):
        now = datetime.fromtimestamp(at.epoch, UTC)
        return {**message, "timestamp": now.isoformat(timespec="milliseconds")[:-6] + "Z"}
    return message


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
        if body.get("login") == "failed":
            # The 401 body seen on a real tenant: {"login": "failed", "message": null}.
            return "login failed"
    if 300 <= reply.status < 400:
        return f"redirect to {reply.headers.get('location', '?')} not followed"
    return "(no error message in the response)"
