"""Track events that mean more than "it happened": the kinds a track can be, and the event map
of `Settings` that gives other event names one.

* `sales_activity` - a sales activity built from the event's properties (its type, outcome,
  dates, owner, target);
* `lifecycle_stage` - the person's lifecycle stage set from `properties.lifecycle_stage` (a
  name) or `properties.lifecycle_stage_id`;
* `ignore` - not sent at all: the message is skipped with the reason `event_map`.

A track named `sales_activity` or `lifecycle_stage` (any case, a space for the underscore:
"Sales Activity") has that kind. `Settings(event_map=...)` names more, by exact event name:

```python
Settings(domain="acme", api_key="...", event_map={
    "Trial Started": {"lifecycle_stage": "Trial"},        # the stage, by name (or _id: 3)
    "Demo Booked": {"sales_activity_type": "Meeting"},    # an activity of that type
    "Call Logged": "sales_activity",                      # a kind, read from the properties
    "Heartbeat": None,                                    # ignored
})
```

Every other track stays an activity of `Settings.track_activity_type`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from translator.errors import SettingsError, describe
from translator.plan import JSON

__all__ = ["IGNORE", "EventKind", "EventRule", "event_rule", "parse_event_map"]

EventKind: TypeAlias = Literal["sales_activity", "lifecycle_stage", "ignore"]
_NAME_LIMIT: Final = 255


@dataclass(frozen=True, slots=True)
class EventRule:
    """What a track event becomes: its `kind`, and for a sales activity its type, for a
    lifecycle stage the stage (`value`: a name, an id, or None to read it from the
    properties)."""

    kind: EventKind
    value: str | int | None = None

    def to_json(self) -> JSON:
        """The rule as an event map entry spells it."""
        if self.kind == "ignore":
            return None
        if self.value is None:
            return self.kind
        key = _VALUE_KEYS[self.kind] + ("_id" if isinstance(self.value, int) else "")
        return {key: self.value}


IGNORE: Final = EventRule("ignore")
_VALUE_KEYS: Final[dict[str, str]] = {
    "sales_activity": "sales_activity_type",
    "lifecycle_stage": "lifecycle_stage",
}
# The entry keys of the map's objects → (kind, whether the value is an id).
_ENTRY_KEYS: Final[dict[str, tuple[EventKind, bool]]] = {
    "sales_activity_type": ("sales_activity", False),
    "sales_activity_type_id": ("sales_activity", True),
    "lifecycle_stage": ("lifecycle_stage", False),
    "lifecycle_stage_id": ("lifecycle_stage", True),
}
_BUILT_IN: Final = {
    "sales_activity": EventRule("sales_activity"),
    "lifecycle_stage": EventRule("lifecycle_stage"),
}
# Only event names of these lengths can be a built-in kind: most tracks skip the lower().
_BUILT_IN_LENGTHS: Final = frozenset(len(name) for name in _BUILT_IN)


def event_rule(event: str, event_map: Mapping[str, EventRule]) -> EventRule | None:
    """The rule of a track event: the map's, else its built-in kind's; None for a plain
    activity."""
    if event_map:
        rule = event_map.get(event)
        if rule is not None:
            return rule
    if len(event) in _BUILT_IN_LENGTHS:
        return _BUILT_IN.get(event.lower().replace(" ", "_"))
    return None


def parse_event_map(value: object) -> dict[str, EventRule]:
    """The event map given to Settings, checked, as rules by event name."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SettingsError(
            "event_map", f"expected an object of event names, got {describe(value)}"
        )
    rules: dict[str, EventRule] = {}
    for event, entry in value.items():
        if not isinstance(event, str) or not event.strip():
            raise SettingsError("event_map", f"expected event names, got {describe(event)}")
        rules[event] = _rule(event, entry)
    return rules


def _rule(event: str, entry: object) -> EventRule:
    if entry is None:
        return IGNORE
    if isinstance(entry, str) and entry in _BUILT_IN:
        return _BUILT_IN[entry]
    if isinstance(entry, Mapping) and len(entry) == 1:
        [(key, value)] = entry.items()
        found = _ENTRY_KEYS.get(key) if isinstance(key, str) else None
        if found is not None:
            kind, is_id = found
            if is_id and isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return EventRule(kind, value)
            if not is_id and isinstance(value, str) and value.strip() and len(value) <= _NAME_LIMIT:
                return EventRule(kind, value)
    raise SettingsError(
        "event_map",
        f'{event!r}: expected null (ignore it), "sales_activity", "lifecycle_stage", '
        '{"sales_activity_type": <name>}, {"sales_activity_type_id": <id>}, '
        '{"lifecycle_stage": <name>} or {"lifecycle_stage_id": <id>}, '
        f"got {describe(entry)}",
    )
