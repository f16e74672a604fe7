"""Plans of one Settings share their constant parts and the person step of a person seen
before (translator.shared); plans are read-only, so that sharing is invisible."""

import copy
from typing import Any

from translator import Plan, Settings, translate
from translator.shared import PERSON_STEPS_KEPT, SharedParts

SETTINGS = Settings(domain="acme", api_key="k", owner="boss@acme.example")


def track(user: str, **more: Any) -> dict[str, Any]:
    return {"type": "track", "userId": user, "event": "Signed Up", "messageId": user, **more}


def activity(plan: Plan) -> dict[str, Any]:
    body: dict[str, Any] = plan.calls[1].body["sales_activity"]
    return body


def filled(value: Any, results: dict[str, Any]) -> Any:
    """`value` with its placeholders filled, into new objects, as delivery fills them."""
    if isinstance(value, dict):
        if set(value) == {"$ref"}:
            call, pointer = value["$ref"].split("#")
            return results[call][pointer.strip("/")]
        if "$lookup" in value:
            return 7
        if set(value) == {"$owner"}:
            sources = [filled(source["value"], results) for source in value["$owner"]]
            return next(source for source in sources if source is not None)
        return {key: filled(item, results) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, results) for item in value]
    return value


def test_a_person_s_plans_share_the_person_step_and_the_placeholders() -> None:
    first = translate(track("ann@example.com"), SETTINGS)
    second = translate(track("ann@example.com", properties={"plan": "pro"}), SETTINGS)
    other = translate(track("bob@example.com"), SETTINGS)
    assert first.calls[0] is second.calls[0]
    assert other.calls[0] is not first.calls[0]
    for key in ("sales_activity_type_id", "targetable_type", "targetable_id", "owner_id"):
        assert activity(first)[key] is activity(other)[key]


def test_resolving_one_plan_leaves_the_parts_it_shares_with_another_intact() -> None:
    first = translate(track("ann@example.com"), SETTINGS)
    second = translate(track("ann@example.com"), SETTINGS)
    before = copy.deepcopy(second.to_json())
    results = {"person": {"targetable_type": "Lead", "targetable_id": 5, "owner_id": None}}
    resolved = filled(first.calls[1].body, results)
    assert resolved["sales_activity"]["targetable_id"] == 5
    assert resolved["sales_activity"]["owner_id"] == 7  # Settings.owner, looked up
    assert second.to_json() == before
    assert first.to_json() == before


def test_translating_never_changes_what_plans_share() -> None:
    settings = Settings(domain="acme", api_key="k", owner=3, strict=False)
    kept = [translate(track(f"u{n}@example.com"), settings) for n in range(3)]
    before = [copy.deepcopy(plan.to_json()) for plan in kept]
    for n in range(3):  # the same people again, with owners of their own and bad ones
        translate(track(f"u{n}@example.com", properties={"ownerId": 9}), settings)
        translate(track(f"u{n}@example.com", properties={"ownerId": "abc"}), settings)
        translate({**track(f"u{n}@example.com"), "integrations": "all"}, settings)
    assert [plan.to_json() for plan in kept] == before
    fresh = SharedParts(settings)
    assert (settings.shared.owner, settings.shared.activity_types) == (
        fresh.owner,
        fresh.activity_types,
    )


def test_the_person_steps_kept_are_bounded() -> None:
    settings = Settings(domain="acme", api_key="k", owner=3)
    for n in range(PERSON_STEPS_KEPT + 1):
        translate(track(f"u{n}@example.com"), settings)
    assert 0 < len(settings.shared.person_steps) <= PERSON_STEPS_KEPT
    again = translate(track("u0@example.com"), settings)
    assert again.calls[0].query == {"q": "u0@example.com", "f": "email", "entities": "contact,lead"}


def test_what_settings_share_is_not_part_of_their_identity() -> None:
    used = Settings(domain="acme", api_key="k", owner=3)
    translate(track("ann@example.com"), used)
    unused = Settings(domain="acme", api_key="k", owner=3)
    assert used == unused
    assert hash(used) == hash(unused)
    changed = used.replace(owner=4)
    assert changed.shared is not used.shared
    assert changed.shared.owner == {
        "$owner": [
            {"from": "person", "value": {"$ref": "person#/owner_id"}},
            {"from": "Settings.owner", "value": 4},
        ]
    }
    assert changed.shared.person_steps == {}
