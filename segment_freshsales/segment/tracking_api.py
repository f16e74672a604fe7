"""The shapes of Segment's HTTP Tracking API: batch bodies, size limits and receipt stamps.

Shared by the relay, which receives these bodies over HTTP, and by `segment-freshsales send`,
which reads them from files.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from translator.message import MAX_MESSAGE_BYTES

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_MESSAGE_BYTES",
    "BodyError",
    "loads",
    "message_size",
    "stamped",
    "unpack_batch",
]

MAX_BATCH_BYTES: Final = 500 * 1024  # Segment's limit per batch request
# Batch-level keys that Segment merges into every item of the batch.
_SHARED_KEYS: Final = ("context", "integrations")


class BodyError(ValueError):
    """A request body that does not have the shape Segment's API accepts."""


def loads(text: str | bytes) -> Any:
    """Strict JSON: Python's json, which keeps big integers and escaped lone surrogates for the
    translator to judge, but without the NaN and Infinity that JSON does not have."""
    return json.loads(text, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def unpack_batch(body: Mapping[str, Any]) -> list[Any]:
    """The items of a `{"batch": [...]}` body, with the batch's context and integrations merged
    into each item (the item's own keys win), as Segment does."""
    items = body.get("batch")
    if not isinstance(items, list):
        raise BodyError("batch: expected a list of messages")
    shared = {key: body[key] for key in _SHARED_KEYS if isinstance(body.get(key), dict)}
    return [_merged(item, shared) for item in items] if shared else list(items)


def _merged(item: Any, shared: dict[str, dict[str, Any]]) -> Any:
    if not isinstance(item, dict):
        return item  # the translator rejects it with a reason; nothing to merge into
    merged = dict(item)
    for key, value in shared.items():
        own = item.get(key)
        if own is None:
            merged[key] = value
        elif isinstance(own, dict):
            merged[key] = {**value, **own}
    return merged


def message_size(message: Any) -> int:
    """Bytes of the message as compact UTF-8 JSON, the measure of Segment's 32 KB limit."""
    try:
        return len(orjson.dumps(message))
    except orjson.JSONEncodeError:  # integers beyond 64 bits: stdlib json, as the client does
        return len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode())


def stamped(message: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The message with `receivedAt`, and the `messageId` and `timestamp` Segment gives a
    message on receipt when it has none."""
    received = (now or datetime.now(UTC)).isoformat(timespec="milliseconds")
    received = received.replace("+00:00", "Z")
    result = {**message, "receivedAt": received}
    if not isinstance(message.get("messageId"), str) or not message["messageId"]:
        result["messageId"] = f"relay-{uuid.uuid4()}"
    if message.get("timestamp") is None:
        result["timestamp"] = received
    return result
