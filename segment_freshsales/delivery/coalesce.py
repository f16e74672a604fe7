"""Merging consecutive identifies of one person into one, to save API calls.

A merged identify must leave exactly the state its members leave when sent one by one, so the
merge works on what the translator makes of each member (its plan), where spellings, `name`
splits and nested objects are already resolved, never on the raw traits:

* the members have the same userId and upsert the same person (record type and email), and any
  account or deal they name is the same one, linked alike (a deal is found among its account's);
* each field takes the value of the last member that writes it, null included (null clears);
  like Freshsales, a lead's `company` and `deal` objects and `custom_field` merge key by key;
* a custom field written by two members must be given one value, or null last: an account drops
  a custom value it cannot store without a word, and one by one the earlier value then stays;
* a message whose messageId was seen earlier in the stream is a redelivery, which delivery
  skips: it is never merged.

The merged plan is turned back into one identify, which must translate to exactly that plan;
whatever cannot be merged so is sent as it came.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from translator.errors import InvalidEvent
from translator.fields import CONTACT
from translator.plan import JSON, Call, Plan
from translator.settings import Settings
from translator.translate import translate

__all__ = ["Batch", "coalesce_identifies", "single_batches"]

PERSON = "person"
# The plan's calls that write an account and a deal, and the trait each one comes from.
_NAMED_RECORDS = (("account", "company"), ("deal", "deal"))
# A lead's nested objects: Freshsales merges them key by key, nulls clearing ([I] from the
# nested-attribute rules it shares with custom_field; the fake does so).
_OBJECTS = frozenset({"company", "deal"})


@dataclass
class Batch:
    """A message to deliver, standing for `members`: (position in the stream, message) of
    each message merged into it (one, unless coalesced)."""

    message: object
    members: list[tuple[int, object]] = field(default_factory=list)
    calls_saved: int = 0

    @classmethod
    def single(cls, position: int, message: object) -> Batch:
        """A batch of the one message at `position` in the stream."""
        return cls(message, [(position, message)])

    @property
    def merged(self) -> bool:
        return len(self.members) > 1

    def split(self) -> list[Batch]:
        """One batch per member: how a merged identify that did not deliver is sent again, so
        each message gets its own outcome (and a refusal blames only the message it is for)."""
        return [Batch.single(position, message) for position, message in self.members]

    @property
    def message_ids(self) -> tuple[str, ...]:
        """The messageIds of the members that have one."""
        ids = (m.get("messageId") for _, m in self.members if isinstance(m, dict))
        return tuple(i for i in ids if isinstance(i, str))


def single_batches(messages: Iterable[object]) -> Iterator[Batch]:
    """The stream as batches of one message each."""
    for position, message in enumerate(messages):
        yield Batch.single(position, message)


def coalesce_identifies(messages: Iterable[object], settings: Settings) -> Iterator[Batch]:
    """The stream with runs of identifies of one person merged; lazy, one message ahead.

    `calls_saved` counts the calls the members would have made one by one, less the merged
    identify's.
    """
    run: _Run | None = None
    seen: set[str] = set()  # the identifies' messageIds so far: a redelivery is sent alone
    for position, message in enumerate(messages):
        found = None if _redelivered(message, seen) else _identify_plan(message, settings)
        if run is not None and found is not None and run.absorb(position, *found, settings):
            continue
        if run is not None:
            yield run.batch
            run = None
        if found is None:
            yield Batch.single(position, message)
        else:
            run = _Run.start(position, *found)
    if run is not None:
        yield run.batch


@dataclass
class _Run:
    """A batch being built, with the calls its members add up to."""

    batch: Batch
    user_id: JSON
    calls: dict[str, Call]
    requests_one_by_one: int

    @classmethod
    def start(cls, position: int, message: dict[str, JSON], plan: Plan) -> _Run:
        calls = {call.name: call for call in plan.calls}
        requests = _requests(plan.calls)
        return cls(Batch.single(position, message), message.get("userId"), calls, requests)

    def absorb(
        self, position: int, message: dict[str, JSON], plan: Plan, settings: Settings
    ) -> bool:
        """Merge `message` into the batch when that provably changes nothing; whether it did."""
        if not _same(message.get("userId"), self.user_id):
            return False
        try:
            calls = dict(self.calls)
            for call in plan.calls:
                earlier = calls.get(call.name)
                calls[call.name] = call if earlier is None else _merged_call(earlier, call)
            merged = _merged_identify(message, calls)
        except _Unprovable:
            return False
        if not _translates_to(merged, calls, settings):
            return False
        self.calls = calls
        self.requests_one_by_one += _requests(plan.calls)
        self.batch.message = merged
        self.batch.members.append((position, message))
        self.batch.calls_saved = self.requests_one_by_one - _requests(calls.values())
        return True


class _Unprovable(Exception):
    """Merging these could leave another state than sending them one by one."""


def _redelivered(message: object, seen: set[str]) -> bool:
    """Whether an identify's messageId came before in the stream (it is noted if not); only
    identifies are merged, so only theirs are kept."""
    if not isinstance(message, dict) or message.get("type") != "identify":
        return False
    message_id = message.get("messageId")
    if not isinstance(message_id, str):
        return False
    if message_id in seen:
        return True
    seen.add(message_id)
    return False


def _identify_plan(message: object, settings: Settings) -> tuple[dict[str, JSON], Plan] | None:
    """A valid identify that upserts a person and drops nothing, and its plan; None for
    anything else."""
    if not isinstance(message, dict) or message.get("type") != "identify":
        return None
    try:
        plan = translate(message, settings)
    except InvalidEvent:
        return None
    # A plan that dropped values is sent alone: a merge would lose its warnings.
    if plan.dropped or not any(call.name == PERSON for call in plan.calls):
        return None
    return message, plan


def _merged_call(earlier: Call, later: Call) -> Call:
    """One call doing what `earlier` then `later` do: the same request, records merged.

    A find call's `found` and `fallback` calls merge alike.
    """
    if not _same(_shape(earlier), _shape(later)):
        raise _Unprovable
    return replace(
        later,
        body=_merged_body(later.name, earlier.body, later.body),
        found=_merged_step(earlier.found, later.found),
        fallback=_merged_step(earlier.fallback, later.fallback),
    )


def _shape(call: Call) -> dict[str, JSON]:
    """What a call does, apart from what it writes."""
    return {k: v for k, v in call.to_json().items() if k not in ("body", "found", "fallback")}


def _merged_step(earlier: Call | None, later: Call | None) -> Call | None:
    if earlier is None or later is None:
        if earlier is not later:
            raise _Unprovable
        return None
    return _merged_call(earlier, later)


def _merged_body(name: str, before: JSON, after: JSON) -> JSON:
    """A request body `{"unique_identifier": ..., "<record>": {...}}` with the records merged."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        if not _same(before, after):
            raise _Unprovable
        return after
    if before.keys() != after.keys():
        raise _Unprovable
    body: dict[str, JSON] = {}
    for key, value in after.items():
        old = before[key]
        if key != "unique_identifier" and isinstance(old, dict) and isinstance(value, dict):
            # Links decide which record a call finds (a deal among its account's deals), so
            # they must not change; only the person's own fields hold no such link.
            if name != PERSON and not _same(_links(old), _links(value)):
                raise _Unprovable
            body[key] = _merged_record(old, value)
        elif _same(old, value):
            body[key] = value
        else:
            raise _Unprovable
    return body


