"""Hypothesis strategies for Segment messages, for testing code that consumes them.

```python
from hypothesis import given
from translator import strategies as segment

@given(segment.valid_messages())
def test_translates(message):
    translate(message, settings)

@given(segment.broken_messages())
def test_rejects(broken):
    with pytest.raises(InvalidEvent) as error:
        translate(broken.message, settings)
    assert error.value.path == broken.path
```

Valid messages cover what Segment sends in practice: unicode everywhere, long strings,
camelCase and snake_case traits, string booleans, numbers as strings, explicit nulls, timestamps
with offsets, nested company/deal/address objects and custom fields. Broken messages are valid
ones with exactly one field broken, paired with the path an InvalidEvent must name.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any, NamedTuple

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "translator.strategies needs Hypothesis: pip install 'segment-freshsales[test]'"
    ) from error

from translator.fields import (
    ACCOUNT_ALIASES,
    ADDRESS_PARTS,
    CONTACT,
    LEAD,
    LEAD_COMPANY,
    LEAD_DEAL,
    PERSON_ALIASES,
    SEGMENT_IDENTIFY_TRAITS,
    FieldType,
    Record,
)
from translator.message import MAX_DEPTH, MAX_MESSAGE_BYTES, MAX_MESSAGE_ID_LENGTH

__all__ = [
    "Broken",
    "alias_messages",
    "broken_messages",
    "emails",
    "group_messages",
    "identify_messages",
    "json_values",
    "mapped_traits",
    "page_messages",
    "screen_messages",
    "timestamps",
    "track_messages",
    "unmapped_trait_keys",
    "user_ids",
    "valid_messages",
]

Message = dict[str, Any]


class Broken(NamedTuple):
    """A message with one field broken, and the path the InvalidEvent must name.

    `optional`: the field is an optional value, which only strict settings reject; by default
    the message is translated without it, and `Plan.dropped` names the path.
    """

    message: Message
    path: str
    optional: bool = False


# Text without surrogates (not valid Unicode) and, for identifiers, without whitespace.
_TEXT_CHARS = st.characters(codec="utf-8")
_WORD_CHARS = st.characters(
    exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters="@."
)


@cache
def _texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Any text, now and then a long one (a repeated piece: cheap to draw, kept well under
    Segment's size limit)."""
    long = st.tuples(st.text(_TEXT_CHARS, min_size=1, max_size=8), st.integers(60, 150))
    return st.one_of(
        st.text(_TEXT_CHARS, max_size=max_size),
        long.map(lambda pair: pair[0] * pair[1]),
    )


@cache
def _non_blank(max_size: int = 60) -> st.SearchStrategy[str]:
    return st.text(_TEXT_CHARS, min_size=1, max_size=max_size).filter(lambda s: s.strip() != "")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _spellings(name: str) -> st.SearchStrategy[str]:
    """A field name as Freshsales spells it or in camelCase."""
    return st.sampled_from(sorted({name, _camel(name)}))


@cache
def emails() -> st.SearchStrategy[str]:
    """Email addresses: plus-addressing, upper case, IDN domains."""
    local = st.one_of(
        st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}", fullmatch=True),
        st.text(_WORD_CHARS, min_size=1, max_size=12),
    )
    label = st.one_of(
        st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
        st.text(_WORD_CHARS, min_size=1, max_size=8),
    )
    domain = st.lists(label, min_size=2, max_size=3).map(".".join)
    address = st.tuples(local, domain).map("@".join)
    return st.one_of(address, address.map(str.upper))


@cache
def user_ids() -> st.SearchStrategy[str | int]:
    """userIds as sources send them: UUIDs, hex, emails, numbers, unicode, near 100 characters."""
    return st.one_of(
        st.uuids().map(str),
        st.from_regex(r"[0-9a-f]{13,24}", fullmatch=True),
        emails(),
        st.integers(min_value=0, max_value=2**63),
        _non_blank(100),
    )


def _with_offset(moment: datetime, offset_minutes: int) -> datetime:
    return moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))


@cache
def timestamps() -> st.SearchStrategy[str]:
    """ISO-8601 timestamps: Z and +00:00, offsets from -12:00 to +14:00, naive, date-only,
    0 to 6 fractional digits, years 1970 to 9999."""
    moments = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 30))
    offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15)
    return st.one_of(
        moments.map(lambda m: m.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")),
        st.tuples(moments, offsets).map(lambda pair: _with_offset(*pair).isoformat()),
        moments.map(lambda m: m.isoformat(timespec="milliseconds")),
        moments.map(lambda m: m.date().isoformat()),
    )


@cache
def json_values(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Arbitrary JSON: nested objects and lists, unicode keys, big integers, no NaN."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        _texts(),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.dictionaries(st.text(_TEXT_CHARS, max_size=20), children, max_size=5),
        ),
        max_leaves=max_leaves,
    )


