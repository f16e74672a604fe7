"""Invariants of translate over generated Segment messages (Hypothesis)."""

import copy
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from translator import InvalidEvent, Plan, Settings, translate
from translator import strategies as segment

CANARY = "canary-key-6f1d2a"
CLASSIC = Settings(domain="acme", api_key=CANARY)
SUITE = Settings(domain="acme.myfreshworks.com", api_key=CANARY)
both_hosts = st.sampled_from([CLASSIC, SUITE])
STRICT = {
    settings.domain: Settings(domain=settings.domain, api_key=CANARY, strict=True)
    for settings in (CLASSIC, SUITE)
}

# Messages whose known fields hold arbitrary JSON: the translator's every branch meets garbage.
message_like = st.fixed_dictionaries(
    {"type": st.sampled_from(["identify", "track", "page", "screen", "group", "alias", "x"])},
    optional={
        key: segment.json_values(6)
        for key in (
            "userId",
            "anonymousId",
            "messageId",
            "traits",
            "event",
            "properties",
            "name",
            "category",
            "groupId",
            "previousId",
            "timestamp",
            "originalTimestamp",
            "context",
            "integrations",
        )
    },
)


@given(st.one_of(segment.json_values(), message_like), both_hosts)
def test_arbitrary_json_raises_only_invalid_event(message: Any, settings: Settings) -> None:
    try:
        plan = translate(message, settings)
    except InvalidEvent as error:
        assert error.path
        assert str(error).startswith(f"{error.path}: expected")
    else:
        assert isinstance(plan, Plan)


@given(segment.broken_messages(), both_hosts, st.booleans())
def test_one_broken_field_is_named(
    broken: segment.Broken, settings: Settings, strict: bool
) -> None:
    """A broken optional value is dropped and named in plan.dropped, unless the settings are
    strict; any other broken field rejects the message, naming it."""
    if strict:
        settings = STRICT[settings.domain]
    try:
        plan = translate(broken.message, settings)
    except InvalidEvent as error:
        assert error.path == broken.path
        assert strict or not broken.optional, f"{broken.path} is optional: dropped, not rejected"
    else:
        assert broken.optional and not strict, f"no InvalidEvent for a broken {broken.path}"
        assert broken.path in [entry.path for entry in plan.dropped]


def resolved_email(message: dict[str, Any]) -> str:
    traits = message["traits"]
    for key in ("email", "Email"):
        if key in traits:
            return str(traits[key]).strip()
    return str(message["userId"]).strip()


@given(segment.identify_messages(), both_hosts)
def test_identify_writes_exactly_one_person_by_the_resolved_email(
    message: dict[str, Any], settings: Settings
) -> None:
    plan = translate(message, settings)
    [person] = [c for c in plan.calls if c.name == "person"]
    email = resolved_email(message)
    if person.finds:  # a lead looked up by email, then updated or created
        assert person.query == {"q": email, "f": "email", "entities": "lead"}
        writes = [person.found, person.fallback]
    else:
        assert person.body["unique_identifier"] == {"emails": email}
        writes = [person]
    for write in writes:
        assert write is not None
        record = write.body["contact"] if "contact" in write.body else write.body["lead"]
        assert record["email"] == email
        assert record["external_id"] == str(message["userId"])
    if settings.suite:
        assert person.path == "/contacts/upsert"


@given(
    segment.mapped_traits(),
    st.lists(segment.unmapped_trait_keys(), unique=True, max_size=4),
    both_hosts,
)
def test_ignored_is_exactly_the_unmapped_trait_keys(
    traits: dict[str, Any], unmapped: list[str], settings: Settings
) -> None:
    message = {
        "type": "identify",
        "userId": "u-1",
        "traits": {**traits, **dict.fromkeys(unmapped, 1), "email": "a@b.co"},
    }
    assert translate(message, settings).ignored == sorted(unmapped)


@given(segment.valid_messages(), both_hosts)
def test_valid_messages_translate_deterministically_and_round_trip(
    message: dict[str, Any], settings: Settings
) -> None:
    original = copy.deepcopy(message)
    plan = translate(message, settings)
    assert message == original  # the input is not modified
    assert translate(copy.deepcopy(message), settings) == plan
    text = json.dumps(plan.to_json())
    assert Plan.from_json(json.loads(text)) == plan
    assert CANARY not in text
    assert plan.dropped == []  # valid values are sent, not dropped
    names = [c.name for c in plan.calls]
    assert len(names) == len(set(names))