def _merged_record(earlier: Mapping[str, JSON], later: Mapping[str, JSON]) -> dict[str, JSON]:
    """The fields of `earlier` then `later` written to one record."""
    merged = dict(earlier)
    for key, value in later.items():
        old = merged.get(key)
        if key == "custom_field":
            merged[key] = _merged_custom(old or {}, value)
        elif key in _OBJECTS and isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merged_record(old, value)
        else:
            merged[key] = value
    return merged


def _merged_custom(earlier: JSON, later: JSON) -> dict[str, JSON]:
    if not isinstance(earlier, dict) or not isinstance(later, dict):
        raise _Unprovable
    for key, value in later.items():
        if key in earlier and value is not None and not _same(earlier[key], value):
            raise _Unprovable
    return {**earlier, **later}


def _merged_identify(last: dict[str, JSON], calls: Mapping[str, Call]) -> dict[str, JSON]:
    """The identify whose plan is `calls`: the last member, with the traits they write."""
    kind, person = _record(calls[PERSON])
    traits: dict[str, JSON] = {}
    for key, value in person.items():
        if key == "custom_field" and isinstance(value, dict):
            traits.update(value)
        elif key in _OBJECTS and isinstance(value, dict):
            traits[key] = _object_traits(value)
        elif key != "external_id" and not _has_ref(value):  # the userId; links come from calls
            traits[key] = value
    for name, trait in _NAMED_RECORDS:
        if name in calls:
            _, record = _record(calls[name])
            traits[trait] = _object_traits({k: v for k, v in record.items() if not _has_ref(v)})
    if kind == CONTACT.key:
        traits["fs_contact"] = True
    return {**last, "traits": traits}


def _record(call: Call) -> tuple[str, dict[str, JSON]]:
    """The record a call writes, and its kind: the one object beside `unique_identifier` in its
    body (`{"lead": {...}}`), or in its `found` call's for a find call."""
    if call.found is not None:
        return _record(call.found)
    body = call.body
    if not isinstance(body, dict):
        raise _Unprovable
    records = [(k, v) for k, v in body.items() if k != "unique_identifier"]
    if len(records) != 1 or not isinstance(records[0][1], dict):
        raise _Unprovable
    return records[0]


def _object_traits(record: Mapping[str, JSON]) -> dict[str, JSON]:
    """A record's fields as the traits object that maps to them: custom fields spread out."""
    custom = record.get("custom_field")
    traits = {k: v for k, v in record.items() if k != "custom_field"}
    return {**traits, **custom} if isinstance(custom, dict) else traits


def _translates_to(message: dict[str, JSON], calls: Mapping[str, Call], settings: Settings) -> bool:
    """Whether `message` translates to exactly `calls`: the proof a merge changed nothing."""
    try:
        plan = translate(message, settings)
    except InvalidEvent:  # too big for one message, say
        return False
    return _same(
        {c.name: c.to_json() for c in plan.calls}, {n: c.to_json() for n, c in calls.items()}
    )


def _requests(calls: Iterable[Call]) -> int:
    """The requests `calls` make: a find call makes two, the lookup and a write."""
    return sum(2 if call.found or call.fallback else 1 for call in calls)


def _links(record: Mapping[str, JSON]) -> dict[str, JSON]:
    """The fields of a record that point at another call's result."""
    return {key: value for key, value in record.items() if _has_ref(value)}


def _has_ref(value: JSON) -> bool:
    if isinstance(value, dict):
        return "$ref" in value or any(_has_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_ref(v) for v in value)
    return False


def _same(one: JSON, other: JSON) -> bool:
    """Equal as JSON: `1`, `1.0` and `true` are three values here, as they are to Freshsales."""
    return json.dumps(one, sort_keys=True) == json.dumps(other, sort_keys=True)
