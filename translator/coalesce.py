"""Merging consecutive identifies of one person into one, to save API calls.

Two identifies are merged when they are next to each other in the stream, both valid, and
upsert the same person (same userId, same resolved email); the later one's traits win.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from translator.errors import InvalidEvent
from translator.plan import JSON, Plan
from translator.settings import Settings
from translator.translate import translate

__all__ = ["Batch", "coalesce_identifies"]


@dataclass
class Batch:
    """A message to deliver standing for `count` messages of the stream."""

    message: object
    count: int = 1
    calls_saved: int = 0
    message_ids: list[str] = field(default_factory=list)


def _person_key(message: object, settings: Settings) -> tuple[object, str, JSON] | None:
    """(userId, lead or contact path, upsert key) of a valid identify; None for anything else."""
    if not isinstance(message, dict) or message.get("type") != "identify":
        return None
    try:
        plan = translate(message, settings)
    except InvalidEvent:
        return None
    for call in plan.calls:
        if call.name == "person" and isinstance(call.body, dict):
            return message.get("userId"), call.path, call.body.get("unique_identifier")
    return None


def _calls(message: object, settings: Settings) -> int:
    plan: Plan = translate(message, settings)
    return len(plan.calls)


def coalesce_identifies(messages: Iterable[object], settings: Settings) -> Iterator[Batch]:
    """The stream with runs of identifies of one person merged; lazy, one message ahead."""
    pending: Batch | None = None
    pending_key: tuple[object, str, JSON] | None = None
    for message in messages:
        key = _person_key(message, settings)
        if pending is not None and key is not None and key == pending_key:
            earlier = pending.message
            assert isinstance(earlier, dict) and isinstance(message, dict)
            traits = {**(earlier.get("traits") or {}), **(message.get("traits") or {})}
            pending.calls_saved += _calls(earlier, settings)
            pending.message = {**message, "traits": traits}
            pending.count += 1
            _add_id(pending, message)
            continue
        if pending is not None:
            yield pending
            pending, pending_key = None, None
        if key is None:
            yield Batch(message)
        else:
            pending, pending_key = Batch(message), key
            _add_id(pending, message)
    if pending is not None:
        yield pending


def _add_id(batch: Batch, message: object) -> None:
    message_id = message.get("messageId") if isinstance(message, dict) else None
    if isinstance(message_id, str):
        batch.message_ids.append(message_id)