@cache
def _value_for(kind: FieldType) -> st.SearchStrategy[Any]:
    """Values Freshsales accepts for a field of `kind`, in the forms Segment sources send."""
    if kind is FieldType.STRING:
        return st.one_of(_texts(), st.integers(min_value=-(10**12), max_value=10**12))
    if kind is FieldType.INTEGER:
        ints = st.integers(min_value=0, max_value=10**15)
        return st.one_of(ints, ints.map(str))
    if kind is FieldType.NUMBER:
        return st.one_of(
            st.integers(min_value=-(10**9), max_value=10**9),
            st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
            st.decimals(min_value=-(10**6), max_value=10**6, places=2).map(str),
        )
    if kind is FieldType.BOOLEAN:
        return st.sampled_from([True, False, "true", "false", "TRUE", "False"])
    if kind is FieldType.DATE:
        return st.dates().map(lambda d: d.isoformat())
    return st.one_of(_texts(30), st.lists(_texts(30), max_size=4))


@cache
def _custom_fields() -> st.SearchStrategy[dict[str, Any]]:
    names = st.from_regex(r"[a-z][a-z0-9]{0,8}(_[a-z0-9]{1,8}){0,2}", fullmatch=True)
    key = st.tuples(names, st.booleans()).map(
        lambda pair: _camel(f"cf_{pair[0]}") if pair[1] else f"cf_{pair[0]}"
    )
    value = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**9), max_value=10**9),
        st.floats(allow_nan=False, allow_infinity=False),
        _texts(),
        st.lists(_texts(20), max_size=3),
    )
    return st.dictionaries(key, value, max_size=3)


def _fields_of(record: Record, aliases: dict[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    """Traits that land on `record`'s standard fields, under any spelling or alias."""
    choices: list[tuple[str, FieldType]] = [
        (name, kind) for name, kind in record.fields.items() if name != "name"
    ]
    choices += [
        (alias, record.fields[target])
        for alias, target in aliases.items()
        if target in record.fields
    ]
    pair = st.one_of(
        [
            st.tuples(_spellings(name), st.one_of(st.none(), _value_for(kind)))
            for name, kind in choices
        ]
    )
    return st.lists(pair, max_size=8).map(dict)


@cache
def _address() -> st.SearchStrategy[dict[str, Any]]:
    parts = sorted(ADDRESS_PARTS)
    return st.dictionaries(
        st.sampled_from(parts).flatmap(_spellings), st.one_of(st.none(), _texts(40)), max_size=4
    )


def _named(record: Record) -> st.SearchStrategy[dict[str, Any]]:
    """A company or deal object: a name plus fields the lead's nested object also takes."""
    aliases = dict(ACCOUNT_ALIASES) if record is LEAD_COMPANY else {}
    return st.tuples(_non_blank(), _fields_of(record, aliases)).map(
        lambda pair: {"name": pair[0], **pair[1]}
    )


@cache
def unmapped_trait_keys() -> st.SearchStrategy[str]:
    """Trait keys that map to no Freshsales field: Segment's reserved traits that are
    deliberately ignored, and keys with a space or a dot ("total billed")."""
    reserved = sorted(k for k, where in SEGMENT_IDENTIFY_TRAITS.items() if where is None)
    spaced = st.tuples(_non_blank(10), st.sampled_from([" ", "."]), _non_blank(10)).map("".join)
    return st.one_of(st.sampled_from(reserved), spaced)


@cache
def mapped_traits() -> st.SearchStrategy[dict[str, Any]]:
    """Identify traits that all map somewhere on both a lead and a contact (no email)."""
    shared = Record(
        key="person",
        path="",
        targetable_type="",
        fields={k: v for k, v in LEAD.fields.items() if k in CONTACT.fields},
        aliases=PERSON_ALIASES,
    )
    specials = st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.none(), _texts(40)),
            "address": st.one_of(_address(), _texts(40)),
            "company": st.one_of(_named(LEAD_COMPANY), _non_blank()),
            "deal": _named(LEAD_DEAL),
        },
    )
    return st.tuples(_fields_of(shared, dict(PERSON_ALIASES)), _custom_fields(), specials).map(
        lambda parts: {**parts[0], **parts[1], **parts[2]}
    )


