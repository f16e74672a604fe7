"""track → what its event means (`translator.event_map`): a sales activity built from its
properties, a change of lifecycle stage, nothing (skipped), or, for most events, an event of
the tracking API (`translator.tracking`, with an app token) or else an activity of the track
type."""

from __future__ import annotations

from translator.activity import translate_event
from translator.errors import InvalidEvent
from translator.event_map import event_rule
from translator.lifecycle import translate_lifecycle_stage
from translator.plan import JSON, Plan
from translator.sales_activity import translate_sales_activity
from translator.settings import Settings
from translator.tracking import tracked_event

__all__ = ["translate_track"]


def translate_track(message: dict[str, JSON], settings: Settings, when: str | None) -> Plan:
    """The plan for a track call."""
    event = message.get("event")
    if not isinstance(event, str) or not event.strip():
        raise InvalidEvent("event", "expected the event name, a non-empty string")
    rule = event_rule(event, settings.event_map)
    if rule is None:
        if settings.tracks_to_api:
            plan = tracked_event(message, settings, event)
            if plan is not None:
                return plan
        return translate_event(message, settings, when, event)
    if rule.kind == "sales_activity":
        return translate_sales_activity(message, settings, when, event, rule.value)
    if rule.kind == "lifecycle_stage":
        return translate_lifecycle_stage(message, settings, when, rule.value)
    return Plan(skipped="event_map")
