"""Merging consecutive identifies of one person into one, to save API calls.

Two identifies are merged when they are next to each other in the stream, both valid, and
upsert the same person (same userId, same resolved email); the later one's traits win.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

from translator.errors import InvalidEvent
from translator.plan import JSON
from translator.settings import Settings
from translator.translate import translate

__all__ = ["Batch", "coalesce_identifies", "single_batches"]

PersonKey: TypeAlias = tuple[object, str, JSON]


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
    def message_ids(self) -> tuple[str, ...]:
        """The messageIds of the members that have one."""
        ids = (m.get("messageId") for _, m in self.members if isinstance(m, dict))
        return tuple(i for i in ids if isinstance(i, str))


def single_batches(messages: Iterable[object]) -> Iterator[Batch]:
    """The stream as batches of one message each."""
    for position, message in enumerate(messages):
        yield Batch.single(position, message)


def _person_key(message: object, settings: Settings) -> tuple[PersonKey, int] | None:
    """(userId, lead or contact path, upsert key) of a valid identify, and how many calls its
    plan makes; None for anything else."""
    if not isinstance(message, dict) or message.get("type") != "identify":
        return None
    try:
        plan = translate(message, settings)
    except InvalidEvent:
        return None
    for call in plan.calls:
        if call.name == "person" and isinstance(call.body, dict):
            key = (message.get("userId"), call.path, call.body.get("unique_identifier"))
            return key, len(plan.calls)
    return None


def coalesce_identifies(messages: Iterable[object], settings: Settings) -> Iterator[Batch]:
    """The stream with runs of identifies of one person merged; lazy, one message ahead.

    `calls_saved` counts the calls the identifies merged away would each have made.
    """
    pending: Batch | None = None
    pending_key: PersonKey | None = None
    pending_calls = 0
    for position, message in enumerate(messages):
        found = _person_key(message, settings)
        if pending is not None and found is not None and found[0] == pending_key:
            earlier = pending.message
            assert isinstance(earlier, dict) and isinstance(message, dict)
            traits = {**(earlier.get("traits") or {}), **(message.get("traits") or {})}
            pending.calls_saved += pending_calls
            pending.message = {**message, "traits": traits}
            pending.members.append((position, message))
            pending_calls = found[1]
            continue
        if pending is not None:
            yield pending
            pending, pending_key = None, None
        if found is None:
            yield Batch.single(position, message)
        else:
            pending, (pending_key, pending_calls) = Batch.single(position, message), found
    if pending is not None:
        yield pending