@cache
def _envelope(kind: str) -> st.SearchStrategy[Message]:
    """The common fields: messageId, timestamp, anonymousId, context, integrations, version."""
    return st.fixed_dictionaries(
        {"type": st.just(kind)},
        optional={
            "messageId": st.text(_TEXT_CHARS, min_size=1, max_size=MAX_MESSAGE_ID_LENGTH),
            "timestamp": timestamps(),
            "anonymousId": st.uuids().map(str),
            "context": st.fixed_dictionaries(
                {}, optional={"ip": st.ip_addresses().map(str), "locale": st.just("en-US")}
            ),
            "integrations": st.just({"All": True}),
            "version": st.sampled_from([1, 2, "1.1"]),
            "channel": st.sampled_from(["server", "browser", "mobile"]),
        },
    )


@cache
def _fs_contact() -> st.SearchStrategy[dict[str, Any]]:
    flag = st.sampled_from([True, False, "true", "false", "TRUE", "False", None])
    return st.one_of(
        st.just({}),
        flag.map(lambda v: {"fsContact": v}),
        flag.map(lambda v: {"fs_contact": v}),
    )


@cache
def identify_messages() -> st.SearchStrategy[Message]:
    """Valid identify calls, leads and contacts, with the email in traits or as the userId."""

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        message = draw(_envelope("identify"))
        traits = {**draw(mapped_traits()), **draw(_fs_contact())}
        for key in draw(st.lists(unmapped_trait_keys(), max_size=3)):
            traits[key] = draw(json_values(max_leaves=3))
        email = draw(emails())
        if draw(st.booleans()):
            message["userId"] = email
        else:
            message["userId"] = draw(user_ids())
            spaced = draw(st.sampled_from([email, f" {email} "]))
            traits[draw(st.sampled_from(["email", "Email"]))] = spaced
        message["traits"] = traits
        return message

    return build().filter(_fits)


def _person(message: Message, draw: st.DrawFn) -> Message:
    """Who an event is about: a userId that is an email, a userId plus context.traits.email, or
    a userId alone (looked up by external_id)."""
    choice = draw(st.sampled_from(["email id", "context email", "id only"]))
    if choice == "email id":
        message["userId"] = draw(emails())
    else:
        message["userId"] = draw(user_ids().filter(lambda u: "@" not in str(u)))
    if choice == "context email":
        context = dict(message.get("context", {}))
        context["traits"] = {"email": draw(emails())}
        message["context"] = context
    return message


@cache
def _properties() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.text(_TEXT_CHARS, max_size=30), json_values(8), max_size=8)


@cache
def track_messages() -> st.SearchStrategy[Message]:
    """Valid track calls: semantic and custom event names, arbitrary properties."""

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        message = _person(draw(_envelope("track")), draw)
        message["event"] = draw(
            st.one_of(
                st.sampled_from(["Signed Up", "Order Completed", "Email Bounced", "Trial Started"]),
                _non_blank(80),
            )
        )
        if draw(st.booleans()):
            message["properties"] = draw(_properties())
        return message

    return build().filter(_fits)


@cache
def _viewed(kind: str) -> st.SearchStrategy[Message]:
    @st.composite
    def build(draw: st.DrawFn) -> Message:
        message = _person(draw(_envelope(kind)), draw)
        for key in ("name", "category"):
            if draw(st.booleans()):
                message[key] = draw(st.one_of(st.none(), _non_blank(80)))
        if draw(st.booleans()):
            properties = draw(_properties())
            if draw(st.booleans()):
                properties["url"] = "https://example.com/" + draw(_texts(40))
                properties["title"] = draw(_texts(60))
            message["properties"] = properties
        return message

    return build().filter(_fits)


@cache
def page_messages() -> st.SearchStrategy[Message]:
    """Valid page calls, with or without name, category, title and url."""
    return _viewed("page")


@cache
def screen_messages() -> st.SearchStrategy[Message]:
    """Valid screen calls."""
    return _viewed("screen")


@cache
def group_messages() -> st.SearchStrategy[Message]:
    """Valid group calls: a named company, maybe with the user's email in context."""

    company_fields = _fields_of(LEAD_COMPANY, {})

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        message = draw(_envelope("group"))
        message["groupId"] = draw(st.one_of(_non_blank(40), st.integers(min_value=0)))
        traits = {"name": draw(_non_blank()), **draw(company_fields)}
        if draw(st.booleans()):
            traits["employees"] = draw(st.one_of(st.integers(0, 10**6), st.just("329")))
        message["traits"] = traits
        if draw(st.booleans()):
            message["userId"] = draw(user_ids())
        return message

    return build().filter(_fits)


@cache
def alias_messages() -> st.SearchStrategy[Message]:
    """Valid alias calls."""
    return st.tuples(_envelope("alias"), user_ids(), user_ids()).map(
        lambda t: {**t[0], "userId": t[1], "previousId": t[2]}
    )


@cache
def valid_messages() -> st.SearchStrategy[Message]:
    """Any valid message of the six types."""
    return st.one_of(
        identify_messages(),
        track_messages(),
        page_messages(),
        screen_messages(),
        group_messages(),
        alias_messages(),
    )


def _fits(message: Message) -> bool:
    """Within Segment's size limit, with room for one broken field more."""
    size = len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode())
    return size <= MAX_MESSAGE_BYTES - 1024


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"a": value}
    return value


@cache
def broken_messages() -> st.SearchStrategy[Broken]:
    """Valid messages with exactly one field broken, and the path the error must name."""

    def breaks(message: Message) -> list[Broken]:
        kind = message["type"]
        found: list[Broken] = [
            Broken({k: v for k, v in message.items() if k != "type"}, "type"),
            Broken({**message, "type": "delete"}, "type"),
            Broken({**message, "timestamp": "yesterday"}, "timestamp"),
            Broken({**message, "timestamp": 1714557600}, "timestamp"),
            Broken({**message, "messageId": "m" * (MAX_MESSAGE_ID_LENGTH + 1)}, "messageId"),
            Broken({**message, "context": ["not", "an", "object"]}, "context"),
            Broken({**message, "padding": "x" * MAX_MESSAGE_BYTES}, "message"),
            Broken({**message, "extra": {"text": "bad \ud800 surrogate"}}, "extra.text"),
            Broken({**message, "extra": _nested(MAX_DEPTH + 5)}, "extra" + ".a" * (MAX_DEPTH - 1)),
        ]
        if kind in ("identify", "track", "page", "screen", "alias"):
            found.append(Broken({**message, "userId": ""}, "userId"))
            found.append(Broken({**message, "userId": ["u1"]}, "userId"))
        if kind == "identify":
            traits = message["traits"]
            found.append(Broken({k: v for k, v in message.items() if k != "userId"}, "userId"))
            found.append(Broken({**message, "traits": "not an object"}, "traits"))
            for key, value in (("ownerId", "abc"), ("company", 42), ("cfScore", {"a": 1})):
                broken = {**message, "traits": {**traits, key: value}}
                found.append(Broken(broken, f"traits.{key}", optional=True))
            flagless = {k: v for k, v in traits.items() if k not in ("fsContact", "fs_contact")}
            found.append(
                Broken({**message, "traits": {**flagless, "fsContact": "yes"}}, "traits.fsContact")
            )
            if "@" not in str(message["userId"]):
                email_key = next(k for k in traits if k in ("email", "Email"))
                bad = {**traits, email_key: "not-an-email"}
                found.append(Broken({**message, "traits": bad}, f"traits.{email_key}"))
                gone = {k: v for k, v in traits.items() if k != email_key}
                found.append(Broken({**message, "traits": gone}, "traits.email"))
        if kind == "track":
            found.append(Broken({**message, "event": ""}, "event"))
            found.append(Broken({**message, "event": 42}, "event"))
            found.append(Broken({k: v for k, v in message.items() if k != "event"}, "event"))
            found.append(Broken({**message, "properties": ["a"]}, "properties"))
            found.append(Broken({**message, "integrations": "all"}, "integrations", optional=True))
        if kind in ("track", "page", "screen"):
            # properties may hold an email too, which would find the person
            anonymous = {
                k: v for k, v in message.items() if k not in ("userId", "context", "properties")
            }
            found.append(Broken(anonymous, "userId"))
        if kind in ("page", "screen"):
            found.append(Broken({**message, "name": 42}, "name"))
            found.append(Broken({**message, "category": ["a"]}, "category"))
        if kind == "group":
            found.append(Broken({k: v for k, v in message.items() if k != "groupId"}, "groupId"))
            found.append(Broken({**message, "groupId": ""}, "groupId"))
            unnamed = {k: v for k, v in message["traits"].items() if k != "name"}
            found.append(Broken({**message, "traits": unnamed}, "traits.name"))
        return found

    return valid_messages().flatmap(lambda message: st.sampled_from(breaks(message)))
